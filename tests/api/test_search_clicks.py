"""Every click a journalist makes on /search gives the answer it promised (issue 13).

The seed article and the sample records, loaded through the archive's own commands, searched
through the real Whoosh index over HTTP: facet values, typed person and organisation names,
an unknown kind, a name nobody has, the snippet of a compound match, and name suggestions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import WebSettings
from api.main import create_app
from archive.importers.load import import_file
from archive.sample import load_sample
from archive.service import ArchiveService


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[TestClient]:
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("clicks") / "data", search_enabled=True)
    service = ArchiveService(settings, search=True)
    # The sample records and the seed article, as `protokoll sample` and `protokoll import` load them.
    load_sample(service)
    for path in sorted((shared_dir / "seed").glob("*.txt")):
        assert import_file(service, path).status == "created"
    service.catch_up()
    with TestClient(create_app(settings, service), raise_server_exceptions=True) as c:
        yield c
    service.close()


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_facet_value_of_samarbeid_returns_the_count_it_showed(client: TestClient) -> None:
    # Search as the journalist did; the year facet offers 2016 and 2021, across kinds.
    first = search(client, q="samarbeid")
    years = {f["value"]: f["count"] for f in first["facets"]["year"]}
    assert years == {"2016": 2, "2021": 3}
    # Click every value of every facet: each returns exactly the number it showed.
    for name, values in first["facets"].items():
        for facet in values:
            clicked = search(client, q="samarbeid", **{name: facet["value"]})
            assert clicked["count"] == facet["count"], (name, facet, clicked["notes"])
    # The date range covers statements, news and meetings too, not only agreements.
    wide = search(client, q="samarbeid", **{"from": "2000-01-01", "to": "2030-12-31"})
    assert wide["count"] == first["count"] == 5
    assert {h["kind"] for h in wide["data"]} == {"statement", "news", "agreement"}
    assert search(client, q="samarbeid", **{"from": "2016-02-11", "to": "2016-02-11"})["count"] == 2


@pytest.mark.parametrize("typed", ["ryberg", "Ryberg", "roger ryberg", "ROGER RYBERG"])
def test_a_person_typed_in_any_case_by_surname_or_full_name(client: TestClient, typed: str) -> None:
    # Typed as people type it, the filter finds Roger Ryberg's five statements, as speaker:Ryberg does.
    assert search(client, q="speaker:Ryberg")["count"] == 5
    result = search(client, speaker=typed)
    assert result["count"] == 5
    assert {h["kind"] for h in result["data"]} == {"statement"}


def test_organisation_and_party_by_the_names_people_use(client: TestClient) -> None:
    # "buskerud" is a word of "Buskerud fylkeskommune": the news update and the meeting.
    result = search(client, organisation="buskerud")
    assert result["count"] == 2 and {h["kind"] for h in result["data"]} == {"news", "meeting"}
    # A statement linked to Nordvik fylkeskommune by id is filed under its name too.
    nordvik = search(client, organisation="Nordvik fylkeskommune", kind="statement")
    assert nordvik["count"] == 2
    # The party by its full name and by its abbreviation in any case.
    assert search(client, party="Arbeiderpartiet")["count"] == search(client, party="AP")["count"] == 6


def test_unknown_values_are_refused_or_named_never_widened(client: TestClient) -> None:
    everything = search(client)["count"]
    # An unknown kind is a 422 with the kinds there are.
    response = client.get("/api/search", params={"kind": "xyz"})
    assert response.status_code == 422
    assert "xyz" in response.json()["error"]["message"] and "statement" in response.json()["error"]["message"]
    # A person nobody is: no hits and a note that says so (not every record).
    nobody = search(client, speaker="Ola Nordmann")
    assert everything > 0 and nobody["count"] == 0
    assert any("Ola Nordmann" in note for note in nobody["notes"])
    nowhere = search(client, organisation="Atlantis kommune")
    assert nowhere["count"] == 0 and any("Atlantis" in note for note in nowhere["notes"])
    # The page says it too.
    page = client.get("/search", params={"speaker": "Ola Nordmann"}).text
    assert "ingen person i arkivet heter «Ola Nordmann»" in page and "0 treff" in page


def test_the_snippet_shows_the_compound_that_matched(client: TestClient) -> None:
    # "avtale" finds the seed article through "partnerskapsavtaler"; the snippet shows it marked.
    result = search(client, q="avtale", kind="news")
    seed = [h for h in result["data"] if h["reference"] == "2016/0007"]
    assert seed, [h["reference"] for h in result["data"]]
    assert "<mark>partnerskapsavtaler</mark>" in seed[0]["snippet"]
    # A plain lemma match is marked the same way.
    lemma = search(client, q="samarbeide", kind="statement")
    assert all("<mark>" in h["snippet"] for h in lemma["data"]) and lemma["count"] >= 1


def test_suggestions_for_what_people_start_typing(client: TestClient) -> None:
    # The suggestion endpoint offers Roger Ryberg for "ry" and the county for "busk".
    people = client.get("/api/suggest", params={"field": "speaker", "prefix": "ry"}).json()
    assert [s["value"] for s in people["suggestions"]] == ["Roger Ryberg"]
    assert people["suggestions"][0]["count"] == 5
    orgs = client.get("/api/suggest", params={"field": "organisation", "prefix": "busk"}).json()
    assert "Buskerud fylkeskommune" in [s["value"] for s in orgs["suggestions"]]
    # Each suggestion, used as the filter, finds what it counted.
    for s in people["suggestions"]:
        assert search(client, speaker=s["value"])["count"] == s["count"]
    # An unknown field is a 422.
    assert client.get("/api/suggest", params={"field": "password"}).status_code == 422
    # The search page carries the same names in <datalist>s for the browser to offer.
    page = client.get("/search", params={"q": "samarbeid"}).text
    assert '<datalist id="people">' in page and '<option value="Roger Ryberg">' in page
    assert 'list="people"' in page and 'list="organisations"' in page


def test_an_alias_from_the_person_record_finds_the_person(client: TestClient) -> None:
    # The archivist records that Roger Ryberg is also known as "Rogern" (a name no statement uses).
    service: ArchiveService = client.app.state.web.service  # type: ignore[attr-defined]
    ryberg = [p for p in service.people.list_people() if p["name"] == "Roger Ryberg"][0]
    person = service.people.person(ryberg["person_id"])
    assert person is not None
    service.done(service.archive.add_person_alias(ryberg["person_id"], expected_version=person["version"],
                                                  name="Rogern", recorded_by="test"))
    # Typed in lower case, the alias finds his five statements, and is suggested.
    assert search(client, speaker="rogern")["count"] == 5
    assert "Rogern" in [s["value"] for s in
                        client.get("/api/suggest", params={"field": "speaker", "prefix": "rog"}).json()["suggestions"]]
