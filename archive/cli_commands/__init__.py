"""CLI command groups, one module per feature."""
