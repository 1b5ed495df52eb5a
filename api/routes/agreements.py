"""Writes on agreements: register, revise (valid time), terminate, correct (record time)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import looks_like_key, normalise_reference, resolve_id
from api.routes.command_docs import COMMAND_RESPONSES as RESPONSES
from api.writing import WriterDep
from archive.exceptions import InvalidCommand
from archive.service import ArchiveService

router = APIRouter(prefix="/api/agreements", tags=["agreements"])


def party_ids(service: ArchiveService, parties: list[str] | None) -> list[str] | None:
    """Each party as an organisation id: given as an id, a reference or the organisation's name.

    A name the archive does not know is refused rather than stored as a loose string: the parties
    of an agreement are organisations an auditor can follow, not text.
    """
    if parties is None:
        return None
    ids = []
    for party in parties:
        if looks_like_key(normalise_reference(party)):
            entry = service.catalog.get(normalise_reference(party))
            if entry is None or entry.get("kind") != "organisation":
                raise InvalidCommand(f"party {party!r} is not an organisation in the archive")
            ids.append(str(entry["id"]))
            continue
        named = service.people.organisations_named(party)
        if not named:
            raise InvalidCommand(
                f"no organisation named {party!r}; register it first (POST /api/organisations)"
            )
        if len(named) > 1:
            refs = ", ".join(str(row["reference"]) for row in named)
            raise InvalidCommand(f"several organisations are named {party!r} ({refs}); give the reference")
        ids.append(str(named[0]["org_id"]))
    return ids


@router.post("", status_code=201, responses=RESPONSES)
def register_agreement(body: schemas.AgreementCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    return writer.run(body, lambda key: archive.register_agreement(
        title=body.title, parties=party_ids(writer.service, body.parties) or [], text=body.text,
        effective_from=body.effective_from,
        recorded_by=writer.recorded_by, key=body.key or key,
    ))


@router.post("/{record_id:path}/revisions", responses=RESPONSES)
def revise_agreement(record_id: str, body: schemas.AgreementRevision, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.revise_agreement(
        rid, expected_version=body.expected_version, effective_from=body.effective_from, reason=body.reason,
        recorded_by=writer.recorded_by, title=body.title, text=body.text,
        parties=party_ids(writer.service, body.parties),
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
