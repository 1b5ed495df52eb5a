"""Rebuild read models beside the live ones and swap them in only when the whole log replayed.

The live read models keep serving while the fresh ones are built; a stored event that cannot
be read (or a full disk) stops the rebuild with the live models untouched. On SQLite the fresh
tables are copied over the live ones in one transaction (other tables in the file are left
alone); the search index is built in its own directory and renamed into place. On PostgreSQL
the fresh build (in a scratch SQLite file) proves the log replays, and only then are the live
tables replayed in place.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.exceptions import ArchiveError
from archive.faults import PoisonEvent, StorageFailure
from archive.readmodels.catalog import Catalog
from archive.readmodels.db import SqliteDatabase
from archive.readmodels.history import History
from archive.readmodels.ledger import Ledger
from archive.readmodels.people import People
from archive.readmodels.records import LEGACY_TABLES, STATES, RecordProjections
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
    scratch = settings.readmodels_path.with_name("readmodels.rebuild.sqlite")
    index_dir = settings.index_dir.with_name(settings.index_dir.name + ".rebuild")
    _remove_sqlite(scratch)
    shutil.rmtree(index_dir, ignore_errors=True)
    with ExitStack() as cleanup:
        cleanup.callback(_remove_sqlite, scratch)
        cleanup.callback(shutil.rmtree, index_dir, True)
        db = SqliteDatabase(scratch)
        cleanup.callback(db.close)
        catalog, history = Catalog(db), History(db)
        models = [catalog, history, People(db), Ledger(db)]
        records = RecordProjections(db, models, load=service.archive.record_at)
        decode = service.archive.mapper.to_domain_event
        recorder = service.archive.recorder
        runners = [ProjectionRunner("rebuild", recorder, decode, [records], batch_size=settings.projection_batch_size)]
        search: Any = None
        if service.search is not None:
            from search.indexer import SearchProjection

            search = SearchProjection(index_dir, history, catalog)
            cleanup.callback(search.close)
            runners.append(ProjectionRunner("rebuild-search", recorder, decode, [search],
                                            batch_size=max(settings.projection_batch_size, 1000), upstream=runners[0]))
        try:
            for runner in runners:
                runner.catch_up(progress)
        except (PoisonEvent, StorageFailure) as exc:
            raise RebuildFailed(f"rebuild stopped: {exc}; the live read models were left as they were") from exc
        if settings.is_postgres:
            db.close()
            _replay_in_place(service, progress)
        else:
            _copy_tables(settings.readmodels_path, scratch, db, records)
        if search is not None:
            search.close()
            _swap_index(service.search, index_dir)
    for runner in service.runners:
        runner.reload_positions()
    service.catch_up(progress)  # events saved while the rebuild ran
    return service.digests()


def _copy_tables(live: Path, scratch: Path, db: SqliteDatabase, records: RecordProjections) -> None:
    """Replace the live read-model tables with the fresh ones in one transaction."""
    tables = [t for m in records.models for t in m.tables]
    names = [STATES, *(m.name for m in records.models)]
    db.close()
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


def _replay_in_place(service: ArchiveService, progress: Callable[[int], None] | None) -> None:
    """PostgreSQL: the scratch build proved the log replays; now replay the shared tables."""
    for projection in service.projections:
        projection.reset()
    service.runner.reload_positions()
    service.runner.catch_up(progress)


def _swap_index(live: Any, fresh_dir: Path) -> None:
    from search.index import open_index, swap_in

    with live._lock:  # the projection's own lock: no batch writes while its directory is replaced
        live.ix.close()
        swap_in(fresh_dir, live.index_dir)
        live.ix = open_index(live.index_dir)
