"""Read-model digests of a fixed log: what a refactoring of the domain or read models must not move.

A fixed log (every aggregate, every kind of event, on a pinned clock and a pinned year) is
written through the archive's commands. Its read-model digests must equal (a) a rebuild's
digests from the same log and (b) the digests checked in under tests/fixtures, taken before
the domain was split into modules. A change to (b) means the read models now say something
else for the same events: a behaviour change, never a refactoring.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

import archive.domain
from archive.config import Settings
from archive.service import ArchiveService

BY = "arkivar@test"
SOURCE = {"uri": "https://example.invalid/nyhet/1", "sha256": "0" * 64}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = FIXTURES / "digests_fixed_log.json"
# The same fixed log as stored by the code before `archive.domain` became a package (topics such
# as `archive.domain:Agreement.Revised`, exactly as an existing archive holds them).
STORED_BEFORE_SPLIT = FIXTURES / "stored_events_before_domain_split.jsonl"


class _PinnedDay(date):
    """`date.today()` on a fixed day, so references (YYYY/NNNN) do not follow the calendar."""

    @classmethod
    def today(cls) -> _PinnedDay:
        return cls(2024, 6, 1)


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event one second after the one before, from a fixed instant; the year fixed too."""
    moments = iter(datetime(2024, 6, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=n) for n in range(100_000))
    monkeypatch.setattr("eventsourcing.domain.datetime_now_with_tzinfo", lambda: next(moments))
    monkeypatch.setattr("archive.application.core.date", _PinnedDay)


@pytest.fixture
def service(settings_factory: Callable[..., Settings], pinned_clock: None) -> Iterator[ArchiveService]:
    svc = ArchiveService(settings_factory(), search=False)
    yield svc
    svc.close()


def write_fixed_log(svc: ArchiveService) -> None:
    """An invented county's year: one of each record kind, taken through each of its events."""
    app = svc.archive
    # Organisations: a county and two regions, one of them renamed.
    county = app.register_organisation(name="Vestfjell fylkeskommune", organisation_kind="fylkeskommune",
                                       recorded_by=BY)
    north = app.register_organisation(name="Nordheia", organisation_kind="kommuneregion",
                                      parent_id=county.id, recorded_by=BY)
    south = app.register_organisation(name="Sørdalen", organisation_kind="kommuneregion",
                                      parent_id=county.id, recorded_by=BY)
    app.rename_organisation(south.id, expected_version=1, name="Sørdalen regionråd",
                            reason="Nytt navn vedtatt", recorded_by=BY)

    # A person: a role, a party change, a rename, an alias and an ended role.
    person = app.register_person(name="Kari Nordbø", party="Sp", recorded_by=BY)
    app.assign_role(person.id, expected_version=1, role="fylkesordfører", organisation_id=county.id,
                    organisation_name="Vestfjell fylkeskommune", valid_from="2019-10-15", recorded_by=BY)
    app.change_party(person.id, expected_version=2, party="Ap", valid_from="2021-01-01", recorded_by=BY)
    app.rename_person(person.id, expected_version=3, name="Kari Nordbø Lie", reason="Giftet seg",
                      recorded_by=BY)
    app.add_person_alias(person.id, expected_version=4, name="K. Nordbø", recorded_by=BY)
    app.end_role(person.id, expected_version=5, role="fylkesordfører", organisation_id=county.id,
                 valid_to="2023-10-14", recorded_by=BY)

    # An agreement: registered, revised (valid time moves), corrected, restricted, released, terminated.
    agreement = app.register_agreement(
        key="vestfjell-partnerskap", title="Partnerskapsavtale for Vestfjell",
        parties=[county.id, north.id, south.id], text="Partene samarbeider om samferdsel.",
        effective_from="2020-01-01", recorded_by=BY, source=SOURCE,
    )
    app.revise_agreement(agreement.id, expected_version=1, effective_from="2022-03-01",
                         text="Partene samarbeider om samferdsel og næring.",
                         reason="Næring tatt inn", recorded_by=BY)
    app.correct_agreement(agreement.id, expected_version=2, corrects_version=1,
                          changes={"title": "Partnerskapsavtale for Vestfjell 2020"},
                          reason="Skrivefeil i tittelen", recorded_by=BY)
    app.restrict(agreement.id, expected_version=3, legal_basis="Offl. § 13",
                 public_title="Avtale (skjermet)", reason="Taushetsplikt", recorded_by=BY)
    app.release(agreement.id, expected_version=4, reason="Skjermingen er utløpt", recorded_by=BY)
    app.terminate_agreement(agreement.id, expected_version=5, effective_to="2024-12-31",
                            reason="Avtaleperioden er over", recorded_by=BY)

    # A meeting: agenda, decision, participants, minutes, approval, a correction.
    meeting = app.schedule_meeting(key="vestfjell-ft-2024-03", title="Fylkestinget", start="2024-03-07T10:00:00+01:00",
                                   organiser_id=county.id, organiser_name="Vestfjell fylkeskommune",
                                   place="Fylkeshuset", recorded_by=BY)
    app.add_agenda_item(meeting.id, expected_version=1, number="12/24", title="Regionale veier",
                        proposal="Fylkestinget slutter seg til planen.", recorded_by=BY)
    app.record_decision(meeting.id, expected_version=2, number="12/24", decision="Vedtatt mot 3 stemmer.",
                        recorded_by=BY)
    app.record_meeting_details(meeting.id, expected_version=3, recorded_by=BY,
                               participants=[{"name": "Kari Nordbø Lie", "role": "fylkesordfører",
                                              "present": True, "person_id": person.id, "party": "Ap"}])
    current = app.current_version(meeting.id)
    app.record_minutes(meeting.id, expected_version=current, text="Møtet ble satt kl. 10.", recorded_by=BY)
    app.approve_minutes(meeting.id, expected_version=current + 1, approved_on="2024-04-02", recorded_by=BY)
    app.correct_meeting(meeting.id, expected_version=current + 2, changes={"place": "Fylkeshuset, sal A"},
                        reason="Salen manglet", recorded_by=BY)
    cancelled = app.schedule_meeting(key="vestfjell-ft-2024-05", title="Ekstra fylkesting", start="2024-05-02",
                                     recorded_by=BY)
    app.cancel_meeting(cancelled.id, expected_version=1, reason="Saken ble trukket", recorded_by=BY)

    # A statement, corrected; another withdrawn.
    said = app.record_statement(key="vestfjell-uttalelse-1", text="Vi må bygge veiene før vi bygger mer.",
                                said_at="2024-03-07", speaker_id=person.id, speaker_name="Kari Nordbø Lie",
                                speaker_role="fylkesordfører", party="Ap", organisation_id=county.id,
                                organisation_name="Vestfjell fylkeskommune", recorded_by=BY, source=SOURCE)
    app.correct_statement(said.id, expected_version=1, changes={"said_at": "2024-03-08"},
                          reason="Feil dato", recorded_by=BY)
    withdrawn = app.record_statement(key="vestfjell-uttalelse-2", text="Dette ble aldri sagt.",
                                     said_at=None, speaker_name="Ukjent", recorded_by=BY)
    app.withdraw_statement(withdrawn.id, expected_version=1, reason="Feil tilskrevet", recorded_by=BY)

    # News: published, updated, corrected; another published undated and unpublished.
    news = app.publish_news(key="vestfjell-nyhet-1", title="Fylkestinget vedtok veiplanen",
                            paragraphs=["Fylkestinget vedtok planen.", "Tre stemte imot."],
                            published_at="2024-03-08", lede="Planen er vedtatt.", recorded_by=BY,
                            source=SOURCE, statement_ids=[said.id], meeting_ids=[meeting.id],
                            date_source="text")
    app.update_news(news.id, expected_version=1, updated_at="2024-03-09", recorded_by=BY,
                    paragraphs=["Fylkestinget vedtok planen.", "Tre representanter stemte imot."])
    app.correct_news(news.id, expected_version=2, reason="Skrivefeil", recorded_by=BY,
                     paragraphs={"0": "Fylkestinget vedtok veiplanen."})
    gone = app.publish_news(key="vestfjell-nyhet-2", title="Udatert melding", paragraphs=["Tekst."],
                            published_at=None, recorded_by=BY)
    app.unpublish_news(gone.id, expected_version=1, reason="Publisert ved en feil", recorded_by=BY)
    svc.catch_up()


def test_fixed_log_digests_are_stable_and_rebuild_to_the_same(service: ArchiveService) -> None:
    # Write the fixed log through the archive's commands and let the read models catch up.
    write_fixed_log(service)
    live = service.digests()

    # Rebuilding every read model from the same log gives the same digests.
    assert service.rebuild() == live

    # And the same digests as before the domain moved (checked in; see the module docstring).
    # Both backends store the same bytes, so they share one expected set.
    assert live == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_events_stored_before_the_domain_split_replay_to_the_same_read_models(service: ArchiveService) -> None:
    # Put the log stored by the old single-module domain into a new archive, byte for byte.
    rows = [json.loads(line) for line in STORED_BEFORE_SPLIT.read_text(encoding="utf-8").splitlines()]
    service.archive.recorder.insert_events(
        [StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"], r["state"].encode())
         for r in rows]
    )

    # Every record loads from its old-topic events (the repository resolves each topic).
    for originator in {r["originator_id"] for r in rows}:
        last = max(r["originator_version"] for r in rows if r["originator_id"] == originator)
        assert service.archive.repository.get(UUID(originator)).version == last

    # The read models replayed from them say exactly what they said before the split.
    service.catch_up()
    assert service.digests() == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_every_event_class_keeps_its_stored_topic() -> None:
    # Wherever a class is defined, new events are stored under `archive.domain:<Class>.<Event>`,
    # the topic existing archives hold and read models and routes filter on.
    aggregates = [c for c in vars(archive.domain).values() if inspect.isclass(c) and issubclass(c, Aggregate)
                  and c is not Aggregate]
    assert {c.__name__ for c in aggregates} >= {"Record", "Agreement", "Meeting", "Statement", "NewsUpdate",
                                                 "Person", "Organisation", "ReferenceClaim", "ReferenceCounter"}
    for cls in aggregates:
        assert get_topic(cls) == f"archive.domain:{cls.__qualname__}"
        events = [e for e in vars(cls).values() if inspect.isclass(e) and issubclass(e, Aggregate.Event)]
        assert events, cls
        for event_cls in events:
            topic = f"archive.domain:{cls.__qualname__}.{event_cls.__name__}"
            assert get_topic(event_cls) == topic
            assert resolve_topic(topic) is event_cls
