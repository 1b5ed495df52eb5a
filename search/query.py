"""The search entry point: parameters in, a page of hits with total, facets and highlights out.

A search runs in these modules, one job each:
  search.syntax    the user's syntax: cleaning, lexer, parser, tree (no Whoosh);
  search.build     the tree as a Whoosh query, words analysed like the index;
  search.filters   visibility, time travel and the caller's selections as one filter;
  search.scoring   every match inside the filter scored (BM25F), counted and faceted;
  search.segments  per-segment matching and the per-segment values an index keeps;
  search.snippets  why each hit of the page matched, marked;
  search.readers   the index's shared segment readers and the state each index owns.

User errors come back in SearchResult.error, limits that were applied in SearchResult.notes;
`search` never raises on user input.
"""

from __future__ import annotations

import heapq
import html
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from whoosh.index import Index
from whoosh.query import Every
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet

from search.build import (
    MAX_EXPANSIONS,
    MAX_TOTAL_EXPANSIONS,
    ParsedQuery,
    parse_user_query,
)
from search.directory import suggest
from search.filters import build_filter, visible_names
from search.readers import cached_searcher, generation_key, index_state
from search.schema import FAR_FUTURE, KINDS
from search.scoring import FACETS, match_and_facets
from search.segments import SegmentCaches
from search.snippets import SNIPPET_CHARS, make_snippet
from search.syntax import MAX_CLAUSES, MAX_DEPTH, MAX_QUERY_CHARS

__all__ = [
    "SearchParams",
    "SearchHit",
    "SearchResult",
    "SortOrder",
    "ParsedQuery",
    "parse_user_query",
    "search",
    "known_names",
    "clear_result_cache",
    "MAX_QUERY_CHARS",
    "MAX_CLAUSES",
    "MAX_DEPTH",
    "MAX_EXPANSIONS",
    "MAX_TOTAL_EXPANSIONS",
    "MAX_PAGE_SIZE",
    "MAX_RESULT_WINDOW",
]

MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
SortOrder = Literal["relevance", "date", "-date"]


# ---------------------------------------------------------------- parameters and results


@dataclass
class SearchParams:
    q: str = ""
    kind: list[str] | None = None
    speaker: str | None = None
    party: str | None = None
    organisation: str | None = None
    role: str | None = None  # the speaker's role as written ("fylkesordfører"), any inflection
    year: int | None = None  # the record's own date falls in this year (what the year facet counts)
    date_from: date | None = None  # the record's own date, inclusive, every kind
    date_to: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    known_at: datetime | None = None
    valid_at: date | None = None
    include_restricted: bool = False
    sort: SortOrder = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True  # False: facet lists come back empty (cheaper)


@dataclass
class SearchHit:
    id: str
    record_id: str
    version: int | None
    kind: str | None
    reference: str | None
    title: str
    snippet: str
    speaker: str | None
    party: str | None
    role: str | None
    organisation: list[str]
    dates: dict[str, str]
    score: float | None
    visibility: str | None = None  # archive.visibility's mark of the record now (staff see all)
    status: str | None = None  # the version's own status ("cancelled", "withdrawn", ...)


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[Any, int]]]
    parsed_query: str
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def known_names(
    index: Index, field_name: str, prefix: str = "", *, include_restricted: bool = False,
    limit: int = 20, now: datetime | None = None,
) -> list[tuple[str, int]]:
    """Values of a filter field the caller may see, matching `prefix` (for suggestions)."""
    now = (now or datetime.utcnow()).replace(tzinfo=None)
    visible, _ = build_filter(SearchParams(include_restricted=include_restricted), now)
    caches = index_state(index).attached(SegmentCaches)
    with cached_searcher(index) as searcher:
        return suggest(visible_names(searcher, visible, caches), field_name, prefix, limit)


# ---------------------------------------------------------------- hits


def _snippet(text: str, terms: set[str]) -> str:
    """Why the hit matched, marked (search.snippets); never breaks a search."""
    try:
        return make_snippet(text, terms)
    except Exception:  # noqa: BLE001 - a snippet must never break a search
        plain = (text or "")[:SNIPPET_CHARS]
        return html.escape(plain, quote=False) + ("…" if len(text or "") > SNIPPET_CHARS else "")


def _hit(stored: dict[str, Any], score: float | None, hl: dict[str, set[str]]) -> SearchHit:
    dates = {
        k: v.isoformat()
        for k in ("date", "recorded_at", "superseded_at", "valid_from", "valid_to")
        if isinstance(v := stored.get(k), datetime) and v < FAR_FUTURE
    }
    orgs = [o for o in (stored.get("organisation") or "").split(",") if o]
    return SearchHit(
        id=stored.get("id", ""),
        record_id=stored.get("record_id", ""),
        version=stored.get("version"),
        kind=stored.get("kind"),
        reference=stored.get("reference"),
        title=stored.get("title", ""),
        snippet=_snippet(stored.get("body", ""), hl.get("body", set())),
        speaker=stored.get("speaker"),
        party=stored.get("party"),
        role=stored.get("role"),
        organisation=orgs,
        dates=dates,
        score=score,
        visibility=stored.get("visibility"),
        status=stored.get("status"),
    )


# ---------------------------------------------------------------- search


def _page_bounds(params: SearchParams, notes: list[str]) -> tuple[int, int]:
    page_size = max(1, min(int(20 if params.page_size is None else params.page_size), MAX_PAGE_SIZE))
    if page_size != params.page_size:
        notes.append(f"page size limited to 1–{MAX_PAGE_SIZE}")
    page = max(1, int(1 if params.page is None else params.page))
    return page, page_size


# ---------------------------------------------------------------- result cache
#
# A search's expensive part (parse, names, filter, every match scored, total, facets, the ranking)
# depends on the parameters, the caller's visibility and the index commit, never on the page. Each
# index keeps it (a ResultCache in its search.readers state) per (commit generation, parameters
# without the page), so page 2 of a query just run, and the same query again, only read their
# page's stored fields and snippets; rendered pages are kept too. Any write makes a new generation
# (search.index.generation_key), so nothing from before a write is served after it.
# include_restricted, known_at and valid_at are part of the key: an anonymous answer never reaches
# staff or the other way round. `now` only matters for valid_at without known_at, and is in the
# key then.

RANK_KEEP = 200  # ranked docnums kept per query: the first 10 pages of 20
_RESULT_CACHE_LIMIT = 256
_PAGE_CACHE_LIMIT = 512


@dataclass(frozen=True)
class _Ranking:
    """A query's page-independent answer at one index generation."""

    total: int
    facets: dict[str, list[tuple[Any, int]]]
    description: str
    error: str | None
    notes: tuple[str, ...]
    highlight_terms: dict[str, set[str]]
    order: tuple[tuple[float | None, int], ...]  # (score shown, global docnum), best first
    complete: bool  # order holds every match (else deeper pages rank again)


class _Lru:
    """A small thread-safe LRU map (FastAPI runs sync routes in a thread pool)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.limit:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class ResultCache:
    """One index's answers: rankings by query, rendered pages by query and page."""

    def __init__(self) -> None:
        self.rankings = _Lru(_RESULT_CACHE_LIMIT)
        self.pages = _Lru(_PAGE_CACHE_LIMIT)

    def clear(self) -> None:
        self.rankings.clear()
        self.pages.clear()


def clear_result_cache(index: Index) -> None:
    """Forget every cached answer of this index (the bench times uncached searches)."""
    index_state(index).attached(ResultCache).clear()


def _cache_key(searcher: Searcher, params: SearchParams, now: datetime) -> tuple[Any, ...] | None:
    generation = generation_key(searcher)
    if generation is None:
        return None
    values = tuple(
        tuple(v) if isinstance(v, list) else v
        for name, v in sorted(vars(params).items())
        if name not in ("page", "page_size")
    )
    moment = now if params.valid_at is not None and params.known_at is None else None
    return (generation, values, moment)


def search(index: Index, params: SearchParams, *, now: datetime | None = None) -> SearchResult:
    """Run a user search. User errors come back in `error`, never as exceptions."""
    now = (now or datetime.utcnow()).replace(tzinfo=None)
    notes: list[str] = []
    page, page_size = _page_bounds(params, notes)
    state = index_state(index)
    cache, caches = state.attached(ResultCache), state.attached(SegmentCaches)
    with cached_searcher(index) as searcher:
        key = _cache_key(searcher, params, now)
        ranking: _Ranking | None = cache.rankings.get(key) if key is not None else None
        limit = page * page_size
        if ranking is None or (not ranking.complete and limit > len(ranking.order)):
            ranking = _rank(searcher, caches, params, now, max(RANK_KEEP, limit))
            if key is not None:
                cache.rankings.put(key, ranking)
        notes.extend(ranking.notes)
        result = SearchResult(ranking.total, page, page_size, [], ranking.facets, ranking.description,
                              ranking.error, notes)
        if not ranking.total:
            return result
        if (page - 1) * page_size >= min(ranking.total, MAX_RESULT_WINDOW):
            if page * page_size > MAX_RESULT_WINDOW:
                notes.append(f"only the first {MAX_RESULT_WINDOW} results can be paged through")
            return result
        page_key = (key, page, page_size) if key is not None else None
        hits: list[SearchHit] | None = cache.pages.get(page_key) if page_key is not None else None
        if hits is None:
            hits = [
                _hit(searcher.stored_fields(docnum), score, ranking.highlight_terms)
                for score, docnum in ranking.order[(page - 1) * page_size : limit]
            ]
            if page_key is not None:
                cache.pages.put(page_key, hits)
        result.hits = list(hits)
        return result


def _rank(searcher: Searcher, caches: SegmentCaches, params: SearchParams, now: datetime, keep: int
          ) -> _Ranking:
    """Everything about a search but its page: total, facets, the first `keep` hits in order."""
    notes: list[str] = []
    parsed = parse_user_query(searcher, params.q)
    notes.extend(parsed.notes)
    error = "; ".join(parsed.errors) or None
    filt, filt_desc = build_filter(params, now, searcher, notes, caches)
    unknown_kinds = sorted({k for k in (params.kind or []) if k and k.lower() not in KINDS})
    if unknown_kinds:
        refused = f"unknown kind {', '.join(map(repr, unknown_kinds))} (one of {', '.join(KINDS)})"
        error = f"{error}; {refused}" if error else refused
    user_q = parsed.query
    if user_q is None and not (params.q or "").strip():
        user_q = Every()  # an empty query lists everything visible (browse)
    description = parsed.description or ("*" if isinstance(user_q, Every) else "")
    if filt_desc:
        description = f"{description}  [{filt_desc}]" if description else f"[{filt_desc}]"
    if user_q is None:
        return _Ranking(0, {f: [] for f in FACETS}, description, error or "nothing to search for",
                        tuple(notes), parsed.highlight_terms, (), True)
    # One pass finds every match inside the filter (total, facets and,
    # for relevance, its BM25F score; date order lets Whoosh sort with the
    # matched set as its filter), so restricted and invisible documents
    # never reach hits, totals, snippets or facets, and the filter does
    # not change scores.
    relevance = params.sort not in ("date", "-date")
    scored: list[tuple[float, int]] | None = [] if relevance else None
    matched, facets = match_and_facets(searcher, caches, user_q, filt, params.facets, scored)
    total = len(matched)
    order: list[tuple[float | None, int]] = []
    if total and scored is not None:
        # Whoosh's order: score descending, then lower docnum first.
        top = heapq.nsmallest(keep, scored, key=lambda sd: (-sd[0], sd[1]))
        order = [(score if params.sort == "relevance" else None, docnum) for score, docnum in top]
    elif total:
        results = searcher.search(
            user_q, limit=keep, filter=matched, sortedby=FieldFacet("date", reverse=params.sort == "-date")
        )
        order = [(None, results.docnum(i)) for i in range(min(keep, results.scored_length()))]
    return _Ranking(total, facets, description, error, tuple(notes), parsed.highlight_terms, tuple(order),
                    len(order) >= total)
