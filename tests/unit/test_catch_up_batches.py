"""How big a catch-up's batches grow: by events while records are small, by stored bytes when
they are long (archive.readmodels.runner).

A log of short statements is read in batches that double from `batch_size` up to the event
bound; a log of long minutes stops growing at the byte bound, so a batch of minutes holds no
more in memory than the bound allows. Once the runner is at the head it goes back to
`batch_size`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import Notification

from archive.readmodels.base import LoggedEvent, Projection
from archive.readmodels.runner import CATCH_UP_BATCH_BYTES, ProjectionRunner


class Log:
    """A log of `count` events of `size` stored bytes each, remembering every read's limit."""

    def __init__(self, count: int, size: int) -> None:
        state = b"x" * size
        self.notifications = [Notification(id=i, originator_id=uuid4(), originator_version=1, topic="t",
                                           state=state) for i in range(1, count + 1)]
        self.limits: list[int] = []

    def select_notifications(self, start: int, limit: int, stop: int | None = None,
                             inclusive_of_start: bool = False) -> list[Notification]:
        self.limits.append(limit)
        return self.notifications[start : start + limit]

    def max_notification_id(self) -> int:
        return len(self.notifications)


class Counting(Projection):
    """Reads only stored bytes, as the ledger does; remembers the size of every batch it is given."""

    name = "counting"
    needs_decoded = False

    def __init__(self) -> None:
        self.done = 0
        self.batches: list[int] = []

    def position(self) -> int:
        return self.done

    def process(self, events: Sequence[LoggedEvent], up_to: int) -> None:
        self.batches.append(len(events))
        self.done = up_to

    def reset(self) -> None:
        self.done = 0

    def digest(self) -> str:
        return str(self.done)


def undecodable(_notification: Notification) -> Any:
    raise ValueError("this log's events are bytes only")


def catch_up(log: Log) -> Counting:
    counting = Counting()
    ProjectionRunner("test", log, undecodable, [counting], batch_size=500).catch_up()
    assert counting.done == len(log.notifications)
    return counting


def test_batches_of_short_records_double_up_to_the_event_bound() -> None:
    # 40,000 statements of 300 bytes: 500, 1,000, 2,000 ... up to 16,000 events a batch.
    counting = catch_up(Log(40_000, 300))
    assert counting.batches[:6] == [500, 1000, 2000, 4000, 8000, 16_000]
    assert max(counting.batches) == 16_000


def test_batches_of_long_records_stop_at_the_byte_bound() -> None:
    # Minutes of 20 kB each: 16,000 of them would be 320 MB; batches stay within the byte bound.
    size = 20_000
    log = Log(6_000, size)
    counting = catch_up(log)
    assert sum(counting.batches) == 6_000
    assert max(counting.batches) * size <= CATCH_UP_BATCH_BYTES
    # and they did grow while they were small enough,
    assert max(counting.batches) > 500
    # and the last read, at the head, asked for `batch_size` again.
    assert log.limits[-1] == 500
