"""Rebuild read models beside the live ones and swap them in only when the whole log replayed.

The live read models keep serving while the fresh ones are built; a stored event that cannot
be read (or a full disk) stops the rebuild with the live models untouched. On SQLite the fresh
tables are copied over the live ones in one transaction (other tables in the file are left
alone); the search index is built in its own directory and renamed into place. On PostgreSQL
the fresh tables are built in a scratch schema of the same database and swapped in by renaming
in one transaction, under a database-wide lock so two nodes never rebuild at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.exceptions import ArchiveError
from archive.readmodels.base import RecordModel
from archive.readmodels.catalog import Catalog
from archive.readmodels.db import PostgresDatabase, ReadDatabase, SqliteDatabase
from archive.readmodels.history import History
from archive.readmodels.ledger import Ledger
from archive.readmodels.people import People
from archive.readmodels.records import LEGACY_TABLES, record_projections
from archive.readmodels.runner import ProjectionRunner

if TYPE_CHECKING:
    from archive.service import ArchiveService

log = logging.getLogger(__name__)


class RebuildFailed(ArchiveError):
    """The fresh read models could not be built; the live ones were left as they were."""


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def rebuild(service: ArchiveService, progress: Callable[[int], None] | None = None) -> dict[str, str]:
    """Build every read model (and the index) afresh from the log, then swap; returns the new digests."""
    settings = service.settings
    service.stop()
    index_dir = settings.index_dir.with_name(settings.index_dir.name + ".rebuild")
    shutil.rmtree(index_dir, ignore_errors=True)
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, index_dir, True)
        scratch_schema, lock = "", None
        db: ReadDatabase
        if settings.is_postgres:
            assert settings.database_url is not None
            lock = cleanup.enter_context(rebuild_lock(settings.database_url))
            scratch_schema = scratch_schema_in(lock)
            cleanup.callback(_drop_schema, settings.database_url, scratch_schema)  # gone already after a swap
            db = PostgresDatabase(settings.database_url, schema=scratch_schema)
        else:
            scratch = settings.readmodels_path.with_name("readmodels.rebuild.sqlite")
            _remove_sqlite(scratch)
            cleanup.callback(_remove_sqlite, scratch)
            db = SqliteDatabase(scratch)
        cleanup.callback(db.close)
        catalog, history = Catalog(db), History(db)
        models: list[RecordModel] = [catalog, history, People(db, service.archive.record_at), Ledger(db)]
        projections = record_projections(db, models, load=service.archive.record_at)
        decode = service.archive.mapper.to_domain_event
        recorder = service.archive.recorder
        batch = settings.projection_batch_size
        models_runner = ProjectionRunner("rebuild", recorder, decode, projections, batch_size=batch)
        search: Any = None
        try:
            models_runner.catch_up(progress)
            if service.search is not None:
                from search.indexer import SearchProjection

                search = SearchProjection(index_dir, history, catalog)
                cleanup.callback(search.close)
                # The index from the finished read models in one bulk load (one segment), then
                # the log from there, as the live index follows it.
                search.build(models_runner.position())
                ProjectionRunner("rebuild-search", recorder, decode, [search], batch_size=max(batch, 1000),
                                 max_batch_size=search.max_batch_size,
                                 upstream=models_runner, reads=(catalog.name, history.name)).catch_up(progress)
        except Exception as exc:  # noqa: BLE001 - whatever stopped the build, the live models are untouched
            detail = str(exc) if isinstance(exc, ArchiveError) else f"{type(exc).__name__}: {exc}"
            raise RebuildFailed(f"rebuild stopped: {detail}; the live read models were left as they were") from exc
        db.close()
        if settings.is_postgres:
            _swap_schema(lock, scratch_schema, models)
        else:
            _copy_tables(settings.readmodels_path, scratch, models)
        if search is not None:
            search.close()
            _swap_index(service.search, index_dir)
    for runner in service.runners:
        runner.reload_positions()
    service.catch_up(progress)  # events saved while the rebuild ran
    return service.digests()


def _copy_tables(live: Path, scratch: Path, models: Sequence[RecordModel]) -> None:
    """Replace the live read-model tables with the fresh ones in one transaction."""
    tables = [t for m in models for t in m.tables]
    names = [m.name for m in models]
    conn = sqlite3.connect(live, isolation_level=None, timeout=30)
    try:
        conn.execute("ATTACH DATABASE ? AS fresh", (str(scratch),))
        placeholders = ",".join("?" * len(tables))
        schema = conn.execute(
            f"SELECT type, name, sql FROM fresh.sqlite_master WHERE tbl_name IN ({placeholders}) AND sql IS NOT NULL",
            tables,
        ).fetchall()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for table in [*LEGACY_TABLES, *tables]:
                conn.execute(f"DROP TABLE IF EXISTS main.{table}")
            for kind, _name, sql in schema:
                if kind == "table":
                    conn.execute(sql)
            for table in tables:
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM fresh.{table}")
            for kind, _name, sql in schema:
                if kind == "index":
                    conn.execute(sql)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS main.rm_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            for name in names:
                row = conn.execute("SELECT position FROM fresh.rm_tracking WHERE name = ?", (name,)).fetchone()
                conn.execute(
                    "INSERT INTO main.rm_tracking (name, position) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                    (name, int(row[0]) if row else 0),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE fresh")
    finally:
        conn.close()


# PostgreSQL ------------------------------------------------------------------------------
# The fresh tables are built in a scratch schema of the same database (the same table names,
# found through the scratch connection's search_path), then moved in one transaction:
# live -> an "old" schema, fresh -> the live schema, old dropped. A failed build drops the
# scratch schema; the live tables are never touched before the swap.

SCRATCH_PREFIX = "protokoll_rebuild_"
# pg_advisory_lock key (b"protkrbd"): one rebuild at a time across every node of the database.
REBUILD_LOCK_KEY = int.from_bytes(b"protkrbd", "big") & 0x7FFF_FFFF_FFFF_FFFF


@contextmanager
def rebuild_lock(url: str) -> Iterator[Any]:
    """A connection holding the database-wide rebuild lock (refused at once if another node holds it)."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    try:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (REBUILD_LOCK_KEY,)).fetchone()
        if not row or not row[0]:
            raise RebuildFailed("another node is rebuilding the read models (it holds the rebuild lock); "
                                "the live read models were left as they were")
        yield conn
    finally:
        conn.close()  # ends the session: the lock goes with it, even after a crash


def scratch_schema_in(conn: Any) -> str:
    """A fresh scratch schema; leftovers of a rebuild that died are dropped first (we hold the lock)."""
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (SCRATCH_PREFIX.replace("_", r"\_") + "%",)
    ).fetchall()
    for (name,) in rows:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    schema = f"{SCRATCH_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
    conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema


def _drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _swap_schema(conn: Any, scratch: str, models: Sequence[RecordModel]) -> None:
    """In ONE transaction: live tables out to an old schema, fresh ones in, old dropped, positions set."""
    tables = [t for m in models for t in m.tables]
    old = f"{scratch}_old"
    live = conn.execute("SELECT current_schema()").fetchone()[0]
    with conn.transaction():
        conn.execute("SET LOCAL lock_timeout = '60s'")  # nodes' batches hold the tables briefly
        conn.execute(f'CREATE SCHEMA "{old}"')
        for table in [*LEGACY_TABLES, *tables]:
            conn.execute(f'ALTER TABLE IF EXISTS "{live}".{table} SET SCHEMA "{old}"')
        for table in tables:  # indexes go with their table
            conn.execute(f'ALTER TABLE "{scratch}".{table} SET SCHEMA "{live}"')
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{live}".rm_tracking '
                     "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
        conn.execute(
            f'INSERT INTO "{live}".rm_tracking (name, position) '
            f'SELECT name, position FROM "{scratch}".rm_tracking WHERE name = ANY(%s) '
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            ([m.name for m in models],),
        )
        conn.execute(f'DROP SCHEMA "{old}" CASCADE')
        conn.execute(f'DROP SCHEMA "{scratch}" CASCADE')


def _swap_index(live: Any, fresh_dir: Path) -> None:
    from search.index import open_index, swap_in

    with live._lock:  # the projection's own lock: no batch writes while its directory is replaced
        live.ix.close()
        swap_in(fresh_dir, live.index_dir)
        live.ix = open_index(live.index_dir)
