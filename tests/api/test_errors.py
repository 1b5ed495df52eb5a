"""Errors: one handler, JSON for API clients and a page for people; limits; no 500s from input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Scenario, make_scenario
from tests.api.records import load_records


def test_not_found_is_json_for_the_api_and_a_page_for_browsers(scenario: Scenario) -> None:
    api = scenario.client.get("/api/records/2016/9999")
    assert api.status_code == 404 and api.json()["error"]["status"] == 404
    page = scenario.client.get("/r/2016/9999", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Fant ikke siden" in page.text and "Traceback" not in page.text
    unknown = scenario.client.get("/no/such/page")
    assert unknown.status_code == 404 and "Fant ikke siden" in unknown.text
    wants_json = scenario.client.get("/no/such/page", headers={"Accept": "application/json"})
    assert wants_json.json()["error"]["status"] == 404


def test_validation_errors_are_422_with_a_message(scenario: Scenario) -> None:
    response = scenario.client.post("/api/agreements", json={"title": ""}, headers=scenario.archivist)
    body = response.json()["error"]
    assert response.status_code == 422 and body["message"] and body["details"]
    bad_type = scenario.client.post("/api/people/x/roles", json={"expected_version": "one", "role": "r"},
                                    headers=scenario.archivist)
    assert bad_type.status_code in (404, 422)
    not_json = scenario.client.post("/api/people", content=b"{not json", headers={**scenario.archivist,
                                                                                  "Content-Type": "application/json"})
    assert not_json.status_code == 422


def test_writes_need_a_valid_archivist_token(scenario: Scenario) -> None:
    body = {"name": "X"}
    assert scenario.client.post("/api/people", json=body).status_code == 401
    assert scenario.client.post("/api/people", json=body).headers["WWW-Authenticate"].startswith("Bearer")
    assert scenario.client.post("/api/people", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert scenario.client.post("/api/people", json=body, headers={"Authorization": "Basic eDp5"}).status_code == 401
    assert scenario.client.post("/api/people", json=body, headers=scenario.auditor).status_code == 403


def test_a_login_cookie_never_authorises_a_write(scenario: Scenario) -> None:
    token = scenario.archivist["Authorization"].split()[1]
    login = scenario.client.post("/login", data={"token": token}, follow_redirects=False)
    assert login.status_code == 303 and "httponly" in login.headers["set-cookie"].lower()
    assert scenario.client.post("/api/people", json={"name": "X"}).status_code == 401
    scenario.client.cookies.clear()


def test_oversize_bodies_are_413(tmp_path: Path) -> None:
    gen = make_scenario(tmp_path, max_body_bytes=2048)
    s = next(gen)
    big = {"name": "x" * 5000}
    # Declared length over the limit.
    assert s.client.post("/api/people", json=big, headers=s.archivist).status_code == 413

    # Streamed without a Content-Length: counted while reading.
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    streamed = s.client.post("/api/people", content=chunks(), headers={**s.archivist,
                                                                     "Content-Type": "application/json"})
    assert streamed.status_code == 413
    gen.close()


def test_bursts_of_writes_and_searches_get_429_with_retry_after(tmp_path: Path) -> None:
    gen = make_scenario(tmp_path, write_rate_per_minute=3, search_rate_per_minute=3)
    s = next(gen)
    statuses = [s.client.get("/api/search", params={"q": "x"}).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
    limited = s.client.get("/search.json", params={"q": "x"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    writes = [s.client.post("/api/people", json={"name": f"P{i}"}, headers=s.archivist).status_code
              for i in range(5)]
    assert writes[-1] == 429
    # Another caller has a bucket of their own.
    assert s.client.get("/api/search", params={"q": "x"}, headers=s.auditor).status_code == 200
    gen.close()


def test_security_headers_on_every_response(scenario: Scenario) -> None:
    for url in ("/", "/api/records", "/no/such", "/static/style.css", "/openapi.json"):
        response = scenario.client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
    docs = scenario.client.get("/docs")
    # The docs pages load nothing from elsewhere (no CDN, no inline script).
    assert docs.status_code == 200 and "http" not in docs.headers["Content-Security-Policy"]
    assert "script-src 'self';" in docs.headers["Content-Security-Policy"]


HOSTILE = [
    "/api/records/%00", "/api/records/..%2F..%2Fetc%2Fpasswd", "/api/records/" + "9" * 5000,
    "/api/records?page=0", "/api/records?page=-1", "/api/records?page=99999999999999999999",
    "/api/records?year=abc", "/api/records?kind=<script>", "/api/records/2016/0001?valid_at=2016-13-45",
    "/api/records/2016/0001?known_at=2016-01-01T00:00:00", "/api/records/2016/0001/diff?from=a",
    "/api/records/2016/0001/diff?from=-5", "/api/search?q=" + "(" * 400, "/api/search?page=0",
    "/api/search?sort=evil", "/api/events?after=-1", "/r/abcd/0001", "/r/2016/0001.exe", "/r/2016/0001.json.json",
    "/r/20166/1", "/r/2016/0001/timeline?from=0", "/r/2016/0001/timeline.xml", "/search.html",
    "/records?kind=%E2%80%AE", "/id/not-a-uuid", "/api/people/%FF", "/api/organisations/'%20OR%201=1",
    "/static/../api/main.py", "/records?page=1e9", "/search?q=%00%01%02", "/search.atom?q=%00%0b",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_reads_never_reach_the_catch_all(scenario: Scenario, url: str) -> None:
    # TestClient re-raises server errors: a 500 here fails with its traceback.
    response = scenario.client.get(url, headers=scenario.auditor if url.startswith("/api/events") else {})
    assert response.status_code < 500 or response.status_code == 503
    assert "Traceback" not in response.text


def test_hostile_writes_never_reach_the_catch_all(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    rid = loaded.agreement["id"]
    bodies = [
        ("/api/agreements", {"title": "t", "parties": [], "text": "x", "effective_from": "2016-01-01"}),
        ("/api/agreements", {"title": "t", "parties": ["a", "a"], "text": "x", "effective_from": "not a date"}),
        ("/api/agreements", {"title": "t\x00", "parties": ["a"], "text": "x", "effective_from": "2016-01-01"}),
        (f"/api/agreements/{rid}/corrections", {"expected_version": 2, "corrects_version": 99,
                                                "changes": {"title": "x"}, "reason": "r"}),
        (f"/api/agreements/{rid}/corrections", {"expected_version": 2, "corrects_version": 1,
                                                "changes": {"nope": 1}, "reason": "r"}),
        (f"/api/agreements/{rid}/corrections", {"expected_version": 2, "corrects_version": 1,
                                                "changes": {"parties": "not a list"}, "reason": "r"}),
        (f"/api/agreements/{rid}/revisions", {"expected_version": True, "effective_from": "2017-01-01",
                                              "reason": "r"}),
        ("/api/meetings", {"title": "m", "start": "2016-01-01T10:00:00"}),
        ("/api/meetings", {"title": "m", "start": "2016-01-01T10:00:00+01:00", "end": "2015-01-01T10:00:00+01:00"}),
        (f"/api/meetings/{loaded.meeting['id']}/decisions", {"expected_version": 2, "number": "99",
                                                              "decision": "d"}),
        (f"/api/news/{loaded.news['id']}/corrections", {"expected_version": 2, "paragraphs": {"x": "y"},
                                                        "reason": "r"}),
        (f"/api/news/{loaded.news['id']}/corrections", {"expected_version": 2, "paragraphs": {"-1": "y"},
                                                        "reason": "r"}),
        (f"/api/statements/{rid}/withdrawal", {"expected_version": 2, "reason": "r"}),
        ("/api/organisations", {"name": "o", "organisation_kind": "<script>"}),
        ("/api/records/not-a-record/restriction", {"expected_version": 1, "legal_basis": "b"}),
        (f"/api/records/{rid}/release", {"expected_version": 2, "reason": "r"}),
        ("/api/people", []),
        ("/api/people", {"name": {"nested": ["deep"] * 100}}),
        ("/api/statements", {"text": "t", "said_at": "2016-02-30"}),
    ]
    for path, body in bodies:
        response = scenario.client.post(path, json=body, headers=scenario.archivist)
        assert 400 <= response.status_code < 500, (path, body, response.status_code, response.text)
        assert "Traceback" not in response.text
    # Odd but accepted shapes still render.
    odd = scenario.post("/api/statements", {"text": "t", "said_at": "2016-02-11",
                                            "context": {"news_id": loaded.news["id"], "paragraph": "x"}})
    assert scenario.client.get(odd["url"]).status_code == 200
    odd_key = scenario.client.post("/api/people", json={"name": "Z"},
                                   headers={**scenario.archivist, "Idempotency-Key": "\x01bad"})
    assert odd_key.status_code in (400, 422)
