"""`protokoll token create` and `protokoll serve` are registered and behave."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.tokens import TokenStore, hash_token
from tests.api.conftest import Scenario


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


def test_an_archivist_lists_and_revokes_tokens_and_the_server_stops_accepting_the_revoked_one(
    scenario: Scenario,
) -> None:
    runner = CliRunner()
    data_dir = str(scenario.settings.data_dir)
    # The archive's two tokens are listed by name, role and a hash prefix; never the token itself.
    listed = runner.invoke(cli_app(), ["token", "list", "--data-dir", data_dir])
    assert listed.exit_code == 0, listed.output
    assert "arkivar-test" in listed.stdout and "revisor-test" in listed.stdout
    token = scenario.archivist["Authorization"].removeprefix("Bearer ")
    assert token not in listed.stdout and hash_token(token)[:12] in listed.stdout
    # The auditor's token opens an auditor-only route before it is revoked.
    assert scenario.client.get("/api/events", headers=scenario.auditor).status_code == 200
    # Revoke the auditor's token by name: the running server refuses it at once, without a restart.
    revoked = runner.invoke(cli_app(), ["token", "revoke", "revisor-test", "--data-dir", data_dir])
    assert revoked.exit_code == 0 and "revisor-test" in revoked.stdout
    assert scenario.client.get("/api/events", headers=scenario.auditor).status_code == 401
    # Revoking something that does not exist says so on one line and exits non-zero.
    missing = runner.invoke(cli_app(), ["token", "revoke", "nobody", "--data-dir", data_dir])
    assert missing.exit_code == 1 and "no token named 'nobody'" in missing.output


def test_help_reads_like_a_manual_with_no_internal_type_names() -> None:
    # Every command's --help, as a person reads it: no `<bool>` on flags, no `{paths}` in usage.
    from archive import cli

    cli.register_extensions()
    names = [c.name for c in cli.app.registered_commands if c.name] + ["import", "status", "search"]
    for name in dict.fromkeys(names):
        shown = CliRunner().invoke(cli_app(), [name, "--help"], env={"COLUMNS": "120"})
        assert shown.exit_code == 0, (name, shown.output)
        assert "<bool>" not in shown.output and "{" not in shown.output.splitlines()[1], (name, shown.output)
