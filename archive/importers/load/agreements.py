"""A text taken as an agreement: title, parties and the day it takes effect, never guessed."""

from __future__ import annotations

import re

from archive.domain import natural_id
from archive.importers.errors import ImportFormatError
from archive.importers.load.report import FileReport, ImportOptions, unchanged_result
from archive.importers.registry import Registry
from archive.importers.source import (
    SourceDocument,
)
from archive.service import ArchiveService

# Organisations an agreement is between, as Norwegian public bodies name themselves.
_ORGANISATION = re.compile(
    r"\b(?:[A-ZÆØÅ][\w'’-]+ ){1,3}(?:fylkeskommune|kommune|regionråd|interkommunale selskap|IKS)\b"
)


def import_agreement(
    service: ArchiveService, doc: SourceDocument, opts: ImportOptions, source: dict[str, str], report: FileReport
) -> None:
    """A text taken as an agreement: title the first line, text the rest, in force from a given day."""
    app = service.archive
    lines = doc.text.strip().split("\n", 1)
    title = lines[0].strip()
    text = lines[1].strip() if len(lines) > 1 else ""
    if not text:
        raise ImportFormatError("an agreement needs a title line and its text after it", 1)
    # An agreement's valid time starts the day it takes effect: that is never guessed.
    effective = opts.published_at or doc.published
    if effective is None:
        raise ImportFormatError("an agreement needs the day it takes effect: give --published-at YYYY-MM-DD")
    names = list(opts.parties) or list(dict.fromkeys(m.group(0) for m in _ORGANISATION.finditer(doc.text)))
    if not names:
        raise ImportFormatError("no parties found in the agreement: name them with --party")
    registry = Registry(service, recorded_by=opts.recorded_by, source=source)
    with app.unit_of_work() as uow:
        parties = [
            org.organisation_id for name in names
            if (org := registry.organisation(name)) is not None and org.organisation_id is not None
        ]
        key = opts.source_url or doc.url or f"agreement:{doc.sha256}"
        existing = app.record_state_or_none(str(natural_id("agreement", key)))
        if existing is None:
            result = app.register_agreement(
                key=key, title=title, parties=parties, text=text, effective_from=effective.isoformat(),
                recorded_by=opts.recorded_by, source=source,
            )  # fmt: skip
            report.status = "created"
        else:
            result = unchanged_result(existing)
            report.status = "unchanged"
        report.records.append({"kind": "agreement", "id": result.id, "reference": result.reference})
        report.records += registry.created
    service.wait(uow.position)
