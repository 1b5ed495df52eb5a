"""PDFs in: each page's text without running heads, feet and page numbers, words joined, pages known."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest

from archive.importers.errors import ImportFormatError
from archive.importers.minutes import parse_minutes
from archive.importers.pdf import NO_TEXT_LAYER, agenda_pages, extract_pdf
from tests.documents import (
    MINUTES_FOOTER,
    MINUTES_HEADER,
    MINUTES_LINES,
    PdfLayout,
    encrypted_pdf,
    minutes_pdf,
    scanned_pdf,
)


def test_minutes_pdf_text_without_running_heads_and_page_numbers() -> None:
    # A three-page minutes PDF with a running header, footer and "Side n av 3" on every page.
    data = minutes_pdf()

    # The extractor reads it.
    doc = extract_pdf(data)

    # Header, footer and page numbers are gone; the first line is the document's own.
    assert MINUTES_HEADER not in doc.text and MINUTES_FOOTER not in doc.text
    assert not re.search(r"Side \d av \d", doc.text)
    assert doc.text.startswith("Møteprotokoll\n\nUtvalg: Regionrådet\n")
    # Hyphenated words are joined, real hyphens in names kept.
    assert "styrke samarbeidet om kollektivtrafikken mellom Sør-Fron og Nord-Fron fra høsten 2016." in doc.text
    assert "sam-" not in doc.text and "kollektiv-" not in doc.text
    assert "Anne Riis-Johansen Leder Sp" in doc.text
    # Paragraphs stay apart: a blank line at each wider gap, none inside a list.
    assert "Vedtak:\nEnstemmig vedtatt.\n\nSak 13/16" in doc.text
    assert "Navn Funksjon Representerer\nAnne Riis-Johansen Leder Sp\nPer Kvam Medlem Ap" in doc.text
    # Every page's start is known, and each case heading is on the page it was printed on.
    assert [b.page for b in doc.pages] == [1, 2, 3]
    assert doc.page_at(doc.text.index("Saksliste")) == 1
    assert doc.page_at(doc.text.index("Innkalling og saksliste godkjennes.")) == 2
    assert doc.page_at(doc.text.index("Budsjettet vedtas som fremlagt.")) == 3
    # What the file says about itself: its hash, type and title; no address, language or dates.
    assert doc.media_type == "application/pdf"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.title == "Møteprotokoll Regionrådet 14.03.2016"
    assert (doc.url, doc.language, doc.published, doc.published_from, doc.updated) == (None, None, None, None, None)
    assert doc.warnings == ()


def test_minutes_pdf_reads_as_minutes_with_agenda_pages() -> None:
    # The extracted text goes to the minutes parser.
    doc = extract_pdf(minutes_pdf())
    minutes = parse_minutes(doc.text)

    # Body, date, time, place, members and cases are found.
    assert (minutes.body, minutes.date, minutes.place) == ("Regionrådet", date(2016, 3, 14), "Kulturhuset, Vinstra")
    assert str(minutes.start_time) == "09:00:00"
    assert [p.name for p in minutes.participants] == ["Anne Riis-Johansen", "Per Kvam", "Lise Moen"]
    numbers = [i.number for i in minutes.agenda_items]
    assert numbers == ["12/16", "13/16", "14/16"]
    assert minutes.agenda_items[1].title == "Regionalt samarbeid om kollektivtrafikk"

    # Each case is given the page it is treated on, not the sakliste's page.
    assert agenda_pages(doc, numbers) == {"12/16": 2, "13/16": 2, "14/16": 3}


@pytest.mark.parametrize("style", ["- {n} -", "{n}", "Side {n}", "{n}/{total}", "Page {n} of {total}"])
def test_page_numbers_in_other_styles_are_removed(style: str) -> None:
    # The same minutes numbered in another style, without header or footer.
    doc = extract_pdf(minutes_pdf(layout=PdfLayout(header=None, footer=None, page_numbers=style, title=None)))

    # No page number is left at a page's end, and nothing else is lost.
    for page in ("1", "2", "3"):
        assert style.format(n=page, total=3) not in doc.text.split("\n")
    assert doc.text.rstrip().endswith("Vedtak:\nEnstemmig vedtatt.")
    assert doc.title is None


def test_a_single_page_keeps_its_header_but_not_its_page_number() -> None:
    # One page: a header line cannot be told from the document's first line, so it stays.
    lines = MINUTES_LINES[: MINUTES_LINES.index("<<page>>")]
    doc = extract_pdf(minutes_pdf(lines=lines))
    assert doc.text.startswith(MINUTES_HEADER)
    assert "Side 1 av 1" not in doc.text
    assert [b.page for b in doc.pages] == [1]


def test_a_scanned_pdf_asks_for_ocr() -> None:
    # Pages that are only pictures have no text to archive.
    with pytest.raises(ImportFormatError) as raised:
        extract_pdf(scanned_pdf())
    assert raised.value.message == NO_TEXT_LAYER == "the PDF has no text layer (scanned image); OCR it first"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"Hello, this is text\n", r"not a PDF \(no %PDF- header\)"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 20, "unreadable PDF: the file is damaged or not a PDF"),
        (minutes_pdf()[:2500], "unreadable PDF: the file is damaged or not a PDF"),
        (encrypted_pdf(), r"unreadable PDF: it is encrypted \(password protected\)"),
    ],
    ids=["empty", "text", "garbage", "truncated", "encrypted"],
)
def test_unreadable_pdfs_fail_with_their_reason(data: bytes, reason: str) -> None:
    # Garbage, a cut-off download or a password-protected file is refused with the reason.
    with pytest.raises(ImportFormatError, match=reason):
        extract_pdf(data)
