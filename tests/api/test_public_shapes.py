"""Public JSON of records is an explicit shape: no key, no idempotency data, no replay internals
(issue 11, point 2). Auditors read the full stored state at an auditor-only route."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from api.public_shapes import PublicState
from tests.api.conftest import Scenario
from tests.api.records import load_records

IDEMPOTENCY_KEY = "opprett-avtale-7"


def _walk_keys(value: Any, parent: str = "") -> set[str]:
    """Every dictionary key anywhere in a JSON value, as "parent.key" (lists keep the parent)."""
    if isinstance(value, dict):
        return {f"{parent}.{k}" for k in value} | {p for k, v in value.items() for p in _walk_keys(v, k)}
    if isinstance(value, list):
        return {p for v in value for p in _walk_keys(v, parent)}
    return set()


def test_record_json_has_no_key_idempotency_data_or_replay_internals(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    # An archivist registers an agreement with an Idempotency-Key and revises it, so its stored
    # state holds `key` = idempotency:token:<hash>:<key> and revisions[].versions.
    created = scenario.post("/api/agreements", {"title": "Samarbeidsavtale om veg", "parties": [loaded.org["id"]],
                                                "text": "Partene samarbeider om vegvedlikehold.",
                                                "effective_from": "2017-01-01"},
                            **{"Idempotency-Key": IDEMPOTENCY_KEY})
    scenario.post(f"/api/agreements/{created['id']}/revisions", {
        "expected_version": 1, "effective_from": "2018-01-01", "reason": "Ny periode",
        "text": "Partene samarbeider tett om vegvedlikehold."})
    full = scenario.client.get(f"/api/records/{created['reference']}/state", headers=scenario.auditor).json()
    assert IDEMPOTENCY_KEY in full["state"]["key"] and "versions" in full["state"]["revisions"][0]
    # Every public JSON route that shows a record, for the public and for staff alike.
    urls = [f"/api/records/{created['reference']}", f"/api/records/{created['id']}?valid_at=2017-06-01",
            f"/api/records/{created['reference']}/history", "/api/records?kind=agreement", "/records.json",
            f"/r/{created['reference']}.json", f"/r/{created['reference']}/timeline.json", "/index.json"]
    urls += [f"/r/{rec['reference']}.json" for rec in (loaded.news, loaded.statement, loaded.meeting,
                                                       loaded.person, loaded.org)]
    for headers in ({}, scenario.archivist, scenario.auditor):
        for url in urls:
            response = scenario.client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert IDEMPOTENCY_KEY not in response.text and "idempotency:" not in response.text, url
            keys = {k for k in _walk_keys(response.json()) if k.endswith(".key") or k == "revisions.versions"}
            assert not keys, (url, keys)


def test_every_kind_validates_against_its_public_model(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    adapter: TypeAdapter[Any] = TypeAdapter(PublicState)
    for record in (loaded.agreement, loaded.meeting, loaded.statement, loaded.news, loaded.person, loaded.org):
        body = scenario.client.get(f"/api/records/{record['reference']}").json()
        # The discriminated union picks the kind's model; nothing outside it is present.
        model = adapter.validate_python(body["state"])
        assert set(body["state"]) == set(model.model_dump(by_alias=True)), body["kind"]
        history = scenario.client.get(f"/api/records/{record['reference']}/history").json()
        for row in history["data"]:
            adapter.validate_python(row["content"])


def test_the_full_state_is_for_auditors_only(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    url = f"/api/records/{loaded.agreement['reference']}/state"
    # Anonymous: 401; an archivist: 403; an auditor: the stored state with its mark.
    assert scenario.client.get(url).status_code == 401
    assert scenario.client.get(url, headers=scenario.archivist).status_code == 403
    audit = scenario.client.get(url, headers=scenario.auditor).json()
    assert audit["visibility"] == "public" and "key" in audit["state"]


def test_openapi_names_the_public_shapes(scenario: Scenario) -> None:
    spec = scenario.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("AgreementState", "MeetingState", "StatementState", "NewsState", "PersonState",
                 "OrganisationState", "RecordStateAudit"):
        assert name in schemas, name
    assert "key" not in schemas["AgreementState"]["properties"]
    assert "versions" not in schemas["AgreementRevisionShape"]["properties"]
    assert "/api/records/{ref}/state" in spec["paths"]
