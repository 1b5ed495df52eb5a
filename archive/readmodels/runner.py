"""Follows the notification log and feeds projections in batches, one transaction per batch.

eventsourcing's SQLite recorder has no `subscribe()`, so the runner reads
`select_notifications` from the lowest tracked position. The application wakes it on every
save (a write is readable as soon as its position is reached, with no polling floor); a slow
poll picks up writes made by other processes. On PostgreSQL a listener thread iterates the
recorder's LISTEN/NOTIFY subscription and wakes the runner for writes from other nodes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import Notification

from archive.exceptions import ArchiveError, ProjectionTimeout
from archive.faults import PoisonEvent, as_storage_failure
from archive.readmodels.base import LoggedEvent, Projection, iso_utc

log = logging.getLogger(__name__)

Decoder = Callable[[Notification], Any]


class ProjectionRunner:
    """Runs a group of projections over one log, in a background thread or on demand."""

    def __init__(
        self,
        name: str,
        recorder: Any,
        decode: Decoder,
        projections: Sequence[Projection],
        *,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        upstream: ProjectionRunner | None = None,
    ) -> None:
        self.name = name
        self.recorder = recorder
        self.decode = decode
        self.projections = list(projections)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.upstream = upstream  # a runner whose models this group reads (search reads history)
        self._positions = {p.name: p.position() for p in self.projections}
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._step_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._subscription: Any = None
        self.error: BaseException | None = None
        self._advanced: list[Callable[[int], None]] = []

    def on_advance(self, listener: Callable[[int], None]) -> None:
        """Call listener with the new position after every batch (downstream runners wake)."""
        self._advanced.append(listener)

    # Positions ---------------------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        return dict(self._positions)

    def position(self) -> int:
        return min(self._positions.values(), default=0)

    def reload_positions(self) -> None:
        """Re-read each projection's durable position (after a reset)."""
        with self._changed:
            self._positions = {p.name: p.position() for p in self.projections}

    def head(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    # Driving -----------------------------------------------------------------------------

    def step(self) -> int:
        """Process one batch; returns how many notifications were read."""
        with self._step_lock:
            start = self.position()
            if self.upstream is not None:
                ceiling = self.upstream.position()
                if ceiling <= start:
                    return 0
            else:
                ceiling = None
            notifications = self.recorder.select_notifications(
                start=start, limit=self.batch_size, stop=ceiling, inclusive_of_start=False
            )
            if not notifications:
                return 0
            batch = []
            for n in notifications:
                try:
                    batch.append(self._logged(n))
                except Exception as exc:  # noqa: BLE001 - any unreadable event stops the group here
                    if not batch:  # everything before it has been processed: stop, naming it
                        raise PoisonEvent(n.id, str(n.originator_id), n.originator_version, n.topic, exc,
                                          self.name) from exc
                    break  # process the readable events before it first
            up_to = batch[-1].position
            for projection in self.projections:
                done = self._positions[projection.name]
                if done >= up_to:
                    continue
                try:
                    projection.process([e for e in batch if e.position > done], up_to)
                except Exception as exc:
                    failure = as_storage_failure(exc, location_of(projection))
                    if failure is None:
                        raise
                    raise failure from exc
                with self._changed:
                    self._positions[projection.name] = up_to
                    self._changed.notify_all()
            for listener in self._advanced:
                listener(up_to)
            return len(batch)

    def _logged(self, n: Notification) -> LoggedEvent:
        event = self.decode(n)
        return LoggedEvent(
            position=n.id,
            originator_id=str(n.originator_id),
            originator_version=n.originator_version,
            topic=n.topic,
            state=n.state,
            event=event,
            recorded_at=iso_utc(event.timestamp),
        )

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Process until the head of the log; returns the number of notifications read."""
        total = 0
        while True:
            try:
                count = self.step()
            except Exception as exc:
                self._failed(exc)
                raise
            self._recovered()
            if count == 0:
                return total
            total += count
            if progress is not None:
                progress(self.position())

    def wake(self, _position: int | None = None) -> None:
        self._wake.set()

    def wait(self, position: int | None, timeout: float = 10.0) -> None:
        """Block until every projection has processed `position` (a write's notification id)."""
        if not position:
            return
        if self._thread is None:  # not running in the background: do the work here
            try:
                while self.position() < position and self.step():
                    pass
            except Exception as exc:  # noqa: BLE001 - reported below as this group having stopped
                self._failed(exc)
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.position() < position:
                stopped = self.error
                if stopped is None and self.upstream is not None and self.upstream.position() < position:
                    stopped = self.upstream.error  # this group cannot pass where the one it reads stopped
                if stopped is not None:
                    raise ProjectionTimeout(f"{self.name} stopped: {stopped}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProjectionTimeout(
                        f"{self.name} read models reached {self.position()}, not {position}, in {timeout}s"
                    )
                self._changed.wait(min(remaining, 0.05))

    def start(self, subscribe: bool = False) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"projections-{self.name}", daemon=True)
        self._thread.start()
        if subscribe:
            self._listener = threading.Thread(target=self._listen, name=f"listen-{self.name}", daemon=True)
            self._listener.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._subscription is not None:
            try:
                self._subscription.stop()
            except Exception:  # noqa: BLE001 - stopping must never fail the shutdown
                log.debug("subscription stop failed", exc_info=True)
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._listener is not None:
            self._listener.join(timeout=5)
            self._listener = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                count = self.step()
                self._recovered()
            except Exception as exc:  # noqa: BLE001 - keep following (disk space may come back); report in status
                self._failed(exc)
                count = 0
                self._stop.wait(1.0)
            if count == 0:
                self._wake.wait(self.poll_interval)
                self._wake.clear()

    def _failed(self, exc: BaseException) -> None:
        """Remember why the group stopped; log it once, not on every retry."""
        if self.error is None or str(self.error) != str(exc):
            if isinstance(exc, ArchiveError):  # named precisely already: no traceback needed
                log.error("projections %s stopped at %d: %s", self.name, self.position(), exc)
            else:
                log.exception("projections %s stopped at %d", self.name, self.position())
        self.error = exc
        with self._changed:
            self._changed.notify_all()  # writers waiting for a position hear it now, not at their timeout

    def _recovered(self) -> None:
        if self.error is not None:
            log.warning("projections %s running again after: %s", self.name, self.error)
            self.error = None

    def _listen(self) -> None:
        """PostgreSQL: wake on every notification the database announces (other nodes' writes)."""
        try:
            with self.recorder.subscribe(gt=self.position()) as subscription:
                self._subscription = subscription
                for _notification in subscription:
                    if self._stop.is_set():
                        break
                    self._wake.set()
        except Exception:  # noqa: BLE001 - the poll still follows the log
            log.debug("subscription ended", exc_info=True)


def location_of(projection: Projection) -> str:
    """Where a projection keeps its data, for error messages (a file, a directory or the database)."""
    index_dir = getattr(projection, "index_dir", None)
    if index_dir is not None:
        return f"the search index {index_dir}"
    path = getattr(getattr(projection, "db", None), "path", None)
    if path is not None:
        return f"the read models {path}"
    return f"the {projection.name} read models in PostgreSQL"
