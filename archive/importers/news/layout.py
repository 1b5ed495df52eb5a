"""The page layout of a news article: which line is title, lede, date, caption, link or chrome.

The text is one line per HTML block with blank lines between some of them; each non-empty line
becomes a `Unit` whose `kind` the functions here set. Whatever is left a "paragraph" is body text,
where news.speakers looks for quoted speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archive.importers import attribution as attr
from archive.importers.dates import find_publication_dates, parse_norwegian_date
from archive.importers.news.marks import CLOSE_QUOTES, DASH, DASH_START, OPEN_QUOTES, TERMINAL, has_speech, valid_clause
from archive.importers.news.parsed import CitedDocument

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


@dataclass
class Unit:
    """One non-empty line and what it is; `block` counts blank-line-separated groups."""

    text: str
    line: int
    block: int
    kind: str = "paragraph"


def block_positions(units: list[Unit]) -> list[dict[str, object]]:
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


def article_dates(units: list[Unit]) -> tuple[date | None, date | None]:
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


def stamped_date(units: list[Unit]) -> date | None:
    """An unlabelled date stamp near the top ("07.12.2016 09:12") is the publication date."""
    for unit in units[:8]:
        if unit.kind == "meta" and _DATE_ONLY.match(unit.text):
            found = parse_norwegian_date(unit.text)
            if found is not None:
                return found
    return None


def page_units(body: str, header_lines: int) -> list[Unit]:
    units: list[Unit] = []
    block = 0
    for number, raw in enumerate(body.split("\n"), start=header_lines + 1):
        line = raw.strip()
        if not line:
            block += 1
            continue
        units.append(Unit(line, number, block))
    return units


def take_title(units: list[Unit], warnings: list[str]) -> str | None:
    """Line 1 is the title unless it reads like body text (some pages have no title)."""
    if not units:
        return None
    first = units[0].text
    body_like = len(first) > 200 or (first.endswith(".") and len(first) > 60)
    body_like = body_like or (bool(DASH_START.match(first)) and attr.CLAUSE.search(first) is not None)
    if body_like:
        warnings.append("no title: the first line reads like body text")
        return None
    units[0].kind = "title"
    return first


def classify(units: list[Unit]) -> None:
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
        if _CONTACT_DETAIL.search(text) and len(text) < 80 and not has_speech(text):
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
            if not DASH_START.match(text):
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


def _is_list_item(units: list[Unit], index: int) -> bool:
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
    dash = DASH_START.match(text)
    if not dash:
        return False
    rest = text[dash.end() :].strip()
    return len(rest.split()) <= 10 and rest[-1:] not in "!?…" and attr.CLAUSE.search(rest) is None


def _is_photo_block_line(units: list[Unit], index: int) -> bool:
    """A block with a photo credit is a caption block up to and including the credit line."""
    unit = units[index]
    same_block = [u for u in units[index:] if u.block == unit.block]
    return any(_PHOTO_CREDIT.search(u.text) for u in same_block) and not DASH_START.match(unit.text)


def _is_name_caption(units: list[Unit], index: int) -> bool:
    """A name alone on a line, with the next line of its block naming them, is a photo caption."""
    unit = units[index]
    following = units[index + 1] if index + 1 < len(units) else None
    if not attr.NAME_ONLY_LINE.match(unit.text) or following is None:
        return False
    if following.block != unit.block or unit.text not in following.text:
        return False
    unit.kind = following.kind = "caption"
    return True


def _is_subheading(units: list[Unit], index: int) -> bool:
    """Short, alone in its block, no sentence punctuation: a crosshead (also "- Quote" ones)."""
    unit = units[index]
    text = unit.text
    alone = all(u.block != unit.block for u in units[:index] + units[index + 1 :])
    if not alone or len(text) > 90 or len(text.split()) > 12:
        return False
    if text.rstrip(CLOSE_QUOTES)[-1:] in TERMINAL or text.endswith(","):
        return False  # "… nokre år.»" closes a quote; headings end without a full stop
    if index == len(units) - 1:
        # The last line of a cut page may be a cut paragraph, not a heading.
        return False
    return attr.CLAUSE.search(text) is None


def take_lede(units: list[Unit]) -> tuple[str | None, str | None]:
    """The first body line, if narrative, is the lede; "Kicker: rest" splits off the kicker."""
    for unit in units:
        if unit.kind in {"title", "meta", "chrome", "caption", "byline"}:
            continue
        if unit.kind != "paragraph" or DASH_START.match(unit.text) or has_speech(unit.text):
            return None, None
        unit.kind = "lede"
        match = _KICKER.match(unit.text)
        if match and len(match.group("kicker").split()) <= 6:
            return match.group("kicker").strip(), match.group("rest").strip()
        return None, unit.text
    return None, None


def related_title(text: str) -> str:
    match = _RELATED.match(text)
    rest = match.group("rest") if match else text
    rest = DASH_START.sub("", rest.strip()).strip()
    # "Les hele fylkesordførerens svar her." names no title after a colon: keep the line.
    return rest if ":" in text else text.strip()


def cited_documents(units: list[Unit]) -> list[CitedDocument]:
    """A paragraph wholly in «…» followed by a short source line is a quoted document."""
    found: list[CitedDocument] = []
    for index, unit in enumerate(units[:-1]):
        text = unit.text
        if unit.kind != "paragraph" or text[:1] not in OPEN_QUOTES:
            continue
        if text.rstrip(".").rstrip()[-1:] not in CLOSE_QUOTES:
            continue
        source_unit = units[index + 1]
        source_line = source_unit.text
        if source_unit.kind not in {"paragraph", "subheading"} or len(source_line) > 100:
            continue
        if source_line[-1:] in "!?" or DASH_START.match(source_line) or has_speech(source_line):
            continue
        if any(valid_clause(m) for m in attr.CLAUSE.finditer(text)) or re.search(rf"[:.]\s+[{DASH}]\s", source_line):
            continue  # speech with its clause inside the marks, or a next line that quotes someone
        kind, _, title = source_line.rstrip(".").partition(",")
        quoted = text.rstrip(".").strip()[1:-1].strip()
        if title.strip():
            found.append(CitedDocument(quoted, title.strip(), kind.strip()))
        else:
            found.append(CitedDocument(quoted, kind.strip(), None))
        unit.kind, source_unit.kind = "cited", "doc_source"
    return found
