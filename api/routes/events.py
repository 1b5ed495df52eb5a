"""The event log for auditors: the notification log exactly as stored, paged by position."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Any

from eventsourcing.domain import DomainEvent
from fastapi import APIRouter, Query

from api import schemas
from api.deps import AuditorDep, ContextDep, ServiceDep
from archive.service import ArchiveService

router = APIRouter(prefix="/api", tags=["events"])


def event_page(service: ArchiveService, after: int, limit: int) -> dict[str, Any]:
    recorder = service.archive.recorder
    notifications = recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
    data = []
    leaf_of = service.ledger.leaf_indexes([n.id for n in notifications])
    for n in notifications:
        timestamp: str | None = None
        try:
            event = service.archive.mapper.to_domain_event(n)
        except Exception:  # noqa: BLE001 - an undecodable event is still listed, with its bytes
            event = None
        # The mapper promises only the library's protocol; every event this archive writes is a DomainEvent.
        if isinstance(event, DomainEvent):
            timestamp = event.timestamp.isoformat()
        state = bytes(n.state)
        data.append({
            "position": n.id, "leaf_index": leaf_of.get(n.id), "topic": n.topic, "originator_id": str(n.originator_id),
            "originator_version": n.originator_version, "timestamp": timestamp,
            "state_base64": base64.b64encode(state).decode(), "state_sha256": hashlib.sha256(state).hexdigest(),
        })
    head = int(recorder.max_notification_id() or 0)
    last = notifications[-1].id if notifications else None
    return {"data": data, "count": len(data), "next_after": last if last is not None and last < head else None,
            "head": head}


@router.get("/events", response_model=schemas.EventsPublic)
def list_events(
    service: ServiceDep, ctx: ContextDep, _auditor: AuditorDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> dict[str, Any]:
    """Events after position `after`; state is the stored bytes (base64) with their SHA-256."""
    return event_page(service, after, min(limit, ctx.settings.events_page_max))
