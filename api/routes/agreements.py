"""Writes on agreements: register, revise (valid time), terminate, correct (record time)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import resolve_id
from api.writing import WriterDep

router = APIRouter(prefix="/api/agreements", tags=["agreements"])
RESPONSES = {200: {"model": schemas.CommandPublic}, 201: {"model": schemas.CommandPublic}}


@router.post("", status_code=201, responses=RESPONSES)
def register_agreement(body: schemas.AgreementCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    return writer.run(body, lambda key: archive.register_agreement(
        title=body.title, parties=body.parties, text=body.text, effective_from=body.effective_from,
        recorded_by=writer.recorded_by, key=body.key or key,
    ))


@router.post("/{record_id:path}/revisions", responses=RESPONSES)
def revise_agreement(record_id: str, body: schemas.AgreementRevision, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.revise_agreement(
        rid, expected_version=body.expected_version, effective_from=body.effective_from, reason=body.reason,
        recorded_by=writer.recorded_by, title=body.title, text=body.text, parties=body.parties,
    ))


@router.post("/{record_id:path}/termination", responses=RESPONSES)
def terminate_agreement(record_id: str, body: schemas.AgreementTermination, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.terminate_agreement(
        rid, expected_version=body.expected_version, effective_to=body.effective_to, reason=body.reason,
        recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/corrections", responses=RESPONSES)
def correct_agreement(record_id: str, body: schemas.AgreementCorrection, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.correct_agreement(
        rid, expected_version=body.expected_version, corrects_version=body.corrects_version,
        changes=body.changes, reason=body.reason, recorded_by=writer.recorded_by,
    ))
