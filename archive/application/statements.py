"""Commands on statements: record, correct, withdraw."""

from __future__ import annotations

from typing import Any

from archive.application.core import ArchiveCore, CommandResult, year_of
from archive.domain import Source, Statement


class StatementCommands(ArchiveCore):
    """Commands on statements: record, correct, withdraw."""

    def record_statement(
        self,
        *,
        text: str,
        said_at: str | None,  # None: the day is unknown (an undated article's statements)
        recorded_by: str,
        speaker_id: str | None = None,
        speaker_name: str | None = None,
        speaker_role: str | None = None,
        party: str | None = None,
        organisation_id: str | None = None,
        organisation_name: str | None = None,
        context: dict[str, Any] | None = None,
        attribution: dict[str, Any] | None = None,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Statement,
            key,
            year_of(said_at),
            text=text,
            speaker_id=speaker_id,
            speaker_name=speaker_name,
            speaker_role=speaker_role,
            party=party,
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            said_at=said_at,
            context=context,
            attribution=attribution,
            recorded_by=recorded_by,
            source=source,
        )

    def correct_statement(
        self,
        record_id: str,
        *,
        expected_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Statement,
            record_id,
            expected_version,
            lambda s: s.correct(changes=changes, reason=reason, recorded_by=recorded_by),
        )

    def withdraw_statement(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Statement,
            record_id,
            expected_version,
            lambda s: s.withdraw(reason=reason, recorded_by=recorded_by),
        )
