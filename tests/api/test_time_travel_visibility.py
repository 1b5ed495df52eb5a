"""Time-travel search shows the public only what is public now (issue 11, point 1).

Each scenario records something with a word no other record holds, takes it away from the
public (withdraw, unpublish, screen), then asks the real Whoosh index as it stood before —
as anonymous and as an auditor — through every public search route.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.conftest import Scenario
from tests.api.records import load_records

WORD = "kvitrefugl"  # invented: no other record says it
TEXT = "i hver kommune"  # the rest of the statement: never in a query echoed back
SEARCH_ROUTES = ("/api/search", "/search", "/search.json", "/search.csv", "/search.atom")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _statement(s: Scenario, speaker: dict[str, Any]) -> dict[str, Any]:
    return s.post("/api/statements", {
        "text": f"Vi trenger en {WORD} {TEXT}, sa hun.", "said_at": "2016-03-01",
        "speaker_id": speaker["id"], "speaker_name": "Roger Ryberg", "party": "Ap"})


def _public_texts(s: Scenario, params: dict[str, str]) -> dict[str, str]:
    return {route: s.client.get(route, params=params).text for route in SEARCH_ROUTES}


def test_a_withdrawn_statement_is_not_found_by_the_public_at_any_known_at(indexed: Scenario) -> None:
    loaded = load_records(indexed)
    # An archivist records a statement with a unique word; the public can find it now.
    statement = _statement(indexed, loaded.person)
    before = _now()
    found = indexed.client.get("/api/search", params={"q": WORD}).json()
    assert found["count"] == 1 and found["data"][0]["fields"]["visibility"] == "public"
    # The statement is withdrawn.
    indexed.post(f"/api/statements/{statement['id']}/withdrawal",
                 {"expected_version": statement["version"], "reason": "Feil person"})
    # As anonymous, neither now nor as the archive stood before the withdrawal finds it: no hit,
    # no total, no speaker facet, on any search route.
    for params in ({"q": WORD}, {"q": WORD, "known_at": before}, {"q": WORD, "valid_at": "2016-03-01"},
                   {"q": WORD, "known_at": before, "valid_at": "2016-03-01"}):
        answer = indexed.client.get("/api/search", params=params).json()
        assert answer["count"] == 0 and answer["data"] == [], params
        assert all(f["count"] == 0 for values in answer["facets"].values() for f in values), params
        for route, text in _public_texts(indexed, params).items():
            assert TEXT not in text, (route, params)
    # A browse without words (every visible document) leaves it out too.
    browse = indexed.client.get("/search.json",
                                params={"known_at": before, "page_size": 100}).json()
    assert all(h["id"] != statement["id"] for h in browse["data"])
    # The auditor still finds it as the archive stood, and now, marked withdrawn.
    for params in ({"q": WORD, "known_at": before}, {"q": WORD}):
        staff = indexed.client.get("/api/search", params=params, headers=indexed.auditor).json()
        assert staff["count"] == 1, params
        assert staff["data"][0]["fields"]["visibility"] == "withdrawn", params


def test_unpublished_news_and_screened_agreements_leave_time_travel_too(indexed: Scenario) -> None:
    loaded = load_records(indexed)
    before = _now()
    # The news update is unpublished and the agreement screened after `before`.
    indexed.post(f"/api/news/{loaded.news['id']}/unpublishing", {"expected_version": 2, "reason": "Feil"})
    indexed.post(f"/api/records/{loaded.agreement['id']}/restriction",
                 {"expected_version": 2, "legal_basis": "offl. § 23"})
    for q, record, kind in (("klækken", loaded.news, "news"), ("planstrategi", loaded.agreement, "agreement")):
        for params in ({"q": q, "known_at": before}, {"q": q, "valid_at": "2016-06-01"}):
            public = indexed.client.get("/api/search", params=params).json()
            assert all(h["id"] != record["id"] for h in public["data"]), params
            kinds = {f["value"] for f in public["facets"].get("kind", [])}
            assert kind not in kinds, params
            staff = indexed.client.get("/api/search", params=params, headers=indexed.auditor).json()
            assert any(h["id"] == record["id"] for h in staff["data"]), params


def test_released_records_come_back_for_the_public_in_every_version(indexed: Scenario) -> None:
    loaded = load_records(indexed)
    before = _now()
    # Screened, then released with a reason: public again, including as the archive stood before.
    indexed.post(f"/api/records/{loaded.agreement['id']}/restriction",
                 {"expected_version": 2, "legal_basis": "offl. § 23"})
    indexed.post(f"/api/records/{loaded.agreement['id']}/release", {"expected_version": 3, "reason": "Frigitt"})
    public = indexed.client.get("/api/search", params={"q": "planstrategi", "known_at": before}).json()
    assert any(h["id"] == loaded.agreement["id"] for h in public["data"])


def test_a_cancelled_meeting_stays_public_marked_cancelled(indexed: Scenario) -> None:
    loaded = load_records(indexed)
    # A scheduled meeting is called off: the archive shows that it was, with its status.
    meeting = indexed.post("/api/meetings", {"title": f"Møte om {WORD}", "start": "2016-04-04T10:00:00+02:00",
                                             "place": "Hønefoss", "organiser_id": loaded.org["id"]})
    indexed.post(f"/api/meetings/{meeting['id']}/cancellation",
                 {"expected_version": meeting["version"], "reason": "Ordføreren er syk"})
    public = indexed.client.get("/api/search", params={"q": WORD}).json()
    assert [h["id"] for h in public["data"]] == [meeting["id"]]
    assert public["data"][0]["fields"]["status"] == "cancelled"
    assert indexed.client.get(f"/r/{meeting['reference']}").status_code == 200
