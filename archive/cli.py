"""`protokoll`: the command line for archivists, journalists and auditors.

Errors print one line on stderr and exit non-zero (1 for a domain error, 2 for bad usage).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from archive.config import Settings
from archive.exceptions import ArchiveError
from archive.faults import as_storage_failure
from archive.service import ArchiveService

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Protokoll: an event-sourced public records archive."
)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="data directory (PROTOKOLL_DATA_DIR)")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON")]


class CliError(Exception):
    """A user error the CLI reports in one line."""


def settings_for(data_dir: Path | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CliError(f"configuration: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


@contextmanager
def open_service(data_dir: Path | None, *, search: bool | None = None) -> Iterator[ArchiveService]:
    service = ArchiveService(settings_for(data_dir), search=search)
    try:
        # A group that stops at an unreadable event logs it once (one line) and the command still runs.
        service.catch_up(strict=False)
        yield service
    finally:
        service.close()


def emit(data: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(human(data))


@app.command()
def status(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Show the event-log head and each read model's position."""
    with open_service(data_dir) as service:
        data = service.status()
    emit(
        data,
        as_json,
        lambda d: "\n".join(
            [f"event log head: {d['head']} ({d['backend']})"]
            + [f"{name:10} {m['position']:>8}  lag {m['lag']}" + ("  STOPPED" if m["error"] else "")
               for name, m in d["read_models"].items()]
            + [f"stopped: {s['group']} at {s['position']}: {s['error']}"
               + (f" [reference {s['event']['reference']}]" if s.get("event", {}).get("reference") else "")
               for s in d["stopped"]]
        ),
    )
    if data["stopped"]:
        raise typer.Exit(1)  # scripts and monitoring see that something needs an operator


@app.command()
def rebuild(data_dir: DataDir = None, as_json: AsJson = False) -> None:
    """Drop and rebuild every read model from the log; prints digests before and after."""
    with open_service(data_dir) as service:
        before = service.digests()
        after = service.rebuild()
    data = {
        name: {"before": before.get(name), "after": after[name], "same": before.get(name) == after[name]}
        for name in after
    }
    emit(
        data,
        as_json,
        lambda d: "\n".join(f"{n:10} {v['after']}  {'same' if v['same'] else 'CHANGED'}" for n, v in d.items()),
    )
    if not all(v["same"] for v in data.values()):
        raise typer.Exit(1)


@app.command()
def show(
    record: Annotated[str, typer.Argument(help="record id or citable reference (YYYY/NNNN)")],
    valid_at: Annotated[str | None, typer.Option(help="date (YYYY-MM-DD) on the valid-time axis")] = None,
    known_at: Annotated[str | None, typer.Option(help="instant on the record-time axis")] = None,
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Show a record, now or as of a date on either time axis."""
    with open_service(data_dir, search=False) as service:
        entry = _entry(service, record)
        if valid_at or known_at:
            version = service.history.as_of(entry["id"], valid_at=valid_at, known_at=known_at)
            if version is None:
                raise CliError(f"{record} has no version valid at {valid_at} known at {known_at}")
            data = {"reference": entry["reference"], "kind": entry["kind"], **version}
        else:
            data = entry
    emit(data, as_json, _human_record)


def _entry(service: ArchiveService, record: str) -> dict[str, Any]:
    entry = service.catalog.get(record)
    if entry is None:
        raise CliError(f"no record {record!r}")
    return entry


def _human_record(data: dict[str, Any]) -> str:
    state = data.get("state") or data.get("content") or {}
    lines = [f"{data.get('reference')}  {data.get('kind')}  version {state.get('version', data.get('version'))}"]
    for name in (
        "title",
        "status",
        "effective_from",
        "effective_to",
        "published_at",
        "said_at",
        "speaker_name",
        "text",
    ):
        if state.get(name) is not None:
            lines.append(f"{name}: {state[name]}")
    return "\n".join(lines)


@app.command()
def history(
    record: Annotated[str, typer.Argument(help="record id or citable reference")],
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """Every version of a record: valid and record time, event, who and why."""
    with open_service(data_dir, search=False) as service:
        rows = service.history.versions(_entry(service, record)["id"])
    emit(
        rows,
        as_json,
        lambda rs: "\n".join(
            f"v{r['version']:<3} {r['event_type']:<12} valid {r['valid_from'] or '-'}..{r['valid_to'] or ''}  "
            f"recorded {r['recorded_at']}{' superseded ' + r['superseded_at'] if r['superseded_at'] else ''}  "
            f"by {r['recorded_by']}{'  why: ' + r['reason'] if r['reason'] else ''}"
            for r in rs
        ),
    )


def register_extensions() -> None:
    """Commands owned by other modules (import, search, ledger, export, serve)."""
    from archive import cli_extra

    cli_extra.register(app)


def main(argv: list[str] | None = None) -> None:
    register_extensions()
    try:
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except (ArchiveError, CliError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # click usage errors and the like: one line, no traceback
        import click

        if isinstance(exc, click.ClickException):
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        failure = as_storage_failure(exc, _where(exc))
        if failure is not None:  # storage that refused a write (full, read-only), named in one line
            typer.echo(f"error: {failure}", err=True)
            sys.exit(1)
        typer.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)


def _where(exc: BaseException) -> str:
    """The file an OS error names, else the data directory (every SQLite file of the archive is there)."""
    filename = getattr(exc, "filename", None)
    if filename:
        return str(filename)
    try:
        return f"the data directory {Settings().data_dir}"
    except ValidationError:
        return "the data directory"


if __name__ == "__main__":
    # Run as `python -m archive.cli`, this file is __main__, a second copy of archive.cli: the
    # commands raise archive.cli.CliError, which only that module's main() knows to print plainly.
    import importlib

    importlib.import_module("archive.cli").main()
