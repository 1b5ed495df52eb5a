"""The search entry point: parameters in, a page of hits with total, facets and highlights out.

A search runs in these modules, one job each:
  search.syntax    the user's syntax: cleaning, lexer, parser, tree (no Whoosh);
  search.build     the tree as a Whoosh query, words analysed like the index;
  search.filters   visibility, time travel and the caller's selections as one filter;
  search.scoring   every match inside the filter scored (BM25F), counted and faceted;
  search.segments  per-segment matching and the per-segment values an index keeps;
  search.snippets  why each hit of the page matched, marked;
  search.results   each index's cached rankings and pages (page 2 rendered with page 1);
  search.readers   the index's shared segment readers and the state each index owns.

User errors come back in SearchResult.error, limits that were applied in SearchResult.notes;
`search` never raises on user input.
"""

from __future__ import annotations

import heapq
import html
import logging
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
from search.results import (
    RANK_KEEP,
    Ranking,
    ResultCache,
    cache_key,
    clear_result_cache,
    stored_page,
)
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

log = logging.getLogger(__name__)

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


def _query_key(params: SearchParams, now: datetime) -> tuple[Any, ...]:
    """What a search's answer depends on besides the index commit and the page."""
    values = tuple(
        tuple(v) if isinstance(v, list) else v
        for name, v in sorted(vars(params).items())
        if name not in ("page", "page_size")
    )
    moment = now if params.valid_at is not None and params.known_at is None else None
    return (values, moment)


def _has_page(ranking: Ranking, page: int, page_size: int) -> bool:
    """Whether `page` holds hits this ranking already knows in order."""
    start = (page - 1) * page_size
    if start >= min(ranking.total, MAX_RESULT_WINDOW):
        return False
    return ranking.complete or page * page_size <= len(ranking.order)


def _render_next(index: Index, cache: ResultCache, key: tuple[Any, ...], ranking: Ranking, page: int,
                 page_size: int) -> None:
    """Render `page` now and keep it, for the commit `key` names only: after a write the docnums
    of `key`'s ranking may name other documents, so a page of another commit is never made from it."""
    with cached_searcher(index) as searcher:
        if generation_key(searcher) != key[0]:
            return
        stored = stored_page(searcher, ranking, page, page_size)
    cache.pages.put((key, page, page_size), [_hit(fields, score, ranking.highlight_terms) for score, fields in stored])


def search(index: Index, params: SearchParams, *, now: datetime | None = None) -> SearchResult:
    """Run a user search. User errors come back in `error`, never as exceptions.

    Once a reader has paged on this index, page 1 has page 2 rendered with it and kept in the
    page cache (ResultCache), so page 2 is a cache hit.
    """
    now = (now or datetime.utcnow()).replace(tzinfo=None)
    notes: list[str] = []
    page, page_size = _page_bounds(params, notes)
    state = index_state(index)
    cache, caches = state.attached(ResultCache), state.attached(SegmentCaches)
    query_key = _query_key(params, now)
    if page > 1:
        cache.paged = True
    with cached_searcher(index) as searcher:
        key = cache_key(searcher, query_key)
        ranking: Ranking | None = cache.rankings.get(key) if key is not None else None
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
        stored = stored_page(searcher, ranking, page, page_size) if hits is None else []
    # Snippets are made outside the readers' lock: other searches need only the readers.
    if hits is None:
        hits = [_hit(fields, score, ranking.highlight_terms) for score, fields in stored]
        if page_key is not None:
            cache.pages.put(page_key, hits)
    # Page 2 with page 1 (whether page 1 was rendered now or came from the cache): a reader who
    # pages on asks for it next. Deeper pages are rendered when asked for (each render costs the
    # request that makes it; a reader reaching page 3 has taken a while anyway).
    if page == 1 and key is not None and cache.paged and _has_page(ranking, 2, page_size) \
            and cache.pages.get((key, 2, page_size)) is None:
        _render_next(index, cache, key, ranking, 2, page_size)
    result.hits = list(hits)
    return result


def _rank(searcher: Searcher, caches: SegmentCaches, params: SearchParams, now: datetime, keep: int
          ) -> Ranking:
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
        return Ranking(0, {f: [] for f in FACETS}, description, error or "nothing to search for",
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
    return Ranking(total, facets, description, error, tuple(notes), parsed.highlight_terms, tuple(order),
                    len(order) >= total)
