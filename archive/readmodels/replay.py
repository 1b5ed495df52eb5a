"""Re-run the domain's own event bodies to get each record's state after an event.

Read models never re-implement the domain's rules: they take the aggregate as it stood
before an event and let the event mutate it, so the state after each event is exactly what
the application saw. The replay is done once per batch and shared by every record read model.
One exception, for speed: a new statement's view is built from its created event by
`fast_views` (the body's own checks, as a dict; a test proves the read models equal), and the
aggregate is built from that event only when a later event needs it (`RecordStates.created`).

Live aggregates are kept in a bounded cache; one that is missing (after a restart, an
eviction, or another node moving the record on) is read back from the event store at the
version before the event, so the replay keeps no state of its own that could drift from the log.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from archive.domain import Record

# (record id, version) -> the record at that version, from the event store (None if unknown).
LoadRecord = Callable[[str, int], Record | None]


def is_record_topic(topic: str) -> bool:
    """Events of archived records (not of reference claims or the old per-year counters)."""
    return not topic.startswith(("archive.domain:ReferenceClaim", "archive.domain:ReferenceCounter"))


class RecordStates:
    """The latest state of the records a batch touches, as live objects.

    Objects in the cache are mutated in place by the next event, so after a failed batch the
    whole cache is dropped (`forget`) and states are read again from the event store.
    """

    def __init__(self, load: LoadRecord, cache_size: int = 50_000) -> None:
        self._load = load
        # A record, or the event that created it while only its view was needed (see `created`).
        self._cache: OrderedDict[str, Record | Any] = OrderedDict()
        self._cache_size = cache_size

    def created(self, record_id: str, event: Any) -> None:
        """A record whose view was built from its created event: the aggregate is built if needed."""
        self._cache[record_id] = event
        self._cache.move_to_end(record_id)

    def advance(self, record_id: str, event: Any) -> Record | None:
        """The record after `event` (None when the event store does not know the record)."""
        if hasattr(event, "originator_topic"):  # a created event starts from nothing
            aggregate: Record | None = None
        else:
            aggregate = self._cache.get(record_id)
            if aggregate is not None and not isinstance(aggregate, Record):
                aggregate = aggregate.mutate(None)  # its created event: the record at version 1
            if aggregate is None or aggregate.version != event.originator_version - 1:
                aggregate = self._load(record_id, event.originator_version - 1)
                if aggregate is None:
                    return None
        advanced: Record | None = event.mutate(aggregate)
        if advanced is None:  # an event that ends its aggregate leaves nothing to cache
            self._cache.pop(record_id, None)
            return None
        self._cache[record_id] = advanced
        self._cache.move_to_end(record_id)
        return advanced

    def committed(self) -> None:
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        self._cache.clear()
