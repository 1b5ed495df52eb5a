"""The archive core, narrated: commands, invariants, both time axes, read models — per backend."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from archive.config import Settings
from archive.exceptions import InvalidCommand, RecordNotFound, VersionConflict
from archive.readmodels.catalog import CatalogFilter
from archive.service import ArchiveService

ME = "arkivar@test"

KOMMUNEREGIONER = [
    "Kongsbergregionen",
    "Hallingdal",
    "Ringerike",
    "Midt-Buskerud",
    "Vestregionen",
    "Drammensregionen",
]


@pytest.fixture
def service(settings_factory: Callable[..., Settings]) -> Iterator[ArchiveService]:
    svc = ArchiveService(settings_factory(), search=False)
    yield svc
    svc.close()


def head(svc: ArchiveService) -> int:
    return svc.runner.head()


def seed_world(svc: ArchiveService) -> dict[str, Any]:
    """Buskerud fylkeskommune and its six kommuneregioner, as in the seed article."""
    app = svc.archive
    county = app.register_organisation(name="Buskerud fylkeskommune", organisation_kind="fylkeskommune", recorded_by=ME)
    regions = [
        app.register_organisation(name=name, organisation_kind="kommuneregion", recorded_by=ME, parent_id=county.id)
        for name in KOMMUNEREGIONER
    ]
    return {"county": county, "regions": regions}


class TestAgreementsOnTwoTimeAxes:
    def test_partnership_agreement_revised_then_corrected(self, service: ArchiveService) -> None:
        # Register the seed's world: the county and its six municipal regions.
        world = seed_world(service)
        parties = [world["county"].id, *(r.id for r in world["regions"])]
        app = service.archive

        # Register the partnership agreement, in force from 2016-01-01.
        registered = app.register_agreement(
            key="buskerud-partnerskap-2016",
            title="Partnerskapsavtale mellom Buskerud fylkeskommune og kommuneregionene",
            parties=parties,
            text="Partene skal samarbeide om regional utvikling.",
            effective_from="2016-01-01",
            recorded_by=ME,
        )
        assert registered.created and registered.version == 1
        assert registered.reference.startswith("2016/")

        # Revise it from 2016-09-01, with a reason; the revised text has a typo.
        revised = app.revise_agreement(
            registered.id,
            expected_version=1,
            effective_from="2016-09-01",
            reason="Årlig samling lagt til etter møtet på Klækken",
            text="Partene skal samarbeide om regional utvikling og møtes årlig på Klækkken.",
            recorded_by=ME,
        )
        service.done(revised)
        before_correction = datetime.now(UTC)

        # On a later day the archivist corrects the typo in what was recorded for version 2.
        corrected = app.correct_agreement(
            registered.id,
            expected_version=2,
            corrects_version=2,
            changes={"text": "Partene skal samarbeide om regional utvikling og møtes årlig på Klækken."},
            reason="Skrivefeil i registrert tekst",
            recorded_by=ME,
        )
        service.done(corrected)
        history = service.history

        # What did the agreement say on 2016-03-01? The first text.
        march = history.as_of(registered.id, valid_at="2016-03-01")
        assert march is not None and march["content"]["text"] == "Partene skal samarbeide om regional utvikling."

        # What does it say from 2016-10-01? The revision, as corrected.
        october = history.as_of(registered.id, valid_at="2016-10-01")
        assert october is not None and october["content"]["text"].endswith("på Klækken.")
        assert october["event_type"] == "Corrected"

        # What did the archive say, before the correction, about 2016-10-01? The typo.
        then = history.as_of(registered.id, valid_at="2016-10-01", known_at=before_correction)
        assert then is not None and then["content"]["text"].endswith("på Klækkken.")

        # Every version is there, with who and why; the corrected one was superseded, not deleted.
        versions = history.versions(registered.id)
        assert [v["event_type"] for v in versions] == ["Registered", "Revised", "Corrected"]
        assert versions[0]["valid_to"] == "2016-09-01"
        assert versions[1]["superseded_at"] is not None and versions[2]["superseded_at"] is None
        assert versions[1]["reason"].startswith("Årlig samling")
        assert all(v["recorded_by"] == ME for v in versions)

        # The catalog shows the current state, findable by the citable reference.
        entry = service.catalog.get(registered.reference)
        assert entry is not None and entry["id"] == registered.id and entry["version"] == 3

    def test_termination_ends_the_valid_period(self, service: ArchiveService) -> None:
        # An agreement in force from 2016 is terminated at the end of 2019.
        app = service.archive
        ag = app.register_agreement(
            title="Avtale", parties=["a"], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        service.done(
            app.terminate_agreement(
                ag.id, expected_version=1, effective_to="2019-12-31", reason="Regionreformen", recorded_by=ME
            )
        )
        # Before the end it is in force; after, the archive shows it terminated.
        assert service.history.as_of(ag.id, valid_at="2018-06-01")["content"]["status"] == "in_force"
        assert service.history.as_of(ag.id, valid_at="2020-01-01")["content"]["status"] == "terminated"
        assert service.catalog.get(ag.id)["status"] == "terminated"

    @pytest.mark.parametrize(
        "command, message",
        [
            (
                lambda app, i: app.revise_agreement(
                    i, expected_version=2, effective_from="2017-01-01", reason="r", text="ny", recorded_by=ME
                ),
                "terminated",
            ),
            (
                lambda app, i: app.correct_agreement(
                    i, expected_version=2, corrects_version=7, changes={"text": "x"}, reason="r", recorded_by=ME
                ),
                "version 7",
            ),
            (
                lambda app, i: app.terminate_agreement(
                    i, expected_version=2, effective_to="2017-01-01", reason="igjen", recorded_by=ME
                ),
                "already terminated",
            ),
        ],
    )
    def test_invariants_of_a_terminated_agreement(self, service: ArchiveService, command: Any, message: str) -> None:
        # Given a terminated agreement,
        app = service.archive
        ag = app.register_agreement(
            title="Avtale", parties=["a"], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        app.terminate_agreement(ag.id, expected_version=1, effective_to="2016-12-31", reason="slutt", recorded_by=ME)
        log_head = head(service)
        # the command is refused with a domain error and nothing is saved.
        with pytest.raises(InvalidCommand, match=message):
            command(app, ag.id)
        assert head(service) == log_head

    def test_invariants_of_registration_and_revision(self, service: ArchiveService) -> None:
        app = service.archive
        log_head = head(service)
        # Empty title or text, or a bad date, is refused and saves nothing.
        for bad in ({"title": " "}, {"text": ""}, {"effective_from": "2016-02-30"}):
            fields = {"title": "Avtale", "parties": ["a"], "text": "Tekst", "effective_from": "2016-01-01", **bad}
            with pytest.raises(InvalidCommand):
                app.register_agreement(recorded_by=ME, **fields)
        assert head(service) == log_head
        # A revision needs a reason and may not start before the previous revision.
        ag = app.register_agreement(
            title="Avtale", parties=["a"], text="Tekst", effective_from="2016-06-01", recorded_by=ME
        )
        with pytest.raises(InvalidCommand, match="earlier"):
            app.revise_agreement(
                ag.id, expected_version=1, effective_from="2016-01-01", reason="r", text="Ny", recorded_by=ME
            )
        with pytest.raises(InvalidCommand, match="reason"):
            app.revise_agreement(
                ag.id, expected_version=1, effective_from="2016-09-01", reason="", text="Ny", recorded_by=ME
            )
        with pytest.raises(InvalidCommand, match="must change"):
            app.revise_agreement(ag.id, expected_version=1, effective_from="2016-09-01", reason="r", recorded_by=ME)
        assert app.current_version(ag.id) == 1

    def test_restriction_and_release(self, service: ArchiveService) -> None:
        # Screening hides the record from public lists; the auditor's view still has it.
        app = service.archive
        ag = app.register_agreement(
            title="Hemmelig avtale", parties=["a"], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        service.done(
            app.restrict(
                ag.id, expected_version=1, legal_basis="Offl. § 13", public_title="Avtale (skjermet)", recorded_by=ME
            )
        )
        public, _ = service.catalog.list(CatalogFilter(kind="agreement"))
        everything, _ = service.catalog.list(CatalogFilter(kind="agreement", include_restricted=True))
        assert public == [] and len(everything) == 1 and everything[0]["restricted"]
        # Releasing needs a reason.
        with pytest.raises(InvalidCommand, match="reason"):
            app.release(ag.id, expected_version=2, reason="", recorded_by=ME)
        service.done(app.release(ag.id, expected_version=2, reason="Skjermingstiden er ute", recorded_by=ME))
        assert service.catalog.list(CatalogFilter(kind="agreement"))[1] == 1

    def test_screening_after_correcting_an_earlier_revision_screens_the_agreement_as_it_stands(
        self, service: ArchiveService
    ) -> None:
        # An agreement revised in 2021, then a typo corrected in its 2020 text, then screened:
        app = service.archive
        ag = app.register_agreement(title="Avtale", parties=["a"], text="Tekst 2020", effective_from="2020-01-01",
                                    recorded_by=ME)
        app.revise_agreement(ag.id, expected_version=1, effective_from="2021-01-01", reason="Ny revisjon",
                             text="Tekst 2021", recorded_by=ME)
        app.correct_agreement(ag.id, expected_version=2, corrects_version=1, changes={"text": "Tekst 2020, rettet"},
                              reason="Skrivefeil", recorded_by=ME)
        service.done(app.restrict(ag.id, expected_version=3, legal_basis="Offl. § 13", recorded_by=ME))
        # the screening's version holds the 2021 text from 2021 on (it once took the corrected 2020 revision's
        # text and period, so the agreement as it stands today had no current row),
        screened = service.history.version(ag.id, 4)
        assert screened is not None and screened["content"]["text"] == "Tekst 2021"
        assert (screened["valid_from"], screened["valid_to"]) == ("2021-01-01", None)
        assert screened["content"]["revisions"][0]["text"] == "Tekst 2020, rettet"  # its list of revisions is today's
        assert service.history.as_of(ag.id, valid_at="2022-06-01")["version"] == 4  # type: ignore[index]
        # while 2020 still reads as corrected.
        assert service.history.as_of(ag.id, valid_at="2020-06-01")["content"]["text"] == "Tekst 2020, rettet"  # type: ignore[index]


class TestIdentityAndConcurrency:
    def test_natural_key_makes_repeats_a_no_op(self, service: ArchiveService) -> None:
        app = service.archive
        first = app.register_organisation(name="Ringerike kommune", organisation_kind="kommune", recorded_by=ME)
        log_head = head(service)
        again = app.register_organisation(name="Ringerike kommune", organisation_kind="kommune", recorded_by=ME)
        assert (again.id, again.reference, again.created) == (first.id, first.reference, False)
        assert head(service) == log_head

    def test_references_are_short_and_sequential_per_year(self, service: ArchiveService) -> None:
        app = service.archive
        refs = [
            app.record_statement(text=f"Sitat {i}", said_at="2016-02-11", speaker_name="A", recorded_by=ME).reference
            for i in range(3)
        ]
        assert refs == ["2016/0001", "2016/0002", "2016/0003"]
        assert app.record_statement(text="Sitat", said_at="2023-01-01", recorded_by=ME).reference == "2023/0001"

    def test_stale_expected_version_conflicts_and_saves_nothing(self, service: ArchiveService) -> None:
        app = service.archive
        ag = app.register_agreement(
            title="Avtale", parties=["a"], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        app.revise_agreement(
            ag.id, expected_version=1, effective_from="2016-02-01", reason="r", text="To", recorded_by=ME
        )
        log_head = head(service)
        with pytest.raises(VersionConflict):
            app.revise_agreement(
                ag.id, expected_version=1, effective_from="2016-03-01", reason="r", text="Tre", recorded_by=ME
            )
        assert head(service) == log_head

    def test_two_racing_writers_on_one_version_exactly_one_wins(self, service: ArchiveService) -> None:
        app = service.archive
        ag = app.register_agreement(
            title="Avtale", parties=["a"], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def writer(text: str) -> None:
            barrier.wait()
            try:
                app.revise_agreement(
                    ag.id, expected_version=1, effective_from="2016-05-01", reason="r", text=text, recorded_by=ME
                )
                outcomes.append("won")
            except VersionConflict:
                outcomes.append("conflict")

        threads = [threading.Thread(target=writer, args=(t,)) for t in ("Skriver A", "Skriver B")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "won"]
        assert app.current_version(ag.id) == 2

    def test_sixteen_racing_creators_all_get_distinct_gap_free_references(self, service: ArchiveService) -> None:
        app = service.archive
        # A year already has one statement, so the racers start from a known number.
        app.record_statement(text="Første sitat", said_at="2016-01-04", speaker_name="A", recorded_by=ME)
        # Sixteen writers record a statement of the same year at the same moment, four times each.
        barrier = threading.Barrier(16)
        references: list[str] = []
        failures: list[BaseException] = []

        def writer(n: int) -> None:
            barrier.wait()
            for round_ in range(4):
                try:
                    result = app.record_statement(
                        text=f"Sitat {n}.{round_}", said_at="2016-03-01", speaker_name="B", recorded_by=ME
                    )
                    references.append(result.reference)
                except BaseException as exc:  # noqa: BLE001 - any failure is what this test counts
                    failures.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Nobody was refused, and the 64 references are exactly 2016/0002 … 2016/0065.
        assert failures == []
        assert sorted(references) == [f"2016/{n:04d}" for n in range(2, 66)]

    def test_unknown_ids_are_not_found(self, service: ArchiveService) -> None:
        with pytest.raises(RecordNotFound):
            service.archive.revise_agreement(
                "not-a-uuid", expected_version=1, effective_from="2016-01-01", reason="r", text="x", recorded_by=ME
            )
        org = service.archive.register_organisation(name="Hole kommune", organisation_kind="kommune", recorded_by=ME)
        with pytest.raises(RecordNotFound, match="not a agreement"):
            service.archive.revise_agreement(
                org.id, expected_version=1, effective_from="2016-01-01", reason="r", text="x", recorded_by=ME
            )


class TestMeetingsStatementsNewsPeople:
    def test_a_meeting_from_schedule_to_approved_minutes(self, service: ArchiveService) -> None:
        app = service.archive
        meeting = app.schedule_meeting(
            title="Samling for ordførere og kommuneregioner", start="2016-02-10T10:00:00+01:00",
            place="Klækken, Ringerike", organiser_name="Buskerud fylkeskommune", recorded_by=ME,
        )
        details = app.record_meeting_details(
            meeting.id, expected_version=1, recorded_by=ME,
            agenda=[{"number": "12/16", "title": "Regional planstrategi", "decision": "Tatt til orientering."}],
            participants=[{"name": "Roger Ryberg", "role": "fylkesordfører", "present": True},
                          {"name": "Kari Nordmann", "role": "ordfører", "present": False}],
            minutes="Møtet ble åpnet av fylkesordføreren.",
        )
        approved = app.approve_minutes(
            meeting.id, expected_version=details.version, approved_on="2016-03-01", recorded_by=ME
        )
        service.done(approved)
        state = service.catalog.get(meeting.id)["state"]
        assert state["agenda"][0]["decision"] == "Tatt til orientering."
        assert [p["present"] for p in state["participants"]] == [True, False]
        assert state["status"] == "minutes_approved"
        # A decision on an item that does not exist is refused; a held meeting cannot be cancelled.
        with pytest.raises(InvalidCommand, match="no agenda item"):
            app.record_decision(
                meeting.id, expected_version=approved.version, number="99/16", decision="x", recorded_by=ME
            )
        with pytest.raises(InvalidCommand, match="cannot be cancelled"):
            app.cancel_meeting(meeting.id, expected_version=approved.version, reason="r", recorded_by=ME)

    def test_statement_corrected_then_withdrawn_keeps_its_history(self, service: ArchiveService) -> None:
        app = service.archive
        person = app.register_person(name="Roger Ryberg", party="Ap", recorded_by=ME)
        st = app.record_statement(
            text="Vi skal være mer aktive.", said_at="2016-02-11", speaker_id=person.id,
            speaker_name="Roger Ryberg", speaker_role="fylkesordfører", party="Ap", recorded_by=ME,
        )
        app.correct_statement(
            st.id,
            expected_version=1,
            changes={"text": "Vi skal være mer aktive, ikke bare en lyttepost."},
            reason="Sitatet var avkortet",
            recorded_by=ME,
        )
        with pytest.raises(InvalidCommand, match="reason"):
            app.withdraw_statement(st.id, expected_version=2, reason=" ", recorded_by=ME)
        service.done(app.withdraw_statement(st.id, expected_version=2, reason="Feil person", recorded_by=ME))
        assert [v["event_type"] for v in service.history.versions(st.id)] == ["Recorded", "Corrected", "Withdrawn"]
        # The person's public statement list no longer shows it; the auditor's still does.
        assert service.people.statements(person.id) == []
        assert len(service.people.statements(person.id, include_restricted=True)) == 1

    def test_news_update_versions(self, service: ArchiveService) -> None:
        app = service.archive
        news = app.publish_news(
            title="Samarbeid",
            paragraphs=["Første avsnitt."],
            published_at="2016-02-11",
            recorded_by=ME,
            key="https://example.no/a",
        )
        with pytest.raises(InvalidCommand, match="earlier"):
            app.update_news(news.id, expected_version=1, updated_at="2016-01-01", paragraphs=["x"], recorded_by=ME)
        updated = app.update_news(
            news.id, expected_version=1, updated_at="2016-09-27", paragraphs=["Endret avsnitt."], recorded_by=ME
        )
        service.done(updated)
        versions = service.history.versions(news.id)
        assert [v["content"]["paragraphs"] for v in versions] == [["Første avsnitt."], ["Endret avsnitt."]]
        assert versions[1]["valid_from"] == "2016-09-27"

    def test_person_roles_and_parties_over_time(self, service: ArchiveService) -> None:
        app = service.archive
        county = app.register_organisation(
            name="Buskerud fylkeskommune", organisation_kind="fylkeskommune", recorded_by=ME
        )
        p = app.register_person(name="Roger Ryberg", party="Ap", recorded_by=ME)
        v = app.assign_role(
            p.id,
            expected_version=1,
            role="fylkesordfører",
            organisation_id=county.id,
            valid_from="2015-10-15",
            recorded_by=ME,
        )
        v = app.end_role(
            p.id,
            expected_version=v.version,
            role="fylkesordfører",
            organisation_id=county.id,
            valid_to="2019-10-01",
            recorded_by=ME,
        )
        with pytest.raises(InvalidCommand, match="already belongs"):
            app.change_party(p.id, expected_version=v.version, party="Ap", recorded_by=ME)
        service.done(app.add_person_alias(p.id, expected_version=v.version, name="R. Ryberg", recorded_by=ME))
        person = service.people.person(p.id)
        assert person["roles"][0]["from"] == "2015-10-15" and person["roles"][0]["to"] == "2019-10-01"
        assert service.people.find_people("r. ryberg") == [p.id]
        assert service.catalog.list(CatalogFilter(organisation=county.id))[1] == 1


class TestProjections:
    def _fill(self, svc: ArchiveService, n: int = 40) -> None:
        app = svc.archive
        world = seed_world(svc)
        ag = app.register_agreement(
            title="Avtale", parties=[world["county"].id], text="Tekst", effective_from="2016-01-01", recorded_by=ME
        )
        app.revise_agreement(
            ag.id, expected_version=1, effective_from="2016-09-01", reason="r", text="Ny tekst", recorded_by=ME
        )
        person = app.register_person(name="Kjell B. Hansen", recorded_by=ME)
        for i in range(n):
            app.record_statement(
                text=f"Uttalelse nummer {i}",
                said_at="2016-02-11",
                speaker_id=person.id,
                speaker_name="Kjell B. Hansen",
                recorded_by=ME,
            )

    def test_a_crash_mid_batch_changes_nothing_and_a_restart_converges(
        self, settings_factory: Callable[..., Settings]
    ) -> None:
        settings = settings_factory(projection_batch_size=7)
        # An uninterrupted run gives the reference digests.
        with ArchiveService(settings, search=False) as svc:
            self._fill(svc)
            svc.catch_up()
            reference = svc.digests()
            log_head = svc.runner.head()
            # Rebuild from the log gives the same digests.
            assert svc.rebuild() == reference

            # Now rebuild again, but crash the history projection in the middle of a batch.
            for projection in svc.projections:
                projection.reset()
            svc.runner.reload_positions()
            original = svc.history.apply
            calls = {"n": 0}

            def crashing_apply(cur: Any, events: Any) -> None:
                calls["n"] += 1
                if calls["n"] == 3:
                    original(cur, events[: len(events) // 2])  # half the batch is written...
                    raise RuntimeError("simulated crash")  # ...and then the process dies
                original(cur, events)

            svc.history.apply = crashing_apply  # type: ignore[method-assign]
            with pytest.raises(RuntimeError, match="simulated crash"):
                svc.catch_up()
            crashed_at = svc.history.position()
            assert 0 < crashed_at < log_head
        # A new process resumes from the durable position and converges to the same digests.
        with ArchiveService(settings, search=False) as svc:
            assert svc.history.position() == crashed_at
            svc.catch_up()
            assert svc.digests() == reference

    def test_a_write_is_readable_when_the_command_returns(self, service: ArchiveService) -> None:
        # With the runner following in the background, waiting on the write's position suffices.
        service.start()
        try:
            result = service.done(service.archive.register_person(name="Anne Nilsen", recorded_by=ME))
            assert service.people.person(result.id)["name"] == "Anne Nilsen"
        finally:
            service.stop()


@pytest.mark.postgres
def test_two_nodes_on_one_postgresql_database_follow_each_other(pg_cluster: Any, tmp_path: Any) -> None:
    # Two API nodes share one PostgreSQL event store; each runs its projections in the background.
    url = pg_cluster.create_database()
    first = ArchiveService(Settings(data_dir=tmp_path / "a", database_url=url), search=False)
    second = ArchiveService(Settings(data_dir=tmp_path / "b", database_url=url), search=False)
    first.start()
    second.start()
    try:
        # A write on the first node is seen by the second, woken by the database's notification.
        result = first.archive.register_person(name="Node Én", recorded_by=ME)
        second.wait(result.position, timeout=10)
        assert second.people.person(result.id)["name"] == "Node Én"
        # And the other way round, for a change to the same record.
        changed = second.archive.rename_person(
            result.id, expected_version=1, name="Node To", reason="r", recorded_by=ME
        )
        first.wait(changed.position, timeout=10)
        assert first.people.person(result.id)["name"] == "Node To"
        assert first.digests() == second.digests()
    finally:
        first.close()
        second.close()
