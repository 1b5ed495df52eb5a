"""The web layer over the real search module (Whoosh): highlights, facets, filters, screening."""

from __future__ import annotations

from tests.api.conftest import Scenario
from tests.api.records import load_records


def test_real_index_finds_highlights_and_facets(indexed: Scenario) -> None:
    load_records(indexed)
    result = indexed.client.get("/api/search", params={"q": "lyttepost"}).json()
    assert result["count"] >= 1 and result["parsed_query"]
    assert any("<mark>" in (h["snippet"] or "") for h in result["data"])
    assert "kind" in result["facets"]
    statements = indexed.client.get("/api/search", params={"q": "lyttepost", "kind": "statement"}).json()
    assert statements["data"] and all(h["kind"] == "statement" for h in statements["data"])
    page = indexed.client.get("/search", params={"q": "lyttepost"})
    assert page.status_code == 200 and "<mark>" in page.text


def test_real_index_hides_restricted_records_from_the_public(indexed: Scenario) -> None:
    loaded = load_records(indexed)
    indexed.post(f"/api/records/{loaded.agreement['id']}/restriction",
                 {"expected_version": 2, "legal_basis": "offl. § 23"})
    public = indexed.client.get("/api/search", params={"q": "partnerskapsavtale"}).json()
    staff = indexed.client.get("/api/search", params={"q": "partnerskapsavtale"}, headers=indexed.auditor).json()
    assert all(h["id"] != loaded.agreement["id"] for h in public["data"])
    assert any(h["id"] == loaded.agreement["id"] for h in staff["data"])
    kinds = {f["value"]: f["count"] for f in public["facets"].get("kind", [])}
    assert "agreement" not in kinds


def test_bad_query_syntax_and_filters_never_fail(indexed: Scenario) -> None:
    load_records(indexed)
    for params in ({"q": "*lytte"}, {"q": "((((a"}, {"q": "a" * 400}, {"q": "x", "from": "2016-99-01"},
                   {"q": "x", "known_at": "2016-01-01"}, {"q": "x", "year": 2016}, {"q": "ly*"}):
        response = indexed.client.get("/api/search", params=params)
        assert response.status_code in (200, 422), (params, response.text)


def test_the_role_filter_reaches_the_index_from_the_api_and_the_page(indexed: Scenario) -> None:
    load_records(indexed)
    # The statement in the sample was said as fylkesordfører: the filter keeps it …
    kept = indexed.client.get("/api/search", params={"q": "lyttepost", "role": "fylkesordfører"}).json()
    assert kept["count"] == 1 and "role=fylkesordfører" in kept["parsed_query"]
    # … and a role nobody spoke in leaves nothing (the filter is applied, not ignored).
    dropped = indexed.client.get("/api/search", params={"q": "lyttepost", "role": "rådmann"}).json()
    assert dropped["count"] == 0
    page = indexed.client.get("/search", params={"q": "lyttepost", "role": "rådmann"})
    assert page.status_code == 200 and 'name="role" value="rådmann"' in page.text
