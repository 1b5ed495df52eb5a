"""Write routes: every command, optimistic concurrency, idempotency keys, read-your-writes."""

from __future__ import annotations

from tests.api.conftest import Scenario
from tests.api.records import load_records


def test_every_command_runs_and_is_readable_at_once(scenario: Scenario) -> None:
    s = scenario
    loaded = load_records(s)
    # People and organisations.
    org = s.post(f"/api/organisations/{loaded.region['id']}/rename",
                 {"expected_version": 1, "name": "Ringeriksregionen IKS", "reason": "Nytt navn"})
    person = s.post(f"/api/people/{loaded.person['id']}/aliases", {"expected_version": 2, "name": "R. Ryberg"})
    person = s.post(f"/api/people/{loaded.person['id']}/party",
                    {"expected_version": person["version"], "party": "Sp", "valid_from": "2019-01-01"})
    person = s.post(f"/api/people/{loaded.person['id']}/roles/end",
                    {"expected_version": person["version"], "role": "fylkesordfører",
                     "organisation_id": loaded.org["id"], "valid_to": "2019-10-01"})
    person = s.post(f"/api/people/{loaded.person['id']}/rename",
                    {"expected_version": person["version"], "name": "Roger Ryberg d.e.", "reason": "Navnebytte"})
    # Agreements: correction and termination.
    ag = s.post(f"/api/agreements/{loaded.agreement['id']}/corrections",
                {"expected_version": 2, "corrects_version": 1, "changes": {"title": "Partnerskapsavtale (rettet)"},
                 "reason": "Skrivefeil"})
    ag = s.post(f"/api/agreements/{loaded.agreement['id']}/termination",
                {"expected_version": ag["version"], "effective_to": "2019-12-31", "reason": "Regionreformen"})
    # Meetings: items, decisions, minutes approval; a second meeting is cancelled and one corrected.
    m = s.post(f"/api/meetings/{loaded.meeting['id']}/agenda-items",
               {"expected_version": loaded.meeting["version"], "number": "2/16", "title": "Eventuelt"})
    m = s.post(f"/api/meetings/{loaded.meeting['id']}/decisions",
               {"expected_version": m["version"], "number": "2/16", "decision": "Tatt til orientering."})
    m = s.post(f"/api/meetings/{loaded.meeting['id']}/participants",
               {"expected_version": m["version"], "participants": [{"name": "Kjell B. Hansen", "role": "ordfører"}]})
    m = s.post(f"/api/meetings/{loaded.meeting['id']}/minutes/approval",
               {"expected_version": m["version"], "approved_on": "2016-03-01"})
    m = s.post(f"/api/meetings/{loaded.meeting['id']}/corrections",
               {"expected_version": m["version"], "changes": {"place": "Klækken hotell"}, "reason": "Presisering"})
    other = s.post("/api/meetings", {"title": "Avlyst møte", "start": "2016-05-01T10:00:00+02:00"})
    other = s.post(f"/api/meetings/{other['id']}/minutes", {"expected_version": 1, "text": "Notat."})
    third = s.post("/api/meetings", {"title": "Møte som ble avlyst", "start": "2016-06-01T10:00:00+02:00"})
    s.post(f"/api/meetings/{third['id']}/cancellation", {"expected_version": 1, "reason": "Sykdom"})
    # News: update, correction, unpublish; statements: withdraw.
    n = s.post(f"/api/news/{loaded.news['id']}/updates",
               {"expected_version": 2, "updated_at": "2016-10-01", "lede": "Ny ingress."})
    n = s.post(f"/api/news/{loaded.news['id']}/corrections",
               {"expected_version": n["version"], "paragraphs": {"2": "Samarbeidet styrkes ytterligere."},
                "reason": "Rettet sitat"})
    s.post(f"/api/news/{loaded.news['id']}/unpublishing", {"expected_version": n["version"], "reason": "Feil sak"})
    s.post(f"/api/statements/{loaded.statement['id']}/withdrawal",
           {"expected_version": loaded.statement["version"], "reason": "Feil tilskrevet"})
    # Read-your-writes: every change is visible to the next read without waiting.
    staff = s.auditor
    assert s.client.get(f"/api/records/{org['id']}", headers=staff).json()["state"]["name"] == "Ringeriksregionen IKS"
    assert s.client.get(f"/api/people/{loaded.person['id']}").json()["party"] == "Sp"
    assert s.client.get(f"/api/records/{ag['id']}").json()["state"]["status"] == "terminated"
    meeting = s.client.get(f"/api/records/{m['id']}").json()["state"]
    assert meeting["status"] == "minutes_approved" and meeting["place"] == "Klækken hotell"
    assert s.client.get(f"/api/records/{third['id']}").json()["state"]["status"] == "cancelled"
    assert s.client.get(f"/api/records/{loaded.news['id']}", headers=staff).json()["state"]["status"] == "unpublished"
    assert (
        s.client.get(f"/api/records/{loaded.statement['id']}", headers=staff).json()["state"]["status"] == "withdrawn"
    )


def test_stale_expected_version_is_409(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    response = scenario.client.post(
        f"/api/agreements/{loaded.agreement['id']}/termination",
        json={"expected_version": 1, "effective_to": "2019-12-31", "reason": "x"}, headers=scenario.archivist)
    assert response.status_code == 409 and "version" in response.json()["error"]["message"]


def test_domain_rule_broken_is_422(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    response = scenario.client.post(
        f"/api/agreements/{loaded.agreement['id']}/revisions",
        json={"expected_version": 2, "effective_from": "2014-01-01", "reason": "x", "text": "Ny"},
        headers=scenario.archivist)
    assert response.status_code == 422


def test_writes_accept_the_dashed_reference(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    dashed = loaded.agreement["reference"].replace("/", "-")
    result = scenario.post(f"/api/agreements/{dashed}/termination",
                           {"expected_version": 2, "effective_to": "2019-12-31", "reason": "Slutt"})
    assert result["id"] == loaded.agreement["id"]


def events_head(scenario: Scenario) -> int:
    return int(scenario.client.get("/health").json()["head"])


def test_idempotent_retry_returns_the_original_and_writes_once(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    body = {"expected_version": 2, "effective_to": "2019-12-31", "reason": "Regionreformen"}
    headers = {**scenario.archivist, "Idempotency-Key": "term-1"}
    path = f"/api/agreements/{loaded.agreement['id']}/termination"
    # The first request writes.
    first = scenario.client.post(path, json=body, headers=headers)
    head = events_head(scenario)
    # The retry (stale expected_version by now) returns the same result, not a 409, and writes nothing.
    again = scenario.client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    assert events_head(scenario) == head
    # The same key with another body is refused.
    other = scenario.client.post(path, json={**body, "reason": "Annet"}, headers=headers)
    assert other.status_code == 422


def test_idempotent_create_without_natural_key_makes_one_record(scenario: Scenario) -> None:
    for name in ("Aust kommune", "Vest kommune"):
        scenario.post("/api/organisations", {"name": name, "organisation_kind": "kommune"})
    body = {"title": "Samarbeidsavtale", "parties": ["Aust kommune", "Vest kommune"], "text": "Tekst.",
            "effective_from": "2017-01-01"}
    headers = {**scenario.archivist, "Idempotency-Key": "create-1"}
    first = scenario.client.post("/api/agreements", json=body, headers=headers)
    # Even if the stored response were lost, the derived natural key makes the retry a no-op.
    scenario.client.app.state.web.idempotency.forget_all()
    second = scenario.client.post("/api/agreements", json=body, headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and second.json()["created"] is False
    assert scenario.client.get("/api/records", params={"kind": "agreement"}).json()["count"] == 1


def test_idempotency_keys_are_durable_across_app_restarts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.api.conftest import make_scenario

    body = {"name": "Viken fylkeskommune", "organisation_kind": "fylkeskommune"}
    gen = make_scenario(tmp_path)
    s = next(gen)
    first = s.client.post("/api/organisations", json=body, headers={**s.archivist, "Idempotency-Key": "k"})
    token = s.archivist
    gen.close()
    # A new app over the same data directory remembers the key.
    gen = make_scenario(tmp_path)
    s = next(gen)
    again = s.client.post("/api/organisations", json=body, headers={**token, "Idempotency-Key": "k"})
    gen.close()
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()


def test_created_response_has_location_and_permalink(scenario: Scenario) -> None:
    response = scenario.client.post("/api/people", json={"name": "Kjell B. Hansen"}, headers=scenario.archivist)
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == body["url"] == f"/r/{body['reference']}"
    assert body["created"] is True and body["version"] == 1


def test_recorded_by_is_the_token_holder_not_the_body(scenario: Scenario) -> None:
    response = scenario.client.post("/api/people", json={"name": "X", "recorded_by": "someone"},
                                    headers=scenario.archivist)
    assert response.status_code == 422  # unknown fields are refused


def test_a_retry_that_reaches_another_postgresql_node_is_recognised(tmp_path, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    from tests.api.conftest import make_scenario

    # Given two API nodes over one PostgreSQL database, sharing the token file,
    url, tokens = pg_cluster.create_database(), tmp_path / "tokens.json"
    first_node = make_scenario(tmp_path / "a", database_url=url, tokens_file=tokens)
    second_node = make_scenario(tmp_path / "b", database_url=url, tokens_file=tokens)
    a, b = next(first_node), next(second_node)
    parties = [
        a.post("/api/organisations", {"name": n, "organisation_kind": "kommune"})["id"] for n in ("Aust", "Vest")
    ]
    body = {"title": "Samarbeidsavtale", "parties": parties, "text": "Tekst.", "effective_from": "2017-01-01"}
    headers = {**a.archivist, "Idempotency-Key": "node-hop-1"}
    # when a create is answered by the first node and its retry lands on the second,
    first = a.client.post("/api/agreements", json=body, headers=headers)
    again = b.client.post("/api/agreements", json=body, headers=headers)
    # the second node replays the first node's response instead of acting again,
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == first.json()
    # and the key still refuses a different request on either node.
    other = b.client.post("/api/agreements", json={**body, "text": "Annen tekst."}, headers=headers)
    assert other.status_code == 422
    first_node.close()
    second_node.close()
