"""The main text in the layout the parsers read: one block per paragraph, table rows as lines, headings alone."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import lxml.etree as etree
import lxml.html
import trafilatura

_IMAGE_NAME = re.compile(r"[^/?#]+\.(?:jpe?g|png|gif|webp|tiff?)$", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def main_text(content: lxml.html.HtmlElement, captions: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Blocks of the main text (trafilatura's XML turned into our layout) and its metadata."""
    result: str | None = None
    for recall in (False, True):
        result = trafilatura.extract(
            copy.deepcopy(content),
            output_format="xml",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
            favor_recall=recall,
            deduplicate=False,
        )
        if result:
            break
    if not result:
        return [], {}
    doc = etree.fromstring(result.encode("utf-8"))
    meta = {key: clean(value) for key, value in doc.attrib.items()}
    main = doc.find("main")
    blocks = _glue_headings(list(_blocks(main if main is not None else doc, captions)))
    unplaced = [text for src, text in captions.items() if not any(text in block for block in blocks)]
    # Captions trafilatura did not place go after the lede, where pages usually put the top image.
    for offset, caption in enumerate(unplaced):
        blocks.insert(min(2, len(blocks)) + offset, caption)
    return [block for block in blocks if block.strip()], meta


def _glue_headings(blocks: list[tuple[str, str]]) -> list[str]:
    """A heading directly over a table or list heads it ("Til stede" over the members): one block.

    The minutes parser reads a section label with its rows below it; a news subheading over
    running text stays a block of its own, as the news parser expects.
    """
    out: list[str] = []
    previous = ""
    for tag, text in blocks:
        if tag in {"list", "table"} and previous == "head" and out:
            out[-1] = f"{out[-1]}\n{text}"
        else:
            out.append(text)
        previous = tag
    return out


def _blocks(parent: etree._Element, captions: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(kind, text) for each block of trafilatura's XML, in order."""
    for element in parent:
        tag = element.tag
        if tag in {"head", "p", "quote", "code"}:
            text = _lines(_inline(element))
            if text:
                kind = "p" if tag != "head" else "title" if element.get("rend") == "h1" else "head"
            yield kind, text
        elif tag == "list":
            items = [_lines(_inline(item)) for item in element.iter("item")]
            yield "list", "\n".join(item for item in items if item)
        elif tag == "table":
            # Cells separated by a space, as PDF text extraction prints table rows.
            rows = [" ".join(clean(_inline(cell)) for cell in row.findall("cell")) for row in element.iter("row")]
            yield "table", "\n".join(row.strip() for row in rows if row.strip())
        elif tag == "graphic":
            caption = _caption_block(element.get("src") or "", captions)
            if caption:
                yield "caption", caption
        elif tag in {"div", "main"}:
            yield from _blocks(element, captions)


def _caption_block(src: str, captions: dict[str, str]) -> str | None:
    """A caption as the news parser knows one: with its photo credit, or after the image's file name."""
    caption = captions.get(src)
    if caption is None:
        return None
    if re.search(r"\b(?:foto|bilete|bilde|illustrasjon|photo)\s*:", caption, re.IGNORECASE):
        return caption
    name = _IMAGE_NAME.search(urlsplit(src).path)
    return f"{name.group(0)}\n{caption}" if name else caption


def _inline(element: etree._Element) -> str:
    """An element's text with line breaks (<lb/>) kept and everything else run together."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag == "graphic":
            pass
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lines(text: str) -> str:
    return "\n".join(line for line in (clean(part) for part in text.split("\n")) if line)


def clean(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()
