"""Idempotency-Key support: a retried write returns the original response, never a second event.

Keys are scoped to the caller and stored with a hash of the request (method, path, body) in a
small SQLite file in the data directory. The response is stored as soon as the command has been
saved, before waiting for the read models, so a retry after a timeout still gets the success.
Creates additionally derive the record's natural key from the idempotency key, so even a crash
between the save and storing the response cannot produce a duplicate record.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status: int
    body: dict[str, Any]


def request_hash(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method}\n{path}\n{body}".encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        with self._conn() as conn:
            conn.execute(
                """CREATE TABLE IF NOT EXISTS idempotency (
                    caller TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
                    PRIMARY KEY (caller, key))"""
            )

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
            with self._locks_guard:
                self._connections.append(conn)
        return conn

    @contextmanager
    def hold(self, caller: str, key: str) -> Iterator[None]:
        """Serialise requests with the same key in this process (a retry racing the original)."""
        with self._locks_guard:
            lock = self._locks.setdefault((caller, key), threading.Lock())
        with lock:
            yield

    def get(self, caller: str, key: str) -> StoredResponse | None:
        row = self._conn().execute(
            "SELECT request_hash, status, body FROM idempotency WHERE caller = ? AND key = ?", (caller, key)
        ).fetchone()
        return StoredResponse(row[0], int(row[1]), json.loads(row[2])) if row else None

    def put(self, caller: str, key: str, stored: StoredResponse) -> None:
        with self._conn() as conn:  # commits; durable before the client hears back
            conn.execute(
                "INSERT OR IGNORE INTO idempotency (caller, key, request_hash, status, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (caller, key, stored.request_hash, stored.status, json.dumps(stored.body),
                 datetime.now(timezone.utc).isoformat()),
            )

    def close(self) -> None:
        with self._locks_guard:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
