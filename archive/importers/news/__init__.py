"""Parse a Norwegian news article (plain page text) into title, body, dates and statements.

The text is the page text of a public body's article: one line per HTML block, blank
lines between some of them, with chrome (bylines, "Skriv ut", captions, sidebars) kept.
The parser classifies each line, then finds quoted speech and who said it.

Where things are: `layout` (title, lede, dates, captions, links, chrome), `quotes` (the quoted
stretches of a paragraph), `speakers` (who said each), `meetings` (a meeting the article
reports), `marks` (quote marks and clause checks both sides read), `parsed` (what is returned).
"""

from __future__ import annotations

from archive.importers import attribution as attr
from archive.importers.attribution import ParsedPerson, PersonRegistry
from archive.importers.news.layout import (
    article_dates,
    block_positions,
    cited_documents,
    classify,
    page_units,
    related_title,
    stamped_date,
    take_lede,
    take_title,
)
from archive.importers.news.meetings import find_meeting
from archive.importers.news.parsed import CitedDocument, ParsedArticle, ParsedMeeting, ParsedStatement
from archive.importers.news.speakers import Statements, speakers_of
from archive.importers.text import guess_language, normalise_text, split_header

__all__ = [
    "CitedDocument",
    "ParsedArticle",
    "ParsedMeeting",
    "ParsedPerson",
    "ParsedStatement",
    "parse_news",
]


def parse_news(text: str) -> ParsedArticle:
    """Parse one article; raises ImportFormatError for empty or binary text."""
    text = normalise_text(text)
    header, body = split_header(text)
    warnings: list[str] = []
    units = page_units(body, header_lines=text.count("\n") - body.count("\n"))
    title = take_title(units, warnings)
    classify(units)
    kicker, lede = take_lede(units)
    related = [related_title(u.text) for u in units if u.kind == "link"]
    cited = cited_documents(units)
    registry = PersonRegistry()
    attr.scan_people(body, registry)
    # A cited document is kept once, in cited_documents, not again among the paragraphs.
    paragraph_units = [u for u in units if u.kind == "paragraph"]
    statements = Statements(units, paragraph_units, registry).extract()
    published, updated = article_dates(units)
    if published is None:
        published = stamped_date(units)
    if not paragraph_units:
        warnings.append("no body paragraphs")
    if published is None:
        warnings.append("no publication date")
    flagged = sum(s.flagged for s in statements)
    if flagged:
        warnings.append(f"{flagged} statement(s) with unknown speaker")
    speakers = speakers_of(statements)
    return ParsedArticle(
        title=title,
        kicker=kicker,
        lede=lede,
        paragraphs=[u.text for u in paragraph_units],
        subheadings=[u.text for u in units if u.kind == "subheading"],
        captions=[u.text for u in units if u.kind == "caption"],
        published_at=published,
        updated_at=updated,
        language=header.language or guess_language(body),
        source_url=header.source_url,
        related_links=[r for r in related if r],
        cited_documents=cited,
        statements=statements,
        speakers=speakers,
        meeting=find_meeting([u.text for u in units if u.kind in {"paragraph", "lede"}], published),
        warnings=warnings,
        blocks=block_positions(units),
    )
