"""What the OpenAPI document says each route may refuse with, derived from what the route depends on.

Every refusal has one body (api.errors.error_response): {"error": {status, title, message, details?}}.
Rather than repeat `responses=` on sixty decorators (and forget some), `document_errors` reads each
route's dependencies and parameters once the routers are included and adds the statuses that route
can really answer: a token check can say 401, a role guard 403, a rate limit 429, a path parameter
404, a body 413 and 422, a write 409 (stale expected_version), 503 (read-only storage) and 507
(full disk), a search 503 (index unavailable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.openapi.constants import REF_PREFIX
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from api import deps
from api.errors import TITLES


class ErrorDetail(BaseModel):
    field: str = Field(description="where the value was refused: body.field, query.name, ...")
    message: str


class ErrorBody(BaseModel):
    status: int
    title: str = Field(description="the status in Norwegian, for people")
    message: str = Field(description="what was refused and why, in English, one line")
    details: list[ErrorDetail] | None = Field(default=None, description="one entry per refused value (422)")


class ErrorPublic(BaseModel):
    error: ErrorBody


WHY: dict[int, str] = {
    400: "the request cannot be carried out as asked",
    401: "no token, a malformed Authorization header, or an unknown or revoked token",
    403: "the token's role may not do this",
    404: "no such record (or not visible to this reader)",
    409: "expected_version is not the record's current version: read it again",
    413: "the request body is larger than the server accepts",
    422: "a value is missing, malformed or breaks a rule of the archive",
    429: "too many requests from this caller: wait Retry-After seconds",
    503: "temporarily unavailable (read-only storage, search index not ready): retry after Retry-After",
    507: "the archive's disk is full: nothing was stored, retry once space is freed",
}

# The shared responses dict: status -> OpenAPI response object with the error schema.
ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    status: {"model": ErrorPublic, "description": f"{TITLES[status]}: {why}"} for status, why in WHY.items()
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def route_statuses(route: APIRoute) -> set[int]:
    """The error statuses `route` can answer, from its parameters and guards."""
    calls = set(_calls(route.dependant))
    statuses: set[int] = set()
    if deps.get_principal in calls:
        statuses.add(401)  # any Authorization header is checked, even on public reads
    if deps.require_archivist in calls:
        statuses |= {401, 403, 409, 429, 503, 507}
    if deps.require_auditor in calls:
        statuses |= {401, 403}
    if deps.search_principal in calls:
        statuses |= {429, 503}
    if route.dependant.path_params:
        statuses.add(404)
    if route.body_field is not None:
        statuses |= {400, 413, 422}  # 400: the body is not JSON at all
    if route.dependant.query_params or route.dependant.path_params or route.body_field is not None:
        statuses.add(422)
    return statuses


def document_errors(router: APIRouter) -> None:
    """Add the error responses to every documented route of `router`; call before including it
    (FastAPI builds an included router's effective routes from these)."""
    for route in router.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for status in sorted(route_statuses(route)):
            route.responses.setdefault(status, _error_response(route, status))


def _error_response(route: APIRoute, status: int) -> dict[str, Any]:
    """The shared entry; for a route answering another media type (JSON Lines), errors say JSON explicitly."""
    media_type = getattr(route.response_class, "media_type", None) or "application/json"
    if media_type == "application/json":
        return ERROR_RESPONSES[status]
    schema = {"$ref": f"{REF_PREFIX}{ErrorPublic.__name__}"}
    return {"description": ERROR_RESPONSES[status]["description"], "content": {"application/json": {"schema": schema}}}
