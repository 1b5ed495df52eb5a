"""The event store's recorders: Idempotency-Key claims in the events' transaction, named storage errors.

Selected by `APPLICATION_RECORDER_TOPIC` (see `Settings.eventsourcing_env`). Two additions to
eventsourcing's recorders, nothing else about recording changes:
- a claim set by a write route (`archive.claims.claiming`) is inserted in the same transaction
  as the events; if another request holds the key, the transaction rolls back (`ClaimTaken`);
- a full or read-only disk becomes a `StorageFailure` naming the event store (the API answers
  507/503, the CLI names the file) instead of a bare `OperationalError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from archive.claims import DDL, INSERT, SELECT_TOKEN, ClaimTaken, current_claim
from archive.faults import as_storage_failure


def _last(stored_events: Sequence[StoredEvent]) -> tuple[str | None, int | None]:
    """The record the claim answers for: the last event saved (a command saves its record last)."""
    if not stored_events:
        return None, None
    last = stored_events[-1]
    return str(last.originator_id), int(last.originator_version)


class SQLiteEventStore(SQLiteApplicationRecorder):
    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            c.execute(DDL)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except Exception as exc:
            failure = as_storage_failure(exc, f"the event store {self.datastore.pool.db_name}")
            if failure is None:
                raise
            raise failure from exc

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        claim = current_claim()
        if claim is not None:
            record_id, record_version = _last(stored_events)
            c.execute(INSERT, claim.row(record_id, record_version, max(ids) if ids else None))
            c.execute(SELECT_TOKEN, (claim.caller, claim.key))
            row = c.fetchone()
            if row is None or row[0] != claim.token:
                raise ClaimTaken("this Idempotency-Key is held by another request")  # rolls the events back
        return ids


    def position_of(self, record_id: str, version: int) -> int | None:
        """The notification id of one stored event (to rebuild an answer from a claim)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid FROM {self.events_table_name} WHERE originator_id = ? AND originator_version = ?",
                      (UUID(record_id).hex, version))
            row = c.fetchone()
        return None if row is None else int(row[0])


class PostgresEventStore(PostgresApplicationRecorder):
    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(DDL)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            # The library wraps this method in an untyped @retry, so mypy sees Any: the result is declared here.
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        except Exception as exc:
            failure = as_storage_failure(exc, f"the event store (PostgreSQL table {self.events_table_name})")
            if failure is None:
                raise
            raise failure from exc

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        # Runs first inside the events' transaction (eventsourcing's hook for "other things").
        # The insert waits for a concurrent holder of the key to finish, then sees its row.
        super()._insert_events(curs, stored_events, **kwargs)
        claim = current_claim()
        if claim is not None:
            record_id, record_version = _last(stored_events)
            curs.execute(INSERT.replace("?", "%s"), claim.row(record_id, record_version, None))
            curs.execute(SELECT_TOKEN.replace("?", "%s"), (claim.caller, claim.key))
            row = curs.fetchone()
            if row is None or row["token"] != claim.token:
                raise ClaimTaken("this Idempotency-Key is held by another request")  # rolls the events back

    def position_of(self, record_id: str, version: int) -> int | None:
        """The notification id of one stored event (claims made here know the record, not the id)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT notification_id FROM {self.events_table_name} "  # noqa: S608 - the library's own name
                "WHERE originator_id = %s AND originator_version = %s",
                (UUID(record_id), version),
            )
            row = curs.fetchone()
        return None if row is None else int(row["notification_id"])
