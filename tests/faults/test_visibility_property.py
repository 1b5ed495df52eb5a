"""The visibility property (issue 11): whatever happens to a record, every public route agrees
with archive.visibility, field by field.

Hypothesis draws small archives — an agreement, a meeting, a statement and a news update, each
with invented words — and a sequence of status changes (correct, withdraw, unpublish, restrict,
release, cancel), made through the JSON API as an archivist. Then, as anonymous, every public
route is asked (search with and without known_at/valid_at as .json, .csv, .atom and /api/search;
/api/records and one record; a person's statements; the permalink pages) and each answer is
checked against the policy applied to the record's current state (read by an auditor):
- a record the policy hides: no hit, no count, no word of any of its versions, 404 on its own;
- a record the policy shows: found by its current words, served, and never with its `key`;
- an auditor finds every record, marked with the policy's mark.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.auth import Role
from api.config import WebSettings
from api.main import create_app
from api.tokens import create_token
from archive.service import ArchiveService
from archive.visibility import Access, access, mark_of

# Invented words (no Norwegian stem or stop word): W is searched for, C never is, so C may be
# looked for in any answer (queries are echoed back, C never was one).
WORDS = [f"{a}{b}qx" for a in ("zorb", "kvirn", "plomt", "fjaz", "trulk", "snepp") for b in ("ak", "ik", "ok", "uk")]
KINDS = ("agreement", "meeting", "statement", "news")
OPS = [("correct", k) for k in KINDS] + [("restrict", k) for k in KINDS] + [("release", k) for k in KINDS] + [
    ("withdraw", "statement"), ("unpublish", "news"), ("cancel", "meeting")]


@dataclass
class Tracked:
    """A record under test and every pair of words any of its versions held."""

    kind: str
    id: str
    reference: str
    words: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class World:
    client: TestClient
    service: ArchiveService
    archivist: dict[str, str]
    auditor: dict[str, str]
    words: Iterator[str]

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body, headers=self.archivist)
        # 202: stored, read models still catching up (a busy machine); settle() waits for them.
        assert response.status_code in (200, 201, 202), response.text
        return response.json()

    def settle(self) -> None:
        """Wait until every read model and the index have processed the whole log."""
        self.service.wait(self.service.runner.head(), timeout=60)

    def pair(self) -> tuple[str, str]:
        return next(self.words), next(self.words)

    def state(self, record: Tracked) -> dict[str, Any]:
        response = self.client.get(f"/api/records/{record.id}/state", headers=self.auditor)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


@contextmanager
def world() -> Iterator[World]:
    # Hypothesis seeds the global `random` for every example, and Whoosh names its segments
    # with it: without fresh entropy every example's index would reuse the same segment ids,
    # and the per-segment caches in search.query (keyed by segment id) would mix archives.
    random.seed(os.urandom(16))
    with tempfile.TemporaryDirectory() as tmp:
        settings_ = WebSettings(data_dir=Path(tmp) / "data", search_enabled=True)
        service = ArchiveService(settings_, search=True)
        archivist = create_token(settings_.resolved_tokens_file, Role.ARCHIVIST, "arkivar")
        auditor = create_token(settings_.resolved_tokens_file, Role.AUDITOR, "revisor")
        try:
            with TestClient(create_app(settings_, service), raise_server_exceptions=True) as client:
                yield World(client, service, {"Authorization": f"Bearer {archivist}"},
                            {"Authorization": f"Bearer {auditor}"}, iter(WORDS))
        finally:
            service.close()


def populate(w: World) -> tuple[dict[str, Tracked], dict[str, Any]]:
    """An organisation, a speaker and one record of each kind, each with its own words."""
    org = w.post("/api/organisations", {"name": "Vestfjord kommune", "organisation_kind": "kommune"})
    person = w.post("/api/people", {"name": "Ingrid Vågen", "party": "Sp"})
    made: dict[str, Tracked] = {}
    (wa, ca), (wm, cm), (ws, cs), (wn, cn) = w.pair(), w.pair(), w.pair(), w.pair()
    bodies = {
        "agreement": ("/api/agreements", {"title": f"Avtale {ca}", "parties": [org["id"]], "text": f"{wa} {ca}.",
                                          "effective_from": "2016-01-01"}, (wa, ca)),
        "meeting": ("/api/meetings", {"title": f"Møte {wm} {cm}", "start": "2016-03-03T10:00:00+01:00",
                                      "place": "Rådhuset", "organiser_id": org["id"]}, (wm, cm)),
        "statement": ("/api/statements", {"text": f"{ws} {cs}, sa hun.", "said_at": "2016-02-02",
                                          "speaker_id": person["id"], "speaker_name": "Ingrid Vågen",
                                          "party": "Sp"}, (ws, cs)),
        "news": ("/api/news", {"title": f"Nyhet {wn} {cn}", "paragraphs": [f"{wn} {cn}."],
                               "published_at": "2016-02-01", "organisation_id": org["id"]}, (wn, cn)),
    }
    for kind, (path, body, words) in bodies.items():
        created = w.post(path, body)
        made[kind] = Tracked(kind, created["id"], created["reference"], [words])
    w.settle()
    return made, person


def apply(w: World, record: Tracked, op: str) -> None:
    """One status change through the API; a change the record's state refuses (409/422) is skipped."""
    version = w.state(record)["version"]
    base = {"expected_version": version}
    if op == "correct":
        word, companion = w.pair()
        text = f"{word} {companion}."
        path, body = {
            "agreement": (f"/api/agreements/{record.id}/corrections",
                          {"corrects_version": 1, "changes": {"text": text, "title": f"Avtale {companion}"}}),
            "meeting": (f"/api/meetings/{record.id}/corrections", {"changes": {"title": f"Møte {text}"}}),
            "statement": (f"/api/statements/{record.id}/corrections", {"changes": {"text": text}}),
            "news": (f"/api/news/{record.id}/corrections",
                     {"changes": {"title": f"Nyhet {text}"}, "paragraphs": {"0": text}}),
        }[record.kind]
        body["reason"] = "Rettet"
    else:
        path, body = {
            "restrict": (f"/api/records/{record.id}/restriction", {"legal_basis": "offl. § 13"}),
            "release": (f"/api/records/{record.id}/release", {"reason": "Frigitt"}),
            "withdraw": (f"/api/statements/{record.id}/withdrawal", {"reason": "Trukket"}),
            "unpublish": (f"/api/news/{record.id}/unpublishing", {"reason": "Avpublisert"}),
            "cancel": (f"/api/meetings/{record.id}/cancellation", {"reason": "Avlyst"}),
        }[op]
    response = w.client.post(path, json={**base, **body}, headers=w.archivist)
    assert response.status_code in (200, 201, 202, 409, 422), (op, response.status_code, response.text)
    w.settle()
    if op == "correct" and response.status_code in (200, 201, 202):
        record.words.append((word, companion))


def keys_in(value: Any, parent: str = "") -> set[str]:
    if isinstance(value, dict):
        return {f"{parent}.{k}" for k in value} | {p for k, v in value.items() for p in keys_in(v, k)}
    if isinstance(value, list):
        return {p for v in value for p in keys_in(v, parent)}
    return set()


def check_public(w: World, records: dict[str, Tracked], person: dict[str, Any], moments: list[str]) -> None:
    anon = w.client
    states = {kind: w.state(r) for kind, r in records.items()}
    shown = {kind: access(states[kind], "public") is Access.FULL for kind in records}
    hidden_words = [c for kind, r in records.items() if not shown[kind] for _, c in r.words]
    # Lists: exactly the records the policy shows (plus the organisation and the speaker).
    listing = anon.get("/api/records", params={"page_size": 200}).json()
    listed = {row["id"] for row in listing["data"]}
    assert listing["count"] == len(listed) == 2 + sum(shown.values())
    for kind, record in records.items():
        assert (record.id in listed) is shown[kind], (kind, states[kind]["status"])
    # One record, its page and its JSON twin: served iff shown, never with its key.
    for kind, record in records.items():
        for url in (f"/api/records/{record.reference}", f"/r/{record.reference}", f"/r/{record.reference}.json",
                    f"/api/records/{record.reference}/history"):
            response = anon.get(url)
            assert response.status_code == (200 if shown[kind] else 404), (url, states[kind]["status"])
            if url.endswith(".json") or url.startswith("/api/"):
                assert not {k for k in keys_in(response.json()) if k.endswith(".key")}, url
    # The speaker's statements.
    said = anon.get(f"/api/people/{person['id']}/statements").json()
    assert ({row["statement_id"] for row in said["data"]} == {records["statement"].id}) is shown["statement"]
    pages = [anon.get("/api/records", params={"page_size": 200}).text, anon.get("/records.json").text,
             anon.get("/records.csv").text, anon.get("/records.atom").text, anon.get("/index.json").text,
             anon.get(f"/api/people/{person['id']}/statements").text]
    # Search: every word any version ever held, now and at every moment, on every route.
    for kind, record in records.items():
        for word, _companion in record.words:
            variants: list[dict[str, str]] = [{}, {"valid_at": "2016-06-01"}]
            variants += [{"known_at": moment} for moment in moments]
            for extra in variants:
                params = {"q": word, **extra}
                found = anon.get("/api/search", params=params).json()
                ids = {hit["id"] for hit in found["data"]}
                assert all(hit["fields"].get("visibility") == "public" for hit in found["data"]), (
                    params,
                    found["data"],
                )
                if not shown[kind]:
                    assert record.id not in ids and found["count"] == len(ids), (kind, params)
                    facet_total = sum(f["count"] for f in found["facets"].get("kind", []))
                    assert facet_total == found["count"], (kind, params)
            pages += [anon.get(route, params={"q": word, "known_at": moments[0]}).text
                      for route in ("/search.json", "/search.csv", "/search.atom")]
            pages += [anon.get(route, params={"q": word}).text for route in ("/search.json", "/search.csv")]
        if shown[kind]:
            # Not over-hidden: its current words find it.
            current = record.words[-1][0]
            found = anon.get("/api/search", params={"q": current}).json()
            assert record.id in {hit["id"] for hit in found["data"]}, (kind, current)
    for text in pages:
        for companion in hidden_words:
            assert companion not in text, companion
    # Staff: every record is found by its current words, marked as the policy marks it.
    for kind, record in records.items():
        found = w.client.get("/api/search", params={"q": record.words[-1][0]}, headers=w.auditor).json()
        marks = {hit["fields"].get("visibility") for hit in found["data"] if hit["id"] == record.id}
        assert marks == {mark_of(states[kind])}, (kind, marks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(OPS), min_size=1, max_size=6))
def test_every_public_route_agrees_with_the_visibility_policy(ops: list[tuple[str, str]]) -> None:
    with world() as w:
        # A small archive, then the drawn status changes, each after a remembered moment.
        records, person = populate(w)
        moments = []
        for op, kind in ops:
            moments.append(datetime.now(UTC).isoformat())
            apply(w, records[kind], op)
        # As anonymous, every public route against the policy; as an auditor, everything marked.
        check_public(w, records, person, moments)
