"""The auditors' ledger: signed checkpoints, inclusion and consistency proofs, the export."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import AuditorDep, ServiceDep
from archive import audit
from archive.ledger.verifier import export_line, ledger_line

router = APIRouter(prefix="/api/ledger", tags=["ledger"])

Size = Annotated[int, Query(ge=1, le=2**62)]


@router.get("/checkpoints")
async def checkpoints(service: ServiceDep) -> dict[str, Any]:
    """Every checkpoint the archive has signed (C2SP tlog-checkpoint notes), oldest first.

    A checkpoint reveals only a tree size and a root hash, so anyone may keep them."""
    rows = audit.checkpoints(service.settings)
    size, root = service.ledger.head()
    return {"data": rows, "count": len(rows), "head": {"size": size, "root": base64.b64encode(root).decode()}}


@router.get("/proof/inclusion")
async def inclusion(
    service: ServiceDep, _auditor: AuditorDep, leaf: Annotated[int, Query(ge=0, le=2**62)], size: Size
) -> dict[str, Any]:
    """The audit path proving leaf `leaf` is in the tree of `size` leaves (hashes in base64)."""
    proof: dict[str, Any] = audit.b64_fields(service.ledger.inclusion_proof(leaf, size))
    return proof


@router.get("/proof/consistency")
async def consistency(
    service: ServiceDep,
    _auditor: AuditorDep,
    from_size: Annotated[int, Query(alias="from", ge=1, le=2**62)],
    to_size: Annotated[int, Query(alias="to", ge=1, le=2**62)],
) -> dict[str, Any]:
    """The proof that the tree of `from` leaves is a prefix of the tree of `to` leaves."""
    proof: dict[str, Any] = audit.b64_fields(service.ledger.consistency_proof(from_size, to_size))
    return proof


class NDJSONResponse(StreamingResponse):
    """JSON Lines: one JSON object per line (declared in the OpenAPI document as application/x-ndjson)."""

    media_type = "application/x-ndjson"


@router.get("/export", response_class=NDJSONResponse, responses={
    200: {"description": "one JSON object per line: every event, then the ledger head",
          "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}})
def export(service: ServiceDep, _auditor: AuditorDep) -> NDJSONResponse:
    """Every stored event as JSON Lines (leaf index, ids, topic, stored bytes) and the ledger head:
    the input of `protokoll verify --from URL` and `python -m archive.ledger.verifier`."""

    def lines() -> Iterator[str]:
        size, root = service.ledger.head()
        for count, event in enumerate(audit.logged_events(service)):
            if count >= size:
                break  # only what the ledger has taken in, so the last line matches
            yield export_line(event) + "\n"
        yield ledger_line(size, root) + "\n"

    return NDJSONResponse(lines())
