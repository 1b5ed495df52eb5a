"""How every write route runs its command: idempotency, the response shape, read-your-writes."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import Principal
from api.deps import ArchivistDep, ContextDep
from api.formatting import reference_path
from api.idempotency import MAX_KEY_LENGTH, Claimed, IdempotencyStore, StoredResponse, request_hash
from archive.application import CommandResult
from archive.claims import Claim, ClaimTaken, claiming
from archive.exceptions import InvalidCommand, VersionConflict
from archive.faults import as_storage_failure
from archive.recorders import PostgresEventStore, SQLiteEventStore
from archive.service import ArchiveService

log = logging.getLogger(__name__)

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
        """Run the command once per Idempotency-Key; every answer after the save is a 2xx.

        An error before the save (bad input, conflict, full disk) is the client's answer and
        nothing was stored. After the save the event is the truth: if the read models have not
        caught up within the wait (busy, or stopped at a bad event), the answer is 202 with where
        to look, never a 5xx that would make a client record the same thing twice.
        """
        key = self.idempotency_key
        if key is None:
            return self._answer(_stored(command(None), ""), replayed=False)
        digest = request_hash(self.method, self.path, body.model_dump_json() if body else "")
        caller = self.principal.key
        with self.store.hold(caller, key):
            replay = self._replay(caller, key, digest)
            if replay is not None:
                return replay
            claim = Claim(caller, key, digest, uuid.uuid4().hex)
            try:
                with claiming(claim):  # the key is stored in the same transaction as the events
                    result = command(f"idempotency:{caller}:{key}")
            except ClaimTaken:
                # Another node stored events under this key meanwhile (ours rolled back): answer as it did.
                replay = self._replay(caller, key, digest)
                if replay is None:
                    raise VersionConflict("this Idempotency-Key is in use by another request: retry") from None
                return replay
            if result.position is None:
                # Nothing stored: a create whose record exists (its natural key comes from this key).
                # If another node claimed the key with its events meanwhile, answer as it did.
                replay = self._replay(caller, key, digest)
                if replay is not None:
                    return replay
            stored = _stored(result, digest)
            self._remember(caller, key, claim.token if result.position is not None else None, stored)
        return self._answer(stored, replayed=False)

    def _replay(self, caller: str, key: str, digest: str) -> JSONResponse | None:
        """The first answer for this key again (same status and body), or None if the key is new."""
        claimed = self.store.get(caller, key)
        if claimed is None:
            return None
        if claimed.request_hash != digest:
            raise InvalidCommand("this Idempotency-Key was already used for a different request")
        stored = claimed.response
        if stored is None:  # the events were saved but the process stopped before keeping the answer
            stored = self._rebuild(claimed, digest)
            self._remember(caller, key, claimed.token, stored)
        return self._answer(stored, replayed=True)

    def _rebuild(self, claimed: Claimed, digest: str) -> StoredResponse:
        """The answer the original request gave, from the record its claim names."""
        if claimed.record_id is None or claimed.record_version is None:
            raise VersionConflict("this Idempotency-Key's write cannot be found: retry with a new key")
        record = self.service.archive.record_at(claimed.record_id, claimed.record_version)
        if record is None:
            raise VersionConflict("this Idempotency-Key's write cannot be found: retry with a new key")
        recorder = self.service.archive.recorder
        position = claimed.position
        # Only the archive's own recorders (selected by Settings) can look a stored event's position up.
        if position is None and isinstance(recorder, SQLiteEventStore | PostgresEventStore):
            position = recorder.position_of(claimed.record_id, claimed.record_version)
        created = claimed.record_version == 1
        return _stored(CommandResult(claimed.record_id, record.reference, claimed.record_version, position, created),
                       digest)

    def _remember(self, caller: str, key: str, token: str | None, stored: StoredResponse) -> None:
        """Keep the answer for retries; failing to keep it must not turn a stored write into an error.

        The claim itself went in with the events (`token`), so a retry is still recognised and its
        answer rebuilt; a command that stored nothing is claimed here.
        """
        try:
            if token is None:
                self.store.put(caller, key, stored)
            else:
                self.store.respond(caller, key, token, stored)
        except Exception as exc:  # noqa: BLE001 - the event is saved; say so, and log what could not be kept
            failure = as_storage_failure(exc, self.store.location)
            log.error("write %s saved, but its answer for the Idempotency-Key was not kept: %s",
                      stored.body.get("reference"), failure or f"{type(exc).__name__}: {exc}")

    def _answer(self, stored: StoredResponse, *, replayed: bool) -> JSONResponse:
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        if self.service.caught_up(stored.body.get("position")):
            if stored.status == 201:
                headers["Location"] = stored.body["url"]
            return JSONResponse(stored.body, stored.status, headers=headers)
        freshness = self.service.freshness()
        status = self.service.status()
        reason = (status["stopped"][0]["error"] if status["stopped"]
                  else f"the read models have not reached position {stored.body.get('position')} yet")
        pending = {"reason": reason, "log_head": status["head"],
                   "read_models": {name: m["position"] for name, m in status["read_models"].items()},
                   "index_position": freshness["index_position"]}
        headers["Location"] = stored.body["api_url"]  # poll it: 404 until the read models show the record
        headers["Retry-After"] = "5"
        return JSONResponse({**stored.body, "pending": pending}, 202, headers=headers)


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
