"""What a caller may see, for the routes: archive.visibility decides (one rule for every read
path); a hidden record is answered with 404, exactly as a record that does not exist, so its
existence does not leak."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from api.auth import Principal
from archive.exceptions import RecordNotFound
from archive.service import ArchiveService
from archive.visibility import Access, access, is_shown, mark_of

_DASHED_REFERENCE = re.compile(r"^(\d{4})-(\d{1,8})$")
_REFERENCE = re.compile(r"^\d{4}/\d{1,8}$")


def normalise_reference(value: str) -> str:
    """Accept '2016/0007', '2016-0007' (slash-free for path segments) or a record id."""
    value = value.strip().strip("/")
    match = _DASHED_REFERENCE.match(value)
    return f"{match[1]}/{match[2]}" if match else value


def looks_like_key(value: str) -> bool:
    if _REFERENCE.match(value):
        return True
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def is_visible(row: dict[str, Any] | None, principal: Principal) -> bool:
    """`row` is a catalog row, a person row or a record view: all carry restricted and status."""
    return is_shown(row, principal.role)


def visibility_of(row: dict[str, Any]) -> str:
    """The record's mark for staff views ("public", "screened", "withdrawn", "unpublished")."""
    return mark_of(row)


def title_only(row: dict[str, Any] | None, principal: Principal) -> bool:
    """A record the caller may know of only by its public title (a screened party, say)."""
    return access(row, principal.role) is Access.TITLE_ONLY


def get_entry(service: ArchiveService, ref: str, principal: Principal) -> dict[str, Any]:
    """The catalog entry for an id or reference, or RecordNotFound (also when hidden)."""
    key = normalise_reference(ref)
    entry = service.catalog.get(key) if looks_like_key(key) else None
    if entry is None or not is_visible(entry, principal):
        raise RecordNotFound(f"no record {ref!r}")
    return entry


def resolve_id(service: ArchiveService, ref: str) -> str:
    """The record id for a write route's path segment (id or reference); writers see everything."""
    key = normalise_reference(ref)
    try:
        return str(UUID(key))
    except ValueError:
        pass
    entry = service.catalog.get(key) if looks_like_key(key) else None
    if entry is None:
        raise RecordNotFound(f"no record {ref!r}")
    return str(entry["id"])


def visible_rows(rows: list[dict[str, Any]], principal: Principal) -> list[dict[str, Any]]:
    return [r for r in rows if is_visible(r, principal)]


def visible_by_ids(service: ArchiveService, ids: list[str], principal: Principal) -> list[dict[str, Any]]:
    """Linked records (a news update's statements, ...), in the given order, hidden ones dropped."""
    clean = [i for i in ids if isinstance(i, str)][:500]
    found = service.catalog.by_ids(clean)
    return [found[i] for i in clean if i in found and is_visible(found[i], principal)]
