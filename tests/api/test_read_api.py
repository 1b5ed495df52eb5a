"""The JSON read API: lists, records by id or reference, both time axes, history, diffs, people."""

from __future__ import annotations

from itertools import pairwise

from tests.api.conftest import Scenario
from tests.api.records import load_records


def _a_change_splits_a_word(ops: list[dict[str, str]], change: str) -> bool:
    """In the text made of the equal ops and the `change` ops (delete: old text, insert: new), does a change
    begin or end between two letters or digits?"""
    pieces = [op for op in ops if op["op"] in ("equal", change)]
    return any(a["op"] != b["op"] and a["text"][-1:].isalnum() and b["text"][:1].isalnum()
               for a, b in pairwise(pieces))


def test_a_record_is_found_by_id_reference_and_dashed_reference(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    ref = loaded.agreement["reference"]
    # Ask three ways.
    by_ref = scenario.client.get(f"/api/records/{ref}").json()
    by_dash = scenario.client.get(f"/api/records/{ref.replace('/', '-')}").json()
    by_id = scenario.client.get(f"/api/records/{loaded.agreement['id']}").json()
    # The same record each time, with its permalink.
    assert by_ref == by_dash == by_id
    assert by_ref["url"] == f"/r/{ref}" and by_ref["kind"] == "agreement"
    # The route skips response_model validation for speed; the shape is still the documented one.
    from api.schemas import RecordPublic

    assert RecordPublic.model_validate(by_ref).model_dump() == by_ref | {"as_of": None}


def test_list_filters_by_kind_and_organisation(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    agreements = scenario.client.get("/api/records", params={"kind": "agreement"}).json()
    assert agreements["count"] == 1 and agreements["data"][0]["id"] == loaded.agreement["id"]
    linked = scenario.client.get("/api/records", params={"organisation": loaded.region["id"]}).json()
    assert [r["id"] for r in linked["data"]] == [loaded.agreement["id"]]


def test_as_of_answers_on_both_time_axes(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    ref = loaded.agreement["reference"]
    # Valid time: before the revision the old text was in force.
    before = scenario.client.get(f"/api/records/{ref}", params={"valid_at": "2015-06-01"}).json()
    after = scenario.client.get(f"/api/records/{ref}", params={"valid_at": "2016-06-01"}).json()
    assert before["state"]["text"] == "Partene skal samarbeide om regional utvikling."
    assert "planstrategi" in after["state"]["text"] and after["as_of"]["version"] == 2
    # Record time: before anything was recorded, the archive knew nothing.
    early = scenario.client.get(f"/api/records/{ref}", params={"known_at": "2000-01-01T00:00:00+00:00"})
    assert early.status_code == 404
    # A malformed instant is the caller's mistake, not ours.
    bad = scenario.client.get(f"/api/records/{ref}", params={"known_at": "yesterday"})
    assert bad.status_code == 422


def test_history_and_word_diff(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    ref = loaded.agreement["reference"]
    history = scenario.client.get(f"/api/records/{ref}/history").json()
    assert [v["event_type"] for v in history["data"]] == ["Registered", "Revised"]
    assert history["data"][1]["reason"] == "Ny avtaleperiode" and history["data"][1]["recorded_by"] == "arkivar-test"
    diff = scenario.client.get(f"/api/records/{ref}/diff", params={"from": 1, "to": 2}).json()
    text = next(f for f in diff["fields"] if f["field"] == "text")
    assert {"op": "insert", "text": "tett "} in text["ops"]
    assert "<ins>tett </ins>" in text["html"]
    # Whole words only: in the old text and in the new one, no change starts or ends inside a word.
    assert not _a_change_splits_a_word(text["ops"], "delete")
    assert not _a_change_splits_a_word(text["ops"], "insert")
    missing = scenario.client.get(f"/api/records/{ref}/diff", params={"from": 1, "to": 99})
    assert missing.status_code == 404


def test_people_roles_and_statements(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    person = scenario.client.get(f"/api/people/{loaded.person['id']}").json()
    assert person["name"] == "Roger Ryberg" and person["party"] == "Ap"
    assert person["roles"][0]["role"] == "fylkesordfører" and person["roles"][0]["from"] == "2015-10-15"
    statements = scenario.client.get(f"/api/people/{loaded.person['id']}/statements").json()
    assert statements["count"] == 1 and "lyttepost" in statements["data"][0]["text"]
    org = scenario.client.get(f"/api/organisations/{loaded.org['id']}").json()
    assert org["name"] == "Buskerud fylkeskommune"


def test_search_delegates_and_echoes_the_parsed_query(scenario: Scenario) -> None:
    load_records(scenario)
    result = scenario.client.get("/api/search", params={"q": "lyttepost", "kind": "statement"}).json()
    assert result["count"] == 1 and result["parsed_query"] == "text:lyttepost"
    assert "<mark>lyttepost</mark>" in result["data"][0]["snippet"]
    assert result["filters"] == {"kind": "statement"}
    assert scenario.index.calls[-1].include_restricted is False


def test_search_without_an_index_is_503_with_a_reason(scenario: Scenario) -> None:
    scenario.service.search = None
    response = scenario.client.get("/api/search", params={"q": "x"})
    assert response.status_code == 503 and "search" in response.json()["error"]["message"]
    page = scenario.client.get("/search", params={"q": "x"})
    assert page.status_code == 503 and "Søket er ikke tilgjengelig" in page.text


def test_event_log_for_auditors(scenario: Scenario) -> None:
    import base64
    import hashlib

    load_records(scenario)
    page = scenario.client.get("/api/events", params={"after": 0, "limit": 5}, headers=scenario.auditor).json()
    assert page["count"] == 5 and page["next_after"] == 5 and page["head"] > 5
    first = page["data"][0]
    assert hashlib.sha256(base64.b64decode(first["state_base64"])).hexdigest() == first["state_sha256"]
    assert first["timestamp"] and first["originator_version"] == 1
    following = scenario.client.get("/api/events", params={"after": 5, "limit": 5}, headers=scenario.auditor).json()
    assert following["data"][0]["position"] == 6


def test_health_reports_each_read_model_against_the_head(scenario: Scenario) -> None:
    load_records(scenario)
    health = scenario.client.get("/health").json()
    assert health["status"] == "ok" and health["head"] > 0
    assert {"catalog", "history", "people"} <= set(health["read_models"])
    assert all(m["position"] <= health["head"] for m in health["read_models"].values())
