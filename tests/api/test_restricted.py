"""Restricted, withdrawn and unpublished content never reaches the public, by any route."""

from __future__ import annotations

from tests.api.conftest import Scenario
from tests.api.records import Loaded, load_records

SECRET = "Hemmelig forhandlingsposisjon"


def restrict_all(s: Scenario) -> Loaded:
    loaded = load_records(s)
    # Put a secret word into the agreement and the statement, then screen both.
    ag = s.post(f"/api/agreements/{loaded.agreement['id']}/corrections",
                {"expected_version": 2, "corrects_version": 2, "changes": {"text": f"{SECRET} om planstrategi."},
                 "reason": "Rett tekst"})
    s.post(f"/api/records/{ag['id']}/restriction",
           {"expected_version": ag["version"], "legal_basis": "offl. § 23 første ledd",
            "public_title": "Avtale med kommuneregion"})
    st = s.post(f"/api/statements/{loaded.statement['id']}/corrections",
                {"expected_version": loaded.statement["version"], "changes": {"text": f"{SECRET}, sa han."},
                 "reason": "Rett sitat"})
    s.post(f"/api/records/{st['id']}/restriction", {"expected_version": st["version"], "legal_basis": "offl. § 13"})
    return loaded


def public_urls(loaded: Loaded) -> list[str]:
    person = loaded.person
    urls = [
        "/",
        "/index.json",
        "/records",
        "/records.json",
        "/records.csv",
        "/records.atom",
        "/records.json?kind=agreement",
        "/api/records",
        "/api/records?kind=statement",
        f"/api/people/{person['id']}/statements",
        f"/r/{person['reference']}",
        f"/r/{person['reference']}.json",
        f"/r/{person['reference']}/statements.json",
        f"/r/{person['reference']}/statements.csv",
        f"/r/{person['reference']}/statements.atom",
        f"/r/{loaded.news['reference']}",
        f"/r/{loaded.news['reference']}.json",
        f"/r/{loaded.org['reference']}",
        f"/r/{loaded.org['reference']}.json",
    ]
    for q in ("hemmelig", "planstrategi", "lyttepost"):
        urls += [f"/api/search?q={q}", f"/search?q={q}", f"/search.json?q={q}", f"/search.csv?q={q}",
                 f"/search.atom?q={q}"]
    return urls


def hidden_urls(loaded: Loaded) -> list[str]:
    urls = []
    for rec in (loaded.agreement, loaded.statement):
        ref, rid = rec["reference"], rec["id"]
        urls += [f"/api/records/{ref}", f"/api/records/{rid}", f"/api/records/{ref}/history",
                 f"/api/records/{ref}/diff?from=1&to=2", f"/api/records/{ref}?valid_at=2016-06-01",
                 f"/r/{ref}", f"/r/{ref}.json", f"/r/{ref}/timeline", f"/r/{ref}/timeline.json",
                 f"/r/{ref}/timeline.csv", f"/r/{ref}/timeline.atom", f"/id/{rid}"]
    return urls


def test_restricted_records_are_404_for_the_public_everywhere(scenario: Scenario) -> None:
    loaded = restrict_all(scenario)
    for url in hidden_urls(loaded):
        response = scenario.client.get(url, follow_redirects=False)
        assert response.status_code == 404, url
        assert SECRET not in response.text and "offl." not in response.text


def test_no_public_page_feed_or_list_mentions_restricted_content(scenario: Scenario) -> None:
    loaded = restrict_all(scenario)
    for url in public_urls(loaded):
        response = scenario.client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.text, url
        assert "offl. § 23" not in response.text and "Avtale med kommuneregion" not in response.text, url


def test_staff_see_restricted_records_with_their_basis(scenario: Scenario) -> None:
    loaded = restrict_all(scenario)
    for headers in (scenario.auditor, scenario.archivist):
        page = scenario.client.get(f"/r/{loaded.agreement['reference']}", headers=headers)
        assert page.status_code == 200 and SECRET in page.text and "offl. § 23" in page.text
    listing = scenario.client.get("/api/records?kind=agreement", headers=scenario.auditor).json()
    assert listing["count"] == 1 and listing["data"][0]["restricted"] is True
    found = scenario.client.get("/api/search?q=hemmelig", headers=scenario.auditor).json()
    assert found["count"] >= 1 and scenario.index.calls[-1].include_restricted is True


def test_counts_per_kind_leave_out_restricted_records(scenario: Scenario) -> None:
    restrict_all(scenario)
    public = scenario.client.get("/index.json").json()["counts"]
    staff = scenario.client.get("/index.json", headers=scenario.auditor).json()["counts"]
    assert public.get("agreement", 0) == 0 and staff["agreement"] == 1


def test_released_records_are_public_again(scenario: Scenario) -> None:
    loaded = restrict_all(scenario)
    version = scenario.client.get(f"/api/records/{loaded.agreement['id']}", headers=scenario.auditor).json()["version"]
    scenario.post(f"/api/records/{loaded.agreement['id']}/release", {"expected_version": version, "reason": "Frigitt"})
    assert scenario.client.get(f"/r/{loaded.agreement['reference']}").status_code == 200


def test_withdrawn_statements_and_unpublished_news_are_hidden_from_the_public(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    scenario.post(f"/api/statements/{loaded.statement['id']}/withdrawal",
                  {"expected_version": loaded.statement["version"], "reason": "Feil person"})
    scenario.post(f"/api/news/{loaded.news['id']}/unpublishing", {"expected_version": 2, "reason": "Feil"})
    for rec in (loaded.statement, loaded.news):
        assert scenario.client.get(f"/r/{rec['reference']}").status_code == 404
        assert scenario.client.get(f"/api/records/{rec['id']}").status_code == 404
        assert scenario.client.get(f"/r/{rec['reference']}", headers=scenario.auditor).status_code == 200
    assert scenario.client.get(f"/api/people/{loaded.person['id']}/statements").json()["count"] == 0
    listing = scenario.client.get("/api/records?kind=statement").json()
    assert listing["data"] == [] and listing["count"] == 0
    assert "lyttepost" not in scenario.client.get("/").text
