"""Re-run the domain's own event bodies to get each record's state after an event.

Read models never re-implement the domain's rules: they rebuild the aggregate from the
previous state they stored (the way eventsourcing restores a snapshot) and let the event
mutate it, so the state after each event is exactly what the application saw.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic, resolve_topic

from archive.domain import Record
from archive.readmodels.db import Cursor

_UNDERSCORED = {"_id": UUID, "_created_on": datetime.fromisoformat, "_modified_on": datetime.fromisoformat}


def dump_aggregate(aggregate: Record) -> bytes:
    state = {k: v for k, v in aggregate.__dict__.items() if k != "_pending_events"}
    state["__topic__"] = get_topic(type(aggregate))
    return orjson.dumps(state, default=_default)


def load_aggregate(blob: bytes | str) -> Record:
    state = orjson.loads(blob)
    cls = resolve_topic(state.pop("__topic__"))
    for name, convert in _UNDERSCORED.items():
        if state.get(name) is not None:
            state[name] = convert(state[name])
    aggregate = object.__new__(cls)
    aggregate.__dict__.update(state)
    aggregate.__dict__["_pending_events"] = []
    return aggregate  # type: ignore[no-any-return]


def _default(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def is_record_topic(topic: str) -> bool:
    """Events of archived records (not of reference counters)."""
    return not topic.startswith("archive.domain:ReferenceCounter")


class StateStore:
    """Each replaying projection keeps its own copy of record states, cached after commit."""

    def __init__(self, table: str, cache_size: int = 20_000) -> None:
        self.table = table
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._pending: dict[str, bytes] = {}
        self._cache_size = cache_size

    def create(self, cur: Cursor) -> None:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (record_id TEXT PRIMARY KEY, aggregate TEXT NOT NULL)")

    def advance(self, cur: Cursor, record_id: str, event: Any) -> Record | None:
        """The record after `event`, from the state stored before it (None: not tracked here)."""
        blob = self._pending.get(record_id) or self._cache.get(record_id)
        if blob is None:
            row = cur.execute(f"SELECT aggregate FROM {self.table} WHERE record_id = ?", (record_id,)).fetchone()
            blob = row["aggregate"].encode() if row else None
        if blob is None and not hasattr(event, "originator_topic"):
            return None  # a change to a record this projection does not follow
        aggregate = event.mutate(load_aggregate(blob) if blob is not None else None)
        self._pending[record_id] = dump_aggregate(aggregate)
        return aggregate  # type: ignore[no-any-return]

    def flush(self, cur: Cursor) -> None:
        if self._pending:
            cur.executemany(
                f"INSERT INTO {self.table} (record_id, aggregate) VALUES (?, ?) "
                "ON CONFLICT (record_id) DO UPDATE SET aggregate = excluded.aggregate",
                [(k, v.decode()) for k, v in self._pending.items()],
            )

    def committed(self) -> None:
        self._cache.update(self._pending)
        self._pending.clear()
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        self._pending.clear()
        self._cache.clear()
