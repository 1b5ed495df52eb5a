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
