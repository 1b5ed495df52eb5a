"""Which documents of one segment match a query, as Python sets, and the per-segment values
one index keeps between searches (columns, filters, field lengths, name directories).

Matching documents are computed per segment: leaf terms read whole posting blocks, And/Or/Not
become set operations, date ranges on column-only fields bisect a sorted column, anything else
falls back to the query's own matcher. The filter (visibility, restricted, facet selections)
is cached per segment and deletion state, so the common default filter costs nothing after the
first search; it never touches scoring.

`SegmentCaches` is owned by one index (search.readers.IndexState.attached): segments are
immutable, so a column read once stays true; a segment's deletions are part of the keys that
depend on them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, ConstantScoreQuery, DateRange, Every, NullQuery, Or, Query, Term
from whoosh.query import Not as WNot
from whoosh.searching import Searcher

from search.directory import Directory
from search.lru import Lru
from search.schema import DATECOLUMN, ORG_SEPARATOR

__all__ = ["SegmentCaches", "segment_key", "deleted_docs"]

# Column sentinel for "no value" (see search.schema.DATECOLUMN): no range admits it.
_NO_VALUE = 2**64 - 1


def segment_key(segment_searcher: Searcher) -> tuple[str, int]:
    """(identity, deleted count) of a leaf searcher's segment."""
    reader = segment_searcher.reader()
    segment = getattr(reader, "segment", None)
    if callable(segment) and segment() is not None:
        seg = segment()
        # Whoosh draws segment ids from the global `random`, which a seeded process (tests,
        # anything calling random.seed) repeats: the folder and size keep a segment of an index
        # swapped into the same folder from reusing the values of the one it replaced.
        folder = getattr(getattr(reader, "_storage", None), "folder", "")
        return f"{folder}|{seg.segment_id()}|{reader.doc_count_all()}", seg.deleted_count()
    return str(id(reader)), 0


def deleted_docs(reader: Any) -> frozenset[int]:
    deleted = reader.deleted_docs_set  # a cached property on SegmentReader
    docs: frozenset[int] = deleted() if callable(deleted) else deleted
    return docs


def _matcher_ids(m: Any) -> set[int]:
    if isinstance(m, FilterMatcher) and isinstance(m.child, W3LeafMatcher):
        ids = _matcher_ids(m.child)
        kept: set[int] = ids - m._ids if m._exclude else ids & m._ids  # Whoosh's matchers are untyped
        return kept
    if isinstance(m, W3LeafMatcher):
        out: set[int] = set()
        while m.is_active():  # whole blocks at a time
            if m._ids is None:
                m._read_ids()
            out.update(m._ids)
            m._next_block()
        return out
    return set(m.all_ids()) if m.is_active() else set()


class SegmentCaches:
    """Per-segment values of one index, each map bounded, least recently used out first (search.lru)."""

    # Entries are per segment: ~16 fields' columns and lengths over a 100k index's ~60 segments
    # fit; filters and name lists are per segment and filter (the default ones stay in use).
    COLUMN_LIMIT = 1024
    FILTER_LIMIT = 1024
    DIRECTORY_LIMIT = 256

    # Columns are tuples, not lists: a tuple of numbers or text is left out of cyclic garbage
    # collection (CPython untracks it), so a server holding 100k-document columns does not have
    # them walked by every full collection (each pause lands on some request).

    def __init__(self) -> None:
        self.columns: Lru[tuple[str, str], tuple[Any, ...]] = Lru(self.COLUMN_LIMIT)
        # (values, docnums) in value order
        self.sorted: Lru[tuple[str, str], tuple[tuple[int, ...], tuple[int, ...]]] = Lru(self.COLUMN_LIMIT)
        self.lengths: Lru[tuple[str, str], tuple[int, ...]] = Lru(self.COLUMN_LIMIT)
        self.filters: Lru[tuple[str, int, str], frozenset[int]] = Lru(self.FILTER_LIMIT)
        self.directories: Lru[tuple[str, int, str], Directory] = Lru(self.DIRECTORY_LIMIT)

    def column(self, segment_searcher: Searcher, fieldname: str) -> tuple[Any, ...]:
        """A field's column values for every docnum of the segment, read once."""
        reader = segment_searcher.reader()
        key = (segment_key(segment_searcher)[0], fieldname)
        values = self.columns.get(key)
        if values is None:
            if not reader.has_column(fieldname):
                values = (None,) * reader.doc_count_all()
            elif fieldname == "organisation_facet":
                values = tuple(
                    tuple(v.decode("utf-8").split(ORG_SEPARATOR)) if v else ()
                    for v in reader.column_reader(fieldname)
                )
            elif fieldname == "role_facet":
                values = tuple(v.decode("utf-8") if v else None for v in reader.column_reader(fieldname))
            else:
                values = tuple(reader.column_reader(fieldname))
            self.columns.put(key, values)
        return values

    def sorted_column(self, sub: Searcher, fieldname: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(sorted raw column values, docnums in that order) for one segment."""
        key = (segment_key(sub)[0], fieldname)
        hit = self.sorted.get(key)
        if hit is None:
            reader = sub.reader()
            if reader.has_column(fieldname):
                raw = list(reader.column_reader(fieldname, translate=False))
            else:
                raw = [_NO_VALUE] * reader.doc_count_all()
            order = sorted(range(len(raw)), key=raw.__getitem__)
            hit = (tuple(raw[d] for d in order), tuple(order))
            self.sorted.put(key, hit)
        return hit

    def field_lengths(self, sub: Searcher, fieldname: str) -> tuple[int, ...]:
        """Each document's length in a field (at least 1, as BM25F reads it)."""
        key = (segment_key(sub)[0], fieldname)
        lengths = self.lengths.get(key)
        if lengths is None:
            reader = sub.reader()
            dfl = reader.doc_field_length
            lengths = tuple(dfl(d, fieldname, 1) or 1 for d in range(reader.doc_count_all()))
            self.lengths.put(key, lengths)
        return lengths

    def filter_docs(self, sub: Searcher, filt: Query) -> frozenset[int]:
        """The segment's live docnums inside the filter, kept per deletion state."""
        seg_id, deleted = segment_key(sub)
        key = (seg_id, deleted, repr(filt))
        docs = self.filters.get(key)
        if docs is None:
            docs = frozenset(self.docs(filt, sub, clauses_cached=True))
            self.filters.put(key, docs)
        return docs

    def _range_docs(self, q: DateRange, sub: Searcher) -> set[int]:
        """A DateRange on a column-only date field, by bisecting the sorted column."""
        values, order = self.sorted_column(sub, q.fieldname)
        lo = 0 if q.start is None else q.start + (1 if q.startexcl else 0)
        hi = _NO_VALUE - 1 if q.end is None else q.end - (1 if q.endexcl else 0)
        if lo > hi:
            return set()
        out = set(order[bisect_left(values, lo) : bisect_right(values, hi)])
        reader = sub.reader()
        if out and reader.has_deletions():
            out -= deleted_docs(reader)
        return out

    def docs(self, q: Query, sub: Searcher, clauses_cached: bool = False) -> set[int]:
        """Docnums (within this segment, live only) matching q, ignoring scores.

        With `clauses_cached` (filters), the clauses of an And are filters of their own, each
        kept (filter_docs): every search's filter is the visibility clauses plus its own
        selection, so a new year or party reads the visibility postings (every document of the
        segment) once per segment, not once per search."""
        if isinstance(q, Term):
            reader = sub.reader()
            if (q.fieldname, q.text) not in reader:
                return set()
            return _matcher_ids(reader.postings(q.fieldname, q.text))
        if _is_column_range(q, sub):
            assert isinstance(q, DateRange)
            return self._range_docs(q, sub)
        if isinstance(q, ConstantScoreQuery):
            return self.docs(q.child, sub)
        if isinstance(q, Or):
            out: set[int] = set()
            for child in q.subqueries:
                out |= self.docs(child, sub)
            return out
        if isinstance(q, And):
            pos = [c for c in q.subqueries if not isinstance(c, WNot)]
            neg = [c.query for c in q.subqueries if isinstance(c, WNot)]
            if not pos:
                pos = [Every()]
            def part(child: Query) -> set[int] | frozenset[int]:
                return self.filter_docs(sub, child) if clauses_cached else self.docs(child, sub)

            result = set(part(pos[0]))
            for child in pos[1:]:
                if not result:
                    return result
                result &= part(child)
            for child in neg:
                if not result:
                    break
                result -= part(child)
            return result
        if isinstance(q, WNot):
            return self.docs(Every(), sub) - self.docs(q.query, sub)
        if isinstance(q, Every) and not q.fieldname:
            return set(sub.reader().all_doc_ids())
        if q is NullQuery:
            return set()
        return _matcher_ids(q.matcher(sub))


def _is_column_range(q: Query, sub: Searcher) -> bool:
    if not isinstance(q, DateRange) or q.fieldname not in sub.schema:
        return False
    return isinstance(sub.schema[q.fieldname], DATECOLUMN)
