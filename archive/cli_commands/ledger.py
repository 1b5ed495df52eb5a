"""`protokoll keygen | checkpoint | proof | verify`: the auditors' tamper evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from archive import audit
from archive.cli import AsJson, CliError, DataDir, open_service, settings_for
from archive.service import ArchiveService


def register(app: typer.Typer) -> None:
    @app.command()
    def keygen(data_dir: DataDir = None) -> None:
        """Create the Ed25519 key that signs checkpoints (kept in a file, never in the database)."""
        private, public = audit.keygen(settings_for(data_dir))
        typer.echo(f"private key: {private}\npublic key:  {public}  (give this to auditors)")

    @app.command()
    def checkpoint(data_dir: DataDir = None) -> None:
        """Print a signed checkpoint (C2SP tlog-checkpoint) of the ledger and log it."""
        with open_service(data_dir, search=False) as service:
            typer.echo(audit.checkpoint(service), nl=False)

    @app.command()
    def proof(
        kind: Annotated[str, typer.Argument(help="inclusion or consistency")],
        leaf: Annotated[int | None, typer.Option(help="leaf index (inclusion)")] = None,
        size: Annotated[int | None, typer.Option(help="tree size (inclusion)")] = None,
        from_size: Annotated[int | None, typer.Option("--from", help="older tree size (consistency)")] = None,
        to_size: Annotated[int | None, typer.Option("--to", help="newer tree size (consistency)")] = None,
        data_dir: DataDir = None,
    ) -> None:
        """Print an inclusion or consistency proof as JSON (hashes in base64)."""
        with open_service(data_dir, search=False) as service:
            if kind == "inclusion":
                if leaf is None:
                    raise CliError("an inclusion proof needs --leaf")
                result = service.ledger.inclusion_proof(leaf, size if size is not None else service.ledger.head()[0])
            elif kind == "consistency":
                if from_size is None:
                    raise CliError("a consistency proof needs --from")
                result = service.ledger.consistency_proof(
                    from_size, to_size if to_size is not None else service.ledger.head()[0]
                )
            else:
                raise CliError("proof kind must be 'inclusion' or 'consistency'")
        typer.echo(json.dumps(audit.b64_fields(result), indent=2))

    @app.command()
    def verify(
        checkpoint: Annotated[
            list[Path] | None, typer.Option("--checkpoint", help="checkpoint file(s) kept earlier")
        ] = None,
        public_key: Annotated[Path | None, typer.Option("--public-key", help="the archive's public key")] = None,
        source: Annotated[
            str | None, typer.Option("--from", help="a data directory, an event export (.jsonl) or a server URL")
        ] = None,
        token: Annotated[
            str | None, typer.Option("--token", envvar="PROTOKOLL_TOKEN", help="auditor token for --from URL")
        ] = None,
        data_dir: DataDir = None,
        as_json: AsJson = False,
    ) -> None:
        """Recompute every leaf and root; compare with the ledger and the checkpoints."""
        texts = audit.read_checkpoint_files(checkpoint or [])
        if source and source.startswith(("http://", "https://")):
            report = _verify_export_lines(_fetch_export(source, token), texts, public_key, source)
        elif source and Path(source).is_file():
            report = _verify_export(Path(source), texts, public_key)
        else:
            target = Path(source) if source else data_dir
            settings = settings_for(target)
            if not settings.is_postgres and not settings.events_path.exists():
                raise CliError(f"no archive at {settings.data_dir}")
            with ArchiveService(settings, search=False) as service:
                report = audit.verify_archive(service, texts, public_key)
        if as_json:
            typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in report.problems:
                typer.echo(f"FAIL {problem}", err=True)
            if report.first_bad:
                typer.echo(f"first bad leaf: {json.dumps(report.first_bad, ensure_ascii=False)}", err=True)
            if report.ok:
                typer.echo(f"ok: {report.size} events, root {report.root}, "
                           f"{report.checkpoints_verified} checkpoint(s) verified")
        if not report.ok:
            raise typer.Exit(1)


def _fetch_export(base_url: str, token: str | None) -> list[str]:
    """The server's event export (auditors only), as the standalone verifier reads it."""
    import httpx

    url = base_url.rstrip("/") + "/api/ledger/export"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with httpx.Client(timeout=300) as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot fetch {url}: {exc}") from None
    if response.status_code != 200:
        raise CliError(f"{url} answered {response.status_code}: {response.text[:200]}")
    return response.text.splitlines()


def _verify_export(path: Path, texts: list[str], public_key: Path | None) -> audit.AuditReport:
    try:
        with path.open(encoding="utf-8") as lines:
            return _verify_export_lines(list(lines), texts, public_key, str(path))
    except OSError as exc:
        raise CliError(f"cannot read export {path}: {exc.strerror}") from None


def _verify_export_lines(lines: list[str], texts: list[str], public_key: Path | None, where: str) -> audit.AuditReport:
    from archive.ledger.verifier import read_export, verify_export

    try:
        export = read_export(lines)
    except ValueError as exc:
        raise CliError(f"cannot read export from {where}: {exc}") from None
    if texts and public_key is None:
        raise CliError("--public-key is needed to check checkpoints against an export")
    report = verify_export(export, checkpoints=texts, public_key=public_key)
    return audit.AuditReport(
        report.ok, report.problems, report.size, report.root, report.first_bad, report.checkpoints_verified
    )
