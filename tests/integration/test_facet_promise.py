"""A facet is a promise: over generated archives, every facet value the search shows, applied
as a filter, returns exactly the number of hits it showed — for every kind, with and without
search words. Archives are built through the archive's commands and searched over HTTP."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.config import WebSettings
from api.main import create_app
from archive.service import ArchiveService

BY = "egenskapstest"
PEOPLE = [("Roger Ryberg", "Ap"), ("Kari Hansen", "H"), ("Per Hansen", "Sp"), ("Åse Øvrebø", "SV"), ("Ola Berg", None)]
ORGANISATIONS = ["Buskerud fylkeskommune", "Ringerike kommune", "Hole kommune", "Nordvik fylkeskommune"]
ROLES = ["fylkesordfører", "ordfører", "varaordfører i Hole kommune", None]
WORDS = ["samarbeid om samferdsel", "samarbeidet med regionene", "budsjett og skole", "klima og næring"]
KINDS = ("agreement", "meeting", "statement", "news", "person", "organisation")

days = st.integers(min_value=0, max_value=9 * 365).map(lambda n: (date(2014, 1, 1) + timedelta(days=n)).isoformat())
statement = st.fixed_dictionaries({
    "person": st.integers(0, len(PEOPLE) - 1),
    "linked": st.booleans(),  # linked to the person record, or only a name as written
    "said_at": days,
    "role": st.sampled_from(ROLES),
    "organisation": st.one_of(st.none(), st.integers(0, len(ORGANISATIONS) - 1)),
    "org_by_id": st.booleans(),
    "words": st.sampled_from(WORDS),
})
archive_spec = st.fixed_dictionaries({
    "people": st.sets(st.integers(0, len(PEOPLE) - 1), max_size=len(PEOPLE)),
    "organisations": st.sets(st.integers(0, len(ORGANISATIONS) - 1), min_size=1, max_size=len(ORGANISATIONS)),
    "statements": st.lists(statement, max_size=7),
    "news": st.lists(st.tuples(days, st.sampled_from(WORDS)), max_size=3),
    "meetings": st.lists(st.tuples(days, st.integers(0, len(ORGANISATIONS) - 1), st.sampled_from(WORDS)), max_size=3),
    "agreements": st.lists(st.tuples(days, st.sampled_from(WORDS)), max_size=2),
})


def build(service: ArchiveService, spec: dict[str, Any]) -> None:
    app = service.archive
    orgs = {i: app.register_organisation(name=ORGANISATIONS[i], organisation_kind="kommune", recorded_by=BY).id
            for i in sorted(spec["organisations"])}
    people = {i: app.register_person(name=PEOPLE[i][0], party=PEOPLE[i][1], recorded_by=BY).id
              for i in sorted(spec["people"])}
    for n, s in enumerate(spec["statements"]):
        name, party = PEOPLE[s["person"]]
        org = s["organisation"] if s["organisation"] in orgs else None
        app.record_statement(
            key=f"st{n}", text=f"Vi vil ha mer {s['words']}.", said_at=s["said_at"], recorded_by=BY,
            speaker_id=people.get(s["person"]) if s["linked"] else None, speaker_name=name, party=party,
            speaker_role=s["role"],
            organisation_id=orgs[org] if org is not None and s["org_by_id"] else None,
            organisation_name=ORGANISATIONS[org] if org is not None and not s["org_by_id"] else None,
        )
    for n, (day, words) in enumerate(spec["news"]):
        app.publish_news(key=f"nw{n}", title=f"Nytt om {words}", paragraphs=[f"Fylket melder {words}."],
                         published_at=day, recorded_by=BY)
    for n, (day, org, words) in enumerate(spec["meetings"]):
        org = org if org in orgs else min(orgs)
        app.schedule_meeting(key=f"mt{n}", title=f"Møte om {words}", start=day, recorded_by=BY,
                             organiser_id=orgs[org], organiser_name=ORGANISATIONS[org], place="Rådhuset")
    for n, (day, words) in enumerate(spec["agreements"]):
        app.register_agreement(key=f"ag{n}", title=f"Avtale om {words}", parties=[orgs[min(orgs)]],
                               text=f"Partene skal {words}.", effective_from=day, recorded_by=BY)
    service.catch_up()


def check_promises(client: TestClient, base: dict[str, str]) -> int:
    """Click every facet value of the search `base`; returns how many were checked."""
    shown = client.get("/api/search", params=base).json()
    checked = 0
    for name, values in shown["facets"].items():
        for facet in values:
            clicked = client.get("/api/search", params={**base, name: facet["value"], "page_size": 1})
            assert clicked.status_code == 200, clicked.text
            body = clicked.json()
            assert body["count"] == facet["count"], (base, name, facet, body["notes"])
            checked += 1
    return checked


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=archive_spec)
def test_every_facet_value_returns_the_count_it_showed(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # Build the archive through its commands and let the index catch up.
        settings_ = WebSettings(data_dir=Path(tmp) / "data", search_enabled=True)
        service = ArchiveService(settings_, search=True)
        try:
            build(service, spec)
            with TestClient(create_app(settings_, service), raise_server_exceptions=True) as client:
                # Browse and search, overall and within every kind, and click every facet value.
                checked = 0
                for q in ("", "samarbeid"):
                    for kind in (None, *KINDS):
                        base = {"q": q, **({"kind": kind} if kind else {})}
                        if not q and not kind:
                            base = {"page_size": "1"}
                        checked += check_promises(client, base)
                # Organisations are always registered, so there was always something to click.
                assert checked > 0
        finally:
            service.close()
