"""Writes on news updates: publish, update, correct, unpublish."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import resolve_id
from api.routes.command_docs import COMMAND_RESPONSES as RESPONSES
from api.writing import WriterDep

router = APIRouter(prefix="/api/news", tags=["news"])


@router.post("", status_code=201, responses=RESPONSES)
def publish_news(body: schemas.NewsCreate, writer: WriterDep) -> JSONResponse:
    fields = body.model_dump(exclude={"title", "paragraphs", "published_at", "lede", "key"}, exclude_none=True)
    archive = writer.service.archive
    return writer.run(body, lambda key: archive.publish_news(
        title=body.title, paragraphs=body.paragraphs, published_at=body.published_at, lede=body.lede,
        recorded_by=writer.recorded_by, key=body.key or key, **fields,
    ))


@router.post("/{record_id:path}/updates", responses=RESPONSES)
def update_news(record_id: str, body: schemas.NewsUpdate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    fields = body.model_dump(exclude={"expected_version", "updated_at", "reason"}, exclude_none=True)
    return writer.run(body, lambda _key: writer.service.archive.update_news(
        rid, expected_version=body.expected_version, updated_at=body.updated_at, reason=body.reason,
        recorded_by=writer.recorded_by, **fields,
    ))


@router.post("/{record_id:path}/corrections", responses=RESPONSES)
def correct_news(record_id: str, body: schemas.NewsCorrection, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.correct_news(
        rid, expected_version=body.expected_version, changes=body.changes, paragraphs=body.paragraphs,
        reason=body.reason, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/unpublishing", responses=RESPONSES)
def unpublish_news(record_id: str, body: schemas.Unpublishing, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.unpublish_news(
        rid, expected_version=body.expected_version, reason=body.reason, recorded_by=writer.recorded_by,
    ))
