"""`protokoll token create --role archivist|auditor`: prints a new bearer token once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens for archivists and auditors.")


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help="archivist (writes) or auditor (reads everything)")],
    name: Annotated[Optional[str], typer.Option("--name", help="who holds it; becomes recorded_by")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="data directory (PROTOKOLL_DATA_DIR)")] = None,
) -> None:
    """Create a token: only its SHA-256 is stored, in the tokens file."""
    from api.auth import Role
    from api.tokens import create_token
    from archive.config import Settings

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter("role must be archivist or auditor", param_hint="--role") from None
    if chosen is Role.PUBLIC:
        raise typer.BadParameter("the public role needs no token", param_hint="--role")
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    path = settings.resolved_tokens_file
    token = create_token(path, chosen, name)
    typer.echo(token)
    typer.echo(
        f"\nStored the hash for role {chosen.value} in {path}. This token is shown only once.\n"
        f"Use it as: Authorization: Bearer {token}\n"
        f"  e.g. curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8000/api/records\n"
        "In a browser, paste it on /login.",
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
