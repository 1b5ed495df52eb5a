"""The auditor's pages: the event log, paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import AuditorDep, ContextDep, ServiceDep
from api.rendering import as_csv, as_json, check_format, render
from api.routes.events import event_page

router = APIRouter(include_in_schema=False)
EVENT_FIELDS = ("position", "topic", "originator_id", "originator_version", "timestamp", "state_sha256")


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
    return render(request, ctx, auditor, "events.html", data)
