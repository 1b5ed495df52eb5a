"""A PDF (minutes, agreements, statutes) as a `SourceDocument`: its text page by page.

`pdfplumber` gives the text lines of each page with their positions. From them we keep the
text an archivist reads: running headers and footers that repeat on most pages and bare page
numbers ("Side 3 av 12", "- 3 -") are removed, a word split over a line break ("sam-" /
"arbeid") is joined, a vertical gap wider than the usual line spacing becomes a blank line
between paragraphs, and `pages` records where each page starts so every agenda item can be
given the page it is on (`agenda_pages`).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pdfplumber

from archive.importers.errors import ImportFormatError
from archive.importers.source import PageBreak, SourceDocument
from archive.importers.text import normalise_text

MEDIA_TYPE = "application/pdf"
NO_TEXT_LAYER = "the PDF has no text layer (scanned image); OCR it first"

# Lines this close to a page's top or bottom edge (counted in lines) may be running heads.
_EDGE_LINES = 3
# A line counts as a running head or foot when it recurs at the edge of this share of pages.
_REPEAT_SHARE = 0.6
# "3", "- 3 -", "Side 3 av 12", "side 3/12", "Page 3 of 12", "s. 3": page numbers.
_PAGE_NUMBER = re.compile(
    r"^(?:(?:side|sida|s\.|page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:av|of|/|frå|fra)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_LOWER = "a-zæøåäöüéèáàóòôêç"
# "sam-" at a line's end before "arbeid": a word split by hyphenation.
_SPLIT_WORD = re.compile(rf"[{_LOWER}]-$")
_LOWER_START = re.compile(rf"^[{_LOWER}]")
# "Nord-" before "Fron", "Riis-" before "Johansen": a real hyphen that happens to end the line.
_HYPHEN_BEFORE_NAME = re.compile(rf"[{_LOWER}A-ZÆØÅ]-$")
_UPPER_START = re.compile(r"^[A-ZÆØÅ]")
# Glyphs pdfminer could not map to characters come out as "(cid:123)".
_CID = re.compile(r"\(cid:\d+\)")
_AGENDA_PREFIX = r"(?:(?:[A-Za-zÆØÅæøå]{1,6}-)?(?:sak|ps|rs|os|ds|styresak|saksnr\.?)\s*)?"


@dataclass(frozen=True)
class _Line:
    text: str
    top: float
    bottom: float


def extract_pdf(data: bytes) -> SourceDocument:
    """Read a PDF's text layer; raises ImportFormatError for garbage, encrypted or scanned PDFs."""
    if not data.strip():
        raise ImportFormatError("empty file", 1)
    if b"%PDF-" not in data[:1024]:
        raise ImportFormatError("not a PDF (no %PDF- header)")
    pages, title, language = _read_pages(data)
    if not any(line.text.strip() for page in pages for line in page):
        raise ImportFormatError(NO_TEXT_LAYER)
    raw = "".join(line.text for page in pages for line in page)
    if len(_CID.findall(raw)) * 6 > 0.3 * len(raw):
        raise ImportFormatError("the PDF's text cannot be decoded (fonts without a character map); OCR it first")
    warnings = [f"page {n} has no text layer (scanned image?)" for n, page in enumerate(pages, 1) if not page]
    pages = _strip_running_lines(pages)
    spacing = _Spacing.of(pages)
    text_parts: list[str] = []
    breaks: list[PageBreak] = []
    offset = 0
    for number, lines in enumerate(pages, 1):
        page_text = _page_text(lines, spacing)
        breaks.append(PageBreak(offset, number))
        text_parts.append(page_text)
        offset += len(page_text) + 2  # the blank line between pages
    text = "\n\n".join(text_parts)
    if not text.strip():
        raise ImportFormatError(NO_TEXT_LAYER)
    # normalise_text keeps offsets: the text is already NFC with "\n" newlines (checked below).
    normalised = normalise_text(text)
    if normalised != text:
        raise ImportFormatError("the PDF's text could not be normalised without moving page offsets")
    return SourceDocument(
        text=text,
        media_type=MEDIA_TYPE,
        sha256=hashlib.sha256(data).hexdigest(),
        language=language,
        title=title,
        pages=tuple(breaks),
        warnings=tuple(warnings),
    )


def agenda_pages(document: SourceDocument, numbers: Iterable[str]) -> dict[str, int]:
    """The page each agenda item is treated on: its number's last heading ("Sak 12/16 …") in the text.

    The sakliste on the first page lists every item; the treatment that follows it is the
    item's own place, so the last line starting with the number wins. A number only cited
    inside a sentence ("etter sak 91/16") does not start a line and is not counted.
    """
    out: dict[str, int] = {}
    for number in numbers:
        heading = re.compile(rf"(?im)^[ \t]*{_AGENDA_PREFIX}{re.escape(number)}(?![\d/])")
        last = None
        for match in heading.finditer(document.text):
            last = match
        if last is not None:
            page = document.page_at(last.start())
            if page is not None:
                out[number] = page
    return out


# --- Reading ------------------------------------------------------------------------------


def _read_pages(data: bytes) -> tuple[list[list[_Line]], str | None, str | None]:
    """Every page's text lines, the document title and language from its metadata."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
            title = _metadata_title(pdf.metadata)
            language = _catalog_language(pdf)
    except ImportFormatError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        raise ImportFormatError(f"unreadable PDF: {_reason(exc)}") from None
    if not pages:
        raise ImportFormatError("unreadable PDF: it has no pages")
    return pages, title, language


def _page_lines(page: Any) -> list[_Line]:
    lines = page.extract_text_lines(strip=True, return_chars=False)
    return [
        _Line(_clean(str(line["text"])), float(line["top"]), float(line["bottom"]))
        for line in lines
        if _clean(str(line["text"]))
    ]


def _reason(exc: Exception) -> str:
    name = type(exc).__name__
    detail = str(exc).strip()
    if re.search(r"password|encrypt", f"{name} {detail}", re.IGNORECASE):
        return "it is encrypted (password protected); save an unprotected copy first"
    if "No /Root object" in detail or name in {"PSEOF", "PDFSyntaxError", "PdfminerException"}:
        return f"the file is damaged or not a PDF ({detail or name})"
    return f"{name}: {detail}" if detail else name


def _metadata_title(metadata: dict[str, Any]) -> str | None:
    value = metadata.get("Title")
    if isinstance(value, bytes):
        value = value.decode("utf-16") if value.startswith(b"\xfe\xff") else value.decode("latin-1")
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    # Word processors and PDF libraries fill in file names or "untitled": not a title.
    if not value or re.search(r"\.(?:docx?|odt|rtf|pdf)$|^microsoft word|^(?:untitled|uten tittel)$", value, re.I):
        return None
    return value


def _catalog_language(pdf: Any) -> str | None:
    try:
        value = pdf.doc.catalog.get("Lang")
    except Exception:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    primary = re.split(r"[-_]", value.strip().lower())[0]
    return {"nb": "nb", "no": "nb", "nob": "nb", "nn": "nn", "nno": "nn"}.get(primary)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


# --- Running heads and feet ---------------------------------------------------------------


def _shape(text: str) -> str:
    """A line with its numbers blanked: "Side 3 av 12" and "Side 4 av 12" have one shape."""
    return re.sub(r"\d+", "#", text.casefold())


def _strip_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(line.text) for line in _edges(lines)})
    threshold = max(2, math.ceil(_REPEAT_SHARE * len(pages)))
    running = {shape for shape, count in counts.items() if count >= threshold} if len(pages) >= 2 else set()
    out = []
    for lines in pages:
        edge_ids = {id(line) for line in _edges(lines)}
        out.append(
            [
                line for line in lines
                if id(line) not in edge_ids
                or (_shape(line.text) not in running and not _PAGE_NUMBER.match(line.text))
            ]
        )  # fmt: skip
    return out


def _edges(lines: list[_Line]) -> list[_Line]:
    if len(lines) <= 2 * _EDGE_LINES:
        return list(lines)
    return lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]


# --- One page's text ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Spacing:
    """The document's usual line gap and line height: a wider gap ends a paragraph."""

    paragraph_gap: float

    @classmethod
    def of(cls, pages: list[list[_Line]]) -> _Spacing:
        gaps: list[float] = []
        heights: list[float] = []
        for lines in pages:
            gaps += [round(b.top - a.bottom, 1) for a, b in zip(lines, lines[1:], strict=False) if b.top > a.bottom]
            heights += [line.bottom - line.top for line in lines]
        # The most common gap is the one between lines of a paragraph (the lowest on a tie).
        counted = Counter(gaps).most_common()
        usual = min(gap for gap, count in counted if count == counted[0][1]) if counted else 0.0
        height = statistics.median(heights) if heights else 0.0
        return cls(usual + 0.5 * height)


def _page_text(lines: list[_Line], spacing: _Spacing) -> str:
    """Lines with blank lines at paragraph gaps and hyphenated words joined."""
    if not lines:
        return ""
    out: list[str] = [lines[0].text]
    for previous, line in zip(lines, lines[1:], strict=False):
        gap = line.top - previous.bottom
        last = out[-1]
        if _SPLIT_WORD.search(last) and _LOWER_START.match(line.text):
            out[-1] = last[:-1] + line.text  # "sam-" + "arbeid": one word again
            continue
        if _HYPHEN_BEFORE_NAME.search(last) and _UPPER_START.match(line.text):
            out[-1] = last + line.text  # "Nord-" + "Fron": the hyphen is part of the name
            continue
        if gap > spacing.paragraph_gap:
            out.append("")
        out.append(line.text)
    return "\n".join(out)
