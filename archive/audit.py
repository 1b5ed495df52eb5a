"""Auditors' operations: keys, signed checkpoints, event export and restore, verification.

The verification itself lives in `archive.ledger.verifier`, which depends only on exported
data and a public key; this module feeds it from a live archive.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import StoredEvent

from archive.config import Settings
from archive.exceptions import ArchiveError, InvalidCommand
from archive.ledger.checkpoint import CheckpointError, parse_checkpoint, sign_checkpoint
from archive.ledger.keys import generate_keypair, load_private_key
from archive.ledger.verifier import (
    ExportedEvent,
    VerificationReport,
    export_line,
    ledger_line,
    read_export,
    verify_log,
)
from archive.service import ArchiveService

PAGE = 1000


def b64_fields(value: Any) -> Any:
    """Proofs and hashes as JSON: every bytes value base64-encoded, recursively."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, list):
        return [b64_fields(v) for v in value]
    if isinstance(value, dict):
        return {k: b64_fields(v) for k, v in value.items()}
    return value


class AuditError(ArchiveError):
    """A key, checkpoint or export cannot be used."""


def keygen(settings: Settings) -> tuple[Path, Path]:
    private, public = settings.resolved_signing_key, settings.resolved_public_key
    private.parent.mkdir(parents=True, exist_ok=True)
    try:
        generate_keypair(private, public)
    except FileExistsError:
        raise AuditError(f"a key already exists at {private}; refusing to overwrite it") from None
    return private, public


def checkpoint(service: ArchiveService) -> str:
    """Sign the ledger's current head and append it to the checkpoint log."""
    settings = service.settings
    if not settings.resolved_signing_key.exists():
        raise AuditError(f"no signing key at {settings.resolved_signing_key}: run `protokoll keygen` first")
    service.catch_up()
    size, root = service.ledger.head()
    if size == 0:
        raise AuditError("the log is empty: nothing to checkpoint")
    key = load_private_key(settings.resolved_signing_key)
    note = sign_checkpoint(settings.ledger_origin, size, root, key)
    log = settings.checkpoints_path
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"size": size, "root": base64.b64encode(root).decode(), "checkpoint": note}) + "\n")
    return note


def checkpoints(settings: Settings) -> list[dict[str, Any]]:
    path = settings.checkpoints_path
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def logged_events(service: ArchiveService) -> Iterator[ExportedEvent]:
    """Every stored event in log order, with its leaf index, straight from the event store."""
    recorder = service.archive.recorder
    start, index = 0, 0
    while True:
        page = recorder.select_notifications(start=start, limit=PAGE, inclusive_of_start=False)
        for n in page:
            # A row edited by hand may hold text where the application wrote bytes: hash what is there.
            stored: object = n.state  # typed bytes by the library, but the row is whatever the table holds
            state = stored.encode("utf-8") if isinstance(stored, str) else bytes(n.state)
            yield ExportedEvent(index, n.id, str(n.originator_id), n.originator_version, n.topic, state)
            index += 1
        if len(page) < PAGE:
            return
        start = page[-1].id


def export_events(
    service: ArchiveService, out: IO[str], progress: Callable[[int], None] | None = None
) -> tuple[int, bytes]:
    """Write every stored event (JSON Lines) and the ledger head at the end; returns (size, root)."""
    service.catch_up()
    count = 0
    for event in logged_events(service):
        out.write(export_line(event) + "\n")
        count += 1
        if progress is not None and count % PAGE == 0:
            progress(count)
    size, root = service.ledger.head()
    if size != count:
        raise AuditError(f"the ledger holds {size} leaves but the log {count} events: run `protokoll verify`")
    out.write(ledger_line(size, root) + "\n")
    return size, root


def restore(settings: Settings, lines: Iterator[str], progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Load an event export into an empty archive, byte for byte, then rebuild its read models."""
    try:
        export = read_export(lines)
    except ValueError as exc:
        raise AuditError(f"not an event export: {exc}") from None
    report = verify_log(export.events, ledger_root=export.ledger.root if export.ledger else None)
    if not report.ok:
        raise AuditError("the export does not verify: " + "; ".join(report.problems[:3]))
    with ArchiveService(settings) as service:
        if service.runner.head():
            raise InvalidCommand("the target archive is not empty: restore only into a new data directory or database")
        recorder = service.archive.recorder
        batch: list[StoredEvent] = []
        restored = 0
        expected_ids = []
        for event in export.events:
            batch.append(StoredEvent(UUID(event.originator_id), event.originator_version, event.topic, event.state))
            expected_ids.append(event.notification_id)
            if len(batch) == PAGE:
                recorder.insert_events(batch)
                restored += len(batch)
                batch = []
                if progress is not None:
                    progress(restored)
        if batch:
            recorder.insert_events(batch)
            restored += len(batch)
        service.catch_up()
        ids = [e.notification_id for e in logged_events(service)]
        size, root = service.ledger.head()
        result = {
            "events": restored,
            "ledger_size": size,
            "ledger_root": base64.b64encode(root).decode(),
            "same_root": export.ledger is not None and root == export.ledger.root,
            "same_ids": ids == expected_ids,
            "digests": service.digests(),
        }
    return result


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    problems: list[str]
    size: int
    root: str
    first_bad: dict[str, Any] | None
    checkpoints_verified: int

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def verify_archive(service: ArchiveService, checkpoint_texts: list[str], public_key: Path | None) -> AuditReport:
    """Recompute every leaf from the stored events; compare with the ledger and the checkpoints.

    The ledger is read as it stands, before any catch-up, so an event written behind the
    application's back (and never seen by the ledger) shows up as an extra leaf.
    """
    events = list(logged_events(service))
    stored = [row["leaf_hash"] for row in service.ledger.leaves()]
    key = public_key if public_key is not None else service.settings.resolved_public_key
    if checkpoint_texts and not Path(key).exists():
        raise AuditError(f"no public key at {key} to check the checkpoints with")
    report: VerificationReport = verify_log(
        events,
        checkpoints=checkpoint_texts,
        public_key=Path(key) if checkpoint_texts else None,
        key_name=service.settings.ledger_origin,
        expected_leaves=stored,
        ledger_size=len(stored),
        ledger_root=service.ledger.head()[1] if stored else None,
    )
    problems, first_bad = list(report.problems), report.first_bad
    # The ledger hashes stored bytes and goes on past an event nobody can decode; the record read
    # models stop just before it, so the events past the lowest of them are the ones to decode.
    decoded_up_to = min(p.position() for p in service.records if p.needs_decoded)
    damaged = _first_undecodable(service, [e for e in events if e.notification_id > decoded_up_to])
    if damaged is not None:
        event, error = damaged
        reason = (f"cannot be decoded ({error}): the record read models stopped before it; "
                  "its stored bytes were changed or written by other software")
        problems.insert(0, f"leaf {event.leaf_index} (notification {event.notification_id}, originator "
                           f"{event.originator_id} v{event.originator_version}) {reason}")
        if first_bad is None or first_bad.get("leaf_index", -1) >= event.leaf_index:
            first_bad = {"leaf_index": event.leaf_index, "notification_id": event.notification_id,
                         "originator_id": event.originator_id, "originator_version": event.originator_version,
                         "reason": reason}
    return AuditReport(not problems, problems, report.size, report.root, first_bad, report.checkpoints_verified)


def _first_undecodable(service: ArchiveService, events: list[ExportedEvent]) -> tuple[ExportedEvent, str] | None:
    """The first of `events` the application cannot turn back into a domain event, with the error."""
    for event in events:
        try:
            domain_event = service.archive.mapper.to_domain_event(
                StoredEvent(UUID(event.originator_id), event.originator_version, event.topic, event.state)
            )
            if not isinstance(domain_event, DomainEvent):
                raise TypeError(f"{type(domain_event).__name__} is not a domain event")
            domain_event.timestamp  # noqa: B018 - every event the projections read carries one
        except Exception as exc:  # noqa: BLE001 - any failure to read is what we report
            return event, f"{type(exc).__name__}: {exc}"
    return None


def read_checkpoint_files(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            parse_checkpoint(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise AuditError(f"cannot read checkpoint {path}: {exc}") from None
        except CheckpointError as exc:
            raise AuditError(f"{path}: {exc}") from None
        texts.append(text)
    return texts
