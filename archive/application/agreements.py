"""Commands on agreements: register, revise, terminate, correct."""

from __future__ import annotations

from typing import Any

from archive.application.core import ArchiveCore, CommandResult, year_of
from archive.domain import Agreement, Source


class AgreementCommands(ArchiveCore):
    """Commands on agreements: register, revise, terminate, correct."""

    def register_agreement(
        self,
        *,
        title: str,
        parties: list[str],
        text: str,
        effective_from: str,
        recorded_by: str,
        key: str | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._create(
            Agreement,
            key,
            year_of(effective_from),
            title=title,
            parties=parties,
            text=text,
            effective_from=effective_from,
            recorded_by=recorded_by,
            source=source,
        )

    def revise_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        effective_from: str,
        reason: str,
        recorded_by: str,
        title: str | None = None,
        text: str | None = None,
        parties: list[str] | None = None,
        source: Source | None = None,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.revise(
                effective_from=effective_from,
                reason=reason,
                recorded_by=recorded_by,
                title=title,
                text=text,
                parties=parties,
                source=source,
            ),
        )

    def terminate_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        effective_to: str,
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.terminate(effective_to=effective_to, reason=reason, recorded_by=recorded_by),
        )

    def correct_agreement(
        self,
        record_id: str,
        *,
        expected_version: int,
        corrects_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
    ) -> CommandResult:
        return self._change(
            Agreement,
            record_id,
            expected_version,
            lambda a: a.correct(
                corrects_version=corrects_version,
                changes=changes,
                reason=reason,
                recorded_by=recorded_by,
            ),
        )
