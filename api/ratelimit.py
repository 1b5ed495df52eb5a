"""Token buckets per caller (token or client IP): bursts of writes or searches get 429 + Retry-After.

The buckets live where every node sees them, so a limit is one limit whatever the node count:
in the shared PostgreSQL database when the archive runs on one, else in a SQLite file in the data
directory (shared by every process serving that directory). Taking a token is one transaction that
locks the caller's row (`SELECT ... FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so
two nodes racing for the last token cannot both get it. Time is wall-clock seconds (comparable
across nodes, unlike a monotonic clock); a clock that steps back refills nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from api.errors import WebError
from archive.faults import naming_storage
from archive.readmodels.db import ReadDatabase

TABLE = "api_rate_buckets"
PRUNE_EVERY = 1_000  # takes between sweeps of rows that have refilled (a full bucket is the same as no row)


class BucketStore:
    """Buckets in a read database (SQLite or PostgreSQL) shared by every node that opens it."""

    def __init__(self, db: ReadDatabase, *, owns_db: bool = False) -> None:
        self.db = db
        self._owns_db = owns_db
        self._takes = 0
        with db.transaction() as cur:
            cur.execute(
                f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                    name TEXT NOT NULL, caller TEXT NOT NULL,
                    tokens DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (name, caller))"""
            )

    def take(self, name: str, caller: str, capacity: float, refill_per_second: float, now: float) -> float:
        """Take one token from (name, caller); 0.0 if taken, else the seconds until one is available."""
        lock = " FOR UPDATE" if getattr(self.db, "dialect", "") == "postgres" else ""
        with self.db.transaction() as cur:
            cur.execute(
                f"INSERT INTO {TABLE} (name, caller, tokens, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name, caller) DO NOTHING",
                (name, caller, capacity, now),
            )
            row = cur.execute(
                f"SELECT tokens, updated FROM {TABLE} WHERE name = ? AND caller = ?{lock}", (name, caller)
            ).fetchone()
            assert row is not None  # inserted above, and only the pruner deletes (in a transaction)
            last = float(row["updated"])
            tokens = min(capacity, float(row["tokens"]) + max(0.0, now - last) * refill_per_second)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / refill_per_second
            cur.execute(
                f"UPDATE {TABLE} SET tokens = ?, updated = ? WHERE name = ? AND caller = ?",
                (tokens - 1.0 if wait == 0.0 else tokens, max(now, last), name, caller),
            )
        self._takes += 1
        if self._takes % PRUNE_EVERY == 0:
            self.prune(capacity / refill_per_second, now)
        return wait

    def prune(self, refill_seconds: float, now: float) -> None:
        """Forget buckets untouched long enough to be full again (bounds the table under a flood of callers)."""
        with self.db.transaction() as cur:
            cur.execute(f"DELETE FROM {TABLE} WHERE updated < ?", (now - refill_seconds,))

    def close(self) -> None:
        if self._owns_db:
            self.db.close()


class RateLimiter:
    """`rate_per_minute` tokens refill continuously; a full bucket allows that many at once."""

    def __init__(self, name: str, rate_per_minute: int, store: BucketStore,
                 clock: Callable[[], float] | None = None) -> None:
        self.name = name
        self.capacity = float(max(1, rate_per_minute))
        self.refill_per_second = max(1, rate_per_minute) / 60.0
        self.store = store
        self._clock = clock or time.time

    def check(self, caller: str) -> None:
        """Take one token for `caller` or raise 429 with the seconds until one is available."""
        # A full or read-only disk refuses the request naming this file (507/503), not a bare 500.
        with naming_storage(f"the rate limits in {getattr(self.store.db, 'path', 'PostgreSQL')}"):
            wait = self.store.take(self.name, caller, self.capacity, self.refill_per_second, self._clock())
        if wait > 0.0:
            seconds = max(1, math.ceil(wait))
            raise WebError(429, f"too many {self.name} requests; try again in {seconds} s",
                           {"Retry-After": str(seconds)})

    async def acheck(self, caller: str) -> None:
        """`check` from async code: the database round trip runs off the event loop."""
        await run_in_threadpool(self.check, caller)
