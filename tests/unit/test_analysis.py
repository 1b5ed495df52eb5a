"""Norwegian analysis: lemmatise before stemming, protect names, never fold accents."""

from __future__ import annotations

import pickle

import pytest

from search.analysis import (
    analyse,
    analyse_parts,
    compound_parts_analyzer,
    norwegian_analyzer,
    split_compound,
)


def one_term(words: str) -> set[str]:
    return set(analyse(words))


def test_inflections_of_ordforer_map_to_one_term() -> None:
    # The stemmer alone gives three terms; lemma-then-stem gives one.
    assert len(one_term("ordfører ordføreren ordførerne")) == 1
    assert len(one_term("fylkesordfører fylkesordføreren")) == 1


@pytest.mark.parametrize(
    "query_word, text_word",
    [("samarbeid", "samarbeidet"), ("møte", "møtet"), ("kommune", "kommunane")],
)
def test_query_word_matches_inflected_form(query_word: str, text_word: str) -> None:
    assert analyse(query_word) == analyse(text_word)


def test_no_accent_folding() -> None:
    # får/far and møte/mote are different words and must stay apart.
    assert analyse("får") != analyse("far")
    assert analyse("møte") != analyse("mote")
    assert all(ch in "".join(analyse("får møte ål")) for ch in "åøå")


@pytest.mark.parametrize(
    "name, term",
    [("Ap", "ap"), ("Lier", "lier"), ("Hansen", "hansen"), ("Ringerike", "ringerike"),
     ("Hole", "hole"), ("Flå", "flå"), ("KrF", "krf"), ("Buskeruds", "buskerud")],
)
def test_proper_names_are_protected(name: str, term: str) -> None:
    assert analyse(name) == [term]


def test_name_that_is_a_common_word_is_protected_only_when_capitalised() -> None:
    # "Time" the municipality stays; "time" (hour) stems with "timen".
    assert analyse("Time") == ["time"]
    assert analyse("time") == analyse("timen")


def test_stop_words_bokmal_and_nynorsk_are_dropped() -> None:
    assert analyse("Vi skal ikke bare være en lyttepost") == ["lyttepost"]
    assert analyse("eg ikkje kva korleis") == []


@pytest.mark.parametrize(
    "word, parts",
    [
        ("partnerskapsavtaler", ["partnerskap", "avtale"]),
        ("fylkesordføreren", ["fylke", "ordfører"]),
        ("kommuneregionene", ["kommune", "region"]),
    ],
)
def test_compound_parts_are_normalised_like_main_field(word: str, parts: list[str]) -> None:
    # Each part, analysed alone by the main analyzer, is what the parts field holds.
    expected = [analyse(p)[0] for p in parts]
    assert analyse_parts(word) == expected


def test_non_compounds_and_names_give_no_parts() -> None:
    assert analyse_parts("avtale Ringerike og") == []
    assert split_compound("region") == ()


def test_analyzers_pickle_without_word_lists() -> None:
    # Whoosh pickles analyzers into the index: keep them small and stable.
    for analyzer in (norwegian_analyzer(), compound_parts_analyzer()):
        data = pickle.dumps(analyzer)
        assert len(data) < 1000
        assert b"search.analysis" in data
        clone = pickle.loads(data)
        assert [t.text for t in clone("Ordførerne")] == [t.text for t in analyzer("Ordførerne")]


def test_highlight_mode_keeps_stop_words_with_stopped_flag() -> None:
    tokens = [(t.text, t.stopped) for t in norwegian_analyzer()("og møtet", removestops=False)]
    assert tokens == [("og", True), (analyse("møtet")[0], False)]
