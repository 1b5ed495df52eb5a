"""`Statement`: words attributed to a named person, with party, role and the context they were said in."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import event

from archive.domain.checks import Source, optional_date, optional_text, require_reason, require_text
from archive.domain.record import Record
from archive.exceptions import InvalidCommand


class Statement(Record):
    """A statement (uttalelse): words attributed to a named person, with party and role."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "statement"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "text": "text",
        "speaker_name": "optional_text",
        "speaker_role": "optional_text",
        "party": "optional_text",
        "said_at": "date",
        "speaker_id": "optional_text",
    }

    @event("Recorded")
    def __init__(
        self,
        key: str,
        reference: str,
        text: str,
        speaker_id: str | None,
        speaker_name: str | None,
        speaker_role: str | None,
        party: str | None,
        organisation_id: str | None,
        organisation_name: str | None,
        said_at: str | None,
        recorded_by: str,
        context: dict[str, Any] | None = None,
        attribution: dict[str, Any] | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.text = require_text(text, "text")
        self.speaker_id = speaker_id
        self.speaker_name = optional_text(speaker_name, "speaker_name")
        self.speaker_role = optional_text(speaker_role, "speaker_role")
        self.party = optional_text(party, "party")
        self.organisation_id = organisation_id
        self.organisation_name = optional_text(organisation_name, "organisation_name")
        # Unknown when the article quoting it is undated (never the day it was archived).
        self.said_at = optional_date(said_at, "said_at")
        self.context = dict(context or {})
        self.attribution = dict(attribution or {})
        self.status = "recorded"
        self._start_public()

    @property
    def title(self) -> str:
        return statement_title(self.speaker_name, self.text)

    @event("Corrected")
    def correct(
        self, changes: dict[str, Any], reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a correction")
        if self.status == "withdrawn":
            raise InvalidCommand("a withdrawn statement cannot be corrected")
        self._apply_corrections(changes, self.CORRECTABLE)

    @event("Withdrawn")
    def withdraw(self, reason: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "withdrawn":
            raise InvalidCommand("the statement is already withdrawn")
        require_reason(reason, "a withdrawal")
        self.status = "withdrawn"

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.title
        return state

    def valid_from(self) -> str | None:
        return self.said_at


def statement_title(speaker_name: str | None, text: str) -> str:
    """A statement's title: who said it and how it begins."""
    return f"{speaker_name or 'ukjent'}: «{text[:80]}{'…' if len(text) > 80 else ''}»"
