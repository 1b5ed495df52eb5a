"""The event store's recorders, naming the database when storage refuses a write.

eventsourcing reports a full disk as a bare `OperationalError: database or disk is full`;
these subclasses (selected by `APPLICATION_RECORDER_TOPIC`) turn it into a `StorageFailure`
that names the event store, so the API answers 507 and the CLI says which file. Nothing else
about recording changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from archive.faults import as_storage_failure


class SQLiteEventStore(SQLiteApplicationRecorder):
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, **kwargs)
        except Exception as exc:
            failure = as_storage_failure(exc, f"the event store {self.datastore.pool.db_name}")
            if failure is None:
                raise
            raise failure from exc


class PostgresEventStore(PostgresApplicationRecorder):
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
