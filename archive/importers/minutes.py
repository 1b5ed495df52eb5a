"""Parse meeting minutes (møteprotokoll, møtebok, møtereferat) from plain text.

Minutes come in many municipal layouts: one label per line ("Sted: Rådhuset"), labels run
together on one line by PDF text extraction ("Møtestad: X Møtetid: Kl …"), or a header table
("Organ Møtestad Finansutvalet Fylkeshuset …"). The parser looks for labels anywhere and
takes the value up to the next label, so all of these work; what it cannot find it reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time

from archive.importers import attribution as attr
from archive.importers.dates import find_dates, parse_norwegian_date
from archive.importers.text import guess_language, normalise_text, split_header


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


# Every label we know; a value runs from its label to the next one.
_LABELS = (
    r"Møtedato|Dato|Møtestad|Møtested|Stad|Sted|Møtetid|Tidspunkt|Tid|Møtestart|Møteslutt|Møteleder|"
    r"Møteleiar|Møtet blei styrt av|Møtet ble ledet av|Møtet vart leia av|Organ|Utval|Utvalg|"
    r"Referent|Sekretær|Saksnr til og frå|Saksnr|Til stede|Til stades|Møtt|Møtande medlemer|"
    r"Møtande medlemmer|Møtande varamedlemer|Møtande varamedlemmer|Møtende varamedlemmer|Møtande|"
    r"Møtende medlemmer|Møtende|Faste medlemer til stades|"
    r"Faste medlemmer til stede|Varamedlemer til stades|Varamedlemmer til stede|Forfall til møtet|"
    r"Forfall|Ikkje møtt|Ikke møtt|Fråvær|Fravær|Frafall|I tillegg deltok|Andre til stede|"
    r"Til stades med møte- og talerett|Sekretariat for møtet|Fra administrasjonen|Frå administrasjonen|"
    r"Saksliste|Sakliste|Underskrifter|Møtedeltakarar|Medlemmer|Varamedlemmer|Andre|Organisasjon|"
    r"Møtenummer|Møtenr|Behandlingsmåte|"
    # Longer forms first: the alternation takes the first that fits.
    r"Faste medlemmer som møtte|Faste medlemer som møtte|Varamedlemmer som møtte|"
    r"Varamedlemer som møtte|Fra administrasjonen møtte|Frå administrasjonen møtte|Frammøtte|"
    r"Fremmøtte|Møtte ikke|Møtte ikkje|Meldt forfall|Forfall meldt|Ikke til stede|Ikkje til stades|"
    r"Følgende faste medlemmer møtte|Følgende medlemmer møtte|Følgende medlemmer hadde forfall|"
    r"Følgende faste medlemmer hadde forfall|Følgende varamedlemmer møtte|Fra administrasjon møtte|"
    r"Følgjande faste medlemer møtte|Følgjande medlemer hadde forfall|Følgjande varamedlemer møtte|"
    r"Frå administrasjonen møtte|Administrasjonen"
)
# Section labels may stand without a colon ("Forfall", "Medlemmer"); other labels need one,
# so that "utval" or "tid" inside a sentence is not taken for a label.
_COLONLESS = (
    r"Til stede|Til stades|Møtt|Møtande medlemer|Møtande medlemmer|Møtende medlemmer|"
    r"Faste medlemer til stades|Faste medlemmer til stede|Forfall til møtet|Forfall|Ikkje møtt|"
    r"Ikke møtt|Fråvær|Fravær|Møtedeltakarar|Medlemmer|Varamedlemmer|Saksliste|Sakliste|Underskrifter|"
    r"Møtande varamedlemer|Møtande varamedlemmer|Møtende varamedlemmer|"
    r"Faste medlemmer som møtte|Faste medlemer som møtte|Varamedlemmer som møtte|Varamedlemer som møtte|"
    r"Frammøtte|Fremmøtte|Møtte ikke|Møtte ikkje|Meldt forfall|Administrasjonen"
)
_COLONLESS = "|".join(sorted(_COLONLESS.split("|"), key=len, reverse=True))
_LABELS = "|".join(sorted(_LABELS.split("|"), key=len, reverse=True))
_LABEL = re.compile(
    rf"(?<![\w-])(?:(?P<label>{_LABELS}|{_LABELS.upper()})\s*:|(?P<section>{_COLONLESS}|{_COLONLESS.upper()})\b)"
)
_PRESENT = {
    "til stede", "til stades", "møtt", "møtande medlemer", "møtande medlemmer", "møtande",
    "møtende medlemmer", "møtende", "faste medlemer til stades", "faste medlemmer til stede",
    "møtande varamedlemer", "møtande varamedlemmer", "møtende varamedlemmer",
    "varamedlemer til stades", "varamedlemmer til stede", "møtedeltakarar", "medlemmer",
    "varamedlemmer", "i tillegg deltok", "andre til stede", "faste medlemmer som møtte",
    "faste medlemer som møtte", "varamedlemmer som møtte", "varamedlemer som møtte", "frammøtte",
    "fremmøtte", "fra administrasjonen", "frå administrasjonen", "fra administrasjonen møtte",
    "frå administrasjonen møtte", "følgende faste medlemmer møtte", "følgende medlemmer møtte",
    "følgende varamedlemmer møtte", "fra administrasjon møtte", "følgjande faste medlemer møtte",
    "følgjande varamedlemer møtte", "administrasjonen",
}  # fmt: skip
# Sections of people who attend for the administration: present, but not members.
_STAFF_SECTIONS = {"fra administrasjonen", "frå administrasjonen", "fra administrasjonen møtte",
                   "frå administrasjonen møtte", "fra administrasjon møtte", "administrasjonen",
                   "sekretariat for møtet", "i tillegg deltok", "andre til stede"}
_ABSENT = {
    "forfall til møtet", "forfall", "ikkje møtt", "ikke møtt", "fråvær", "fravær", "frafall",
    "møtte ikke", "møtte ikkje", "meldt forfall", "forfall meldt", "ikke til stede", "ikkje til stades",
    "følgende medlemmer hadde forfall", "følgende faste medlemmer hadde forfall", "følgjande medlemer hadde forfall",
}  # fmt: skip
# Sections listing deputies as "Name  Møtte for  Party": the middle name is whom they replaced.
_SUBSTITUTES = {"varamedlemmer som møtte", "varamedlemer som møtte", "følgende varamedlemmer møtte",
                "følgjande varamedlemer møtte"}
_CHAIR = {"møteleder", "møteleiar", "møtet blei styrt av", "møtet ble ledet av", "møtet vart leia av"}

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
_CASE = re.compile(
    r"(?<![\d/])(?<!\d[-–])(?:(?P<prefix>PS|RS|(?:[A-ZÆØÅ]{1,4}-)?(?:[Ss]ak|SAK)|Styresak|STYRESAK)\s*(?:nr\.?\s*)?)?"
    r"(?P<number>\d{1,3}/(?:\d{2}|(?:19|20)\d{2}))"
    r"(?![\d/]|[-–]\d)"
    r"|\b(?:Sak|SAK)\s+(?P<plain>\d{1,3})\s*:"
    # "Sak 33 Godkjenning av innkalling": an IKS board numbers its cases without a year.
    r"|^[^\S\n]*(?:Sak|SAK|Styresak|STYRESAK)\s+(?:nr\.?\s*)?(?P<bare>\d{1,3})(?=[^\S\n]+[A-ZÆØÅ«\"])",
    re.MULTILINE,
)
_PROPOSAL = re.compile(
    r"(?:forslag til vedtak|framlegg til vedtak|innstilling|tilråding|rådmannen tilrår|"
    r"rådmannens innstilling|fylkesrådmannen sitt framlegg)\b\s*:?\s*",
    re.IGNORECASE,
)
# "Vedtak:" but not the "Forslag til vedtak:" that precedes it.
_DECISION = re.compile(
    r"(?<!til )(?<![\w-])[Vv]edtak(?:\s+i\s+[A-ZÆØÅa-zæøå][\wæøå-]*)?\s*:\s*|(?<!TIL )(?<![\w])VEDTAK\s*:?\s*"
    r"|^Vedtak(?:\s+i\s+[\wæøå-]+)?\s*$"
    r"|^(?:[A-ZÆØÅ][\wæøå-]+s|[A-ZÆØÅ][\wæøå-]+\s+sitt)\s+vedtak\s*:?[^\S\n]*$",
    re.MULTILINE,
)
# A decision that only says the proposal was adopted: "Samrøystes vedteke.", "Enstemmig vedtatt".
_ADOPTION_ONLY = re.compile(
    r"^(?:(?:samrøystes|enstemmig|einstemmig|innstillinga|innstillingen|framlegget|forslaget)\s+)?"
    r"(?:vedteke|vedtatt|vedtok|godkjent)\s*\.?$"
    # "Som forslag til vedtak. Enstemmig.", "Som innstillinga."
    r"|^som\s+(?:forslag(?:et)?\s+til\s+vedtak|framlegg(?:et)?\s+til\s+vedtak|innstillinga|innstillingen|"
    r"tilrådinga|tilrådingen)\s*\.?(?:\s*(?:samrøystes|enstemmig|einstemmig)(?:\s+vedteke|\s+vedtatt)?\s*\.?)?$",
    re.IGNORECASE,
)
# A case number mentioned in passing ("etter sak 091/16", "til sak 055/13 og 056/13").
_REFERENCE_BEFORE = re.compile(
    r"(?:\bsak|\bsaka|\bsaker|\bsakene|\btil|\bog|\bi|\bjf\.?|\bjfr\.?|\bsjå|\bse|\barbeidsdokument|"
    r"\bdokument|\bvedlegg|\bunder|\better|\bfrå|\bfra|\bf\.o\.m\.?|\bt\.o\.m\.?|\bfom\.?|\btom\.?|"
    # "Protokoll fra møte 3/23", "Møtenummer: 4/23": the meeting's own number, not a case.
    r"\bstyremøte|\bmøtenummer\s*:|\bmøtenr\.?\s*:?)\s+$",
    re.IGNORECASE,
)
# What follows a case number where it heads an item: a title (capital, digit or quote mark),
# possibly after ":" or "-". A lower-case word after it means a sentence mentions the case
# ("sak 099/16 etter sak 091/16", "Sak nr. 62/08 ble behandlet som sak nr. 1").
_HEADING_AFTER = re.compile(r"[^\S\n]*(?:[:.\-–][^\S\n]*)?(?:$|\n|[A-ZÆØÅ0-9«\"])")
_ADOPTED = re.compile(r"\b(?:vedteke|vedtatt|vedtekne|vedtok)\b", re.IGNORECASE)
_UNANIMOUS = re.compile(r"samrøystes|enstemmig|einstemmig", re.IGNORECASE)
_ROLE_WORDS = (
    r"Medlem|Varamedlem|Utvalsleiar|Utvalgsleder|Nestleiar|Nestleder|Leiar|Leder|Rådmann|"
    r"Sekretær|Ordførar|Ordfører|Varaordførar|Varaordfører|Programansvarleg|Kommunedirektør"
)
_PARTY = rf"(?:{attr.PARTY})"
# One name is on one line: a list of people printed one per line is never one long name.
# "Kari Moe Dagleg leiar" in a table row: "Dagleg" starts the role, it does not end the name.
_NOT_ROLE = rf"(?!(?i:{attr.ROLE_PREFIX}))"
_NAME = rf"{attr.NAME_WORD}(?:[^\S\n]+{_NOT_ROLE}(?:[A-ZÆØÅ](?:\.|(?=\s))|{attr.NAME_WORD})){{1,3}}"
_NAME_SHORT = rf"{attr.NAME_WORD}(?:[^\S\n]+{_NOT_ROLE}(?:[A-ZÆØÅ](?:\.|(?=\s))|{attr.NAME_WORD})){{1,2}}"
# The ways minutes print one participant; the best-fitting one is used per section.
_TABLE_ROLE = rf"(?:{_ROLE_WORDS}|{attr.ROLE})"
# "Oslo kommune", "Akershus fylkeskommune", "Romsdal regionråd", "Nore og Uvdal", "KS".
_ORG_NAME = (
    r"[A-ZÆØÅ][\wæøå-]+(?:[^\S\n]+(?:og[^\S\n]+)?[A-ZÆØÅ][\wæøå-]+)*"
    r"(?:[^\S\n]+(?:fylkeskommune|kommune|regionråd|fylke|kommunestyre|fylkesting))?"
)
_ORG_END = r"(?=[^\S\n]*(?:,|\n|$))"
_PERSON_PATTERNS = (
    re.compile(
        rf"(?P<name>{_NAME})\s*\((?P<party>{_PARTY})\)(?:,\s*(?P<org>{_ORG_NAME}){_ORG_END})?(?:,\s*(?P<role>[a-zæøå][^,\n]*))?"
    ),
    # A flattened table row "Navn  Funksjon  Representerer": "Anne Berg Fylkesordfører Sp".
    re.compile(rf"^(?P<name>{_NAME})\s+(?P<role>{_TABLE_ROLE})\s+(?P<party>{_PARTY})[^\S\n]*$", re.MULTILINE),
    # "Eva Lund Rådmann" in a "Navn Stilling" table.
    re.compile(rf"^(?P<name>{_NAME})\s+(?P<role>{_TABLE_ROLE})[^\S\n]*$", re.MULTILINE),
    re.compile(rf"(?P<name>{_NAME}),\s*(?P<party>{_PARTY})\b"),
    re.compile(
        rf"(?P<name>{_NAME})\s+(?P<org>[A-ZÆØÅ][a-zæøå]+)\s+(?:(?P<party>{_PARTY})\s+)?(?P<role>{_ROLE_WORDS})\b"
    ),
    re.compile(rf"(?P<name>{_NAME})\s+(?P<org>[A-ZÆØÅ][a-zæøå]+)\s+(?P<party>{_PARTY})\b"),
    re.compile(rf"(?P<name>{_NAME})\s*/\s*(?P<org>[A-ZÆØÅ][\wæøå]+(?:\s+og\s+[A-ZÆØÅ][\wæøå]+)?)"),
    # "Tore Hansen, fylkesrådmann" or "Per Olav Grønvik, Volda" (a capitalised place is the
    # member's municipality, not a role).
    re.compile(
        rf"^(?P<name>{_NAME})(?:,\s*(?:(?P<org>{_ORG_NAME})(?:\s*\((?P<paren_role>[a-zæøå][^)\n]*)\))?"
        rf"(?=[^\S\n]*(?:,|\n|$))|(?P<role>[^\n]+)))?$",
        re.MULTILINE,
    ),
    # "Rådmann Geir Bakken": role before the name.
    re.compile(rf"^(?P<role>{_TABLE_ROLE})\s+(?P<name>{_NAME})\s*$", re.MULTILINE),
)
# Column headings of flattened participant tables, and role words run into a name by PDF
# extraction ("Parti Rolle Jarle Landås", "Medlem Bjarte Vatnøy"): never part of a name.
_HEADER_WORDS = frozenset(
    "navn namn funksjon representerer parti rolle møtte for kommune medlem varamedlem "
    "programansvarleg stilling".split()
)
_HEADER_LINE = re.compile(
    r"^(?:(?:Navn|Namn|Funksjon|Representerer|Parti|Rolle|Møtte for|Kommune|Stilling)\s*)+$", re.MULTILINE
)
_SECTION_CAP = 1500
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
# Roles of people who attend without being members: they are not counted as present.
_STAFF = re.compile(
    r"(?i)\b(?:daglig leder|dagleg leiar|økonomisjef|rådmann|kommunedirektør|kommunalsjef|sekretær|"
    r"referent|konsulent|rådgiver|rådgjevar|organisasjonssjef|direktør|sjef|saksbehandler|sakshandsamar|"
    r"administrasjon|tilsett|ansatt|gjest|observatør)"
)
_STATED_PRESENT = re.compile(
    r"(?i)\b(?:til stede|til stades|møtt|frammøtte|fremmøtte)\s*:?\s*(?P<n>\d{1,3})\s+"
    r"(?:representantar|representanter|medlemer|medlemmer|av\s+\d{1,3})"
)


def parse_minutes(text: str) -> ParsedMinutes:
    """Parse one set of minutes; raises ImportFormatError for empty or binary text."""
    text = normalise_text(text)
    header, body_text = split_header(text)
    warnings: list[str] = []
    labels = _label_values(body_text)
    body = _find_body(body_text, labels)
    organisation = _find_organisation(body_text, body)
    if body is None and organisation and organisation.lower().endswith("regionråd"):
        body = "Regionrådet"
    place = _find_place(body_text, labels)
    meeting_date = _find_date(body_text, labels)
    start, end = _find_times(body_text)
    participants = _find_participants(labels)
    items = _find_agenda_items(body_text, warnings)
    present_count = _present_count(body_text, participants)
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


def _present_count(text: str, participants: list[ParsedParticipant]) -> int | None:
    """The number present as stated, else the listed members present (not staff or guests)."""
    stated = _STATED_PRESENT.search(text)
    if stated:
        return int(stated.group("n"))
    members = [p for p in participants if p.present and not p.staff and not (p.role and _STAFF.search(p.role))]
    return len(members) or None


def _label_values(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs in order; a value stops at the next label or a blank line."""
    matches = list(_LABEL.finditer(text))
    pairs = []
    for index, match in enumerate(matches):
        stop = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : stop]
        # Web protocols print the value on its own line after a blank one ("Utvalg:\n\nX").
        value = value.lstrip(" \t:").lstrip("\n") if value.strip() else value
        value = value.split("\n\n")[0].strip()
        label = match.group("label") or match.group("section")
        pairs.append((label.lower(), value[:_SECTION_CAP]))
    return pairs


def _first(labels: list[tuple[str, str]], names: set[str]) -> str | None:
    for label, value in labels:
        if label in names and value:
            return value.split("\n")[0].strip(" ,") or None
    return None


def _find_body(text: str, labels: list[tuple[str, str]]) -> str | None:
    table = _HEADER_TABLE.search(text)
    if table:
        return table.group("body")
    stated = _first(labels, {"utval", "utvalg", "organ"})
    if stated:
        return stated
    header = _HEADER_LINE_META.search(text)
    if header:
        return header.group("body")
    # An IKS or company board: "Organisasjon: Agder Renovasjon IKS" names whose meeting it is.
    company = _first(labels, {"organisasjon"})
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


def _find_organisation(text: str, body: str | None) -> str | None:
    """The organisation holding the meeting, named in the head of the minutes.

    Only the text before the first list of people counts: "Ordfører Hans Seierstad, Ski
    kommune" among the participants names a member's municipality, not the organiser.
    """
    head = text[:800]
    for match in _LABEL.finditer(head):
        label = (match.group("label") or match.group("section") or "").lower()
        if label in _PRESENT or label in _ABSENT or label in _CHAIR:
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


def _find_place(text: str, labels: list[tuple[str, str]]) -> str | None:
    table = _HEADER_TABLE.search(text)
    if table:
        return table.group("place")
    place = _first(labels, {"møtestad", "møtested", "stad", "sted"})
    if place is None:
        header = _HEADER_LINE_META.search(text)
        place = header.group("place") if header else None
    # "Rådhuset (OBS! Befaring etter møtet)": a note to the members is not the place.
    return _PLACE_NOTE.split(place)[0].strip(" ,") or None if place else None


def _find_date(text: str, labels: list[tuple[str, str]]) -> date | None:
    for label, value in labels:
        if label in {"møtedato", "dato"}:
            parsed = parse_norwegian_date(value[:40])
            if parsed:
                return parsed
    # Otherwise a date in the title or the first lines ("Rådmannsutvalget 30. august 2013").
    dates = find_dates(text[:400])
    return dates[0][1] if dates else None


def _find_times(text: str) -> tuple[time | None, time | None]:
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


def _find_participants(labels: list[tuple[str, str]]) -> list[ParsedParticipant]:
    people: dict[str, ParsedParticipant] = {}
    for label, value in labels:
        if label in _CHAIR:
            # Capped at three name parts: PDF text runs the next word on ("Odden Medlemene").
            chair = re.search(rf"(?:(?P<role>{attr.ROLE})\s+)?(?P<name>{_NAME_SHORT})", value)
            if chair:
                role = (chair.group("role") or label).lower()
                people.setdefault(chair.group("name"), ParsedParticipant(chair.group("name"), role, None, True))
            continue
        if label not in _PRESENT and label not in _ABSENT:
            continue
        if label in _SUBSTITUTES:
            value = _split_substitutes(value, [p.name for p in people.values() if not p.present])
        for person in _people_in(value, present=label in _PRESENT):
            if person.role is None and "varamedlem" in label:
                person = replace(person, role="varamedlem")
            if label in _STAFF_SECTIONS:
                person = replace(person, role=person.role or "administrasjon", staff=True)
            # An absent member listed again as present (or vice versa): the first listing wins.
            people.setdefault(person.name, person)
    return list(people.values())


def _split_substitutes(section: str, absent: list[str]) -> str:
    """"Ola Nes Lise Moen KrF" under "Møtte for" → "Ola Nes (KrF)", splitting at an absent name."""
    lines = []
    for line in _HEADER_LINE.sub("", section).split("\n"):
        for name in absent:
            row = re.match(rf"^(?P<deputy>{_NAME})\s+{re.escape(name)}\s+(?P<party>{_PARTY})\s*$", line.strip())
            if row:
                line = f"{row['deputy']} ({row['party']}), varamedlem"
                break
        lines.append(line)
    return "\n".join(lines)


def _clean_name(raw: str) -> tuple[str | None, str | None]:
    """Drop table headings and role words run into the front of a name.

    Returns the name (None if too little is left) and a role word found in front of it
    ("Rådmann Geir Bakken"), which is the person's role when no other is printed.
    """
    words, role = raw.split(), None
    def is_role(word: str) -> bool:
        return bool(re.fullmatch(_ROLE_WORDS, word) or re.fullmatch(attr.ROLE, word))

    while len(words) > 2 and (words[0].lower() in _HEADER_WORDS or is_role(words[0])):
        if is_role(words[0]):
            role = words[0]
        words = words[1:]
    if words[0].lower() in _HEADER_WORDS or any(
        w.lower() in {"navn", "namn", "representerer", "funksjon"} for w in words
    ):
        return None, None
    return " ".join(words), role


def _people_in(section: str, present: bool) -> list[ParsedParticipant]:
    section = _HEADER_LINE.sub("", section)
    listed = _name_list(section)
    if listed:
        return [ParsedParticipant(name, None, None, present) for name in listed]
    best: list[re.Match[str]] = []
    for pattern in _PERSON_PATTERNS:
        found = list(pattern.finditer(section))
        if len(found) > len(best):
            best = found
    people = []
    for match in best:
        groups = match.groupdict()
        role = (groups.get("role") or groups.get("paren_role") or "").strip(" ,.") or None
        name, role_in_front = _clean_name(match.group("name"))
        if name is None:
            continue
        role = role or role_in_front
        org = groups.get("org")
        if org and not role and re.fullmatch(_TABLE_ROLE, org, re.IGNORECASE):
            # "Eirik Kristiansen, Økonomisjef": a capitalised role, not an organisation.
            role, org = org, None
        people.append(
            ParsedParticipant(
                name=name,
                role=role.lower() if role else None,
                party=groups.get("party"),
                present=present,
                organisation=org,
            )
        )
    return people


def _name_list(section: str) -> list[str]:
    """"Anne Lund, Per Moe, Kari Li" on one line: names only, separated by commas (or "og")."""
    first = section.strip().split("\n")[0]
    parts = [part.strip() for part in re.split(r",\s*|\s+og\s+", first) if part.strip()]
    if len(parts) >= 2 and all(re.fullmatch(_NAME, part) for part in parts):
        return parts
    return []


def _find_agenda_items(text: str, warnings: list[str]) -> list[ParsedAgendaItem]:
    """Every case number with the title at its first mention and the decision where one follows."""
    occurrences = [
        m for m in _CASE.finditer(text)
        if not _REFERENCE_BEFORE.search(text[max(0, m.start() - 20) : m.start()])
        and _HEADING_AFTER.match(text, m.end())
    ]  # fmt: skip
    titles: dict[str, str | None] = {}
    proposals: dict[str, str | None] = {}
    decisions: dict[str, str | None] = {}
    unanimous: dict[str, bool | None] = {}
    for index, match in enumerate(occurrences):
        number = match.group("number") or match.group("plain") or match.group("bare")
        if match.group("prefix") == "RS":
            # Referatsaker are numbered in their own series: "RS 4/16" is not "PS 4/16".
            number = f"RS {number}"
        stop = occurrences[index + 1].start() if index + 1 < len(occurrences) else len(text)
        segment = text[match.end() : stop]
        if number not in titles:
            titles[number] = _title_of(segment)
        proposal, decision, agreed = _outcome_of(segment)
        proposals[number] = proposals.get(number) or proposal
        decisions[number] = decisions.get(number) or decision
        unanimous[number] = unanimous.get(number) or agreed
    items = [ParsedAgendaItem(n, titles[n], proposals[n], decisions[n], unanimous[n]) for n in titles]
    # Titles are read long so that cases whose numbers were lost can be split off; then cut.
    return [replace(i, title=i.title[:200] if i.title else None) for i in _restore_lost_numbers(items, warnings)]


# "… prosjektperioden /17 Delegering …": a case number whose digits the PDF extraction lost.
_LOST_NUMBER = re.compile(r"\s/(?P<year>\d{2}|(?:19|20)\d{2})\s+(?=[A-ZÆØÅ])")


def _restore_lost_numbers(items: list[ParsedAgendaItem], warnings: list[str]) -> list[ParsedAgendaItem]:
    """Split titles that swallowed cases whose numbers were lost, numbering them when certain.

    Lost cases sit between two printed numbers of one series; when the gap between those
    numbers holds exactly as many cases as were lost, their numbers follow. Otherwise the
    title is cut where the first lost case begins and the loss is reported.
    """
    out: list[ParsedAgendaItem] = []
    for index, item in enumerate(items):
        title = item.title or ""
        number = re.fullmatch(r"(?P<seq>\d{1,3})/(?P<year>\d{2}|\d{4})", item.number)
        pieces = _LOST_NUMBER.split(title) if number else [title]
        # split() interleaves the captured year: title, year, title, year, title ...
        lost = [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces) - 1, 2)]
        lost = [(year, text) for year, text in lost if year == number["year"]] if number else []
        if number is None or not lost:
            out.append(item)
            continue
        out.append(replace(item, title=pieces[0].strip(" ,.-") or None))
        following = next(
            (re.fullmatch(r"(\d{1,3})/(\d{2}|\d{4})", later.number) for later in items[index + 1 :]), None
        )
        seq, width = int(number["seq"]), len(number["seq"])
        if following is not None and following[2] == number["year"] and int(following[1]) - seq - 1 == len(lost):
            for offset, (year, text) in enumerate(lost, start=1):
                out.append(
                    ParsedAgendaItem(f"{seq + offset:0{width}d}/{year}", text.strip(" ,.-") or None, None, None, None)
                )
            warnings.append(f"case numbers after {item.number} were lost in the source text; numbered by sequence")
        else:
            warnings.append(
                f"{len(lost)} case(s) after {item.number} lost their numbers in the source text; not imported"
            )
    first: dict[str, ParsedAgendaItem] = {}
    for item in out:
        first.setdefault(item.number, item)
    return list(first.values())


# Where a title ends even on one long line: the signature block, a "Frå X låg det føre" lead-in
# to the proposal, the saksbehandler/arkiv lines of a case.
_TITLE_END = re.compile(
    r"\s+(?:Underskrifter|Underskrift|Underteikna|Underskrevet)\b"
    r"|\s+(?:Frå|Fra)\s+[^.\n]{0,80}?\s+(?:låg det føre|låg føre|ligg det føre|forelå|foreligger)\b"
    r"|\s+(?:Saksbehandlar|Saksbehandler|Sakshandsamar|Arkivsak|Arkiv|Saksnr|Objekt|Vedlegg)\s*:",
)
# A line that ends in one of these words, or a dash or comma, runs on in the next line.
_RUNS_ON = re.compile(
    r"(?:[-–,/&]|\b(?:og|i|for|av|til|med|på|om|frå|fra|ved|mot|etter|under|samt|eller))$", re.IGNORECASE
)


def _title_of(segment: str) -> str | None:
    lines = [line.strip(" :") for line in segment.lstrip(" :").split("\n")]
    first = lines[0] or next((line for line in lines[1:] if line), "")
    following = lines[lines.index(first) + 1 :] if first in lines else []
    # A title wrapped over lines: "Reguleringsplan for Moen -" / "andre gongs handsaming".
    for line in following:
        if not line or not _RUNS_ON.search(first) or _CASE.match(line) or _LABEL.match(line):
            break
        first = f"{first} {line}"
    first = _TITLE_END.split(first)[0]
    # Table-of-contents dots and page numbers: "Referatsaker...3".
    first = re.split(r"\.{2,}", first)[0]
    first = _PROPOSAL.split(first)[0]
    first = re.split(r"(?<![\w-])(?:vedtak|VEDTAK)\b", first)[0].strip(" :.-")
    return first[:600] or None


def _outcome_of(segment: str) -> tuple[str | None, str | None, bool | None]:
    proposal = decision = None
    found = _PROPOSAL.search(segment)
    if found:
        proposal = _until_next_label(segment[found.end() :])
    decided = _DECISION.search(segment)
    if decided:
        decision = _until_next_label(segment[decided.end() :])
    agreed = True if _UNANIMOUS.search(segment) else None
    if decision is not None and proposal is not None and _ADOPTION_ONLY.match(decision):
        decision = proposal
    if decision is None and proposal is not None and _ADOPTED.search(segment):
        # "Samrøystes vedteke" under a proposal: the proposal became the decision.
        decision = proposal
    return proposal, decision, agreed


def _until_next_label(text: str) -> str | None:
    text = text.lstrip(": \n")
    stop = re.search(
        # A line that is only a label ("Votering:", "Fylkestingets vedtak:", "Behandling i møtet:").
        r"\n[^\S\n]*[A-ZÆØÅ][\wæøå-]*(?:\s+[\wæøå-]+){0,4}\s*:[^\S\n]*(?=\n|$)|"
        r"\n\s*\n(?=(?:Vedtak|Behandling|Handsaming|Forslag|Framlegg|Votering|Røysting|Sak\b))|"
        r"\n(?=\s*(?:Vedtak|VEDTAK|Samrøystes|Enstemmig|Einstemmig|Behandling|Handsaming)\b)|"
        r"(?:Behandling i møtet|Handsaming i møtet|Møtebehandling)\b|"
        r"\b[A-ZÆØÅ][\wæøå]+\s+si tilråding|\b[A-ZÆØÅ]{2,}-\d|"
        # The signature block closes the minutes: no decision runs on into it.
        r"\n[^\S\n]*(?:Underskrifter|Underskrift|Underteikning)\b",
        text,
    )
    value = (text[: stop.start()] if stop else text).strip()
    return value[:2000] or None
