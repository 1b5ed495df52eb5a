"""Index lifecycle: open/create with a schema-version check, the single
writer with a bounded wait, one-commit batches with the tracking metadata,
and rebuild-and-swap.

Only one writer exists at a time (Whoosh's file lock). A second writer waits
up to `timeout` seconds and then raises IndexBusyError; it never writes
around the lock (no AsyncWriter/BufferedWriter).

Write-to-searchable latency: segment readers are cached per thread and
reused across commits (segments are immutable; a reader is reopened only when
its segment gains deletions), so neither the writer's id lookups nor the next
search reopen every segment. `write_batch` looks ids up in those cached
readers (callers may pass `new_ids` to skip the lookups, and
`skip_unchanged` to leave identical documents alone), commits without merging
big segments, and folds tiny segments together once there are many of them.
Callers should batch. Whoosh does not fsync: after a
crash the index may be stale but the tracking position is in the same commit,
so the projection simply resumes from the stored position (or rebuilds).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import TOC, FileIndex, Index, LockError
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from archive.visibility import mark_of
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
    "cached_searcher",
    "generation_key",
    "optimize",
    "rebuild_into",
    "swap_in",
]

VERSION_FILE = "protokoll-schema-version"
DEFAULT_WRITER_TIMEOUT = 5.0
# Small commits each add a tiny segment (fewer than TINY_SEGMENT_DOCS documents).
# Tiny segments are grouped by order of magnitude (1-9, 10-99, 100-999 ... docs);
# once a group holds TINY_SEGMENT_MERGE of them, the next commit merges that group
# into its own segment, so a merged segment is rewritten about once per order of
# magnitude rather than at every round. Big segments (bulk batches) are left alone,
# and `optimize` merges everything when convenient (after a rebuild, when idle).
TINY_SEGMENT_DOCS = 2_000
TINY_SEGMENT_MERGE = 8
# Batches at least this big get a larger in-memory posting pool.
BULK_BATCH_DOCS = 1_000


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


# ---------------------------------------------------------------- readers
#
# Per-thread cache of open segment readers: {(folder, indexname, segment id):
# (deleted count, reader)}. A segment's postings never change; only its
# deletion set grows, so a reader is valid while the deleted count matches.
# Readers are built on private copies of the segment objects (a writer
# mutates its own copies when deleting). Readers of segments that left the
# index are dropped (not closed: a searcher in this thread may still use one;
# their files close when they are collected).

_local = threading.local()


def _thread_cache(name: str) -> dict[Any, Any]:
    cache = getattr(_local, name, None)
    if cache is None:
        cache = {}
        setattr(_local, name, cache)
    return cache


def _ix_key(ix: Index) -> tuple[str, str]:
    assert isinstance(ix, FileIndex)
    return (os.path.abspath(ix.storage.folder), ix.indexname)


def _segment_readers(ix: Index, schema: Any, segments: list[Any]) -> list[SegmentReader]:
    cache = _thread_cache("readers")
    key0 = _ix_key(ix)
    wanted = set()
    out = []
    for seg in segments:
        key = (*key0, seg.segment_id())
        wanted.add(key)
        deleted = seg.deleted_count()
        hit = cache.get(key)
        if hit is None or hit[0] != deleted:
            reader = SegmentReader(ix.storage, schema, copy.deepcopy(seg))
            hit = cache[key] = (deleted, reader)
        out.append(hit[1])
    id_sets = _thread_cache("id_sets")
    for key in [k for k in cache if k[:2] == key0 and k not in wanted]:
        del cache[key]
        id_sets.pop(key, None)  # a segment merged away: its id set goes with its reader
    return out


# Per-thread, per-segment set of the document ids a segment holds. A segment's terms never
# change, so the set is built once (one pass over its "id" lexicon) and a writer then knows
# in a set lookup whether an id is there, instead of a term lookup in every segment. Sets
# share the readers' keys and leave the cache with them (see _segment_readers).


def _segment_ids(ix: Index, reader: SegmentReader) -> frozenset[str]:
    cache = _thread_cache("id_sets")
    key = (*_ix_key(ix), reader.segment().segment_id())
    ids: frozenset[str] | None = cache.get(key)
    if ids is None:
        ids = cache[key] = frozenset(term.decode("utf-8") for term in reader.lexicon("id"))
    return ids


def _latest_toc(ix: Index) -> TOC:
    """The latest TOC, cached per thread by generation and TOC file identity."""
    return _latest_toc_signed(ix)[1]


def _latest_toc_signed(ix: Index) -> tuple[tuple[int, int, int, int], TOC]:
    """(signature, TOC): the signature is the generation and the TOC file's inode, mtime and size,
    so a folder replaced by another index (rebuild and swap, generations counted from 1 again)
    never looks like the commit it replaced."""
    assert isinstance(ix, FileIndex)
    cache = _thread_cache("tocs")
    key = _ix_key(ix)
    for attempt in range(5):
        gen = ix.latest_generation()
        try:
            st = os.stat(os.path.join(ix.storage.folder, TOC._filename(ix.indexname, gen)))
        except OSError:
            if attempt == 4:
                raise
            continue  # a newer commit removed it meanwhile
        sig = (gen, st.st_ino, st.st_mtime_ns, st.st_size)
        hit: tuple[tuple[int, int, int, int], TOC] | None = cache.get(key)
        if hit is not None and hit[0] == sig:
            return hit
        try:
            toc = TOC.read(ix.storage, ix.indexname, gen, schema=ix._schema)
        except OSError:
            if attempt == 4:
                raise
            continue
        cache[key] = (sig, toc)
        return sig, toc
    raise AssertionError("unreachable")


def _reader(ix: Index) -> IndexReader:
    return _reader_at(ix)[0]


def _reader_at(ix: Index) -> tuple[IndexReader, tuple[int, int, int, int]]:
    """A reader on the latest commit and that commit's signature (see _latest_toc_signed)."""
    for attempt in range(5):
        sig, toc = _latest_toc_signed(ix)
        try:
            readers = _segment_readers(ix, toc.schema, list(toc.segments))
        except OSError:  # segment files merged away under us: read the TOC again
            if attempt == 4:
                raise
            continue
        if not readers:
            return EmptyReader(toc.schema), sig
        if len(readers) == 1:
            return readers[0], sig
        return MultiReader(readers, generation=toc.generation), sig
    raise AssertionError("unreachable")


@contextmanager
def cached_searcher(ix: Index, **kwargs: Any) -> Iterator[Searcher]:
    """A searcher on the latest commit that reuses this thread's open segment
    readers (like `ix.searcher()`, without reopening every segment).

    The searcher carries the commit it reads (see `generation_key`)."""
    reader, signature = _reader_at(ix)
    searcher = Searcher(reader, fromindex=ix, closereader=False, **kwargs)
    searcher.protokoll_generation = (*_ix_key(ix), *signature)
    try:
        yield searcher
    finally:
        searcher.close()


def generation_key(searcher: Searcher) -> tuple[Any, ...] | None:
    """The commit a `cached_searcher` reads: folder, index name, generation and the TOC file's
    inode, mtime and size; None for other searchers.

    Every commit (write_batch, a merge) makes a new generation, and docnums are only stable
    within one: a cache keyed by this is invalidated by any write, and by an index swapped
    into the same folder (whose generations start again at 1).
    """
    key = getattr(searcher, "protokoll_generation", None)
    return key if isinstance(key, tuple) else None


# ---------------------------------------------------------------- writing


class _Writer(SegmentWriter):
    """SegmentWriter whose flush asks the filesystem once per column.

    Whoosh looks up a field's length column for every posting while flushing
    and, for fields without one (ids, keywords, dates), stats the file each
    time; remembering the answer removes ~100 stat calls per document.
    """

    def per_document_reader(self) -> Any:
        return _cache_has_column(super().per_document_reader())


def _cache_has_column(pdr: Any) -> Any:
    """Make a per-document reader remember which fields have a column (one stat per field)."""
    known: dict[str, bool] = {}
    has_column = pdr.has_column

    def cached_has_column(fieldname: str) -> bool:
        value = known.get(fieldname)
        if value is None:
            value = known[fieldname] = has_column(fieldname)
        return value

    pdr.has_column = cached_has_column
    return pdr


def _merge_tiny(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Merge policy: fold a group of similar tiny segments into the new one once it is full."""
    groups: dict[int, list[Any]] = {}
    for seg in segments:
        count = seg.doc_count_all()
        if count < TINY_SEGMENT_DOCS:
            groups.setdefault(len(str(count)), []).append(seg)
    tiny = next((g for _, g in sorted(groups.items()) if len(g) >= TINY_SEGMENT_MERGE), None)
    if tiny is None:
        return segments
    for seg in tiny:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        # Merging reads every posting's field length; without this each one stats a file.
        _cache_has_column(reader._perdoc)
        writer.add_reader(reader)
        reader.close()
    tiny_ids = {s.segment_id() for s in tiny}
    return [s for s in segments if s.segment_id() not in tiny_ids]


def _open_writer(ix: Index, timeout: float, **writer_kwargs: Any) -> SegmentWriter:
    try:
        return _Writer(ix, timeout=timeout, delay=0.02, **writer_kwargs)
    except LockError:
        raise IndexBusyError(
            f"search index is being written by another writer (waited {timeout:.1f}s)"
        ) from None


@contextmanager
def index_writer(
    ix: Index, *, timeout: float = DEFAULT_WRITER_TIMEOUT, **writer_kwargs: Any
) -> Iterator[SegmentWriter]:
    """The single writer, waiting at most `timeout` s for the lock.

    Commits on normal exit (big segments are never merged here; tiny ones are
    folded together once there are many), cancels and re-raises on error.
    """
    writer = _open_writer(ix, timeout, **writer_kwargs)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=_merge_tiny)


def optimize(ix: Index, *, timeout: float = DEFAULT_WRITER_TIMEOUT) -> None:
    """Merge all segments into one (slow on a big index; run when idle)."""
    writer = _open_writer(ix, timeout)
    try:
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise


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
    if "visibility" not in out:
        # A writer that states no mark gets the policy's answer for the fields it does state.
        out["visibility"] = mark_of(out)
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
    new_ids: Collection[str] | None = None,
    skip_unchanged: bool = False,
) -> int:
    """Add/replace `docs`, delete ids in `deletes`, store `meta`: ONE commit.

    Returns the number of documents in `docs`. Replaying the same batch is
    harmless (ids are unique: an existing id is replaced).

    Hints (both optional, both safe to omit):
      new_ids         ids the caller knows are not in the index yet; they are
                      added without looking them up. Passing an id that does
                      exist would leave a duplicate, so only pass ids you know.
      skip_unchanged  leave an existing document alone when its stored fields
                      equal the new ones (every indexed field is derived from
                      stored ones), instead of deleting and re-adding it.
    """
    prepared: list[dict[str, Any]] = []
    seen: set[str] = set()
    for raw in docs:
        doc = prepare_document(raw)
        doc_id = doc["id"]
        if doc_id == META_ID:
            raise ValueError(f"{META_ID!r} is reserved for the metadata document")
        if doc_id in seen:
            raise ValueError(f"document id {doc_id!r} appears twice in one batch")
        seen.add(doc_id)
        prepared.append(doc)
    fresh = new_ids if new_ids is not None else ()
    writer_kwargs: dict[str, Any] = {"limitmb": 256} if len(prepared) >= BULK_BATCH_DOCS else {}
    with index_writer(ix, timeout=timeout, **writer_kwargs) as writer:
        schema = writer.schema
        segments = writer.segments
        readers = _segment_readers(ix, schema, segments) if segments else []
        offsets = []
        base = 0
        for seg in segments:
            offsets.append(base)
            base += seg.doc_count_all()

        id_sets = [_segment_ids(ix, reader) for reader in readers]

        def locate(doc_id: str) -> list[tuple[SegmentReader, int, int]]:
            found = []
            for reader, offset, ids in zip(readers, offsets, id_sets, strict=True):
                if doc_id in ids:
                    for docnum in reader.postings("id", doc_id).all_ids():
                        found.append((reader, docnum, offset + docnum))
            return found

        for doc_id in deletes:
            for _, _, docnum in locate(doc_id):
                writer.delete_document(docnum)
        for doc in prepared:
            doc_id = doc["id"]
            if doc_id not in fresh:
                found = locate(doc_id)
                if skip_unchanged and len(found) == 1:
                    reader, segdoc, _ = found[0]
                    stored = {k: v for k, v in doc.items() if k in schema and schema[k].stored}
                    if reader.stored_fields(segdoc) == stored:
                        continue
                for _, _, docnum in found:
                    writer.delete_document(docnum)
            writer.add_document(**doc)
        if meta is not None:
            for _, _, docnum in locate(META_ID):
                writer.delete_document(docnum)
            writer.add_document(id=META_ID, meta=json.dumps(dict(meta), sort_keys=True))
    return len(prepared)


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
