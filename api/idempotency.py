"""Idempotency-Key support: a retried write returns the original response, never a second event.

Keys are scoped to the caller and stored with a hash of the request (method, path, body), in
the event store's own database (`archive.claims`): the claim is written in the same
transaction as the command's events, so every node sharing the database, and every retry after
a crash, finds it. The response is added to the claim right after the save; if the process
died before that, the response is rebuilt from the claimed record (same status and body).
A command that stores nothing (a create whose natural key exists) is claimed afterwards.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archive.claims import DDL, TABLE
from archive.readmodels.db import ReadDatabase

MAX_KEY_LENGTH = 200
# Requests with the same key share one of these locks (striped, so the set never grows).
LOCK_STRIPES = 64


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claimed:
    """A key's claim: what request took it, which record it wrote, and the answer if kept."""

    request_hash: str
    token: str
    record_id: str | None
    record_version: int | None
    position: int | None
    response: StoredResponse | None


def request_hash(method: str, path: str, body: str) -> str:
    return hashlib.sha256(f"{method}\n{path}\n{body}".encode()).hexdigest()


class IdempotencyStore:
    """The claims table, read and completed by the web layer (the recorder inserts claims)."""

    def __init__(self, db: ReadDatabase, *, owns_db: bool = False) -> None:
        self.db = db
        self._owns_db = owns_db
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]
        with db.transaction() as cur:
            cur.execute(DDL)

    @property
    def location(self) -> str:
        """Where the keys are kept, for error messages."""
        path = getattr(self.db, "path", None)
        return f"the idempotency keys in {path}" if path is not None else "the idempotency keys in PostgreSQL"

    @contextmanager
    def hold(self, caller: str, key: str) -> Iterator[None]:
        """Serialise requests with the same key in this process (a retry racing the original).

        Across nodes the claim in the events' transaction settles a race: one stores events,
        the other's transaction rolls back and it replays the winner's answer.
        """
        with self._locks[hash((caller, key)) % LOCK_STRIPES]:
            yield

    def get(self, caller: str, key: str) -> Claimed | None:
        with self.db.read(snapshot=False) as cur:
            row = cur.execute(
                f"SELECT request_hash, token, record_id, record_version, position, status, body FROM {TABLE} "
                "WHERE caller = ? AND key = ?",
                (caller, key),
            ).fetchone()
        if row is None:
            return None
        response = None
        if row["status"] is not None and row["body"] is not None:
            response = StoredResponse(row["request_hash"], int(row["status"]), json.loads(row["body"]))
        version = row["record_version"]
        position = row["position"]
        return Claimed(row["request_hash"], row["token"], row["record_id"],
                       None if version is None else int(version), None if position is None else int(position), response)

    def respond(self, caller: str, key: str, token: str, stored: StoredResponse) -> None:
        """Keep the answer on the claim this request made (in the events' transaction)."""
        with self.db.transaction() as cur:
            cur.execute(
                f"UPDATE {TABLE} SET status = ?, body = ? WHERE caller = ? AND key = ? AND token = ?",
                (stored.status, json.dumps(stored.body), caller, key, token),
            )

    def put(self, caller: str, key: str, stored: StoredResponse) -> None:
        """Claim a key for a command that stored no event (nothing to claim it alongside)."""
        with self.db.transaction() as cur:  # committed: durable before the client hears back
            cur.execute(
                f"INSERT INTO {TABLE} (caller, key, request_hash, token, record_id, record_version, position, "
                "status, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (caller, key) DO NOTHING",
                (caller, key, stored.request_hash, uuid.uuid4().hex, stored.body.get("id"), stored.body.get("version"),
                 stored.body.get("position"), stored.status, json.dumps(stored.body), datetime.now(UTC).isoformat()),
            )

    def forget_all(self) -> None:
        """Drop every claim (tests simulate keys lost in a crash)."""
        with self.db.transaction() as cur:
            cur.execute(f"DELETE FROM {TABLE}")

    def close(self) -> None:
        if self._owns_db:
            self.db.close()
