"""How values look in pages, feeds and CSV: Norwegian dates, Oslo time, safe links, safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from archive.export.safe_csv import neutralise

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = "nb_NO"

KIND_LABELS = {
    "agreement": "Avtale",
    "meeting": "Møte",
    "statement": "Uttalelse",
    "news": "Nyhet",
    "person": "Person",
    "organisation": "Organisasjon",
}
KIND_PLURALS = {
    "agreement": "Avtaler",
    "meeting": "Møter",
    "statement": "Uttalelser",
    "news": "Nyheter",
    "person": "Personer",
    "organisation": "Organisasjoner",
}
STATUS_LABELS = {
    "in_force": "gjeldende",
    "terminated": "opphørt",
    "scheduled": "planlagt",
    "held": "avholdt",
    "minutes_approved": "protokoll godkjent",
    "cancelled": "avlyst",
    "recorded": "registrert",
    "withdrawn": "trukket tilbake",
    "published": "publisert",
    "unpublished": "avpublisert",
}
EVENT_LABELS = {
    "Registered": "Registrert",
    "Revised": "Revidert",
    "Terminated": "Opphørt",
    "Corrected": "Rettet",
    "Restricted": "Skjermet",
    "Released": "Skjerming opphevet",
    "Published": "Publisert",
    "Updated": "Oppdatert",
    "Unpublished": "Avpublisert",
    "Recorded": "Registrert",
    "Withdrawn": "Trukket tilbake",
    "Scheduled": "Berammet",
}


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def parse_instant(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def norwegian_date(value: object) -> str:
    """'2016-02-11' → '11. februar 2016' (unparseable values are shown as they are)."""
    day = parse_date(value)
    if day is None:
        return "" if value is None else str(value)
    return format_date(day, format="long", locale=LOCALE)


def oslo_time(value: object) -> str:
    """An instant shown in Europe/Oslo: '11. februar 2016 kl. 14:05'."""
    moment = parse_instant(value)
    if moment is None:
        return "" if value is None else str(value)
    return format_datetime(moment, format="d. MMMM y 'kl.' HH:mm", tzinfo=OSLO, locale=LOCALE)


def safe_url(value: object) -> str | None:
    """Only http(s) and site-relative links become hrefs; javascript:, data: and friends never do."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if any(ord(c) < 0x20 or c in "\\" for c in url):
        return None
    if url.startswith("/") and not url.startswith("//"):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def reference_path(reference: str | None) -> str:
    """The permalink of a record: /r/2016/0007."""
    return f"/r/{reference}" if reference else "/"


def csv_text(rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """CSV with every cell neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(f))) for f in fields])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return value


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """The current query with some parameters changed (None removes one); for links in pages."""
    merged = {**params, **changes}
    return urlencode([(k, v) for k, v in merged.items() if v not in (None, "")])


def register_filters(env: Any) -> None:
    env.globals["query"] = query_string
    env.filters["ndate"] = norwegian_date
    env.filters["otime"] = oslo_time
    env.filters["safe_url"] = safe_url
    env.filters["permalink"] = reference_path
    env.filters["kind_label"] = lambda k: KIND_LABELS.get(k, k or "")
    env.filters["kind_plural"] = lambda k: KIND_PLURALS.get(k, k or "")
    env.filters["status_label"] = lambda s: STATUS_LABELS.get(s, s or "")
    env.filters["event_label"] = lambda e: EVENT_LABELS.get(e, e or "")
