"""`protokoll import`: bring news articles, minutes, agreements and JSON Lines records into the archive.

A folder is searched recursively; files that are not documents (READMEs, labels, scripts)
are skipped with a note. Each document is one unit of work. The run ends with a table per
file (or, with `--json`, one JSON object per file and a summary line).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from archive.cli import AsJson, DataDir, open_service
from archive.importers.discover import discover
from archive.importers.load import KINDS, FileReport, ImportOptions, import_file, skipped, summarise
from archive.service import ArchiveService
from archive.values import parse_day

_STYLES = {
    "created": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "archived with warnings": "yellow",
    "failed": "bold red",
    "skipped": "dim",
}


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        paths: Annotated[list[Path], typer.Argument(help="files or directories")],
        source_url: Annotated[str | None, typer.Option("--source-url", help="where the text was published")] = None,
        published_at: Annotated[
            str | None, typer.Option("--published-at", help="publication (or meeting/effective) date, YYYY-MM-DD")
        ] = None,
        language: Annotated[str | None, typer.Option("--language", help="nb or nn")] = None,
        kind: Annotated[str | None, typer.Option("--kind", help="news, minutes or agreement")] = None,
        parties: Annotated[
            list[str] | None, typer.Option("--party", help="a party to an agreement (repeatable)")
        ] = None,
        recorded_by: Annotated[str, typer.Option("--recorded-by")] = "importer",
        data_dir: DataDir = None,
        as_json: AsJson = False,
    ) -> None:
        """Import files and folders; a bad file is reported and skipped, the exit code says if any failed."""
        options = _options(source_url, published_at, language, kind, parties or [], recorded_by)
        candidates = discover(paths)
        if not any(c.skip is None for c in candidates):
            missing = [str(p) for p in paths if not p.exists()]
            typer.echo(
                f"error: {'no such file: ' + ', '.join(missing) if missing else 'no documents to import'}", err=True
            )
            raise typer.Exit(1)
        reports: list[FileReport] = []
        with open_service(data_dir) as service:
            todo = [c.path for c in candidates if c.skip is None]
            done = _run(service, todo, options, progress=not as_json and sys.stderr.isatty() and len(todo) > 1)
            service.catch_up()
        # Reports in the order the files were found, skipped ones where they were.
        by_path = {r.file: r for r in done}
        for c in candidates:
            reports.append(by_path[str(c.path)] if c.skip is None else skipped(c.path, c.skip))
        counts = summarise(reports)
        if as_json:
            for report in reports:
                typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
            typer.echo(json.dumps({"summary": {"files": len(reports), **counts}}, ensure_ascii=False))
        else:
            _print_table(reports, counts)
        if counts.get("failed"):
            raise typer.Exit(1)


def _options(
    source_url: str | None,
    published_at: str | None,
    language: str | None,
    kind: str | None,
    parties: list[str],
    recorded_by: str,
) -> ImportOptions:
    """The overrides, checked before anything is read (a bad option is one line, exit 2)."""
    day = None
    if published_at is not None:
        try:
            day = parse_day(published_at, "--published-at")
        except ValueError as exc:
            _refuse(str(exc))
    if language is not None and language not in ("nb", "nn"):
        _refuse(f"--language must be nb or nn, not {language!r}")
    if kind is not None and kind not in KINDS:
        _refuse(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return ImportOptions(
        published_at=day, source_url=source_url, language=language, kind=kind,
        parties=tuple(parties), recorded_by=recorded_by,
    )  # fmt: skip


def _refuse(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _run(service: ArchiveService, files: list[Path], options: ImportOptions, *, progress: bool) -> list[FileReport]:
    if not progress:
        return [import_file(service, path, options=options) for path in files]
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    reports = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("importing", total=len(files))
        for path in files:
            bar.update(task, description=f"importing {path.name[:40]}")
            reports.append(import_file(service, path, options=options))
            bar.advance(task)
    return reports


def _print_table(reports: list[FileReport], counts: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="protokoll import", show_lines=False)
    for column in ("file", "status", "kind", "records", "statements", "notes"):
        table.add_column(column, overflow="fold")
    for report in reports:
        outcome = report.outcome
        refs = ", ".join(f"{r['kind']} {r['reference']}" for r in report.records[:3])
        if report.status == "failed":
            notes = f"{report.error}" + (f" (line {report.line})" if report.line else "")
        elif report.status == "skipped":
            notes = report.reason or ""
        else:
            notes = "; ".join(dict.fromkeys(report.warnings))  # what an archivist should check
        table.add_row(
            report.file,
            f"[{_STYLES.get(outcome, '')}]{outcome}[/]",
            report.kind or "",
            refs,
            str(len(report.statements)) if report.statements else "",
            notes,
        )
    console = Console(width=max(Console().width, 120) if not sys.stdout.isatty() else None)
    console.print(table)
    order = ("created", "updated", "unchanged", "with_warnings", "failed", "skipped")
    console.print(" ".join(f"{name.replace('_', ' ')}: {counts[name]}" for name in order if counts.get(name)))
