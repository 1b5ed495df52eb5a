"""The query layer on a small index written with write_batch."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from whoosh.index import Index

from search.index import (
    VERSION_FILE,
    IndexBusyError,
    SchemaMismatchError,
    index_writer,
    open_index,
    read_meta,
    rebuild_into,
    swap_in,
    write_batch,
)
from search.query import SearchParams, known_names, search
from search.schema import FAR_FUTURE

NOW = datetime(2024, 6, 1)
CORRECTED_AT = datetime(2020, 5, 1)

DOCS = [
    dict(id="st1:1", record_id="st1", version=1, kind="statement",
         title="Innlegg om regionalt samarbeid",
         body="Vi skal ikke bare være en lyttepost i dette samarbeidet, sa han.",
         speaker="Roger Ryberg", speaker_id="p-ryberg", party="Ap", role="ordfører",
         organisation=["Ringerike kommune"], date=datetime(2016, 3, 1), recorded_at=datetime(2016, 3, 2)),
    dict(id="ag1:1", record_id="ag1", version=1, kind="agreement", reference="2016/0007",
         title="Partnerskapsavtaler for kommunregionene",
         body="Kommunregionene og fylkesordføreren signerte avtalen om nye oppgaver.",
         party="H", organisation=["Buskerud fylkeskommune", "Hole kommune"],
         date=datetime(2016, 1, 1), recorded_at=datetime(2016, 1, 5),
         valid_from=datetime(2016, 1, 1), valid_to=datetime(2020, 1, 1),
         # Replaced as the latest version by the revision, but still true for 2016–2019.
         superseded_at=datetime(2020, 1, 3)),
    dict(id="ag1:2", record_id="ag1", version=2, kind="agreement", reference="2016/0007",
         title="Partnerskapsavtaler for kommunregionene, revidert",
         body="Revidert avtale med kommunregionene fra 2020. Fylkesordføreren signerte på nytt.",
         party="H", organisation=["Buskerud fylkeskommune"],
         date=datetime(2020, 1, 1), recorded_at=datetime(2020, 1, 3),
         valid_from=datetime(2020, 1, 1)),
    dict(id="nw1:1", record_id="nw1", version=1, kind="news", title="Bøndene får mer støtte",
         body="Bøndene i Lier får støtte til grøftingen.", party="Sp",
         date=datetime(2019, 4, 1), recorded_at=datetime(2019, 4, 1)),
    dict(id="mt1:1", record_id="mt1", version=1, kind="meeting", title="Møte i formannskapet",
         body="Møtet i formannskapet behandlet budsjettet.", organisation=["Ringerike kommune"],
         date=datetime(2019, 9, 1), recorded_at=datetime(2019, 9, 2)),
    # Restricted: personal data in a meeting about child welfare.
    dict(id="mt2:1", record_id="mt2", version=1, kind="meeting", title="Lukket møte om barnevern",
         body="Hemmelig sak om barnevernet i Hole.", restricted=True, party="FrP",
         speaker="Kari Hansen", organisation=["Hole kommune"],
         date=datetime(2021, 2, 1), recorded_at=datetime(2021, 2, 1)),
    # A record corrected later: version 1 said "skolebygg", corrected to "sykehjem".
    dict(id="mt3:1", record_id="mt3", version=1, kind="meeting", title="Vedtak om skolebygg",
         body="Kommunestyret vedtok nytt skolebygg.", date=datetime(2020, 3, 1),
         recorded_at=datetime(2020, 3, 2), superseded_at=CORRECTED_AT, retracted_at=CORRECTED_AT),
    dict(id="mt3:2", record_id="mt3", version=2, kind="meeting", title="Vedtak om sykehjem",
         body="Kommunestyret vedtok nytt sykehjem.", date=datetime(2020, 3, 1),
         recorded_at=CORRECTED_AT),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Index:
    # Write the corpus in two batches, as the projection would.
    index = open_index(tmp_path_factory.mktemp("ix") / "search")
    write_batch(index, DOCS[:4], [], {"position": "4"})
    write_batch(index, DOCS[4:], [], {"position": "8"})
    return index


def ids(ix: Index, q: str = "", **kw: object) -> list[str]:
    result = search(ix, SearchParams(q=q, page_size=50, **kw), now=NOW)  # type: ignore[arg-type]
    assert result.error is None, result.error
    return sorted(h.id for h in result.hits)


def test_meta_is_committed_with_the_batch(ix: Index) -> None:
    assert read_meta(ix) == {"position": "8"}


@pytest.mark.parametrize(
    "q, expected",
    [
        ("ordfører", ["ag1:2"]),               # fylkesordføreren, via its parts
        ("samarbeid", ["st1:1"]),              # samarbeidet
        ("fylkesordfører", ["ag1:2"]),         # fylkesordføreren
        ("møte", ["mt1:1"]),                   # møtet, not the restricted one
        ("avtale", ["ag1:2"]),                 # current version only
        ("lyttepost", ["st1:1"]),
        ("kommuneregion~1", ["ag1:2"]),        # misspelled kommunregionene
        ('"bare være en lyttepost"', ["st1:1"]),
        ("speaker:Ryberg", ["st1:1"]),
        ('speaker:"Roger Ryberg"', ["st1:1"]),
        ("party:ap", ["st1:1"]),
        ("organisation:Ringerike", ["mt1:1", "st1:1"]),
        ("kind:news", ["nw1:1"]),
        ("Lier", ["nw1:1"]),
        ("formann*", ["mt1:1"]),
        ("støtte OR budsjett", ["mt1:1", "nw1:1"]),
        ("formannskapet -budsjettet", []),
        ("formannskapet NOT møte", []),
        ("2016/0007", ["ag1:2"]),
    ],
)
def test_user_syntax(ix: Index, q: str, expected: list[str]) -> None:
    assert ids(ix, q) == expected


def test_no_accent_folding_in_search(ix: Index) -> None:
    # "far" must not find "får", "mote" must not find "møte".
    assert ids(ix, "far") == []
    assert ids(ix, "mote") == []
    assert ids(ix, "får") == ["nw1:1"]


def test_partnerskapsavtaler_found_by_part(ix: Index) -> None:
    # Parts field: "partnerskap" finds the compound in the title.
    assert ids(ix, "partnerskap") == ["ag1:2"]


def test_restricted_invisible_in_hits_snippets_and_facets(ix: Index) -> None:
    # The public sees nothing of the restricted meeting…
    public = search(ix, SearchParams(q="barnevern"), now=NOW)
    assert public.total == 0 and public.hits == []
    everything = search(ix, SearchParams(q=""), now=NOW)
    assert "FrP" not in dict(everything.facets["party"])
    assert "Kari Hansen" not in dict(everything.facets["speaker"])
    assert all("Hemmelig" not in h.snippet for h in everything.hits)
    # …while an auditor finds it.
    auditor = search(ix, SearchParams(q="barnevern", include_restricted=True), now=NOW)
    assert [h.id for h in auditor.hits] == ["mt2:1"]
    assert "<mark>barnevernet</mark>" in auditor.hits[0].snippet


def test_facet_counts(ix: Index) -> None:
    result = search(ix, SearchParams(q=""), now=NOW)
    # Current, public documents: st1, ag1:2, nw1, mt1, mt3:2.
    assert result.total == 5
    assert dict(result.facets["kind"]) == {"statement": 1, "agreement": 1, "news": 1, "meeting": 2}
    assert dict(result.facets["organisation"]) == {"Ringerike kommune": 2, "Buskerud fylkeskommune": 1}
    assert dict(result.facets["year"]) == {2016: 1, 2019: 2, 2020: 2}
    assert dict(result.facets["party"]) == {"Ap": 1, "H": 1, "Sp": 1}


def test_known_at_shows_the_text_before_a_correction(ix: Index) -> None:
    # Now: only the corrected text.
    assert ids(ix, "skolebygg") == []
    assert ids(ix, "sykehjem") == ["mt3:2"]
    # As known before the correction: the old text, not the new.
    before = datetime(2020, 4, 1)
    assert ids(ix, "skolebygg", known_at=before) == ["mt3:1"]
    assert ids(ix, "sykehjem", known_at=before) == []
    # Before the record existed at all: nothing.
    assert ids(ix, "skolebygg", known_at=datetime(2019, 1, 1)) == []


def test_valid_at_picks_the_agreement_version_in_force(ix: Index) -> None:
    assert ids(ix, "partnerskap", valid_at=date(2018, 6, 1)) == ["ag1:1"]
    assert ids(ix, "partnerskap", valid_at=date(2021, 6, 1)) == ["ag1:2"]


def test_snippet_escapes_html(tmp_path: Path) -> None:
    index = open_index(tmp_path / "ix")
    write_batch(index, [dict(id="x:1", record_id="x", version=1, kind="news", title="Test",
                             body="<script>alert(1)</script> budsjettet & mer",
                             recorded_at=NOW)], [], {})
    hit = search(index, SearchParams(q="budsjett"), now=NOW).hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;/script&gt;" in hit.snippet and "<mark>budsjettet</mark>" in hit.snippet


def test_paging_and_sorting(ix: Index) -> None:
    first = search(ix, SearchParams(q="", sort="date", page=1, page_size=2), now=NOW)
    second = search(ix, SearchParams(q="", sort="date", page=2, page_size=2), now=NOW)
    dates = [h.dates["date"] for h in first.hits + second.hits]
    assert dates == sorted(dates) and len(dates) == 4
    newest = search(ix, SearchParams(q="", sort="-date", page_size=1), now=NOW)
    assert newest.hits[0].dates["date"].startswith("2020")


def test_replaying_a_batch_is_idempotent(tmp_path: Path) -> None:
    index = open_index(tmp_path / "ix")
    for _ in range(2):
        write_batch(index, DOCS[:2], [], {"position": "2"})
    assert search(index, SearchParams(q="lyttepost"), now=NOW).total == 1
    write_batch(index, [], ["st1:1"], {"position": "3"})
    assert search(index, SearchParams(q="lyttepost"), now=NOW).total == 0
    assert read_meta(index) == {"position": "3"}


def test_second_writer_fails_fast_with_index_busy(tmp_path: Path) -> None:
    index = open_index(tmp_path / "ix")
    with index_writer(index), pytest.raises(IndexBusyError):
        write_batch(index, DOCS[:1], [], {}, timeout=0.2)
    # The first writer committed normally; the index is usable.
    write_batch(index, DOCS[:1], [], {"position": "1"})
    assert read_meta(index) == {"position": "1"}


def test_schema_version_mismatch_is_reported(tmp_path: Path) -> None:
    open_index(tmp_path / "ix")
    (tmp_path / "ix" / VERSION_FILE).write_text("0\n")
    with pytest.raises(SchemaMismatchError):
        open_index(tmp_path / "ix")


def test_rebuild_and_swap(tmp_path: Path) -> None:
    live = open_index(tmp_path / "live")
    write_batch(live, DOCS[:1], [], {"position": "1"})
    fresh = rebuild_into(tmp_path / "new")
    write_batch(fresh, DOCS[3:4], [], {"position": "4"})
    swap_in(tmp_path / "new", tmp_path / "live")
    reopened = open_index(tmp_path / "live", create_if_missing=False)
    assert read_meta(reopened) == {"position": "4"}
    assert not (tmp_path / "new").exists()
    assert FAR_FUTURE.year == 9999


@pytest.mark.parametrize("q", ["kommunregionene", "avtale fylkesordfører", "kommune* -budsjett",
                               '"nytt sykehjem"', "samarbeid OR støtte", "2016/0007"])
def test_relevance_matches_whoosh_scoring(ix: Index, q: str) -> None:
    """The layer scores per segment itself; order and scores equal Whoosh's own search."""
    from search.build import parse_user_query
    from search.filters import build_filter
    from search.readers import cached_searcher
    from search.scoring import match_and_facets
    from search.segments import SegmentCaches

    params = SearchParams(q=q, page_size=50, include_restricted=True, known_at=datetime(2030, 1, 1))
    ours = search(ix, params, now=NOW)
    with cached_searcher(ix) as searcher:
        user_q = parse_user_query(searcher, q).query
        matched, _ = match_and_facets(searcher, SegmentCaches(), user_q, build_filter(params, NOW)[0], False)
        assert matched, q
        results = searcher.search(user_q, limit=50, filter=matched)
        expected = [(results[i]["id"], results.score(i)) for i in range(results.scored_length())]
    assert [h.id for h in ours.hits] == [i for i, _ in expected]
    assert [h.score for h in ours.hits] == pytest.approx([s for _, s in expected], rel=1e-12)


def test_date_ranges_skip_documents_without_the_date(ix: Index) -> None:
    # Only agreements have valid_from/valid_to; an open-ended range must not admit the others.
    assert ids(ix, "", valid_from=date(2000, 1, 1)) == ["ag1:2"]
    assert ids(ix, "", valid_to=date(2017, 1, 1), known_at=datetime(2019, 1, 1)) == ["ag1:1"]
    # recorded_from alone (open end) and an exact boundary.
    assert ids(ix, "", recorded_from=datetime(2021, 1, 1), include_restricted=True) == ["mt2:1"]
    assert ids(ix, "", recorded_from=datetime(2020, 1, 3), recorded_to=datetime(2020, 1, 3)) == ["ag1:2"]


def test_year_facet_ignores_documents_without_a_date(tmp_path: Path) -> None:
    index = open_index(tmp_path / "ix")
    write_batch(index, [dict(id="p:1", record_id="p", version=1, kind="person", title="Kari Hansen",
                             recorded_at=datetime(2020, 1, 1)), DOCS[3]], [], {"position": "1"})
    result = search(index, SearchParams(q=""), now=NOW)
    assert result.total == 2
    assert dict(result.facets["year"]) == {2019: 1}


def test_role_suggestions_come_from_visible_statements_only(tmp_path: Path) -> None:
    # Two mayors and a chief executive have spoken in public; one statement in a closed case
    # names a role nobody outside may learn of.
    ix = open_index(tmp_path / "ix")
    said = dict(kind="statement", body="Vi tar ansvar.", date=datetime(2022, 5, 1), recorded_at=datetime(2022, 5, 1))
    write_batch(ix, [
        dict(said, id="s1:1", record_id="s1", version=1, speaker="Ola Dahl", role="ordfører"),
        dict(said, id="s2:1", record_id="s2", version=1, speaker="Eva Lund", role="ordfører"),
        dict(said, id="s3:1", record_id="s3", version=1, speaker="Per Berg", role="kommunedirektør"),
        dict(said, id="s4:1", record_id="s4", version=1, speaker="Anne Ek", role="barnevernleder",
             restricted=True),
    ])
    # A journalist starting to type a role is offered the roles as written, with their counts.
    assert known_names(ix, "role", "", now=NOW) == [("ordfører", 2), ("kommunedirektør", 1)]
    assert known_names(ix, "role", "komm", now=NOW) == [("kommunedirektør", 1)]
    # The closed case's role reaches staff only.
    assert known_names(ix, "role", "barn", now=NOW) == []
    assert known_names(ix, "role", "barn", include_restricted=True, now=NOW) == [("barnevernleder", 1)]
    ix.close()
