"""What an importer knows about one input document before any parser reads it.

Every input form (plain text, a corpus-style header file, a saved web page, a PDF) is
turned into a `SourceDocument`: the text the news and minutes parsers read, plus what the
container itself says (URL, language, title, dates with where each came from) and the
provenance (SHA-256 of the raw bytes). Extractors live in their own modules
(`archive.importers.html`, `archive.importers.pdf`); `read_source` picks one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Where a date came from, as shown to the reader ("dato fra nettadresse" …).
DATE_FROM_TEXT = "text"  # a "Publisert …" line or byline in the text itself
DATE_FROM_METADATA = "metadata"  # the page's own metadata (meta tags, JSON-LD, <time>)
DATE_FROM_URL = "url"  # a date in the page's address
DATE_FROM_OPERATOR = "operator"  # given by the archivist (--published-at)


@dataclass(frozen=True)
class PageBreak:
    """The text from `offset` on (a character offset into `SourceDocument.text`) is on `page`."""

    offset: int
    page: int


@dataclass(frozen=True)
class SourceDocument:
    """One input document as text plus what its container says about it."""

    text: str  # plain text, blocks separated by blank lines; for news the title is the first line
    media_type: str  # "text/plain" | "text/html" | "application/pdf"
    sha256: str  # of the raw bytes as received
    url: str | None = None  # canonical URL (<link rel=canonical>, og:url, corpus `source:` header)
    language: str | None = None  # "nb" | "nn" when the container states it
    title: str | None = None  # the container's own title, when it has one
    published: date | None = None
    published_from: str | None = None  # one of the DATE_FROM_* values
    updated: date | None = None
    pages: tuple[PageBreak, ...] = ()  # for PDFs: where each page starts in `text`
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def page_at(self, offset: int) -> int | None:
        """The page number the character at `offset` is on, or None for unpaged sources."""
        page = None
        for brk in self.pages:
            if brk.offset > offset:
                break
            page = brk.page
        return page


HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})


def media_type_of(data: bytes, name: str) -> str:
    """What the bytes are: the magic bytes decide, then the file name's suffix."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix in PDF_SUFFIXES:
        return "application/pdf"
    if suffix in HTML_SUFFIXES:
        return "text/html"
    return "text/plain"


def read_source(data: bytes, name: str) -> SourceDocument:
    """Turn one input's bytes into a `SourceDocument` with the extractor its form needs.

    The HTML and PDF extractors (and their libraries) are imported only when such a file
    comes, so importing plain text never pays for them.
    """
    media_type = media_type_of(data, name)
    if media_type == "application/pdf":
        from archive.importers.pdf import extract_pdf

        return extract_pdf(data)
    if media_type == "text/html":
        from archive.importers.html import extract_html

        return extract_html(data)
    from archive.importers.text import extract_text

    return extract_text(data)
