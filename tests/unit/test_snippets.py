"""Snippets mark the words a hit was found by, also deep in a long text (search.snippets)."""

from __future__ import annotations

from search.analysis import analyse
from search.snippets import make_snippet


def test_an_inflected_compound_far_into_a_long_text_is_marked() -> None:
    # A long invented minutes text: the only mention of the agreement comes near the end.
    filler = "Møtet drøftet saken om veier og bruer i bygda. " * 300
    text = filler + "Rådmannen la fram partnerskapsavtalene for kommunestyret. " + filler
    # The query word as the index has it ("avtale" → its stem).
    terms = set(analyse("avtale"))
    snippet = make_snippet(text, terms)
    # The compound that holds the term is marked, and the passage is cut from the middle.
    assert "<mark>partnerskapsavtalene</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_a_text_without_the_terms_shows_its_start_escaped() -> None:
    # The hit matched on its title: the text has nothing to mark, and its markup is escaped.
    snippet = make_snippet("<b>Budsjett</b> for 2016 & 2017", set(analyse("sykehjem")))
    assert snippet == "&lt;b&gt;Budsjett&lt;/b&gt; for 2016 &amp; 2017"


def test_long_terms_are_found_by_more_than_their_first_letters_and_strong_verbs_still_are() -> None:
    # Minutes where most words start like the query word: kommune, kommunal, kompetanse.
    text = ("Kommunen og kommunale råd drøftet kompetanse med kommunens folk. " * 20
            + "Kommunestyrets vedtak ble klart etter at kommunestyret skrev sin uttalelse.")
    # A long term ("kommunestyret") marks its inflected forms and nothing else,
    snippet = make_snippet(text, set(analyse("kommunestyret")))
    assert "<mark>Kommunestyrets</mark>" in snippet and "<mark>kommunestyret</mark>" in snippet
    assert "<mark>Kommunen" not in snippet and "<mark>kommunale" not in snippet
    # while a short one still finds a strong verb's past tense ("skrev" for "skrive").
    assert "<mark>skrev</mark>" in make_snippet(text, set(analyse("skrive")))


def test_a_word_repeated_hundreds_of_times_still_leaves_room_for_the_passage_with_both_terms() -> None:
    # Minutes that name the council on every line, and the railway once, near the end.
    text = ("Saken ble lagt fram for kommunestyret i dag. " * 300
            + "Til slutt vedtok kommunestyret å støtte jernbanen gjennom dalen. "
            + "Saken ble lagt fram for kommunestyret i dag. " * 10)
    snippet = make_snippet(text, set(analyse("kommunestyret")) | set(analyse("jernbanen")))
    # The council's name stops being looked for after a few dozen matches, but not beside the railway:
    # one passage shows both words, marked.
    assert "vedtok <mark>kommunestyret</mark> å støtte <mark>jernbanen</mark>" in snippet


def test_words_are_marked_in_place_in_any_case_and_after_letters_whose_lowercase_is_longer() -> None:
    # Anchors are looked for in the lowercased text; "İ" (Turkish dotted capital I) lowercases to
    # two characters, so there the text is searched as it stands, and the mark still sits on the word.
    terms = set(analyse("budsjettet"))
    plain = make_snippet("KOMMUNESTYRET vedtok BUDSJETTET for 2024.", terms)
    assert "<mark>BUDSJETTET</mark>" in plain
    turkish = make_snippet("Delegasjonen fra İzmir og İstanbul fikk se Budsjettet i Drammen.", terms)
    assert "<mark>Budsjettet</mark> i Drammen" in turkish
