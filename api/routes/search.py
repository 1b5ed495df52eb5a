"""Full-text search over the index (delegated to the search module)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter

from api import schemas
from api.deps import SearcherDep, ServiceDep
from api.searching import SearchFormDep, run_search

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=schemas.SearchPublic)
def search(form: SearchFormDep, service: ServiceDep, principal: SearcherDep) -> dict[str, Any]:
    """Hits with highlighted snippets, facets with counts and the parsed query echoed back.

    Sync on purpose: a Whoosh query is CPU-bound and must not block the event loop.
    """
    form = dataclasses.replace(form, include_restricted=principal.sees_restricted)
    return run_search(service, form)
