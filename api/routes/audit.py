"""The auditor's pages: the event log, paged, each event named and linked to its record."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import AuditorDep, ContextDep, ServiceDep
from api.rendering import as_csv, as_json, check_format, render
from api.routes.events import event_page
from archive.service import ArchiveService

router = APIRouter(include_in_schema=False)
EVENT_FIELDS = ("position", "topic", "originator_id", "originator_version", "timestamp", "state_sha256")
CLAIM_TOPICS = ("archive.domain:ReferenceClaim.Claimed",)


def _records_of(service: ArchiveService, events: list[dict[str, Any]]) -> None:
    """Give each event the reference and title of its record (a reference claim: the claimed record)."""
    record_of: dict[str, str] = {}
    for event in events:
        record_of[event["originator_id"]] = event["originator_id"]
        if event["topic"] in CLAIM_TOPICS:
            try:
                claim: Any = service.archive.repository.get(UUID(event["originator_id"]))
                record_of[event["originator_id"]] = str(claim.record_id)
            except Exception:  # noqa: BLE001 - a claim that cannot be read is listed without its record
                continue
    found = service.catalog.by_ids(sorted(set(record_of.values())))
    for event in events:
        row = found.get(record_of[event["originator_id"]])
        # The auditor sees every record (restricted ones too): the log itself is auditor-only.
        event["record"] = None if row is None else {"reference": row["reference"], "title": row["title"]}


@router.get("/events")
@router.get("/events.{fmt}")
def events_page(request: Request, ctx: ContextDep, service: ServiceDep, auditor: AuditorDep,
                after: Annotated[int, Query(ge=0, le=2**62)] = 0, fmt: str = "html") -> Response:
    check_format(fmt, ("html", "json", "csv"))
    data = event_page(service, after, 50 if fmt == "html" else ctx.settings.events_page_max)
    data["after"] = after
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return as_csv(data["data"], EVENT_FIELDS, f"hendelser-etter-{after}")
    _records_of(service, data["data"])
    return render(request, ctx, auditor, "events.html", data)
