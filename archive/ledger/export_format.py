"""The ledger export's JSON lines: one event per line in leaf order, then the ledger head.

Written by the archive (`protokoll export events`, the audit routes) and read by the standalone
verifier; stdlib only, so an auditor can read an export without the rest of Protokoll.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from archive.ledger.leaf import HASH_SIZE, event_leaf_hash


class ExportFormatError(ValueError):
    """An export line or record is malformed."""


def _int(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ExportFormatError(f"{key} must be a non-negative integer, got {value!r}")
    return value


def _b64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise ExportFormatError(f"{what} must be a base64 string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ExportFormatError(f"{what} is not valid base64") from exc


def hash_field(value: object, what: str) -> bytes:
    """Raw bytes as they are, or base64 text decoded; anything else (None from a missing key) is a format error."""
    raw = value if isinstance(value, bytes) else _b64(value, what)
    if len(raw) != HASH_SIZE:
        raise ExportFormatError(f"{what} must be {HASH_SIZE} bytes")
    return raw


@dataclass(frozen=True)
class ExportedEvent:
    """One stored event as exported for audit."""

    leaf_index: int
    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ExportedEvent:
        """Build from a dict with state_b64 (or state_hex, or raw bytes in state)."""
        if not isinstance(obj, Mapping):
            raise ExportFormatError("event record must be a JSON object")
        if "state_b64" in obj:
            state = _b64(obj["state_b64"], "state_b64")
        elif "state_hex" in obj:
            try:
                state = bytes.fromhex(obj["state_hex"])
            except (TypeError, ValueError) as exc:
                raise ExportFormatError("state_hex is not valid hex") from exc
        elif isinstance(obj.get("state"), (bytes, bytearray)):
            state = bytes(obj["state"])
        else:
            raise ExportFormatError("event record has no state_b64")
        oid, topic = obj.get("originator_id"), obj.get("topic")
        if not isinstance(oid, str) or not isinstance(topic, str):
            raise ExportFormatError("originator_id and topic must be strings")
        return cls(
            _int(obj, "leaf_index"),
            _int(obj, "notification_id"),
            oid,
            _int(obj, "originator_version"),
            topic,
            state,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "leaf_index": self.leaf_index,
            "notification_id": self.notification_id,
            "originator_id": self.originator_id,
            "originator_version": self.originator_version,
            "topic": self.topic,
            "state_b64": base64.b64encode(self.state).decode("ascii"),
        }

    def leaf_hash(self) -> bytes:
        return event_leaf_hash(
            self.notification_id, self.originator_id, self.originator_version, self.topic, self.state
        )


@dataclass(frozen=True)
class LedgerHead:
    """The archive ledger's own (size, root) at export time."""

    size: int
    root: bytes


@dataclass
class Export:
    """A parsed export: events in leaf order and the final ledger line (None if absent)."""

    events: list[ExportedEvent]
    ledger: LedgerHead | None


def export_line(event: ExportedEvent) -> str:
    """One JSON line (without newline) for an event."""
    return json.dumps(event.to_json(), separators=(",", ":"))


def ledger_line(size: int, root: bytes) -> str:
    """The final JSON line (without newline) carrying the ledger head."""
    b64 = base64.b64encode(root).decode("ascii")
    return json.dumps({"ledger": {"size": size, "root": b64}}, separators=(",", ":"))


def read_export(lines: Iterable[str | bytes]) -> Export:
    """Parse export lines; blank lines are ignored; raises ExportFormatError with line numbers."""
    events: list[ExportedEvent] = []
    ledger: LedgerHead | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if ledger is not None:
                raise ExportFormatError("data after the final ledger line")
            if isinstance(obj, dict) and set(obj) == {"ledger"}:
                head = obj["ledger"]
                if not isinstance(head, dict):
                    raise ExportFormatError("ledger must be an object")
                ledger = LedgerHead(_int(head, "size"), hash_field(head.get("root"), "ledger root"))
            else:
                events.append(ExportedEvent.from_json(obj))
        except (ValueError, TypeError) as exc:
            raise ExportFormatError(f"line {number}: {exc}") from exc
    return Export(events, ledger)
