"""Tamper evidence: RFC 9162 Merkle ledger, C2SP signed checkpoints, standalone verifier."""
