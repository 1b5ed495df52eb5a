"""People and organisations: who they are, roles and parties over time, what they said; and writes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.access import is_visible, normalise_reference, resolve_id
from api.auth import Principal
from api.deps import PrincipalDep, ServiceDep
from api.formatting import reference_path
from api.routes.command_docs import COMMAND_RESPONSES as RESPONSES
from api.writing import WriterDep
from archive.exceptions import RecordNotFound
from archive.service import ArchiveService

router = APIRouter(tags=["people"])


def load_person(service: ArchiveService, ref: str, principal: Principal) -> dict[str, Any]:
    person = service.people.person(normalise_reference(ref))
    if person is None or not is_visible(person, principal):
        raise RecordNotFound(f"no person {ref!r}")
    return {
        "id": person["person_id"], "reference": person["reference"], "name": person["name"],
        "party": person["party"], "names": person["names"], "parties": person["parties"],
        "roles": person["roles"], "restricted": person["restricted"], "version": person["version"],
        "url": reference_path(person["reference"]),
    }


def person_statements(service: ArchiveService, person_id: str, principal: Principal) -> list[dict[str, Any]]:
    rows = service.people.statements(person_id, include_restricted=principal.sees_restricted)
    return [{**row, "restricted": bool(row["restricted"]), "url": reference_path(row["reference"])} for row in rows]


@router.get("/api/people/{person_id:path}/statements", response_model=schemas.PersonStatementsPublic)
async def get_person_statements(person_id: str, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Everything the person said, newest first (restricted and withdrawn ones only for staff)."""
    person = load_person(service, person_id, principal)
    rows = person_statements(service, person["id"], principal)
    return {"data": rows, "count": len(rows)}


@router.get("/api/people/{person_id:path}", response_model=schemas.PersonPublic)
async def get_person(person_id: str, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    return load_person(service, person_id, principal)


@router.get("/api/organisations/{org_id:path}", response_model=schemas.OrganisationPublic)
async def get_organisation(org_id: str, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    org = service.people.organisation(normalise_reference(org_id))
    if org is None or not is_visible(org, principal):
        raise RecordNotFound(f"no organisation {org_id!r}")
    return {"id": org["org_id"], "reference": org["reference"], "name": org["name"],
            "organisation_kind": org["organisation_kind"], "restricted": bool(org["restricted"])}


# Writes -----------------------------------------------------------------------------------------


@router.post("/api/organisations", status_code=201, responses=RESPONSES, tags=["organisations"])
def register_organisation(body: schemas.OrganisationCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    # Organisations have a natural key (their name) already; the idempotency key is not needed for it.
    return writer.run(body, lambda _key: archive.register_organisation(
        name=body.name, organisation_kind=body.organisation_kind, key=body.key, parent_id=body.parent_id,
        recorded_by=writer.recorded_by,
    ))


@router.post("/api/organisations/{record_id:path}/rename", responses=RESPONSES, tags=["organisations"])
def rename_organisation(record_id: str, body: schemas.Rename, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.rename_organisation(
        rid, expected_version=body.expected_version, name=body.name, reason=body.reason,
        recorded_by=writer.recorded_by,
    ))


@router.post("/api/people", status_code=201, responses=RESPONSES)
def register_person(body: schemas.PersonCreate, writer: WriterDep) -> JSONResponse:
    archive = writer.service.archive
    return writer.run(body, lambda _key: archive.register_person(
        name=body.name, party=body.party, key=body.key, recorded_by=writer.recorded_by,
    ))


@router.post("/api/people/{record_id:path}/roles", responses=RESPONSES)
def assign_role(record_id: str, body: schemas.RoleAssignment, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.assign_role(
        rid, expected_version=body.expected_version, role=body.role, organisation_id=body.organisation_id,
        organisation_name=body.organisation_name, valid_from=body.valid_from, valid_to=body.valid_to,
        recorded_by=writer.recorded_by,
    ))


@router.post("/api/people/{record_id:path}/roles/end", responses=RESPONSES)
def end_role(record_id: str, body: schemas.RoleEnding, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.end_role(
        rid, expected_version=body.expected_version, role=body.role, valid_to=body.valid_to,
        organisation_id=body.organisation_id, recorded_by=writer.recorded_by,
    ))


@router.post("/api/people/{record_id:path}/party", responses=RESPONSES)
def change_party(record_id: str, body: schemas.PartyChange, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.change_party(
        rid, expected_version=body.expected_version, party=body.party, valid_from=body.valid_from,
        recorded_by=writer.recorded_by,
    ))


@router.post("/api/people/{record_id:path}/rename", responses=RESPONSES)
def rename_person(record_id: str, body: schemas.Rename, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.rename_person(
        rid, expected_version=body.expected_version, name=body.name, reason=body.reason,
        recorded_by=writer.recorded_by,
    ))


@router.post("/api/people/{record_id:path}/aliases", responses=RESPONSES)
def add_person_alias(record_id: str, body: schemas.AliasCreate, writer: WriterDep) -> JSONResponse:
    rid = resolve_id(writer.service, record_id)
    return writer.run(body, lambda _key: writer.service.archive.add_person_alias(
        rid, expected_version=body.expected_version, name=body.name, recorded_by=writer.recorded_by,
    ))
