"""Days and instants as the archive reads them from people: one parser each, used everywhere.

Commands, the API's query parameters and the CLI's options all take a day as ``YYYY-MM-DD``
and an instant as ISO 8601 with an offset (``Z`` allowed). Each caller turns the `ValueError`
these raise into its own refusal (`InvalidCommand` → 422, `CliError` → one line), so the
message names the field and quotes what was given. Dates in running Norwegian text
("7. mars 2024") are the importers' business: `archive/importers/dates.py`.
"""

from __future__ import annotations

from datetime import date, datetime


def parse_day(value: object, name: str) -> date:
    """A calendar day from ``YYYY-MM-DD`` text."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD), not {value!r}") from None


def parse_instant(value: object, name: str) -> datetime:
    """An instant from ISO 8601 text with an offset (``Z`` for UTC); one without an offset is refused."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO datetime, not {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be an ISO datetime, not {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry a UTC offset (e.g. 2016-10-01T12:00:00+02:00)")
    return moment

