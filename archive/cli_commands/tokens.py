"""`protokoll token create|list|revoke`: bearer tokens for archivists and auditors (only hashes are stored)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens for archivists and auditors.")


@token_app.command("create")
def create(
    role: Annotated[str, typer.Option("--role", help="archivist (writes) or auditor (reads everything)")],
    name: Annotated[str | None, typer.Option("--name", help="who holds it; becomes recorded_by")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="data directory (PROTOKOLL_DATA_DIR)")] = None,
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


DataDirOption = Annotated[Path | None, typer.Option("--data-dir", help="data directory (PROTOKOLL_DATA_DIR)")]


def _tokens_file(data_dir: Path | None) -> Path:
    from archive.config import Settings

    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    return settings.resolved_tokens_file


@token_app.command("list")
def list_(data_dir: DataDirOption = None) -> None:
    """Every token: the first 12 hex digits of its hash, role, name and when it was made."""
    from api.tokens import list_tokens

    path = _tokens_file(data_dir)
    try:
        entries = list_tokens(path)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if not entries:
        typer.echo(f"no tokens in {path}; make one with: protokoll token create --role archivist")
        return
    width = max(len(e.name) for e in entries)
    typer.echo(f"{'hash':<12}  {'role':<9}  {'name':<{width}}  created")
    for e in entries:
        typer.echo(f"{e.hash_prefix:<12}  {e.role:<9}  {e.name:<{width}}  {e.created_at}")


@token_app.command("revoke")
def revoke(
    which: Annotated[str, typer.Argument(metavar="NAME|HASH", help="the token's name, or 8+ hex digits of its hash")],
    data_dir: DataDirOption = None,
) -> None:
    """Revoke tokens by name or hash prefix; a running server stops accepting them at once."""
    from api.tokens import revoke_token

    path = _tokens_file(data_dir)
    try:
        removed = revoke_token(path, which)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if not removed:
        typer.echo(
            f"error: no token named {which!r} or with a hash starting {which!r} (see: protokoll token list)", err=True
        )
        raise typer.Exit(1)
    for e in removed:
        typer.echo(f"revoked {e.hash_prefix} ({e.role}, {e.name})")


def register(app: typer.Typer) -> None:
    app.add_typer(token_app, name="token")
