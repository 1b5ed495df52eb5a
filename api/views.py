"""Read-side assembly shared by the JSON API and the pages: records, versions, diffs, lists."""

from __future__ import annotations

from typing import Any

from api.access import get_entry, visible_rows
from api.auth import Principal
from api.diffing import content_diff
from api.formatting import reference_path
from api.public_shapes import public_state
from archive.exceptions import InvalidCommand, RecordNotFound
from archive.readmodels.catalog import CatalogFilter
from archive.service import ArchiveService
from archive.visibility import mark_of

RECORD_FIELDS = ("id", "reference", "kind", "title", "status", "restricted", "date", "version",
                 "created_at", "updated_at")


def record_public(entry: dict[str, Any]) -> dict[str, Any]:
    """A catalog entry in its public shape (api.public_shapes: no key, no replay internals)."""
    out = {name: entry.get(name) for name in RECORD_FIELDS}
    out["state"] = public_state(entry["state"])
    out["url"] = reference_path(entry["reference"])
    return out


def version_public(row: dict[str, Any]) -> dict[str, Any]:
    """A history row with its content in the record kind's public shape."""
    return {**row, "content": public_state(row["content"])}


def record_state(service: ArchiveService, ref: str, principal: Principal) -> dict[str, Any]:
    """The full stored state and catalog row of a record, for auditors (internals included)."""
    entry = get_entry(service, ref, principal)
    return {**{name: entry.get(name) for name in RECORD_FIELDS}, "created_by": entry.get("created_by"),
            "visibility": mark_of(entry), "state": entry["state"], "url": reference_path(entry["reference"])}


def record_at(service: ArchiveService, ref: str, principal: Principal,
              valid_at: str | None = None, known_at: str | None = None) -> dict[str, Any]:
    """A record now, or as it stood on `valid_at` as the archive knew it at `known_at`."""
    entry = get_entry(service, ref, principal)
    out = record_public(entry)
    if valid_at or known_at:
        row = service.history.as_of(entry["id"], valid_at=valid_at or None, known_at=known_at or None)
        if row is None:
            axes = " ".join(f"{name} {value}" for name, value in (("valid at", valid_at), ("known at", known_at))
                            if value)
            raise RecordNotFound(f"{entry['reference']} has no version {axes}")
        content = row["content"]
        out["state"] = public_state(content)
        # The top level describes the version returned, never the current one (issue 13).
        out.update(version=row["version"], date=row["valid_from"], updated_at=row["recorded_at"],
                   title=content.get("title", out["title"]), status=content.get("status", out["status"]))
        out["as_of"] = {
            "valid_at": valid_at, "known_at": known_at, "version": row["version"],
            "event_type": row["event_type"], "valid_from": row["valid_from"], "valid_to": row["valid_to"],
            "recorded_at": row["recorded_at"], "superseded_at": row["superseded_at"],
        }
    return out


def versions(service: ArchiveService, ref: str, principal: Principal) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    entry = get_entry(service, ref, principal)
    return entry, [version_public(row) for row in service.history.versions(entry["id"])]


def diff(service: ArchiveService, ref: str, principal: Principal,
         from_version: int | None, to_version: int | None) -> dict[str, Any]:
    entry, rows = versions(service, ref, principal)
    by_version = {row["version"]: row for row in rows}
    if not rows:
        raise RecordNotFound(f"{entry['reference']} has no history yet")
    new = to_version if to_version is not None else rows[-1]["version"]
    old = from_version if from_version is not None else max(new - 1, rows[0]["version"])
    for version in (old, new):
        if version not in by_version:
            raise RecordNotFound(f"{entry['reference']} has no version {version}")
    return {
        "record_id": entry["id"], "reference": entry["reference"], "from_version": old, "to_version": new,
        "fields": content_diff(by_version[old]["content"], by_version[new]["content"]),
    }


def record_list(service: ArchiveService, principal: Principal, *, kind: str | None, organisation: str | None,
                person: str | None, year: int | None, status: str | None, page: int,
                page_size: int) -> dict[str, Any]:
    flt = CatalogFilter(kind=kind or None, organisation=organisation or None, person=person or None,
                        year=year, status=status or None, include_restricted=principal.sees_restricted,
                        page=page, page_size=page_size)
    if page > 100_000:
        raise InvalidCommand("page is too large")
    rows, total = service.catalog.list(flt)
    shown = visible_rows(rows, principal)  # the catalog's public view already agrees; belt and braces
    return {"data": [record_public(r) for r in shown], "count": total, "page": page, "page_size": page_size}
