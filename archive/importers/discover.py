"""Which files of a folder are documents to import, and why the others are left alone.

An archivist points `protokoll import` at whatever folder they have: besides the articles,
minutes and pages it holds READMEs, label files, scripts and editor droppings. Those are
skipped with a note (never imported as a news article, never counted as failures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm", ".pdf", ".jsonl"})
# Names that are about a folder rather than documents in it (README.md, LICENCE.txt …).
_NOT_DOCUMENT_STEMS = frozenset(
    {"readme", "changelog", "changes", "license", "licence", "copying", "contributing", "authors", "notice"}
)
# Folders of labels, code or tooling next to the documents.
_NOT_DOCUMENT_DIRS = frozenset({"expected", "labels", "__pycache__", "node_modules"})


@dataclass(frozen=True)
class Candidate:
    """One file found: `skip` says why it is not imported (None: it is a document)."""

    path: Path
    skip: str | None = None


def discover(paths: Sequence[Path]) -> list[Candidate]:
    """Files to import, in order: a named file as it is, a folder searched recursively."""
    found: list[Candidate] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                found.append(Candidate(file, skip_reason(file.relative_to(path))))
        else:
            found.append(Candidate(path))  # named by the archivist: read it, and say if it is no document
    return found


def skip_reason(relative: Path) -> str | None:
    """Why a file found in a folder is not a document to import (None when it is one)."""
    parts = relative.parts
    if any(part.startswith(".") for part in parts):
        return "hidden file"
    folder = next((part for part in parts[:-1] if part.casefold() in _NOT_DOCUMENT_DIRS), None)
    if folder is not None:
        return f"in {folder}/ (labels or tooling, not documents)"
    suffix = relative.suffix.casefold()
    stem = relative.stem.casefold()
    if stem.split(".")[0] in _NOT_DOCUMENT_STEMS:
        return "a README or licence file, not a document"
    if suffix not in DOCUMENT_SUFFIXES:
        return f"not a document ({suffix} file)" if suffix else "not a document (no suffix)"
    return None
