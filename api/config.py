"""Web-only settings: the core `Settings` plus where the HTTP server listens."""

from __future__ import annotations

from pydantic import Field

from archive.config import Settings


class WebSettings(Settings):
    """Settings for `protokoll serve` and the app factory (same PROTOKOLL_ prefix)."""

    host: str = Field(default="127.0.0.1", description="interface uvicorn binds")
    port: int = Field(default=8000, ge=0, le=65535)
    page_size: int = Field(default=25, ge=1, le=200, description="rows per page in lists")
    feed_size: int = Field(default=50, ge=1, le=500, description="entries per Atom feed")
    events_page_max: int = Field(default=500, ge=1, le=10_000)
    base_url: str = Field(default="", description=(
        "absolute URL prefix for links in feeds, e.g. https://arkiv.example.no "
        "(optional; never taken from the Host header)"))
