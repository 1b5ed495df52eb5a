"""Parse meeting minutes (møteprotokoll, møtebok, møtereferat) from plain text.

Minutes come in many municipal layouts: one label per line ("Sted: Rådhuset"), labels run
together on one line by PDF text extraction ("Møtestad: X Møtetid: Kl …"), or a header table
("Organ Møtestad Finansutvalet Fylkeshuset …"). The parser looks for labels anywhere and
takes the value up to the next label, so all of these work; what it cannot find it reports.

Where things are: `labels` (the labels and their values), `header` (body, organisation, place,
date and times), `participants` (who was present, absent, chairing, for the administration),
`agenda` (case numbers, titles, proposals, decisions), `parsed` (what is returned).
"""

from __future__ import annotations

from archive.importers.minutes.agenda import find_agenda_items
from archive.importers.minutes.header import find_body, find_date, find_organisation, find_place, find_times
from archive.importers.minutes.labels import label_values
from archive.importers.minutes.parsed import ParsedAgendaItem, ParsedMinutes, ParsedParticipant
from archive.importers.minutes.participants import count_present, find_participants
from archive.importers.text import guess_language, normalise_text, split_header

__all__ = ["ParsedAgendaItem", "ParsedMinutes", "ParsedParticipant", "parse_minutes"]


def parse_minutes(text: str) -> ParsedMinutes:
    """Parse one set of minutes; raises ImportFormatError for empty or binary text."""
    text = normalise_text(text)
    header, body_text = split_header(text)
    warnings: list[str] = []
    labels = label_values(body_text)
    body = find_body(body_text, labels)
    organisation = find_organisation(body_text, body)
    if body is None and organisation and organisation.lower().endswith("regionråd"):
        body = "Regionrådet"
    place = find_place(body_text, labels)
    meeting_date = find_date(body_text, labels)
    start, end = find_times(body_text)
    participants = find_participants(labels)
    items = find_agenda_items(body_text, warnings)
    present_count = count_present(body_text, participants)
    for name, value in (
        ("body (utval)", body), ("date", meeting_date), ("place", place),
        ("start time", start), ("participants", participants), ("agenda items", items),
    ):  # fmt: skip
        if not value:
            warnings.append(f"no {name} found")
    return ParsedMinutes(
        body=body,
        organisation=organisation,
        date=meeting_date,
        start_time=start,
        end_time=end,
        place=place,
        participants=participants,
        agenda_items=items,
        text=body_text,
        language=header.language or guess_language(body_text),
        source_url=header.source_url,
        warnings=warnings,
        present_count=present_count,
    )
