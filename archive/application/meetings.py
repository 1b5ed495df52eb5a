"""Commands on meetings: schedule, agenda, decisions, participants, minutes, cancel, correct."""

from __future__ import annotations

from typing import Any

from archive.application.core import ArchiveCore, CommandResult, year_of
from archive.domain import Meeting, Source


class MeetingCommands(ArchiveCore):
    """Commands on meetings: schedule, agenda, decisions, participants, minutes, cancel, correct."""

    def schedule_meeting(
        self,
        *,
        title: str,
        start: str | None,
        recorded_by: str,
        organiser_id: str | None = None,
        organiser_name: str | None = None,
        place: str | None = None,
        end: str | None = None,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Meeting,
            key,
            year_of(start),
            title=title,
            organiser_id=organiser_id,
            organiser_name=organiser_name,
            place=place,
            start=start,
            end=end,
            recorded_by=recorded_by,
            source=source,
        )

    def record_meeting_details(
        self,
        record_id: str,
        *,
        expected_version: int,
        recorded_by: str,
        agenda: list[dict[str, Any]] | None = None,
        participants: list[dict[str, Any]] | None = None,
        minutes: str | None = None,
        news_ids: list[str] | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        """Add agenda items (with proposals and decisions), participants and minutes in one save."""

        def apply(meeting: Meeting) -> None:
            for item in agenda or []:
                meeting.add_agenda_item(
                    number=item["number"],
                    title=item["title"],
                    proposal=item.get("proposal"),
                    page=item.get("page"),
                    recorded_by=recorded_by,
                    source=source,
                )
                if item.get("decision"):
                    meeting.record_decision(
                        number=item["number"], decision=item["decision"], recorded_by=recorded_by, source=source
                    )
            for person in participants or []:
                meeting.record_participant(
                    name=person["name"],
                    role=person.get("role"),
                    present=bool(person.get("present", True)),
                    person_id=person.get("person_id"),
                    party=person.get("party"),
                    recorded_by=recorded_by,
                    source=source,
                )
            if minutes is not None:
                meeting.record_minutes(text=minutes, recorded_by=recorded_by, source=source)
            for news_id in news_ids or []:
                meeting.link_news(news_id=news_id, recorded_by=recorded_by, source=source)

        return self._change(Meeting, record_id, expected_version, apply)

    def add_agenda_item(
        self,
        record_id: str,
        *,
        expected_version: int,
        number: str,
        title: str,
        recorded_by: str,
        proposal: str | None = None,
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.add_agenda_item(number=number, title=title, proposal=proposal, recorded_by=recorded_by),
        )

    def record_decision(
        self, record_id: str, *, expected_version: int, number: str, decision: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.record_decision(number=number, decision=decision, recorded_by=recorded_by),
        )

    def record_minutes(
        self, record_id: str, *, expected_version: int, text: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.record_minutes(text=text, recorded_by=recorded_by),
        )

    def approve_minutes(
        self, record_id: str, *, expected_version: int, approved_on: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.approve_minutes(approved_on=approved_on, recorded_by=recorded_by),
        )

    def cancel_meeting(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.cancel(reason=reason, recorded_by=recorded_by),
        )

    def correct_meeting(
        self,
        record_id: str,
        *,
        expected_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        decisions: dict[str, str] | None = None,
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.correct(changes=changes, decisions=decisions, reason=reason, recorded_by=recorded_by),
        )
