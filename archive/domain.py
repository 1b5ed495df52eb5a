"""Aggregates of the archive and the events they raise.

Every command method is decorated with `@event`: its body guards invariants and mutates,
and the same body runs again when the event is replayed (by the repository and by the
history read model). Event attributes are plain JSON values (dates as ISO strings), so
the stored log is readable by any auditor's tool without this code.

Every event carries `recorded_by` (who), `reason` (why; required where a change needs
justifying) and `source` (provenance: ``{"uri": ..., "sha256": ...}``) where it came from
outside.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from archive.exceptions import InvalidCommand

NAMESPACE = UUID("6d1f3c1e-4b8a-5c7e-9a41-0b7f2d5e6a90")

Source = dict[str, str]

# Where a news update's publication date came from (`archive.importers.source` DATE_FROM_*).
NEWS_DATE_SOURCES = ("text", "metadata", "url", "operator")
# What a reader is told about a date that is not the article's own date line.
NEWS_DATE_NOTES = {
    "metadata": "dato fra sidens metadata",
    "url": "dato fra nettadresse",
    "operator": "dato oppgitt av arkivar",
}


def natural_id(kind: str, key: str) -> UUID:
    """A stable id for a record with a natural key: the same key always gives the same id."""
    return uuid5(NAMESPACE, f"{kind}:{nfc(key).strip()}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def require_text(value: object, name: str, *, max_len: int = 2_000_000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(f"{name} must not be empty")
    if len(value) > max_len:
        raise InvalidCommand(f"{name} is longer than {max_len} characters")
    if "\x00" in value:
        raise InvalidCommand(f"{name} contains a NUL character")
    return value


def optional_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidCommand(f"{name} must be text")
    return require_text(value, name) if value.strip() else None


def require_reason(reason: str | None, what: str) -> str:
    if reason is None or not str(reason).strip():
        raise InvalidCommand(f"a reason is required for {what}")
    return reason


def require_date(value: object, name: str) -> str:
    """Validate an ISO date string (valid time boundaries are dates)."""
    if not isinstance(value, str):
        raise InvalidCommand(f"{name} must be an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidCommand(f"{name} is not a valid date: {value!r}") from None


def optional_date(value: object, name: str) -> str | None:
    return None if value is None else require_date(value, name)


def require_instant(value: object, name: str) -> str:
    """Validate an ISO datetime with offset (instants are stored with their offset)."""
    if not isinstance(value, str):
        raise InvalidCommand(f"{name} must be an ISO datetime")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCommand(f"{name} is not a valid datetime: {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidCommand(f"{name} must carry a UTC offset")
    return parsed.isoformat()


def optional_instant(value: object, name: str) -> str | None:
    return None if value is None else require_instant(value, name)


class Record(Aggregate):
    """What every archived record has: a citable reference and screening (skjerming)."""

    KIND: ClassVar[str] = "record"

    if TYPE_CHECKING:
        # What every kind sets when it is created: its natural key, its reference and its screening state.
        # Declared for the type checker only: the library turns class-level annotations on an aggregate
        # into dataclass fields of its created event, which these are not.
        key: str
        reference: str
        restricted: bool
        restriction_basis: str | None
        public_title: str | None

        def __init__(self, *, key: str, reference: str, **fields: Any) -> None: ...

    @classmethod
    def create_id(cls, key: str) -> UUID:
        return natural_id(cls.KIND, key)

    def _start_public(self) -> None:
        """Unrestricted, no legal basis, no stand-in title: how every record starts and how release leaves it."""
        self.restricted = False
        self.restriction_basis = None
        self.public_title = None

    @event("Restricted")
    def restrict(
        self,
        legal_basis: str,
        public_title: str | None,
        recorded_by: str,
        reason: str | None = None,
        source: Source | None = None,
    ) -> None:
        require_text(legal_basis, "legal_basis")
        if self.restricted:
            raise InvalidCommand("the record is already restricted")
        self.restricted = True
        self.restriction_basis = legal_basis
        self.public_title = optional_text(public_title, "public_title")

    @event("Released")
    def release(self, recorded_by: str, reason: str | None = None, source: Source | None = None) -> None:
        if not self.restricted:
            raise InvalidCommand("the record is not restricted")
        require_reason(reason, "releasing a restricted record")
        self._start_public()

    def view(self) -> dict[str, Any]:
        """The record's public fields as plain values (what read models store)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["id"] = str(self.id)
        state["version"] = self.version
        state["kind"] = self.KIND
        return state

    def valid_from(self) -> str | None:
        """Start of the record's current valid-time period, if it has one."""
        return None

    def _apply_corrections(self, changes: dict[str, Any], allowed: dict[str, str]) -> None:
        if not isinstance(changes, dict) or not changes:
            raise InvalidCommand("a correction must change at least one field")
        for name, value in changes.items():
            if name not in allowed:
                raise InvalidCommand(f"{self.KIND} has no correctable field {name!r}")
            if allowed[name] == "text":
                value = require_text(value, name)
            elif allowed[name] == "optional_text":
                value = optional_text(value, name)
            elif allowed[name] == "date":
                value = require_date(value, name)
            elif allowed[name] == "instant":
                # A day alone is allowed where only the day is known ("the minutes say 7 March").
                day_only = isinstance(value, str) and len(value) == 10
                value = require_date(value, name) if day_only else require_instant(value, name)
            if getattr(self, name, None) == value:
                raise InvalidCommand(f"correction of {name!r} does not change anything")
            setattr(self, name, value)


class Agreement(Record):
    """An agreement (avtale), e.g. a partnership agreement between a county and its regions."""

    KIND = "agreement"
    CORRECTABLE: ClassVar[dict[str, str]] = {"title": "text", "text": "text", "parties": "list"}

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        title: str,
        parties: list[str],
        text: str,
        effective_from: str,
        recorded_by: str,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.title = require_text(title, "title")
        self.text = require_text(text, "text")
        self.parties = _parties(parties)
        self.effective_from = require_date(effective_from, "effective_from")
        self.effective_to: str | None = None
        self.status = "in_force"
        self._start_public()
        self.revisions: list[dict[str, Any]] = [
            {
                "number": 1,
                "versions": [1],
                "title": self.title,
                "text": self.text,
                "parties": list(self.parties),
                "effective_from": self.effective_from,
                "effective_to": None,
            }
        ]

    @event("Revised")
    def revise(
        self,
        effective_from: str,
        reason: str,
        recorded_by: str,
        title: str | None = None,
        text: str | None = None,
        parties: list[str] | None = None,
        source: Source | None = None,
    ) -> None:
        if self.status == "terminated":
            raise InvalidCommand("a terminated agreement cannot be revised")
        require_reason(reason, "a revision")
        effective_from = require_date(effective_from, "effective_from")
        previous = self.revisions[-1]
        if effective_from < previous["effective_from"]:
            raise InvalidCommand(
                f"effective_from {effective_from} is earlier than the previous revision's "
                f"{previous['effective_from']}"
            )
        new_title = self.title if title is None else require_text(title, "title")
        new_text = self.text if text is None else require_text(text, "text")
        new_parties = self.parties if parties is None else _parties(parties)
        if (new_title, new_text, new_parties) == (self.title, self.text, self.parties):
            raise InvalidCommand("a revision must change the title, text or parties")
        previous["effective_to"] = effective_from
        self.title, self.text, self.parties = new_title, new_text, list(new_parties)
        self.effective_from = effective_from
        self.revisions.append(
            {
                "number": len(self.revisions) + 1,
                "versions": [self.version + 1],
                "title": new_title,
                "text": new_text,
                "parties": list(new_parties),
                "effective_from": effective_from,
                "effective_to": None,
            }
        )

    @event("Terminated")
    def terminate(
        self, effective_to: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        if self.status == "terminated":
            raise InvalidCommand("the agreement is already terminated")
        require_reason(reason, "a termination")
        effective_to = require_date(effective_to, "effective_to")
        if effective_to < self.effective_from:
            raise InvalidCommand("an agreement cannot end before its current revision began")
        self.status = "terminated"
        self.effective_to = effective_to
        self.revisions[-1]["effective_to"] = effective_to

    @event("Corrected")
    def correct(
        self,
        corrects_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        source: Source | None = None,
    ) -> None:
        require_reason(reason, "a correction")
        revision = self.revision_of_version(corrects_version)
        if not isinstance(changes, dict) or not changes:
            raise InvalidCommand("a correction must change at least one field")
        for name, value in changes.items():
            if name not in self.CORRECTABLE:
                raise InvalidCommand(f"agreement has no correctable field {name!r}")
            value = _parties(value) if name == "parties" else require_text(value, name)
            if revision[name] == value:
                raise InvalidCommand(f"correction of {name!r} does not change anything")
            revision[name] = value
        revision["versions"].append(self.version + 1)
        if revision is self.revisions[-1]:
            self.title, self.text = revision["title"], revision["text"]
            self.parties = list(revision["parties"])

    def revision_of_version(self, version: object) -> dict[str, Any]:
        """The revision whose content the given aggregate version recorded."""
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidCommand("corrects_version must be a version number")
        for revision in self.revisions:
            if version in revision["versions"]:
                return revision
        raise InvalidCommand(
            f"version {version} does not exist or did not record agreement text "
            f"(versions 1–{self.version} exist)"
        )

    def revision_view(self, revision: dict[str, Any]) -> dict[str, Any]:
        return revision_view(self.view(), revision)

    def valid_from(self) -> str | None:
        return self.effective_from


def revision_view(view: dict[str, Any], revision: dict[str, Any]) -> dict[str, Any]:
    """An agreement's view with the content of one of its revisions (for history rows)."""
    state = dict(view)
    state.update({k: revision[k] for k in ("title", "text", "parties", "effective_from", "effective_to")})
    state["revision"] = revision["number"]
    return state


def revision_of_version(view: dict[str, Any], version: int) -> dict[str, Any] | None:
    """The revision (in an agreement's view) whose content the given version recorded."""
    revisions: list[dict[str, Any]] = view.get("revisions") or []
    for revision in revisions:
        if version in revision["versions"]:
            return revision
    return None


class Meeting(Record):
    """A meeting (møte): place, time, participants, agenda items, decisions and minutes."""

    KIND = "meeting"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "title": "text",
        "place": "optional_text",
        "start": "instant",
        "end": "instant",
        "minutes": "text",
        "organiser_name": "optional_text",
    }

    @event("Scheduled")
    def __init__(
        self,
        key: str,
        reference: str,
        title: str,
        organiser_id: str | None,
        organiser_name: str | None,
        place: str | None,
        start: str | None,
        end: str | None,
        recorded_by: str,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.title = require_text(title, "title")
        self.organiser_id = organiser_id
        self.organiser_name = optional_text(organiser_name, "organiser_name")
        self.place = optional_text(place, "place")
        # A meeting known only by its day (e.g. from a news article) keeps just the date; minutes
        # whose date was lost (a PDF mirror drops digits) are archived undated, never given one.
        if start is None:
            self.start = None
        else:
            self.start = require_date(start, "start") if len(str(start)) == 10 else require_instant(start, "start")
        self.end = optional_instant(end, "end")
        if self.end is not None and self.start is not None and self.end < self.start:
            raise InvalidCommand("a meeting cannot end before it starts")
        self.status = "scheduled"
        self.agenda: list[dict[str, Any]] = []
        self.participants: list[dict[str, Any]] = []
        self.minutes: str | None = None
        self.minutes_approved_on: str | None = None
        self.news_ids: list[str] = []
        self._start_public()

    @event("AgendaItemAdded")
    def add_agenda_item(
        self,
        number: str,
        title: str,
        recorded_by: str,
        proposal: str | None = None,
        source: Source | None = None,
        page: int | None = None,
    ) -> None:
        number = require_text(number, "number").strip()
        if any(item["number"] == number for item in self.agenda):
            raise InvalidCommand(f"agenda item {number} already exists")
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise InvalidCommand("page must be a page number from 1")
        item: dict[str, Any] = {
            "number": number,
            "title": require_text(title, "title"),
            "proposal": optional_text(proposal, "proposal"),
            "decision": None,
        }
        if page is not None:
            item["page"] = page  # where the item is treated in the minutes' PDF ("s. 3")
        self.agenda.append(item)

    @event("DecisionRecorded")
    def record_decision(
        self, number: str, decision: str, recorded_by: str, source: Source | None = None
    ) -> None:
        item = self._item(number)
        if item["decision"] is not None:
            raise InvalidCommand(f"item {number} already has a decision; correct it instead")
        item["decision"] = require_text(decision, "decision")

    @event("ParticipantRecorded")
    def record_participant(
        self,
        name: str,
        role: str | None,
        present: bool,
        recorded_by: str,
        person_id: str | None = None,
        party: str | None = None,
        source: Source | None = None,
    ) -> None:
        name = require_text(name, "name").strip()
        if any(p["name"] == name and p["person_id"] == person_id for p in self.participants):
            raise InvalidCommand(f"{name} is already a participant")
        self.participants.append(
            {
                "name": name,
                "person_id": person_id,
                "role": optional_text(role, "role"),
                "party": optional_text(party, "party"),
                "present": bool(present),
            }
        )

    @event("MinutesRecorded")
    def record_minutes(self, text: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "cancelled":
            raise InvalidCommand("a cancelled meeting has no minutes")
        if self.minutes is not None:
            raise InvalidCommand("minutes are already recorded; correct them instead")
        self.minutes = require_text(text, "minutes")
        if self.status == "scheduled":
            self.status = "held"  # minutes are the record of a meeting that took place

    @event("MinutesApproved")
    def approve_minutes(self, approved_on: str, recorded_by: str, source: Source | None = None) -> None:
        if self.minutes is None:
            raise InvalidCommand("no minutes to approve")
        if self.minutes_approved_on is not None:
            raise InvalidCommand("the minutes are already approved")
        self.minutes_approved_on = require_date(approved_on, "approved_on")
        self.status = "minutes_approved"

    @event("NewsLinked")
    def link_news(self, news_id: str, recorded_by: str, source: Source | None = None) -> None:
        if news_id in self.news_ids:
            raise InvalidCommand("the news update is already linked")
        self.news_ids.append(news_id)

    @event("Cancelled")
    def cancel(self, reason: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "cancelled":
            raise InvalidCommand("the meeting is already cancelled")
        if self.minutes is not None:
            raise InvalidCommand("a meeting with minutes was held and cannot be cancelled")
        require_reason(reason, "a cancellation")
        self.status = "cancelled"

    @event("Corrected")
    def correct(
        self,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        decisions: dict[str, str] | None = None,
        source: Source | None = None,
    ) -> None:
        require_reason(reason, "a correction")
        if changes:
            self._apply_corrections(changes, self.CORRECTABLE)
        for number, decision in (decisions or {}).items():
            self._item(number)["decision"] = require_text(decision, "decision")
        if not changes and not decisions:
            raise InvalidCommand("a correction must change at least one field")

    def _item(self, number: str) -> dict[str, Any]:
        for item in self.agenda:
            if item["number"] == number:
                return item
        raise InvalidCommand(f"the meeting has no agenda item {number}")

    def valid_from(self) -> str | None:
        return self.start[:10] if self.start else None


class Statement(Record):
    """A statement (uttalelse): words attributed to a named person, with party and role."""

    KIND = "statement"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "text": "text",
        "speaker_name": "optional_text",
        "speaker_role": "optional_text",
        "party": "optional_text",
        "said_at": "date",
        "speaker_id": "optional_text",
    }

    @event("Recorded")
    def __init__(
        self,
        key: str,
        reference: str,
        text: str,
        speaker_id: str | None,
        speaker_name: str | None,
        speaker_role: str | None,
        party: str | None,
        organisation_id: str | None,
        organisation_name: str | None,
        said_at: str | None,
        recorded_by: str,
        context: dict[str, Any] | None = None,
        attribution: dict[str, Any] | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.text = require_text(text, "text")
        self.speaker_id = speaker_id
        self.speaker_name = optional_text(speaker_name, "speaker_name")
        self.speaker_role = optional_text(speaker_role, "speaker_role")
        self.party = optional_text(party, "party")
        self.organisation_id = organisation_id
        self.organisation_name = optional_text(organisation_name, "organisation_name")
        # Unknown when the article quoting it is undated (never the day it was archived).
        self.said_at = optional_date(said_at, "said_at")
        self.context = dict(context or {})
        self.attribution = dict(attribution or {})
        self.status = "recorded"
        self._start_public()

    @property
    def title(self) -> str:
        speaker = self.speaker_name or "ukjent"
        return f"{speaker}: «{self.text[:80]}{'…' if len(self.text) > 80 else ''}»"

    @event("Corrected")
    def correct(
        self, changes: dict[str, Any], reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a correction")
        if self.status == "withdrawn":
            raise InvalidCommand("a withdrawn statement cannot be corrected")
        self._apply_corrections(changes, self.CORRECTABLE)

    @event("Withdrawn")
    def withdraw(self, reason: str, recorded_by: str, source: Source | None = None) -> None:
        if self.status == "withdrawn":
            raise InvalidCommand("the statement is already withdrawn")
        require_reason(reason, "a withdrawal")
        self.status = "withdrawn"

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.title
        return state

    def valid_from(self) -> str | None:
        return self.said_at


class NewsUpdate(Record):
    """A news update (nyhet) as published by a public body, versioned on each update."""

    KIND = "news"
    CORRECTABLE: ClassVar[dict[str, str]] = {
        "title": "text",
        "kicker": "optional_text",
        "lede": "optional_text",
        "published_at": "date",
    }

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


class Person(Record):
    """A person who speaks or takes part: names, party membership and roles over time."""

    KIND = "person"

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        name: str,
        recorded_by: str,
        party: str | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.name = require_text(name, "name").strip()
        self.names = [self.name]
        self.parties: list[dict[str, Any]] = []
        if party:
            self.parties.append({"party": party, "from": None, "to": None})
        self.roles: list[dict[str, Any]] = []
        self._start_public()

    @property
    def title(self) -> str:
        return self.name

    @property
    def party(self) -> str | None:
        current = [p for p in self.parties if p["to"] is None]
        return current[-1]["party"] if current else None

    @event("RoleAssigned")
    def assign_role(
        self,
        role: str,
        recorded_by: str,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        source: Source | None = None,
    ) -> None:
        role = require_text(role, "role").strip()
        valid_from, valid_to = optional_date(valid_from, "valid_from"), optional_date(valid_to, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise InvalidCommand("a role cannot end before it begins")
        for held in self.roles:
            same_open_role = (held["role"], held["organisation_id"], held["to"]) == (role, organisation_id, None)
            if same_open_role and valid_to is None:
                raise InvalidCommand(f"{self.name} already holds the role {role}")
        self.roles.append(
            {
                "role": role,
                "organisation_id": organisation_id,
                "organisation_name": organisation_name,
                "from": valid_from,
                "to": valid_to,
            }
        )

    @event("RoleEnded")
    def end_role(
        self,
        role: str,
        valid_to: str,
        recorded_by: str,
        organisation_id: str | None = None,
        source: Source | None = None,
    ) -> None:
        valid_to = require_date(valid_to, "valid_to")
        for held in reversed(self.roles):
            if held["role"] == role and held["organisation_id"] == organisation_id and held["to"] is None:
                if held["from"] and valid_to < held["from"]:
                    raise InvalidCommand("a role cannot end before it begins")
                held["to"] = valid_to
                return
        raise InvalidCommand(f"{self.name} holds no open role {role}")

    @event("PartyChanged")
    def change_party(
        self,
        party: str | None,
        recorded_by: str,
        valid_from: str | None = None,
        source: Source | None = None,
    ) -> None:
        valid_from = optional_date(valid_from, "valid_from")
        if party == self.party:
            raise InvalidCommand(f"{self.name} already belongs to {party}")
        for membership in self.parties:
            if membership["to"] is None:
                membership["to"] = valid_from
        if party:
            self.parties.append({"party": party, "from": valid_from, "to": None})

    @event("Renamed")
    def rename(
        self, name: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a rename")
        name = require_text(name, "name").strip()
        if name == self.name:
            raise InvalidCommand("the new name is the same as the old")
        self.name = name
        if name not in self.names:
            self.names.append(name)

    @event("AliasAdded")
    def add_alias(self, name: str, recorded_by: str, source: Source | None = None) -> None:
        name = require_text(name, "name").strip()
        if name in self.names:
            raise InvalidCommand(f"{name} is already a name of this person")
        self.names.append(name)

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.name
        state["party"] = self.party
        return state


class Organisation(Record):
    """A public body: fylkeskommune, kommuneregion, kommune, department, ..."""

    KIND = "organisation"
    KINDS: ClassVar[frozenset[str]] = frozenset(
        {
            "fylkeskommune",
            "kommuneregion",
            "kommune",
            "regionråd",
            "departement",
            "statsforvalter",
            "interesseorganisasjon",
            "parti",
            "annen",
        }
    )

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        name: str,
        organisation_kind: str,
        recorded_by: str,
        parent_id: str | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.name = require_text(name, "name").strip()
        if organisation_kind not in self.KINDS:
            raise InvalidCommand(
                f"unknown organisation kind {organisation_kind!r}; one of {sorted(self.KINDS)}"
            )
        self.organisation_kind = organisation_kind
        self.parent_id = parent_id
        self._start_public()

    @property
    def title(self) -> str:
        return self.name

    @event("Renamed")
    def rename(
        self, name: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a rename")
        name = require_text(name, "name").strip()
        if name == self.name:
            raise InvalidCommand("the new name is the same as the old")
        self.name = name

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.name
        return state


class ReferenceClaim(Aggregate):
    """One citable reference (YYYY/NNNN), claimed by the very save that creates its record.

    Its id is derived from the reference, so the event store's (originator_id, version)
    uniqueness lets only one save ever claim a number (see `archive/references.py`).
    """

    @staticmethod
    def create_id(year: int, number: int) -> UUID:
        return claim_id(year, number)

    @event("Claimed")
    def __init__(self, year: int, number: int, record_id: str) -> None:
        self.year = year
        self.number = number
        self.record_id = record_id

    @property
    def reference(self) -> str:
        return format_reference(self.year, self.number)


def claim_id(year: int, number: int) -> UUID:
    """The id of the claim on reference `year/number` (one number, one id, on every node)."""
    return uuid5(NAMESPACE, f"reference:{year}/{number}")


def format_reference(year: int, number: int) -> str:
    return f"{year}/{number:04d}"


class ReferenceCounter(Aggregate):
    """Issued references (YYYY/NNNN) for one year until `ReferenceClaim` replaced it.

    No new events are written; archives that used it keep their `Issued` events, which still
    replay, and new numbers of such a year continue after its last one.
    """

    @staticmethod
    def create_id(year: int) -> UUID:
        return uuid5(NAMESPACE, f"reference-counter:{year}")

    @event("Started")
    def __init__(self, year: int) -> None:
        self.year = year
        self.last = 0

    @event("Issued")
    def issue(self) -> None:
        self.last += 1

    @property
    def current(self) -> str:
        return f"{self.year}/{self.last:04d}"


RECORD_CLASSES: dict[str, type[Record]] = {
    cls.KIND: cls for cls in (Agreement, Meeting, Statement, NewsUpdate, Person, Organisation)
}


def _parties(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidCommand("parties must be a non-empty list of organisation ids")
    parties = [require_text(p, "party").strip() for p in value]
    if len(set(parties)) != len(parties):
        raise InvalidCommand("parties must not repeat")
    return parties


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
