"""Saved web pages in: the article (or minutes) without the site around it, and what the page says about it."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from archive.importers.errors import ImportFormatError
from archive.importers.html import extract_html
from archive.importers.minutes import parse_minutes
from archive.importers.news import parse_news
from archive.importers.source import DATE_FROM_METADATA, DATE_FROM_TEXT, DATE_FROM_URL
from tests.documents import ARTICLE_URL, MINUTES_URL, article_page, minutes_page

# Text of the site's chrome: none of it may reach the archive.
CHROME = [
    "informasjonskapslar", "Godta alle", "Heim", "Utdanning", "Politikk og organisasjon", "Nyheiter ›",
    "Les også", "Ny bussrute", "Budsjettet for 2016", "Postboks 1", "Telefon", "05/22/2015", "22.05.2015",
    "Personvern", "nettredaksjonen", "Vestfjell fylkeskommune",
]  # fmt: skip


def test_article_page_keeps_the_article_and_its_provenance() -> None:
    # An archivist saved a Nynorsk county article with its whole site around it.
    data = article_page()

    # The extractor reads it.
    doc = extract_html(data)

    # The title is the first line, the visible byline follows with its date, then lede and body.
    blocks = doc.text.rstrip("\n").split("\n\n")
    assert blocks[0] == "Nytt tak på Nordby skule"
    assert blocks[1] == "Av: Ingrid Moe\nPublisert 14.03.2016"
    assert blocks[2].startswith("Fylkestinget set av fem millionar kroner")
    # The subheading is a block of its own, captions keep their photo credit or image name.
    assert "Elevane har venta lenge" in blocks
    assert "Fylkesordførar Marte Haug (H) på taket av skulen. Foto: Per Lie" in blocks
    assert "brekke.jpg\nRektor Olav Brekke i klasserommet som lek." in blocks
    # The link's text stays in its sentence.
    assert "Les meir i saksframlegget til fylkestinget." in doc.text
    # Nothing of the menu, cookie banner, breadcrumb, "Les også" box or footer is left.
    for chrome in CHROME:
        assert chrome not in doc.text, chrome
    # What the page says about itself: canonical address, language, title, dates from metadata.
    assert doc.media_type == "text/html"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.url == ARTICLE_URL
    assert doc.language == "nn"
    assert doc.title == "Nytt tak på Nordby skule"
    assert (doc.published, doc.published_from) == (date(2016, 3, 14), DATE_FROM_METADATA)
    # The article's own update date, not the footer's "Oppdatert 05/22/2015".
    assert doc.updated == date(2016, 3, 16)
    assert doc.pages == ()
    assert doc.warnings == ()


def test_article_text_is_what_the_news_parser_reads() -> None:
    # The extracted text goes to the news parser as a plain-text article would.
    article = parse_news(extract_html(article_page()).text)

    # Title, lede, subheading, captions and the date line are all recognised.
    assert article.title == "Nytt tak på Nordby skule"
    assert article.lede is not None and article.lede.startswith("Fylkestinget set av")
    assert article.subheadings == ["Elevane har venta lenge"]
    assert len(article.captions) == 2
    assert article.published_at == date(2016, 3, 14)
    assert article.language == "nn"
    # Both quotes are attributed to the right person.
    speakers = [(st.speaker_name, st.text[:20]) for st in article.statements]
    assert speakers == [("Marte Haug", "Vi kan ikkje la elev"), ("Olav Brekke", "Endeleg kan vi tenkj")]


def test_an_explicit_address_wins_and_og_url_stands_in_for_a_missing_canonical() -> None:
    # The archivist gives the address the page was saved from.
    given = extract_html(article_page(), url="https://arkiv.example.no/side/1")
    assert given.url == "https://arkiv.example.no/side/1"
    # A page without <link rel=canonical> is known by its og:url.
    assert extract_html(article_page(canonical=False)).url == "https://www.vestfjell.no/og/nytt-tak-pa-nordby-skule"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nn", "nn"),
        ("nn-NO", "nn"),
        ("nb", "nb"),
        ("nb-NO", "nb"),
        ("no", "nb"),
        ("NO-no", "nb"),
        ("en", None),
        ("", None),
    ],
)
def test_language_comes_from_the_html_lang_attribute(lang: str, expected: str | None) -> None:
    # <html lang> is mapped to Bokmål or Nynorsk; another language or none is unknown.
    assert extract_html(article_page(lang=lang)).language == expected


def test_without_metadata_the_visible_byline_dates_the_article() -> None:
    # A page with no meta tags or JSON-LD but "Publisert 14.03.2016" in its byline.
    doc = extract_html(article_page(meta_dates=False))
    assert (doc.published, doc.published_from, doc.updated) == (date(2016, 3, 14), DATE_FROM_TEXT, None)


def test_without_metadata_or_byline_the_address_dates_the_article() -> None:
    # Only the address carries a date.
    doc = extract_html(article_page(meta_dates=False, byline_date=False), url="https://www.vestfjell.no/2016/03/14/tak")
    assert (doc.published, doc.published_from) == (date(2016, 3, 14), DATE_FROM_URL)


def test_a_footer_date_never_dates_the_article() -> None:
    # No date anywhere but the site footer ("Oppdatert 05/22/2015", "Sist endret 22.05.2015").
    doc = extract_html(article_page(meta_dates=False, byline_date=False))

    # The date stays unknown rather than taking the footer's. The extractor does not warn:
    # the article text may still print a date, and the importer warns only if none is found.
    assert (doc.published, doc.published_from, doc.updated) == (None, None, None)
    assert not any("05/22/2015" in w or "2015-05-22" in w for w in doc.warnings)


def test_charsets_declared_or_not() -> None:
    # A windows-1252 page that says so.
    assert "Førde" not in extract_html(article_page(charset="windows-1252")).text  # the footer is gone …
    assert "vidaregåande" in extract_html(article_page(charset="windows-1252")).text  # … æøå decoded right
    # A page re-saved as UTF-8 that still declares windows-1252 is read as UTF-8.
    resaved = article_page().replace(b'charset="utf-8"', b'charset="windows-1252"')
    assert "vidaregåande" in extract_html(resaved).text
    # A UTF-8 byte-order mark wins over everything.
    assert "vidaregåande" in extract_html(b"\xef\xbb\xbf" + article_page()).text


def test_minutes_page_reads_as_minutes() -> None:
    # Minutes of a Formannskap meeting published as a windows-1252 web page with tables.
    doc = extract_html(minutes_page())

    # Table rows are lines with their cells separated by spaces, headings on their own lines.
    assert "Dato: 12.03.2024\nTid: kl. 10.00 - 14.30\nSted: Rådhuset, møterom Fjellet" in doc.text
    assert "Til stede\nNavn Funksjon Representerer\nKari Nordmann Ordfører Ap" in doc.text
    assert "\nPS 13/24 Kjøp av tomt til ny brannstasjon\n" in doc.text
    assert "Sist endret" not in doc.text
    assert (doc.url, doc.language, doc.title) == (MINUTES_URL, "nb", "Møteprotokoll for Formannskapet")
    # The only date the page gives about itself is in its address.
    assert (doc.published, doc.published_from) == (date(2024, 3, 12), DATE_FROM_URL)

    # The minutes parser finds the meeting in it.
    minutes = parse_minutes(doc.text)
    assert minutes.body == "Formannskapet"
    assert minutes.date == date(2024, 3, 12)
    assert str(minutes.start_time) == "10:00:00"
    assert minutes.place == "Rådhuset, møterom Fjellet"
    assert [(p.name, p.party, p.present) for p in minutes.participants] == [
        ("Kari Nordmann", "Ap", True), ("Ola Berg", "H", True), ("Siri Lund", "Sp", True),
        ("Jonas Aas", "SV", True), ("Per Strand", "FrP", False),
    ]  # fmt: skip
    assert [(i.number, i.title) for i in minutes.agenda_items] == [
        ("12/24", "Godkjenning av protokoll fra forrige møte"),
        ("13/24", "Kjøp av tomt til ny brannstasjon"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        (b"Just a line of plain text, no markup.\n", "no HTML markup"),
        (
            b"<html><head><title>x</title></head><body><nav><a href='/'>Heim</a></nav></body></html>",
            "no readable main text",
        ),
    ],
)
def test_what_is_not_a_web_page_fails_with_its_reason(data: bytes, reason: str) -> None:
    # Empty, binary, markup-free or content-free input is refused with a clear reason.
    with pytest.raises(ImportFormatError, match=reason):
        extract_html(data)
