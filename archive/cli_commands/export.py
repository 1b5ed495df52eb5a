"""`protokoll export noark5|events|csv` and `protokoll restore`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from archive import audit
from archive.cli import CliError, DataDir, open_service, settings_for
from archive.values import parse_day

export_app = typer.Typer(no_args_is_help=True, help="Export the archive: Noark 5, events, CSV.")

CSV_FIELDS = {
    "catalog": ["reference", "kind", "title", "status", "date", "version", "created_at", "updated_at", "id"],
    "statements": ["reference", "said_at", "speaker_name", "party", "speaker_role", "organisation_name", "text", "id"],
    "people": ["reference", "name", "party", "roles", "person_id"],
}


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value, name)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _schemas(explicit: Path | None) -> Path:
    shared = settings_for(None).shared_dir  # PROTOKOLL_SHARED_DIR, read through Settings like all configuration
    candidates = [explicit] if explicit else [
        shared / "schemas" if shared else None,
        Path("../shared/schemas"),
        Path(__file__).resolve().parents[3] / "shared" / "schemas",
    ]
    for candidate in candidates:
        if candidate and (candidate / "noark5-v5.0" / "arkivstruktur.xsd").exists():
            return candidate
    raise CliError("Arkivverket's schemas not found: pass --schemas DIR (holding noark5-v5.0/ and addml-v8.3/)")


@export_app.command("noark5")
def noark5(
    out_dir: Annotated[Path, typer.Argument(help="new, empty directory for the package")],
    from_date: Annotated[str | None, typer.Option("--from", help="first day (record date)")] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="last day (record date)")] = None,
    schemas: Annotated[Path | None, typer.Option(help="folder with noark5-v5.0/ and addml-v8.3/")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="run the Arkade-style checks and print a report per test")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Write a Noark 5 arkivuttrekk (arkivstruktur, endringslogg, journals, ADDML, documents, schemas).

    With --from/--to, a record is exported only when every date it carries (registration,
    versions, document and meeting dates, changes) lies within the period."""
    from archive.export.from_archive import build_archive
    from archive.export.ledger_source import ArchiveEvidence, LedgerMismatchError
    from archive.export.noark5 import validate_package, write_package

    schema_dir = _schemas(schemas)
    start, end = _day(from_date, "--from"), _day(to_date, "--to")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise CliError(f"{out_dir} is not empty")
    with open_service(data_dir, search=False) as service:
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            task = progress.add_task("exporting", total=None)
            try:
                report = write_package(
                    build_archive(service, period_from=start, period_to=end),
                    out_dir,
                    schema_dir,
                    progress=lambda n: progress.update(task, completed=n),
                    ledger=ArchiveEvidence(service),
                )
            except LedgerMismatchError as exc:
                raise CliError(str(exc)) from None
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{out_dir}: {len(report.files)} files, counts {json.dumps(report.counts, ensure_ascii=False)}")
    if report.evidence is not None:
        ev = report.evidence
        typer.echo(f"ledger: {'signed' if ev.signed else 'UNSIGNED'} checkpoint, {ev.documents} document "
                   f"proofs over {ev.leaves} leaves, {ev.bound} documents bound to their events' text")
    if check:
        _print_check(out_dir, schema_dir)
        return
    errors = validate_package(out_dir, schema_dir / "noark5-v5.0", schema_dir / "addml-v8.3")
    for error in errors:
        typer.echo(f"invalid: {error}", err=True)
    if errors:
        raise typer.Exit(1)


def _print_check(package: Path, schema_dir: Path) -> None:
    from archive.export.noark5.check import check_package

    result = check_package(package, schema_dir / "noark5-v5.0", schema_dir / "addml-v8.3")
    for line in result.lines():
        typer.echo(line)
    typer.echo(f"{result.errors()} error(s)")
    if result.errors():
        raise typer.Exit(1)


@export_app.command("events")
def events(
    out_file: Annotated[Path, typer.Argument(help="JSON Lines file ('-' for stdout)")],
    data_dir: DataDir = None,
) -> None:
    """Every stored event in log order, byte for byte, with the ledger root at the end."""
    with open_service(data_dir, search=False) as service:
        if str(out_file) == "-":
            size, root = audit.export_events(service, sys.stdout)
        else:
            with out_file.open("w", encoding="utf-8") as out:
                size, root = audit.export_events(service, out)
    import base64

    typer.echo(f"exported {size} events, ledger root {base64.b64encode(root).decode()}", err=True)


@export_app.command("csv")
def csv(
    what: Annotated[str, typer.Argument(help="catalog, statements or people")],
    out_file: Annotated[Path, typer.Argument(help="CSV file ('-' for stdout)")],
    include_restricted: Annotated[bool, typer.Option(help="include screened records (auditors only)")] = False,
    data_dir: DataDir = None,
) -> None:
    """Spreadsheet-safe CSV (cells starting with = + - @ or control characters are neutralised)."""
    _table(what, out_file, include_restricted, data_dir, "csv")


@export_app.command("json")
def json_lines(
    what: Annotated[str, typer.Argument(help="catalog, statements or people")],
    out_file: Annotated[Path, typer.Argument(help="JSON Lines file ('-' for stdout)")],
    include_restricted: Annotated[bool, typer.Option(help="include screened records (auditors only)")] = False,
    data_dir: DataDir = None,
) -> None:
    """One JSON object per line, for newsrooms' own tools (the full record state included)."""
    _table(what, out_file, include_restricted, data_dir, "json")


def _roles_text(roles: list[dict[str, str | None]]) -> str:
    """Roles as a spreadsheet reads them: 'fylkesordfører (Nordvik fylkeskommune, 2019-10-15–)'."""
    parts = []
    for role in roles:
        where = ", ".join(
            x
            for x in (role.get("organisation_name"), f"{role.get('from') or ''}–{role.get('to') or ''}")
            if x and x != "–"
        )
        parts.append(f"{role['role']} ({where})" if where else str(role["role"]))
    return "; ".join(parts)


def _table(what: str, out_file: Path, include_restricted: bool, data_dir: Path | None, fmt: str) -> None:
    from archive.export.safe_csv import write_csv
    from archive.readmodels.catalog import CatalogFilter
    from archive.visibility import is_shown

    # --include-restricted reads as an auditor would; without it, what the public sees.
    reader = "auditor" if include_restricted else "public"
    if what not in CSV_FIELDS:
        raise CliError(f"what must be one of {', '.join(CSV_FIELDS)}")
    with open_service(data_dir, search=False) as service:

        def rows() -> Iterator[dict[str, Any]]:
            if what == "people":
                for person in service.people.list_people(limit=1_000_000):
                    if is_shown(person, reader):  # archive.visibility, as every read path
                        yield {**person, "roles": _roles_text(json.loads(person["roles"]))} if fmt == "csv" else person
                return
            kind = "statement" if what == "statements" else None
            page = 1
            while True:
                found, total = service.catalog.list(
                    CatalogFilter(kind=kind, include_restricted=include_restricted, page=page, page_size=200)
                )
                for row in found:
                    yield {**row, **row["state"]} if what == "statements" else row
                if page * 200 >= total:
                    return
                page += 1

        out = sys.stdout if str(out_file) == "-" else out_file.open("w", encoding="utf-8", newline="")
        try:
            if fmt == "csv":
                count = write_csv(rows(), CSV_FIELDS[what], out)
            else:
                count = 0
                for row in rows():
                    out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                    count += 1
        finally:
            if out is not sys.stdout:
                out.close()
    typer.echo(f"{count} rows", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")

    @app.command("check-noark5")
    def check_noark5(
        package: Annotated[Path, typer.Argument(help="a Noark 5 arkivuttrekk directory")],
        schemas: Annotated[Path | None, typer.Option(help="folder with noark5-v5.0/ and addml-v8.3/")] = None,
    ) -> None:
        """Check any Noark 5 extract as Arkade would (schemas, checksums, counts, codes, dates, journals)."""
        if not (package / "arkivstruktur.xml").is_file() or not (package / "arkivuttrekk.xml").is_file():
            raise CliError(f"{package} is not a Noark 5 extract (arkivstruktur.xml and arkivuttrekk.xml expected)")
        _print_check(package, _schemas(schemas))

    @app.command("verify-extract")
    def verify_extract_command(
        extract: Annotated[Path, typer.Argument(help="an extract written by `protokoll export noark5`")],
        public_key: Annotated[
            Path | None,
            typer.Option(
                "--public-key", help="the archive's public key (PEM or C2SP vkey); default: the key in the extract"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="the report as JSON")] = False,
    ) -> None:
        """Check an extract offline: checkpoint signature, every inclusion proof, every document file."""
        from archive.export.noark5.verify_extract import verify_extract

        if not extract.is_dir():
            raise CliError(f"{extract} is not a directory")
        if public_key is not None and not public_key.is_file():
            raise CliError(f"no public key at {public_key}")
        report = verify_extract(extract, public_key)
        if as_json:
            typer.echo(json.dumps({**report.__dict__, "ok": report.ok}, ensure_ascii=False, indent=2))
        else:
            for note in report.notes:
                typer.echo(f"note: {note}")
            for problem in report.problems[:20]:
                typer.echo(f"FAIL {problem}", err=True)
            if len(report.problems) > 20:
                typer.echo(f"FAIL … and {len(report.problems) - 20} more", err=True)
            if report.first_bad:
                typer.echo(f"first bad: {report.first_bad}", err=True)
            if report.ok:
                typer.echo(f"ok: {'signed' if report.signed else 'UNSIGNED'} checkpoint (tree size {report.size}, "
                           f"root {report.root}); {report.leaves} leaves proven; {report.documents} document files "
                           f"match their proofs, {report.bound} of them bound to their events' text")
        if not report.ok:
            raise typer.Exit(1)

    @app.command()
    def restore(
        in_file: Annotated[Path, typer.Argument(help="an event export (JSON Lines)")],
        data_dir: DataDir = None,
    ) -> None:
        """Restore an event export into an EMPTY archive (data dir or PROTOKOLL_DATABASE_URL)."""
        settings = settings_for(data_dir)
        try:
            with in_file.open(encoding="utf-8") as lines:
                result = audit.restore(settings, lines)
        except OSError as exc:
            raise CliError(f"cannot read {in_file}: {exc.strerror}") from None
        typer.echo(json.dumps(result, indent=2))
        if not (result["same_root"] and result["same_ids"]):
            typer.echo("warning: the restored ledger root differs from the export's", err=True)
            raise typer.Exit(1)
