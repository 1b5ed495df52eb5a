"""Registers the CLI commands that live next to the features they drive."""

from __future__ import annotations

import importlib

import typer

# Each module exposes `register(app: typer.Typer) -> None`; missing ones are skipped so the
# core CLI works while a feature is absent from an installation.
FEATURE_MODULES = (
    "archive.cli_commands.imports",
    "archive.cli_commands.serve",
    "archive.cli_commands.search",
    "archive.cli_commands.ledger",
    "archive.cli_commands.export",
    "archive.cli_commands.tokens",
    "archive.cli_commands.sample",
)


def register(app: typer.Typer) -> None:
    for name in FEATURE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(app)
