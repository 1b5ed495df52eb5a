"""Parse a Norwegian news article (plain page text) into title, body, dates and statements.

The text is the page text of a public body's article: one line per HTML block, blank
lines between some of them, with chrome (bylines, "Skriv ut", captions, sidebars) kept.
The parser classifies each line, then finds quoted speech and who said it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from archive.importers import attribution as attr
from archive.importers.attribution import ParsedPerson, PersonRegistry, Speaker
from archive.importers.dates import (
    WEEKDAY_PATTERN,
    find_publication_dates,
    parse_norwegian_date,
    resolve_weekday,
)
from archive.importers.text import guess_language, normalise_text, split_header

__all__ = [
    "CitedDocument",
    "ParsedArticle",
    "ParsedMeeting",
    "ParsedPerson",
    "ParsedStatement",
    "parse_news",
]


@dataclass(frozen=True)
class CitedDocument:
    """A document quoted in «…» and named on the next line ("Veileder, Regional planstrategi")."""

    text: str
    title: str
    source: str | None


@dataclass(frozen=True)
class ParsedStatement:
    """One quoted paragraph (or segment) and who said it; `flagged` when the speaker is unknown."""

    text: str
    speaker_name: str | None
    party: str | None
    role: str | None
    organisation: str | None
    paragraph_index: int
    method: str
    confidence: float
    flagged: bool


@dataclass(frozen=True)
class ParsedMeeting:
    """A meeting the article reports: when, where and who called it."""

    date: date | None
    place: str | None
    municipality: str | None
    organiser: str | None
    participants: str | None


@dataclass(frozen=True)
class ParsedArticle:
    title: str | None
    kicker: str | None
    lede: str | None
    paragraphs: list[str]
    subheadings: list[str]
    captions: list[str]
    published_at: date | None
    updated_at: date | None
    language: str
    source_url: str | None
    related_links: list[str]
    cited_documents: list[CitedDocument]
    statements: list[ParsedStatement]
    speakers: list[ParsedPerson]
    meeting: ParsedMeeting | None
    warnings: list[str] = field(default_factory=list)
    # Subheadings, captions and cited documents where they stand: {"kind", "at"} with "at"
    # the index of the paragraph they precede, and "text" (or "index" into cited_documents).
    blocks: list[dict[str, object]] = field(default_factory=list)


# --- Line classification ---------------------------------------------------------------

_DASH = "-–—"
_DASH_START = re.compile(rf"^[{_DASH}]\s*(?=\S)")
_OPEN_QUOTES = "«“„\""
_CLOSE_QUOTES = "»”\""
_TERMINAL = ".!?…:;"
# Page chrome that carries no article content.
_CHROME = {
    "klikk for stort bilde", "åpne", "lukk", "del", "del artikkelen", "del på facebook",
    "til toppen", "print", "skriv ut", "skriv ut siden", "skriv ut sida", "tilbake",
    "historisk arkiv", "transkript", "les mer", "les meir", "les mer her", "foto", "av:",
    "publisert:", "oppdatert:", "sist oppdatert:", "vis mer", "vis meir", "forstørr bilde",
}  # fmt: skip
# Lines after which the rest of the page is sidebar or footer.
_FOOTER = re.compile(
    r"^(?:skriv ut(?: siden| sida)?|tilbake|siste fra\b|siste frå\b|relaterte (?:artikler|saker)|"
    r"flere nyheter|fleire nyheiter|andre saker|mer fra\b|meir frå\b|"
    # The site's own footer and sidebar: "Siste nytt", "Kontakt oss", "Personvern", "Org.nr."
    r"siste nytt$|siste nyheter$|siste nyheiter$|mest lest$|kontakt oss$|kontakt$|følg oss\b|"
    r"personvern\b|informasjonskapsler\b|informasjonskapslar\b|cookies?\b|org\.?\s*nr\b|"
    r"organisasjonsnummer\b|postadresse\b|besøksadresse\b|sentralbord\b|om nettstedet\b|"
    r"tilgjengelighetserklæring\b|tilgjengelegheitserklæring\b)|\|\s*skriv ut",
    re.IGNORECASE,
)
_META = re.compile(
    r"^(?:publisert|oppdatert|sist oppdatert|sist endret|sist endra|endret\s*:|endra\s*:|dato\s*:|"
    r"av\s*:|skrevet av|skrive av|tekst\s*:|tekst og foto\s*:|tekst og bilete\s*:|"
    r"foto\s*:|utgiver\s*:|utgjevar\s*:|kilde\s*:|kjelde\s*:)"
    r"|^av\s+[^.]{1,60}?,\s*publisert\b",
    re.IGNORECASE,
)
# A byline label whose value (the author) is on the next line.
_BYLINE_LABEL_ALONE = re.compile(
    r"^(?:av|skrevet av|skrive av|tekst|tekst og foto|tekst og bilete|foto|utgiver|utgjevar|kilde|kjelde)\s*:?$",
    re.IGNORECASE,
)
# "07.12.2016 09:12", "12.03.2019 kl. 14.32": a CMS date stamp on its own line.
_DATE_ONLY = re.compile(r"^[\d.\-/ ]+(?:(?:kl\.?\s*)?\d{1,2}[.:]\d{2})?$")
# Share buttons and page-type labels that CMSs print around the article ("Del på Twitter").
_SHARE_OR_TYPE = re.compile(
    r"^(?:del(?:\s+(?:på|i|via)\s+\w+|\s+(?:denne siden|denne sida|artikkelen|saka|saken))?|"
    r"tips en venn|tips ein venn|e-post|epost|twitter|facebook|linkedin|"
    r"pressemelding|pressemeldingar|pressemeldinger|nyhet|nyheit|nyheter|nyheiter|aktuelt|artikkel)"
    r"(?:\s*[|·:]\s*.*)?$",
    re.IGNORECASE,
)
# Contact blocks at the end of press releases: the label, then name, phone and e-mail lines.
_CONTACT_LABEL = re.compile(
    r"^(?:kontaktperson(?:ar|er)?|kontakt|pressekontakt|for mer informasjon|for meir informasjon|"
    r"for spørsmål|spørsmål om saka|spørsmål om saken|mer informasjon|meir informasjon)\b.*:",
    re.IGNORECASE,
)
_CONTACT_DETAIL = re.compile(
    r"(?:\b(?:tlf|telefon|mobil|mob|e-post|epost)\b\.?\s*:?|\+?47\s*\d{2}|\b\d{2,3}(?:\s?\d{2}){3}\b|\b\d{8}\b"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)
# "Fakta", "FAKTA:", "Fakta om planen", "Dette er …": a box whose dash lines are a list.
_FACT_HEADING = re.compile(r"^(?:fakta|faktaboks|kort om|bakgrunn|nøkkeltal|nøkkeltall)\b", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|tiff?)$", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"\b(?:Foto|Illustrasjon|Bilde|Photo)\s*:", re.IGNORECASE)
_RELATED = re.compile(
    r"^les\s+(?:også|og|òg|meir|mer|hele|heile|mer om|meir om|saken)\b\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_KICKER = re.compile(r"^(?P<kicker>[^:.!?«»\d]{3,60}):\s+(?P<rest>[^\s].*)$")
# Marks that open a quote at the start of a paragraph; some CMSs print ”…” (both closing).
_OPENERS = _OPEN_QUOTES + "”"
_CLOSER_OF = {"«": "»", "“": "”", "„": "“", '"': '"', "”": "”"}
# «Quote» opening a sentence mid-paragraph (after ". " or ": ").
_INNER_QUOTE = re.compile(r"(?:(?<=[.!?:])\s+)(?P<open>[«“])(?P<quote>[^«»“”]+)[»”]")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÆØÅ«“\"–—-])")


@dataclass
class _Unit:
    """One non-empty line and what it is; `block` counts blank-line-separated groups."""

    text: str
    line: int
    block: int
    kind: str = "paragraph"


def parse_news(text: str) -> ParsedArticle:
    """Parse one article; raises ImportFormatError for empty or binary text."""
    text = normalise_text(text)
    header, body = split_header(text)
    warnings: list[str] = []
    units = _units(body, header_lines=text.count("\n") - body.count("\n"))
    title = _take_title(units, warnings)
    _classify(units)
    kicker, lede = _take_lede(units)
    related = [_related_title(u.text) for u in units if u.kind == "link"]
    cited = _cited_documents(units)
    registry = PersonRegistry()
    attr.scan_people(body, registry)
    # A cited document is kept once, in cited_documents, not again among the paragraphs.
    paragraph_units = [u for u in units if u.kind == "paragraph"]
    statements = _Statements(units, paragraph_units, registry).extract()
    published, updated = _article_dates(units)
    if published is None:
        published = _stamped_date(units)
    if not paragraph_units:
        warnings.append("no body paragraphs")
    if published is None:
        warnings.append("no publication date")
    flagged = sum(s.flagged for s in statements)
    if flagged:
        warnings.append(f"{flagged} statement(s) with unknown speaker")
    speakers = _speakers(statements)
    return ParsedArticle(
        title=title,
        kicker=kicker,
        lede=lede,
        paragraphs=[u.text for u in paragraph_units],
        subheadings=[u.text for u in units if u.kind == "subheading"],
        captions=[u.text for u in units if u.kind == "caption"],
        published_at=published,
        updated_at=updated,
        language=header.language or guess_language(body),
        source_url=header.source_url,
        related_links=[r for r in related if r],
        cited_documents=cited,
        statements=statements,
        speakers=speakers,
        meeting=_find_meeting([u.text for u in units if u.kind in {"paragraph", "lede"}], published),
        warnings=warnings,
        blocks=_blocks(units),
    )


def _unresolved_role(segment: _Segment) -> str | None:
    """"fylkesordfører" for a quote attributed only to "fylkesordføreren" (no name in the article)."""
    word = segment.match.groupdict().get("role_def") if segment.match is not None else None
    return attr.role_stem(word) if word else None


def _blocks(units: list[_Unit]) -> list[dict[str, object]]:
    """Where each subheading, caption and cited document stands among the paragraphs."""
    blocks: list[dict[str, object]] = []
    paragraphs = cited = 0
    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else None
        if unit.kind == "paragraph":
            paragraphs += 1
        elif unit.kind == "caption" and following is not None and following.kind == "caption" and (
            unit.text in following.text
        ):
            continue  # "Kjell B. Hansen" over "Ordfører …, Kjell B. Hansen, var …": one caption
        elif unit.kind in {"subheading", "caption"}:
            blocks.append({"kind": unit.kind, "text": unit.text, "at": paragraphs})
        elif unit.kind == "cited":
            blocks.append({"kind": "cited", "index": cited, "at": paragraphs})
            cited += 1
    return blocks


def _article_dates(units: list[_Unit]) -> tuple[date | None, date | None]:
    """The article's own "Publisert"/"Oppdatert" dates, not a footer's or a sidebar's.

    A date line in the head of the page (before the body, by the title or byline) is the
    article's, and then a later one ("Sist endret 05/22/2015" in the site footer) is not.
    Without one in the head, date lines after the body count ("Publisert: 23.09.2019" at
    the end of the text), but never those in the footer or sidebar that follows it.
    """
    body_start = next((i for i, u in enumerate(units) if u.kind in {"paragraph", "lede"}), len(units))
    head = [u.text for u in units[: body_start + 1] if u.kind != "paragraph"]
    published, updated = find_publication_dates("\n".join(head))
    if published is not None or updated is not None:
        return published, updated
    return find_publication_dates("\n".join(u.text for u in units if u.kind != "footer"))


def _stamped_date(units: list[_Unit]) -> date | None:
    """An unlabelled date stamp near the top ("07.12.2016 09:12") is the publication date."""
    for unit in units[:8]:
        if unit.kind == "meta" and _DATE_ONLY.match(unit.text):
            found = parse_norwegian_date(unit.text)
            if found is not None:
                return found
    return None


def _units(body: str, header_lines: int) -> list[_Unit]:
    units: list[_Unit] = []
    block = 0
    for number, raw in enumerate(body.split("\n"), start=header_lines + 1):
        line = raw.strip()
        if not line:
            block += 1
            continue
        units.append(_Unit(line, number, block))
    return units


def _take_title(units: list[_Unit], warnings: list[str]) -> str | None:
    """Line 1 is the title unless it reads like body text (some pages have no title)."""
    if not units:
        return None
    first = units[0].text
    body_like = len(first) > 200 or (first.endswith(".") and len(first) > 60)
    body_like = body_like or (bool(_DASH_START.match(first)) and attr.CLAUSE.search(first) is not None)
    if body_like:
        warnings.append("no title: the first line reads like body text")
        return None
    units[0].kind = "title"
    return first


def _classify(units: list[_Unit]) -> None:
    """Mark chrome, metadata, captions, links, bylines and subheadings; the rest is body."""
    expect_author = False
    after_image = False
    in_contact = False
    stopped = False
    for index, unit in enumerate(units):
        if unit.kind == "title":
            continue
        text, lower = unit.text, unit.text.lower().strip()
        if stopped:
            unit.kind = "footer"
            continue
        if _FOOTER.search(text):
            unit.kind, stopped = "footer", True
            if _META.search(text):
                unit.kind = "meta"
            continue
        if lower in _CHROME:
            unit.kind = "chrome"
            expect_author = lower == "av:"
            continue
        if expect_author and len(text) < 80:
            unit.kind, expect_author = "meta", False
            continue
        if _META.search(text) or _DATE_ONLY.match(text) or _SHARE_OR_TYPE.match(text):
            unit.kind = "meta"
            # A byline table flattened to lines: "Skrevet av" / "Kommunikasjonsavdelingen".
            expect_author = _BYLINE_LABEL_ALONE.match(text) is not None
            continue
        if _CONTACT_LABEL.match(text):
            unit.kind, in_contact = "meta", True
            continue
        if in_contact and (unit.block == units[index - 1].block or _CONTACT_DETAIL.search(text)):
            # The name, phone and e-mail lines of a contact block are no article text.
            unit.kind = "meta"
            continue
        in_contact = False
        if _CONTACT_DETAIL.search(text) and len(text) < 80 and not _has_speech(text):
            unit.kind = "meta"
            continue
        if _is_list_item(units, index):
            unit.kind = "list"
            continue
        if _IMAGE_FILE.match(text):
            unit.kind, after_image = "chrome", True
            continue
        if after_image:
            after_image = False
            if not _DASH_START.match(text):
                unit.kind = "caption"
                continue
        if _RELATED.match(text):
            unit.kind = "link"
            continue
        if attr.BYLINE.match(text):
            unit.kind = "byline"
            continue
        if _is_photo_block_line(units, index):
            unit.kind = "caption"
            continue
        if _is_name_caption(units, index):
            continue
        if _is_subheading(units, index):
            unit.kind = "subheading"


def _is_list_item(units: list[_Unit], index: int) -> bool:
    """A short dash line in a fact box or among other such lines is a bullet, not speech.

    "- 21 kommuner" / "- Tre regioner": no attribution, no sentence end, and either a
    "Fakta" heading above or another such bullet next to it in the same block.
    """
    if not _is_bullet_like(units[index].text):
        return False
    for earlier in reversed(units[:index]):
        if earlier.kind == "list":
            continue
        if _FACT_HEADING.match(earlier.text):
            return True
        break
    unit = units[index]
    neighbours = [
        units[j] for j in (index - 1, index + 1)
        if 0 <= j < len(units) and units[j].block == unit.block
    ]  # fmt: skip
    return any(_is_bullet_like(u.text) for u in neighbours)


def _is_bullet_like(text: str) -> bool:
    dash = _DASH_START.match(text)
    if not dash:
        return False
    rest = text[dash.end() :].strip()
    return len(rest.split()) <= 10 and rest[-1:] not in "!?…" and attr.CLAUSE.search(rest) is None


def _is_photo_block_line(units: list[_Unit], index: int) -> bool:
    """A block with a photo credit is a caption block up to and including the credit line."""
    unit = units[index]
    same_block = [u for u in units[index:] if u.block == unit.block]
    return any(_PHOTO_CREDIT.search(u.text) for u in same_block) and not _DASH_START.match(unit.text)


def _is_name_caption(units: list[_Unit], index: int) -> bool:
    """A name alone on a line, with the next line of its block naming them, is a photo caption."""
    unit = units[index]
    following = units[index + 1] if index + 1 < len(units) else None
    if not attr.NAME_ONLY_LINE.match(unit.text) or following is None:
        return False
    if following.block != unit.block or unit.text not in following.text:
        return False
    unit.kind = following.kind = "caption"
    return True


def _is_subheading(units: list[_Unit], index: int) -> bool:
    """Short, alone in its block, no sentence punctuation: a crosshead (also "- Quote" ones)."""
    unit = units[index]
    text = unit.text
    alone = all(u.block != unit.block for u in units[:index] + units[index + 1 :])
    if not alone or len(text) > 90 or len(text.split()) > 12:
        return False
    if text.rstrip(_CLOSE_QUOTES)[-1:] in _TERMINAL or text.endswith(","):
        return False  # "… nokre år.»" closes a quote; headings end without a full stop
    if index == len(units) - 1:
        # The last line of a cut page may be a cut paragraph, not a heading.
        return False
    return attr.CLAUSE.search(text) is None


def _take_lede(units: list[_Unit]) -> tuple[str | None, str | None]:
    """The first body line, if narrative, is the lede; "Kicker: rest" splits off the kicker."""
    for unit in units:
        if unit.kind in {"title", "meta", "chrome", "caption", "byline"}:
            continue
        if unit.kind != "paragraph" or _DASH_START.match(unit.text) or _has_speech(unit.text):
            return None, None
        unit.kind = "lede"
        match = _KICKER.match(unit.text)
        if match and len(match.group("kicker").split()) <= 6:
            return match.group("kicker").strip(), match.group("rest").strip()
        return None, unit.text
    return None, None


def _has_speech(text: str) -> bool:
    return text[:1] in _OPEN_QUOTES or any(_valid_clause(m) for m in attr.CLAUSE.finditer(text))


def _related_title(text: str) -> str:
    match = _RELATED.match(text)
    rest = match.group("rest") if match else text
    rest = _DASH_START.sub("", rest.strip()).strip()
    # "Les hele fylkesordførerens svar her." names no title after a colon: keep the line.
    return rest if ":" in text else text.strip()


def _cited_documents(units: list[_Unit]) -> list[CitedDocument]:
    """A paragraph wholly in «…» followed by a short source line is a quoted document."""
    found: list[CitedDocument] = []
    for index, unit in enumerate(units[:-1]):
        text = unit.text
        if unit.kind != "paragraph" or text[:1] not in _OPEN_QUOTES:
            continue
        if text.rstrip(".").rstrip()[-1:] not in _CLOSE_QUOTES:
            continue
        source_unit = units[index + 1]
        source_line = source_unit.text
        if source_unit.kind not in {"paragraph", "subheading"} or len(source_line) > 100:
            continue
        if source_line[-1:] in "!?" or _DASH_START.match(source_line) or _has_speech(source_line):
            continue
        if any(_valid_clause(m) for m in attr.CLAUSE.finditer(text)) or re.search(rf"[:.]\s+[{_DASH}]\s", source_line):
            continue  # speech with its clause inside the marks, or a next line that quotes someone
        kind, _, title = source_line.rstrip(".").partition(",")
        quoted = text.rstrip(".").strip()[1:-1].strip()
        if title.strip():
            found.append(CitedDocument(quoted, title.strip(), kind.strip()))
        else:
            found.append(CitedDocument(quoted, kind.strip(), None))
        unit.kind, source_unit.kind = "cited", "doc_source"
    return found


# --- Statements --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """A quoted stretch of one paragraph and the clause attributing it, if any."""

    text: str
    match: re.Match[str] | None
    after_colon: str | None = None  # narrative before "…: -Quote" introducing the speaker
    # "continues": an unclosed «… paragraph whose quote goes on in the next one (and whose
    # speaker is named there); "needs_attribution": a whole «…» paragraph that is speech only
    # if the next line says who said it (else it may be a quoted document or a pull quote);
    # "tail": the rest of a dash paragraph after its last clause, the same speaker going on;
    # "dashless": a first-person sentence ending in a clause, printed without its dash.
    kind: str = "plain"


class _Statements:
    """Walks the body in order, keeping the previous speaker and people just introduced."""

    def __init__(self, units: list[_Unit], paragraphs: list[_Unit], registry: PersonRegistry):
        self.units = [u for u in units if u.kind not in {"chrome", "meta", "footer", "title"}]
        self.paragraph_index = {id(u): i for i, u in enumerate(paragraphs)}
        self.registry = registry
        self.previous: ParsedPerson | None = None
        self.nearby: ParsedPerson | None = None
        self.found: list[ParsedStatement] = []
        # Everyone mentioned so far, latest last, for pronouns the previous speaker cannot fit.
        self.recent: list[ParsedPerson] = []

    def extract(self) -> list[ParsedStatement]:
        # Paragraphs inside a quote that runs on from an earlier «-paragraph, with its speaker.
        in_block: dict[int, tuple[_Segment, Speaker]] = {}
        for position, unit in enumerate(self.units):
            if unit.kind == "lede":
                self._note_narrative(unit.text)
            if position in in_block:
                segment, speaker = in_block.pop(position)
                self._record(unit, position, segment, speaker)
            elif unit.kind == "paragraph":
                segments = _segments_of(unit.text)
                if not segments:
                    self._note_narrative(unit.text)
                for segment in segments:
                    block = self._quote_block(position) if segment.kind == "continues" else None
                    if block is None:
                        self._record(unit, position, segment)
                        continue
                    speaker = self._block_speaker(segment, position, block)
                    self._record(unit, position, segment, speaker)
                    in_block.update({at: (part, speaker) for at, part in block})
            self._note_mentions(unit.text)
        return _without_repeats(self.found)

    def _quote_block(self, start: int) -> list[tuple[int, _Segment]] | None:
        """The paragraphs a «-quote left open at `start` runs on through, up to where it closes.

        Public bodies print a long statement as «A / B / C, avslutter X." or «A / B / C.»:
        only the first paragraph opens the mark. The quote goes on through plain paragraphs
        until one closes it (» or ”) or ends in an attribution clause; a quote that never
        closes is not followed (the paragraphs after it may be the journalist's again).
        """
        found: list[tuple[int, _Segment]] = []
        for position in range(start + 1, len(self.units)):
            unit = self.units[position]
            text = unit.text
            if unit.kind not in {"paragraph", "subheading"} or _DASH_START.match(text) or text[:1] in _OPENERS:
                return None
            closer = re.search(r"[»”]", text)
            if closer is not None:
                clause = attr.CLAUSE.match(text, closer.start())
                clause = clause if clause is not None and _valid_clause(clause) else None
                found.append((position, _Segment(_trim_quote(text[: closer.start()]), clause)))
                return found
            ending = [
                m for m in attr.CLAUSE.finditer(text)
                if _valid_clause(m) and not text[_sentence_end(text, m.end()) :].strip()
            ]  # fmt: skip
            if ending:
                found.append((position, _Segment(_trim_quote(text[: ending[-1].start()]), ending[-1])))
                return found
            found.append((position, _Segment(text.strip(), None, kind="continues")))
        return None

    def _block_speaker(self, first: _Segment, position: int, block: list[tuple[int, _Segment]]) -> Speaker:
        """Who speaks a multi-paragraph quote: the clause that closes it, a "Dette sa X" after
        it, or whoever introduced it ("Ordfører X uttaler følgende:")."""
        closing = block[-1][1]
        if closing.match is not None:
            return self._resolve(closing.match)
        after = block[-1][0] + 1
        if after < len(self.units) and self.units[after].kind == "paragraph":
            sentence = attr.ATTRIBUTION_SENTENCE.match(self.units[after].text)
            if sentence is not None and attr.particle_ok(sentence):
                found = self._resolve(sentence)
                return Speaker(found.person, "following", found.confidence)
        return self._speaker(first, position)

    def _note_mentions(self, text: str) -> None:
        found: list[tuple[int, ParsedPerson]] = []
        for person in self.registry.people:
            forms = {person.name, person.name.split()[-1]}
            hits = (re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text) for form in forms)
            at = max((m.start() for found_in in hits for m in found_in), default=-1)
            if at >= 0:
                found.append((at, person))
        for _, person in sorted(found, key=lambda item: item[0]):
            if person in self.recent:
                self.recent.remove(person)
            self.recent.append(person)

    def _resolve(self, match: re.Match[str]) -> Speaker:
        return attr.resolve_subject(match, self.registry, self.previous, self.nearby, self.recent)

    def _record(self, unit: _Unit, position: int, segment: _Segment, speaker: Speaker | None = None) -> None:
        if segment.match is None and self._is_interview_question(segment, position):
            return
        speaker = speaker or self._speaker(segment, position)
        if segment.kind == "needs_attribution" and speaker.method not in {"byline", "following"}:
            return
        person = speaker.person
        # Without a dash or quote marks, speech and paraphrase look alike: trust it less.
        confidence = speaker.confidence * (0.7 if segment.kind == "dashless" else 1.0)
        self.found.append(
            ParsedStatement(
                text=segment.text,
                speaker_name=person.name if person else None,
                party=person.party if person else None,
                # An unresolved "sier fylkesordføreren" keeps its role, for the archive's registry.
                role=person.role if person else _unresolved_role(segment),
                organisation=person.organisation if person else _speaking_organisation(segment),
                paragraph_index=self.paragraph_index[id(unit)],
                method=speaker.method,
                confidence=confidence if person else 0.0,
                flagged=person is None,
            )
        )
        self.previous, self.nearby = person, None

    def _speaker(self, segment: _Segment, position: int) -> Speaker:
        if segment.match is not None:
            return self._resolve(segment.match)
        following = self.units[position + 1] if position + 1 < len(self.units) else None
        if segment.kind == "continues" or (self.previous is None and self.nearby is None):
            # The speaker is named at the end of the quote: "«A.» / «B», sier X." or, opening
            # an article with no one introduced yet, "– A. / – B, sier X.".
            ahead = self._named_in_next_quote(following)
            if ahead is not None:
                return ahead
        if following is not None and following.kind == "byline":
            byline = attr.BYLINE.match(following.text)
            if byline:
                person = self.registry.add(byline["name"], byline["party"], byline["role"])
                return Speaker(person, "byline", 0.9)
        if following is not None and following.kind == "paragraph":
            after = attr.ATTRIBUTION_SENTENCE.match(following.text)
            if after and attr.particle_ok(after):
                speaker = self._resolve(after)
                return Speaker(speaker.person, "following", speaker.confidence)
        if segment.after_colon is not None:
            named_before = _last_person_in(segment.after_colon, self.registry, self.previous)
            if named_before is not None:
                return Speaker(named_before, "preceding", 0.8)
        if self.nearby is not None:
            return Speaker(self.nearby, "preceding", 0.65)
        if self.previous is not None:
            # A tail without its own dash is the likeliest continuation to be narrative after all.
            return Speaker(self.previous, "continuation", 0.6 if segment.kind == "tail" else 0.75)
        # The only person named so far is the likely speaker; someone named only further
        # down (a contact line, a later paragraph) is not: better None than a guess.
        people = [p for p in self.registry.people if self._named_before(p, position)]
        if len(people) == 1:
            return Speaker(people[0], "preceding", 0.5)
        return Speaker(None, "continuation", 0.0)

    def _named_in_next_quote(self, following: _Unit | None) -> Speaker | None:
        if following is None or following.kind != "paragraph":
            return None
        if not (_DASH_START.match(following.text) or following.text[:1] in _OPENERS):
            return None
        segments = _segments_of(following.text)
        if not segments or segments[0].match is None or segments[0].match.group("pronoun"):
            return None
        speaker = self._resolve(segments[0].match)
        return Speaker(speaker.person, "following", speaker.confidence) if speaker.person else None

    def _named_before(self, person: ParsedPerson, position: int) -> bool:
        surname = person.name.split()[-1]
        return any(
            re.search(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", u.text)
            for u in self.units[:position]
        )

    def _is_interview_question(self, segment: _Segment, position: int) -> bool:
        """A dashed question answered by a dashed paragraph is the journalist asking."""
        if not segment.text.rstrip().endswith("?"):
            return False
        following = self.units[position + 1] if position + 1 < len(self.units) else None
        return following is not None and bool(_DASH_START.match(following.text))

    def _note_narrative(self, text: str) -> None:
        """Remember who a narrative paragraph introduces as the subject of a sentence."""
        for sentence in _SENTENCE_SPLIT.split(text):
            person = _sentence_subject(sentence, self.registry, self.previous)
            if person is not None:
                self.nearby = person


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _without_repeats(statements: list[ParsedStatement]) -> list[ParsedStatement]:
    """Drop a quote printed twice: a headline or crosshead ("– Fleire skal ta bussen") or a
    pull quote repeating (the start of) a statement made elsewhere in the article.

    Of two statements where one's text is the other's or opens it, the one with the weaker
    attribution goes (on a tie the later, the repeat).
    """
    keep = list(statements)
    for statement in statements:
        mine = _comparable(statement.text)
        if len(mine.split()) < 3:
            continue
        for other in keep:
            theirs = _comparable(other.text)
            if other is statement or not (theirs == mine or theirs.startswith(f"{mine} ")):
                continue
            if (statement.confidence, -statement.paragraph_index) <= (other.confidence, -other.paragraph_index):
                keep.remove(statement)
                break
    return keep


def _speaking_organisation(segment: _Segment) -> str | None:
    """The body named as the source of an unattributed-to-a-person quote ("skriv NHO")."""
    match = segment.match
    return match.group("org") if match is not None and "org" in match.re.groupindex else None


def _segments_of(text: str) -> list[_Segment]:
    """The quoted stretches of a paragraph: dash paragraphs, «…» speech, mid-paragraph dashes."""
    dash = _DASH_START.match(text)
    if dash:
        return _dash_segments(text[dash.end() :])
    if text[:1] in _OPENERS:
        segment = _guillemet_segment(text) or _whole_quote_segment(text)
        return [segment] if segment else []
    inner = _inner_quote_segment(text)
    if inner is not None:
        return [inner]
    # A quote whose opening mark was lost, closed by ”/» right before the clause.
    for match in attr.CLAUSE.finditer(text):
        if _valid_clause(match) and any(q in match.group("lead") for q in _CLOSE_QUOTES):
            quote = _trim_quote(text[: match.start()])
            opening = max(quote.rfind(q) for q in _OPEN_QUOTES[:3])
            return [_Segment(quote[opening + 1 :].strip() if opening >= 0 else quote, match)]
    # A quote that starts inside narrative: "… skole. - Fylkestinget vedtok …, sier X."
    dash = re.search(rf"(?P<punct>[.!?:])\s+[{_DASH}]\s*(?=[A-ZÆØÅ«])", text)
    if dash:
        segments = _dash_segments(text[dash.end() :])
        if dash.group("punct") == ":":
            intro = text[: dash.start()]
            return [_Segment(s.text, s.match, intro if s.match is None else None) for s in segments]
        return [s for s in segments if s.match is not None]
    dashless = _dashless_segment(text)
    return [dashless] if dashless is not None else []


# First-person words: what tells a quote printed without its dash from the journalist's paraphrase.
_FIRST_PERSON = re.compile(r"(?i)(?<![\w-])(?:jeg|eg|vi|meg|oss|min|mi|mitt|mine|vår|vårt|våre)(?![\w-])")


def _dashless_segment(text: str) -> _Segment | None:
    """"Fordi vi må skape arbeidsplassar, svarer Olsen." — speech whose dash was lost.

    Only the sentence that ends in the clause, only when the clause ends the paragraph, and
    only in the first person: "Politiet fikk melding klokka 14, opplyser X." is a paraphrase.
    """
    for match in attr.CLAUSE.finditer(text):
        if "," not in match.group("lead") or not _valid_clause(match):
            continue
        if text[_sentence_end(text, match.end()) :].strip():
            continue
        opening = max((m.end() for m in re.finditer(r"[.!?…]\s+", text[: match.start()])), default=0)
        quote = _trim_quote(text[opening : match.start()])
        if len(quote.split()) >= 4 and _FIRST_PERSON.search(quote):
            return _Segment(quote, match, kind="dashless")
    return None


def _whole_quote_segment(text: str) -> _Segment | None:
    """A paragraph that is one quote with no clause: «Quote.» or an unclosed «Quote … (continues)."""
    opener = text[0]
    closer = _CLOSER_OF.get(opener, opener)
    inner = text[1:]
    if closer not in inner:
        # Norwegian style: each paragraph of a long quote opens with «, only the last closes.
        return _Segment(inner.strip(), None, kind="continues") if len(inner.split()) >= 4 else None
    if inner.rstrip(" .").endswith(closer) and inner.count(closer) == 1:
        quote = inner.rstrip(" .")[:-1].strip()
        return _Segment(quote, None, kind="needs_attribution") if len(quote.split()) >= 4 else None
    return None


def _inner_quote_segment(text: str) -> _Segment | None:
    """«Quote.» opening a sentence inside narrative, then "Det sa X." or ", sier X"."""
    for quoted in _INNER_QUOTE.finditer(text):
        if len(quoted.group("quote").split()) < 4:
            continue  # a scare-quoted phrase, not speech
        rest = text[quoted.end() :]
        # The full stop sits inside the marks («… eldre.» Det sa X), so match from "Det".
        after = attr.ATTRIBUTION_SENTENCE.match(rest.lstrip()) if quoted.group("quote")[-1:] in ".!?" else None
        if after is not None and attr.particle_ok(after):
            return _Segment(quoted.group("quote").strip(), after)
        clause = attr.CLAUSE.match(rest)
        if clause is not None and _valid_clause(clause) and clause.start() == 0:
            return _Segment(_trim_quote(quoted.group("quote")), clause)
    return None


def _dash_segments(body: str) -> list[_Segment]:
    """Split "Quote, sier X. Quote, sier Y. Narrative." into attributed segments."""
    segments: list[_Segment] = []
    position = 0
    while True:
        match = _first_clause(body, position, allow_plain_lead=position == 0)
        if match is None:
            if position == 0:
                segments.append(_Segment(body.strip(), None))
            return segments
        quote = _trim_quote(body[position : match.start()])
        if quote:
            segments.append(_Segment(quote, match))
        position = _sentence_end(body, match.end())
        if position >= len(body):
            return segments
        if _first_clause(body, position, allow_plain_lead=False) is None:
            # "– A, sier X. – B." or "– A, sier X. B.": the quote goes on after the clause.
            tail = _quote_tail(body[position:], match)
            if tail is not None:
                segments.append(tail)
            return segments


# A sentence after the clause that opens like this is narrative about the speaker, not speech.
_NARRATIVE_TAIL = re.compile(
    r"(?:Han|Hun|Ho|Hen|De|Dei|Det\s+(?:sa|seier|sier|skriv|skriver)|Ifølge|Ifølgje|I\s+følge|Både|Også)\b"
    rf"|{attr.NAME_WORD}\s+{attr.SPEECH_VERB}\b"
)


def _quote_tail(text: str, clause: re.Match[str]) -> _Segment | None:
    """What follows the last clause of a dash paragraph, when it is still the speaker's quote.

    A new dash ("– B.") always is; a plain sentence only in the first person and unless it
    reads as narrative ("Han mener …", "Ryberg sier …", the speaker's own name first).
    """
    text = text.strip()
    dashed = _DASH_START.match(text)
    if dashed:
        text = text[dashed.end() :].strip()
    else:
        first = text.split(maxsplit=1)[0] if text else ""
        named = set((clause.groupdict().get("name") or "").split())
        if _NARRATIVE_TAIL.match(text) or not first[:1].isupper() or first in named:
            return None
        if not _FIRST_PERSON.search(text):
            return None  # "…, sa X. For da fylkesutvalget diskuterte …" is the journalist again
    text = _trim_quote(text)
    if len(text.split()) < 3:
        return None
    return _Segment(text, None, kind="plain" if dashed else "tail")


def _guillemet_segment(text: str) -> _Segment | None:
    """«Quote», sier X. — speech in quote marks with an attribution clause."""
    for match in attr.CLAUSE.finditer(text):
        if not _valid_clause(match):
            continue
        before = text[: match.start()].rstrip(" ,")
        if before[-1:] in _CLOSE_QUOTES or any(q in match.group("lead") for q in _CLOSE_QUOTES):
            quote = _trim_quote(before[1:])
            # "«A», sier X, «b.»": the quote resumes after the clause.
            resumed = _RESUMED_QUOTE.match(text, match.end())
            if resumed is not None:
                quote = f"{quote.rstrip(',')} {resumed.group('more').strip()}"
            return _Segment(quote, match)
        return None
    return None


_RESUMED_QUOTE = re.compile(rf"\s*[,.]?\s*[{_OPEN_QUOTES}](?P<more>[^{_CLOSE_QUOTES}]+)[{_CLOSE_QUOTES}]\s*\.?\s*$")


def _first_clause(body: str, start: int, allow_plain_lead: bool) -> re.Match[str] | None:
    candidates = [m for m in attr.CLAUSE.finditer(body, start) if _valid_clause(m, allow_plain_lead)]
    candidates += [
        m for m in attr.ATTRIBUTION_SENTENCE.finditer(body, start)
        if m.start() > start and attr.particle_ok(m)
    ]  # fmt: skip
    candidates = [m for m in candidates if _trim_quote(body[start : m.start()])]
    return min(candidates, key=lambda m: m.start(), default=None)


def _valid_clause(match: re.Match[str], allow_plain_lead: bool = True) -> bool:
    """Reject clause look-alikes inside the quote ("hva han sa han ville")."""
    if not attr.particle_ok(match):
        return False
    lead = match.group("lead")
    punctuated = "," in lead or any(q in lead for q in _CLOSE_QUOTES)
    if punctuated:
        return True
    if not allow_plain_lead or match.group("verb").lower() not in {"sier", "seier", "sa"}:
        return False
    # Without a comma only an unmistakable speaker counts: role + name, or a full name.
    name = match.group("name") or ""
    return bool(match.group("role_name")) or " " in name.strip()


def _trim_quote(text: str) -> str:
    """Drop the comma and closing quote mark that separate a quote from its clause."""
    text = text.strip()
    while text and (text[-1] in "," or text[-1] in _CLOSE_QUOTES and text.count(text[-1]) % 2):
        text = text[:-1].rstrip()
    return text


def _sentence_end(body: str, start: int) -> int:
    match = re.compile(r"[.!?…](?:\s+|$)").search(body, start)
    return match.end() if match else len(body)


def _sentence_subject(
    sentence: str, registry: PersonRegistry, previous: ParsedPerson | None
) -> ParsedPerson | None:
    """The person a sentence starts with: "Ordfører i X Jon Ivar Nygård nevnte …", "Fylkesordføraren …"."""
    sentence = sentence.strip()
    role_name = re.match(rf"{attr.ROLE_WITH_QUALIFIER},?\s+(?P<name>{attr.FULL_NAME})", sentence)
    if role_name:
        return registry.get(role_name.group("name")) or registry.add(role_name.group("name"))
    full = re.match(rf"(?P<name>{attr.FULL_NAME})\b", sentence)
    if full and registry.get(full.group("name")):
        return registry.get(full.group("name"))
    role_word = re.match(rf"(?P<word>{attr.ROLE_DEFINITE})\b", sentence)
    if role_word:
        return attr.resolve_role_word(role_word.group("word"), registry, previous).person
    surname = re.match(rf"(?P<name>{attr.NAME_WORD})\b", sentence)
    if surname:
        candidates = registry.by_surname(surname.group("name"))
        if len(candidates) == 1:
            return candidates[0]
    return None


def _last_person_in(text: str, registry: PersonRegistry, previous: ParsedPerson | None) -> ParsedPerson | None:
    """The last person named in `text` ("Til det svarte fylkesordfører Terje Damman")."""
    best: tuple[int, ParsedPerson] | None = None
    for person in registry.people:
        for form in (person.name, person.name.split()[-1]):
            at = text.rfind(form)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, person)
    return best[1] if best else None


def _speakers(statements: list[ParsedStatement]) -> list[ParsedPerson]:
    seen: dict[str, ParsedPerson] = {}
    for s in statements:
        if s.speaker_name and s.speaker_name not in seen:
            seen[s.speaker_name] = ParsedPerson(s.speaker_name, s.party, s.role, s.organisation)
    return list(seen.values())


# --- Meetings ----------------------------------------------------------------------------

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


def _find_meeting(texts: list[str], published: date | None) -> ParsedMeeting | None:
    """A sentence opening with a weekday and naming a meeting place: "Onsdag samlet X … til møte på Y"."""
    if published is None:
        return None
    for text in texts:
        for sentence in _SENTENCE_SPLIT.split(text):
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
