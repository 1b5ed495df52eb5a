"""The visibility policy: what each reader may see of a record. One rule, used everywhere.

Every read path asks this module — the catalog's lists and counts, the people read model's
statements, the API's lookups and linked records, the search index (hits, totals, facets,
snippets, feeds, CSV/JSON) — so they cannot disagree.

The rule is a function of the record's *current* state and the reader's role:

- The public sees a record only while it is public now: not screened (restricted), not
  withdrawn (statements), not unpublished (news). Once a record is withdrawn, unpublished or
  screened, the public sees none of its versions, at any `known_at` or `valid_at`: time travel
  answers "what did the archive say then" only about what the archive may show today.
- Archivists and auditors see everything; each record carries its mark ("withdrawn", ...), so a
  page or hit can say why the public does not see it.
- A screened record that a visible record names (a party of an agreement) may be shown to the
  public by its public title only (``Access.TITLE_ONLY``), never its content; it is never listed,
  searched or served on its own (a direct lookup answers 404, as for a record that does not exist).
- A cancelled meeting is a public fact: an archive shows that the meeting was called off, marked
  "cancelled" (its status), with its history. Cancelling is not a reason to hide anything; if the
  content must be hidden, the archivist screens it (restriction with a legal basis).
  Terminated agreements, held meetings and corrected records are public in the same way.

`mark_of` works on any mapping with `status` and `restricted` (a catalog row, a record's state,
a people row, a person's statement row); `public_sql` is the same rule for SQL read models.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal

Mark = Literal["public", "screened", "withdrawn", "unpublished"]

PUBLIC: Mark = "public"
# Statuses that end public access (events, never deletions: staff still see the record).
HIDDEN_STATUSES: dict[str, Mark] = {"withdrawn": "withdrawn", "unpublished": "unpublished"}
# Roles that read everything (marked). Strings, so api.auth.Role (a str enum) compares equal.
STAFF_ROLES = frozenset({"archivist", "auditor"})


class Access(str, Enum):
    """What a reader may see of one record."""

    FULL = "full"  # the record and all its versions
    TITLE_ONLY = "title_only"  # only its public title, and only where a visible record names it
    HIDDEN = "hidden"  # nothing: not listed, not found, 404


def mark_of(record: Mapping[str, Any]) -> Mark:
    """Why (or whether) the public may see a record, from its current status and screening.

    Withdrawal and unpublishing win over screening: they are the stronger, permanent statement.
    """
    hidden = HIDDEN_STATUSES.get(str(record.get("status")))
    if hidden is not None:
        return hidden
    if record.get("restricted"):
        return "screened"
    return PUBLIC


def sees_everything(role: str) -> bool:
    return str(getattr(role, "value", role)) in STAFF_ROLES


def access(record: Mapping[str, Any] | None, role: str) -> Access:
    """THE rule: what `role` may see of a record in its current state (None: no such record)."""
    if record is None:
        return Access.HIDDEN
    if sees_everything(role):
        return Access.FULL
    mark = mark_of(record)
    if mark == PUBLIC:
        return Access.FULL
    return Access.TITLE_ONLY if mark == "screened" else Access.HIDDEN


def is_shown(record: Mapping[str, Any] | None, role: str) -> bool:
    """May `role` see this record on its own (listed, found, looked up)?"""
    return access(record, role) is Access.FULL


def public_sql(alias: str = "") -> str:
    """`mark_of(...) == "public"` as an SQL condition over `status` and `restricted` columns."""
    prefix = f"{alias}." if alias else ""
    hidden = ", ".join(f"'{status}'" for status in sorted(HIDDEN_STATUSES))
    return f"({prefix}restricted = 0 AND ({prefix}status IS NULL OR {prefix}status NOT IN ({hidden})))"
