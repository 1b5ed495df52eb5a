"""Norwegian search over the seed, narrated: loaded through the archive's commands, never
by writing the index directly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.config import Settings
from archive.importers.load import import_file
from archive.service import ArchiveService
from search.query import SearchParams

LYTTEPOST = "Vi skal være mer aktive, ikke bare være en lyttepost, men bruke arenaen som kommuneregionenen er"


@pytest.fixture
def service(settings_factory: Callable[..., Settings], shared_dir: Path) -> Iterator[ArchiveService]:
    svc = ArchiveService(settings_factory())
    report = import_file(svc, sorted((shared_dir / "seed").glob("*.txt"))[0])
    assert report.status == "created", report.error
    svc.catch_up()
    yield svc
    svc.close()


def texts(service: ArchiveService, q: str, **filters: object) -> list[str]:
    result = service.search.query(SearchParams(q=q, **filters))  # type: ignore[arg-type]
    assert result.error is None, result.error
    return [h.snippet.replace("<mark>", "").replace("</mark>", "") for h in result.hits]


@pytest.mark.parametrize(
    "query, found",
    [
        ("samarbeid", "samarbeidet"),
        ("ordfører", "ordførerne"),
        ("fylkesordfører", "fylkesordføreren"),
        ("avtale", "partnerskapsavtaler"),
        ("møte", "møtet"),
        ("kommuneregion~1", "kommunregionene"),
    ],
)
def test_norwegian_word_forms_are_found(service: ArchiveService, query: str, found: str) -> None:
    # The news update itself holds every one of these word forms.
    result = service.search.query(SearchParams(q=query, kind=["news"]))
    assert result.total == 1, (query, result.parsed_query)


def test_lyttepost_finds_exactly_ryberg_s_statement(service: ArchiveService) -> None:
    result = service.search.query(SearchParams(q="lyttepost", kind=["statement"]))
    assert result.total == 1
    hit = result.hits[0]
    assert (hit.speaker, hit.party, hit.role) == ("Roger Ryberg", "Ap", "fylkesordfører")
    assert "<mark>lyttepost</mark>" in hit.snippet


def test_no_accent_folding(service: ArchiveService) -> None:
    # "får" and "far", "møte" and "mote" are different words in Norwegian.
    app = service.archive
    service.done(app.record_statement(text="Kommunene får mer ansvar.", said_at="2020-01-01", recorded_by="t"))
    assert service.search.query(SearchParams(q="får")).total >= 1
    assert service.search.query(SearchParams(q="far")).total == 0
    assert service.search.query(SearchParams(q="mote")).total == 0


def test_speaker_party_filters_and_facets(service: ArchiveService) -> None:
    hansen = service.search.query(SearchParams(q="speaker:Hansen"))
    assert {h.speaker for h in hansen.hits} == {"Kjell B. Hansen"} and hansen.total == 1
    ap = service.search.query(SearchParams(q="", party="Ap", kind=["statement"]))
    assert ap.total == 5 and {h.speaker for h in ap.hits} == {"Roger Ryberg"}
    facets = dict(service.search.query(SearchParams(q="", kind=["statement"])).facets["speaker"])
    assert facets == {"Roger Ryberg": 5, "Kjell B. Hansen": 1}


def test_time_travel_finds_the_old_wording_before_a_correction(service: ArchiveService) -> None:
    # Correct Ryberg's lyttepost statement after import.
    hit = service.search.query(SearchParams(q="lyttepost", kind=["statement"])).hits[0]
    before = datetime.now(UTC).replace(tzinfo=None)
    app = service.archive
    service.done(
        app.correct_statement(
            hit.record_id, expected_version=1, changes={"text": LYTTEPOST.replace("lyttepost", "tilhører")},
            reason="Feil i sitatet", recorded_by="t",
        )
    )
    # Now only the new wording is found; as of before the correction, the old one.
    assert service.search.query(SearchParams(q="lyttepost", kind=["statement"])).total == 0
    assert service.search.query(SearchParams(q="tilhører", kind=["statement"])).total == 1
    then = service.search.query(SearchParams(q="lyttepost", kind=["statement"], known_at=before))
    assert then.total == 1 and then.hits[0].version == 1
    # Once withdrawn, the public finds it neither now nor as of before the withdrawal
    # (archive.visibility: public time travel shows only what is public now) …
    service.done(app.withdraw_statement(hit.record_id, expected_version=2, reason="Trukket", recorded_by="t"))
    assert service.search.query(SearchParams(q="tilhører", kind=["statement"])).total == 0
    assert service.search.query(SearchParams(q="lyttepost", kind=["statement"], known_at=before)).total == 0
    # … while an auditor still finds the old wording as it stood, marked withdrawn.
    audit = service.search.query(SearchParams(q="lyttepost", kind=["statement"], known_at=before,
                                              include_restricted=True))
    assert audit.total == 1 and audit.hits[0].version == 1 and audit.hits[0].visibility == "withdrawn"


def test_restricted_records_are_invisible_to_the_public(service: ArchiveService) -> None:
    hit = service.search.query(SearchParams(q="speaker:Hansen")).hits[0]
    service.done(service.archive.restrict(hit.record_id, expected_version=1, legal_basis="Offl. § 13", recorded_by="t"))
    public = service.search.query(SearchParams(q="samarbeidspartner", kind=["statement"]))
    assert public.total == 0 and "Kjell B. Hansen" not in dict(public.facets.get("speaker", []))
    facets = dict(service.search.query(SearchParams(q="", kind=["statement"])).facets["speaker"])
    assert "Kjell B. Hansen" not in facets
    auditor = service.search.query(SearchParams(q="samarbeidspartner", kind=["statement"], include_restricted=True))
    assert auditor.total == 1


def test_valid_at_shows_the_agreement_text_in_force(service: ArchiveService) -> None:
    app = service.archive
    ag = app.register_agreement(
        title="Partnerskapsavtale",
        parties=["x"],
        text="Samarbeid om samferdsel.",
        effective_from="2016-01-01",
        recorded_by="t",
    )
    service.done(
        app.revise_agreement(
            ag.id,
            expected_version=1,
            effective_from="2016-09-01",
            reason="r",
            text="Samarbeid om kompetanse.",
            recorded_by="t",
        )
    )
    from datetime import date

    assert service.search.query(SearchParams(q="samferdsel", valid_at=date(2016, 3, 1))).total == 1
    assert service.search.query(SearchParams(q="samferdsel", valid_at=date(2016, 10, 1))).total == 0
    assert service.search.query(SearchParams(q="kompetanse", valid_at=date(2016, 10, 1))).total == 1


def test_rebuilding_the_index_gives_identical_results(service: ArchiveService) -> None:
    queries = ["lyttepost", "samarbeid", "ordfører", "speaker:Hansen", "avtale", "Klækken", '"tett dialog"']
    before = {q: [(h.id, h.snippet) for h in service.search.query(SearchParams(q=q)).hits] for q in queries}
    digest = service.search.digest()
    service.rebuild()
    after = {q: [(h.id, h.snippet) for h in service.search.query(SearchParams(q=q)).hits] for q in queries}
    assert after == before and service.search.digest() == digest
    # The rebuilt index was loaded in bulk: one segment for every search to visit.
    with service.search.ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == 1


def test_a_corrupt_index_is_rebuilt_from_the_log(settings_factory: Callable[..., Settings], shared_dir: Path) -> None:
    settings = settings_factory()
    with ArchiveService(settings) as svc:
        import_file(svc, sorted((shared_dir / "seed").glob("*.txt"))[0])
        svc.catch_up()
    # Damage every file of the index.
    for path in settings.index_dir.iterdir():
        path.write_bytes(b"garbage")
    with ArchiveService(settings) as svc:
        assert svc.search.position() == 0
        svc.catch_up()
        assert svc.search.query(SearchParams(q="lyttepost", kind=["statement"])).total == 1


def test_a_role_filter_finds_what_was_said_in_that_role(service: ArchiveService) -> None:
    # Ryberg spoke as fylkesordfører, Hansen as "ordfører i Ringerike kommune".
    county = service.search.query(SearchParams(q="", role="fylkesordfører", kind=["statement"]))
    assert county.total == 5 and {h.speaker for h in county.hits} == {"Roger Ryberg"}
    # Any inflection of the role word, and every word of a longer role, must match.
    mayor = service.search.query(SearchParams(q="", role="ordføreren Ringerike", kind=["statement"]))
    assert [h.speaker for h in mayor.hits] == ["Kjell B. Hansen"]
    assert "role=ordføreren Ringerike" in mayor.parsed_query
    assert service.search.query(SearchParams(q="", role="rådmann")).total == 0
