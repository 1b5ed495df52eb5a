"""Pages for people (HTML, Norwegian): front page, search, record lists, status, login."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api import views
from api.access import get_entry, visible_rows
from api.auth import Principal
from api.context import WebContext
from api.deps import TOKEN_COOKIE, ContextDep, PrincipalDep, SearcherDep, ServiceDep
from api.errors import SearchUnavailable
from api.formatting import KIND_LABELS, STATUS_LABELS, kind_labels, label, norwegian_date, reference_path
from api.i18n import gettext
from api.rendering import FeedEntry, as_atom, as_csv, as_json, check_format, plain, render
from api.routes.health import health_data
from api.searching import SearchFormDep, SearchRequest, filter_choices, run_search
from archive.service import ArchiveService

router = APIRouter(include_in_schema=False)

LIST_FIELDS = ("reference", "kind", "title", "status", "date", "version", "updated_at", "url")
HIT_FIELDS = ("reference", "kind", "title", "date", "score", "url", "snippet_text")


@router.get("/")
@router.get("/index.{fmt}")
async def front_page(request: Request, ctx: ContextDep, service: ServiceDep, principal: PrincipalDep,
                     fmt: str = "html") -> Response:
    check_format(fmt, ("html", "json"))
    staff = principal.sees_restricted
    data = {
        "counts": service.catalog.counts(include_restricted=staff),
        "recent_news": [views.record_public(r) for r in
                        visible_rows(service.catalog.recent("news", 8, include_restricted=staff), principal)[:5]],
        "recent_statements": [views.record_public(r) for r in
                              visible_rows(service.catalog.recent("statement", 8, include_restricted=staff),
                                           principal)[:5]],
    }
    if fmt == "json":
        return as_json(data)
    return render(request, ctx, principal, "index.html", data, kinds=kind_labels())


@router.get("/search")
@router.get("/search.{fmt}")
def search_page(request: Request, ctx: ContextDep, service: ServiceDep, principal: SearcherDep,
                form: SearchFormDep, fmt: str = "html") -> Response:
    check_format(fmt, ("html", "json", "csv", "atom"))
    form = dataclasses.replace(form, include_restricted=principal.sees_restricted)
    data: dict[str, Any] = {"query": form.q, "parsed_query": None, "data": [], "count": 0, "page": form.page,
                            "page_size": form.page_size, "facets": {}, "filters": form.active_filters(),
                            "error": None, "notes": []}
    unavailable = None
    if form.q or form.active_filters():
        try:
            data = run_search(service, form)
        except SearchUnavailable as exc:
            if fmt != "html":
                raise
            unavailable = exc.message
    for hit in data["data"]:
        hit["snippet_text"] = plain(hit.get("snippet"))
    return with_freshness(_search_response(request, ctx, service, principal, form, fmt, data, unavailable), data)


def _search_response(request: Request, ctx: WebContext, service: ArchiveService, principal: Principal,
                     form: SearchRequest, fmt: str, data: dict[str, Any], unavailable: str | None) -> Response:
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return as_csv(data["data"], HIT_FIELDS, "sok")
    if fmt == "atom":
        entries = [FeedEntry(h["url"] or "/", h.get("title") or "", h.get("date"), h["snippet_text"],
                             entry_id=h.get("id")) for h in data["data"] if h.get("url")]
        return as_atom(request, ctx, gettext("Protokoll: search for «%(q)s»") % {"q": form.q}, entries)
    choices = {} if unavailable else filter_choices(service, include_restricted=form.include_restricted)
    return render(request, ctx, principal, "search.html", data, form=form, unavailable=unavailable,
                  status=503 if unavailable else 200, kinds=kind_labels(), choices=choices)


def with_freshness(response: Response, data: dict[str, Any]) -> Response:
    """Every search answer says how fresh it is, in headers too: CSV and Atom have no place for it in the body."""
    if "index_position" in data:
        response.headers["X-Index-Position"] = str(data["index_position"])
        response.headers["X-Log-Head"] = str(data.get("log_head", 0))
        response.headers["X-Search-Stale"] = "true" if data.get("stale") else "false"
    return response


def _list_summary(row: dict[str, Any]) -> str:
    """'Avtale 2020/0001 · 1. mars 2021 · gjeldende · versjon 3' for a feed entry."""
    parts = [f"{label(KIND_LABELS, row['kind'])} {row['reference']}", norwegian_date(row.get("date")),
             label(STATUS_LABELS, row.get("status")), gettext("version %(n)s") % {"n": row["version"]}]
    return " · ".join(p for p in parts if p)


@router.get("/records")
@router.get("/records.{fmt}")
async def records_page(
    request: Request, ctx: ContextDep, service: ServiceDep, principal: PrincipalDep, fmt: str = "html",
    kind: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z]*$")] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999)] = None,
    status: Annotated[str | None, Query(max_length=30)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    check_format(fmt, ("html", "json", "csv", "atom"))
    size = ctx.settings.feed_size if fmt == "atom" else ctx.settings.page_size
    data = views.record_list(service, principal, kind=kind, organisation=organisation, person=person, year=year,
                             status=status, page=page, page_size=size)
    data["filters"] = {k: v for k, v in {"kind": kind, "organisation": organisation, "person": person,
                                         "year": year, "status": status}.items() if v}
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return as_csv(data["data"], LIST_FIELDS, "poster")
    if fmt == "atom":
        entries = [FeedEntry(r["url"], r["title"] or r["reference"], r["updated_at"], _list_summary(r),
                             entry_id=r["id"])
                   for r in data["data"]]
        return as_atom(request, ctx, gettext("Protokoll: new and changed records"), entries)
    return render(request, ctx, principal, "records.html", data, kinds=kind_labels())


@router.get("/id/{record_id}")
async def by_id(record_id: str, service: ServiceDep, principal: PrincipalDep) -> Response:
    """Links that only know an id (a statement's speaker_id, a party id) land on the permalink."""
    entry = get_entry(service, record_id, principal)
    return RedirectResponse(reference_path(entry["reference"]), status_code=303)


@router.get("/status")
@router.get("/status.{fmt}")
def status_page(request: Request, ctx: ContextDep, service: ServiceDep, principal: PrincipalDep,
                fmt: str = "html") -> Response:
    check_format(fmt, ("html", "json"))
    data = health_data(service)
    if fmt == "json":
        return as_json(data)
    return render(request, ctx, principal, "status.html", data)


@router.get("/login")
async def login_form(request: Request, ctx: ContextDep, principal: PrincipalDep) -> Response:
    return render(request, ctx, principal, "login.html", {})


@router.post("/login")
def login(request: Request, ctx: ContextDep, token: Annotated[str, Form(max_length=512)]) -> Response:
    """Staff paste their token once; it is kept in an HttpOnly, SameSite=Strict cookie for page reads."""
    entry = ctx.tokens.lookup(token.strip())
    if entry is None:
        from api.auth import anonymous

        return render(request, ctx, anonymous(None), "login.html", {"error": gettext("Unknown key.")}, status=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token.strip(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response
