"""Open segment readers, shared by every thread that searches or writes one index.

Each `Index` object owns one `IndexState` (attached to it, gone with it): the open segment
readers, each segment's set of document ids, the latest TOC, a lock, and the caches that
higher layers attach (search.segments, search.query). A segment's postings never change; only
its deletion set grows, so a reader is valid while the deleted count matches, and neither a
writer's id lookups nor the next search reopen every segment after a commit.

Why one set of readers for all threads, reading the segment files in place: Whoosh copies a
segment's files into memory when a reader opens them (`BytesIO(memoryview(mmap))` copies), so
each reader cost its segment's size twice (the copy and the mapped pages), once per thread, and
FastAPI runs sync routes on up to 40 threads. Here a reader's files are parts of the segment
file read with `pread` through one bounded cache of blocks per index (search.segment_files),
so the server holds the blocks read lately, once per process, and the file's pages stay the
kernel's cache. A reader moves a file position while it reads, so it is not safe in two
threads at once: `cached_searcher` and the writer's lookups hold the state's lock while they
use readers. The work is CPU-bound Python under the GIL, so the lock costs no parallelism.

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
from whoosh.index import TOC, FileIndex, Index
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from search.segment_files import BlockCache, PartStorage, SegmentFile

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
        self.blocks = BlockCache()  # recently read blocks of the segment files (search.segment_files)

    def attached(self, kind: type[T], make: Callable[[], T] | None = None) -> T:
        """The one `kind` object this index owns (made on first use by `make` or `kind()`)."""
        with self.lock:
            value = self._attached.get(kind)
            if value is None:
                value = self._attached[kind] = (make or kind)()
            return cast(T, value)


def _open_segment(storage: Any, schema: Any, segment: Any, blocks: BlockCache) -> SegmentReader:
    """A reader on a private copy of `segment` whose compound file is read in place."""
    seg = copy.deepcopy(segment)
    if seg.is_compound():
        opened_by_whoosh = seg.open_compound_file

        def open_compound_file(storage: Any) -> CompoundStorage:
            files = opened_by_whoosh(storage)
            folder = getattr(storage, "folder", None)
            if type(files) is CompoundStorage and folder is not None:
                try:
                    segment_file = SegmentFile(os.path.join(folder, seg.make_filename(seg.COMPOUND_EXT)), blocks)
                except OSError:  # merged away meanwhile: Whoosh's own files (the caller retries)
                    return files
                files.__class__ = PartStorage  # same state, parts read with pread (search.segment_files)
                cast(PartStorage, files).segment_file = segment_file
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
            reader = _open_segment(ix.storage, schema, seg, state.blocks)
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
