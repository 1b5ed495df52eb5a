"""`Meeting`: place, time, participants, agenda items, decisions and minutes."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import event

from archive.domain.checks import (
    Source,
    optional_instant,
    optional_text,
    require_date,
    require_instant,
    require_reason,
    require_text,
)
from archive.domain.record import Record
from archive.exceptions import InvalidCommand


class Meeting(Record):
    """A meeting (møte): place, time, participants, agenda items, decisions and minutes."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "meeting"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "title": "text",
        "place": "optional_text",
        "start": "instant",
        "end": "instant",
        "minutes": "text",
        "organiser_name": "optional_text",
    }

    @event("Scheduled")
    def __init__(
        self,
        key: str,
        reference: str,
        title: str,
        organiser_id: str | None,
        organiser_name: str | None,
        place: str | None,
        start: str | None,
        end: str | None,
        recorded_by: str,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.title = require_text(title, "title")
        self.organiser_id = organiser_id
        self.organiser_name = optional_text(organiser_name, "organiser_name")
        self.place = optional_text(place, "place")
        # A meeting known only by its day (e.g. from a news article) keeps just the date; minutes
        # whose date was lost (a PDF mirror drops digits) are archived undated, never given one.
        if start is None:
            self.start = None
        else:
            self.start = require_date(start, "start") if len(str(start)) == 10 else require_instant(start, "start")
        self.end = optional_instant(end, "end")
        if self.end is not None and self.start is not None and self.end < self.start:
            raise InvalidCommand("a meeting cannot end before it starts")
        self.status = "scheduled"
        self.agenda: list[dict[str, Any]] = []
        self.participants: list[dict[str, Any]] = []
        self.minutes: str | None = None
        self.minutes_approved_on: str | None = None
        self.news_ids: list[str] = []
        self._start_public()

    @event("AgendaItemAdded")
    def add_agenda_item(
        self,
        number: str,
        title: str,
        recorded_by: str,
        proposal: str | None = None,
        source: Source | None = None,
        page: int | None = None,
    ) -> None:
        number = require_text(number, "number").strip()
        if any(item["number"] == number for item in self.agenda):
            raise InvalidCommand(f"agenda item {number} already exists")
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise InvalidCommand("page must be a page number from 1")
        item: dict[str, Any] = {
            "number": number,
            "title": require_text(title, "title"),
            "proposal": optional_text(proposal, "proposal"),
            "decision": None,
        }
        if page is not None:
            item["page"] = page  # where the item is treated in the minutes' PDF ("s. 3")
        self.agenda.append(item)

    @event("DecisionRecorded")
    def record_decision(
        self, number: str, decision: str, recorded_by: str, source: Source | None = None
    ) -> None:
        item = self._item(number)
        if item["decision"] is not None:
            raise InvalidCommand(f"item {number} already has a decision; correct it instead")
        item["decision"] = require_text(decision, "decision")

    @event("ParticipantRecorded")
    def record_participant(
        self,
        name: str,
        role: str | None,
        present: bool,
        recorded_by: str,
        person_id: str | None = None,
        party: str | None = None,
        source: Source | None = None,
    ) -> None:
        name = require_text(name, "name").strip()
        if any(p["name"] == name and p["person_id"] == person_id for p in self.participants):
            raise InvalidCommand(f"{name} is already a participant")
        self.participants.append(
            {
                "name": name,
                "person_id": person_id,
                "role": optional_text(role, "role"),
                "party": optional_text(party, "party"),
                "present": bool(present),
            }
        )

    @event("MinutesRecorded")
    def record_minutes(self, text: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "cancelled":
            raise InvalidCommand("a cancelled meeting has no minutes")
        if self.minutes is not None:
            raise InvalidCommand("minutes are already recorded; correct them instead")
        self.minutes = require_text(text, "minutes")
        if self.status == "scheduled":
            self.status = "held"  # minutes are the record of a meeting that took place

    @event("MinutesApproved")
    def approve_minutes(self, approved_on: str, recorded_by: str, source: Source | None = None) -> None:
        if self.minutes is None:
            raise InvalidCommand("no minutes to approve")
        if self.minutes_approved_on is not None:
            raise InvalidCommand("the minutes are already approved")
        self.minutes_approved_on = require_date(approved_on, "approved_on")
        self.status = "minutes_approved"

    @event("NewsLinked")
    def link_news(self, news_id: str, recorded_by: str, source: Source | None = None) -> None:
        if news_id in self.news_ids:
            raise InvalidCommand("the news update is already linked")
        self.news_ids.append(news_id)

    @event("Cancelled")
    def cancel(self, reason: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "cancelled":
            raise InvalidCommand("the meeting is already cancelled")
        if self.minutes is not None:
            raise InvalidCommand("a meeting with minutes was held and cannot be cancelled")
        require_reason(reason, "a cancellation")
        self.status = "cancelled"

    @event("Corrected")
    def correct(
        self,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        decisions: dict[str, str] | None = None,
        source: Source | None = None,
    ) -> None:
        require_reason(reason, "a correction")
        if changes:
            self._apply_corrections(changes, self.CORRECTABLE)
        for number, decision in (decisions or {}).items():
            self._item(number)["decision"] = require_text(decision, "decision")
        if not changes and not decisions:
            raise InvalidCommand("a correction must change at least one field")

    def _item(self, number: str) -> dict[str, Any]:
        for item in self.agenda:
            if item["number"] == number:
                return item
        raise InvalidCommand(f"the meeting has no agenda item {number}")

    def valid_from(self) -> str | None:
        return self.start[:10] if self.start else None
