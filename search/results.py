"""One index's cached answers: rankings by query and rendered pages, and pages rendered ahead.

A search's expensive part (parse, names, filter, every match scored, total, facets, the ranking)
depends on the parameters, the caller's visibility and the index commit, never on the page. Each
index keeps it (a ResultCache in its search.readers state) per (commit generation, parameters
without the page), so page 2 of a query just run, and the same query again, only read their
page's stored fields and snippets; rendered pages are kept too. Any write makes a new generation
(search.readers.generation_key), so nothing from before a write is served after it.
include_restricted, known_at and valid_at are part of the key: an anonymous answer never reaches
staff or the other way round. `now` only matters for valid_at without known_at, and is in the
key then. search.query decides what to cache and renders the hits.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from search.lru import Lru
from search.readers import generation_key, index_state

RANK_KEEP = 200  # ranked docnums kept per query: the first 10 pages of 20
_RESULT_CACHE_LIMIT = 256
_PAGE_CACHE_LIMIT = 512
_AHEAD_LIMIT = 8  # next pages queued for rendering at most (a burst of queries drops the rest)
_AHEAD_WAIT = 2.0  # seconds a request waits for its page being rendered ahead before rendering it
_AHEAD_PATIENCE = 1.0  # seconds rendering ahead waits for no search to run before giving up


@dataclass(frozen=True)
class Ranking:
    """A query's page-independent answer at one index generation."""

    total: int
    facets: dict[str, list[tuple[Any, int]]]
    description: str
    error: str | None
    notes: tuple[str, ...]
    highlight_terms: dict[str, set[str]]
    order: tuple[tuple[float | None, int], ...]  # (score shown, global docnum), best first
    complete: bool  # order holds every match (else deeper pages rank again)


class ResultCache:
    """One index's answers: rankings by query, rendered pages by query and page, and the next
    pages being rendered ahead on the index's own background thread.

    Rendering ahead uses time no search wants: the renderer reads its page's stored fields in
    one short hold of the index's readers, then renders hit by hit and, before each, waits while
    a search is running (`searching`), unless a request waits for that very page. (A worker
    process would not hold this process's interpreter at all, but it handed pages back later
    than the request for them came, and a spawned process re-imports the server's main module.)
    It starts once someone pages on this index (`paged`): rendering page 2 of every query costs
    the requests that run meanwhile (bench/search.py, 10k records: page 2 p95 5.6 ms, but page 1
    of back-to-back queries +2.5 ms p50 and up to 2x at p95), a cost only worth paying for
    readers who page.
    """

    def __init__(self) -> None:
        self.rankings: Lru[Any, Ranking] = Lru(_RESULT_CACHE_LIMIT)
        self.pages: Lru[Any, Any] = Lru(_PAGE_CACHE_LIMIT)
        self.paged = False  # a page beyond the first was asked for: rendering ahead is worth a thread
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0  # searches running now
        self._ahead: dict[Any, Future[None]] = {}  # page key without the generation -> its rendering
        self._wanted: set[Any] = set()  # pages rendered ahead that a request waits for
        self._worker: ThreadPoolExecutor | None = None

    def clear(self) -> None:
        self.rankings.clear()
        self.pages.clear()

    def close(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=False, cancel_futures=True)

    @contextlib.contextmanager
    def searching(self) -> Iterator[None]:
        """Mark a search as running: rendering ahead waits meanwhile."""
        with self._lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def render_ahead(self, ahead_key: Any, job: Callable[[], None]) -> None:
        """Run `job` on this cache's one background thread, unless that page is under way already."""
        with self._lock:
            if ahead_key in self._ahead or len(self._ahead) >= _AHEAD_LIMIT:
                return
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-render-ahead")
            future = self._ahead[ahead_key] = self._worker.submit(job)
        future.add_done_callback(lambda _f: self._done(ahead_key))

    def _done(self, ahead_key: Any) -> None:
        with self._lock:
            self._ahead.pop(ahead_key, None)

    def may_go_on(self, ahead_key: Any) -> bool:
        """For the renderer, before each hit: wait until no search runs or a request wants this page;
        False when searches kept running for _AHEAD_PATIENCE (the page is left to its request)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy or ahead_key in self._wanted,
                                       timeout=_AHEAD_PATIENCE)

    def settle(self, timeout: float) -> None:
        """Wait for every page being rendered ahead (tests check what it kept)."""
        with self._lock:
            pending = list(self._ahead.values())
        futures_wait(pending, timeout=timeout)

    def wait_ahead(self, ahead_key: Any) -> None:
        """Wait for the page if it is being rendered ahead (rendering it here as well would only
        compete with that thread for the interpreter)."""
        with self._idle:
            future = self._ahead.get(ahead_key)
            if future is None:
                return
            self._wanted.add(ahead_key)
            self._idle.notify_all()
        try:
            futures_wait([future], timeout=_AHEAD_WAIT)  # not done by then: the caller renders the page itself
        finally:
            with self._lock:
                self._wanted.discard(ahead_key)


def clear_result_cache(index: Index) -> None:
    """Forget every cached answer of this index (the bench times uncached searches)."""
    index_state(index).attached(ResultCache).clear()


def stop_rendering_ahead(index: Index) -> None:
    """Stop the index's rendering-ahead thread, if it started (the index is being closed)."""
    index_state(index).attached(ResultCache).close()


def cache_key(searcher: Searcher, query_key: tuple[Any, ...]) -> tuple[Any, ...] | None:
    generation = generation_key(searcher)
    return None if generation is None else (generation, *query_key)


def stored_page(searcher: Searcher, ranking: Ranking, page: int, page_size: int
            ) -> list[tuple[float | None, dict[str, Any]]]:
    """A page's stored fields (read while the index's readers are held)."""
    return [(score, searcher.stored_fields(docnum))
            for score, docnum in ranking.order[(page - 1) * page_size : page * page_size]]
