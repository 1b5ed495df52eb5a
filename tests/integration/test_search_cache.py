"""The search result cache (search.query): page 2 and repeated queries are answered from a cache
keyed by the index commit, so a write is seen at once, and by the caller's visibility, so an
anonymous answer never reaches staff or the other way round. Over HTTP, on the real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.config import WebSettings
from api.main import create_app
from api.tokens import create_token
from archive.service import ArchiveService
from search.index import open_index
from search.query import SearchParams, search
from search.readers import index_state
from search.results import ResultCache
from tests.api.records import Loaded, load_records


class Archive:
    def __init__(self, client: TestClient, service: ArchiveService, archivist: str, auditor: str) -> None:
        self.client = client
        self.service = service
        self.archivist = {"Authorization": f"Bearer {archivist}"}
        self.auditor = {"Authorization": f"Bearer {auditor}"}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body, headers=self.archivist)
        assert response.status_code in (200, 201, 202), response.text
        self.service.catch_up()
        return response.json()

    def find(self, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
        response = self.client.get("/api/search", params=params, headers=headers or {})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    settings = WebSettings(data_dir=tmp_path / "data", search_enabled=True)
    service = ArchiveService(settings, search=True)
    archivist = create_token(settings.resolved_tokens_file, Role.ARCHIVIST, "arkivar-test")
    auditor = create_token(settings.resolved_tokens_file, Role.AUDITOR, "revisor-test")
    with TestClient(create_app(settings, service), raise_server_exceptions=True) as client:
        yield Archive(client, service, archivist, auditor)
    service.close()


def statement(loaded: Loaded, text: str) -> dict[str, Any]:
    return {"text": text, "said_at": "2016-03-01", "speaker_id": loaded.person["id"],
            "speaker_name": "Roger Ryberg", "party": "Ap"}


def test_a_write_invalidates_cached_pages_and_totals(archive: Archive) -> None:
    loaded = load_records(archive)
    # A journalist searches, pages on and searches again: the answers come from the cache
    # (the same hit objects in-process), and page 2 continues page 1.
    index = archive.service.search.ix
    first = search(index, SearchParams(q="lyttepost", page_size=1))
    assert search(index, SearchParams(q="lyttepost", page_size=1)).hits[0] is first.hits[0]
    before = archive.find(q="lyttepost", page_size=100)
    page1 = archive.find(q="lyttepost", page_size=1)
    page2 = archive.find(q="lyttepost", page_size=1, page=2)
    assert before["count"] == page1["count"] == page2["count"] >= 2
    assert page2["data"] and page2["data"][0]["id"] != page1["data"][0]["id"]
    # An archivist records a new statement with the same word.
    new = archive.post("/api/statements", statement(loaded, "Kommunen skal ikke være en lyttepost i regionen."))
    # The same searches now count it, and it is on page 1.
    after = archive.find(q="lyttepost", page_size=100)
    assert after["count"] == before["count"] + 1
    assert new["id"] in {h["id"] for h in after["data"]}
    assert archive.find(q="lyttepost", page_size=1)["count"] == before["count"] + 1
    assert search(index, SearchParams(q="lyttepost", page_size=1)).total == first.total + 1
    # A correction that removes the word takes the statement out again, page 2 included.
    archive.post(f"/api/statements/{new['id']}/corrections",
                 {"expected_version": new["version"], "changes": {"text": "Kommunen skal være aktiv i regionen."},
                  "reason": "Rett sitat"})
    again = archive.find(q="lyttepost", page_size=100)
    assert again["count"] == before["count"] and new["id"] not in {h["id"] for h in again["data"]}


def test_a_cached_answer_never_crosses_visibility(archive: Archive) -> None:
    loaded = load_records(archive)
    secret = archive.post("/api/statements", statement(loaded, "Hemmelig tunnelplan for Sundvollen og Hole."))
    archive.post(f"/api/records/{secret['id']}/restriction",
                 {"expected_version": secret["version"], "legal_basis": "offl. § 13"})
    # The public asks first (its answer is cached): the screened statement is not there.
    public = archive.find(q="tunnelplan")
    assert public["count"] == 0 and public["data"] == []
    # An auditor asks the same thing next and gets the screened statement, not the cached public answer,
    staff = archive.find(archive.auditor, q="tunnelplan")
    assert staff["count"] == 1 and staff["data"][0]["id"] == secret["id"]
    # and the public asking again still gets nothing, facets included.
    again = archive.find(q="tunnelplan")
    assert again["count"] == 0 and all(not values for values in again["facets"].values())
    # The other way round, on page 2 as well: staff first, then the public.
    staff_page = archive.find(archive.auditor, q="Sundvollen", page_size=1)
    assert staff_page["count"] == 1
    assert archive.find(q="Sundvollen", page_size=1)["count"] == 0
    assert archive.find(q="Sundvollen", page_size=1, page=2)["data"] == []
    # As known at a moment (time travel) is its own answer too: before the statement existed.
    assert archive.find(archive.auditor, q="tunnelplan", known_at="2000-01-01T00:00:00+00:00")["count"] == 0
    assert archive.find(archive.auditor, q="tunnelplan")["count"] == 1


def test_pages_rendered_ahead_are_the_pages_of_their_commit(archive: Archive) -> None:
    loaded = load_records(archive)
    projection = archive.service.search
    cache = index_state(projection.ix).attached(ResultCache)
    for text in ("Kyststien må bli ferdig.", "Kyststien trenger penger.", "Kyststien er viktig for Hole."):
        archive.post("/api/statements", statement(loaded, text))

    def fresh(page: int, page_size: int) -> list[str]:
        # The same page from another index object on the same folder: no cache, no worker.
        other = open_index(projection.index_dir, create_if_missing=False)
        try:
            hits = search(other, SearchParams(q="kyststien", page_size=page_size, page=page)).hits
            return [h.record_id for h in hits]
        finally:
            other.close()

    def ids(found: dict[str, Any]) -> list[str]:
        return [h["id"] for h in found["data"]]

    # A journalist reads page 1, then page 2: from then on page 2 is rendered with page 1.
    assert archive.find(q="kyststien", page_size=1)["count"] == 3
    archive.find(q="kyststien", page_size=1, page=2)
    assert archive.find(q="kyststien", page_size=2)["count"] == 3
    assert any(k[1:] == (2, 2) for k in cache.pages._data)  # page 2 of 2 hits, kept before anyone asked
    # The page rendered ahead is the page a fresh reader gets.
    assert ids(archive.find(q="kyststien", page_size=2, page=2)) == fresh(2, 2)
    # Page 1 of two hits has page 2 rendered ahead; a write comes in before page 2 is read.
    assert archive.find(q="kyststien", page_size=2)["count"] == 3
    archive.post("/api/statements", statement(loaded, "Kyststien ved Hole åpner i mai, sier kyststien-gruppa."))
    # Both pages answer from the new commit: four statements, as a fresh reader sees them.
    pages = [archive.find(q="kyststien", page_size=2, page=n) for n in (1, 2)]
    assert [p["count"] for p in pages] == [4, 4]
    assert ids(pages[0]) == fresh(1, 2) and ids(pages[1]) == fresh(2, 2)
    assert len(set(ids(pages[0]) + ids(pages[1]))) == 4
