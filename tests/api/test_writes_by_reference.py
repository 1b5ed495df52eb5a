"""Every route takes the citable reference a person reads on the page (`2016/0009`), not only the UUID."""

from __future__ import annotations

from tests.api.conftest import Scenario
from tests.api.records import load_records


def test_an_archivist_writes_with_the_reference_from_the_permalink(scenario: Scenario) -> None:
    s = scenario
    loaded = load_records(s)
    # Revise the agreement by its slash reference, as printed on /r/YYYY/NNNN.
    ref = loaded.agreement["reference"]
    revised = s.post(f"/api/agreements/{ref}/revisions", {
        "expected_version": 2, "effective_from": "2017-01-01", "reason": "Forlenget",
        "text": "Partene forlenger samarbeidet."})
    assert revised["id"] == loaded.agreement["id"] and revised["version"] == 3
    # A meeting, a news update, a statement, a person and an organisation: each by reference.
    meeting = s.post(f"/api/meetings/{loaded.meeting['reference']}/agenda-items",
                     {"expected_version": loaded.meeting["version"], "number": "9/16", "title": "Eventuelt"})
    assert meeting["id"] == loaded.meeting["id"]
    news = s.post(f"/api/news/{loaded.news['reference']}/updates",
                  {"expected_version": loaded.news["version"], "updated_at": "2016-10-01", "lede": "Ny ingress."})
    assert news["id"] == loaded.news["id"]
    person = s.post(f"/api/people/{loaded.person['reference']}/aliases",
                    {"expected_version": loaded.person["version"], "name": "R. Ryberg"})
    assert person["id"] == loaded.person["id"]
    org = s.post(f"/api/organisations/{loaded.region['reference']}/rename",
                 {"expected_version": 1, "name": "Ringeriksregionen IKS", "reason": "Nytt navn"})
    assert org["id"] == loaded.region["id"]
    s.post(f"/api/statements/{loaded.statement['reference']}/withdrawal",
           {"expected_version": loaded.statement["version"], "reason": "Feil tilskrevet"})
    # Reads of people and organisations take the reference as well.
    assert s.client.get(f"/api/people/{loaded.person['reference']}").json()["id"] == loaded.person["id"]
    statements = s.client.get(f"/api/people/{loaded.person['reference']}/statements")
    assert statements.status_code == 200
    got = s.client.get(f"/api/organisations/{loaded.region['reference']}")
    assert got.status_code == 200 and got.json()["name"] == "Ringeriksregionen IKS"
    # A reference that names nothing is a 404 with a message, not a crash.
    missing = s.client.post("/api/agreements/2016/9999/revisions", headers=s.archivist, json={
        "expected_version": 1, "effective_from": "2017-01-01", "reason": "x", "text": "y"})
    assert missing.status_code == 404 and "2016/9999" in missing.json()["error"]["message"]


def test_parties_given_by_name_are_linked_to_the_organisation_of_that_name(scenario: Scenario) -> None:
    s = scenario
    loaded = load_records(s)
    # An agreement between two organisations the archive knows, one named and one by reference.
    created = s.post("/api/agreements", {
        "title": "Samarbeidsavtale om kollektivtrafikk", "text": "Partene samarbeider.",
        "parties": ["buskerud  Fylkeskommune", loaded.region["reference"]], "effective_from": "2016-05-01"})
    state = s.client.get(f"/api/records/{created['id']}").json()["state"]
    assert state["parties"] == [loaded.org["id"], loaded.region["id"]]
    # A revision naming the parties again resolves them the same way.
    revised = s.post(f"/api/agreements/{created['reference']}/revisions", {
        "expected_version": 1, "effective_from": "2017-01-01", "reason": "Ny part",
        "parties": ["Buskerud fylkeskommune"]})
    assert s.client.get(f"/api/records/{revised['id']}").json()["state"]["parties"] == [loaded.org["id"]]
    # A name the archive does not know is refused with a message, never stored as loose text.
    refused = s.client.post("/api/agreements", headers=s.archivist, json={
        "title": "Avtale med ukjent part", "text": "Tekst.", "parties": ["Ukjent kommune"],
        "effective_from": "2016-05-01"})
    assert refused.status_code == 422 and "no organisation named 'Ukjent kommune'" in refused.json()["error"]["message"]
    # A reference to a record that is not an organisation is refused too.
    not_org = s.client.post("/api/agreements", headers=s.archivist, json={
        "title": "Avtale med en person", "text": "Tekst.", "parties": [loaded.person["reference"]],
        "effective_from": "2016-05-01"})
    assert not_org.status_code == 422 and "is not an organisation" in not_org.json()["error"]["message"]
