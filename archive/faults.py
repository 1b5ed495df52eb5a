"""What went wrong, said precisely: a stored event that cannot be read, storage that refuses writes.

Operators recover from these, so each names the thing to look at: the notification id and
record of a poison event, the file or database that is full or read-only.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.exceptions import ArchiveError

# SQLite's words for storage that cannot take a write (sqlite3 and eventsourcing wrap them alike).
_FULL = ("database or disk is full", "no space left")
_READ_ONLY = ("readonly database", "read-only file system", "attempt to write a readonly")
_UNAVAILABLE = ("unable to open database file", "disk i/o error")
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class PoisonEvent(ArchiveError):
    """A stored event its projection cannot read: the projection stops just before it."""

    def __init__(self, notification_id: int, originator_id: str, originator_version: int, topic: str,
                 error: BaseException, projection: str = "", failed: str = "cannot be read") -> None:
        self.notification_id = notification_id
        self.originator_id = originator_id
        self.originator_version = originator_version
        self.topic = topic
        self.error = f"{type(error).__name__}: {error}"
        self.projection = projection
        super().__init__(
            f"stored event {notification_id} (record {originator_id} v{originator_version}, {topic}) "
            f"{failed}: {self.error}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {"notification_id": self.notification_id, "originator_id": self.originator_id,
                "originator_version": self.originator_version, "topic": self.topic, "error": self.error}


@dataclass(frozen=True)
class StorageProblem:
    kind: str  # "full", "read-only" or "unavailable"
    status: int  # 507 when full, 503 otherwise (nothing the client can fix)


class StorageFailure(ArchiveError):
    """Storage refused a write: names what (`where`) and why; nothing was stored by that write."""

    def __init__(self, where: str, problem: StorageProblem, error: BaseException) -> None:
        self.where = where
        self.kind = problem.kind
        self.status = problem.status
        detail = str(error).strip() or type(error).__name__
        super().__init__(f"cannot write {where}: storage is {problem.kind} ({detail})")


def storage_problem(exc: BaseException) -> StorageProblem | None:
    """Classify an exception (or its causes) as full/read-only storage, or None for anything else."""
    seen: BaseException | None = exc
    for _ in range(5):  # eventsourcing wraps sqlite3's error; psycopg has its own chain
        if seen is None:
            return None
        if isinstance(seen, OSError) and not isinstance(seen, sqlite3.Error):
            if seen.errno in _FULL_ERRNOS:
                return StorageProblem("full", 507)
            if seen.errno in _READ_ONLY_ERRNOS:
                return StorageProblem("read-only", 503)
        text = str(seen).lower()
        if any(word in text for word in _FULL):
            return StorageProblem("full", 507)
        if any(word in text for word in _READ_ONLY):
            return StorageProblem("read-only", 503)
        from_store = isinstance(seen, sqlite3.Error) or type(seen).__module__.startswith("eventsourcing")
        if from_store and any(word in text for word in _UNAVAILABLE):
            return StorageProblem("unavailable", 503)
        seen = seen.__cause__ or seen.__context__
    return None


def as_storage_failure(exc: BaseException, where: str, path: Path | None = None) -> StorageFailure | None:
    """`exc` as a StorageFailure naming `where`, or None when it is not about storage.

    Given the path, a mount that is read-only is said to be so (SQLite only says it cannot open).
    """
    if isinstance(exc, StorageFailure):
        return exc
    problem = storage_problem(exc)
    if problem is not None and problem.kind == "unavailable" and path is not None and _read_only_mount(path):
        problem = StorageProblem("read-only", 503)
    return None if problem is None else StorageFailure(where, problem, exc)


def _read_only_mount(path: Path) -> bool:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return bool(os.statvfs(candidate).f_flag & os.ST_RDONLY)
    return False


@contextmanager
def naming_storage(where: str, path: Path | None = None) -> Iterator[None]:
    """Turn a storage error inside the block into a StorageFailure that names `where`."""
    try:
        yield
    except Exception as exc:
        failure = as_storage_failure(exc, where, path)
        if failure is None or failure is exc:
            raise
        raise failure from exc


def error_report(error: BaseException) -> dict[str, Any]:
    """An error as plain data, to cross a process boundary (a projector process reports its
    projections' errors to the server): its message and what `from_error_report` needs."""
    report: dict[str, Any] = {"message": str(error)}
    if isinstance(error, PoisonEvent):
        report["poison"] = {**error.as_dict(), "projection": error.projection}
    elif isinstance(error, StorageFailure):
        report["storage"] = {"where": error.where, "kind": error.kind, "status": error.status}
    return report


def from_error_report(report: dict[str, Any]) -> ArchiveError:
    """The error `error_report` described, with the same message and the same fields."""
    message = str(report.get("message", ""))
    error: ArchiveError
    if "poison" in report:
        error = PoisonEvent.__new__(PoisonEvent)
        vars(error).update(report["poison"])
    elif "storage" in report:
        error = StorageFailure.__new__(StorageFailure)
        vars(error).update(report["storage"])
    else:
        error = ArchiveError.__new__(ArchiveError)
    Exception.__init__(error, message)
    return error
