"""Read API over records: lists, one record (now or as of a date), its history and diffs."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import schemas, views
from api.deps import AuditorDep, ContextDep, PrincipalDep, ServiceDep
from api.public_shapes import RecordStateAudit

router = APIRouter(prefix="/api/records", tags=["records"])

Kind = Annotated[schemas.QueryKind | None, Query(max_length=30)]
Filter = Annotated[str | None, Query(max_length=200)]
Page = Annotated[int, Query(ge=1, le=100_000)]
Day = Annotated[schemas.QueryDay | None, Query(max_length=10, description="valid time: YYYY-MM-DD")]
Moment = Annotated[schemas.QueryInstant | None, Query(max_length=40, description="record time: RFC 3339 with offset")]


@router.get("", response_model=schemas.RecordsPublic)
async def list_records(
    service: ServiceDep, principal: PrincipalDep, ctx: ContextDep,
    kind: Kind = None, organisation: Filter = None, person: Filter = None,
    year: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    status: Annotated[str | None, Query(max_length=30)] = None,
    page: Page = 1, page_size: Annotated[int | None, Query(ge=1, le=200)] = None,
) -> dict[str, Any]:
    return views.record_list(service, principal, kind=kind, organisation=organisation, person=person, year=year,
                             status=status, page=page, page_size=page_size or ctx.settings.page_size)


@router.get("/{ref:path}/history", response_model=schemas.VersionsPublic)
async def record_history(ref: str, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Every version on both time axes: valid_from/valid_to and recorded_at/superseded_at, who, why."""
    _entry, rows = views.versions(service, ref, principal)
    return {"data": rows, "count": len(rows)}


@router.get("/{ref:path}/changes")
async def record_changes(ref: str, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """The change log (endringslogg): every field changed after registration — old and new
    value, who, when, why, and whether it was a revision (the world changed) or a correction
    (the archive had it wrong)."""
    entry, _rows = views.versions(service, ref, principal)
    rows = service.history.changes(entry["id"])
    return {"data": rows, "count": len(rows)}


@router.get("/{ref:path}/diff", response_model=schemas.DiffPublic)
async def record_diff(
    ref: str, service: ServiceDep, principal: PrincipalDep,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=1_000_000)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=1_000_000)] = None,
) -> dict[str, Any]:
    """Word-level diff between two versions: operations and an HTML rendering with <ins>/<del>."""
    return views.diff(service, ref, principal, from_version, to_version)


@router.get("/{ref:path}/state", response_model=RecordStateAudit,
            responses={401: {"description": "no token"}, 403: {"description": "not an auditor"}})
async def record_state(ref: str, service: ServiceDep, auditor: AuditorDep) -> dict[str, Any]:
    """Auditors only: the aggregate's full stored state (natural or idempotency key, replay
    internals such as revisions[].versions) — what the public shapes leave out."""
    return views.record_state(service, ref, auditor)


@router.get("/{ref:path}", responses={200: {"model": schemas.RecordPublic}})
async def get_record(
    ref: str, service: ServiceDep, principal: PrincipalDep, valid_at: Day = None, known_at: Moment = None,
) -> Response:
    """A record by id or citable reference (2016/0007 or 2016-0007), optionally as of a date."""
    # The hottest route: serialised with orjson straight from the read model (tests check the
    # shape against RecordPublic), skipping a second validation pass.
    return Response(orjson.dumps(views.record_at(service, ref, principal, valid_at, known_at)),
                    media_type="application/json")
