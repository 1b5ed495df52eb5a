"""An agreement's revisions as history rows see them (projection helpers, not domain rules)."""

from __future__ import annotations

from typing import Any


def revision_view(view: dict[str, Any], revision: dict[str, Any]) -> dict[str, Any]:
    """An agreement's view with the content of one of its revisions (for history rows)."""
    state = dict(view)
    state.update({k: revision[k] for k in ("title", "text", "parties", "effective_from", "effective_to")})
    state["revision"] = revision["number"]
    return state


def revision_of_version(view: dict[str, Any], version: int) -> dict[str, Any] | None:
    """The revision (in an agreement's view) whose content the given version recorded."""
    revisions: list[dict[str, Any]] = view.get("revisions") or []
    for revision in revisions:
        if version in revision["versions"]:
            return revision
    return None
