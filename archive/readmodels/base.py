"""What a read model is: a projection of the notification log with its own tracking position."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import orjson

from archive.readmodels.db import Cursor, ReadDatabase

T = TypeVar("T")


class LoggedEvent(NamedTuple):
    """One notification from the log, decoded once per batch and shared by every projection.

    A named tuple, not a dataclass: one is made per event of every catch-up, and a frozen
    dataclass costs four times as much to build.
    """

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes  # the stored bytes, exactly as recorded (the ledger hashes these)
    event: Any  # the domain event object (None when it cannot be decoded: see `poison`)
    recorded_at: str  # the event's timestamp (record time) as fixed-width UTC text
    poison: Any = None  # a PoisonEvent naming why the stored event cannot be read, if it cannot

    @property
    def event_type(self) -> str:
        return self.topic.rsplit(".", 1)[-1]


def after(items: Sequence[T], done: int, position: Callable[[T], int]) -> Sequence[T]:
    """The items (events or changes, in log order) past position `done`: most often all of them."""
    if not items or position(items[0]) > done:
        return items
    return [item for item in items if position(item) > done]


def iso_utc(moment: datetime) -> str:
    """Instants as fixed-width ISO-8601 UTC text, so they compare correctly as strings."""
    if moment.tzinfo is not UTC:  # the log's own timestamps are UTC already
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str).decode()


def loads(value: str | bytes | None) -> Any:
    return None if value is None else orjson.loads(value)


class Projection(ABC):
    """A read model. Each processes batches atomically together with its tracking position."""

    name: str
    # Whether `process` reads the decoded event: such a projection stops before an event that cannot
    # be decoded; one that reads only the stored bytes and the topic goes on past it.
    needs_decoded: bool = True

    @abstractmethod
    def position(self) -> int:
        """The last notification id this projection has durably processed."""

    @abstractmethod
    def process(self, events: Sequence[LoggedEvent], up_to: int) -> None:
        """Apply events (all with position > self.position()) and record `up_to` atomically."""

    @abstractmethod
    def reset(self) -> None:
        """Drop everything, back to position 0 (rebuild)."""

    def batch_done(self) -> None:  # noqa: B027 - optional hook, default no-op
        """Every projection of the group has had the batch: drop what was kept to share it."""

    @abstractmethod
    def digest(self) -> str:
        """A hash of the read model's whole content: equal after a rebuild."""


class RecordModel(ABC):
    """A read model over records' states: fed, one batch at a time, the record after each event."""

    name: str
    tables: tuple[str, ...] = ()
    needs_replay = True  # fed the record states the domain replay gives (the ledger reads stored bytes)
    digest_queries: tuple[str, ...] = ()

    def __init__(self, db: ReadDatabase) -> None:
        self.db = db

    @abstractmethod
    def create(self, cur: Cursor) -> None:
        """Create the tables if missing."""

    def apply(self, cur: Cursor, changes: Sequence[Change]) -> None:  # noqa: B027 - optional hook, default no-op
        """Write the effects of a batch of record changes inside the open transaction."""

    def apply_events(self, cur: Cursor, events: Sequence[LoggedEvent]) -> None:  # noqa: B027 - optional hook
        """Models that need every stored event (not only record changes) override this."""

    def position(self) -> int:
        with self.db.read() as cur:
            row = cur.execute("SELECT position FROM rm_tracking WHERE name = ?", (self.name,)).fetchone()
        return int(row["position"]) if row else 0

    def digest(self) -> str:
        sha = hashlib.sha256()
        with self.db.read() as cur:
            for query in self.digest_queries:
                for row in cur.execute(query).fetchall():
                    sha.update(dumps(row).encode())
                    sha.update(b"\n")
        return sha.hexdigest()


class Change(NamedTuple):
    """One event and the record as it stands after it (a private copy of its view)."""

    logged: LoggedEvent
    kind: str
    view: dict[str, Any]
    view_json: str
    valid_from: str | None
