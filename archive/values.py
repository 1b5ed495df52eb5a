"""Days and instants: the one module that reads them, for every caller.

Given by people (commands, the API's query parameters, the CLI's options), strictly:

- `parse_day`: ``YYYY-MM-DD`` naming a real day.
- `parse_instant`: ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` with an offset, ``Z`` or ``±HH:MM``.
- `parse_instant_or_utc`: the same, except that an instant without an offset is read as UTC
  (the command line's rule for ``--known-at``: the archive records and indexes UTC).
- `parse_rfc3339_instant`: the same with seconds required, RFC 3339's ``date-time`` (the format
  the API documents for its bodies and query parameters, through api/values.py).

Strict because Python's ``fromisoformat`` alone (3.11) also takes week dates (``2016-W06-4``),
basic forms (``20160211``), an hour alone (``T10``) and offsets such as ``+0100`` or
``+01:00:30``, and would store or search some other day than the one meant. Each raises
`ValueError` with one message that names the field and quotes what was given; each caller turns
it into its own refusal (`InvalidCommand` → 422, `CliError` → one line).

As the archive stored them (read models, the search index, exports, pages), leniently, since
the archive wrote them itself after the checks above:

- `stored_day`: the day of a stored day or instant (its first ten characters).
- `stored_instant`: a stored instant as an aware datetime in the offset it was stored with (its
  local calendar day is what a clerk saw); a day alone is its midnight UTC, and an instant
  without an offset is UTC.

Dates in running Norwegian text ("7. mars 2024", "7.3.2024", "tirsdag") are read only from
documents, by the importers: `archive/importers/dates.py` (`parse_norwegian_date`,
`find_publication_dates`, `resolve_weekday`). They stay beside the parsers that use them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

__all__ = ["parse_day", "parse_instant", "parse_instant_or_utc", "parse_rfc3339_instant", "stored_day",
           "stored_instant"]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Seconds and the offset are groups of their own: the rules that require them give their own message.
_INSTANT = re.compile(
    r"(?P<minute>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2})(?P<seconds>:\d{2}(?:\.\d{1,9})?)?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def parse_day(value: object, name: str) -> date:
    """A calendar day from ``YYYY-MM-DD`` text; week dates, ordinal dates and ``20160211`` are refused."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)  # refuses a 30th of February
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")


def _instant(value: object, name: str) -> tuple[datetime, bool]:
    """An instant in the strict shape (naive when given without an offset), and whether it gave seconds."""
    shape = _INSTANT.fullmatch(value) if isinstance(value, str) else None
    if shape is None:
        raise ValueError(f"{name} must be an ISO datetime, not {value!r}")
    seconds, offset = shape["seconds"] or "", shape["offset"] or ""
    text = (shape["minute"] + seconds).upper() + ("+00:00" if offset in ("Z", "z") else offset)
    try:
        return datetime.fromisoformat(text), bool(seconds)  # refuses 25:00 or a 30th of February
    except ValueError:
        raise ValueError(f"{name} must be an ISO datetime, not {value!r}") from None


def _with_offset(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry a UTC offset (e.g. 2016-10-01T12:00:00+02:00)")
    return moment


def parse_instant(value: object, name: str) -> datetime:
    """An instant from ISO 8601 text with an offset (``Z`` for UTC), aware and in the offset given."""
    return _with_offset(_instant(value, name)[0], name)


def parse_rfc3339_instant(value: object, name: str) -> datetime:
    """An instant as `parse_instant` reads it, with seconds required (RFC 3339's date-time)."""
    moment, seconds = _instant(value, name)
    if not seconds:
        raise ValueError(f"{name} must give seconds (e.g. 2016-10-01T12:00:00+02:00), not {value!r}")
    return _with_offset(moment, name)


def parse_instant_or_utc(value: object, name: str) -> datetime:
    """An instant as `parse_instant` reads it, but one without an offset is UTC; returned in UTC."""
    moment, _ = _instant(value, name)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stored_day(text: str) -> date:
    """The day of a day or an instant the archive stored (``2016-02-11`` or ``2016-02-11T…``)."""
    return date.fromisoformat(text[:10])


def stored_instant(text: str) -> datetime:
    """An instant the archive stored, aware and in its stored offset; a day alone is its midnight UTC."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
