"""Aggregates of the archive and the events they raise, one module per aggregate.

Every command method is decorated with `@event`: its body guards invariants and mutates,
and the same body runs again when the event is replayed (by the repository and by the
history read model). Event attributes are plain JSON values (dates as ISO strings), so
the stored log is readable by any auditor's tool without this code.

Every event carries `recorded_by` (who), `reason` (why; required where a change needs
justifying) and `source` (provenance: ``{"uri": ..., "sha256": ...}``) where it came from
outside.

Where things are: `checks` (value checks and natural ids), `record` (what every record has:
key, reference, screening), `agreement`, `meeting`, `statement`, `news`, `parties` (people and
organisations) and `references` (reference claims and the old per-year counter).

Stored topics do not move with the code. The event store names each event by its class's
topic, ``module:qualname``, and archives already hold ``archive.domain:Agreement.Revised`` and
the like; read models, the audit routes and the ledger's leaf hashes use those strings. So each
aggregate class sets ``__module__ = "archive.domain"`` (the library gives its event classes
the aggregate's module) and is imported here, which is where the library looks a topic up:
new events are stored under the same topics as old ones, and old ones resolve as before
(tests/integration/test_digest_stability.py replays a log stored before the split).
"""

from __future__ import annotations

# Before the aggregates: with their `__module__` set here, the dataclass machinery reads their
# string annotations (`ClassVar[...]`) against this module's names, so `ClassVar` must be one.
from typing import ClassVar  # noqa: F401

from archive.domain.agreement import Agreement
from archive.domain.checks import (
    NAMESPACE,
    Source,
    natural_id,
    nfc,
    optional_date,
    optional_instant,
    optional_text,
    require_date,
    require_instant,
    require_reason,
    require_text,
)
from archive.domain.meeting import Meeting
from archive.domain.news import NEWS_BLOCK_KINDS, NEWS_DATE_NOTES, NEWS_DATE_SOURCES, NewsUpdate
from archive.domain.parties import Organisation, Person
from archive.domain.record import Record
from archive.domain.references import ReferenceClaim, ReferenceCounter, claim_id, format_reference
from archive.domain.statement import Statement

RECORD_CLASSES: dict[str, type[Record]] = {
    cls.KIND: cls for cls in (Agreement, Meeting, Statement, NewsUpdate, Person, Organisation)
}

__all__ = [
    "NAMESPACE",
    "NEWS_BLOCK_KINDS",
    "NEWS_DATE_NOTES",
    "NEWS_DATE_SOURCES",
    "RECORD_CLASSES",
    "Agreement",
    "Meeting",
    "NewsUpdate",
    "Organisation",
    "Person",
    "Record",
    "ReferenceClaim",
    "ReferenceCounter",
    "Source",
    "Statement",
    "claim_id",
    "format_reference",
    "natural_id",
    "nfc",
    "optional_date",
    "optional_instant",
    "optional_text",
    "require_date",
    "require_instant",
    "require_reason",
    "require_text",
]
