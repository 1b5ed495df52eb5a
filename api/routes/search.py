"""Full-text search over the index (delegated to the search module)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import schemas
from api.deps import SearcherDep, ServiceDep
from api.searching import SearchFormDep, SuggestField, run_search, suggest_names

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=schemas.SearchPublic)
def search(form: SearchFormDep, service: ServiceDep, principal: SearcherDep) -> dict[str, Any]:
    """Hits with highlighted snippets, facets with counts and the parsed query echoed back.

    Sync on purpose: a Whoosh query is CPU-bound and must not block the event loop.
    """
    form = dataclasses.replace(form, include_restricted=principal.sees_restricted)
    return run_search(service, form)


@router.get("/suggest")
def suggest(
    service: ServiceDep,
    principal: SearcherDep,
    field: SuggestField,
    prefix: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> dict[str, Any]:
    """Known names for a filter (speaker, organisation, party, role) with a word starting with `prefix`.

    Each suggestion is a value the filter accepts as it stands, with how many visible records name it.
    """
    return suggest_names(service, field, prefix.strip(), include_restricted=principal.sees_restricted, limit=limit)
