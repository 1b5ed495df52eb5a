"""Follows the notification log and feeds projections in batches, each in its own transaction.

A batch is read once from the lowest position of the projections that are running and decoded
once; every projection takes the events it has not processed. One that fails stops alone and is
tried again every `retry_after` seconds, so a bad event or a bug in one read model never holds
the others back (the stopped one's error names the event; `protokoll status` shows it).

eventsourcing's SQLite recorder has no `subscribe()`, so the runner reads
`select_notifications` from the lowest tracked position. The application wakes it on every
save (a write is readable as soon as its position is reached, with no polling floor); a slow
poll picks up writes made by other processes. On PostgreSQL a listener thread iterates the
recorder's LISTEN/NOTIFY subscription and wakes the runner for writes from other nodes.
"""

from __future__ import annotations

import gc
import logging
import os
import select
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

import orjson
from eventsourcing.persistence import Notification

from archive.exceptions import ArchiveError, ProjectionTimeout
from archive.faults import PoisonEvent, as_storage_failure, error_report, from_error_report
from archive.readmodels.base import LoggedEvent, Projection, after, iso_utc

if TYPE_CHECKING:
    from archive.readmodels.process import ProjectorLink

log = logging.getLogger(__name__)

Decoder = Callable[[Notification], Any]
# While behind (a catch-up, a rebuild), batches double up to this many events or this many stored
# bytes, whichever comes first (see ProjectionRunner.step): the read models' rows have random keys,
# so a bigger batch dirties each b-tree page once for more rows, and a commit writes fewer pages
# per event. The byte bound keeps a batch of long minutes as small in memory as one of statements.
CATCH_UP_BATCH_LIMIT = 16_000
CATCH_UP_BATCH_BYTES = 32 * 1024 * 1024
FULL_COLLECTION_INTERVAL = 30.0  # seconds at least between full collections in a projector process


class ProjectionRunner:
    """Runs a group of projections over one log, in a background thread or on demand.

    Each projection has its own position and its own error: one that cannot take an event
    stops just before it (and is retried now and then), the others go on. An event that
    cannot be decoded stops only the projections that read decoded events (`needs_decoded`).
    """

    def __init__(
        self,
        name: str,
        recorder: Any,
        decode: Decoder,
        projections: Sequence[Projection],
        *,
        batch_size: int = 500,
        max_batch_size: int = CATCH_UP_BATCH_LIMIT,
        poll_interval: float = 0.5,
        upstream: ProjectionRunner | None = None,
        reads: Sequence[str] = (),
        retry_after: float = 1.0,
    ) -> None:
        self.name = name
        self.recorder = recorder
        self.decode = decode
        self.projections = list(projections)
        self.batch_size = batch_size
        # Batches grow while each comes back full (the group is behind: a catch-up or a rebuild),
        # so a commit per model and the per-batch work are paid per thousands of events; a
        # batch that is not full (the group is at the head, following live) brings the size back.
        self.max_batch_size = max(batch_size, min(32 * batch_size, max_batch_size))
        self._limit = batch_size
        self.poll_interval = poll_interval
        self.upstream = upstream  # a runner whose models this group reads (search reads history)
        self.reads = tuple(reads)  # which of the upstream's projections (all when empty)
        self.retry_after = retry_after
        self._positions = {p.name: p.position() for p in self.projections}
        self._errors: dict[str, BaseException] = {}
        self._retry_at: dict[str, float] = {}
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._step_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None
        self._subscription: Any = None
        self._group_error: BaseException | None = None  # the log itself could not be read
        self._advanced: list[Callable[[int], None]] = []
        self._link: ProjectorLink | None = None  # the projector process doing this group's work, if any

    def on_advance(self, listener: Callable[[int], None]) -> None:
        """Call listener with the new position after every batch (downstream runners wake)."""
        self._advanced.append(listener)

    # Positions and errors ----------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        return dict(self._positions)

    def position(self, of: Sequence[str] = ()) -> int:
        """The lowest position of the group (or of the named projections)."""
        return min((v for k, v in self._positions.items() if not of or k in of), default=0)

    def errors(self) -> dict[str, BaseException]:
        """Why each stopped projection stopped (the log itself unreadable stops them all)."""
        if self._group_error is not None:
            return {p.name: self._group_error for p in self.projections}
        return dict(self._errors)

    @property
    def error(self) -> BaseException | None:
        """Why the group (or the first of its projections that stopped) stopped, or None."""
        errors = self.errors()
        return next((errors[p.name] for p in self.projections if p.name in errors), None)

    def upstream_error(self) -> BaseException | None:
        """Why the models this group reads stopped, when this group waits where they stopped."""
        if self.upstream is None or self.position() < self.upstream.position(self.reads):
            return None
        errors = self.upstream.errors()
        return next((errors[n] for n in (self.reads or errors) if n in errors), None)

    def reload_positions(self) -> None:
        """Re-read each projection's durable position (after a reset or a swap)."""
        with self._changed:
            self._positions = {p.name: p.position() for p in self.projections}
            self._errors.clear()
            self._retry_at.clear()

    def head(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    # Driving -----------------------------------------------------------------------------

    def step(self) -> int:
        """Process one batch; returns how many notifications a projection took in (0: nothing to do)."""
        with self._step_lock:
            now = time.monotonic()
            due = [p for p in self.projections if self._retry_at.get(p.name, 0.0) <= now]
            if not due:
                return 0
            start = min(self._positions[p.name] for p in due)
            if self.upstream is not None:
                ceiling: int | None = self.upstream.position(self.reads)
                if ceiling is not None and ceiling <= start:
                    return 0
            else:
                ceiling = None
            limit = self._limit
            notifications = self.recorder.select_notifications(
                start=start, limit=limit, stop=ceiling, inclusive_of_start=False
            )
            self._limit = self._next_limit(limit, notifications)
            if not notifications:
                return 0
            with collection_paused():
                batch = [self._logged(n) for n in notifications]
                poisoned = any(e.poison is not None for e in batch)
                taken = 0
                for projection in due:
                    taken = max(taken, self._feed(projection, batch, poisoned))
                # The batch dies here, before the collector runs again: objects it still held
                # would be moved to an older generation and walked by full collections.
                for projection in due:
                    projection.batch_done()
                del batch, notifications
            with self._changed:
                self._changed.notify_all()
            if taken:
                for listener in self._advanced:
                    listener(self.position())
            return taken

    def _next_limit(self, limit: int, notifications: Sequence[Notification]) -> int:
        """Double while batches come back full and small; halve one over the byte bound; back to
        `batch_size` once a batch is not full (the group is at the head, following live)."""
        if len(notifications) < limit:
            return self.batch_size
        read = sum(len(n.state) for n in notifications)
        if read > CATCH_UP_BATCH_BYTES:
            return max(self.batch_size, limit // 2)
        if read * 2 > CATCH_UP_BATCH_BYTES:
            return limit
        return min(2 * limit, self.max_batch_size)

    def _feed(self, projection: Projection, batch: Sequence[LoggedEvent], poisoned: bool) -> int:
        """Give one projection the events of the batch it has not processed; returns how many."""
        done = self._positions[projection.name]
        events = after(batch, done, lambda e: e.position)
        if not events:
            return 0
        poison = None
        if projection.needs_decoded and poisoned:
            poison = next((e.poison for e in events if e.poison is not None), None)
            if poison is not None:  # everything before it first; it stops this projection only
                events = [e for e in events if e.position < poison.notification_id]
        try:
            if events:
                projection.process(events, events[-1].position)
        except Exception as exc:  # noqa: BLE001 - this projection stops here, the others go on
            failure: BaseException = exc
            if not isinstance(exc, ArchiveError):
                failure = as_storage_failure(exc, location_of(projection)) or exc
            self._stopped(projection, failure)
            return 0
        if events:
            with self._changed:
                self._positions[projection.name] = events[-1].position
        if poison is not None:
            self._stopped(projection, poison)
        else:
            self._running(projection)
        return len(events)

    def _stopped(self, projection: Projection, error: BaseException) -> None:
        """Remember why the projection stopped; log it once, not on every retry."""
        try:  # a projection may have committed part of the batch before the event it refused
            reached = projection.position()
        except Exception:  # noqa: BLE001 - the position stays as it was known
            reached = self._positions[projection.name]
        previous = self._errors.get(projection.name)
        with self._changed:
            self._positions[projection.name] = max(reached, self._positions[projection.name])
            self._errors[projection.name] = error
            self._retry_at[projection.name] = time.monotonic() + self.retry_after
            self._changed.notify_all()  # writers waiting for a position hear it now, not at their timeout
        if previous is None or str(previous) != str(error):
            where = f"{self.name}/{projection.name}"
            if isinstance(error, ArchiveError):  # named precisely already: no traceback needed
                log.error("projection %s stopped at %d: %s", where, self._positions[projection.name], error)
            else:
                log.error("projection %s stopped at %d", where, self._positions[projection.name], exc_info=error)

    def _running(self, projection: Projection) -> None:
        error = self._errors.pop(projection.name, None)
        self._retry_at.pop(projection.name, None)
        if error is not None:
            log.warning("projection %s/%s running again after: %s", self.name, projection.name, error)

    def _logged(self, n: Notification) -> LoggedEvent:
        """The notification with its decoded event, or with the reason it cannot be decoded."""
        try:
            event = self.decode(n)
            recorded_at = iso_utc(event.timestamp)  # every event the projections read carries one
        except Exception as exc:  # noqa: BLE001 - any unreadable event is named, not raised here
            poison = PoisonEvent(n.id, str(n.originator_id), n.originator_version, n.topic, exc, self.name)
            return LoggedEvent(n.id, str(n.originator_id), n.originator_version, n.topic, n.state, None, "", poison)
        # position, originator id, version, topic, stored bytes, event, record time (by position:
        # one is made per event of every catch-up, and keywords cost a third more)
        return LoggedEvent(n.id, str(n.originator_id), n.originator_version, n.topic, n.state, event, recorded_at)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Process until the head of the log; returns the number of notifications read.

        Stopped projections are tried again first. The others are taken as far as they go; then
        the first projection that stopped raises its error (callers that only want the report
        catch it: `status` shows it).
        """
        with self._changed:
            self._retry_at.clear()
        total = 0
        with collection_paused():  # from batch to batch (see young_collection)
            while True:
                try:
                    count = self.step()
                except Exception as exc:
                    self._failed(exc)
                    raise
                self._recovered()
                if count == 0:
                    break
                total += count
                young_collection()
                if progress is not None:
                    progress(self.position())
        error = self.error
        if error is not None:
            raise error
        return total

    def wake(self, _position: int | None = None) -> None:
        self._wake.set()
        link = self._link
        if link is not None:
            link.wake()

    def _blocking(self, position: int) -> BaseException | None:
        """Why `position` will not be reached by itself: a projection stopped below it, here or upstream."""
        errors = self.errors()
        for name, reached in self.positions().items():
            if reached < position and name in errors:
                return errors[name]
        if self.upstream is not None and self.upstream.position(self.reads) < position:
            upstream = self.upstream.errors()  # this group cannot pass where the models it reads stopped
            return next((upstream[n] for n in (self.reads or list(upstream)) if n in upstream), None)
        return None

    def wait(self, position: int | None, timeout: float = 10.0) -> None:
        """Block until every projection has processed `position` (a write's notification id)."""
        if not position:
            return
        if self._thread is None:  # not running in the background: do the work here
            try:
                while self.position() < position and self.step():
                    pass
                self._recovered()
            except Exception as exc:  # noqa: BLE001 - reported below as this group having stopped
                self._failed(exc)
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.position() < position:
                stopped = self._blocking(position)
                if stopped is not None:
                    raise ProjectionTimeout(f"{self.name} stopped: {stopped}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProjectionTimeout(
                        f"{self.name} read models reached {self.position()}, not {position}, in {timeout}s"
                    )
                self._changed.wait(min(remaining, 0.05))

    def start(self, subscribe: bool = False, link: ProjectorLink | None = None,
              before: Callable[[], object] | None = None) -> None:
        """Follow the log in a background thread, or (with `link`) hear a projector process do it.

        `before` runs first in that thread (a head start such as loading the search index in bulk:
        ArchiveService.index_from_read_models); if it fails, the thread follows the log anyway.
        """
        if self._thread is not None:
            return
        self._stop.clear()
        if link is not None:
            self._link = link
            self._thread = threading.Thread(target=self._follow_link, args=(link,), name=f"projector-{self.name}",
                                            daemon=True)
            self._thread.start()
            return
        self._thread = threading.Thread(target=self._run, args=(before,), name=f"projections-{self.name}",
                                        daemon=True)
        self._thread.start()
        if subscribe:
            self._listener = threading.Thread(target=self._listen, name=f"listen-{self.name}", daemon=True)
            self._listener.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        link, self._link = self._link, None
        if link is not None:
            link.close()
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

    def _run(self, before: Callable[[], object] | None = None) -> None:
        if before is not None:
            try:
                before()
            except Exception:  # noqa: BLE001 - a head start only: following the log does the same work
                log.warning("%s: head start failed, following the log from its position", self.name, exc_info=True)
        while not self._stop.is_set():
            with collection_paused():  # while batches keep coming (see young_collection)
                while not self._stop.is_set() and self._following_step():
                    young_collection()
            if self._group_error is not None:
                self._stop.wait(1.0)
            self._wake.wait(self.poll_interval)
            self._wake.clear()

    # A projector process (archive.readmodels.process) --------------------------------------

    def report(self) -> dict[str, Any]:
        """Positions and errors as plain data: what a projector process tells its parent."""
        with self._changed:
            group = self._group_error
            return {"positions": dict(self._positions),
                    "errors": {name: error_report(e) for name, e in self._errors.items()},
                    "group_error": None if group is None else error_report(group)}

    def apply_report(self, report: dict[str, Any]) -> None:
        """Take a projector process's report as this group's state, and wake whoever waits on it."""
        with self._changed:
            for name, position in report["positions"].items():
                if name in self._positions:
                    self._positions[name] = int(position)
            self._errors = {name: from_error_report(e) for name, e in report["errors"].items()}
            group = report.get("group_error")
            self._group_error = None if group is None else from_error_report(group)
            self._changed.notify_all()
        for listener in self._advanced:
            listener(self.position())

    def follow_for_parent(self, wakes: int, reports: IO[bytes]) -> None:
        """The projector process's loop: a batch; a report when anything changed; then, with
        nothing to do, wait for a wake on `wakes` or the poll interval. Ends when `wakes` closes."""
        # This process does nothing else, so the collector is driven here rather than by its
        # thresholds: the young between batches (young_collection), the whole heap when idle, at
        # most every FULL_COLLECTION_INTERVAL seconds. Following live, the process is at the head
        # between saves, so pausing only while busy left the full collections in.
        gc.disable()
        try:
            self._follow(wakes, reports)
        finally:
            gc.enable()

    def _follow(self, wakes: int, reports: IO[bytes]) -> None:
        last = None
        full_collected = time.monotonic()
        while True:
            while True:
                count = self._following_step()
                state = self.report()
                if state != last:
                    reports.write(orjson.dumps(state) + b"\n")
                    reports.flush()
                    last = state
                if count == 0:
                    break
                young_collection()
            if time.monotonic() - full_collected > FULL_COLLECTION_INTERVAL:
                gc.collect()
                full_collected = time.monotonic()
            ready, _, _ = select.select([wakes], [], [], self.poll_interval)
            if ready and not os.read(wakes, 65536):
                return

    def _following_step(self) -> int:
        """A batch for a loop that keeps following: a failure to read the log is kept for
        `status` and the parent's report (`_failed`), and the loop tries again after its pause."""
        try:
            count = self.step()
        except Exception as exc:  # noqa: BLE001 - keep following (disk space may come back)
            self._failed(exc)
            return 0
        self._recovered()
        return count

    def _follow_link(self, link: ProjectorLink) -> None:
        """The parent's thread: apply the child's reports; if the child dies, follow the log here."""
        for report in link.reports():
            self.apply_report(report)
        if self._stop.is_set():
            return
        code = link.close(timeout=5)
        log.error("projector process of %s ended (exit code %s): following the log in this process", self.name, code)
        self._link = None
        self.reload_positions()
        self._thread = threading.Thread(target=self._run, name=f"projections-{self.name}", daemon=True)
        self._thread.start()

    def _failed(self, exc: BaseException) -> None:
        """The log itself could not be read: every projection of the group waits. Logged once."""
        previous = self._group_error
        if previous is None or str(previous) != str(exc):
            if isinstance(exc, ArchiveError):  # named precisely already: no traceback needed
                log.error("projections %s stopped at %d: %s", self.name, self.position(), exc)
            else:
                log.exception("projections %s stopped at %d", self.name, self.position())
        with self._changed:
            self._group_error = exc
            self._changed.notify_all()  # writers waiting for a position hear it now, not at their timeout

    def _recovered(self) -> None:
        if self._group_error is not None:
            log.warning("projections %s running again after: %s", self.name, self._group_error)
            self._group_error = None

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


# Container objects (allocated less freed) a run of batches may leave before the young are collected.
YOUNG_COLLECTION_AT = 200_000


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is decoded, replayed and written.

    A batch allocates thousands of objects that live until it is written (events, views, rows),
    so the collector would run over and over, each time walking the replay's cache of live
    records too (a third of a catch-up's time went to it). What the batch leaves behind is
    collected after it, as usual. Another thread's batch may end the pause early: only slower.
    While batches keep coming, the loops stay paused from batch to batch (`young_collection`).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def young_collection() -> None:
    """After a batch, with the collector paused: the young objects are collected once batches have
    left YOUNG_COLLECTION_AT more of them than they freed; the long-lived heap is not walked.

    Re-enabled between batches, the collector's full collections walked the replay's cache of
    live records again and again (~10 µs an event, measured). Collecting the young after every
    batch still walked each record the cache took in (~3 µs an event at 100k): most of them die
    by reference counting, when newer records take their place, so the count since the last
    collection (allocations less deallocations) stays low and nothing is walked. Cycles do not
    die that way: they raise the count until a collection takes them (none were found in a
    catch-up of 100k events). What becomes garbage in the oldest generation meanwhile waits for
    the loop to rest."""
    if gc.get_count()[0] > YOUNG_COLLECTION_AT:
        gc.collect(1)


def location_of(projection: Projection) -> str:
    """Where a projection keeps its data, for error messages (a file, a directory or the database)."""
    index_dir = getattr(projection, "index_dir", None)
    if index_dir is not None:
        return f"the search index {index_dir}"
    path = getattr(getattr(projection, "db", None), "path", None)
    if path is not None:
        return f"the read models {path}"
    return f"the {projection.name} read models in PostgreSQL"
