"""Roles and the caller's identity (principal)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    PUBLIC = "public"
    ARCHIVIST = "archivist"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    """Who is calling. `name` becomes `recorded_by` on writes; `key` scopes rate limits and idempotency."""

    role: Role
    name: str
    key: str

    @property
    def sees_restricted(self) -> bool:
        # Archivists curate restricted records, auditors inspect them; the public never sees them.
        return self.role is not Role.PUBLIC

    @property
    def can_write(self) -> bool:
        return self.role is Role.ARCHIVIST

    @property
    def is_auditor(self) -> bool:
        return self.role is Role.AUDITOR


def anonymous(client_host: str | None) -> Principal:
    return Principal(Role.PUBLIC, "public", f"ip:{client_host or 'unknown'}")
