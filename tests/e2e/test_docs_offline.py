"""/docs and /redoc render in a real browser that may reach nothing but this server."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".swagger-ui .info .title"), ("/redoc", ".api-info h1")])
def test_docs_render_without_outside_requests(server: str, browser: Any, shots: Path, path: str, ready: str) -> None:
    host = urlsplit(server).netloc
    outside: list[str] = []
    console_errors: list[str] = []
    page = browser.new_page()

    # Refuse every request that leaves this server, and remember it.
    page.route("**/*", lambda r, req: route_request(r, req, host, outside))
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    # Open the page and wait for the viewer to show the API's title.
    page.goto(f"{server}{path}")
    page.wait_for_selector(ready, timeout=30_000)
    assert "Protokoll" in page.inner_text(ready)
    page.screenshot(path=str(shots / f"{path.strip('/')}.png"))
    # Nothing was fetched from elsewhere and the CSP refused nothing.
    assert outside == []
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    page.close()


def route_request(route: Any, request: Any, host: str, outside: list[str]) -> None:
    parts = urlsplit(request.url)
    if parts.scheme in ("http", "https") and parts.netloc != host:
        outside.append(request.url)
        route.abort()
    else:
        route.continue_()
