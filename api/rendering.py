"""One page, several formats: HTML (Jinja2), its .json twin, and .csv / .atom for lists."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from feedgen.feed import FeedGenerator

from api.auth import Principal
from api.context import WebContext
from api.formatting import csv_text, parse_date, parse_instant
from api.i18n import gettext
from archive.exceptions import RecordNotFound

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAGS = re.compile(r"<[^>]*>")
# Entry ids that are not record UUIDs (a version of a record) are name-based UUIDs in this space.
FEED_NAMESPACE = UUID("5b0e2a52-8f0c-5d47-9a8e-7c1b3f0d2e61")


def check_format(fmt: str, allowed: Sequence[str]) -> str:
    if fmt not in allowed:
        raise RecordNotFound(f"no .{fmt[:20]} version of this page")
    return fmt


def render(request: Request, ctx: WebContext, principal: Principal, template: str, data: dict[str, Any],
           status: int = 200, **extra: Any) -> Response:
    """The HTML page; `data` is exactly what the .json twin serves."""
    context = {"data": data, "principal": principal, "path": request.url.path, **extra}
    return ctx.templates.TemplateResponse(request, template, context, status_code=status)


def as_json(data: dict[str, Any], status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


def as_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str], filename: str) -> Response:
    return Response(
        csv_text(rows, fields),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


@dataclass(frozen=True)
class FeedEntry:
    path: str  # site-relative link of the entry
    title: str
    updated: str | None  # ISO date or instant
    summary: str = ""
    entry_id: str | None = None  # defaults to the link


def xml_text(value: object) -> str:
    """Text that XML can carry (control characters removed)."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


def plain(snippet_html: str | None) -> str:
    return html.unescape(_TAGS.sub("", snippet_html or ""))


def _moment(value: str | None) -> datetime:
    moment = parse_instant(value) if value and "T" in value else None
    if moment is None:
        day = parse_date(value)
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return moment or datetime(1970, 1, 1, tzinfo=UTC)


def atom_id(entry_id: str) -> str:
    """A valid Atom id (an IRI): a record's UUID as urn:uuid:, anything else as a name-based UUID."""
    try:
        return UUID(entry_id).urn
    except ValueError:
        return uuid5(FEED_NAMESPACE, entry_id).urn


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with "…" saying that something was left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"


def as_atom(request: Request, ctx: WebContext, title: str, entries: Sequence[FeedEntry]) -> Response:
    # The prefix comes from configuration only, never from the request's Host header (which a
    # client chooses): without PROTOKOLL_BASE_URL the links are paths, which readers resolve
    # against the feed's own address, and the feed's id is a name-based UUID of its path.
    base = ctx.settings.base_url.rstrip("/")
    self_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    self_url = base + self_path
    feed = FeedGenerator()
    feed.id(xml_text(self_url) if base else atom_id(self_path))
    feed.title(xml_text(title) or "Protokoll")
    feed.link(href=xml_text(self_url), rel="self")
    feed.link(href=xml_text(self_url.replace(".atom", "", 1)), rel="alternate")
    feed.language("nb")
    feed.author({"name": "Protokoll"})
    # Newest first by `updated`, whatever order the list had (readers rely on it).
    dated = sorted(((_moment(e.updated), e) for e in entries), key=lambda pair: pair[0], reverse=True)
    feed.updated(dated[0][0] if dated else datetime.now(UTC))
    for moment, entry in dated:
        item = feed.add_entry(order="append")
        link = base + entry.path
        item.id(atom_id(entry.entry_id) if entry.entry_id else xml_text(link))
        item.title(xml_text(entry.title) or gettext("(untitled)"))
        item.link(href=xml_text(link))
        item.updated(moment)
        # Every entry says something beyond its title (RFC 4287 wants a summary when there is no content).
        item.summary(xml_text(entry.summary or entry.title) or gettext("(untitled)"))
    return Response(feed.atom_str(pretty=True), media_type="application/atom+xml; charset=utf-8")
