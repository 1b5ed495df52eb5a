"""The read models (catalog, history, people, ledger), each its own projection, sharing one replay.

Each model commits its rows and its own tracking position in its own transaction, so one that
cannot take an event stops alone, just before it, while the others go on. The replay of the
domain events (the costly part) is still done once per batch: models at the same position are
handed the same replayed changes (`SharedReplay`). The ledger hashes the stored bytes and needs
no replay at all, so it goes on past an event nobody can decode.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from archive.faults import PoisonEvent, storage_problem
from archive.readmodels.base import Change, LoggedEvent, Projection, RecordModel, after, dumps, loads
from archive.readmodels.db import Cursor, ReadDatabase
from archive.readmodels.fast_views import FAST_VIEWS, FastView
from archive.readmodels.replay import LoadRecord, RecordStates, is_record_topic

log = logging.getLogger(__name__)

# Earlier versions kept the replay's states in this table; the event store is read instead now.
LEGACY_TABLES = ("rm_record_state",)


@dataclass(frozen=True)
class Replayed:
    """The record changes of a run of events, and the event the replay could not pass (if any)."""

    changes: list[Change]
    failure: PoisonEvent | None


class SharedReplay:
    """The domain replay, done once for every model asking for the same run of events.

    States come from a cache checked by version (`RecordStates`), so a model that lags behind
    the others replays its own run correctly (missing states are read from the event store).
    """

    def __init__(self, load: LoadRecord, fast: bool = True) -> None:
        self.states = RecordStates(load)
        self.fast = fast  # new statements' views built from their events (fast_views), not by the domain
        self._last: tuple[tuple[int, int, int], Replayed] | None = None

    def changes(self, events: Sequence[LoggedEvent]) -> Replayed:
        key = (events[0].position, events[-1].position, len(events)) if events else (0, 0, 0)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        changes: list[Change] = []
        # Record id -> index of its latest change, whose view still shares lists and dicts with the
        # live object: copied (from its JSON, taken before anything moved) only when the object
        # moves on within this run. Most records change once per batch and need no copy.
        shared: dict[str, int] = {}
        failure = None
        for logged in events:
            if not is_record_topic(logged.topic):
                continue
            rid = logged.originator_id
            try:
                earlier = shared.pop(rid, None)
                if earlier is not None:
                    changes[earlier] = _copied(changes[earlier])
                fast = self._fast_view(logged)
                if fast is not None:
                    kind, view, valid_from = fast
                    self.states.created(rid, logged.event)
                else:
                    record = self.states.advance(rid, logged.event)
                    if record is None:
                        continue
                    kind, view, valid_from = record.KIND, record.view(), record.valid_from()
                shared[rid] = len(changes)
                changes.append(Change(logged, kind, view, dumps(view), valid_from))
            except Exception as exc:  # noqa: BLE001 - the domain cannot apply this event: name it
                self.states.forget()  # a half-applied event may have changed a cached object
                for index in shared.values():  # ... and the views sharing its lists: back to their JSON
                    changes[index] = _copied(changes[index])
                failure = PoisonEvent(logged.position, logged.originator_id, logged.originator_version,
                                      logged.topic, exc, "replay")
                break
        result = Replayed(changes, failure)
        # A failure is not kept: it may be passing (the event store unreachable), and a retry must ask again.
        self._last = (key, result) if failure is None else None
        self.states.committed()
        return result

    def _fast_view(self, logged: LoggedEvent) -> FastView | None:
        """The new record's view from its event, or None: the domain replays the event."""
        build = FAST_VIEWS.get(logged.topic) if self.fast else None
        if build is None:
            return None
        try:
            return build(logged.event, logged.originator_id)
        except Exception:  # noqa: BLE001 - the domain replays it and names what is wrong
            return None

    def release(self) -> None:
        """The run last replayed is not needed again (every model had it)."""
        self._last = None

    def forget(self) -> None:
        self._last = None
        self.states.forget()


def _copied(change: Change) -> Change:
    """The change with a view of its own (read back from its JSON), no longer the live object's."""
    return change._replace(view=loads(change.view_json))


def ensure_tracking(cur: Cursor, name: str) -> None:
    cur.execute("CREATE TABLE IF NOT EXISTS rm_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
    cur.execute("INSERT INTO rm_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,))


class ModelProjection(Projection):
    """One read model as a projection: its rows and its tracking row in one transaction per batch."""

    def __init__(self, model: RecordModel, replay: SharedReplay | None) -> None:
        self.model = model
        self.name = model.name
        self.db: ReadDatabase = model.db
        self.replay = replay
        # Only models fed record states need the decoded event; the ledger reads stored bytes.
        self.needs_decoded = replay is not None
        with self.db.transaction() as cur:
            ensure_tracking(cur, self.name)
            model.create(cur)

    def position(self) -> int:
        return self.model.position()

    def process(self, events: Sequence[LoggedEvent], up_to: int) -> None:
        changes: list[Change] = []
        failure = None
        if self.replay is not None:
            replayed = self.replay.changes(events)
            changes, failure = replayed.changes, replayed.failure
            if failure is not None:  # stop exactly before the event the domain could not apply
                events = [e for e in events if e.position < failure.notification_id]
                up_to = events[-1].position if events else 0
        if events:
            try:
                self._commit(changes, events, up_to)
            except Exception as exc:
                if storage_problem(exc) is not None:
                    raise
                self._one_by_one(changes, events)  # commits those before the event it cannot take, names it
                raise  # every event went in alone (a batch-only failure): the runner retries the batch
        if failure is not None:
            raise failure

    def _commit(self, changes: Sequence[Change], events: Sequence[LoggedEvent], up_to: int) -> None:
        with self.db.transaction() as cur:
            # FOR UPDATE: API nodes sharing one PostgreSQL database take turns per batch.
            lock = " FOR UPDATE" if self.db.dialect == "postgres" else ""
            row = cur.execute(f"SELECT position FROM rm_tracking WHERE name = ?{lock}", (self.name,)).fetchone()
            done = int(row["position"]) if row else 0
            if up_to > done:
                self.model.apply(cur, after(changes, done, lambda c: c.logged.position))
                self.model.apply_events(cur, after(events, done, lambda e: e.position))
                cur.execute("UPDATE rm_tracking SET position = ? WHERE name = ? AND position < ?",
                            (up_to, self.name, up_to))

    def _one_by_one(self, changes: Sequence[Change], events: Sequence[LoggedEvent]) -> None:
        """The batch failed in this model: take its events one at a time to find (and name) the one it cannot."""
        for logged in events:
            try:
                self._commit([c for c in changes if c.logged.position == logged.position], [logged], logged.position)
            except Exception as exc:
                if storage_problem(exc) is not None:
                    raise
                raise PoisonEvent(logged.position, logged.originator_id, logged.originator_version, logged.topic,
                                  exc, self.name, failed=f"cannot be applied to {self.name}") from exc

    def batch_done(self) -> None:
        if self.replay is not None:
            self.replay.release()

    def reset(self) -> None:
        with self.db.transaction() as cur:
            for table in self.model.tables:
                cur.execute(f"DROP TABLE IF EXISTS {table}")
            self.model.create(cur)
            ensure_tracking(cur, self.name)
            cur.execute("UPDATE rm_tracking SET position = 0 WHERE name = ?", (self.name,))
        if self.replay is not None:
            self.replay.forget()

    def digest(self) -> str:
        return self.model.digest()


def record_projections(db: ReadDatabase, models: Sequence[RecordModel], load: LoadRecord) -> list[ModelProjection]:
    """One projection per model; every model but the ledger is fed from one shared replay."""
    replay = SharedReplay(load)
    with db.transaction() as cur:
        for table in LEGACY_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
    return [ModelProjection(m, replay if m.needs_replay else None) for m in models]
