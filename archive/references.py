"""Citable references (YYYY/NNNN): one claim aggregate per reference, taken by the save itself.

Why this design, and not the others considered:

* The old `ReferenceCounter` (one aggregate per year) had to be replayed from every event it
  ever had on each create — 0.8 ms for the 10th record of a year, 96 ms for the 3,000th —
  and it is one hot row: every writer of a year raced for its next version, so with 16
  writers on PostgreSQL 16–17 % of creates ran out of attempts.
* Snapshotting that counter (`snapshotting_intervals`) removes the replay but not the hot
  row: writers still collide on the counter's next version, and a snapshot is a second
  write on every N-th create.
* A database sequence is not gap-free (a rolled-back transaction burns its number), does
  not exist in SQLite, and lives outside the event log.

So each reference is its own aggregate, `ReferenceClaim`, whose id is uuid5 of the reference
("2016/0007"). It is saved in the same transaction as the record it numbers. The event store
already refuses a second version 1 of one aggregate, so two writers can never get the same
reference: the loser's whole save fails atomically (no record, no claim) and it simply tries
another number. Nothing is replayed: a create reads one claim row to check the number it is
about to take, and this process remembers the year's next free number, so the cost of a
create does not grow with the archive. Writers in one process take different numbers (a
number is handed out once), so they never collide with each other; writers on other nodes
collide only with numbers claimed after they last looked, and each collision moves them
past the numbers claimed meanwhile — a collision means another writer succeeded, so
everyone makes progress and nobody runs out of attempts under any realistic load.

Gap-free: a number handed out and then not saved (invalid command, a lost race for the same
natural key, a failed unit of work, a database error) is given back and handed out next, so
numbers stay contiguous. Two cases can leave a hole, and both are accepted: a process that
dies between handing out a number and saving it while one of its other writers saves a
higher one (the hole is at most the number of writers then in flight; a later probe may
fill it), and a unit of work on one node holding numbers that another node also probed as
free (the unit of work fails with `VersionConflict` and its retry takes new numbers). Numbers
follow the order they were handed out, which may differ from commit order by the writes in
flight.

Rebuilds reproduce the same references because the reference is part of the record's
creation event; claims are bookkeeping, skipped by the read models like the old counter's
events (they are still leaves of the ledger, as every event is). A year numbered by the old
counter continues after its last `Issued` number (its version − 1, read without replaying
it). All nodes must run this code: an old node still issuing from the counter would not see
the claims.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from archive.domain import ReferenceCounter, claim_id

# (aggregate id, newest first?, limit) -> stored events: the event store's own lookup.
SelectEvents = Callable[..., Sequence[Any]]


@dataclass
class _Year:
    next: int  # lowest number neither claimed (as far as this process knows) nor handed out
    free: list[int] = field(default_factory=list)  # handed out, not saved, given back (a heap)


class ReferenceBook:
    """Hands out each year's reference numbers to this process's writers, once each."""

    def __init__(self, select_events: SelectEvents) -> None:
        self._select = select_events
        self._lock = threading.Lock()
        self._years: dict[int, _Year] = {}

    def take(self, year: int) -> int:
        """A number of `year` that no claim in the store holds and no writer here holds."""
        with self._lock:
            book = self._years.get(year)
            if book is None:
                book = self._years[year] = _Year(self._frontier(year, self._legacy_last(year) + 1))
            while book.free:
                number = heapq.heappop(book.free)
                if not self._claimed(year, number):
                    return number
            # Another node may have claimed past what we know: one row read says so.
            if self._claimed(year, book.next):
                book.next = self._frontier(year, book.next + 1)
            number = book.next
            book.next += 1
            return number

    def give_back(self, year: int, number: int) -> None:
        """A number handed out but not saved: hand it out again (unless someone claimed it)."""
        with self._lock:
            book = self._years.get(year)
            if book is not None and number not in book.free:
                heapq.heappush(book.free, number)

    def lost(self, year: int, number: int) -> bool:
        """After a failed save: True if another writer claimed `number` (then it is gone)."""
        if self._claimed(year, number):
            return True
        self.give_back(year, number)
        return False

    # The store ---------------------------------------------------------------------------

    def _claimed(self, year: int, number: int) -> bool:
        return bool(self._select(claim_id(year, number), limit=1))

    def _legacy_last(self, year: int) -> int:
        """The last number the old per-year counter issued: its version − 1 (Started + Issued×n)."""
        newest = self._select(ReferenceCounter.create_id(year), desc=True, limit=1)
        return int(newest[0].originator_version) - 1 if newest else 0

    def _frontier(self, year: int, start: int) -> int:
        """The lowest unclaimed number from `start`, in O(log n) row reads (claims are contiguous)."""
        if not self._claimed(year, start):
            return start
        low, step = start, 1  # low is claimed
        while self._claimed(year, low + step):
            low += step
            step *= 2
        high = low + step  # unclaimed
        while high - low > 1:
            mid = (low + high) // 2
            if self._claimed(year, mid):
                low = mid
            else:
                high = mid
        return high

