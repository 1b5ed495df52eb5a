"""Bring parsed texts into the archive: one file, one unit of work, all or nothing.

Each file becomes records through the archive's own commands inside
`Archive.unit_of_work()`, so a file that fails half way saves nothing. Natural keys make a
second import of the same file a no-op; a changed article becomes an `Updated` event.

Where things are: this module reads a file and tells minutes from news; `news`, `minutes` and
`agreements` load each kind; `report` holds the options given and the report of each file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from archive.exceptions import ArchiveError
from archive.importers.discover import discover
from archive.importers.errors import ImportFormatError
from archive.importers.jsonl import import_jsonl
from archive.importers.load.agreements import import_agreement
from archive.importers.load.minutes import OSLO, import_minutes, tidy_minutes
from archive.importers.load.news import ROLE_REGISTRY_CONFIDENCE, import_news
from archive.importers.load.report import FileReport, ImportOptions, one_line, skipped, summarise
from archive.importers.minutes import parse_minutes
from archive.importers.news import parse_news
from archive.importers.source import SourceDocument, read_source
from archive.service import ArchiveService

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "MINUTES_MARKERS",
    "OSLO",
    "ROLE_REGISTRY_CONFIDENCE",
    "FileReport",
    "ImportOptions",
    "expand",
    "import_file",
    "one_line",
    "skipped",
    "summarise",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
KINDS = ("news", "minutes", "agreement")
MINUTES_MARKERS = (
    "møteprotokoll", "møtebok", "møtereferat", "protokoll fra", "saksliste", "sakliste",
    "til stede", "til stades", "forfall", "møtestad", "møtested", "møtedato", "frammøtte", "møtt:",
    "forslag til vedtak", "framlegg til vedtak",
)
# Case headings ("Sak 208/18", "PS 12/16"): two of them are one more sign of minutes.
_CASE_HEADING = re.compile(r"(?m)^\s*(?:[a-zæøå]{1,4}-)?(?:sak|ps|rs|styresak)\s*\d{1,3}/\d{2,4}\b")


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files to import (documents only; see `archive.importers.discover` for what is skipped)."""
    return [c.path for c in discover(paths) if c.skip is None]


def import_file(
    service: ArchiveService,
    path: Path,
    *,
    source_url: str | None = None,
    recorded_by: str = "importer",
    options: ImportOptions | None = None,
) -> FileReport:
    """Import one file; a bad file is reported (file, line, reason) and nothing of it is saved."""
    opts = options or ImportOptions(source_url=source_url, recorded_by=recorded_by)
    report = FileReport(file=str(path), status="failed")
    try:
        data = _read(path)
        if path.suffix.lower() == ".jsonl" and opts.kind is None:
            report.kind = "jsonl"
            import_jsonl(service, data, report, recorded_by=opts.recorded_by)
            return report
        doc = _document(data, path.name)
        report.warnings += doc.warnings
        source = {"uri": opts.source_url or path.name, "sha256": doc.sha256}
        url = opts.source_url or doc.url
        if url and url != source["uri"]:
            source["url"] = url
        kind = opts.kind or ("minutes" if _looks_like_minutes(doc.text) else "news")
        report.kind = kind
        if kind == "minutes":
            import_minutes(service, doc, tidy_minutes(parse_minutes(doc.text)), opts, source, report)
        elif kind == "agreement":
            import_agreement(service, doc, opts, source, report)
        else:
            import_news(service, doc, parse_news(doc.text), opts, source, report)
    except ImportFormatError as exc:
        report.status, report.error, report.line = "failed", exc.message, exc.line
    except ArchiveError as exc:
        report.status, report.error = "failed", str(exc)
    except OSError as exc:
        report.status, report.error = "failed", f"cannot read file: {exc.strerror or exc}"
    return report


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if size == 0:
        raise ImportFormatError("file is empty", 1)
    return path.read_bytes()


def _document(data: bytes, name: str) -> SourceDocument:
    """The file as a SourceDocument; an extractor that is not installed is a clear failure."""
    try:
        return read_source(data, name)
    except ImportFormatError:
        raise
    except ModuleNotFoundError as exc:
        raise ImportFormatError(f"cannot read this kind of file here: {exc.name} is not installed") from None
    except Exception as exc:  # a third-party extractor's own error: the file is not readable
        raise ImportFormatError(f"unreadable document: {exc}") from None


def _looks_like_minutes(text: str) -> bool:
    head = text[:3000].casefold()
    signs = sum(marker in head for marker in MINUTES_MARKERS) + (len(_CASE_HEADING.findall(head)) >= 2)
    return signs >= 2 or head.lstrip().startswith(
        ("møteprotokoll", "møtebok", "møtereferat")
    )
