"""Permalink pages of records (/r/2016/0007), their timelines and a person's statements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api import views
from api.access import is_visible, title_only, visible_by_ids
from api.auth import Principal
from api.deps import ContextDep, PrincipalDep, ServiceDep
from api.formatting import event_label, norwegian_date, reference_path
from api.i18n import gettext
from api.rendering import FeedEntry, as_atom, as_csv, as_json, check_format, render, shorten
from api.routes.people import load_person, person_statements
from archive.exceptions import RecordNotFound
from archive.service import ArchiveService

router = APIRouter(include_in_schema=False)

Day = Annotated[str | None, Query(max_length=10)]
Moment = Annotated[str | None, Query(max_length=40)]
VersionNo = Annotated[int | None, Query(ge=1, le=1_000_000)]
TIMELINE_FIELDS = ("version", "event_type", "revision", "valid_from", "valid_to", "recorded_at",
                   "superseded_at", "recorded_by", "reason")
STATEMENT_FIELDS = ("reference", "said_at", "text", "role", "party", "status", "url")


def _reference(year: str, number: str) -> str:
    if not (year.isdigit() and number.isdigit() and len(year) == 4 and len(number) <= 8):
        raise RecordNotFound(f"no record {year[:10]}/{number[:10]}")
    return f"{year}/{number}"


def _link(service: ArchiveService, record_id: object, principal: Principal) -> dict[str, Any] | None:
    """A linked record's title and permalink, if the caller may see it."""
    if not isinstance(record_id, str) or not record_id:
        return None
    found = service.catalog.by_ids([record_id]).get(record_id)
    if found is None or not is_visible(found, principal):
        return None
    return {"id": found["id"], "reference": found["reference"], "title": found["title"], "kind": found["kind"],
            "url": reference_path(found["reference"])}


def _related(service: ArchiveService, record: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """What each kind of page shows beside the record itself."""
    state, kind = record["state"], record["kind"]
    if kind == "news":
        return {
            "statements": [views.record_public(r) for r in
                           visible_by_ids(service, state.get("statement_ids") or [], principal)],
            "meetings": [views.record_public(r) for r in
                         visible_by_ids(service, state.get("meeting_ids") or [], principal)],
            "organisation": _link(service, state.get("organisation_id"), principal),
        }
    if kind == "statement":
        context = state.get("context") or {}
        news = _link(service, context.get("news_id"), principal)
        excerpt: list[dict[str, Any]] = []
        if news is not None:
            paragraphs = (service.catalog.get(news["id"]) or {}).get("state", {}).get("paragraphs") or []
            index = context.get("paragraph")
            if isinstance(index, int) and 0 <= index < len(paragraphs):
                excerpt = [{"index": i, "text": paragraphs[i], "source": i == index}
                           for i in range(max(0, index - 1), min(len(paragraphs), index + 2))]
        return {"news": news, "excerpt": excerpt, "speaker": _link(service, state.get("speaker_id"), principal),
                "organisation": _link(service, state.get("organisation_id"), principal)}
    if kind == "meeting":
        participants = [{**p, "link": _link(service, p.get("person_id"), principal)}
                        for p in state.get("participants") or [] if isinstance(p, dict)]
        return {"participants": participants,
                "news": [views.record_public(r) for r in visible_by_ids(service, state.get("news_ids") or [],
                                                                           principal)],
                "organiser": _link(service, state.get("organiser_id"), principal)}
    if kind == "agreement":
        parties = []
        found = service.catalog.by_ids([p for p in state.get("parties") or [] if isinstance(p, str)])
        for party in state.get("parties") or []:
            row = found.get(party)
            if row is None:
                parties.append({"name": str(party), "url": None})
            elif is_visible(row, principal):
                parties.append({"name": row["title"], "url": reference_path(row["reference"])})
            elif title_only(row, principal):
                # Named by a visible agreement: its public title at most, never its content.
                parties.append({"name": row["state"].get("public_title") or "(skjermet part)", "url": None})
            else:
                parties.append({"name": "(skjermet part)", "url": None})
        return {"parties": parties}
    if kind == "organisation":
        listing = views.record_list(service, principal, kind=None, organisation=record["id"], person=None,
                                    year=None, status=None, page=1, page_size=50)
        return {"records": listing["data"], "count": listing["count"]}
    return {}


def _version_summary(row: dict[str, Any]) -> str:
    """What a timeline entry says: why, and from when the version applies."""
    valid = gettext("valid from %(day)s") % {"day": norwegian_date(row["valid_from"])} if row.get("valid_from") else ""
    return " – ".join(part for part in (row.get("reason") or "", valid) if part) or event_label(row["event_type"])


@router.get("/r/{year}/{number}")
@router.get("/r/{year}/{number}.{fmt}")
async def record_page(request: Request, year: str, number: str, ctx: ContextDep, service: ServiceDep,
                      principal: PrincipalDep, valid_at: Day = None, known_at: Moment = None,
                      fmt: str = "html") -> Response:
    check_format(fmt, ("html", "json"))
    ref = _reference(year, number)
    record = views.record_at(service, ref, principal, valid_at, known_at)
    if record["kind"] == "person":
        person = load_person(service, record["id"], principal)
        statements = person_statements(service, record["id"], principal)
        data = {"record": record, "person": person, "statements": statements}
        if fmt == "json":
            return as_json(data)
        return render(request, ctx, principal, "person.html", data)
    data = {"record": record, "related": _related(service, record, principal)}
    if fmt == "json":
        return as_json(data)
    return render(request, ctx, principal, f"{record['kind']}.html", data, valid_at=valid_at, known_at=known_at)


@router.get("/r/{year}/{number}/timeline")
@router.get("/r/{year}/{number}/timeline.{fmt}")
async def timeline_page(request: Request, year: str, number: str, ctx: ContextDep, service: ServiceDep,
                        principal: PrincipalDep, from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
                        to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
                        fmt: str = "html") -> Response:
    """Every revision and correction on both time axes, and a diff between any two versions."""
    check_format(fmt, ("html", "json", "csv", "atom"))
    ref = _reference(year, number)
    entry, rows = views.versions(service, ref, principal)
    data: dict[str, Any] = {"record": views.record_public(entry), "versions": rows, "diff": None,
                            "changes": service.history.changes(entry["id"])}
    if from_version is not None or to_version is not None:
        data["diff"] = views.diff(service, ref, principal, from_version, to_version)
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return as_csv(rows, TIMELINE_FIELDS, f"tidslinje-{year}-{number}")
    if fmt == "atom":
        path = reference_path(entry["reference"])
        entries = [FeedEntry(f"{path}/timeline?to={r['version']}", gettext("Version %(n)s: %(event)s") % {
                                 "n": r["version"], "event": event_label(r["event_type"])},
                             r["recorded_at"], _version_summary(r), entry_id=f"{entry['id']}/v{r['version']}")
                   for r in rows]
        return as_atom(request, ctx, gettext("Changes to %(ref)s: %(title)s") % {
            "ref": entry["reference"], "title": entry["title"] or ""}, entries)
    return render(request, ctx, principal, "timeline.html", data)


@router.get("/r/{year}/{number}/statements")
@router.get("/r/{year}/{number}/statements.{fmt}")
async def statements_page(request: Request, year: str, number: str, ctx: ContextDep, service: ServiceDep,
                          principal: PrincipalDep, fmt: str = "html") -> Response:
    """A person's statements, newest first (the HTML view is the person page)."""
    check_format(fmt, ("html", "json", "csv", "atom"))
    person = load_person(service, _reference(year, number), principal)
    rows = person_statements(service, person["id"], principal)
    data = {"person": person, "data": rows, "count": len(rows)}
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return as_csv(rows, STATEMENT_FIELDS, f"uttalelser-{year}-{number}")
    if fmt == "atom":
        entries = [FeedEntry(r["url"], f"{person['name']}: «{shorten(r['text'], 80)}»", r["said_at"], r["text"],
                             entry_id=r["statement_id"]) for r in rows]
        return as_atom(request, ctx, gettext("Statements by %(name)s") % {"name": person["name"]}, entries)
    return render(request, ctx, principal, "person.html", {"record": None, "person": person, "statements": rows})
