"""Writes on meetings: schedule, agenda, decisions, participants, minutes, cancel, correct."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import resolve_id
from api.routes.command_docs import COMMAND_RESPONSES as RESPONSES
from api.writing import WriterDep

router = APIRouter(prefix="/api/meetings", tags=["meetings"])


@router.post("", status_code=201, responses=RESPONSES)
def schedule_meeting(body: schemas.MeetingCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    return writer.run(body, lambda key: archive.schedule_meeting(
        title=body.title, start=body.start, end=body.end, organiser_id=body.organiser_id,
        organiser_name=body.organiser_name, place=body.place, recorded_by=writer.recorded_by,
        key=body.key or key,
    ))


@router.post("/{record_id:path}/details", responses=RESPONSES)
def record_meeting_details(record_id: str, body: schemas.MeetingDetails, writer: WriterDep) -> JSONResponse:
    """Agenda items (with decisions), participants and minutes in one event batch."""
    rid = resolve_id(writer.service, record_id)
    data = body.model_dump()
    return writer.run(body, lambda _key: writer.service.archive.record_meeting_details(
        rid, expected_version=body.expected_version, recorded_by=writer.recorded_by,
        agenda=data["agenda"], participants=data["participants"], minutes=body.minutes, news_ids=body.news_ids,
    ))


@router.post("/{record_id:path}/participants", responses=RESPONSES)
def record_participants(record_id: str, body: schemas.ParticipantsCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    participants = body.model_dump()["participants"]
    return writer.run(body, lambda _key: writer.service.archive.record_meeting_details(
        rid, expected_version=body.expected_version, recorded_by=writer.recorded_by, participants=participants,
    ))


@router.post("/{record_id:path}/agenda-items", responses=RESPONSES)
def add_agenda_item(record_id: str, body: schemas.AgendaItemCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.add_agenda_item(
        rid, expected_version=body.expected_version, number=body.number, title=body.title,
        proposal=body.proposal, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/decisions", responses=RESPONSES)
def record_decision(record_id: str, body: schemas.DecisionCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.record_decision(
        rid, expected_version=body.expected_version, number=body.number, decision=body.decision,
        recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/minutes", responses=RESPONSES)
def record_minutes(record_id: str, body: schemas.MinutesCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.record_minutes(
        rid, expected_version=body.expected_version, text=body.text, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/minutes/approval", responses=RESPONSES)
def approve_minutes(record_id: str, body: schemas.MinutesApproval, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.approve_minutes(
        rid, expected_version=body.expected_version, approved_on=body.approved_on, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/cancellation", responses=RESPONSES)
def cancel_meeting(record_id: str, body: schemas.Cancellation, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.cancel_meeting(
        rid, expected_version=body.expected_version, reason=body.reason, recorded_by=writer.recorded_by,
    ))


@router.post("/{record_id:path}/corrections", responses=RESPONSES)
def correct_meeting(record_id: str, body: schemas.MeetingCorrection, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.correct_meeting(
        rid, expected_version=body.expected_version, changes=body.changes, decisions=body.decisions,
        reason=body.reason, recorded_by=writer.recorded_by,
    ))
