"""`Person` and `Organisation`: who speaks and takes part, and the public bodies they act for."""

from __future__ import annotations

from typing import Any, ClassVar

from eventsourcing.domain import event

from archive.domain.checks import Source, optional_date, require_date, require_reason, require_text
from archive.domain.record import Record
from archive.exceptions import InvalidCommand


class Person(Record):
    """A person who speaks or takes part: names, party membership and roles over time."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "person"

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        name: str,
        recorded_by: str,
        party: str | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.name = require_text(name, "name").strip()
        self.names = [self.name]
        self.parties: list[dict[str, Any]] = []
        if party:
            self.parties.append({"party": party, "from": None, "to": None})
        self.roles: list[dict[str, Any]] = []
        self._start_public()

    @property
    def title(self) -> str:
        return self.name

    @property
    def party(self) -> str | None:
        current = [p for p in self.parties if p["to"] is None]
        return current[-1]["party"] if current else None

    @event("RoleAssigned")
    def assign_role(
        self,
        role: str,
        recorded_by: str,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        source: Source | None = None,
    ) -> None:
        role = require_text(role, "role").strip()
        valid_from, valid_to = optional_date(valid_from, "valid_from"), optional_date(valid_to, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise InvalidCommand("a role cannot end before it begins")
        for held in self.roles:
            same_open_role = (held["role"], held["organisation_id"], held["to"]) == (role, organisation_id, None)
            if same_open_role and valid_to is None:
                raise InvalidCommand(f"{self.name} already holds the role {role}")
        self.roles.append(
            {
                "role": role,
                "organisation_id": organisation_id,
                "organisation_name": organisation_name,
                "from": valid_from,
                "to": valid_to,
            }
        )

    @event("RoleEnded")
    def end_role(
        self,
        role: str,
        valid_to: str,
        recorded_by: str,
        organisation_id: str | None = None,
        source: Source | None = None,
    ) -> None:
        valid_to = require_date(valid_to, "valid_to")
        for held in reversed(self.roles):
            if held["role"] == role and held["organisation_id"] == organisation_id and held["to"] is None:
                if held["from"] and valid_to < held["from"]:
                    raise InvalidCommand("a role cannot end before it begins")
                held["to"] = valid_to
                return
        raise InvalidCommand(f"{self.name} holds no open role {role}")

    @event("PartyChanged")
    def change_party(
        self,
        party: str | None,
        recorded_by: str,
        valid_from: str | None = None,
        source: Source | None = None,
    ) -> None:
        valid_from = optional_date(valid_from, "valid_from")
        if party == self.party:
            raise InvalidCommand(f"{self.name} already belongs to {party}")
        for membership in self.parties:
            if membership["to"] is None:
                membership["to"] = valid_from
        if party:
            self.parties.append({"party": party, "from": valid_from, "to": None})

    @event("Renamed")
    def rename(
        self, name: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a rename")
        name = require_text(name, "name").strip()
        if name == self.name:
            raise InvalidCommand("the new name is the same as the old")
        self.name = name
        if name not in self.names:
            self.names.append(name)

    @event("AliasAdded")
    def add_alias(self, name: str, recorded_by: str, source: Source | None = None) -> None:
        name = require_text(name, "name").strip()
        if name in self.names:
            raise InvalidCommand(f"{name} is already a name of this person")
        self.names.append(name)

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.name
        state["party"] = self.party
        return state


class Organisation(Record):
    """A public body: fylkeskommune, kommuneregion, kommune, department, ..."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "organisation"
    KINDS: ClassVar[frozenset[str]] = frozenset(
        {
            "fylkeskommune",
            "kommuneregion",
            "kommune",
            "regionråd",
            "departement",
            "statsforvalter",
            "interesseorganisasjon",
            "parti",
            "annen",
        }
    )

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        name: str,
        organisation_kind: str,
        recorded_by: str,
        parent_id: str | None = None,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.name = require_text(name, "name").strip()
        if organisation_kind not in self.KINDS:
            raise InvalidCommand(
                f"unknown organisation kind {organisation_kind!r}; one of {sorted(self.KINDS)}"
            )
        self.organisation_kind = organisation_kind
        self.parent_id = parent_id
        self._start_public()

    @property
    def title(self) -> str:
        return self.name

    @event("Renamed")
    def rename(
        self, name: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        require_reason(reason, "a rename")
        name = require_text(name, "name").strip()
        if name == self.name:
            raise InvalidCommand("the new name is the same as the old")
        self.name = name

    def view(self) -> dict[str, Any]:
        state = super().view()
        state["title"] = self.name
        return state
