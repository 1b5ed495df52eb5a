"""Norwegian (Bokmål and Nynorsk) dates as printed in articles and minutes."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS: dict[str, int] = {
    "januar": 1, "jan": 1,
    "februar": 2, "feb": 2, "febr": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "desember": 12, "des": 12,
}  # fmt: skip

# Monday is 0, as in date.weekday(); Nynorsk forms next to the Bokmål ones.
_WEEKDAYS: dict[str, int] = {
    "mandag": 0, "måndag": 0,
    "tirsdag": 1, "tysdag": 1,
    "onsdag": 2,
    "torsdag": 3,
    "fredag": 4,
    "lørdag": 5, "laurdag": 5,
    "søndag": 6, "sundag": 6,
}  # fmt: skip

_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

# One pattern for every accepted shape; named groups say which shape matched.
DATE_PATTERN = (
    r"(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2})\.?\s*(?P<nm>" + _MONTH_NAMES + r")\.?\s+(?P<ny>\d{4})"
    r"|(?P<dd>\d{1,2})\.\s?(?P<dm>\d{1,2})\.\s?(?P<dy>\d{4})"
    r"|(?P<sa>\d{1,2})/(?P<sb>\d{1,2})/(?P<sy>\d{4}))"
)
_DATE = re.compile(r"(?<![\d.])" + DATE_PATTERN + r"(?!\d)", re.IGNORECASE)
WEEKDAY_PATTERN = r"(?:" + "|".join(_WEEKDAYS) + r")"

# A publication/update label, then (possibly after a colon and line breaks) the date.
_LABELLED = re.compile(
    r"\b(?P<label>publisert|publisert av|dato|oppdatert|sist oppdatert|endret|sist endret|endra|sist endra|"
    r"oppretta|opprettet)"
    r"\b[^\S\n]*:?\s{0,6}" + DATE_PATTERN,
    re.IGNORECASE,
)
_PUBLISHED_LABELS = {"publisert", "dato", "oppretta", "opprettet"}
# Days named relative to the publication date in a report ("i går", "i dag", "i forgårs").
_RELATIVE_DAYS = {"i dag": 0, "i går": 1, "i forgårs": 2, "i førgårs": 2}


def parse_norwegian_date(s: str) -> date | None:
    """Parse one date written the Norwegian way; None when there is no valid date in `s`."""
    match = _DATE.search(s.strip())
    return _date_from(match) if match else None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every valid date in `text` with its character offset, in order."""
    found = []
    for match in _DATE.finditer(text):
        value = _date_from(match)
        if value is not None:
            found.append((match.start(), value))
    return found


def find_publication_dates(text: str) -> tuple[date | None, date | None]:
    """The first `Publisert`/`Dato` date and the first `Oppdatert`/`Endret` date in `text`."""
    published: date | None = None
    updated: date | None = None
    for match in _LABELLED.finditer(text):
        value = _date_from(match)
        if value is None:
            continue
        if match.group("label").lower() in _PUBLISHED_LABELS:
            published = published or value
        else:
            updated = updated or value
    return published, updated


def resolve_weekday(word: str, reference: date) -> date:
    """The most recent day named `word` on or before `reference` ("Onsdag" in a news report)."""
    weekday = _WEEKDAYS.get(word.strip().lower())
    if weekday is None:
        raise ValueError(f"not a Norwegian weekday: {word!r}")
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def resolve_relative_day(phrase: str, reference: date) -> date | None:
    """ "i går" in an article published `reference` is the day before; None if not such a phrase."""
    offset = _RELATIVE_DAYS.get(" ".join(phrase.lower().split()))
    return reference - timedelta(days=offset) if offset is not None else None


def _date_from(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    if groups["iy"]:
        return _safe(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
    if groups["ny"]:
        return _safe(int(groups["ny"]), _MONTHS[groups["nm"].lower()], int(groups["nd"]))
    if groups["dy"]:
        return _safe(int(groups["dy"]), int(groups["dm"]), int(groups["dd"]))
    # Slashes: day first as in Norway, but some CMS footers print US month/day/year.
    year, first, second = int(groups["sy"]), int(groups["sa"]), int(groups["sb"])
    return _safe(year, second, first) or _safe(year, first, second)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# A whole date in a web address: /2019/03/12/, /2019-03-12-, _20190312_ (year 1990–2099).
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<m>[01]\d)(?P=sep)(?P<d>[0-3]\d)(?!\d)"
)


def url_date(url: str | None) -> date | None:
    """The date a web address states in its path (`/2019/03/12/`, `2019-03-12`), if whole.

    A year or year-month alone (`/Nyheter/2022/05/`) is no day, so it gives no date; the
    host name is never read (a number there is not a date).
    """
    if not url:
        return None
    rest = url.split("://", 1)[-1]
    path = rest[rest.find("/") :] if "/" in rest else ""
    for match in _URL_DATE.finditer(path):
        found = _safe(int(match["y"]), int(match["m"]), int(match["d"]))
        if found is not None:
            return found
    return None
