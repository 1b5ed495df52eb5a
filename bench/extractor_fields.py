"""Fields right on the generated web pages and PDFs of tests/documents.py (run on demand, not a test).

    .venv/bin/python bench/extractor_fields.py [--verbose]

For each variant (article pages with and without metadata, byline date, canonical link, in
several languages and charsets; the minutes page; minutes PDFs with several page-number
styles) it compares every `SourceDocument` field, and what the news/minutes parsers then read
from the text, with what the generator put in, and prints the share right.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.importers.html import extract_html  # noqa: E402
from archive.importers.minutes import parse_minutes  # noqa: E402
from archive.importers.news import parse_news  # noqa: E402
from archive.importers.pdf import agenda_pages, extract_pdf  # noqa: E402
from tests.documents import (  # noqa: E402
    ARTICLE_URL,
    MINUTES_FOOTER,
    MINUTES_HEADER,
    MINUTES_URL,
    PdfLayout,
    article_page,
    minutes_page,
    minutes_pdf,
)

Check = tuple[str, Callable[[], Any], Any]
CHROME = ("informasjonskapslar", "Les også", "Ny bussrute", "Postboks", "05/22/2015", "22.05.2015", "Godta alle")


def article_checks(name: str, kwargs: dict[str, Any], url: str | None, want: dict[str, Any]) -> list[Check]:
    doc = extract_html(article_page(**kwargs), url=url)
    article = parse_news(doc.text)
    return [
        ("title", lambda: doc.title, "Nytt tak på Nordby skule"),
        ("text title line", lambda: doc.text.split("\n")[0], "Nytt tak på Nordby skule"),
        ("url", lambda: doc.url, want["url"]),
        ("language", lambda: doc.language, want["language"]),
        ("published", lambda: doc.published, want["published"]),
        ("published_from", lambda: doc.published_from, want["published_from"]),
        ("updated", lambda: doc.updated, want["updated"]),
        ("no chrome", lambda: [c for c in CHROME if c in doc.text], []),
        ("lede", lambda: (article.lede or "")[:12], "Fylkestinget"),
        ("subheadings", lambda: article.subheadings, ["Elevane har venta lenge"]),
        ("captions", lambda: len(article.captions), 2),
        ("link text", lambda: "saksframlegget til fylkestinget" in doc.text, True),
        ("byline author", lambda: "Av: Ingrid Moe" in doc.text, True),
        ("speakers", lambda: [s.speaker_name for s in article.statements], ["Marte Haug", "Olav Brekke"]),
    ]


def minutes_page_checks() -> list[Check]:
    doc = extract_html(minutes_page())
    minutes = parse_minutes(doc.text)
    return [
        ("url", lambda: doc.url, MINUTES_URL),
        ("language", lambda: doc.language, "nb"),
        ("title", lambda: doc.title, "Møteprotokoll for Formannskapet"),
        ("date", lambda: minutes.date, date(2024, 3, 12)),
        ("start", lambda: str(minutes.start_time), "10:00:00"),
        ("place", lambda: minutes.place, "Rådhuset, møterom Fjellet"),
        ("participants", lambda: len(minutes.participants), 5),
        ("agenda numbers", lambda: [i.number for i in minutes.agenda_items], ["12/24", "13/24"]),
    ]


def pdf_checks(layout: PdfLayout) -> list[Check]:
    doc = extract_pdf(minutes_pdf(layout=layout))
    minutes = parse_minutes(doc.text)
    numbers = [i.number for i in minutes.agenda_items]
    return [
        ("title", lambda: doc.title, layout.title),
        ("pages", lambda: [b.page for b in doc.pages], [1, 2, 3]),
        ("no header/footer", lambda: MINUTES_HEADER in doc.text or MINUTES_FOOTER in doc.text, False),
        ("no page numbers", lambda: doc.text.rstrip().endswith("Enstemmig vedtatt."), True),
        ("hyphenation joined", lambda: "samarbeidet om kollektivtrafikken" in doc.text, True),
        ("real hyphens kept", lambda: "Nord-Fron" in doc.text and "Riis-Johansen" in doc.text, True),
        ("date", lambda: minutes.date, date(2016, 3, 14)),
        ("place", lambda: minutes.place, "Kulturhuset, Vinstra"),
        ("agenda numbers", lambda: numbers, ["12/16", "13/16", "14/16"]),
        ("agenda pages", lambda: agenda_pages(doc, numbers), {"12/16": 2, "13/16": 2, "14/16": 3}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    verbose = parser.parse_args().verbose
    meta = {"url": ARTICLE_URL, "language": "nn", "published": date(2016, 3, 14), "published_from": "metadata",
            "updated": date(2016, 3, 16)}  # fmt: skip
    variants: list[tuple[str, list[Check]]] = [
        ("article, full metadata", article_checks("full", {}, None, meta)),
        (
            "article, lang nb-NO, cp1252",
            article_checks("nb", {"lang": "nb-NO", "charset": "windows-1252"}, None, {**meta, "language": "nb"}),
        ),
        (
            "article, no canonical, no lang",
            article_checks(
                "og",
                {"canonical": False, "lang": ""},
                None,
                {**meta, "url": "https://www.vestfjell.no/og/nytt-tak-pa-nordby-skule", "language": None},
            ),
        ),
        (
            "article, byline date only",
            article_checks("byline", {"meta_dates": False}, None, {**meta, "published_from": "text", "updated": None}),
        ),
        (
            "article, address date only",
            article_checks(
                "url",
                {"meta_dates": False, "byline_date": False},
                "https://www.vestfjell.no/2016/03/14/tak",
                {**meta, "url": "https://www.vestfjell.no/2016/03/14/tak", "published_from": "url", "updated": None},
            ),
        ),
        (
            "article, footer date only",
            article_checks(
                "none",
                {"meta_dates": False, "byline_date": False},
                None,
                {**meta, "published": None, "published_from": None, "updated": None},
            ),
        ),
        ("minutes page", minutes_page_checks()),
    ]
    for style in ("Side {n} av {total}", "- {n} -", "{n}", "{n}/{total}", "Page {n} of {total}"):
        variants.append((f"minutes PDF, '{style}'", pdf_checks(PdfLayout(page_numbers=style))))
    variants.append(("minutes PDF, no title", pdf_checks(PdfLayout(title=None))))
    right = total = 0
    for name, checks in variants:
        good = 0
        for field, get, want in checks:
            got = get()
            good += got == want
            if verbose and got != want:
                print(f"  {name}: {field}: got {got!r}, want {want!r}")
        print(f"{name:40} {good}/{len(checks)}")
        right += good
        total += len(checks)
    print(f"{'all':40} {right}/{total} = {right / total:.1%}")


if __name__ == "__main__":
    main()
