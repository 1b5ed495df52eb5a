"""The app factory: `uvicorn --factory api.main:create_app`, or `protokoll serve`.

Nothing is created at import time; each call builds a fresh app around one ArchiveService.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api import errors
from api.allow import AllowHeader
from api.config import WebSettings
from api.context import WebContext
from api.docs import DOCS_CSP, DOCS_URL, REDOC_URL, install_docs
from api.error_docs import document_errors
from api.formatting import register_filters
from api.idempotency import IdempotencyStore
from api.middleware import CSP, BodyLimit, SecurityHeaders
from api.ratelimit import BucketStore, RateLimiter
from api.routes import (
    agreements,
    audit,
    events,
    health,
    ledger,
    meetings,
    news,
    pages,
    people,
    record_pages,
    records,
    screening,
    search,
    statements,
)
from api.tokens import TokenStore
from archive.readmodels.db import open_read_database
from archive.service import ArchiveService

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _idempotency_store(settings: WebSettings, service: ArchiveService) -> IdempotencyStore:
    """On PostgreSQL the keys are shared by every node; on SQLite they sit beside the data."""
    if settings.is_postgres:
        return IdempotencyStore(service.db)
    own = open_read_database(None, settings.events_path)  # beside the events: claimed in their transaction
    return IdempotencyStore(own, owns_db=True)


def _bucket_store(settings: WebSettings, service: ArchiveService) -> BucketStore:
    """Rate limits where every node sees them: the shared PostgreSQL database, or the data directory."""
    if settings.is_postgres:
        return BucketStore(service.db)
    return BucketStore(open_read_database(None, settings.data_dir / "web" / "ratelimits.sqlite"), owns_db=True)


def settle_heap() -> None:
    """Leave what start-up built (modules, FastAPI's and pydantic's models, the service) out of
    every later cyclic collection: they live as long as the process, and a full collection walked
    them all, pausing whichever request it fell on (~20-90 ms, a fifth of page-2 requests' p95 in
    bench/search.py). Objects made later are collected as usual; none of these is ever freed
    by the collector, so only a process serving one app until it exits (`protokoll serve`) asks."""
    gc.collect()
    gc.freeze()


def create_app(settings: WebSettings | None = None, service: ArchiveService | None = None, *,
               freeze_heap: bool = False) -> FastAPI:
    """The web app. `freeze_heap`: the process serves only this app (see settle_heap)."""
    settings = settings or WebSettings()
    owns_service = service is None
    service = service or ArchiveService(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.start()
        if freeze_heap:
            settle_heap()
        try:
            yield
        finally:
            ctx.idempotency.close()
            buckets.close()
            if owns_service:
                service.close()
            else:
                service.stop()

    app = FastAPI(
        title="Protokoll",
        description="Event-sourced archive of Norwegian local-government public records.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # api.docs serves both pages from local assets (no CDN)
        redoc_url=None,
    )
    # Autoescape everything: record text comes from the outside world.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    templates = Jinja2Templates(env=env)
    register_filters(templates.env)
    buckets = _bucket_store(settings, service)
    ctx = WebContext(
        settings=settings,
        service=service,
        tokens=TokenStore(settings.resolved_tokens_file),
        idempotency=_idempotency_store(settings, service),
        write_limiter=RateLimiter("write", settings.write_rate_per_minute, buckets),
        search_limiter=RateLimiter("search", settings.search_rate_per_minute, buckets),
        templates=templates,
    )
    app.state.web = ctx
    app.state.templates = templates

    errors.install(app)
    for module in (records, search, people, events, health, agreements, meetings, statements, news, screening,
                   pages, record_pages, audit, ledger):
        document_errors(module.router)  # every route's refusals in /openapi.json, with the error schema
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    install_docs(app)

    app.add_middleware(AllowHeader, routes=app.router.routes)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, csp_for=lambda path: DOCS_CSP if path in (DOCS_URL, REDOC_URL) else CSP)
    return app
