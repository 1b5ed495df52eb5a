"""Value formatting for the package: dates in UTC, XML-safe text, required values."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TypeVar

from archive.export.noark5.ids import SCREENED_TITLE, UNKNOWN

T = TypeVar("T")

# Marks a deferred value (see state.py); a private-use character no real text needs.
DEFER_MARK = "\ue000"
# Characters XML 1.0 cannot carry at all (lxml refuses them) and the deferred mark are dropped.
_XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue001-\ufffd\U00010000-\U0010ffff]")
_CASE_REF = re.compile(r"^\s*(\d{4})\s*/\s*(\d+)\s*$")
_OFFL_PARAGRAPH = re.compile(r"offl\w*\.?\s*§\s*(\d+\s*[a-z]?)", re.IGNORECASE)

# --------------------------------------------------------------------------- values


def as_utc(value: datetime) -> datetime:
    # Naive datetimes are taken to be UTC (documented in model.py) rather than local time,
    # so the output never depends on the exporting machine's timezone.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def fmt_datetime(value: datetime | date) -> str:
    """xs:dateTime in UTC with a 'Z' suffix; a bare date means midnight UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=UTC)
    return as_utc(value).isoformat().replace("+00:00", "Z")


def fmt_date(value: datetime | date) -> str:
    """xs:date; a datetime keeps its own (local) calendar date, which is what a clerk saw."""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def clean(value: object) -> str:
    """Text safe for XML 1.0 (illegal control characters removed)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def required(value: object, fallback: str) -> str:
    # Nearly every Noark string type has minLength 1: an empty value would break validation.
    text = clean(value).strip()
    return text if text else fallback


def latest(*values: datetime | None) -> datetime:
    present = [as_utc(v) for v in values if v is not None]
    return max(present)


def safe_public_title(title: str, public_title: str | None, restricted: bool) -> str:
    """offentligTittel: never leaks a screened record's real title."""
    public = clean(public_title).strip()
    if not restricted:
        return public or required(title, UNKNOWN)
    real = clean(title).strip()
    # A public title that repeats the real one would defeat the screening.
    if not public or (real and real.casefold() in public.casefold()):
        return SCREENED_TITLE
    return public


def access_code(basis: str | None) -> str:
    """tilgangsrestriksjon: the offentleglova paragraph number when the basis names one."""
    match = _OFFL_PARAGRAPH.search(basis or "")
    return match.group(1).replace(" ", "") if match else "Unntatt offentlighet"


def case_numbers(reference: str, fallback_year: int) -> tuple[int, int]:
    """(saksaar, sakssekvensnummer) from "2016/0007"; both are required integers."""
    match = _CASE_REF.match(reference or "")
    if match:
        return int(match.group(1)), int(match.group(2))
    return fallback_year, 0


def peek(items: Iterable[T]) -> tuple[T | None, Iterator[T]]:
    it = iter(items)
    first = next(it, None)
    if first is None:
        return None, it
    return first, itertools.chain([first], it)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

