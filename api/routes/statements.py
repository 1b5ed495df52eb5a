"""Writes on statements: record, correct, withdraw."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import resolve_id
from api.routes.command_docs import COMMAND_RESPONSES as RESPONSES
from api.writing import WriterDep

router = APIRouter(prefix="/api/statements", tags=["statements"])


@router.post("", status_code=201, responses=RESPONSES)
def record_statement(body: schemas.StatementCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    return writer.run(body, lambda key: archive.record_statement(
        text=body.text, said_at=body.said_at, speaker_id=body.speaker_id, speaker_name=body.speaker_name,
        speaker_role=body.speaker_role, party=body.party, organisation_id=body.organisation_id,
        organisation_name=body.organisation_name, context=body.context, attribution=body.attribution,
        recorded_by=writer.recorded_by, key=body.key or key,
    ))


@router.post("/{record_id:path}/corrections", responses=RESPONSES)
def correct_statement(record_id: str, body: schemas.Correction, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.correct_statement(
        rid, expected_version=body.expected_version, changes=body.changes, reason=body.reason,
        recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/withdrawal", responses=RESPONSES)
def withdraw_statement(record_id: str, body: schemas.Withdrawal, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.withdraw_statement(
        rid, expected_version=body.expected_version, reason=body.reason, recorded_by=writer.recorded_by,
    ))
