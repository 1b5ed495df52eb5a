"""Liveness and read-model progress: each projection's position against the head of the log."""

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
    failing = any(m.get("error") for m in status["read_models"].values())
    return {**status, "status": "degraded" if failing else "ok",
            "search": "enabled" if service.search is not None else "disabled"}


@router.get("/health", response_model=schemas.HealthPublic, responses={503: {"model": schemas.HealthPublic}})
def health(service: ServiceDep) -> JSONResponse:
    data = health_data(service)
    return JSONResponse(data, status_code=200 if data["status"] == "ok" else 503)
