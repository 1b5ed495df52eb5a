"""Pages: Norwegian dates and Oslo time, permalinks, .json twins, .csv and .atom for lists."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.api.conftest import Scenario, make_scenario
from tests.api.records import load_records

ATOM = "{http://www.w3.org/2005/Atom}"


def test_front_page_has_search_counts_and_recent_items(scenario: Scenario) -> None:
    load_records(scenario)
    page = scenario.client.get("/")
    assert page.status_code == 200 and 'action="/search"' in page.text
    assert "Fylkeskommunen styrker samarbeidet" in page.text and "lyttepost" in page.text
    data = scenario.client.get("/index.json").json()
    assert data["counts"]["agreement"] == 1 and len(data["recent_news"]) == 1


def test_news_page_shows_statements_links_documents_and_dates(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    page = scenario.client.get(f"/r/{loaded.news['reference']}").text
    assert "Publisert 11. februar 2016, oppdatert 27. september 2016" in page
    assert f'href="/r/{loaded.statement["reference"]}"' in page
    assert 'href="https://example.org/losninger"' in page and "Veileder, Regional planstrategi" in page


def test_statement_page_has_speaker_context_and_source(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    page = scenario.client.get(f"/r/{loaded.statement['reference']}").text
    assert f'href="/r/{loaded.person["reference"]}"' in page and "fylkesordfører i Buskerud" in page
    assert "Ap" in page and "11. februar 2016" in page
    assert f'href="/r/{loaded.news["reference"]}"' in page and 'class="news-link"' in page


def test_meeting_page_in_oslo_time_with_agenda_and_minutes(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    page = scenario.client.get(f"/r/{loaded.meeting['reference']}").text
    assert "10. februar 2016 kl. 10:00" in page and "Klækken" in page
    assert "Enstemmig vedtatt." in page and "Møtet ble avholdt som planlagt." in page
    assert f'href="/r/{loaded.person["reference"]}"' in page


def test_agreement_page_and_timeline_with_diff_and_as_of(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    ref = loaded.agreement["reference"]
    page = scenario.client.get(f"/r/{ref}").text
    assert "Ringeriksregionen" in page and "gjeldende" in page and "10. februar 2016" in page
    timeline = scenario.client.get(f"/r/{ref}/timeline", params={"from": 1, "to": 2}).text
    assert "Ny avtaleperiode" in timeline and "arkivar-test" in timeline and "<ins>tett </ins>" in timeline
    assert 'method="get"' in timeline  # the diff form works without JavaScript
    old = scenario.client.get(f"/r/{ref}", params={"valid_at": "2015-06-01"}).text
    assert "Slik posten sto" in old and "samarbeide om regional utvikling." in old


def test_person_page_with_roles_and_statements(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    page = scenario.client.get(f"/r/{loaded.person['reference']}").text
    assert "Roger Ryberg" in page and "fylkesordfører" in page and "fra 15. oktober 2015" in page
    assert "lyttepost" in page


def test_every_page_has_a_json_twin(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    for rec in (loaded.news, loaded.statement, loaded.meeting, loaded.agreement, loaded.person, loaded.org):
        twin = scenario.client.get(f"/r/{rec['reference']}.json")
        assert twin.status_code == 200 and twin.json()["record"]["reference"] == rec["reference"]
    assert scenario.client.get(f"/r/{loaded.agreement['reference']}/timeline.json").json()["versions"]
    assert scenario.client.get("/status.json").json()["status"] == "ok"
    assert scenario.client.get("/search.json", params={"q": "lyttepost"}).json()["count"] >= 1


def test_csv_cells_are_neutralised(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    scenario.post("/api/statements", {"text": "=HYPERLINK(\"http://evil\")", "said_at": "2017-01-01",
                                      "speaker_id": loaded.person["id"]})
    scenario.post("/api/statements", {"text": "@SUM(A1)", "said_at": "2017-01-02",
                                      "speaker_id": loaded.person["id"]})
    body = scenario.client.get(f"/r/{loaded.person['reference']}/statements.csv").text
    rows = list(csv.DictReader(io.StringIO(body)))
    texts = {r["text"] for r in rows}
    assert "'=HYPERLINK(\"http://evil\")" in texts and "'@SUM(A1)" in texts
    assert all(not r["text"].startswith(("=", "+", "-", "@")) for r in rows)
    listing = list(csv.DictReader(io.StringIO(scenario.client.get("/records.csv").text)))
    assert listing and all(not v.startswith(("=", "+", "-", "@")) for r in listing for v in r.values())


def test_atom_feeds_for_search_person_and_agreement(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    for url in ("/search.atom?q=lyttepost", f"/r/{loaded.person['reference']}/statements.atom",
                f"/r/{loaded.agreement['reference']}/timeline.atom", "/records.atom"):
        response = scenario.client.get(url)
        assert response.headers["content-type"].startswith("application/atom+xml"), url
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry"), url


def test_feed_links_come_from_configuration_never_from_the_host_header(tmp_path: Path) -> None:
    # A client chooses its Host header; a feed that echoed it would hand readers links to any site.
    for scenario in make_scenario(tmp_path / "unset"):
        load_records(scenario)
        feed = scenario.client.get("/records.atom", headers={"Host": "evil.example"}).text
        assert "evil.example" not in feed and 'href="/r/' in feed  # paths, resolved against the feed
    # With PROTOKOLL_BASE_URL set, every link is absolute under it.
    for scenario in make_scenario(tmp_path / "set", base_url="https://arkiv.example.no/"):
        load_records(scenario)
        feed = scenario.client.get("/records.atom", headers={"Host": "evil.example"}).text
        assert "evil.example" not in feed and 'href="https://arkiv.example.no/r/' in feed
        assert "<id>https://arkiv.example.no/records.atom</id>" in feed


def test_search_page_with_highlights_facets_and_parsed_query(scenario: Scenario) -> None:
    load_records(scenario)
    page = scenario.client.get("/search", params={"q": "lyttepost"}).text
    assert "<mark>lyttepost</mark>" in page and "Tolket som" in page and "text:lyttepost" in page
    assert "/search?q=lyttepost&amp;kind=statement" in page  # facet filter as a link
    assert 'name="from"' in page and 'name="sort"' in page


def test_auditor_event_log_page_is_paged(scenario: Scenario) -> None:
    load_records(scenario)
    page = scenario.client.get("/events", headers=scenario.auditor)
    assert page.status_code == 200 and "Hendelseslogg" in page.text and "<td>1</td>" in page.text
    assert scenario.client.get("/events").status_code == 401


def test_login_cookie_lets_an_auditor_browse_the_event_log(scenario: Scenario) -> None:
    token = scenario.auditor["Authorization"].split()[1]
    assert scenario.client.post("/login", data={"token": "wrong"}).status_code == 401
    scenario.client.post("/login", data={"token": token}, follow_redirects=False)
    assert scenario.client.get("/events").status_code == 200
    scenario.client.post("/logout", follow_redirects=False)
    scenario.client.cookies.clear()
    assert scenario.client.get("/events").status_code == 401


def test_id_links_redirect_to_permalinks(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    response = scenario.client.get(f"/id/{loaded.person['id']}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/r/{loaded.person['reference']}"
