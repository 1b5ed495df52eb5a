"""The cases (saker) of the minutes: number, title, proposal, decision and whether unanimous."""

from __future__ import annotations

import re
from dataclasses import replace

from archive.importers.minutes.labels import LABEL
from archive.importers.minutes.parsed import ParsedAgendaItem

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


def find_agenda_items(text: str, warnings: list[str]) -> list[ParsedAgendaItem]:
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
        if not line or not _RUNS_ON.search(first) or _CASE.match(line) or LABEL.match(line):
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
