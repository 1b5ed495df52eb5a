"""Index lifecycle: open/create with a schema-version check, the tracking metadata, and
rebuild-and-swap. Reading lives in search.readers (segment readers shared by every thread) and
writing in search.writing (the single writer, one-commit batches, the merge policy); both are
re-exported here, the one place callers open an index from.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from search.readers import cached_searcher, generation_key
from search.schema import META_ID, SCHEMA_VERSION, build_schema
from search.writing import (
    DEFAULT_WRITER_TIMEOUT,
    TINY_SEGMENT_DOCS,
    TINY_SEGMENT_MERGE,
    IndexBusyError,
    index_writer,
    optimize,
    prepare_document,
    write_batch,
    write_bulk,
)

__all__ = [
    "IndexBusyError",
    "SchemaMismatchError",
    "VERSION_FILE",
    "DEFAULT_WRITER_TIMEOUT",
    "TINY_SEGMENT_DOCS",
    "TINY_SEGMENT_MERGE",
    "create_index",
    "open_index",
    "index_writer",
    "prepare_document",
    "write_batch",
    "write_bulk",
    "read_meta",
    "cached_searcher",
    "generation_key",
    "optimize",
    "rebuild_into",
    "swap_in",
]

VERSION_FILE = "protokoll-schema-version"


class SchemaMismatchError(RuntimeError):
    """The index on disk was built with another schema version; rebuild it."""

    def __init__(self, path: Path, found: int | None, expected: int) -> None:
        super().__init__(
            f"search index at {path} has schema version {found}, expected {expected}; rebuild it"
        )
        self.path = path
        self.found = found
        self.expected = expected


def _read_version(path: Path) -> int | None:
    try:
        return int((path / VERSION_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def create_index(path: str | os.PathLike[str]) -> Index:
    """Create an empty index (replacing any index in that directory)."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(p), build_schema())
    (p / VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n", encoding="ascii")
    return ix


def open_index(path: str | os.PathLike[str], *, create_if_missing: bool = True) -> Index:
    """Open the index at `path`, creating it if missing (and allowed).

    Raises SchemaMismatchError when the stored schema version differs and
    FileNotFoundError when absent and create_if_missing is False.
    """
    p = Path(path)
    if not whoosh_index.exists_in(str(p)):
        if not create_if_missing:
            raise FileNotFoundError(f"no search index at {p}")
        return create_index(p)
    found = _read_version(p)
    if found != SCHEMA_VERSION:
        raise SchemaMismatchError(p, found, SCHEMA_VERSION)
    return whoosh_index.open_dir(str(p))


def read_meta(ix: Index) -> dict[str, str]:
    """The metadata stored by the last write_batch ({} for a fresh index)."""
    with cached_searcher(ix) as searcher:
        stored = searcher.document(id=META_ID)
    if not stored or "meta" not in stored:
        return {}
    value = json.loads(stored["meta"])
    return {str(k): str(v) for k, v in value.items()}


def rebuild_into(path_new: str | os.PathLike[str]) -> Index:
    """A fresh, empty index at `path_new` to fill before swap_in.

    The directory must not be a live index: it is cleared first.
    """
    p = Path(path_new)
    if p.exists():
        shutil.rmtree(p)
    return create_index(p)


def swap_in(path_new: str | os.PathLike[str], path_live: str | os.PathLike[str]) -> None:
    """Replace the live index directory with `path_new` by renames.

    Readers that already opened the old index keep their open files (POSIX
    keeps unlinked files readable) and finish normally; new opens see the new
    index. The old directory is renamed aside and then removed.
    """
    new, live = Path(path_new), Path(path_live)
    if _read_version(new) != SCHEMA_VERSION:
        raise SchemaMismatchError(new, _read_version(new), SCHEMA_VERSION)
    old = live.with_name(f"{live.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    if live.exists():
        os.rename(live, old)  # atomic on one filesystem
    os.rename(new, live)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
