"""`protokoll token create` and `protokoll serve` are registered and behave."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.tokens import TokenStore, hash_token


def cli_app():  # type: ignore[no-untyped-def]
    from archive import cli

    cli.register_extensions()
    return cli.app


def test_token_create_prints_the_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app(), ["token", "create", "--role", "archivist", "--name", "kari",
                                            "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    stored = (tmp_path / "tokens.json").read_text()
    assert token not in stored and hash_token(token) in stored
    assert json.loads(stored)["tokens"][0]["role"] == "archivist"
    entry = TokenStore(tmp_path / "tokens.json").lookup(token)
    assert entry is not None and entry.name == "kari"
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0


def test_token_create_refuses_unknown_roles(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app(), ["token", "create", "--role", "admin", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0 and not (tmp_path / "tokens.json").exists()


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(cli_app(), ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output
