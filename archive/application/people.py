"""Commands on organisations and people: register, rename, roles, party, aliases."""

from __future__ import annotations

from archive.application.core import ArchiveCore, CommandResult, this_year
from archive.domain import Organisation, Person, Source, nfc


class PeopleCommands(ArchiveCore):
    """Commands on organisations and people: register, rename, roles, party, aliases."""

    def register_organisation(
        self,
        *,
        name: str,
        organisation_kind: str,
        recorded_by: str,
        key: str | None = None,
        parent_id: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Organisation,
            key or f"name:{nfc(name).strip().casefold()}",
            this_year(),
            name=name,
            organisation_kind=organisation_kind,
            recorded_by=recorded_by,
            parent_id=parent_id,
            source=source,
        )

    def rename_organisation(
        self, record_id: str, *, expected_version: int, name: str, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Organisation,
            record_id,
            expected_version,
            lambda o: o.rename(name=name, reason=reason, recorded_by=recorded_by),
        )

    def register_person(
        self,
        *,
        name: str,
        recorded_by: str,
        key: str | None = None,
        party: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Person,
            key or f"name:{nfc(name).strip().casefold()}",
            this_year(),
            name=name,
            party=party,
            recorded_by=recorded_by,
            source=source,
        )

    def assign_role(
        self,
        record_id: str,
        *,
        expected_version: int,
        role: str,
        recorded_by: str,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        valid_from: str | None = None,
        valid_to: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.assign_role(
                role=role,
                organisation_id=organisation_id,
                organisation_name=organisation_name,
                valid_from=valid_from,
                valid_to=valid_to,
                recorded_by=recorded_by,
                source=source,
            ),
        )

    def end_role(
        self,
        record_id: str,
        *,
        expected_version: int,
        role: str,
        valid_to: str,
        recorded_by: str,
        organisation_id: str | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.end_role(
                role=role, valid_to=valid_to, organisation_id=organisation_id, recorded_by=recorded_by
            ),
        )

    def change_party(
        self,
        record_id: str,
        *,
        expected_version: int,
        party: str | None,
        recorded_by: str,
        valid_from: str | None = None,
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.change_party(party=party, valid_from=valid_from, recorded_by=recorded_by),
        )

    def rename_person(
        self, record_id: str, *, expected_version: int, name: str, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.rename(name=name, reason=reason, recorded_by=recorded_by),
        )

    def add_person_alias(
        self, record_id: str, *, expected_version: int, name: str, recorded_by: str, source: Source | None = None
    ) -> CommandResult:
        return self._change(
            Person,
            record_id,
            expected_version,
            lambda p: p.add_alias(name=name, recorded_by=recorded_by, source=source),
        )
