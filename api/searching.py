"""The web side of search: turn query-string values into the search module's parameters and
its answer into one stable shape. The search module filters restricted documents itself when
`include_restricted` is false (hits, snippets and facet counts alike)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from api.errors import SearchUnavailable
from api.formatting import KIND_LABELS, reference_path
from api.schemas import QueryDay, QueryInstant, QueryKind
from archive.exceptions import ArchiveError, InvalidCommand
from archive.service import ArchiveService
from archive.values import parse_day, parse_instant
from search.query import SearchHit, SearchParams, SearchResult, SortOrder, known_names

SORTS = ("relevance", "date", "-date")
FACET_FIELDS = ("kind", "party", "speaker", "organisation", "year")


@dataclass(frozen=True)
class SearchRequest:
    """What a caller asked for, as the query string gave it (see `_params` for the search's own types)."""

    q: str = ""
    kind: str | None = None
    party: str | None = None
    speaker: str | None = None
    organisation: str | None = None
    role: str | None = None
    year: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    known_at: str | None = None
    valid_at: str | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    include_restricted: bool = False
    filters: dict[str, str] = field(default_factory=dict)

    def active_filters(self) -> dict[str, Any]:
        names = ("kind", "party", "speaker", "organisation", "role", "year", "date_from", "date_to",
                 "known_at", "valid_at")
        return {n: getattr(self, n) for n in names if getattr(self, n) not in (None, "")}


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value, name)
    except ValueError as exc:
        raise InvalidCommand(str(exc)) from None


def _instant(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_instant(value, name)
    except ValueError as exc:
        raise InvalidCommand(str(exc)) from None


def _params(request: SearchRequest) -> SearchParams:
    """The request in search.query's own types; a date that does not parse is refused."""
    # from/to and year are about the record's own date (meeting day, said or published date, an
    # agreement's start) for every kind: the date the year facet counts. Valid time is valid_at.
    date_from, date_to = _day(request.date_from, "from"), _day(request.date_to, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidCommand(f"from ({date_from}) is after to ({date_to})")
    if request.sort not in SORTS:
        raise InvalidCommand(f"sort must be one of {', '.join(SORTS)}, not {request.sort!r}")
    sort: SortOrder = "date" if request.sort == "date" else "-date" if request.sort == "-date" else "relevance"
    return SearchParams(
        q=request.q, kind=[request.kind] if request.kind else None, speaker=request.speaker,
        party=request.party, organisation=request.organisation, role=request.role, year=request.year,
        date_from=date_from, date_to=date_to, known_at=_instant(request.known_at, "known_at"),
        valid_at=_day(request.valid_at, "valid_at"), include_restricted=request.include_restricted,
        sort=sort, page=request.page, page_size=request.page_size,
    )


def run_search(service: ArchiveService, request: SearchRequest) -> dict[str, Any]:
    """Query the index; returns a dict shaped like `SearchPublic`."""
    index = service.search
    if index is None:
        raise SearchUnavailable("search is not available: the search index is not enabled on this server")
    params = _params(request)
    freshness = service.freshness()  # read before the query: never claims more than the answer saw
    try:
        result = index.query(params)
    except ArchiveError:
        raise
    except (ValueError, TypeError) as exc:  # the module refused the parameters
        raise InvalidCommand(f"search: {exc}") from None
    return {**_public(request, result), **freshness}


# A hit's own fields besides those SearchPublic names (dates are shown through `date`).
_HIT_FIELDS = ("version", "speaker", "party", "role", "organisation", "visibility", "status")


def _public_hit(hit: SearchHit) -> dict[str, Any]:
    fields = {name: getattr(hit, name) for name in _HIT_FIELDS}
    return {
        "id": hit.record_id or hit.id,
        "reference": hit.reference,
        "kind": hit.kind,
        "title": hit.title,
        "snippet": hit.snippet,
        "date": hit.dates.get("date") or hit.dates.get("valid_from"),
        "score": hit.score,
        "url": reference_path(hit.reference) if hit.reference else None,
        "fields": fields,
    }


def _public(request: SearchRequest, result: SearchResult) -> dict[str, Any]:
    return {
        "query": request.q,
        "parsed_query": result.parsed_query,
        "data": [_public_hit(hit) for hit in result.hits],
        "count": result.total,
        "page": request.page,
        "page_size": request.page_size,
        "facets": {name: [{"value": str(value), "count": count} for value, count in values]
                   for name, values in result.facets.items()},
        "filters": request.active_filters(),
        "error": result.error,
        "notes": list(result.notes),
    }


def search_form(
    q: Annotated[str, Query(max_length=500, description="words, \"phrases\", AND/OR/NOT, field:value, prefix*")] = "",
    kind: Annotated[QueryKind | None, Query(max_length=30)] = None,
    party: Annotated[str | None, Query(max_length=100)] = None,
    speaker: Annotated[str | None, Query(max_length=200)] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    role: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    date_from: Annotated[QueryDay | None, Query(max_length=10, alias="from")] = None,
    date_to: Annotated[QueryDay | None, Query(max_length=10, alias="to")] = None,
    known_at: Annotated[QueryInstant | None, Query(max_length=40)] = None,
    valid_at: Annotated[QueryDay | None, Query(max_length=10)] = None,
    sort: Annotated[Literal["relevance", "date", "-date"], Query()] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchRequest:
    def clean(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    if clean(kind) and clean(kind) not in KIND_LABELS:
        # Never silently widened to every kind.
        raise InvalidCommand(f"unknown kind {clean(kind)!r}: one of {', '.join(KIND_LABELS)}")

    return SearchRequest(
        q=q.strip(), kind=clean(kind), party=clean(party), speaker=clean(speaker),
        organisation=clean(organisation), role=clean(role), year=year, date_from=clean(date_from),
        date_to=clean(date_to), known_at=clean(known_at), valid_at=clean(valid_at), sort=sort, page=page,
        page_size=page_size,
    )


SearchFormDep = Annotated[SearchRequest, Depends(search_form)]


SuggestField = Literal["speaker", "organisation", "party", "role"]


def suggest_names(service: ArchiveService, field: str, prefix: str, *, include_restricted: bool,
                  limit: int = 20) -> dict[str, Any]:
    """Names the archive knows for a filter field, for the search page's datalists and typing aids.

    Only what the caller may see is suggested (search.directory works on visible documents).
    """
    index = service.search
    whoosh_index = getattr(index, "ix", None)
    if index is None or whoosh_index is None:
        raise SearchUnavailable("search is not available: the search index is not enabled on this server")
    found = known_names(whoosh_index, field, prefix, include_restricted=include_restricted, limit=limit)
    return {"field": field, "prefix": prefix,
            "suggestions": [{"value": value, "count": count} for value, count in found]}


def filter_choices(service: ArchiveService, *, include_restricted: bool, limit: int = 50) -> dict[str, list[str]]:
    """The most mentioned names of each filter field, for the search form's <datalist>s ({} without an index)."""
    whoosh_index = getattr(service.search, "ix", None)
    if whoosh_index is None:
        return {}
    fields: tuple[SuggestField, ...] = ("speaker", "organisation", "party", "role")
    return {name: [value for value, _ in known_names(whoosh_index, name, include_restricted=include_restricted,
                                                      limit=limit)]
            for name in fields}
