"""What the minutes parser returns: the meeting, its participants and agenda items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class ParsedParticipant:
    name: str
    role: str | None
    party: str | None
    present: bool
    organisation: str | None = None
    staff: bool = False  # listed for the administration or as a guest, not as a member


@dataclass(frozen=True)
class ParsedAgendaItem:
    """One case (sak): its number as printed ("091/16"), title, proposal and decision."""

    number: str
    title: str | None
    proposal: str | None
    decision: str | None
    unanimous: bool | None = None


@dataclass(frozen=True)
class ParsedMinutes:
    body: str | None
    organisation: str | None
    date: date | None
    start_time: time | None
    end_time: time | None
    place: str | None
    participants: list[ParsedParticipant]
    agenda_items: list[ParsedAgendaItem]
    text: str
    language: str
    source_url: str | None
    warnings: list[str] = field(default_factory=list)
    # Members of the body present: the number the text states ("Til stede: 33 representanter"),
    # else the members listed as present, without the administration, secretaries and guests.
    present_count: int | None = None
