"""Commands on news updates: publish, update, correct, unpublish."""

from __future__ import annotations

from typing import Any

from archive.application.core import ArchiveCore, CommandResult, year_of
from archive.domain import NewsUpdate, Source


class NewsCommands(ArchiveCore):
    """Commands on news updates: publish, update, correct, unpublish."""

    def publish_news(
        self,
        *,
        title: str,
        paragraphs: list[str],
        published_at: str | None,  # None: the date is unknown (undated news is archived, not refused)
        recorded_by: str,
        lede: str | None = None,
        key: str | None = None,
        source: Source | None = None,
        **fields: Any,
    ) -> CommandResult:
        return self._create(
            NewsUpdate,
            key,
            year_of(published_at),
            title=title,
            lede=lede,
            paragraphs=paragraphs,
            published_at=published_at,
            recorded_by=recorded_by,
            source=source,
            **fields,
        )

    def update_news(
        self,
        record_id: str,
        *,
        expected_version: int,
        updated_at: str | None,  # None: a new version whose date the source does not give
        recorded_by: str,
        reason: str | None = None,
        source: Source | None = None,
        **fields: Any,
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.update(
                updated_at=updated_at, recorded_by=recorded_by, reason=reason, source=source, **fields
            ),
        )

    def correct_news(
        self,
        record_id: str,
        *,
        expected_version: int,
        reason: str,
        recorded_by: str,
        changes: dict[str, Any] | None = None,
        paragraphs: dict[str, str] | None = None,
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.correct(
                changes=changes or {}, paragraphs=paragraphs, reason=reason, recorded_by=recorded_by
            ),
        )

    def unpublish_news(
        self, record_id: str, *, expected_version: int, reason: str, recorded_by: str
    ) -> CommandResult:
        return self._change(
            NewsUpdate,
            record_id,
            expected_version,
            lambda n: n.unpublish(reason=reason, recorded_by=recorded_by),
        )
