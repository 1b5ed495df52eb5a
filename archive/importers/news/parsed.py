"""What the news parser returns: the article, its statements, cited documents and a reported meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from archive.importers.attribution import ParsedPerson


@dataclass(frozen=True)
class CitedDocument:
    """A document quoted in «…» and named on the next line ("Veileder, Regional planstrategi")."""

    text: str
    title: str
    source: str | None


@dataclass(frozen=True)
class ParsedStatement:
    """One quoted paragraph (or segment) and who said it; `flagged` when the speaker is unknown."""

    text: str
    speaker_name: str | None
    party: str | None
    role: str | None
    organisation: str | None
    paragraph_index: int
    method: str
    confidence: float
    flagged: bool


@dataclass(frozen=True)
class ParsedMeeting:
    """A meeting the article reports: when, where and who called it."""

    date: date | None
    place: str | None
    municipality: str | None
    organiser: str | None
    participants: str | None


@dataclass(frozen=True)
class ParsedArticle:
    title: str | None
    kicker: str | None
    lede: str | None
    paragraphs: list[str]
    subheadings: list[str]
    captions: list[str]
    published_at: date | None
    updated_at: date | None
    language: str
    source_url: str | None
    related_links: list[str]
    cited_documents: list[CitedDocument]
    statements: list[ParsedStatement]
    speakers: list[ParsedPerson]
    meeting: ParsedMeeting | None
    warnings: list[str] = field(default_factory=list)
    # Subheadings, captions and cited documents where they stand: {"kind", "at"} with "at"
    # the index of the paragraph they precede, and "text" (or "index" into cited_documents).
    blocks: list[dict[str, object]] = field(default_factory=list)
