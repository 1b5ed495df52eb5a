"""Who was at the meeting: members present and absent, deputies, the chair and staff.

Minutes print people in many ways (a comma list, "Name (Party)", flattened table rows); for
each section the pattern that finds the most people is used.
"""

from __future__ import annotations

import re
from dataclasses import replace

from archive.importers import attribution as attr
from archive.importers.minutes.labels import ABSENT, CHAIR, PRESENT, STAFF_SECTIONS, SUBSTITUTES
from archive.importers.minutes.parsed import ParsedParticipant

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


def count_present(text: str, participants: list[ParsedParticipant]) -> int | None:
    """The number present as stated, else the listed members present (not staff or guests)."""
    stated = _STATED_PRESENT.search(text)
    if stated:
        return int(stated.group("n"))
    members = [p for p in participants if p.present and not p.staff and not (p.role and _STAFF.search(p.role))]
    return len(members) or None


def find_participants(labels: list[tuple[str, str]]) -> list[ParsedParticipant]:
    people: dict[str, ParsedParticipant] = {}
    for label, value in labels:
        if label in CHAIR:
            # Capped at three name parts: PDF text runs the next word on ("Odden Medlemene").
            chair = re.search(rf"(?:(?P<role>{attr.ROLE})\s+)?(?P<name>{_NAME_SHORT})", value)
            if chair:
                role = (chair.group("role") or label).lower()
                people.setdefault(chair.group("name"), ParsedParticipant(chair.group("name"), role, None, True))
            continue
        if label not in PRESENT and label not in ABSENT:
            continue
        if label in SUBSTITUTES:
            value = _split_substitutes(value, [p.name for p in people.values() if not p.present])
        for person in _people_in(value, present=label in PRESENT):
            if person.role is None and "varamedlem" in label:
                person = replace(person, role="varamedlem")
            if label in STAFF_SECTIONS:
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
