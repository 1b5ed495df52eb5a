"""How values look in pages, feeds and CSV: Norwegian dates, Oslo time, safe links, safe cells."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from api.i18n import N_, gettext
from api.i18n import install as install_i18n
from archive.export.safe_csv import neutralise
from archive.values import stored_day, stored_instant

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = "nb_NO"

# Labels are English message ids (api.i18n); the filters below show them in Norwegian.
KIND_LABELS = {
    "agreement": N_("Agreement"),
    "meeting": N_("Meeting"),
    "statement": N_("Statement"),
    "news": N_("News"),
    "person": N_("Person"),
    "organisation": N_("Organisation"),
}
KIND_PLURALS = {
    "agreement": N_("Agreements"),
    "meeting": N_("Meetings"),
    "statement": N_("Statements"),
    "news": N_("News items"),
    "person": N_("People"),
    "organisation": N_("Organisations"),
}
STATUS_LABELS = {
    "in_force": N_("in force"),
    "terminated": N_("terminated"),
    "scheduled": N_("scheduled"),
    "held": N_("held"),
    "minutes_approved": N_("minutes approved"),
    "cancelled": N_("cancelled"),
    "recorded": N_("recorded"),
    "withdrawn": N_("withdrawn"),
    "published": N_("published"),
    "unpublished": N_("unpublished"),
}
# Event names as stored (`archive.domain:Agreement.Revised` ends in `Revised`).
EVENT_LABELS = {
    "Registered": N_("Registered"),
    "Revised": N_("Revised"),
    "Terminated": N_("Terminated"),
    "Corrected": N_("Corrected"),
    "Restricted": N_("Restricted"),
    "Released": N_("Restriction lifted"),
    "Published": N_("Published"),
    "Updated": N_("Updated"),
    "Unpublished": N_("Unpublished"),
    "Recorded": N_("Recorded"),
    "Withdrawn": N_("Withdrawn"),
    "Scheduled": N_("Scheduled"),
    "Cancelled": N_("Cancelled"),
    "AgendaItemAdded": N_("Agenda item added"),
    "DecisionRecorded": N_("Decision recorded"),
    "MinutesRecorded": N_("Minutes recorded"),
    "MinutesApproved": N_("Minutes approved"),
    "ParticipantRecorded": N_("Participant recorded"),
    "NewsLinked": N_("News item linked"),
    "AliasAdded": N_("Name form added"),
    "Renamed": N_("Renamed"),
    "PartyChanged": N_("Party changed"),
    "RoleAssigned": N_("Role assigned"),
    "RoleEnded": N_("Role ended"),
    "Claimed": N_("Reference number assigned"),
    "Issued": N_("Reference number assigned"),
    "Started": N_("Reference series started"),
}
# Aggregate classes as stored in event topics.
AGGREGATE_LABELS = {
    "Agreement": KIND_LABELS["agreement"],
    "Meeting": KIND_LABELS["meeting"],
    "Statement": KIND_LABELS["statement"],
    "NewsUpdate": KIND_LABELS["news"],
    "Person": KIND_LABELS["person"],
    "Organisation": KIND_LABELS["organisation"],
    "Record": N_("Record"),
    "ReferenceClaim": N_("Reference"),
    "ReferenceCounter": N_("Reference"),
}
# Fields of record content, as diffs and the change log name them.
FIELD_LABELS = {
    "title": N_("Title"),
    "text": N_("Text"),
    "effective_from": N_("Valid from"),
    "effective_to": N_("Valid to"),
    "parties": N_("Parties"),
    "status": N_("Status"),
    "public_title": N_("Public title"),
    "restricted": N_("Restricted"),
    "restriction_basis": N_("Legal basis for restriction"),
    "start": N_("Start"),
    "end": N_("End"),
    "place": N_("Place"),
    "organiser_id": N_("Organiser"),
    "organiser_name": N_("Organiser"),
    "agenda": N_("Agenda"),
    "participants": N_("Participants"),
    "minutes": N_("Minutes"),
    "minutes_approved_on": N_("Minutes approved on"),
    "news_ids": N_("News items"),
    "speaker_id": N_("Speaker"),
    "speaker_name": N_("Speaker"),
    "speaker_role": N_("Role"),
    "party": N_("Party"),
    "organisation_id": N_("Organisation"),
    "organisation_name": N_("Organisation"),
    "said_at": N_("Date said"),
    "context": N_("Context"),
    "attribution": N_("Attribution"),
    "lede": N_("Lede"),
    "kicker": N_("Kicker"),
    "paragraphs": N_("Paragraphs"),
    "subheadings": N_("Subheadings"),
    "captions": N_("Captions"),
    "blocks": N_("Layout"),
    "cited_documents": N_("Cited documents"),
    "related_links": N_("Related links"),
    "published_at": N_("Published"),
    "updated_at": N_("Updated"),
    "date_note": N_("Date note"),
    "source_url": N_("Source"),
    "statement_ids": N_("Statements"),
    "meeting_ids": N_("Meetings"),
    "language": N_("Language"),
    "name": N_("Name"),
    "names": N_("Name forms"),
    "roles": N_("Roles"),
    "parties_held": N_("Party memberships"),
    "organisation_kind": N_("Type of organisation"),
    "withdrawn_reason": N_("Reason for withdrawal"),
    "revision": N_("Revision number"),
    "date_source": N_("Where the date comes from"),
    "parent_id": N_("Part of"),
    "present_count": N_("Number present"),
}
ROLE_LABELS = {
    "public": N_("public"),
    "archivist": N_("archivist"),
    "auditor": N_("auditor"),
}
# How the importer decided who said a quote (archive/importers/news/speakers.py).
ATTRIBUTION_METHODS = {
    "byline": N_("name line after the quote"),
    "following": N_("name after the quote"),
    "preceding": N_("name before the quote"),
    "continuation": N_("continues the previous quote"),
    "manual": N_("entered by hand"),
    "clause": N_("full name in the speech clause"),
    "surname": N_("surname in the speech clause"),
    "pronoun": N_("pronoun in the speech clause"),
    "role": N_("role in the speech clause"),
    "organisation": N_("organisation in the speech clause"),
}
# Who recorded a version: the system's own actors get honest names; people keep theirs.
ACTOR_LABELS = {
    "importer": N_("import"),
    "sample-loader": N_("sample data"),
}
# The search module's summary of filters (search/query.py), word by word.
_KIND_FILTER = re.compile(r"\bkind in ([a-z|]+)")
_PARSED_FILTERS = (
    (re.compile(r"\bspeaker="), N_("person")),
    (re.compile(r"\bparty="), N_("party")),
    (re.compile(r"\borganisation="), N_("organisation")),
    (re.compile(r"\brole="), N_("role")),
    (re.compile(r"\byear="), N_("year")),
    (re.compile(r"\bkind in "), N_("type")),
    (re.compile(r"\bincluding restricted\b"), N_("including restricted records")),
    (re.compile(r"\bvalid "), N_("valid")),
    (re.compile(r"\bdate "), N_("date")),
    (re.compile(r"\brecorded "), N_("recorded")),
)


def parse_date(value: object) -> date | None:
    """The day of a stored day or instant for display (archive.values.stored_day); None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return stored_day(value)
        except ValueError:
            return None
    return None


def parse_instant(value: object) -> datetime | None:
    """A stored instant for display (archive.values.stored_instant, naive is UTC); None if unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            return stored_instant(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


def label(table: Mapping[str, str], key: object) -> str:
    """A value's Norwegian label from one of the tables above; unknown values are shown as they are."""
    if key is None or key == "":
        return ""
    message = table.get(str(key))
    return gettext(message) if message else str(key)


def field_label(name: object) -> str:
    """'effective_from' → 'Gyldig fra'; an unlisted field reads as words, not as an identifier."""
    if isinstance(name, str) and name not in FIELD_LABELS:
        return name.replace("_", " ").capitalize()
    return label(FIELD_LABELS, name)


def event_label(name: object) -> str:
    """'Revised' or a whole topic ('archive.domain:Agreement.Revised') → 'Revidert'."""
    text = "" if name is None else str(name)
    return label(EVENT_LABELS, text.rsplit(".", 1)[-1])


def topic_label(topic: object) -> str:
    """An event topic as people read it: 'Avtale: Revidert', 'Referansenummer tildelt'."""
    text = "" if topic is None else str(topic)
    path = text.rsplit(":", 1)[-1]
    aggregate, _, name = path.rpartition(".")
    if name in ("Claimed", "Issued", "Started") or not aggregate:
        return event_label(name)
    return f"{label(AGGREGATE_LABELS, aggregate)}: {event_label(name)}"


def number(value: object, digits: int = 2) -> str:
    """Numbers the Norwegian way: decimal comma, thin grouping ('1 234,5')."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return format_decimal(round(value, digits), locale=LOCALE)


def percent(value: object) -> str:
    """A share in 0..1 as a Norwegian percentage: 0.9 → '90 %'."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return format_percent(value, locale=LOCALE)


def parsed_query(text: object) -> str:
    """The search module's reading of a query, with its filter words in Norwegian."""
    out = "" if text is None else str(text)
    # Kinds by their Norwegian names: "kind in statement|news" → "type uttalelse|nyhet".
    out = _KIND_FILTER.sub(lambda m: "kind in " + "|".join(label(KIND_LABELS, k).lower() for k in m[1].split("|")), out)
    for pattern, message in _PARSED_FILTERS:
        out = pattern.sub(_filter_word(gettext(message)), out)
    return out


def _filter_word(word: str) -> Callable[[re.Match[str]], str]:
    return lambda match: word + (" = " if match.group(0).endswith("=") else " ")


def kind_labels() -> dict[str, str]:
    """Every record kind with its Norwegian name, for select boxes."""
    return {kind: gettext(message) for kind, message in KIND_LABELS.items()}


def register_filters(env: Any) -> None:
    install_i18n(env)
    env.globals["query"] = query_string
    env.filters["ndate"] = norwegian_date
    env.filters["otime"] = oslo_time
    env.filters["safe_url"] = safe_url
    env.filters["permalink"] = reference_path
    env.filters["kind_label"] = lambda k: label(KIND_LABELS, k)
    env.filters["kind_plural"] = lambda k: label(KIND_PLURALS, k)
    env.filters["status_label"] = lambda s: label(STATUS_LABELS, s)
    env.filters["event_label"] = event_label
    env.filters["topic_label"] = topic_label
    env.filters["field_label"] = field_label
    env.filters["method_label"] = lambda m: label(ATTRIBUTION_METHODS, m)
    env.filters["actor_label"] = lambda a: label(ACTOR_LABELS, a)
    env.filters["role_label"] = role_label
    env.filters["number"] = number
    env.filters["percent"] = percent
    env.filters["parsed_query"] = parsed_query


def role_label(role: object) -> str:
    return label(ROLE_LABELS, getattr(role, "value", role))
