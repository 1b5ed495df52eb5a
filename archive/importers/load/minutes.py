"""Parsed minutes into the archive: one meeting with its agenda, decisions, participants and text."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from archive.importers.load.report import FileReport, ImportOptions, one_line
from archive.importers.minutes import ParsedMinutes
from archive.importers.registry import Registry
from archive.importers.source import (
    SourceDocument,
)
from archive.service import ArchiveService

OSLO = ZoneInfo("Europe/Oslo")


def import_minutes(
    service: ArchiveService,
    doc: SourceDocument,
    minutes: ParsedMinutes,
    opts: ImportOptions,
    source: dict[str, str],
    report: FileReport,
) -> None:
    app = service.archive
    recorded_by = opts.recorded_by
    report.warnings += minutes.warnings
    body = minutes.body or "Ukjent utvalg"
    day_known = opts.published_at or minutes.date
    if opts.published_at is not None and opts.published_at != minutes.date:
        report.warnings.append(f"meeting date {opts.published_at.isoformat()} given with --published-at")
    start: str | None = None
    end: str | None = None
    if day_known is None:
        # Kept rather than refused: an undated meeting is still a record (archivists write "udatert").
        report.warnings.append("meeting date not found in the minutes: archived as undated")
    else:
        # A meeting known only by its day keeps just the date: no invented time of day.
        start = _local_instant(day_known, minutes.start_time) if minutes.start_time else day_known.isoformat()
        end = _local_instant(day_known, minutes.end_time) if minutes.end_time else None
    registry = Registry(service, recorded_by=recorded_by, source=source)
    with app.unit_of_work() as uow:
        organiser = registry.organisation(minutes.organisation) if minutes.organisation else None
        meeting = app.schedule_meeting(
            key=f"minutes:{source['sha256']}",
            title=f"{body} {day_known.isoformat()}" if day_known else f"{body} (udatert)",
            start=start,
            end=end if end and start and end > start else None,
            place=minutes.place,
            organiser_id=organiser.organisation_id if organiser else None,
            organiser_name=minutes.organisation or body,
            recorded_by=recorded_by,
            source=source,
        )
        # A PDF's pages are known: each item keeps the page it is treated on ("s. 3").
        pages = _agenda_pages(doc, [i.number for i in minutes.agenda_items])
        agenda = [
            {"number": i.number, "title": i.title or "(uten tittel)", "proposal": i.proposal, "decision": i.decision,
             "page": pages.get(i.number)}
            for i in minutes.agenda_items
        ]  # fmt: skip
        people = [
            {"name": p.name, "role": p.role, "party": p.party, "present": p.present} for p in minutes.participants
        ]
        if meeting.created:
            # The parser gives each case number and each name once (the domain refuses repeats).
            # Recording the minutes marks the meeting as held.
            app.record_meeting_details(
                meeting.id,
                expected_version=meeting.version,
                agenda=agenda,
                participants=people,
                minutes=minutes.text,
                recorded_by=recorded_by,
                source=source,
            )
            report.status = "created"
        else:
            report.status = "unchanged"
        report.records.append({"kind": "meeting", "id": meeting.id, "reference": meeting.reference})
    service.wait(uow.position)
    report.meetings.append(_meeting_summary(app.record_state(meeting.id), minutes.body, minutes.present_count))


def tidy_minutes(minutes: ParsedMinutes) -> ParsedMinutes:
    """Every short field of parsed minutes on one line; texts (proposals, decisions) as they are."""
    return replace(
        minutes,
        body=one_line(minutes.body),
        organisation=one_line(minutes.organisation),
        place=one_line(minutes.place),
        participants=[
            replace(p, name=one_line(p.name) or p.name, role=one_line(p.role), party=one_line(p.party),
                    organisation=one_line(p.organisation))
            for p in minutes.participants
        ],
        agenda_items=[replace(i, number=one_line(i.number) or i.number, title=one_line(i.title))
                      for i in minutes.agenda_items],
    )  # fmt: skip


def _agenda_pages(doc: SourceDocument, numbers: list[str]) -> dict[str, int]:
    if not doc.pages:
        return {}
    from archive.importers.pdf import agenda_pages  # only a PDF has pages (and needs pdfplumber)

    return agenda_pages(doc, numbers)


def _meeting_summary(state: dict[str, Any], body: str | None, present_count: int | None) -> dict[str, Any]:
    """What the archive now holds about a meeting (read back from the record, not the parser).

    `body` (the utval) is the part of the stored title before the date. The number present is
    the parser's `present_count`: the number the minutes state ("Til stede: 33 representanter")
    or else the members listed as present — never the administration, secretaries or guests,
    who are recorded as participants too.
    """
    start = state.get("start")
    clock = start[11:16] if start and len(start) > 10 else None  # stored with its Oslo offset
    people = state.get("participants") or []
    return {
        "id": state["id"],
        "reference": state["reference"],
        "title": state.get("title"),
        "body": body,
        "organiser": state.get("organiser_name"),
        "date": start[:10] if start else None,
        "start_time": clock,
        "start": start,
        "end": state.get("end"),
        "status": state.get("status"),
        "place": state.get("place"),
        "agenda_items": [
            {"number": i["number"], "title": i["title"], **({"page": i["page"]} if i.get("page") else {})}
            for i in state.get("agenda") or []
        ],
        "present_count": present_count,
        "participants": len(people),
    }


def _local_instant(day: date, clock: time) -> str:
    """A wall-clock time in Norway on a day, as an ISO instant with its offset (+01:00/+02:00)."""
    return datetime.combine(day, clock.replace(tzinfo=None)).replace(tzinfo=OSLO).isoformat()
