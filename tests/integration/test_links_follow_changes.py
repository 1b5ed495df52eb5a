"""Who and what a record is about (catalog links, a person's statements) follows a record that changes, per backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from archive.config import Settings
from archive.readmodels.catalog import CatalogFilter
from archive.service import ArchiveService

ME = "arkivar@test"


@pytest.fixture
def service(settings_factory: Callable[..., Settings]) -> Iterator[ArchiveService]:
    svc = ArchiveService(settings_factory(), search=False)
    yield svc
    svc.close()


def about(service: ArchiveService, organisation: str) -> int:
    return service.catalog.list(CatalogFilter(organisation=organisation))[1]


def test_a_revision_that_changes_the_parties_moves_the_agreement_between_their_filters(
    service: ArchiveService,
) -> None:
    app = service.archive
    county, old, new = (
        app.register_organisation(name=name, organisation_kind="kommuneregion", recorded_by=ME)
        for name in ("Buskerud fylkeskommune", "Hallingdal", "Ringerike")
    )
    # The agreement is registered between the county and Hallingdal, and the catalog takes it in.
    registered = service.done(app.register_agreement(
        title="Partnerskapsavtale", parties=[county.id, old.id], text="Partene samarbeider.",
        effective_from="2016-01-01", recorded_by=ME,
    ))
    assert (about(service, county.id), about(service, old.id), about(service, new.id)) == (1, 1, 0)

    # In a later batch, a revision replaces Hallingdal with Ringerike: the filters follow it.
    service.done(app.revise_agreement(
        registered.id, expected_version=registered.version, effective_from="2017-01-01",
        reason="Ringerike tiltrer", parties=[county.id, new.id], recorded_by=ME,
    ))
    assert (about(service, county.id), about(service, old.id), about(service, new.id)) == (1, 0, 1)

    # Replayed in one batch from the start, the catalog is the same, link for link.
    live = service.digests()["catalog"]
    assert service.rebuild()["catalog"] == live


def said_by(service: ArchiveService, person: str) -> list[tuple[str, str]]:
    return [(s["statement_id"], s["status"]) for s in service.people.statements(person, include_restricted=True)]


def test_a_statement_corrected_to_another_speaker_moves_between_their_pages(service: ArchiveService) -> None:
    app = service.archive
    hansen, berg = (app.register_person(name=name, recorded_by=ME) for name in ("Kari Hansen", "Ola Berg"))
    said = service.done(app.record_statement(
        text="Vi må samarbeide om samferdsel.", said_at="2016-02-11", speaker_id=hansen.id,
        speaker_name="Kari Hansen", recorded_by=ME,
    ))
    assert said_by(service, hansen.id) == [(said.id, "recorded")] and said_by(service, berg.id) == []

    # The minutes named the wrong speaker: the correction moves the statement to Ola Berg's page.
    corrected = service.done(app.correct_statement(
        said.id, expected_version=said.version, changes={"speaker_id": berg.id, "speaker_name": "Ola Berg"},
        reason="Feil taler i protokollen", recorded_by=ME,
    ))
    assert said_by(service, hansen.id) == [] and said_by(service, berg.id) == [(said.id, "recorded")]

    # Withdrawn in a later batch, it stays on his page (for staff) as withdrawn, once.
    service.done(app.withdraw_statement(said.id, expected_version=corrected.version, reason="Trukket",
                                        recorded_by=ME))
    assert said_by(service, berg.id) == [(said.id, "withdrawn")]

    # Replayed in one batch from the start, the people model is the same, row for row.
    live = service.digests()["people"]
    assert service.rebuild()["people"] == live
