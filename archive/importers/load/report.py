"""What an import is told and what it tells: the archivist's options, one report per file, the summary.

Also the two small rules every kind of file shares: short fields on one line, and the result
of a file that changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from archive.application import CommandResult


@dataclass(frozen=True)
class ImportOptions:
    """What the archivist says about the files, overriding what detection finds."""

    published_at: date | None = None
    source_url: str | None = None
    language: str | None = None  # "nb" | "nn"
    kind: str | None = None  # "news" | "minutes" | "agreement"
    parties: tuple[str, ...] = ()  # for agreements: organisation names
    recorded_by: str = "importer"


@dataclass
class FileReport:
    """What happened to one file: for `protokoll import --json`, one object per file."""

    file: str
    status: str  # created | updated | unchanged | failed | skipped
    kind: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    news: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    line: int | None = None
    reason: str | None = None  # why a file was skipped

    @property
    def outcome(self) -> str:
        """The status an archivist reads: a record kept with something to check says so."""
        if self.status in ("created", "updated") and self.warnings:
            return "archived with warnings"
        return self.status

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v not in (None, [])}
        out["outcome"] = self.outcome
        return out


def skipped(path: Path, reason: str) -> FileReport:
    """The report of a file found in a folder that is not a document."""
    return FileReport(file=str(path), status="skipped", reason=reason)


def unchanged_result(state: dict[str, Any]) -> CommandResult:
    """The result for a record the file left as it was (read back from its state)."""
    return CommandResult(state["id"], state["reference"], state["version"], None, False, False)


def one_line(value: str | None) -> str | None:
    """A short field (a name, body, place, role, title) as one line: runs of whitespace,
    line breaks included, become one space. A parser pattern that ran across a line break
    ("Regionrådet\nMøtested") must never put a newline into a name."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def summarise(reports: Iterable[FileReport]) -> dict[str, int]:
    """How many files ended in each status, and how many of the archived ones have warnings."""
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.outcome == "archived with warnings":
            counts["with_warnings"] = counts.get("with_warnings", 0) + 1
    return counts
