"""How every write route runs its command: idempotency, the response shape, read-your-writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import Principal
from api.deps import ArchivistDep, ContextDep
from api.formatting import reference_path
from api.idempotency import MAX_KEY_LENGTH, IdempotencyStore, StoredResponse, request_hash
from archive.application import CommandResult
from archive.exceptions import InvalidCommand
from archive.service import ArchiveService

# A command gets the natural key to use for a create when the client sent none (derived from
# the Idempotency-Key, so a retried create finds the record instead of making a second one).
Command = Callable[[str | None], CommandResult]


@dataclass
class Writer:
    service: ArchiveService
    store: IdempotencyStore
    principal: Principal
    method: str
    path: str
    idempotency_key: str | None

    @property
    def recorded_by(self) -> str:
        return self.principal.name

    def run(self, body: BaseModel | None, command: Command) -> JSONResponse:
        key = self.idempotency_key
        if key is None:
            result = command(None)
            stored = _stored(result, "")
        else:
            digest = request_hash(self.method, self.path, body.model_dump_json() if body else "")
            caller = self.principal.key
            with self.store.hold(caller, key):
                previous = self.store.get(caller, key)
                if previous is not None:
                    if previous.request_hash != digest:
                        raise InvalidCommand("this Idempotency-Key was already used for a different request")
                    self.service.wait(previous.body.get("position"))
                    return JSONResponse(previous.body, previous.status, headers={"Idempotent-Replayed": "true"})
                result = command(f"idempotency:{caller}:{key}")
                stored = _stored(result, digest)
                self.store.put(caller, key, stored)  # before waiting: the write has happened
        self.service.done(result)
        headers = {"Location": stored.body["url"]} if stored.status == 201 else None
        return JSONResponse(stored.body, stored.status, headers=headers)


def _stored(result: CommandResult, digest: str) -> StoredResponse:
    body = {
        **result.as_dict(),
        "url": reference_path(result.reference),
        "api_url": f"/api/records/{result.id}",
    }
    return StoredResponse(digest, 201 if result.created else 200, body)


def get_writer(
    request: Request,
    ctx: ContextDep,
    principal: ArchivistDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=MAX_KEY_LENGTH)] = None,
) -> Writer:
    if idempotency_key is not None and (not idempotency_key.strip() or not idempotency_key.isprintable()):
        raise InvalidCommand("Idempotency-Key must be printable text")
    return Writer(ctx.service, ctx.idempotency, principal, request.method, request.url.path, idempotency_key)


WriterDep = Annotated[Writer, Depends(get_writer)]
