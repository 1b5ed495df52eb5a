"""The web side of search: turn query-string values into the search module's parameters and
its answer into one stable shape. The search module filters restricted documents itself when
`include_restricted` is false (hits, snippets and facet counts alike)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from api.errors import SearchUnavailable
from api.formatting import KIND_LABELS, reference_path
from api.schemas import QueryDay, QueryInstant, QueryKind
from archive.exceptions import ArchiveError, InvalidCommand
from archive.service import ArchiveService

SORTS = ("relevance", "date", "-date")
FACET_FIELDS = ("kind", "party", "speaker", "organisation", "year")


@dataclass(frozen=True)
class SearchRequest:
    """What a caller asked for; also the parameters object when search.query has none of its own."""

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
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidCommand(f"{name} must be a date (YYYY-MM-DD), not {value!r}") from None


def _instant(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidCommand(f"{name} must be an ISO datetime, not {value!r}") from None
    if moment.tzinfo is None:
        raise InvalidCommand(f"{name} must carry a UTC offset (e.g. 2016-10-01T12:00:00+02:00)")
    return moment


def _params(request: SearchRequest) -> Any:
    """search.query.SearchParams in the module's own types; our request object if it is absent."""
    # from/to and year are about the record's own date (meeting day, said or published date, an
    # agreement's start) for every kind: the date the year facet counts. Valid time is valid_at.
    date_from, date_to = _day(request.date_from, "from"), _day(request.date_to, "to")
    if date_from and date_to and date_from > date_to:
        raise InvalidCommand(f"from ({date_from}) is after to ({date_to})")
    values: dict[str, Any] = {
        "q": request.q, "kind": [request.kind] if request.kind else None, "speaker": request.speaker,
        "party": request.party, "organisation": request.organisation, "role": request.role,
        "year": request.year, "date_from": date_from, "date_to": date_to,
        "known_at": _instant(request.known_at, "known_at"),
        "valid_at": _day(request.valid_at, "valid_at"), "include_restricted": request.include_restricted,
        "sort": request.sort, "page": request.page, "page_size": request.page_size,
    }
    try:
        from search.query import SearchParams
    except ImportError:
        return request
    accepted = {f.name for f in dataclasses.fields(SearchParams)} if dataclasses.is_dataclass(SearchParams) \
        else set(values)
    return SearchParams(**{k: v for k, v in values.items() if k in accepted})


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def run_search(service: ArchiveService, request: SearchRequest) -> dict[str, Any]:
    """Query the index; returns a dict shaped like `SearchPublic`."""
    index = service.search
    if index is None:
        raise SearchUnavailable("search is not available: the search index is not enabled on this server")
    params = _params(request)
    freshness = service.freshness()  # read before the query: never claims more than the answer saw
    try:
        if hasattr(index, "query"):
            result = index.query(params)
        else:
            from search.query import search

            result = search(index, params)
    except ArchiveError:
        raise
    except (ValueError, TypeError) as exc:  # the module refused the parameters
        raise InvalidCommand(f"search: {exc}") from None
    return {**_normalise(request, result), **freshness}


def _normalise(request: SearchRequest, result: Any) -> dict[str, Any]:
    hits = []
    for hit in _get(result, "hits", None) or _get(result, "data", None) or []:
        reference = _get(hit, "reference")
        known = {"id", "record_id", "reference", "kind", "title", "snippet", "date", "dates", "score"}
        extra = _get(hit, "fields", None) or {
            k: v for k, v in (hit.items() if isinstance(hit, dict) else vars(hit).items()) if k not in known
        }
        score = _get(hit, "score")
        dates = _get(hit, "dates", None) or {}
        hits.append(
            {
                "id": str(_get(hit, "record_id", None) or _get(hit, "id", "")),
                "reference": reference,
                "kind": _get(hit, "kind"),
                "title": _get(hit, "title"),
                "snippet": _get(hit, "snippet") or _get(hit, "highlight"),
                "date": _get(hit, "date") or dates.get("date") or dates.get("valid_from"),
                "score": float(score) if isinstance(score, (int, float)) else None,
                "url": reference_path(reference) if reference else None,
                "fields": {k: v for k, v in extra.items()
                           if isinstance(v, (str, int, float, bool, type(None))) or _strings(v)},
            }
        )
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, values in (_get(result, "facets", None) or {}).items():
        items = values.items() if isinstance(values, dict) else values
        rows = []
        for item in items:
            value, count = (item if isinstance(item, (tuple, list)) else (_get(item, "value"), _get(item, "count")))
            rows.append({"value": str(value), "count": int(count or 0)})
        facets[str(name)] = rows
    parsed = _get(result, "parsed_query")
    error = _get(result, "error")
    notes = [str(n) for n in _get(result, "notes", None) or []]
    return {
        "query": request.q,
        "parsed_query": None if parsed is None else str(parsed),
        "data": hits,
        "count": int(_get(result, "total", None) or _get(result, "count", None) or 0),
        "page": request.page,
        "page_size": request.page_size,
        "facets": facets,
        "filters": request.active_filters(),
        "error": None if error is None else str(error),
        "notes": notes,
    }


def _strings(value: Any) -> bool:
    return isinstance(value, (list, dict)) and all(isinstance(v, str) for v in value)


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
    from search.query import known_names

    found = known_names(whoosh_index, field, prefix, include_restricted=include_restricted, limit=limit)
    return {"field": field, "prefix": prefix,
            "suggestions": [{"value": value, "count": count} for value, count in found]}


def filter_choices(service: ArchiveService, *, include_restricted: bool, limit: int = 50) -> dict[str, list[str]]:
    """The most mentioned names of each filter field, for the search form's <datalist>s ({} without an index)."""
    whoosh_index = getattr(service.search, "ix", None)
    if whoosh_index is None:
        return {}
    from search.query import known_names

    fields: tuple[SuggestField, ...] = ("speaker", "organisation", "party", "role")
    return {name: [value for value, _ in known_names(whoosh_index, name, include_restricted=include_restricted,
                                                      limit=limit)]
            for name in fields}
