"""`protokoll import`: bring news articles, minutes and JSON Lines records into the archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from archive.cli import AsJson, DataDir, open_service
from archive.importers.load import expand, import_file, summarise


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_(
        paths: Annotated[list[Path], typer.Argument(help="files or directories")],
        source_url: Annotated[Optional[str], typer.Option("--source-url", help="where the text was published")] = None,
        recorded_by: Annotated[str, typer.Option("--recorded-by")] = "importer",
        data_dir: DataDir = None,
        as_json: AsJson = False,
    ) -> None:
        """Import files; a bad file is reported and skipped, the exit code says if any failed."""
        files = expand(paths)
        if not files:
            typer.echo("error: no files to import", err=True)
            raise typer.Exit(1)
        reports = []
        with open_service(data_dir) as service:
            show_bar = len(files) > 1 and not as_json
            if show_bar:
                from rich.progress import Progress

                with Progress(transient=True) as progress:
                    task = progress.add_task("importing", total=len(files))
                    for path in files:
                        reports.append(import_file(service, path, source_url=source_url, recorded_by=recorded_by))
                        progress.advance(task)
            else:
                for path in files:
                    reports.append(import_file(service, path, source_url=source_url, recorded_by=recorded_by))
            service.catch_up()
        for report in reports:
            if as_json:
                typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
            elif report.status == "failed":
                where = f":{report.line}" if report.line else ""
                typer.echo(f"{report.file}{where}: failed: {report.error}", err=True)
            else:
                refs = ", ".join(f"{r['kind']} {r['reference']}" for r in report.records[:3])
                typer.echo(f"{report.file}: {report.status} ({refs}; {len(report.statements)} statements)")
                for warning in dict.fromkeys(report.warnings):  # what an archivist should check
                    typer.echo(f"  warning: {warning}")
        if not as_json:
            typer.echo(" ".join(f"{k}: {v}" for k, v in sorted(summarise(reports).items())))
        if any(r.status == "failed" for r in reports):
            raise typer.Exit(1)
