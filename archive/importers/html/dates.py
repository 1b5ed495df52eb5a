"""Publication and update dates with where each came from: metadata, the visible byline, the address."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

import htmldate
import lxml.html

from archive.importers.html.byline import Byline
from archive.importers.source import (
    DATE_FROM_METADATA,
    DATE_FROM_TEXT,
    DATE_FROM_URL,
)

# A date in an address: /2016/03/14/, /2016-03-14-, /20160314/.
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[/-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)/"
)
_ISO_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})")


def page_dates(
    content: lxml.html.HtmlElement, byline: Byline, url: str | None, warnings: list[str]
) -> tuple[date | None, str | None, date | None]:
    """Publication date with where it came from, and the update date, from the page without chrome.

    Metadata (meta tags, JSON-LD, <time datetime>) first, then the visible byline, then the address.
    """
    markup_days = set(_markup_days(content))
    addresses = [url, *(str(v) for v in content.xpath("//meta[@property='og:url']/@content"))]
    url_day = next((day for day in (_url_date(a) for a in addresses if a) if day is not None), None)
    original = _htmldate(content, original=True)
    latest = _htmldate(content, original=False)
    published: date | None = None
    source: str | None = None
    if original is not None and original in markup_days:
        published, source = original, DATE_FROM_METADATA
    elif byline.published is not None:
        published, source = byline.published, DATE_FROM_TEXT
    elif original is not None and original == url_day:
        published, source = original, DATE_FROM_URL
    elif original is not None:
        # htmldate read it from a date element's visible text (class="date" and the like).
        published, source = original, DATE_FROM_TEXT
    elif url_day is not None:
        published, source = url_day, DATE_FROM_URL
    # Without any of these the importer decides (the article text may still print its date)
    # and warns only when the date stays unknown.
    updated = byline.updated
    if updated is None and latest is not None and latest in markup_days:
        updated = latest
    if updated is not None and published is not None and updated <= published:
        updated = None
    return published, source, updated


def _htmldate(content: lxml.html.HtmlElement, *, original: bool) -> date | None:
    # No url: a date in the address is weaker evidence and is labelled as such by _url_date.
    found = htmldate.find_date(copy.deepcopy(content), extensive_search=False, original_date=original)
    if not found:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None


def _markup_days(content: lxml.html.HtmlElement) -> Iterable[date]:
    """Days stated in machine-readable markup: meta content, <time datetime>, JSON-LD."""
    values: list[str] = [str(v) for v in content.xpath("//meta/@content|//time/@datetime|//abbr/@title")]
    # An address in og:url is the address, not a date statement: _url_date labels that one.
    values = [v for v in values if not urlsplit(v.strip()).scheme]
    for script in content.xpath("//script[@type='application/ld+json']"):
        values.append(script.text or "")
    for value in values:
        for match in _ISO_DAY.finditer(value):
            try:
                yield date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue


def _url_date(url: str) -> date | None:
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (match["y"], match["m"], match["d"]) if match["y"] else (match["y2"], match["m2"], match["d2"])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
