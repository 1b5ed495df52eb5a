"""The archive's write side: commands take and return ids and plain values, never aggregates.

`Archive` is the eventsourcing application. Its commands come in groups, one module each:
`people` (organisations and people), `agreements`, `records` (screening any record),
`meetings`, `statements` and `news`; `core` holds what they share (`CommandResult`, the unit
of work, reference numbering, load/create/change with `expected_version`).
"""

from __future__ import annotations

from archive.application.agreements import AgreementCommands
from archive.application.core import CREATE_ATTEMPTS, ArchiveCore, CommandResult, R, UnitOfWork
from archive.application.meetings import MeetingCommands
from archive.application.news import NewsCommands
from archive.application.people import PeopleCommands
from archive.application.records import RecordCommands
from archive.application.statements import StatementCommands

__all__ = ["CREATE_ATTEMPTS", "Archive", "ArchiveCore", "CommandResult", "R", "UnitOfWork"]


class Archive(
    PeopleCommands, AgreementCommands, RecordCommands, MeetingCommands, StatementCommands, NewsCommands
):
    """The event-sourced archive of agreements, meetings, statements and news updates."""

    name = "Protokoll"
