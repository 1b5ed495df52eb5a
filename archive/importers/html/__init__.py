"""A saved web page (HTML) as a `SourceDocument`: the article's text and what the page says about it.

`trafilatura` finds the main text (title, lede, paragraphs, subheadings, lists, tables, links)
and `htmldate` the publication and update dates. Both are given the page with its site chrome
(navigation, cookie banner, breadcrumb, "Les også" boxes, site footer) already cut out,
because `htmldate` otherwise takes a footer's "Oppdatert 05/22/2015" for the article's date.
Captions and the visible byline, which `trafilatura` drops, are read from the page itself.

The text comes out in the layout the news and minutes parsers read: the title on the first
line, one block per paragraph with blank lines between, table rows as lines with their cells
separated by spaces, headings on their own lines.

Where things are: `decoding` (bytes to a tree: charset, HTML sniffing), `page` (the head's
language and address, and cutting the site chrome), `byline` (captions and the visible
byline), `text` (the main text in the parsers' layout), `dates` (publication and update).
"""

from __future__ import annotations

import hashlib

from archive.importers.errors import ImportFormatError
from archive.importers.html.byline import read_byline, read_captions
from archive.importers.html.dates import page_dates
from archive.importers.html.decoding import decode_html, parse_tree
from archive.importers.html.page import canonical_url, page_language, without_chrome
from archive.importers.html.text import flat, main_text
from archive.importers.source import SourceDocument
from archive.importers.text import normalise_text

__all__ = ["MEDIA_TYPE", "decode_html", "extract_html"]

MEDIA_TYPE = "text/html"


def extract_html(data: bytes, *, url: str | None = None) -> SourceDocument:
    """Read a saved web page; raises ImportFormatError when it is empty, binary or not HTML."""
    markup = decode_html(data)
    root = parse_tree(markup)
    warnings: list[str] = []
    canonical = url or canonical_url(root)
    content = without_chrome(root)
    captions = read_captions(content)
    byline = read_byline(content)
    blocks, meta = main_text(content, captions)
    if not blocks:
        raise ImportFormatError("the page has no readable main text")
    title = meta.get("title") or None
    if title and flat(blocks[0]) != flat(title):
        blocks.insert(0, title)
    title = title or blocks[0].split("\n")[0]
    if byline.lines:
        blocks.insert(1, "\n".join(byline.lines))
    published, published_from, updated = page_dates(content, byline, canonical, warnings)
    text = normalise_text("\n\n".join(blocks) + "\n")
    return SourceDocument(
        text=text,
        media_type=MEDIA_TYPE,
        sha256=hashlib.sha256(data).hexdigest(),
        url=canonical,
        language=page_language(root),
        title=title,
        published=published,
        published_from=published_from,
        updated=updated,
        warnings=tuple(warnings),
    )
