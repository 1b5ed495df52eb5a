"""Invented records for the web tests, loaded through the JSON API as an archivist would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Loaded:
    org: dict[str, Any]
    region: dict[str, Any]
    person: dict[str, Any]
    news: dict[str, Any]
    statement: dict[str, Any]
    agreement: dict[str, Any]
    meeting: dict[str, Any]


def load_records(s: Any) -> Loaded:
    org = s.post("/api/organisations", {"name": "Buskerud fylkeskommune", "organisation_kind": "fylkeskommune"})
    region = s.post("/api/organisations", {"name": "Ringeriksregionen", "organisation_kind": "kommuneregion"})
    person = s.post("/api/people", {"name": "Roger Ryberg", "party": "Ap"})
    person = s.post(f"/api/people/{person['id']}/roles", {
        "expected_version": person["version"], "role": "fylkesordfører", "organisation_id": org["id"],
        "organisation_name": "Buskerud fylkeskommune", "valid_from": "2015-10-15"})
    agreement = s.post("/api/agreements", {
        "title": "Partnerskapsavtale med Ringeriksregionen", "parties": [org["id"], region["id"]],
        "text": "Partene skal samarbeide om regional utvikling.", "effective_from": "2015-01-01"})
    agreement = s.post(f"/api/agreements/{agreement['id']}/revisions", {
        "expected_version": agreement["version"], "effective_from": "2016-02-10",
        "reason": "Ny avtaleperiode", "text": "Partene skal samarbeide tett om regional utvikling og planstrategi."})
    news = s.post("/api/news", {
        "title": "Fylkeskommunen styrker samarbeidet med kommuneregionene",
        "lede": "Buskerud fylkeskommune samlet ordførerne.",
        "paragraphs": ["Onsdag samlet fylkeskommunen ordførerne på Klækken.",
                       "- Vi skal være mer aktive, ikke bare være en lyttepost, sier Ryberg.",
                       "Samarbeidet styrkes."],
        "published_at": "2016-02-11", "organisation_id": org["id"],
        "source_url": "https://example.org/nyhet",
        "related_links": [{"title": "Nå skal vi finne løsninger sammen", "url": "https://example.org/losninger"}],
        "cited_documents": [{"title": "Veileder, Regional planstrategi", "source": "Veileder",
                             "text": "Samtidighet og god kontakt mellom aktørene."}]})
    statement = s.post("/api/statements", {
        "text": "Vi skal være mer aktive, ikke bare være en lyttepost, men bruke arenaen som kommuneregionene er.",
        "said_at": "2016-02-11", "speaker_id": person["id"], "speaker_name": "Roger Ryberg",
        "speaker_role": "fylkesordfører", "party": "Ap", "organisation_id": org["id"],
        "organisation_name": "Buskerud fylkeskommune", "context": {"news_id": news["id"], "paragraph": 1},
        "attribution": {"method": "dash-quote", "confidence": 0.9, "flagged": False}})
    # The update links the statement, as the importer does once both exist.
    news = s.post(f"/api/news/{news['id']}/updates", {"expected_version": 1, "updated_at": "2016-09-27",
                                                       "statement_ids": [statement["id"]]})
    statement = s.post(f"/api/statements/{statement['id']}/corrections", {
        "expected_version": statement["version"], "changes": {"speaker_role": "fylkesordfører i Buskerud"},
        "reason": "Presisert rolle"})
    meeting = s.post("/api/meetings", {"title": "Regionmøte på Klækken", "start": "2016-02-10T10:00:00+01:00",
                                       "end": "2016-02-10T15:00:00+01:00", "place": "Klækken",
                                       "organiser_id": org["id"], "organiser_name": "Buskerud fylkeskommune"})
    meeting = s.post(f"/api/meetings/{meeting['id']}/details", {
        "expected_version": meeting["version"],
        "agenda": [{"number": "1/16", "title": "Regional planstrategi", "proposal": "Slutte seg til.",
                    "decision": "Enstemmig vedtatt."}],
        "participants": [{"name": "Roger Ryberg", "role": "fylkesordfører", "party": "Ap",
                          "person_id": person["id"]}],
        "minutes": "Møtet ble avholdt som planlagt."})
    return Loaded(org, region, person, news, statement, agreement, meeting)
