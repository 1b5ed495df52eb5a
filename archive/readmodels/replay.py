"""Re-run the domain's own event bodies to get each record's state after an event.

Read models never re-implement the domain's rules: they rebuild the aggregate from the
state stored for it (the way eventsourcing restores a snapshot) and let the event mutate
it, so the state after each event is exactly what the application saw. The replay is done
once per batch and shared by every record read model.
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


class RecordStates:
    """The latest state of every record, stored in a table and cached as live objects.

    Objects in the cache are mutated in place by the next event, so after a failed batch the
    whole cache is dropped (`forget`) and states are read again from the table.
    """

    table = "rm_record_state"

    def __init__(self, cache_size: int = 50_000) -> None:
        self._cache: OrderedDict[str, Record] = OrderedDict()
        self._dirty: set[str] = set()
        self._cache_size = cache_size

    def create(self, cur: Cursor) -> None:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (record_id TEXT PRIMARY KEY, aggregate TEXT NOT NULL)")

    def advance(self, cur: Cursor, record_id: str, event: Any) -> Record | None:
        """The record after `event` (None when the event is not a record's)."""
        created = hasattr(event, "originator_topic")
        aggregate = None if created else self._cache.get(record_id)
        if aggregate is not None and aggregate.version != event.originator_version - 1:
            aggregate = None  # another process moved this record on: read it again
        if aggregate is None and not created:
            row = cur.execute(f"SELECT aggregate FROM {self.table} WHERE record_id = ?", (record_id,)).fetchone()
            if row is None:
                return None
            aggregate = load_aggregate(row["aggregate"])
        aggregate = event.mutate(aggregate)
        self._cache[record_id] = aggregate
        self._cache.move_to_end(record_id)
        self._dirty.add(record_id)
        return aggregate  # type: ignore[no-any-return]

    def flush(self, cur: Cursor) -> None:
        if self._dirty:
            cur.executemany(
                f"INSERT INTO {self.table} (record_id, aggregate) VALUES (?, ?) "
                "ON CONFLICT (record_id) DO UPDATE SET aggregate = excluded.aggregate",
                [(rid, dump_aggregate(self._cache[rid]).decode()) for rid in sorted(self._dirty)],
            )

    def committed(self) -> None:
        self._dirty.clear()
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        self._dirty.clear()
        self._cache.clear()
