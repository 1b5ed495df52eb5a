"""What every command of the archive shares: results, the unit of work and reference numbering.

Records are created numbered (`YYYY/NNNN`, the year from the record's own date, else this
year) and changed only at the version the caller expects; inside `Archive.unit_of_work()`
the events of several commands are saved together or not at all.
"""

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
    Record,
    ReferenceClaim,
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


class ArchiveCore(Application[UUID]):
    """What every command shares: the unit of work, reference numbering, load, create and change.

    The command groups (people, agreements, records, meetings, statements, news) extend it, and
    `Archive` is all of them.
    """

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
                uow.position = log_position(recordings)
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
                str(record.id), record.reference, record.version, log_position(recordings), True
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
        return CommandResult(str(record.id), record.reference, record.version, log_position(recordings))

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


def log_position(recordings: list[Recording[UUID]]) -> int | None:
    return max((r.notification.id for r in recordings), default=None)


def year_of(iso: object) -> int:
    if isinstance(iso, str) and len(iso) >= 4 and iso[:4].isdigit():
        return int(iso[:4])
    return this_year()


def this_year() -> int:
    """The calendar's year, read in this one place (a test pins the clock here)."""
    return date.today().year
