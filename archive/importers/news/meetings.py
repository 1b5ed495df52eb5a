"""A meeting the article reports ("Onsdag samlet X … til møte på Y"): when, where, who called it."""

from __future__ import annotations

import re
from datetime import date

from archive.importers.dates import WEEKDAY_PATTERN, parse_norwegian_date, resolve_weekday
from archive.importers.news.marks import SENTENCE_SPLIT
from archive.importers.news.parsed import ParsedMeeting

# A place name, possibly with the kind of place after it ("Heia gård", "Nordby rådhus").
_PLACE = (
    r"[A-ZÆØÅ][\wæøå-]+(?:\s+[A-ZÆØÅ][\wæøå-]+)?"
    r"(?:\s+(?:gård|hotell|rådhus|kulturhus|samfunnshus|grendehus|skole|skule|fylkeshus))?"
)
_ORGANISER = (
    r"[A-ZÆØÅ][\wæøå-]*(?:\s+(?:og\s+)?[A-ZÆØÅ][\wæøå-]*)*"
    r"(?:\s+(?:fylkeskommune|kommune|regionråd|fylkesting|kommunestyre|fylkesutval|fylkesutvalg))?"
)
_MEETING = re.compile(
    rf"^(?P<day>(?i:{WEEKDAY_PATTERN}))\b,?\s*(?P<date>\d{{1,2}}\.\s*[a-zæøå]+(?:\s+\d{{4}})?)?\s*"
    rf"(?:(?P<verb>samlet|samla|inviterte|invitert|arrangerte|arrangerte|kalla inn|kalte inn)\s+"
    rf"(?P<organiser>{_ORGANISER})\s+(?P<participants>.+?)\s+til\s+)?"
    rf".*?\b(?:et\s+|eit\s+)?[\wæøå-]*(?:møte|samling|konferanse)\s+(?:på|i)\s+(?P<place>{_PLACE})"
    rf"(?:\s+(?:på|i)\s+(?P<municipality>{_PLACE}))?"
)


def find_meeting(texts: list[str], published: date | None) -> ParsedMeeting | None:
    """A sentence opening with a weekday and naming a meeting place: "Onsdag samlet X … til møte på Y"."""
    if published is None:
        return None
    for text in texts:
        for sentence in SENTENCE_SPLIT.split(text):
            match = _MEETING.match(sentence.strip())
            if not match:
                continue
            when = parse_norwegian_date(f"{match.group('date')} {published.year}") if match.group("date") else None
            return ParsedMeeting(
                date=when or resolve_weekday(match.group("day"), published),
                place=match.group("place"),
                municipality=match.group("municipality"),
                organiser=match.group("organiser"),
                participants=match.group("participants"),
            )
    return None
