"""What the writers of one package share: running totals, the XML writer, deferred values.

Some values are only known when every record has been streamed: the archival period (which
arkiv and arkivdel state before their children), the dates a container folder covers, the
journal heads. They are written as *deferred* placeholders (a private-use character around a
key, which :func:`clean` strips from every real value, so no record text can forge one) and
filled in by :func:`resolve_deferred`, a second streamed pass over the file.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archive.export.noark5.ids import NS_XSI
from archive.export.noark5.spool import Spool
from archive.export.noark5.values import DEFER_MARK, as_utc, clean

ProgressCallback = Callable[[int], None]
_DEFERRED = re.compile(f"{DEFER_MARK}([^{DEFER_MARK}]+){DEFER_MARK}")


class Deferred(str):
    """A placeholder for a value filled in after streaming (see the module docstring)."""

    def __new__(cls, key: str) -> Deferred:
        return super().__new__(cls, f"{DEFER_MARK}{key}{DEFER_MARK}")


@dataclass
class Span:
    """First and last instant seen, for a folder, the journals or the whole package."""

    first: datetime | None = None
    last: datetime | None = None

    def add(self, value: date | datetime) -> None:
        instant = as_utc(value) if isinstance(value, datetime) else \
            as_utc(datetime(value.year, value.month, value.day))
        self.first = instant if self.first is None else min(self.first, instant)
        self.last = instant if self.last is None else max(self.last, instant)


@dataclass
class WriteState:
    """Running totals shared by the writers of one package; lookups live in the spool."""

    out_dir: Path
    progress: ProgressCallback | None
    spool: Spool
    counts: dict[str, int] = field(default_factory=dict)
    journal_seq: dict[int, int] = field(default_factory=dict)
    case_seq: dict[int, int] = field(default_factory=dict)
    records_done: int = 0
    dates: Span = field(default_factory=Span)  # every date the package states
    journal: Span = field(default_factory=Span)  # journalpost opprettetDato (the journals' head)
    deferred: dict[str, str] = field(default_factory=dict)
    restricted: bool = False
    journals: Any = None  # the JournalWriter while arkivstruktur.xml is being written
    container: Span | None = None  # the dates of the container case being written, if any

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def remember(self, system_id: str) -> None:
        self.spool.add_unit(uuid.UUID(system_id).bytes)

    def knows(self, system_id: str) -> bool:
        return self.spool.has_unit(uuid.UUID(system_id).bytes)

    def next_journal_number(self, year: int) -> int:
        self.journal_seq[year] = self.journal_seq.get(year, 0) + 1
        return self.journal_seq[year]

    def use_case_number(self, year: int, sequence: int) -> None:
        self.case_seq[year] = max(self.case_seq.get(year, 0), sequence)

    def next_case_number(self, year: int) -> int:
        """A case number not used by any saksmappe written so far (for the containers)."""
        self.case_seq[year] = self.case_seq.get(year, 0) + 1
        return self.case_seq[year]

    def saw(self, value: date | datetime) -> None:
        self.dates.add(value)
        if self.container is not None:
            self.container.add(value)

    def record_done(self) -> None:
        self.records_done += 1
        if self.progress is not None:
            self.progress(self.records_done)


def resolve_deferred(path: Path, values: Mapping[str, str]) -> None:
    """Replace every deferred placeholder in ``path`` by its value, streaming line by line."""
    temporary = path.with_name(path.name + ".tmp")
    with path.open("r", encoding="utf-8", newline="") as source, \
            temporary.open("w", encoding="utf-8", newline="") as target:
        for line in source:
            if DEFER_MARK in line:
                line = _DEFERRED.sub(lambda m: values[m.group(1)], line)
            target.write(line)
    os.replace(temporary, path)


# --------------------------------------------------------------------------- xml helper


class XmlWriter:
    """Indenting wrapper over lxml's incremental writer: one element at a time, flat memory."""

    def __init__(self, xf: Any, namespace: str, depth: int = 0) -> None:
        self._xf = xf
        self._ns = namespace
        self._depth = depth

    def _indent(self) -> None:
        self._xf.write("\n" + "  " * self._depth)

    @contextmanager
    def node(
        self,
        name: str,
        xsi_type: str | None = None,
        nsmap: dict[str | None, str] | None = None,
        attrib: dict[str, str] | None = None,
    ) -> Iterator[None]:
        attrs = dict(attrib or {})
        if xsi_type:
            attrs[f"{{{NS_XSI}}}type"] = xsi_type
        if self._depth:
            self._indent()
        with self._xf.element(f"{{{self._ns}}}{name}", attrs, nsmap=nsmap):
            self._depth += 1
            yield
            self._depth -= 1
            self._indent()

    def leaf(self, name: str, value: object) -> None:
        self._indent()
        with self._xf.element(f"{{{self._ns}}}{name}"):
            # A Deferred placeholder must survive; every other value is cleaned.
            self._xf.write(value if isinstance(value, Deferred) else clean(value))

    def opt(self, name: str, value: object) -> None:
        """Optional element: written only when it has content (minLength 1 everywhere)."""
        if value is not None and clean(value).strip():
            self.leaf(name, clean(value).strip())
