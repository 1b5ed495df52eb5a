"""The replay's fast path: a new record's view built from its created event, without the aggregate.

The domain replay builds the aggregate (the library's event machinery, then the body of its
`__init__`) only to ask it for `view()`. For a statement, most of an archive's log, the same
view is built here from the event's values, through the checks the body applies
(archive.domain.checks), as a dict. The aggregate is built from the event only if a later
event of the record needs it (`RecordStates.created`).

tests/integration/test_fast_replay.py proves the read models equal, digest for digest, with and
without this path on a generated log of every record kind. An event that has no builder here,
or whose values a builder cannot take (a missing value, a check refusing one), goes through the
domain, which names what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.domain import Statement, optional_date, optional_text, require_text
from archive.domain.statement import statement_title

# The kind, the view and the start of the valid period (`Record.valid_from()`) of a new record.
FastView = tuple[str, dict[str, Any], str | None]


def statement_recorded(event: Any, record_id: str) -> FastView:
    """`Statement.__init__` then `Statement.view()`, as one dict (`record_id`: the event's
    originator id as text, which the log has already made)."""
    values = vars(event)
    view: dict[str, Any] = {
        "key": require_text(values["key"], "key"),
        "reference": values["reference"],
        "text": require_text(values["text"], "text"),
        "speaker_id": values["speaker_id"],
        "speaker_name": optional_text(values["speaker_name"], "speaker_name"),
        "speaker_role": optional_text(values["speaker_role"], "speaker_role"),
        "party": optional_text(values["party"], "party"),
        "organisation_id": values["organisation_id"],
        "organisation_name": optional_text(values["organisation_name"], "organisation_name"),
        "said_at": optional_date(values["said_at"], "said_at"),
        "context": dict(values.get("context") or {}),
        "attribution": dict(values.get("attribution") or {}),
        "status": "recorded",
        "restricted": False,
        "restriction_basis": None,
        "public_title": None,
        "id": record_id,
        "version": event.originator_version,
        "kind": Statement.KIND,
    }
    view["title"] = statement_title(view["speaker_name"], view["text"])
    return Statement.KIND, view, view["said_at"]


# By stored topic (stable: see tests/integration/test_digest_stability.py).
FAST_VIEWS: dict[str, Callable[[Any, str], FastView]] = {
    "archive.domain:Statement.Recorded": statement_recorded,
}
