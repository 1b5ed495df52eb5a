"""Open segment readers, shared by every thread that searches or writes one index.

Each `Index` object owns one `IndexState` (attached to it, gone with it): the open segment
readers, each segment's set of document ids, the latest TOC, a lock, and the caches that
higher layers attach (search.segments, search.query). A segment's postings never change; only
its deletion set grows, so a reader is valid while the deleted count matches, and neither a
writer's id lookups nor the next search reopen every segment after a commit.

Why one set of readers for all threads, reading the mapped file in place: Whoosh copies a
segment's files into memory when a reader opens them (`BytesIO(memoryview(mmap))` copies), so
each reader cost its segment's size twice (the copy and the mapped pages), once per thread, and
FastAPI runs sync routes on up to 40 threads. Here a reader's files are views of the mapping
(`_ViewFile`), so only the pages a search touches are resident, and those once per process. A
reader moves a shared file position while it reads, so it is not safe in two threads at once:
`cached_searcher` and the writer's lookups hold the state's lock while they use readers. The
work is CPU-bound Python under the GIL, so the lock costs no parallelism worth having.

Readers of segments that left the index are dropped, not closed (a searcher may still hold
one; their files close when they are collected). Readers are built on private copies of the
segment objects, because a writer mutates its own copies when deleting.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.index import TOC, FileIndex, Index
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

__all__ = ["IndexState", "index_state", "segment_readers", "segment_ids", "cached_searcher",
           "generation_key"]

T = TypeVar("T")
Signature = tuple[int, int, int, int]


class IndexState:
    """What one open index keeps between searches and writes (see the module docstring)."""

    def __init__(self, folder: str, indexname: str) -> None:
        self.key = (folder, indexname)
        self.lock = threading.RLock()
        self.readers: dict[str, tuple[int, SegmentReader]] = {}  # segment id -> (deleted, reader)
        self.id_sets: dict[str, frozenset[str]] = {}
        self.toc: tuple[Signature, TOC] | None = None
        self.searcher: tuple[Signature, Searcher] | None = None  # the latest commit's, reused
        self._attached: dict[type[Any], Any] = {}

    def attached(self, kind: type[T], make: Callable[[], T] | None = None) -> T:
        """The one `kind` object this index owns (made on first use by `make` or `kind()`)."""
        with self.lock:
            value = self._attached.get(kind)
            if value is None:
                value = self._attached[kind] = (make or kind)()
            return cast(T, value)


class _View:
    """A read-only file over part of a memory map, without copying it (what BytesIO would)."""

    def __init__(self, source: Any, offset: int, length: int) -> None:
        self._source, self._base, self._size, self._pos = source, offset, length, 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._pos = max(start, end)
        return bytes(self._source[self._base + start : self._base + self._pos])

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        end = self._source.find(b"\n", self._base + self._pos, self._base + self._size)
        stop = self._size if end == -1 else end - self._base + 1
        if size is not None and size >= 0:
            stop = min(stop, self._pos + size)
        return self.read(stop - self._pos)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = 0 if whence == 0 else self._pos if whence == 1 else self._size
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _ViewFile(BufferFile):
    """Whoosh's BufferFile reading through a `_View` instead of a BytesIO copy."""

    def __init__(self, source: Any, offset: int, length: int, name: str) -> None:
        # Not BufferFile.__init__: its BytesIO(buf) would copy the whole part (touching every
        # page of the mapping) only for the copy to be replaced by the view.
        self._buf = memoryview(source)[offset : offset + length]
        self._name = name
        self.file = _View(source, offset, length)
        self.onclose = None
        self.is_real = False
        self.is_closed = False


class _ViewStorage(CompoundStorage):
    """A mapped compound segment file whose parts are opened as views (see _ViewFile)."""

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._source is None or self.is_closed:
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return _ViewFile(self._source, offset, length, name)


def _open_segment(storage: Any, schema: Any, segment: Any) -> SegmentReader:
    """A reader on a private copy of `segment` whose compound file is read in place."""
    seg = copy.deepcopy(segment)
    if seg.is_compound():
        opened_by_whoosh = seg.open_compound_file

        def open_compound_file(storage: Any) -> CompoundStorage:
            files = opened_by_whoosh(storage)
            if type(files) is CompoundStorage:
                files.__class__ = _ViewStorage  # same state, parts opened as views
            return files

        seg.open_compound_file = open_compound_file
    reader = SegmentReader(storage, schema, seg)
    if seg.doc_count_all():
        # Reading one document's stored fields builds the segment's stored-column reader (its
        # offsets, 0.3 ms per 2,000 documents) now, not in the first search that shows a hit here.
        reader.stored_fields(0)
    return reader


_STATES: WeakKeyDictionary[Index, IndexState] = WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def index_state(ix: Index) -> IndexState:
    """The state owned by this index object (created on first use, collected with the index)."""
    assert isinstance(ix, FileIndex)
    state = _STATES.get(ix)
    if state is None:
        with _STATES_LOCK:
            state = _STATES.get(ix)
            if state is None:
                state = _STATES[ix] = IndexState(os.path.abspath(ix.storage.folder), ix.indexname)
    return state


def segment_readers(ix: Index, schema: Any, segments: list[Any]) -> list[SegmentReader]:
    """Readers for `segments`, reused while a segment's deletions are unchanged.

    Call with `index_state(ix).lock` held, and keep holding it while the readers are used."""
    state = index_state(ix)
    cache = state.readers
    wanted = set()
    out = []
    for seg in segments:
        key = seg.segment_id()
        wanted.add(key)
        deleted = seg.deleted_count()
        hit = cache.get(key)
        if hit is None or hit[0] != deleted:
            reader = _open_segment(ix.storage, schema, seg)
            hit = cache[key] = (deleted, reader)
        out.append(hit[1])
    for key in [k for k in cache if k not in wanted]:
        del cache[key]
        state.id_sets.pop(key, None)  # a segment merged away: its id set goes with its reader
    return out


def segment_ids(ix: Index, reader: SegmentReader) -> frozenset[str]:
    """The document ids a segment holds: built once per segment (one pass over its "id"
    lexicon), so a writer knows in a set lookup whether an id is there instead of a term lookup
    in every segment. Sets leave with their segment's reader (see segment_readers)."""
    cache = index_state(ix).id_sets
    key = reader.segment().segment_id()
    ids = cache.get(key)
    if ids is None:
        ids = cache[key] = frozenset(term.decode("utf-8") for term in reader.lexicon("id"))
    return ids


def _latest_toc_signed(ix: Index, state: IndexState) -> tuple[Signature, TOC]:
    """(signature, TOC): the signature is the generation and the TOC file's inode, mtime and size,
    so a folder replaced by another index (rebuild and swap, generations counted from 1 again)
    never looks like the commit it replaced."""
    assert isinstance(ix, FileIndex)
    for attempt in range(5):
        gen = ix.latest_generation()
        try:
            st = os.stat(os.path.join(ix.storage.folder, TOC._filename(ix.indexname, gen)))
        except OSError:
            if attempt == 4:
                raise
            continue  # a newer commit removed it meanwhile
        sig = (gen, st.st_ino, st.st_mtime_ns, st.st_size)
        hit = state.toc
        if hit is not None and hit[0] == sig:
            return hit
        try:
            toc = TOC.read(ix.storage, ix.indexname, gen, schema=ix._schema)
        except OSError:
            if attempt == 4:
                raise
            continue
        state.toc = (sig, toc)
        return sig, toc
    raise AssertionError("unreachable")


def _reader_at(ix: Index, state: IndexState) -> tuple[IndexReader, Signature]:
    """A reader on the latest commit and that commit's signature (see _latest_toc_signed)."""
    for attempt in range(5):
        sig, toc = _latest_toc_signed(ix, state)
        try:
            readers = segment_readers(ix, toc.schema, list(toc.segments))
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
def cached_searcher(ix: Index) -> Iterator[Searcher]:
    """A searcher on the latest commit over the index's shared segment readers (like
    `ix.searcher()`, without reopening every segment); the readers are this thread's until the
    block ends.

    One searcher per commit, kept for the next call: a Searcher over ~50 segments builds a
    sub-searcher for each (0.5 ms), and it holds nothing a later search on the same commit must
    not see. The searcher carries the commit it reads (see `generation_key`)."""
    state = index_state(ix)
    with state.lock:
        signature, _toc = _latest_toc_signed(ix, state)
        hit = state.searcher
        if hit is None or hit[0] != signature:
            reader, signature = _reader_at(ix, state)
            searcher = Searcher(reader, fromindex=ix, closereader=False)
            searcher.protokoll_generation = (*state.key, *signature)
            hit = state.searcher = (signature, searcher)
        yield hit[1]


def generation_key(searcher: Searcher) -> tuple[Any, ...] | None:
    """The commit a `cached_searcher` reads: folder, index name, generation and the TOC file's
    inode, mtime and size; None for other searchers.

    Every commit (write_batch, a merge) makes a new generation, and docnums are only stable
    within one: a cache keyed by this is invalidated by any write, and by an index swapped
    into the same folder (whose generations start again at 1).
    """
    key = getattr(searcher, "protokoll_generation", None)
    return key if isinstance(key, tuple) else None
