"""Writing the index: the single writer with a bounded wait, one-commit batches with the
tracking metadata, and the merge policy for the tiny segments small commits leave.

Only one writer exists at a time (Whoosh's file lock). A second writer waits up to `timeout`
seconds and then raises IndexBusyError; it never writes around the lock (no
AsyncWriter/BufferedWriter).

Write-to-searchable latency: `write_batch` looks ids up in the index's shared segment readers
(search.readers; callers may pass `new_ids` to skip the lookups, and `skip_unchanged` to leave
identical documents alone), commits without merging big segments, and folds tiny segments
together once there are many of them. Callers should batch. Whoosh does not fsync: after a
crash the index may be stale but the tracking position is in the same commit, so the
projection simply resumes from the stored position (or rebuilds).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from whoosh.index import Index, LockError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from archive.values import stored_instant
from archive.visibility import mark_of
from search.readers import index_state, segment_ids, segment_readers
from search.schema import FAR_FUTURE, META_ID, ORG_SEPARATOR

__all__ = [
    "IndexBusyError",
    "DEFAULT_WRITER_TIMEOUT",
    "TINY_SEGMENT_DOCS",
    "TINY_SEGMENT_MERGE",
    "index_writer",
    "optimize",
    "prepare_document",
    "write_batch",
    "write_bulk",
]

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
BULK_POOL_MB = 256  # write_bulk's posting pool before it spills a sorted run to disk


class IndexBusyError(RuntimeError):
    """Another writer holds the index lock and did not release it in time."""



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
    if isinstance(value, str):  # stored ISO text: the index keeps naive UTC
        return stored_instant(value).astimezone(UTC).replace(tzinfo=None)
    raise TypeError(f"not a date: {value!r}")


_DATE_FIELDS = ("date", "recorded_at", "superseded_at", "retracted_at", "valid_from", "valid_to")


def prepare_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Fill derived fields so the indexer only supplies the domain values.

    - organisation / organisation_ids may be lists; organisation_words and
      organisation_facet are derived from organisation; role_facet from role.
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
    if out.get("role"):
        out["role_facet"] = str(out["role"]).encode("utf-8")
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


def write_bulk(
    ix: Index,
    docs: Iterable[Mapping[str, Any]],
    meta: Mapping[str, str],
    *,
    timeout: float = DEFAULT_WRITER_TIMEOUT,
) -> int:
    """Fill an empty index with `docs` and `meta`: one writer, one commit, one segment.

    A rebuild's bulk load. Whoosh sorts the postings of every document once (spilling to disk
    past BULK_POOL_MB) and writes one segment, as a bulk indexer does, where batch by batch
    (write_batch) a 100k-record rebuild left ~60 segments that every search then visits (a
    mid-frequency query took 2.7x as long, a fuzzy one 6x). Returns the number of documents.
    """
    if ix.doc_count_all():
        raise ValueError("write_bulk fills an empty index (use write_batch to change one)")
    count = 0
    with index_writer(ix, timeout=timeout, limitmb=BULK_POOL_MB) as writer:
        for doc in _prepared(docs, "in one load"):
            writer.add_document(**doc)
            count += 1
        writer.add_document(id=META_ID, meta=json.dumps(dict(meta), sort_keys=True))
    return count


def _prepared(docs: Iterable[Mapping[str, Any]], where: str) -> Iterator[dict[str, Any]]:
    """Each document prepared (prepare_document), refused if it takes the metadata's id or one
    given before it `where`."""
    seen: set[str] = set()
    for raw in docs:
        doc = prepare_document(raw)
        doc_id = doc["id"]
        if doc_id == META_ID:
            raise ValueError(f"{META_ID!r} is reserved for the metadata document")
        if doc_id in seen:
            raise ValueError(f"document id {doc_id!r} appears twice {where}")
        seen.add(doc_id)
        yield doc


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
    prepared = list(_prepared(docs, "in one batch"))
    fresh = new_ids if new_ids is not None else ()
    writer_kwargs: dict[str, Any] = {"limitmb": 256} if len(prepared) >= BULK_BATCH_DOCS else {}
    with index_writer(ix, timeout=timeout, **writer_kwargs) as writer:
        schema = writer.schema
        segments = writer.segments
        # The segment readers are shared with searches (search.readers): use them under the lock,
        # taken per lookup so a long batch's analysis does not hold searches up.
        lock = index_state(ix).lock
        with lock:
            readers = segment_readers(ix, schema, segments) if segments else []
            id_sets = [segment_ids(ix, reader) for reader in readers]
        offsets = []
        base = 0
        for seg in segments:
            offsets.append(base)
            base += seg.doc_count_all()

        def locate(doc_id: str) -> list[tuple[SegmentReader, int, int]]:
            found: list[tuple[SegmentReader, int, int]] = []
            for reader, offset, ids in zip(readers, offsets, id_sets, strict=True):
                if doc_id in ids:
                    with lock:
                        docnums = list(reader.postings("id", doc_id).all_ids())
                    found.extend((reader, docnum, offset + docnum) for docnum in docnums)
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
                    with lock:
                        same = reader.stored_fields(segdoc) == stored
                    if same:
                        continue
                for _, _, docnum in found:
                    writer.delete_document(docnum)
            writer.add_document(**doc)
        if meta is not None:
            for _, _, docnum in locate(META_ID):
                writer.delete_document(docnum)
            writer.add_document(id=META_ID, meta=json.dumps(dict(meta), sort_keys=True))
    return len(prepared)

