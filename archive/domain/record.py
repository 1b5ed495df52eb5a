"""`Record`: what every archived record has — a natural key, a citable reference and screening."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from archive.domain.checks import (
    Source,
    natural_id,
    optional_text,
    require_date,
    require_instant,
    require_reason,
    require_text,
)
from archive.exceptions import InvalidCommand


class Record(Aggregate):
    """What every archived record has: a citable reference and screening (skjerming)."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND: ClassVar[str] = "record"

    if TYPE_CHECKING:
        # What every kind sets when it is created: its natural key, its reference and its screening state.
        # Declared for the type checker only: the library turns class-level annotations on an aggregate
        # into dataclass fields of its created event, which these are not.
        key: str
        reference: str
        restricted: bool
        restriction_basis: str | None
        public_title: str | None

        def __init__(self, *, key: str, reference: str, **fields: Any) -> None: ...

        # The screening events `@event` defines below, raised by every kind (their stored topic
        # is `archive.domain:Record.Restricted`, whatever the record): named for the type checker.
        class Restricted(Aggregate.Event): ...

        class Released(Aggregate.Event): ...

    @classmethod
    def create_id(cls, key: str) -> UUID:
        return natural_id(cls.KIND, key)

    def _start_public(self) -> None:
        """Unrestricted, no legal basis, no stand-in title: how every record starts and how release leaves it."""
        self.restricted = False
        self.restriction_basis = None
        self.public_title = None

    @event("Restricted")
    def restrict(
        self,
        legal_basis: str,
        public_title: str | None,
        recorded_by: str,
        reason: str | None = None,
        source: Source | None = None,
    ) -> None:
        require_text(legal_basis, "legal_basis")
        if self.restricted:
            raise InvalidCommand("the record is already restricted")
        self.restricted = True
        self.restriction_basis = legal_basis
        self.public_title = optional_text(public_title, "public_title")

    @event("Released")
    def release(self, recorded_by: str, reason: str | None = None, source: Source | None = None) -> None:
        if not self.restricted:
            raise InvalidCommand("the record is not restricted")
        require_reason(reason, "releasing a restricted record")
        self._start_public()

    def view(self) -> dict[str, Any]:
        """The record's public fields as plain values (what read models store)."""
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["id"] = str(self.id)
        state["version"] = self.version
        state["kind"] = self.KIND
        return state

    def valid_from(self) -> str | None:
        """Start of the record's current valid-time period, if it has one."""
        return None

    def _apply_corrections(self, changes: dict[str, Any], allowed: dict[str, str]) -> None:
        if not isinstance(changes, dict) or not changes:
            raise InvalidCommand("a correction must change at least one field")
        for name, value in changes.items():
            if name not in allowed:
                raise InvalidCommand(f"{self.KIND} has no correctable field {name!r}")
            if allowed[name] == "text":
                value = require_text(value, name)
            elif allowed[name] == "optional_text":
                value = optional_text(value, name)
            elif allowed[name] == "date":
                value = require_date(value, name)
            elif allowed[name] == "instant":
                # A day alone is allowed where only the day is known ("the minutes say 7 March").
                day_only = isinstance(value, str) and len(value) == 10
                value = require_date(value, name) if day_only else require_instant(value, name)
            if getattr(self, name, None) == value:
                raise InvalidCommand(f"correction of {name!r} does not change anything")
            setattr(self, name, value)
