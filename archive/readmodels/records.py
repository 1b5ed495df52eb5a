"""The read models (catalog, history, people, ledger) fed from one shared replay.

Each model keeps its own tracking row, but the group commits one transaction per batch:
the replay of the domain events (the costly part) is done once, and every model's rows and
position become durable together — exactly once, resumable, rebuildable.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from archive.readmodels.base import Change, LoggedEvent, Projection, RecordModel, dumps, loads
from archive.readmodels.db import ReadDatabase
from archive.readmodels.replay import LoadRecord, RecordStates, is_record_topic

log = logging.getLogger(__name__)

# The group's own tracking row: the lock PostgreSQL nodes take turns on, and the replay's position.
STATES = "record_states"
# Earlier versions kept the replay's states in this table; the event store is read instead now.
LEGACY_TABLES = ("rm_record_state",)


class RecordProjections(Projection):
    name = "records"

    def __init__(self, db: ReadDatabase, models: Sequence[RecordModel], load: LoadRecord) -> None:
        self.db = db
        self.models = list(models)
        self.states = RecordStates(load)
        with db.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS rm_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
            for name in [STATES, *(m.name for m in self.models)]:
                cur.execute(
                    "INSERT INTO rm_tracking (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,)
                )
            for model in self.models:
                model.create(cur)
        positions = self.parts()
        if len(set(positions.values())) > 1:
            # They only ever commit together; unequal positions mean a model was dropped by hand.
            log.warning("record read models out of step %s: rebuilding them", positions)
            self.reset()

    def parts(self) -> dict[str, int]:
        with self.db.read() as cur:
            rows = cur.execute("SELECT name, position FROM rm_tracking").fetchall()
        known = {r["name"]: int(r["position"]) for r in rows}
        return {name: known.get(name, 0) for name in [STATES, *(m.name for m in self.models)]}

    def position(self) -> int:
        return min(self.parts().values())

    def process(self, events: Sequence[LoggedEvent], up_to: int) -> None:
        try:
            with self.db.transaction() as cur:
                # FOR UPDATE: API nodes sharing one PostgreSQL database take turns per batch.
                lock = " FOR UPDATE" if self.db.dialect == "postgres" else ""
                row = cur.execute(f"SELECT position FROM rm_tracking WHERE name = ?{lock}", (STATES,)).fetchone()
                done = int(row["position"]) if row else 0
                changes = []
                for logged in events:
                    if logged.position <= done or not is_record_topic(logged.topic):
                        continue
                    record = self.states.advance(logged.originator_id, logged.event)
                    if record is not None:
                        # The live object moves on with the next event: keep a copy of now.
                        view_json = dumps(record.view())
                        changes.append(Change(logged, record.KIND, loads(view_json), view_json, record.valid_from()))
                fresh = [e for e in events if e.position > done]
                for model in self.models:
                    model.apply(cur, changes)
                    model.apply_events(cur, fresh)
                cur.executemany(
                    "UPDATE rm_tracking SET position = ? WHERE name = ? AND position < ?",
                    [(up_to, name, up_to) for name in [STATES, *(m.name for m in self.models)]],
                )
        except BaseException:
            self.states.forget()
            raise
        self.states.committed()

    def reset(self) -> None:
        with self.db.transaction() as cur:
            for table in [*LEGACY_TABLES, *(t for m in self.models for t in m.tables)]:
                cur.execute(f"DROP TABLE IF EXISTS {table}")
            for model in self.models:
                model.create(cur)
            cur.executemany(
                "UPDATE rm_tracking SET position = 0 WHERE name = ?",
                [(name,) for name in [STATES, *(m.name for m in self.models)]],
            )
        self.states.forget()

    def digest(self) -> str:
        import hashlib

        return hashlib.sha256("".join(m.digest() for m in self.models).encode()).hexdigest()
