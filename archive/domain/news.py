"""`NewsUpdate`: a public body's news article, versioned on each update, with where its date came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from archive.domain.checks import Source, optional_date, optional_text, require_reason, require_text
from archive.domain.record import Record
from archive.exceptions import InvalidCommand

# Where a news update's publication date came from (`archive.importers.source` DATE_FROM_*).
NEWS_DATE_SOURCES = ("text", "metadata", "url", "operator")
# What a reader is told about a date that is not the article's own date line.
NEWS_DATE_NOTES = {
    "metadata": "dato fra sidens metadata",
    "url": "dato fra nettadresse",
    "operator": "dato oppgitt av arkivar",
}


class NewsUpdate(Record):
    """A news update (nyhet) as published by a public body, versioned on each update."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "news"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "title": "text",
        "kicker": "optional_text",
        "lede": "optional_text",
        "published_at": "date",
    }

    if TYPE_CHECKING:
        # The event class `@event("Updated")` defines, named for the type checker (see `Agreement`).
        class Updated(Aggregate.Event): ...

    @event("Published")
    def __init__(
        self,
        key: str,
        reference: str,
        title: str,
        lede: str | None,
        paragraphs: list[str],
        published_at: str | None,
        recorded_by: str,
        updated_at: str | None = None,
        date_source: str | None = None,
        kicker: str | None = None,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        source_url: str | None = None,
        related_links: list[dict[str, Any]] | None = None,
        cited_documents: list[dict[str, Any]] | None = None,
        statement_ids: list[str] | None = None,
        meeting_ids: list[str] | None = None,
        subheadings: list[str] | None = None,
        captions: list[str] | None = None,
        language: str | None = None,
        source: Source | None = None,
        reason: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.title = require_text(title, "title")
        self.kicker = optional_text(kicker, "kicker")
        self.lede = optional_text(lede, "lede")
        self.paragraphs = _paragraphs(paragraphs)
        # Unknown rather than invented: many public-sector pages print no date at all. When a
        # date is known, `date_source` says where it came from (text, metadata, url, operator).
        self.published_at = optional_date(published_at, "published_at")
        self.updated_at = optional_date(updated_at, "updated_at")
        if date_source is not None and date_source not in NEWS_DATE_SOURCES:
            raise InvalidCommand(f"date_source must be one of {', '.join(NEWS_DATE_SOURCES)}")
        self.date_source = date_source if self.published_at is not None else None
        # The first version is valid from the publication date even when the copy we hold
        # already says "oppdatert": only a later Updated version starts at its update date.
        self._updated = False
        self._updated_on: str | None = None
        self.organisation_id = organisation_id
        self.organisation_name = optional_text(organisation_name, "organisation_name")
        self.source_url = optional_text(source_url, "source_url")
        self.related_links = list(related_links or [])
        self.cited_documents = list(cited_documents or [])
        self.statement_ids = list(statement_ids or [])
        self.meeting_ids = list(meeting_ids or [])
        self.subheadings = list(subheadings or [])
        self.captions = list(captions or [])
        # Where subheadings, captions and cited documents stand among the paragraphs.
        self.blocks = _blocks(blocks)
        self.language = language
        self.status = "published"
        self._start_public()

    @event("Updated")
    def update(
        self,
        updated_at: str | None,
        recorded_by: str,
        title: str | None = None,
        kicker: str | None = None,
        lede: str | None = None,
        paragraphs: list[str] | None = None,
        related_links: list[dict[str, Any]] | None = None,
        cited_documents: list[dict[str, Any]] | None = None,
        statement_ids: list[str] | None = None,
        subheadings: list[str] | None = None,
        captions: list[str] | None = None,
        reason: str | None = None,
        source: Source | None = None,
        blocks: list[dict[str, Any]] | None = None,
        meeting_ids: list[str] | None = None,
    ) -> None:
        if self.status == "unpublished":
            raise InvalidCommand("an unpublished news update cannot be updated")
        # An undated article that changed has no known update date: its new version's valid
        # time is unknown too (never invented from the day it was archived).
        updated_at = optional_date(updated_at, "updated_at")
        previous = self.updated_at or self.published_at
        if updated_at is not None and previous is not None and updated_at < previous:
            raise InvalidCommand("updated_at is earlier than the previous version's date")
        self.updated_at = updated_at or self.updated_at
        self._updated, self._updated_on = True, updated_at
        if title is not None:
            self.title = require_text(title, "title")
        if kicker is not None:
            self.kicker = optional_text(kicker, "kicker")
        if lede is not None:
            self.lede = optional_text(lede, "lede")
        if paragraphs is not None:
            self.paragraphs = _paragraphs(paragraphs)
        for name, value in (
            ("related_links", related_links),
            ("cited_documents", cited_documents),
            ("statement_ids", statement_ids),
            ("subheadings", subheadings),
            ("captions", captions),
            ("meeting_ids", meeting_ids),
        ):
            if value is not None:
                setattr(self, name, list(value))
        if blocks is not None:
            self.blocks = _blocks(blocks)

    @event("Corrected")
    def correct(
        self,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        paragraphs: dict[str, str] | None = None,
        source: Source | None = None,
    ) -> None:
        require_reason(reason, "a correction")
        if changes:
            self._apply_corrections(changes, self.CORRECTABLE)
            if "published_at" in changes:
                self.date_source = "operator"  # an archivist set the date by hand
        for index, text in (paragraphs or {}).items():
            position = int(index) if str(index).isdigit() else -1
            if not 0 <= position < len(self.paragraphs):
                raise InvalidCommand(f"the news update has no paragraph {index}")
            self.paragraphs[position] = require_text(text, "paragraph")
        if not changes and not paragraphs:
            raise InvalidCommand("a correction must change at least one field")

    @event("Unpublished")
    def unpublish(self, reason: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "unpublished":
            raise InvalidCommand("the news update is already unpublished")
        require_reason(reason, "unpublishing")
        self.status = "unpublished"

    def view(self) -> dict[str, Any]:
        state = super().view()
        if self.published_at is None:
            state["date_note"] = "dato ukjent"
        else:
            state["date_note"] = NEWS_DATE_NOTES.get(self.date_source) if self.date_source else None
        return state

    def valid_from(self) -> str | None:
        """Publication date for the first version, update date for an Updated one (None: unknown)."""
        return self._updated_on if self._updated else self.published_at


NEWS_BLOCK_KINDS = ("subheading", "caption", "cited")


def _blocks(value: object) -> list[dict[str, Any]]:
    """Non-paragraph parts of an article, each placed before paragraph `at` (len = at the end).

    A "cited" block's `index` points into `cited_documents`; records from before blocks were
    kept have none, and pages then show subheadings and captions without their places.
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidCommand("blocks must be a list")
    out = []
    for block in value:
        if not isinstance(block, dict) or block.get("kind") not in NEWS_BLOCK_KINDS:
            raise InvalidCommand(f"each block needs a kind: {', '.join(NEWS_BLOCK_KINDS)}")
        at = block.get("at")
        if not isinstance(at, int) or isinstance(at, bool) or at < 0:
            raise InvalidCommand("each block needs its place `at` (a paragraph index from 0)")
        item: dict[str, Any] = {"kind": block["kind"], "at": at}
        if block["kind"] == "cited":
            index = block.get("index")
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                raise InvalidCommand("a cited block needs the index of its cited document")
            item["index"] = index
        else:
            item["text"] = require_text(block.get("text"), "block text")
        out.append(item)
    return out


def _paragraphs(value: object) -> list[str]:
    if not isinstance(value, list):
        raise InvalidCommand("paragraphs must be a list of texts")
    return [require_text(p, "paragraph") for p in value]
