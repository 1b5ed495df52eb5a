"""Idempotency-Key support: a retried write returns the original response, never a second event.

Keys are scoped to the caller and stored with a hash of the request (method, path, body). The
response is stored as soon as the command has been saved, before waiting for the read models,
so a retry after a timeout still gets the success. Creates additionally derive the record's
natural key from the idempotency key, so even a crash between the save and storing the
response cannot produce a duplicate record.

Where the keys live is passed in: a small SQLite file of the node's own on the embedded
default; on PostgreSQL the shared database, so a retry that reaches another node is recognised.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archive.readmodels.db import ReadDatabase

MAX_KEY_LENGTH = 200
TABLE = "api_idempotency"
# Requests with the same key share one of these locks (striped, so the set never grows).
LOCK_STRIPES = 64


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status: int
    body: dict[str, Any]


def request_hash(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method}\n{path}\n{body}".encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, db: ReadDatabase, *, owns_db: bool = False) -> None:
        self.db = db
        self._owns_db = owns_db
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]
        with db.transaction() as cur:
            cur.execute(
                f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                    caller TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
                    PRIMARY KEY (caller, key))"""
            )

    @property
    def location(self) -> str:
        """Where the keys are kept, for error messages."""
        path = getattr(self.db, "path", None)
        return f"the idempotency keys {path}" if path is not None else "the idempotency keys in PostgreSQL"

    @contextmanager
    def hold(self, caller: str, key: str) -> Iterator[None]:
        """Serialise requests with the same key in this process (a retry racing the original).

        Across PostgreSQL nodes a simultaneous race is settled by the command itself: creates
        by the natural key derived from the idempotency key, changes by `expected_version`.
        """
        with self._locks[hash((caller, key)) % LOCK_STRIPES]:
            yield

    def get(self, caller: str, key: str) -> StoredResponse | None:
        with self.db.read(snapshot=False) as cur:
            row = cur.execute(
                f"SELECT request_hash, status, body FROM {TABLE} WHERE caller = ? AND key = ?", (caller, key)
            ).fetchone()
        if row is None:
            return None
        return StoredResponse(row["request_hash"], int(row["status"]), json.loads(row["body"]))

    def put(self, caller: str, key: str, stored: StoredResponse) -> None:
        with self.db.transaction() as cur:  # committed: durable before the client hears back
            cur.execute(
                f"INSERT INTO {TABLE} (caller, key, request_hash, status, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (caller, key) DO NOTHING",
                (caller, key, stored.request_hash, stored.status, json.dumps(stored.body),
                 datetime.now(UTC).isoformat()),
            )

    def forget_all(self) -> None:
        """Drop every stored response (tests simulate a store lost in a crash)."""
        with self.db.transaction() as cur:
            cur.execute(f"DELETE FROM {TABLE}")

    def close(self) -> None:
        if self._owns_db:
            self.db.close()
