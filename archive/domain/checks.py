"""Value checks every aggregate applies to what a command gives it, and the ids of natural keys.

Each check returns the value as stored (dates and instants as ISO text) or refuses the command
with `InvalidCommand` naming the field.
"""

from __future__ import annotations

import unicodedata
from uuid import UUID, uuid5

from archive.exceptions import InvalidCommand
from archive.values import parse_day, parse_instant

NAMESPACE = UUID("6d1f3c1e-4b8a-5c7e-9a41-0b7f2d5e6a90")

Source = dict[str, str]


def natural_id(kind: str, key: str) -> UUID:
    """A stable id for a record with a natural key: the same key always gives the same id."""
    return uuid5(NAMESPACE, f"{kind}:{nfc(key).strip()}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def require_text(value: object, name: str, *, max_len: int = 2_000_000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidCommand(f"{name} must not be empty")
    if len(value) > max_len:
        raise InvalidCommand(f"{name} is longer than {max_len} characters")
    if "\x00" in value:
        raise InvalidCommand(f"{name} contains a NUL character")
    return value


def optional_text(value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidCommand(f"{name} must be text")
    return require_text(value, name) if value.strip() else None


def require_reason(reason: str | None, what: str) -> str:
    if reason is None or not str(reason).strip():
        raise InvalidCommand(f"a reason is required for {what}")
    return reason


def require_date(value: object, name: str) -> str:
    """A day as ``YYYY-MM-DD`` (valid time boundaries are dates), read by archive.values."""
    try:
        return parse_day(value, name).isoformat()
    except ValueError as exc:
        raise InvalidCommand(str(exc)) from None


def optional_date(value: object, name: str) -> str | None:
    return None if value is None else require_date(value, name)


def require_instant(value: object, name: str) -> str:
    """An instant with its offset, read by archive.values; stored with that offset, in isoformat's spelling."""
    try:
        return parse_instant(value, name).isoformat()
    except ValueError as exc:
        raise InvalidCommand(str(exc)) from None


def optional_instant(value: object, name: str) -> str | None:
    return None if value is None else require_instant(value, name)
