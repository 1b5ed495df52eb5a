"""Norwegian dates as articles and minutes print them."""

from __future__ import annotations

from datetime import date

import pytest

from archive.importers.dates import find_publication_dates, parse_norwegian_date, resolve_weekday


@pytest.mark.parametrize(
    "text",
    ["11. februar 2016", "11. feb. 2016", "11.02.2016", "11.2.2016", "2016-02-11", "11 februar 2016"],
)
def test_every_common_form_of_one_date_parses_to_the_same_day(text: str) -> None:
    assert parse_norwegian_date(text) == date(2016, 2, 11)


def test_nynorsk_and_bokmal_month_names_are_the_same_words() -> None:
    assert parse_norwegian_date("3. desember 2019") == date(2019, 12, 3)
    assert parse_norwegian_date("28. okt. 2016") == date(2016, 10, 28)


def test_impossible_or_missing_dates_are_none() -> None:
    assert parse_norwegian_date("31.02.2016") is None
    assert parse_norwegian_date("ingen dato her") is None


def test_a_us_style_cms_footer_date_is_read_month_first_when_day_first_is_impossible() -> None:
    # Given a footer "Oppdatert 05/22/2015", day 22 cannot be a month.
    assert parse_norwegian_date("05/22/2015") == date(2015, 5, 22)
    assert parse_norwegian_date("05/06/2015") == date(2015, 6, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Publisert 11. februar 2016, oppdatert 27. september 2016.", (date(2016, 2, 11), date(2016, 9, 27))),
        ("Publisert 12.12.2023", (date(2023, 12, 12), None)),
        ("av Nordmann, K., publisert 28. oktober 2016 | Skriv ut", (date(2016, 10, 28), None)),
        ("Dato: 3. november 2011 - kl. 14:37", (date(2011, 11, 3), None)),
        ("Oppdatert 4.9.2019", (None, date(2019, 9, 4))),
        ("Publisert:\n\n12.12.2023\n\nOppdatert:\n\n12.07.2024 kl.11:33", (date(2023, 12, 12), date(2024, 7, 12))),
        ("Publisert under: Regjeringen", (None, None)),
    ],
)
def test_publication_and_update_dates_are_found_by_their_labels(
    text: str, expected: tuple[date | None, date | None]
) -> None:
    assert find_publication_dates(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Onsdag", date(2016, 2, 10)),
        ("torsdag", date(2016, 2, 11)),  # the reference day itself
        ("måndag", date(2016, 2, 8)),
        ("Tysdag", date(2016, 2, 9)),
        ("laurdag", date(2016, 2, 6)),
        ("sundag", date(2016, 2, 7)),
        ("fredag", date(2016, 2, 5)),
    ],
)
def test_a_weekday_in_a_report_is_the_latest_such_day_on_or_before_publication(
    word: str, expected: date
) -> None:
    # Given an article published Thursday 2016-02-11,
    assert resolve_weekday(word, date(2016, 2, 11)) == expected


def test_an_unknown_weekday_word_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve_weekday("blåmandag", date(2016, 2, 11))
