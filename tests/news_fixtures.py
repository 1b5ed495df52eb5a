"""The invented news articles in tests/fixtures/news, parsed, and their statements as rows."""

from __future__ import annotations

from pathlib import Path

from archive.importers.news import ParsedArticle, parse_news

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"

Row = tuple[str, str | None, str | None, str | None]  # text, speaker, party, role


def parse_fixture(name: str) -> ParsedArticle:
    return parse_news((FIXTURES / name).read_text(encoding="utf-8"))


def rows(article: ParsedArticle) -> list[Row]:
    return [(s.text, s.speaker_name, s.party, s.role) for s in article.statements]
