"""The one place that turns errors into responses: JSON for API clients, a page for people.

Domain errors map to statuses here and nowhere else; a catch-all returns a bare 500 without
a traceback (tests check that hostile input never reaches it).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.page_messages import page_message
from archive.claims import ClaimTaken
from archive.exceptions import (
    AccessDenied,
    ArchiveError,
    InvalidCommand,
    ProjectionTimeout,
    RecordNotFound,
    VersionConflict,
)
from archive.faults import StorageFailure, as_storage_failure

log = logging.getLogger(__name__)

DOMAIN_STATUS: dict[type[ArchiveError], int] = {
    RecordNotFound: 404,
    InvalidCommand: 422,
    VersionConflict: 409,
    AccessDenied: 403,
    ProjectionTimeout: 503,
    ClaimTaken: 409,
}

TITLES = {
    400: "Ugyldig forespørsel",
    401: "Innlogging kreves",
    403: "Ingen tilgang",
    404: "Fant ikke siden",
    405: "Metoden er ikke tillatt",
    409: "Konflikt",
    410: "Ikke lenger tilgjengelig",
    413: "For stor forespørsel",
    422: "Ugyldige verdier",
    429: "For mange forespørsler",
    500: "Intern feil",
    503: "Tjenesten er midlertidig utilgjengelig",
    507: "Ikke nok lagringsplass",
}

API_SUFFIXES = (".json", ".csv", ".atom")


class WebError(Exception):
    """An HTTP-level refusal raised by the web layer itself (auth, limits, unavailable search)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class NotAuthenticated(WebError):
    def __init__(self, message: str = "a bearer token is required") -> None:
        super().__init__(401, message, {"WWW-Authenticate": 'Bearer realm="protokoll"'})


class SearchUnavailable(WebError):
    def __init__(self, message: str = "search is not available on this server") -> None:
        super().__init__(503, message, {"Retry-After": "30"})


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/health", "/ready", "/openapi.json") or path.endswith(API_SUFFIXES):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None,
                   details: list[dict[str, Any]] | None = None) -> Response:
    title = TITLES.get(status, "Feil")
    if wants_json(request):
        body: dict[str, Any] = {"error": {"status": status, "title": title, "message": message}}
        if details:
            body["error"]["details"] = details
        return JSONResponse(body, status_code=status, headers=headers)
    templates = getattr(request.app.state, "templates", None)
    if templates is None:  # before startup finished: still no traceback
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status, headers=headers)
    page: Response = templates.TemplateResponse(  # app.state is untyped: the Jinja2Templates set at startup
        request,
        "error.html",
        # People read Norwegian (api.page_messages); API clients above keep the English message.
        {"status": status, "title": title,
         **dict(zip(("message", "detail"), page_message(status, message), strict=True))},
        status_code=status,
        headers=headers,
    )
    return page


def _validation_details(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for err in exc.errors()[:20]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        details.append({"field": loc, "message": str(err.get("msg", ""))[:300]})
    first = details[0] if details else {"field": "", "message": "invalid request"}
    return f"{first['field']}: {first['message']}".strip(": "), details


def install(app: FastAPI) -> None:
    @app.exception_handler(ArchiveError)
    async def _domain(request: Request, exc: ArchiveError) -> Response:
        if isinstance(exc, StorageFailure):
            return _storage(request, exc)
        status = next((s for cls, s in DOMAIN_STATUS.items() if isinstance(exc, cls)), 400)
        headers = {"Retry-After": "5"} if status == 503 else None
        return error_response(request, status, str(exc)[:1000], headers)

    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        return error_response(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        message, details = _validation_details(exc)
        return error_response(request, 422, message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
        return error_response(request, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        failure = as_storage_failure(exc, "the archive's storage")
        if failure is not None:  # a full or read-only disk somewhere below: say so, it is not a bug
            return _storage(request, failure)
        # Last resort: log for operators, tell the client nothing about internals.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        request.app.state.unexpected_errors = getattr(request.app.state, "unexpected_errors", 0) + 1
        return error_response(request, 500, "an unexpected error occurred")


def _storage(request: Request, failure: StorageFailure) -> Response:
    """507 for a full disk, 503 for read-only or missing storage; one log line, no traceback.

    Raised before anything was acknowledged, so the client may retry once space is back (no restart).
    """
    log.error("%s %s refused: %s", request.method, request.url.path, failure)
    return error_response(request, failure.status, str(failure), {"Retry-After": "60"})
