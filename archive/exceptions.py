"""Domain errors: the one vocabulary the CLI and the API map to exit codes and HTTP statuses."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error the archive raises on purpose."""


class RecordNotFound(ArchiveError):
    """No record has that id or reference."""


class InvalidCommand(ArchiveError):
    """The command breaks an invariant of the record or has malformed values."""


class VersionConflict(ArchiveError):
    """The expected version is stale: somebody else changed the record first."""


class AccessDenied(ArchiveError):
    """The caller's role may not do this."""


class ProjectionTimeout(ArchiveError):
    """A read model did not reach the requested position in time."""
