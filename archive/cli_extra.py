"""Registers the CLI commands that live next to the features they drive."""

from __future__ import annotations

from collections.abc import Callable

import typer

from archive.cli_commands import export, imports, ledger, sample, search, serve, tokens

# Each feature module exposes `register(app)`; the list is explicit so a renamed or missing module
# fails at import (and in mypy), not silently at run time. The order is the order of `protokoll --help`.
FEATURES: tuple[Callable[[typer.Typer], None], ...] = (
    imports.register,
    serve.register,
    search.register,
    ledger.register,
    export.register,
    tokens.register,
    sample.register,
)


def register(app: typer.Typer) -> None:
    for register_feature in FEATURES:
        register_feature(app)
