"""Liveness and readiness: each read model's position against the head of the log.

`/health` and `/ready` answer 503 with the reason while a group of read models is stopped
(an unreadable event, a full disk) or any read model is more than `max_lag` events behind,
so a load balancer sends no traffic to a node whose searches would miss records.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api import schemas
from api.deps import ServiceDep
from archive.service import ArchiveService

router = APIRouter(tags=["health"])


def health_data(service: ArchiveService) -> dict[str, Any]:
    status = service.status()
    ready, reason = service.readiness()
    state = "ok" if ready else "stopped" if status["stopped"] else "behind"
    return {**status, "status": state, "reason": reason, "max_lag": service.settings.max_lag,
            "search": "enabled" if service.search is not None else "disabled"}


def _answer(service: ArchiveService) -> JSONResponse:
    data = health_data(service)
    headers = None if data["status"] == "ok" else {"Retry-After": "10"}
    return JSONResponse(data, status_code=200 if data["status"] == "ok" else 503, headers=headers)


@router.get("/health", response_model=schemas.HealthPublic, responses={503: {"model": schemas.HealthPublic}})
def health(service: ServiceDep) -> JSONResponse:
    return _answer(service)


@router.get("/ready", response_model=schemas.HealthPublic, responses={503: {"model": schemas.HealthPublic}})
def ready(service: ServiceDep) -> JSONResponse:
    """For load balancers: the same rule as /health."""
    return _answer(service)
