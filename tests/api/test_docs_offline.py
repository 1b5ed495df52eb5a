"""/docs and /redoc work with no network: every asset they reference is served by the app."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import Scenario

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_references_only_local_assets_that_answer(scenario: Scenario, page: str) -> None:
    # Load the documentation page as a reader with no network would.
    response = scenario.client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    # Every script, stylesheet and icon it names is a path on this server…
    assets = ASSET.findall(response.text)
    assert len(assets) >= 3, assets
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), f"{page} loads {asset} from elsewhere"
        # …and the server answers it.
        fetched = scenario.client.get(asset)
        assert fetched.status_code == 200, f"{page}: {asset} → {fetched.status_code}"
        assert fetched.content, asset
        # ReDoc's bundle names its vendor's logo on a CDN; the app serves it pointed at a local icon.
        assert b"cdn.redoc.ly" not in fetched.content, asset
    # No inline script for the CSP to allow, and a CSP that names no other host.
    assert "<script>" not in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "http" not in csp and "*" not in csp
    assert "script-src 'self';" in csp and "default-src 'self'" in csp


def test_docs_pages_point_at_this_servers_openapi(scenario: Scenario) -> None:
    # Both pages start their viewer on /openapi.json, which the app serves.
    for page in ("/docs", "/redoc"):
        assert 'data-openapi-url="/openapi.json"' in scenario.client.get(page).text
    spec = scenario.client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Protokoll" and "/api/search" in spec["paths"]
