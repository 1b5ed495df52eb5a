"""Screening (skjerming) of any record from the public, and its release."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import resolve_id
from api.routes.command_docs import UPDATE_RESPONSES as RESPONSES
from api.writing import WriterDep

router = APIRouter(prefix="/api/records", tags=["screening"])


@router.post("/{record_id:path}/restriction", responses=RESPONSES)
def restrict_record(record_id: str, body: schemas.RestrictionCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.restrict(
        rid, expected_version=body.expected_version, legal_basis=body.legal_basis,
        public_title=body.public_title, reason=body.reason, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/release", responses=RESPONSES)
def release_record(record_id: str, body: schemas.Release, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.release(
        rid, expected_version=body.expected_version, reason=body.reason, recorded_by=writer.recorded_by,
    ))
