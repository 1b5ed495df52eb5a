"""A bounded map that forgets the least recently used entry first.

The search caches (rankings and pages by query, columns, filters and name lists by segment)
all keep what the next searches will ask for again: the default visibility filter of every
segment, the columns facets read. Emptying a whole cache when it was full threw those out with
the rest, so every few hundred searches one paid for re-reading every segment. Here one entry
leaves at a time, the one used longest ago.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["Lru"]

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most `limit` entries; thread-safe (FastAPI runs sync routes in a thread pool)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.limit:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
