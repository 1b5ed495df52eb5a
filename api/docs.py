"""API documentation pages (/docs: Swagger UI, /redoc: ReDoc) that work with no network.

FastAPI's own pages load their scripts from a CDN, which breaks offline and tells a third party
who reads the archive's docs. The assets here come from the pinned `fastapi-offline` package
(swagger-ui-dist and redoc standalone builds), are served by the app under /docs-assets, and
each page is started by a small local script, so the pages need no inline script and the CSP
allows nothing outside this server.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_URL", "REDOC_URL", "ASSETS_URL", "DOCS_CSP", "install_docs"]

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
INIT_URL = "/static/docs"

# Swagger UI and ReDoc set inline styles from their scripts (style attributes and styled
# components) and ReDoc runs its search in a blob: worker; nothing is fetched from elsewhere.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


# The ReDoc bundle hard-codes its vendor's logo from a CDN in the sidebar footer; it is served
# with that one address pointed at our own icon, so the page asks nothing of anyone else.
REDOC_SCRIPT = "redoc.standalone.js"
VENDOR_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
LOCAL_LOGO = b"/static/favicon.svg"


@lru_cache(maxsize=1)
def _redoc_script() -> bytes:
    return (ASSETS_DIR / REDOC_SCRIPT).read_bytes().replace(VENDOR_LOGO, LOCAL_LOGO)


def _page(title: str, head: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{html.escape(title)}</title>"
        f"<link rel=\"icon\" href=\"/static/favicon.svg\">{head}</head><body>{body}</body></html>\n"
    )


def install_docs(app: FastAPI, openapi_url: str = "/openapi.json", title: str = "Protokoll API") -> None:
    """Mount the assets and add the two pages (not part of the OpenAPI schema)."""

    # Registered before the mount, so it answers for this one file.
    @app.get(f"{ASSETS_URL}/{REDOC_SCRIPT}", include_in_schema=False)
    async def redoc_script() -> Response:
        return Response(_redoc_script(), media_type="text/javascript; charset=utf-8")

    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS_DIR)), name="docs-assets")
    spec = html.escape(openapi_url, quote=True)
    swagger = _page(
        f"{title} – Swagger UI",
        f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi-url="{spec}"></div>'
        f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>'
        f'<script src="{INIT_URL}/swagger-init.js"></script>',
    )
    redoc = _page(
        f"{title} – ReDoc",
        f'<link rel="stylesheet" href="{INIT_URL}/redoc.css">',
        f'<div id="redoc" data-openapi-url="{spec}"></div>'
        f'<script src="{ASSETS_URL}/redoc.standalone.js"></script>'
        f'<script src="{INIT_URL}/redoc-init.js"></script>',
    )

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get(REDOC_URL, include_in_schema=False)
    async def redoc_page() -> HTMLResponse:
        return HTMLResponse(redoc)
