"""What a writer or validator must remember until the end, spooled to disk; the package report."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PackageFile:
    path: str  # relative to the package root, '/'-separated
    sha256: str
    size: int


class Spool:
    """What the writer (or validator) must remember until the end, kept on disk, not in RAM.

    A throw-away SQLite file in its own temporary directory holds every package file entry
    (path, checksum, size) and the 16-byte ids of the units an endringslogg entry may point
    at, so memory stays flat however many records are exported. Rows are buffered and
    inserted in batches; the directory is removed by :meth:`close` or, at the latest, when
    the last object using it is garbage collected.
    """

    _BATCH = 1000

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="protokoll-noark5-"))
        self.path = self.directory / "spool.sqlite"
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.directory), True)
        self._db: sqlite3.Connection | None = sqlite3.connect(str(self.path))
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;"
            "CREATE TABLE files (path TEXT PRIMARY KEY, sha256 BLOB NOT NULL,"
            " size INTEGER NOT NULL) WITHOUT ROWID;"
            "CREATE TABLE units (id BLOB PRIMARY KEY) WITHOUT ROWID;"
            "CREATE TABLE documents (seq INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,"
            " dokumentobjekt TEXT NOT NULL, record_id TEXT NOT NULL, version INTEGER);"
        )
        self._files: list[tuple[str, bytes, int]] = []
        self._units: list[tuple[bytes]] = []
        self._documents: list[tuple[str, str, str, str, int | None]] = []
        self.file_count = 0

    def add_file(self, entry: PackageFile) -> None:
        self._files.append((entry.path, bytes.fromhex(entry.sha256), entry.size))
        self.file_count += 1
        if len(self._files) >= self._BATCH:
            self._flush()

    def add_unit(self, unit: bytes) -> None:
        self._units.append((unit,))
        if len(self._units) >= self._BATCH:
            self._flush()

    def add_document(self, path: str, sha256: str, dokumentobjekt: str, record_id: str,
                     version: int | None) -> None:
        """A document file and the record version it shows (for the ledger proofs)."""
        self._documents.append((path, sha256, dokumentobjekt, record_id, version))
        if len(self._documents) >= self._BATCH:
            self._flush()

    def documents(self) -> Iterator[tuple[str, str, str, str, int | None]]:
        """Every document added, in the order written (a record's files stay together)."""
        db = self._open()
        self._flush()
        last = 0
        while True:
            page = db.execute("SELECT seq, path, sha256, dokumentobjekt, record_id, version FROM documents "
                              "WHERE seq > ? ORDER BY seq LIMIT ?", (last, self._BATCH)).fetchall()
            for row in page:
                yield row[1], row[2], row[3], row[4], row[5]
            if len(page) < self._BATCH:
                return
            last = page[-1][0]

    def has_unit(self, unit: bytes) -> bool:
        db = self._open()
        if self._units:
            self._flush()
        return db.execute("SELECT 1 FROM units WHERE id = ?", (unit,)).fetchone() is not None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the spool is closed")
        return self._db

    def _flush(self) -> None:
        db = self._open()
        with db:
            if self._files:
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", self._files)
                self._files.clear()
            if self._units:
                db.executemany("INSERT OR IGNORE INTO units VALUES (?)", self._units)
                self._units.clear()
            if self._documents:
                db.executemany("INSERT INTO documents (path, sha256, dokumentobjekt, record_id, version) "
                               "VALUES (?, ?, ?, ?, ?)", self._documents)
                self._documents.clear()

    def finish(self) -> None:
        """Flush and close the writing connection; the file stays for :class:`PackageFiles`."""
        if self._db is not None:
            self._flush()
            self.file_count = self._db.execute("SELECT count(*) FROM files").fetchone()[0]
            self._db.close()
            self._db = None

    def close(self) -> None:
        """Drop the spool and its directory now."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._cleanup()


class PackageFiles(Sequence[PackageFile]):
    """Every file of a written package, sorted by path, read lazily from the on-disk spool.

    Behaves like a read-only list (len, iteration, indexing, slicing, ``in``), but holds
    only one page of entries in memory at a time, so a 100k-record report stays small.
    """

    _PAGE = 1000

    def __init__(self, spool: Spool) -> None:
        self._spool = spool  # keeps the spool directory alive as long as this object is
        self._len = spool.file_count

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[PackageFile]:
        if not self._spool.path.exists():
            raise RuntimeError("the package report was closed")
        db = sqlite3.connect(f"file:{self._spool.path}?mode=ro", uri=True)
        try:
            return [PackageFile(path, sha.hex(), size)
                    for path, sha, size in db.execute(sql, params)]
        finally:
            db.close()

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[PackageFile]:
        last: str | None = None
        while True:
            if last is None:
                page = self._query("SELECT path, sha256, size FROM files ORDER BY path LIMIT ?",
                                   (self._PAGE,))
            else:
                page = self._query("SELECT path, sha256, size FROM files WHERE path > ? "
                                   "ORDER BY path LIMIT ?", (last, self._PAGE))
            yield from page
            if len(page) < self._PAGE:
                return
            last = page[-1].path

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if stop <= start:
                return []
            return self._query("SELECT path, sha256, size FROM files ORDER BY path "
                               "LIMIT ? OFFSET ?", (stop - start, start))
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("package file index out of range")
        return self._query("SELECT path, sha256, size FROM files ORDER BY path LIMIT 1 OFFSET ?",
                           (index,))[0]

    def get(self, path: str) -> PackageFile | None:
        found = self._query("SELECT path, sha256, size FROM files WHERE path = ?", (path,))
        return found[0] if found else None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, PackageFile) and self.get(value.path) == value

    def __eq__(self, other: object) -> bool:
        # Compares like the list it replaces (element by element, streamed).
        if not isinstance(other, (list, tuple, PackageFiles)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        self._spool.close()

    def __repr__(self) -> str:
        return f"<PackageFiles: {self._len} files>"


@dataclass
class PackageReport:
    out_dir: Path
    # Every package file with checksum and size, sorted by path. After write_package this is
    # a lazily read PackageFiles (list-like: len, iterate, index); it holds no per-file memory.
    files: Sequence[PackageFile] = field(default_factory=list)
    # mappe, registrering, dokumentbeskrivelse, dokumentobjekt (= dokumentfiler), endring,
    # plus agreements / meetings / news / statements for the caller's own bookkeeping.
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What the ledger evidence holds (an EvidenceSummary), when the export had a ledger.
    evidence: Any = None

    def file(self, path: str) -> PackageFile:
        if isinstance(self.files, PackageFiles):
            found = self.files.get(path)
            if found is None:
                raise StopIteration(path)  # what the list lookup below raises
            return found
        return next(f for f in self.files if f.path == path)

    def close(self) -> None:
        """Remove the temporary store behind ``files`` now (it goes with the report anyway)."""
        if isinstance(self.files, PackageFiles):
            self.files.close()

