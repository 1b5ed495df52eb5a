"""The small rules behind `protokoll import`'s front door: dates in addresses, what is a document,
which extractor reads which bytes, and undated news in the domain."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archive.domain import NewsUpdate
from archive.exceptions import InvalidCommand
from archive.importers.dates import url_date
from archive.importers.discover import skip_reason
from archive.importers.source import media_type_of
from archive.importers.text import extract_text


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.eksempel.no/nyheter/2019/03/12/ny-bru/", date(2019, 3, 12)),
        ("https://www.eksempel.no/aktuelt/2019-03-12-ny-bru", date(2019, 3, 12)),
        ("https://www.eksempel.no/arkiv/nyhet_20190312_bru.html", date(2019, 3, 12)),
        # A year and month are no day; an id that merely has digits is no date.
        ("https://www.statsforvalteren.no/nb/Trondelag/Nyheter/2022/05/kommunebesok/", None),
        ("https://www.sfj.no/vekst-i-utfordrande-aar.5934444-345564.html", None),
        ("https://www.eksempel.no/2019/13/45/", None),
        # The host is not read.
        ("https://2019-03-12.eksempel.no/nyhet", None),
        (None, None),
    ],
)
def test_a_whole_date_in_the_address_is_evidence_and_nothing_less_is(url: str | None, expected: date | None) -> None:
    assert url_date(url) == expected


@pytest.mark.parametrize(
    "relative, skipped",
    [
        ("01-artikkel.txt", False),
        ("undermappe/protokoll.pdf", False),
        ("side.html", False),
        ("poster.jsonl", False),
        ("notat.md", False),
        ("README.md", True),
        ("LICENCE.txt", True),
        ("expected/01-artikkel.json", True),
        ("expected/01-artikkel.txt", True),
        ("verify.py", True),
        ("data.json", True),
        (".skjult.txt", True),
        (".git/HEAD", True),
        ("bilde.jpg", True),
    ],
)
def test_what_in_a_folder_is_a_document(relative: str, skipped: bool) -> None:
    reason = skip_reason(Path(relative))
    assert (reason is not None) == skipped, reason


def test_magic_bytes_decide_the_extractor_before_the_suffix() -> None:
    assert media_type_of(b"%PDF-1.7\n...", "protokoll.txt") == "application/pdf"
    assert media_type_of(b"\xef\xbb\xbf  <!DOCTYPE html><html>", "side.txt") == "text/html"
    assert media_type_of(b"<HTML><body>", "x") == "text/html"
    assert media_type_of(b"Overskrift\n\nTekst", "lagret.htm") == "text/html"
    assert media_type_of(b"Overskrift\n\nTekst", "notat.txt") == "text/plain"


def test_the_corpus_header_gives_the_url_and_language_and_is_not_part_of_the_text() -> None:
    data = b"source: https://www.eksempel.no/a\nlicence: NLOD\nlanguage: nn\n---\nTittel\n\nTekst.\n"
    doc = extract_text(data)
    assert (doc.url, doc.language, doc.media_type) == ("https://www.eksempel.no/a", "nn", "text/plain")
    assert doc.text.startswith("Tittel") and len(doc.sha256) == 64


def _news(published_at: str | None, date_source: str | None = None, updated_at: str | None = None) -> NewsUpdate:
    return NewsUpdate(
        key="k", reference="2020/0001", title="Tittel", lede=None, paragraphs=["Tekst."],
        published_at=published_at, updated_at=updated_at, date_source=date_source, recorded_by="test",
    )  # fmt: skip


def test_undated_news_has_no_date_no_valid_time_and_says_so() -> None:
    news = _news(None, date_source="url")
    # No date, so no source of one, and the reader is told the date is unknown.
    assert news.published_at is None and news.date_source is None and news.valid_from() is None
    assert news.view()["date_note"] == "dato ukjent"
    # A later update of unknown date leaves the valid time unknown; a dated one starts it.
    news.update(updated_at=None, recorded_by="test", paragraphs=["Ny tekst."])
    assert news.valid_from() is None
    news.update(updated_at="2021-02-03", recorded_by="test", paragraphs=["Nyere tekst."])
    assert news.valid_from() == "2021-02-03"


def test_the_first_version_is_valid_from_publication_even_if_the_copy_says_oppdatert() -> None:
    news = _news("2016-02-11", "text", updated_at="2016-09-27")
    assert news.valid_from() == "2016-02-11" and news.view()["date_note"] is None
    news.update(updated_at="2016-10-03", recorded_by="test", title="Ny tittel")
    assert news.valid_from() == "2016-10-03"
    with pytest.raises(InvalidCommand):
        news.update(updated_at="2016-01-01", recorded_by="test", title="Eldre")
    # A date an archivist sets by correction is labelled as theirs.
    news.correct(changes={"published_at": "2016-02-10"}, reason="Feil dato", recorded_by="arkivar")
    assert news.date_source == "operator" and news.view()["date_note"] == "dato oppgitt av arkivar"


def test_an_unknown_date_source_is_refused() -> None:
    with pytest.raises(InvalidCommand):
        _news("2020-01-01", "gjetning")
