"""Captions and the visible byline (author, "Publisert"/"Oppdatert"), which `trafilatura` drops."""

from __future__ import annotations

import re
from datetime import date

import lxml.html

from archive.importers.dates import find_publication_dates, parse_norwegian_date
from archive.importers.html.text import clean

_BYLINE_WORDS = re.compile(r"byline|author|forfatter|dateline|article-?meta|article-?info|published|publisert", re.I)
_CAPTION_WORDS = re.compile(r"caption|bildetekst|bilettekst|image-?text", re.IGNORECASE)
_AUTHOR_IN_BYLINE = re.compile(
    r"^(?:av|tekst|skrevet av|skrive av|tekst og foto|tekst og bilete)\s*:?\s*(?P<name>[A-ZÆØÅ][^,.|\d]{2,60})",
    re.IGNORECASE,
)


def read_captions(content: lxml.html.HtmlElement) -> dict[str, str]:
    """Image address → its caption ("… Foto: Per Lie"), for figures and captioned images."""
    out: dict[str, str] = {}
    for figure in content.iter("figure"):
        images = figure.xpath(".//img/@src")
        caption = figure.xpath(".//figcaption")
        if images and caption:
            out[str(images[0])] = clean(caption[0].text_content())
    for element in content.iter():
        if not isinstance(element.tag, str) or element.tag == "figcaption":
            continue
        parent = element.getparent()
        if _CAPTION_WORDS.search(element.get("class", "")) and parent is not None:
            images = parent.xpath(".//img/@src")
            if images and str(images[0]) not in out:
                out[str(images[0])] = clean(element.text_content())
    return {src: text for src, text in out.items() if text}


class Byline:
    """The visible byline: the lines we show, the author, and the dates it prints."""

    def __init__(self, lines: list[str], published: date | None, updated: date | None) -> None:
        self.lines = lines
        self.published = published
        self.updated = updated


def read_byline(content: lxml.html.HtmlElement) -> Byline:
    for element in content.iter():
        if not isinstance(element.tag, str) or element.tag in {"html", "body", "main", "article"}:
            continue
        names = (
            f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')} {element.get('rel', '')}"
        )
        if not _BYLINE_WORDS.search(names):
            continue
        text = clean(element.text_content())
        if not text or len(text) > 250:
            continue
        return _byline_from(text)
    return Byline([], None, None)


def _byline_from(text: str) -> Byline:
    lines: list[str] = []
    author = _AUTHOR_IN_BYLINE.match(text)
    if author:
        lines.append(f"Av: {author['name'].strip()}")
    published, updated = find_publication_dates(text)
    if published is None and updated is None:
        published = parse_norwegian_date(text)
    if published:
        lines.append(f"Publisert {published:%d.%m.%Y}")
    if updated:
        lines.append(f"Oppdatert {updated:%d.%m.%Y}")
    return Byline(lines, published, updated)
