"""The value types of request bodies and query parameters: checked days and instants, versions, kinds, keys.

Dates are strict (RFC 3339 shapes, real days), integers never arrive as booleans or strings,
and a query parameter left blank by an HTML form means "no filter". api.schemas builds its
bodies from these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from archive.domain import Organisation
from archive.values import parse_day, parse_rfc3339_instant

Text = Annotated[str, Field(min_length=1, max_length=200_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=1_000)]
# Dates are strict, read by archive.values: Python's fromisoformat alone would take week dates
# (2016-W06-4) and ordinal dates (2016-042) and store them as some other day. The messages
# leave the field's name to pydantic's error location.


def _calendar_day(value: str) -> str:
    """YYYY-MM-DD naming a real day (RFC 3339 full-date), returned as given."""
    try:
        parse_day(value, "date")
    except ValueError:
        raise ValueError("a date is YYYY-MM-DD naming a real day") from None
    return value


def _instant(value: str) -> str:
    """RFC 3339 date-time with seconds and an offset (Z or ±HH:MM), with T and Z in capitals."""
    try:
        parse_rfc3339_instant(value, "instant")
    except ValueError:
        raise ValueError("an instant is YYYY-MM-DDTHH:MM:SS with an offset (Z or +01:00)") from None
    return value.upper()  # RFC 3339 allows t and z; the archive stores one spelling


def integral(value: object) -> object:
    """Integers may arrive as 851.0 (JSON has one number type); never as true/false, 851.5 or "851"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _organisation_kind(value: str) -> str:
    if value not in Organisation.KINDS:
        raise ValueError(f"one of {', '.join(sorted(Organisation.KINDS))}")
    return value


Day = Annotated[str, AfterValidator(_calendar_day),
                WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"})]
Instant = Annotated[str, AfterValidator(_instant),
                    WithJsonSchema({"type": "string", "format": "date-time",
                                    "description": "RFC 3339 with seconds and offset, e.g. 2016-03-01T10:00:00+01:00"})]
Version = Annotated[int, Field(strict=True, ge=0, description="the version you read; 409 if stale"),
                    BeforeValidator(integral)]
OrganisationKind = Annotated[str, AfterValidator(_organisation_kind),
                             WithJsonSchema({"type": "string", "enum": sorted(Organisation.KINDS)})]


def _blank_or(check: Callable[[str], str]) -> Callable[[str], str]:
    """HTML forms send empty fields: blank means "no filter", anything else must pass `check`."""
    def checked(value: str) -> str:
        return value.strip() and check(value.strip())
    return checked


def _blank_or_schema(schema: dict[str, Any], description: str) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [schema, {"type": "string", "enum": [""]}], "description": description})


# Query parameters (also read from the pages' forms): a date, an instant or a record kind, or blank.
QueryDay = Annotated[str, AfterValidator(_blank_or(_calendar_day)),
                     _blank_or_schema({"type": "string", "format": "date"}, "YYYY-MM-DD; blank: none")]
QueryInstant = Annotated[str, AfterValidator(_blank_or(_instant)),
                         _blank_or_schema({"type": "string", "format": "date-time"},
                                          "RFC 3339 with seconds and offset; blank: none")]
RECORD_KINDS = ("agreement", "meeting", "statement", "news", "person", "organisation")


def _record_kind(value: str) -> str:
    if value not in RECORD_KINDS:
        raise ValueError(f"unknown kind {value!r}: one of {', '.join(RECORD_KINDS)}")
    return value


QueryKind = Annotated[str, AfterValidator(_blank_or(_record_kind)),
                      _blank_or_schema({"type": "string", "enum": list(RECORD_KINDS)}, "a record kind; blank: all")]
Language = Annotated[str, WithJsonSchema({"type": "string", "enum": ["nb", "nn"]}),
                     Field(pattern=r"^(nb|nn)$", description="nb (Bokmål) or nn (Nynorsk)")]
Key = Annotated[str, Field(min_length=1, max_length=500, description="natural key: same key twice is a no-op")]
RecordId = Annotated[str, Field(min_length=1, max_length=100)]
