"""Idempotency-Key claims written in the same transaction as the events they answer for.

A write route sets the claim (`claiming`) around its command; the event store's recorder
(`archive.recorders`) inserts it beside the command's events. So a key is claimed exactly when
its events are stored: a crash after the save still leaves the claim for the retry to find, and
two nodes racing with one key cannot both store events (the loser's transaction rolls back and
it reads the winner's claim).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archive.exceptions import ArchiveError

TABLE = "idempotency_claims"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "caller TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, token TEXT NOT NULL, "
    "record_id TEXT, record_version INTEGER, position BIGINT, status INTEGER, body TEXT, "
    "created_at TEXT NOT NULL, PRIMARY KEY (caller, key))"
)


@dataclass(frozen=True)
class Claim:
    caller: str
    key: str
    request_hash: str
    token: str  # this request's own mark: a second save of the same request finds its own claim

    def row(self, record_id: str | None, record_version: int | None, position: int | None) -> tuple[Any, ...]:
        return (self.caller, self.key, self.request_hash, self.token, record_id, record_version, position,
                datetime.now(UTC).isoformat())


INSERT = (
    f"INSERT INTO {TABLE} (caller, key, request_hash, token, record_id, record_version, position, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (caller, key) DO NOTHING"
)
SELECT_TOKEN = f"SELECT token FROM {TABLE} WHERE caller = ? AND key = ?"


class ClaimTaken(ArchiveError):
    """Another request holds this Idempotency-Key; nothing of this one was stored."""


_current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


def current_claim() -> Claim | None:
    return _current.get()


@contextmanager
def claiming(claim: Claim) -> Iterator[None]:
    """Events saved inside the block carry this claim into their transaction."""
    token = _current.set(claim)
    try:
        yield
    finally:
        _current.reset(token)
