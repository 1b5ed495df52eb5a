"""Index lifecycle: open/create with a schema-version check, the single
writer with a bounded wait, one-commit batches with the tracking metadata,
and rebuild-and-swap.

Only one writer exists at a time (Whoosh's file lock). A second writer waits
up to `timeout` seconds and then raises IndexBusyError; it never writes
around the lock (no AsyncWriter/BufferedWriter).

Write-to-searchable latency: `write_batch` adds new ids without a delete,
deletes only ids known to exist, and commits without merging unless the
segment count has grown; callers should batch. Whoosh does not fsync: after a
crash the index may be stale but the tracking position is in the same commit,
so the projection simply resumes from the stored position (or rebuilds).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, Index, LockError
from whoosh.writing import MERGE_SMALL, NO_MERGE, SegmentWriter

from search.schema import FAR_FUTURE, META_ID, ORG_SEPARATOR, SCHEMA_VERSION, build_schema

__all__ = [
    "IndexBusyError",
    "SchemaMismatchError",
    "VERSION_FILE",
    "open_index",
    "index_writer",
    "prepare_document",
    "write_batch",
    "read_meta",
    "rebuild_into",
    "swap_in",
]

VERSION_FILE = "protokoll-schema-version"
DEFAULT_WRITER_TIMEOUT = 5.0
# Above this many segments a commit also merges the small ones, so search
# does not degrade while single-record commits stay cheap.
MAX_SEGMENTS_BEFORE_MERGE = 12


class IndexBusyError(RuntimeError):
    """Another writer holds the index lock and did not release it in time."""


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


@contextmanager
def index_writer(
    ix: Index, *, timeout: float = DEFAULT_WRITER_TIMEOUT, **writer_kwargs: Any
) -> Iterator[SegmentWriter]:
    """The single writer, waiting at most `timeout` s for the lock.

    Commits on normal exit (without merging small segments unless there are
    many), cancels and re-raises on error.
    """
    try:
        writer = ix.writer(timeout=timeout, delay=0.02, **writer_kwargs)
    except LockError:
        raise IndexBusyError(
            f"search index is being written by another writer (waited {timeout:.1f}s)"
        ) from None
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    policy = MERGE_SMALL if len(writer.segments) >= MAX_SEGMENTS_BEFORE_MERGE else NO_MERGE
    writer.commit(mergetype=policy)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value if v]


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


_DATE_FIELDS = ("date", "recorded_at", "superseded_at", "retracted_at", "valid_from", "valid_to")


def prepare_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Fill derived fields so the indexer only supplies the domain values.

    - organisation / organisation_ids may be lists; organisation_words and
      organisation_facet are derived from organisation.
    - speaker_name defaults to speaker; parts defaults to title + body.
    - superseded_at / retracted_at default to FAR_FUTURE, valid_to too when
      valid_from is given; current defaults to superseded_at == FAR_FUTURE.
    - year defaults to date.year; None values are dropped.
    """
    out: dict[str, Any] = {k: v for k, v in doc.items() if v is not None}
    for key in _DATE_FIELDS:
        if key in out:
            out[key] = _as_datetime(out[key])
    orgs = _as_list(out.pop("organisation", None))
    if orgs:
        out["organisation"] = ",".join(o.replace(",", " ") for o in orgs)
        out["organisation_words"] = " ".join(orgs)
        out["organisation_facet"] = ORG_SEPARATOR.join(orgs).encode("utf-8")
    org_ids = _as_list(out.pop("organisation_ids", None))
    if org_ids:
        out["organisation_ids"] = ",".join(org_ids)
    if "speaker" in out and "speaker_name" not in out:
        out["speaker_name"] = out["speaker"]
    if "parts" not in out:
        out["parts"] = f"{out.get('title', '')}\n{out.get('body', '')}"
    out.setdefault("superseded_at", FAR_FUTURE)
    out.setdefault("retracted_at", FAR_FUTURE)
    if "valid_from" in out:
        out.setdefault("valid_to", FAR_FUTURE)
    out.setdefault("current", out["superseded_at"] >= FAR_FUTURE)
    out.setdefault("restricted", False)
    if "year" not in out and isinstance(out.get("date"), datetime):
        out["year"] = out["date"].year
    if "version" in out:
        out["version"] = int(out["version"])
    return out


def write_batch(
    ix: Index,
    docs: Iterable[Mapping[str, Any]],
    deletes: Iterable[str] = (),
    meta: Mapping[str, str] | None = None,
    *,
    timeout: float = DEFAULT_WRITER_TIMEOUT,
) -> int:
    """Add/replace `docs`, delete ids in `deletes`, store `meta`: ONE commit.

    Returns the number of documents written. Replaying the same batch is
    harmless (ids are unique: an existing id is replaced).
    """
    count = 0
    with index_writer(ix, timeout=timeout) as writer:
        searcher = writer.searcher()  # the committed state, cached by the writer
        seen: set[str] = set()

        def delete_existing(doc_id: str) -> None:
            # Deleting costs a lookup; only do it for ids that exist already.
            if searcher.document_number(id=doc_id) is not None:
                writer.delete_by_term("id", doc_id, searcher=searcher)

        for doc_id in deletes:
            delete_existing(doc_id)
        for raw in docs:
            doc = prepare_document(raw)
            doc_id = doc["id"]
            if doc_id == META_ID:
                raise ValueError(f"{META_ID!r} is reserved for the metadata document")
            if doc_id in seen:
                raise ValueError(f"document id {doc_id!r} appears twice in one batch")
            seen.add(doc_id)
            delete_existing(doc_id)
            writer.add_document(**doc)
            count += 1
        if meta is not None:
            delete_existing(META_ID)
            writer.add_document(id=META_ID, meta=json.dumps(dict(meta), sort_keys=True))
    return count


def read_meta(ix: Index) -> dict[str, str]:
    """The metadata stored by the last write_batch ({} for a fresh index)."""
    with ix.searcher() as searcher:
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


def is_index(path: str | os.PathLike[str]) -> bool:
    return whoosh_index.exists_in(str(path))


def reopen(ix: Index) -> Index:
    """A fresh handle (after swap_in, long-lived holders should reopen)."""
    assert isinstance(ix, FileIndex)
    return open_index(ix.storage.folder, create_if_missing=False)
