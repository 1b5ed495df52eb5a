"""archive.values: the one reader of days and instants.

People's values are read strictly (Python 3.11's fromisoformat alone would take a week date or
20160211 and store some day nobody wrote); the archive's own stored values are read as stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from archive.domain import require_date, require_instant
from archive.exceptions import InvalidCommand
from archive.values import (
    parse_day,
    parse_instant,
    parse_instant_or_utc,
    parse_rfc3339_instant,
    stored_day,
    stored_instant,
)

OSLO_SUMMER = timezone(timedelta(hours=2))


@pytest.mark.parametrize(("text", "day"), [
    ("2016-02-11", date(2016, 2, 11)),
    ("2016-02-29", date(2016, 2, 29)),  # a leap day
    ("0001-01-01", date(1, 1, 1)),
])
def test_a_day_is_yyyy_mm_dd_naming_a_real_day(text: str, day: date) -> None:
    assert parse_day(text, "said_at") == day


@pytest.mark.parametrize("text", [
    "2016-W06-4",  # week date: fromisoformat reads it as 2016-02-11
    "2016W064",
    "2016-042",  # ordinal date
    "20160211",  # basic form: fromisoformat reads it as 2016-02-11
    "2016-2-11", "16-02-11", "2016/02/11", "11.02.2016", "11. februar 2016",
    "2015-02-29", "2016-02-30", "2016-13-01", "2016-00-10",
    " 2016-02-11", "2016-02-11\n", "2016-02-11T10:00:00+01:00",
    "２０１６-02-11",  # full-width digits are digits to Python's \d without re.ASCII
    "",
])
def test_a_day_in_any_other_form_is_refused_naming_the_field_and_the_text(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_day(text, "said_at")
    assert str(refused.value) == f"said_at must be a date (YYYY-MM-DD), not {text!r}"


@pytest.mark.parametrize("value", [None, 20160211, date(2016, 2, 11), ["2016-02-11"]])
def test_a_day_that_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="^valid_at must be a date"):
        parse_day(value, "valid_at")


@pytest.mark.parametrize(("text", "moment"), [
    ("2016-10-01T12:00:00+02:00", datetime(2016, 10, 1, 12, tzinfo=OSLO_SUMMER)),
    ("2016-10-01T10:00:00Z", datetime(2016, 10, 1, 10, tzinfo=UTC)),
    ("2016-10-01t10:00:00z", datetime(2016, 10, 1, 10, tzinfo=UTC)),  # RFC 3339 allows lower case
    ("2016-10-01T12:00+02:00", datetime(2016, 10, 1, 12, tzinfo=OSLO_SUMMER)),  # seconds may be left out
    ("2016-10-01T10:00:00.5-03:00", datetime(2016, 10, 1, 10, 0, 0, 500_000, tzinfo=timezone(timedelta(hours=-3)))),
    ("2016-10-01T10:00:00.123456789Z", datetime(2016, 10, 1, 10, 0, 0, 123_456, tzinfo=UTC)),  # nanoseconds cut
])
def test_an_instant_keeps_the_offset_it_was_given(text: str, moment: datetime) -> None:
    parsed = parse_instant(text, "known_at")
    assert parsed == moment and parsed.utcoffset() == moment.utcoffset()


@pytest.mark.parametrize("text", [
    "2016-W39-6T12:00:00Z",  # week date
    "2016-275T12:00:00Z",  # ordinal date
    "20161001T120000Z",  # basic form
    "2016-10-01T12+02:00",  # an hour alone
    "2016-10-01T12:00:00+0200", "2016-10-01T12:00:00+02", "2016-10-01T12:00:00+02:00:30",  # offsets
    "2016-10-01 12:00:00+02:00",  # a space instead of T
    "2016-10-01T25:00:00Z", "2016-10-01T12:60:00Z", "2016-02-30T12:00:00Z", "2016-10-01T23:59:60Z",
    "2016-10-01", "yesterday", "",
])
def test_an_instant_in_any_other_form_is_refused_naming_the_field_and_the_text(text: str) -> None:
    for parse in (parse_instant, parse_instant_or_utc):
        with pytest.raises(ValueError) as refused:
            parse(text, "known_at")
        assert str(refused.value) == f"known_at must be an ISO datetime, not {text!r}"


def test_an_instant_without_an_offset_is_refused_where_one_is_required() -> None:
    # An API query parameter or a command: the offset decides which moment is meant.
    with pytest.raises(ValueError) as refused:
        parse_instant("2016-10-01T12:00:00", "known_at")
    assert str(refused.value) == "known_at must carry a UTC offset (e.g. 2016-10-01T12:00:00+02:00)"


def test_the_apis_rfc_3339_instant_also_requires_seconds() -> None:
    # The API documents RFC 3339's date-time: the same instants, seconds included.
    assert parse_rfc3339_instant("2016-10-01T12:00:00+02:00", "known_at") == datetime(2016, 10, 1, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"^known_at must give seconds"):
        parse_rfc3339_instant("2016-10-01T12:00+02:00", "known_at")
    with pytest.raises(ValueError, match="^known_at must carry a UTC offset"):
        parse_rfc3339_instant("2016-10-01T12:00:00", "known_at")
    with pytest.raises(ValueError, match="^known_at must be an ISO datetime"):
        parse_rfc3339_instant("2016-W39-6T12:00:00Z", "known_at")


def test_on_the_command_line_an_instant_without_an_offset_is_utc() -> None:
    # The CLI's rule (search --known-at): no offset means UTC, as the archive records time.
    assert parse_instant_or_utc("2016-10-01T12:00", "--known-at") == datetime(2016, 10, 1, 12, tzinfo=UTC)
    # With an offset it is the same moment, given back in UTC.
    given = parse_instant_or_utc("2016-10-01T12:00:00+02:00", "--known-at")
    assert given == datetime(2016, 10, 1, 10, tzinfo=UTC) and given.tzinfo is UTC


def test_the_domain_checks_read_with_the_same_rules() -> None:
    # A command's day and instant are refused in exactly the forms archive.values refuses, with its message.
    with pytest.raises(InvalidCommand, match=r"^said_at must be a date \(YYYY-MM-DD\), not '2016-W06-4'$"):
        require_date("2016-W06-4", "said_at")
    with pytest.raises(InvalidCommand, match="^start must carry a UTC offset"):
        require_instant("2016-03-07T10:00:00", "start")
    with pytest.raises(InvalidCommand, match="^start must be an ISO datetime"):
        require_instant("2016-03-07T10:00:00+0100", "start")
    # What they accept is stored in one spelling: the day as given, the instant in isoformat's.
    assert require_date("2016-03-07", "said_at") == "2016-03-07"
    assert require_instant("2016-03-07T10:00Z", "start") == "2016-03-07T10:00:00+00:00"
    assert require_instant("2016-03-07t10:00:00.25+01:00", "start") == "2016-03-07T10:00:00.250000+01:00"


def test_stored_values_are_read_as_the_archive_wrote_them() -> None:
    # A stored day, and the day of a stored instant as written (its local calendar day).
    assert stored_day("2016-03-07") == date(2016, 3, 7)
    assert stored_day("2016-03-07T00:30:00+01:00") == date(2016, 3, 7)
    # History's fixed-width UTC text, and an instant kept in the offset it was recorded with.
    assert stored_instant("2016-03-06T23:30:00.000000Z") == datetime(2016, 3, 6, 23, 30, tzinfo=UTC)
    local = stored_instant("2016-03-07T00:30:00+01:00")
    assert local.utcoffset() == timedelta(hours=1) and local.date() == date(2016, 3, 7)
    # A meeting known only by its day is its midnight UTC; an instant stored without offset is UTC.
    assert stored_instant("2016-03-07") == datetime(2016, 3, 7, tzinfo=UTC)
    assert stored_instant("2016-03-07T10:00:00") == datetime(2016, 3, 7, 10, tzinfo=UTC)
