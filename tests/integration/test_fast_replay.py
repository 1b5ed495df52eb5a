"""The read models' replay, however it is made faster, says what the domain replay says.

A generated log (every record kind, each taken through many of its events, several changes of one
record saved together so that they land in one batch) is projected in different ways, and every
read model's digest must come out the same: batches of one event (no two changes of a record ever
share a batch) against the catch-up's large batches (a record's views are copied only when it
changes again within the batch).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from archive.application import Archive
from archive.config import Settings
from archive.readmodels.runner import CATCH_UP_BATCH_LIMIT, ProjectionRunner
from archive.service import ArchiveService

BY = "arkivar@test"
SOURCE = {"uri": "https://example.invalid/kilde", "sha256": "1" * 64}


@pytest.fixture
def service(settings_factory: Callable[..., Settings]) -> Iterator[ArchiveService]:
    svc = ArchiveService(settings_factory(), search=False)
    yield svc
    svc.close()


def write_varied_log(app: Archive, rounds: int, seed: int = 11) -> None:
    """`rounds` of records of every kind, each round one unit of work (its events side by side in the log)."""
    rng = random.Random(seed)
    county = app.register_organisation(name="Vestfjell fylkeskommune", organisation_kind="fylkeskommune",
                                       recorded_by=BY).id
    regions = [app.register_organisation(name=f"Region {n}", organisation_kind="kommuneregion", parent_id=county,
                                         recorded_by=BY).id for n in range(3)]
    for r in range(rounds):
        with app.unit_of_work():
            _person(app, rng, r, county)
            _agreement(app, rng, r, [county, *regions])
            meeting = _meeting(app, rng, r, county)
            said = _statement(app, rng, r, county)
            _news(app, rng, r, said, meeting)


def _version(app: Archive, record_id: str) -> int:
    return app.current_version(record_id)


def _person(app: Archive, rng: random.Random, r: int, county: str) -> str:
    pid = app.register_person(name=f"Kari Nordbø {r}", party=rng.choice(["Ap", "Sp", None]), recorded_by=BY).id
    app.assign_role(pid, expected_version=1, role="fylkesordfører", organisation_id=county,
                    organisation_name="Vestfjell fylkeskommune", valid_from="2019-10-15", recorded_by=BY)
    if rng.random() < 0.7:
        app.change_party(pid, expected_version=2, party=f"Parti {r}", valid_from="2021-01-01", recorded_by=BY)
    if rng.random() < 0.5:
        app.rename_person(pid, expected_version=_version(app, pid), name=f"Kari Nordbø Lie {r}",
                          reason="Giftet seg", recorded_by=BY)
    app.add_person_alias(pid, expected_version=_version(app, pid), name=f"K. Nordbø {r}", recorded_by=BY)
    if rng.random() < 0.5:
        app.end_role(pid, expected_version=_version(app, pid), role="fylkesordfører", organisation_id=county,
                     valid_to="2023-10-14", recorded_by=BY)
    return pid


def _agreement(app: Archive, rng: random.Random, r: int, parties: list[str]) -> str:
    aid = app.register_agreement(key=f"avtale-{r}", title=f"Partnerskapsavtale {r}", parties=parties[:2],
                                 text="Partene samarbeider.", effective_from="2020-01-01", recorded_by=BY,
                                 source=SOURCE).id
    for n in range(rng.randint(0, 3)):
        app.revise_agreement(aid, expected_version=_version(app, aid), effective_from=f"202{n + 1}-03-01",
                             text=f"Partene samarbeider om punkt {n}.", parties=parties[: 2 + n % 2],
                             reason="Ny revisjon", recorded_by=BY)
    if rng.random() < 0.6:
        app.correct_agreement(aid, expected_version=_version(app, aid), corrects_version=1,
                              changes={"title": f"Partnerskapsavtale {r} (rettet)"}, reason="Skrivefeil",
                              recorded_by=BY)
    if rng.random() < 0.5:
        app.restrict(aid, expected_version=_version(app, aid), legal_basis="Offl. § 13",
                     public_title="Avtale (skjermet)", reason="Taushetsplikt", recorded_by=BY)
        if rng.random() < 0.5:
            app.release(aid, expected_version=_version(app, aid), reason="Utløpt", recorded_by=BY)
    if rng.random() < 0.4:
        app.terminate_agreement(aid, expected_version=_version(app, aid), effective_to="2024-12-31",
                                reason="Over", recorded_by=BY)
    return aid


def _meeting(app: Archive, rng: random.Random, r: int, county: str) -> str:
    start = rng.choice([f"2024-03-{1 + r % 28:02d}T10:00:00+01:00", f"2024-04-{1 + r % 28:02d}", None])
    mid = app.schedule_meeting(key=f"møte-{r}", title=f"Fylkestinget {r}", start=start, organiser_id=county,
                               organiser_name="Vestfjell fylkeskommune", place="Fylkeshuset", recorded_by=BY).id
    if rng.random() < 0.2:
        app.cancel_meeting(mid, expected_version=1, reason="Trukket", recorded_by=BY)
        return mid
    for n in range(rng.randint(1, 3)):
        app.add_agenda_item(mid, expected_version=_version(app, mid), number=f"{n + 1}/24", title=f"Sak {n}",
                            proposal="Forslag.", recorded_by=BY)
    app.record_decision(mid, expected_version=_version(app, mid), number="1/24", decision="Vedtatt.",
                        recorded_by=BY)
    app.record_meeting_details(mid, expected_version=_version(app, mid), recorded_by=BY,
                               participants=[{"name": f"Deltaker {n}", "role": "medlem", "present": n % 2 == 0,
                                              "party": "Ap"} for n in range(rng.randint(1, 4))])
    if rng.random() < 0.7:
        app.record_minutes(mid, expected_version=_version(app, mid), text="Møtet ble satt.", recorded_by=BY)
        if rng.random() < 0.5:
            app.approve_minutes(mid, expected_version=_version(app, mid), approved_on="2024-05-02", recorded_by=BY)
    if rng.random() < 0.5:
        app.correct_meeting(mid, expected_version=_version(app, mid), changes={"place": "Sal A"},
                            decisions={"1/24": "Vedtatt enstemmig."}, reason="Rettet", recorded_by=BY)
    return mid


def _statement(app: Archive, rng: random.Random, r: int, county: str) -> str:
    # Values the domain's checks change or keep (blank names become None), long and short texts
    # (titles cut at 80 characters), with and without speaker, context and attribution.
    sid = app.record_statement(key=f"uttalelse-{r}", text=f"Vi må bygge veiene {r}. " * rng.choice([1, 9]),
                               said_at=rng.choice(["2024-03-07", None]),
                               speaker_name=rng.choice([f"Kari Nordbø {r}", "   ", None]),
                               speaker_role=rng.choice(["fylkesordfører", " ", None]), party=rng.choice(["Ap", None]),
                               organisation_id=rng.choice([county, None]),
                               organisation_name=rng.choice(["Vestfjell fylkeskommune", None]),
                               context=rng.choice([None, {"meeting": f"møte-{r}", "items": [1, 2]}]),
                               attribution=rng.choice([None, {"method": "colon", "confidence": 0.9}]),
                               recorded_by=BY, source=SOURCE).id
    if rng.random() < 0.5:  # a second statement changed no more in the batch: its view never copied
        app.record_statement(key=f"uttalelse-{r}-b", text="Kort.", said_at=None, speaker_name=None,
                             recorded_by=BY)
    if rng.random() < 0.6:
        app.correct_statement(sid, expected_version=1, changes={"said_at": "2024-03-08"}, reason="Feil dato",
                              recorded_by=BY)
    if rng.random() < 0.4:
        app.restrict(sid, expected_version=_version(app, sid), legal_basis="Offl. § 13", public_title=None,
                     reason="Skjermet", recorded_by=BY)
        app.release(sid, expected_version=_version(app, sid), reason="Opphevet", recorded_by=BY)
    if rng.random() < 0.3:
        app.withdraw_statement(sid, expected_version=_version(app, sid), reason="Feil tilskrevet", recorded_by=BY)
    return sid


def _news(app: Archive, rng: random.Random, r: int, said: str, meeting: str) -> str:
    nid = app.publish_news(key=f"nyhet-{r}", title=f"Fylkestinget vedtok {r}", paragraphs=["Vedtatt.", "Tre imot."],
                           published_at=rng.choice(["2024-03-08", None]), lede="Planen er vedtatt.",
                           recorded_by=BY, source=SOURCE, statement_ids=[said], meeting_ids=[meeting],
                           date_source="text").id
    for n in range(rng.randint(0, 2)):
        app.update_news(nid, expected_version=_version(app, nid), updated_at=rng.choice([f"2024-03-{10 + n}", None]),
                        recorded_by=BY, paragraphs=["Vedtatt.", f"Oppdatert {n}."])
    if rng.random() < 0.5:
        app.correct_news(nid, expected_version=_version(app, nid), reason="Skrivefeil", recorded_by=BY,
                         paragraphs={"0": "Vedtatt av tinget."})
    if rng.random() < 0.3:
        app.restrict(nid, expected_version=_version(app, nid), legal_basis="Offl. § 13", public_title="Skjermet",
                     reason="Skjermet", recorded_by=BY)
    if rng.random() < 0.3:
        app.unpublish_news(nid, expected_version=_version(app, nid), reason="Feil", recorded_by=BY)
    return nid


def digests_after_catch_up(svc: ArchiveService, batch_size: int, fast: bool = True) -> dict[str, str]:
    """Every record model replayed from nothing in batches of `batch_size` (one event each for 1,
    else growing while full), new statements' views built from their events (`fast`) or all of it by the domain."""
    for projection in svc.records:
        projection.reset()
        if projection.replay is not None:
            projection.replay.fast = fast
    runner = ProjectionRunner("test", svc.archive.recorder, svc.archive.mapper.to_domain_event, svc.records,
                              batch_size=batch_size, max_batch_size=1 if batch_size == 1 else CATCH_UP_BATCH_LIMIT)
    runner.catch_up()
    assert runner.position() == runner.head()
    return {p.name: p.digest() for p in svc.records}


def test_batches_of_one_event_and_large_batches_give_the_same_read_models(service: ArchiveService) -> None:
    # Write a varied log: each round's events saved together, so a record changes many times in a batch.
    write_varied_log(service.archive, rounds=40)
    service.catch_up()
    live = {p.name: p.digest() for p in service.records}

    # Replaying one event per batch (never two changes of a record in one batch) says the same,
    one_by_one = digests_after_catch_up(service, batch_size=1)
    assert one_by_one == live
    # and so do the catch-up's large batches (up to 16,000 events, the whole log here).
    assert digests_after_catch_up(service, batch_size=500) == live


def test_views_built_from_events_give_the_same_read_models_as_the_domain_replay(service: ArchiveService) -> None:
    # Write a varied log, every record kind through its events, statements with every shape of value.
    write_varied_log(service.archive, rounds=60, seed=5)

    # The domain replay (every record built by its aggregate) gives the reference digests,
    domain = digests_after_catch_up(service, batch_size=500, fast=False)
    # and the fast path (new statements' views from their events, the aggregate built only when a
    # later event needs it) gives the same, in large batches and in batches of one event.
    assert digests_after_catch_up(service, batch_size=500, fast=True) == domain
    assert digests_after_catch_up(service, batch_size=1, fast=True) == domain
