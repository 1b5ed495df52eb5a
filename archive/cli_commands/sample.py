"""`protokoll sample`: load the invented sample records."""

from __future__ import annotations

import typer

from archive.cli import DataDir, open_service
from archive.sample import load_sample


def register(app: typer.Typer) -> None:
    @app.command()
    def sample(data_dir: DataDir = None) -> None:
        """Load invented sample records (idempotent)."""
        with open_service(data_dir) as service:
            created = load_sample(service)
            service.catch_up()
        typer.echo(f"sample records: {created} created")
