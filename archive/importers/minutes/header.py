"""The head of the minutes: which body met, for which organisation, where, on what day, when."""

from __future__ import annotations

import re
from datetime import date, time

from archive.importers.dates import find_dates, parse_norwegian_date
from archive.importers.minutes.labels import ABSENT, CHAIR, LABEL, PRESENT, first_value

# Political bodies: "Kommunestyret", "Finansutvalet", "Fellesnemnd", "Rådmannsutvalget" …
_BODY = re.compile(
    r"\b(?!Stortinget\b)[A-ZÆØÅ][a-zæøå]*(?:utvalet|utvalget|utval|utvalg|styret|styre|"
    r"tinget|nemnda|nemnd|skapet|rådet|komiteen|komite)\b"
)
_TITLE_BODY = re.compile(
    r"\b(?i:møteprotokoll|møtebok|møtereferat|protokoll|referat|innkalling)\s+(?:for|frå|fra|til)\s+"
    r"(?P<body>[A-ZÆØÅ][\wæøå-]+)(?:[^\S\n]+(?P<kind>regionråd|kommunestyre|formannskap|fylkesting|fylkesutval|fylkesutvalg)\b)?"
)
# "Møtebok for Levanger regionråd": the place names the council, the noun is the body.
_DEFINITE_BODY = {
    "regionråd": "Regionrådet", "kommunestyre": "Kommunestyret", "formannskap": "Formannskapet",
    "fylkesting": "Fylkestinget", "fylkesutval": "Fylkesutvalet", "fylkesutvalg": "Fylkesutvalget",
}
# "Romsdal regionråd", "Regionrådet Nordhordland": a regional council is its own organisation.
_COUNCIL = re.compile(
    r"(?P<org>\b[A-ZÆØÅ][\wæøå-]+(?:[^\S\n]+og[^\S\n]+[A-ZÆØÅ][\wæøå-]+)?[^\S\n]+(?i:regionråd)|(?i:regionrådet)[^\S\n]+[A-ZÆØÅ][\wæøå-]+)\b"
)
# "REFERAT FRA STYREMØTE I SAMARBEIDSALLIANSEN OSLOREGIONEN": the board's organisation.
_TITLE_ORGANISATION = re.compile(
    r"(?i:styremøte|årsmøte|representantskapsmøte|rådsmøte)\s+(?i:i|for|frå|fra)\s+(?P<org>[^\n]{3,80})"
)
# "Kongsbergregionens lokaler": a kommuneregion named in the head.
_REGION = re.compile(r"\b(?P<org>[A-ZÆØÅ][a-zæøå]+regionen)s?\b")
_HEADER_TABLE = re.compile(
    r"\bOrgan\s+Møtestad\s+(?P<body>[A-ZÆØÅ][\wæøå]+)\s+(?P<place>.+?)\s+Møtedato\b"
)
_ORGANISATION = re.compile(
    r"\b(?P<org>[A-ZÆØÅ][\wæøå-]+(?:[^\S\n]+og[^\S\n]+[A-ZÆØÅ][\wæøå-]+)?[^\S\n]+(?:fylkes)?kommune)\b"
)
_TIME = re.compile(
    r"(?:\b(?:møtetid|tidspunkt|tid|kl)\b\.?\s*:?\s*(?:kl\.?\s*)?)"
    r"(?P<h1>\d{1,2})[:.](?P<m1>\d{2})(?:\s*(?:[-–]|til)?\s*(?:kl\.?\s*)?(?P<h2>\d{1,2})[:.](?P<m2>\d{2}))?",
    re.IGNORECASE,
)
# "Møteprotokoll Kommunestyret 28.05.2008 kl. 18:00 Rådhuset": body, date, time and place on
# the one header line some systems print instead of labels.
_HEADER_LINE_META = re.compile(
    r"^[^\S\n]*(?i:møteprotokoll|møtebok|protokoll|møtereferat|referat)[^\S\n]+(?:(?i:for|frå|fra)[^\S\n]+)?"
    r"(?P<body>[A-ZÆØÅ][^\n\d]{2,60}?)[^\S\n]+(?P<date>\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{1,2}\.\s+[a-zæøå]+\s+\d{4})"
    r"[^\S\n]*,?[^\S\n]*(?:(?i:kl)\.?[^\S\n]*)?(?P<time>\d{1,2}[:.]\d{2})(?:[^\S\n]*[-–][^\S\n]*\d{1,2}[:.]\d{2})?"
    r"[^\S\n]*,?[^\S\n]+(?P<place>[A-ZÆØÅ][^\n]{1,80}?)[^\S\n]*$",
    re.MULTILINE,
)
_PLACE_NOTE = re.compile(r"\s*\((?i:obs|nb|merk|merknad)\b")


def find_body(text: str, labels: list[tuple[str, str]]) -> str | None:
    table = _HEADER_TABLE.search(text)
    if table:
        return table.group("body")
    stated = first_value(labels, {"utval", "utvalg", "organ"})
    if stated:
        return stated
    header = _HEADER_LINE_META.search(text)
    if header:
        return header.group("body")
    # An IKS or company board: "Organisasjon: Agder Renovasjon IKS" names whose meeting it is.
    company = first_value(labels, {"organisasjon"})
    if company:
        return company
    titled = _TITLE_BODY.search(text)
    if titled:
        if titled.group("kind"):
            return _DEFINITE_BODY[titled.group("kind")]
        return titled.group("body").split()[0]
    if re.search(r"(?i)\bstyremøte\b", text[:400]):
        return "Styret"
    found = _BODY.search(text[:1000])
    return found.group(0) if found else None


def find_organisation(text: str, body: str | None) -> str | None:
    """The organisation holding the meeting, named in the head of the minutes.

    Only the text before the first list of people counts: "Ordfører Hans Seierstad, Ski
    kommune" among the participants names a member's municipality, not the organiser.
    """
    head = text[:800]
    for match in LABEL.finditer(head):
        label = (match.group("label") or match.group("section") or "").lower()
        if label in PRESENT or label in ABSENT or label in CHAIR:
            head = head[: match.start()]
            break
    council = _COUNCIL.search(head)
    if council:
        return council.group("org")
    titled = _TITLE_ORGANISATION.search(head)
    if titled:
        org = titled.group("org").strip()
        return org.title() if org.isupper() else org
    found = _ORGANISATION.search(head)
    if found:
        return found.group("org")
    if (body or "").lower().startswith("fylkes"):
        # Fylkesutvalget and fylkestinget belong to a fylkeskommune, named somewhere in the text.
        county = re.search(r"\b(?P<org>[A-ZÆØÅ][\wæøå-]+[^\S\n]+fylkeskommune)\b", text)
        if county:
            return county.group("org")
    region = _REGION.search(head)
    return region.group("org") if region else None


def find_place(text: str, labels: list[tuple[str, str]]) -> str | None:
    table = _HEADER_TABLE.search(text)
    if table:
        return table.group("place")
    place = first_value(labels, {"møtestad", "møtested", "stad", "sted"})
    if place is None:
        header = _HEADER_LINE_META.search(text)
        place = header.group("place") if header else None
    # "Rådhuset (OBS! Befaring etter møtet)": a note to the members is not the place.
    return _PLACE_NOTE.split(place)[0].strip(" ,") or None if place else None


def find_date(text: str, labels: list[tuple[str, str]]) -> date | None:
    for label, value in labels:
        if label in {"møtedato", "dato"}:
            parsed = parse_norwegian_date(value[:40])
            if parsed:
                return parsed
    # Otherwise a date in the title or the first lines ("Rådmannsutvalget 30. august 2013").
    dates = find_dates(text[:400])
    return dates[0][1] if dates else None


def find_times(text: str) -> tuple[time | None, time | None]:
    match = _TIME.search(text)
    if not match:
        return None, None
    start = _time(match.group("h1"), match.group("m1"))
    end = _time(match.group("h2"), match.group("m2")) if match.group("h2") else None
    return start, end


def _time(hour: str, minute: str) -> time | None:
    try:
        return time(int(hour), int(minute))
    except ValueError:
        return None
