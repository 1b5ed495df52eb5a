"""The archive's write side: commands take and return ids and plain values, never aggregates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording, Transcoder

from archive.domain import (
    Agreement,
    Meeting,
    NewsUpdate,
    Organisation,
    Person,
    Record,
    ReferenceClaim,
    Source,
    Statement,
    format_reference,
    natural_id,
    nfc,
)
from archive.exceptions import InvalidCommand, RecordNotFound, VersionConflict
from archive.references import ReferenceBook
from archive.transcoding import FastJSONTranscoder

R = TypeVar("R", bound=Record)

# A create only retries when another writer claimed its number or its natural key first, so
# each retry means someone else succeeded; 64 is far beyond any number of writers in flight.
CREATE_ATTEMPTS = 64


@dataclass(frozen=True)
class CommandResult:
    """What a command returns: the record's id, citable reference, new version, log position."""

    id: str
    reference: str
    version: int
    position: int | None
    created: bool = False
    changed: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UnitOfWork:
    """Commands inside `Archive.unit_of_work()` change these aggregates; one save at the end."""

    aggregates: dict[UUID, Any] = field(default_factory=dict)
    position: int | None = None
    claims: list[tuple[int, int]] = field(default_factory=list)  # (year, number) to give back on failure


class Archive(Application[UUID]):
    """The event-sourced archive of agreements, meetings, statements and news updates."""

    name = "Protokoll"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self._listeners: list[Callable[[int], None]] = []
        self._local = threading.local()
        self._references = ReferenceBook(self.recorder.select_events)

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """Run several commands and save all their events atomically, or none of them.

        Importers use this so a bad file leaves nothing partial behind. A concurrent change
        to any touched record makes the whole unit fail with `VersionConflict`.
        """
        if getattr(self._local, "uow", None) is not None:
            raise InvalidCommand("units of work do not nest")
        uow = UnitOfWork()
        self._local.uow = uow
        saved = False
        try:
            yield uow
            self._local.uow = None
            if uow.aggregates:
                try:
                    recordings = super().save(*uow.aggregates.values())
                except IntegrityError:
                    for year, number in uow.claims:  # numbers someone else took are gone
                        self._references.lost(year, number)
                    uow.claims.clear()
                    raise VersionConflict("records changed while the unit of work ran: try again") from None
                uow.position = _position(recordings)
            saved = True
        finally:
            self._local.uow = None
            if not saved:  # nothing was saved: its numbers go to the next creates (no gaps)
                for year, number in uow.claims:
                    self._references.give_back(year, number)

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        uow: UnitOfWork | None = getattr(self._local, "uow", None)
        if uow is None:
            return super().save(*objs, **kwargs)
        for obj in objs:
            if obj is not None:
                uow.aggregates[obj.id] = obj
        return []

    def _get(self, record_id: UUID) -> Any:
        uow: UnitOfWork | None = getattr(self._local, "uow", None)
        if uow is not None and record_id in uow.aggregates:
            return uow.aggregates[record_id]
        return self.repository.get(record_id)

    def record_at(self, record_id: str, version: int) -> Record | None:
        """A record as it stood at `version`, from the event store (read models replay on it)."""
        try:
            return self.repository.get(UUID(record_id), version=version)
        except AggregateNotFoundError:
            return None

    # Wiring -----------------------------------------------------------------------------

    def construct_transcoder(self) -> Transcoder:
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def on_saved(self, listener: Callable[[int], None]) -> None:
        """Call listener with the highest notification id after every save (wakes followers)."""
        self._listeners.append(listener)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            position = max(r.notification.id for r in recordings)
            for listener in self._listeners:
                listener(position)

    # Generic helpers ---------------------------------------------------------------------

    def _load(self, record_id: str | UUID, cls: type[R]) -> R:
        try:
            uid = record_id if isinstance(record_id, UUID) else UUID(str(record_id))
        except ValueError:
            raise RecordNotFound(f"not a record id: {record_id!r}") from None
        try:
            record = self._get(uid)
        except AggregateNotFoundError:
            raise RecordNotFound(f"no {cls.KIND} with id {uid}") from None
        if not isinstance(record, cls):
            raise RecordNotFound(f"record {uid} is a {getattr(record, 'KIND', '?')}, not a {cls.KIND}")
        return record

    def _exists(self, record_id: UUID) -> Record | None:
        try:
            record = self._get(record_id)
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, Record) else None

    def _create(self, cls: type[R], key: str | None, year: int, **fields: Any) -> CommandResult:
        """Create a record, numbered atomically; the same natural key twice is a no-op."""
        key = nfc(key).strip() if key else str(uuid4())
        record_id = natural_id(cls.KIND, key)
        for _ in range(CREATE_ATTEMPTS):
            existing = self._exists(record_id)
            if existing is not None:
                if not isinstance(existing, cls):
                    raise InvalidCommand(f"key {key!r} already names a {existing.KIND}")
                return CommandResult(
                    str(record_id), existing.reference, existing.version, None, False, False
                )
            number = self._references.take(year)
            uow: UnitOfWork | None = getattr(self._local, "uow", None)
            try:
                record = cls(key=key, reference=format_reference(year, number), **fields)
                claim = ReferenceClaim(year=year, number=number, record_id=str(record.id))
                recordings = self.save(claim, record)
            except IntegrityError:
                # Another writer claimed this number (it is dropped) or created this key
                # meanwhile (the number is given back): look again.
                self._references.lost(year, number)
                continue
            except BaseException:
                self._references.give_back(year, number)
                raise
            if uow is not None:
                uow.claims.append((year, number))
            return CommandResult(
                str(record.id), record.reference, record.version, _position(recordings), True
            )
        raise VersionConflict("could not allocate a reference: too many concurrent writers")

    def _change(
        self,
        cls: type[R],
        record_id: str | UUID,
        expected_version: int,
        command: Callable[[R], None],
    ) -> CommandResult:
        """Load, check the expected version, run the command, save: all or nothing."""
        record = self._load(record_id, cls)
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise InvalidCommand("expected_version must be an integer")
        if record.version != expected_version:
            raise VersionConflict(
                f"{cls.KIND} {record.id} is at version {record.version}, "
                f"not {expected_version}: reload and try again"
            )
        command(record)
        try:
            recordings = self.save(record)
        except IntegrityError:
            raise VersionConflict(
                f"{cls.KIND} {record.id} was changed by someone else at the same time"
            ) from None
        return CommandResult(str(record.id), record.reference, record.version, _position(recordings))

    def current_version(self, record_id: str | UUID) -> int:
        """The current version of a record (for callers that then pass expected_version)."""
        return self._load(record_id, Record).version

    def record_state_or_none(self, record_id: str | UUID) -> dict[str, Any] | None:
        try:
            return self._load(record_id, Record).view()
        except RecordNotFound:
            return None

    def record_state(self, record_id: str | UUID) -> dict[str, Any]:
        """The record's current state from the event store (for importers and the CLI)."""
        return self._load(record_id, Record).view()

    # Organisations and people -------------------------------------------------------------

    def register_organisation(
        self,
        *,
        name: str,
        organisation_kind: str,
        recorded_by: str,
        key: str | None = None,
        parent_id: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Organisation,
            key or f"name:{nfc(name).strip().casefold()}",
            date.today().year,
            name=name,
            organisation_kind=organisation_kind,
            recorded_by=recorded_by,
            parent_id=parent_id,
            source=source,
        )

    def rename_organisation(
        self, record_id: str, *, expected_version: int, name: str, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Organisation,
            record_id,
            expected_version,
            lambda o: o.rename(name=name, reason=reason, recorded_by=recorded_by),
        )

    def register_person(
        self,
        *,
        name: str,
        recorded_by: str,
        key: str | None = None,
        party: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Person,
            key or f"name:{nfc(name).strip().casefold()}",
            date.today().year,
            name=name,
            party=party,
            recorded_by=recorded_by,
            source=source,
        )

    def assign_role(
        self,
        record_id: str,
        *,
        expected_version: int,
        role: str,
        recorded_by: str,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.assign_role(
                role=role,
                organisation_id=organisation_id,
                organisation_name=organisation_name,
                valid_from=valid_from,
                valid_to=valid_to,
                recorded_by=recorded_by,
                source=source,
            ),
        )

    def end_role(
        self,
        record_id: str,
        *,
        expected_version: int,
        role: str,
        valid_to: str,
        recorded_by: str,
        organisation_id: str | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.end_role(
                role=role, valid_to=valid_to, organisation_id=organisation_id, recorded_by=recorded_by
            ),
        )

    def change_party(
        self,
        record_id: str,
        *,
        expected_version: int,
        party: str | None,
        recorded_by: str,
        valid_from: str | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.change_party(party=party, valid_from=valid_from, recorded_by=recorded_by),
        )

    def rename_person(
        self, record_id: str, *, expected_version: int, name: str, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.rename(name=name, reason=reason, recorded_by=recorded_by),
        )

    def add_person_alias(
        self, record_id: str, *, expected_version: int, name: str, recorded_by: str, source: Source | None = None
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.add_alias(name=name, recorded_by=recorded_by, source=source),
        )

    # Agreements ---------------------------------------------------------------------------

    def register_agreement(
        self,
        *,
        title: str,
        parties: list[str],
        text: str,
        effective_from: str,
        recorded_by: str,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Agreement,
            key,
            _year_of(effective_from),
            title=title,
            parties=parties,
            text=text,
            effective_from=effective_from,
            recorded_by=recorded_by,
            source=source,
        )

    def revise_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        effective_from: str,
        reason: str,
        recorded_by: str,
        title: str | None = None,
        text: str | None = None,
        parties: list[str] | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.revise(
                effective_from=effective_from,
                reason=reason,
                recorded_by=recorded_by,
                title=title,
                text=text,
                parties=parties,
                source=source,
            ),
        )

    def terminate_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        effective_to: str,
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.terminate(effective_to=effective_to, reason=reason, recorded_by=recorded_by),
        )

    def correct_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        corrects_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.correct(
                corrects_version=corrects_version,
                changes=changes,
                reason=reason,
                recorded_by=recorded_by,
            ),
        )

    def restrict(
        self,
        record_id: str,
        *,
        expected_version: int,
        legal_basis: str,
        recorded_by: str,
        public_title: str | None = None,
        reason: str | None = None,
    ) -> CommandResult:
        """Screen any record from the public (skjerming), with its legal basis."""
        return self._change(
            Record,
            record_id,
            expected_version,
            lambda r: r.restrict(
                legal_basis=legal_basis, public_title=public_title, recorded_by=recorded_by, reason=reason
            ),
        )

    def release(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Record,
            record_id,
            expected_version,
            lambda r: r.release(reason=reason, recorded_by=recorded_by),
        )

    # Meetings -----------------------------------------------------------------------------

    def schedule_meeting(
        self,
        *,
        title: str,
        start: str | None,
        recorded_by: str,
        organiser_id: str | None = None,
        organiser_name: str | None = None,
        place: str | None = None,
        end: str | None = None,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Meeting,
            key,
            _year_of(start),
            title=title,
            organiser_id=organiser_id,
            organiser_name=organiser_name,
            place=place,
            start=start,
            end=end,
            recorded_by=recorded_by,
            source=source,
        )

    def record_meeting_details(
        self,
        record_id: str,
        *,
        expected_version: int,
        recorded_by: str,
        agenda: list[dict[str, Any]] | None = None,
        participants: list[dict[str, Any]] | None = None,
        minutes: str | None = None,
        news_ids: list[str] | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        """Add agenda items (with proposals and decisions), participants and minutes in one save."""

        def apply(meeting: Meeting) -> None:
            for item in agenda or []:
                meeting.add_agenda_item(
                    number=item["number"],
                    title=item["title"],
                    proposal=item.get("proposal"),
                    page=item.get("page"),
                    recorded_by=recorded_by,
                    source=source,
                )
                if item.get("decision"):
                    meeting.record_decision(
                        number=item["number"], decision=item["decision"], recorded_by=recorded_by, source=source
                    )
            for person in participants or []:
                meeting.record_participant(
                    name=person["name"],
                    role=person.get("role"),
                    present=bool(person.get("present", True)),
                    person_id=person.get("person_id"),
                    party=person.get("party"),
                    recorded_by=recorded_by,
                    source=source,
                )
            if minutes is not None:
                meeting.record_minutes(text=minutes, recorded_by=recorded_by, source=source)
            for news_id in news_ids or []:
                meeting.link_news(news_id=news_id, recorded_by=recorded_by, source=source)

        return self._change(Meeting, record_id, expected_version, apply)

    def add_agenda_item(
        self,
        record_id: str,
        *,
        expected_version: int,
        number: str,
        title: str,
        recorded_by: str,
        proposal: str | None = None,
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.add_agenda_item(number=number, title=title, proposal=proposal, recorded_by=recorded_by),
        )

    def record_decision(
        self, record_id: str, *, expected_version: int, number: str, decision: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.record_decision(number=number, decision=decision, recorded_by=recorded_by),
        )

    def record_minutes(
        self, record_id: str, *, expected_version: int, text: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.record_minutes(text=text, recorded_by=recorded_by),
        )

    def approve_minutes(
        self, record_id: str, *, expected_version: int, approved_on: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.approve_minutes(approved_on=approved_on, recorded_by=recorded_by),
        )

    def cancel_meeting(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.cancel(reason=reason, recorded_by=recorded_by),
        )

    def correct_meeting(
        self,
        record_id: str,
        *,
        expected_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        decisions: dict[str, str] | None = None,
    ) -> CommandResult:
        return self._change(
            Meeting,
            record_id,
            expected_version,
            lambda m: m.correct(changes=changes, decisions=decisions, reason=reason, recorded_by=recorded_by),
        )

    # Statements ---------------------------------------------------------------------------

    def record_statement(
        self,
        *,
        text: str,
        said_at: str | None,  # None: the day is unknown (an undated article's statements)
        recorded_by: str,
        speaker_id: str | None = None,
        speaker_name: str | None = None,
        speaker_role: str | None = None,
        party: str | None = None,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        context: dict[str, Any] | None = None,
        attribution: dict[str, Any] | None = None,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Statement,
            key,
            _year_of(said_at),
            text=text,
            speaker_id=speaker_id,
            speaker_name=speaker_name,
            speaker_role=speaker_role,
            party=party,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            said_at=said_at,
            context=context,
            attribution=attribution,
            recorded_by=recorded_by,
            source=source,
        )

    def correct_statement(
        self,
        record_id: str,
        *,
        expected_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Statement,
            record_id,
            expected_version,
            lambda s: s.correct(changes=changes, reason=reason, recorded_by=recorded_by),
        )

    def withdraw_statement(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Statement,
            record_id,
            expected_version,
            lambda s: s.withdraw(reason=reason, recorded_by=recorded_by),
        )

    # News updates -------------------------------------------------------------------------

    def publish_news(
        self,
        *,
        title: str,
        paragraphs: list[str],
        published_at: str | None,  # None: the date is unknown (undated news is archived, not refused)
        recorded_by: str,
        lede: str | None = None,
        key: str | None = None,
        source: Source | None = None,
        **fields: Any,
    ) -> CommandResult:
        return self._create(
            NewsUpdate,
            key,
            _year_of(published_at),
            title=title,
            lede=lede,
            paragraphs=paragraphs,
            published_at=published_at,
            recorded_by=recorded_by,
            source=source,
            **fields,
        )

    def update_news(
        self,
        record_id: str,
        *,
        expected_version: int,
        updated_at: str | None,  # None: a new version whose date the source does not give
        recorded_by: str,
        reason: str | None = None,
        source: Source | None = None,
        **fields: Any,
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.update(
                updated_at=updated_at, recorded_by=recorded_by, reason=reason, source=source, **fields
            ),
        )

    def correct_news(
        self,
        record_id: str,
        *,
        expected_version: int,
        reason: str,
        recorded_by: str,
        changes: dict[str, Any] | None = None,
        paragraphs: dict[str, str] | None = None,
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.correct(
                changes=changes or {}, paragraphs=paragraphs, reason=reason, recorded_by=recorded_by
            ),
        )

    def unpublish_news(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.unpublish(reason=reason, recorded_by=recorded_by),
        )


def _position(recordings: list[Recording[UUID]]) -> int | None:
    return max((r.notification.id for r in recordings), default=None)


def _year_of(iso: object) -> int:
    if isinstance(iso, str) and len(iso) >= 4 and iso[:4].isdigit():
        return int(iso[:4])
    return date.today().year
