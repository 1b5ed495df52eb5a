"""One index's cached answers: rankings by query and rendered pages.

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

from dataclasses import dataclass
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from search.lru import Lru
from search.readers import generation_key, index_state

RANK_KEEP = 200  # ranked docnums kept per query: the first 10 pages of 20
_RESULT_CACHE_LIMIT = 256
_PAGE_CACHE_LIMIT = 512


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
    """One index's answers: rankings by query and rendered pages by query and page.

    Once someone pages on this index (`paged`), page 1 has page 2 rendered with it (search.query),
    so a reader paging on gets a cache hit: page 2 costs the page 1 request before it ~1.5 ms
    (20 hits read and marked, bench/search.py at 100k records). It was rendered
    ahead on a background thread before, but that thread held the interpreter just when the next
    request came (asked for at once, page 2 waited for it: p50 4.6 ms, p95 8.4 ms).
    """

    def __init__(self) -> None:
        self.rankings: Lru[Any, Ranking] = Lru(_RESULT_CACHE_LIMIT)
        self.pages: Lru[Any, Any] = Lru(_PAGE_CACHE_LIMIT)
        self.paged = False  # a page beyond the first was asked for: rendering the next page is worth it

    def clear(self) -> None:
        self.rankings.clear()
        self.pages.clear()


def clear_result_cache(index: Index) -> None:
    """Forget every cached answer of this index (the bench times uncached searches)."""
    index_state(index).attached(ResultCache).clear()


def cache_key(searcher: Searcher, query_key: tuple[Any, ...]) -> tuple[Any, ...] | None:
    generation = generation_key(searcher)
    return None if generation is None else (generation, *query_key)


def stored_page(searcher: Searcher, ranking: Ranking, page: int, page_size: int
            ) -> list[tuple[float | None, dict[str, Any]]]:
    """A page's stored fields (read while the index's readers are held)."""
    return [(score, searcher.stored_fields(docnum))
            for score, docnum in ranking.order[(page - 1) * page_size : page * page_size]]
