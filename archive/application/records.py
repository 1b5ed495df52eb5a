"""Commands any record takes: screening from the public (skjerming) and its release."""

from __future__ import annotations

from archive.application.core import ArchiveCore, CommandResult
from archive.domain import Record


class RecordCommands(ArchiveCore):
    """Commands any record takes: screening from the public (skjerming) and its release."""

    def restrict(
        self,
        record_id: str,
        *,
        expected_version: int,
        legal_basis: str,
        recorded_by: str,
        public_title: str | None = None,
        reason: str | None = None,
    ) -> CommandResult:
        """Screen any record from the public (skjerming), with its legal basis."""
        return self._change(
            Record,
            record_id,
            expected_version,
            lambda r: r.restrict(
                legal_basis=legal_basis, public_title=public_title, recorded_by=recorded_by, reason=reason
            ),
        )

    def release(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            Record,
            record_id,
            expected_version,
            lambda r: r.release(reason=reason, recorded_by=recorded_by),
        )
