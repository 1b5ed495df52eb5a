"""Everything one app instance holds, built by the factory and stored on `app.state.web`."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.templating import Jinja2Templates

from api.config import WebSettings
from api.idempotency import IdempotencyStore
from api.ratelimit import RateLimiter
from api.tokens import TokenStore
from archive.service import ArchiveService


@dataclass
class WebContext:
    settings: WebSettings
    service: ArchiveService
    tokens: TokenStore
    idempotency: IdempotencyStore
    write_limiter: RateLimiter
    search_limiter: RateLimiter
    templates: Jinja2Templates
