"""A small SQL layer the read models share: SQLite by default, PostgreSQL when configured.

SQL is written once with `?` placeholders and portable syntax (ON CONFLICT upserts, TEXT
timestamps in ISO-8601 UTC so they sort lexically); the PostgreSQL adapter rewrites the
placeholders. Each thread gets its own connection.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

Row = dict[str, Any]


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def fetchone(self) -> Row | None: ...
    def fetchall(self) -> list[Row]: ...


class ReadDatabase(Protocol):
    dialect: str

    def transaction(self) -> Any: ...  # context manager yielding a Cursor, committing on exit
    def read(self, snapshot: bool = True) -> Any: ...  # context manager yielding a Cursor for reads
    def close(self) -> None: ...


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


class _SqliteCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _SqliteCursor:
        self._cursor.execute(sql, params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, rows)

    def fetchone(self) -> Row | None:
        row: Row | None = self._cursor.fetchone()  # the driver's row factory makes it a Row (untyped there)
        return row

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()


class _PerThread:
    """One connection per thread, opened on first use; `close` closes every thread's."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(conn, "closed", False):
            conn = self._local.conn = self._connect()
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


class SqliteDatabase(_PerThread):
    """Read models in their own SQLite file (WAL): rebuildable, so NORMAL sync is enough."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = _dict_row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint=20000")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA foreign_keys=OFF")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        conn = self._connection()
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            yield _SqliteCursor(cursor)
        except BaseException:
            conn.rollback()
            raise
        else:
            conn.commit()
        finally:
            cursor.close()

    @contextmanager
    def read(self, snapshot: bool = True) -> Iterator[Cursor]:
        """A read; `snapshot` holds one view for several statements (one statement needs none)."""
        conn = self._connection()
        cursor = conn.cursor()
        if snapshot:
            cursor.execute("BEGIN")
        try:
            yield _SqliteCursor(cursor)
        finally:
            if snapshot:
                conn.rollback()
            cursor.close()


_PLACEHOLDER = re.compile(r"\?")


class _PgCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _PgCursor:
        self._cursor.execute(_PLACEHOLDER.sub("%s", sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(_PLACEHOLDER.sub("%s", sql), rows)

    def fetchone(self) -> Row | None:
        row: Row | None = self._cursor.fetchone()  # the driver's row factory makes it a Row (untyped there)
        return row

    def fetchall(self) -> list[Row]:
        return list(self._cursor.fetchall())


class PostgresDatabase(_PerThread):
    """Read models as tables in the event store's own PostgreSQL database."""

    dialect = "postgres"

    def __init__(self, url: str, schema: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.schema = schema  # a rebuild's scratch schema: the same SQL builds its tables there

    def _connect(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row

        if self.schema:
            return psycopg.connect(self.url, row_factory=dict_row, autocommit=False,
                                   options=f"-c search_path={self.schema}")
        return psycopg.connect(self.url, row_factory=dict_row, autocommit=False)

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cursor:
            yield _PgCursor(cursor)
        conn.commit()

    @contextmanager
    def read(self, snapshot: bool = True) -> Iterator[Cursor]:
        conn = self._connection()
        try:
            with conn.cursor() as cursor:
                yield _PgCursor(cursor)
        finally:
            conn.rollback()


def open_read_database(database_url: str | None, sqlite_path: Path) -> ReadDatabase:
    if database_url:
        return PostgresDatabase(database_url)
    return SqliteDatabase(sqlite_path)
