"""An exact phrase matched on position sets (search.phrases) finds what Whoosh's Phrase finds,
with the same scores.

Documents are drawn from six words, so phrases match often, repeat words ("vei vei"), and
match more than once in a document; phrases of two to four words are drawn the same way,
half of them taken from a document (so they surely match somewhere). A phrase with slop, and
a word the index never saw, go the way Whoosh's Phrase goes.
"""

from __future__ import annotations

import random

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Phrase

from search.phrases import AdjacentPhrase

WORDS = ["vei", "bro", "ferje", "tunnel", "buss", "tog"]


@pytest.fixture(scope="module")
def searcher():  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    ix = RamStorage().create_index(Schema(id=ID(stored=True), body=TEXT(phrase=True)))
    writer = ix.writer()
    docs = []
    for n in range(300):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 40))]
        docs.append(words)
        writer.add_document(id=str(n), body=" ".join(words))
    writer.commit()
    with ix.searcher() as s:
        s.protokoll_docs = docs
        yield s


def matches(searcher, query) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    m = query.matcher(searcher)
    out = []
    while m.is_active():
        out.append((m.id(), round(m.score(), 9)))
        m.next()
    return out


def phrases() -> list[list[str]]:
    rng = random.Random(5)
    drawn = []
    for n in range(120):
        size = rng.randint(2, 4)
        if n % 2:
            drawn.append([rng.choice(WORDS) for _ in range(size)])
        else:
            source = [rng.choice(WORDS) for _ in range(60)]
            start = rng.randrange(len(source) - size)
            drawn.append(source[start : start + size])
    return drawn


def test_exact_phrases_find_the_same_documents_with_the_same_scores(searcher) -> None:  # type: ignore[no-untyped-def]
    found_any = 0
    for words in phrases():
        ours = matches(searcher, AdjacentPhrase("body", words))
        whoosh = matches(searcher, Phrase("body", words))
        assert ours == whoosh, words
        found_any += bool(ours)
        # ... and exactly the documents holding the words side by side.
        expected = [n for n, doc in enumerate(searcher.protokoll_docs)
                    if any(doc[i : i + len(words)] == words for i in range(len(doc)))]
        assert [docnum for docnum, _ in ours] == expected, words
    assert found_any > 60  # the comparison is not between two empty answers


def test_a_boosted_phrase_scores_as_whoosh_scores_it(searcher) -> None:  # type: ignore[no-untyped-def]
    words = ["vei", "bro"]
    assert matches(searcher, AdjacentPhrase("body", words, boost=2.0)) == matches(
        searcher, Phrase("body", words, boost=2.0))


def test_a_phrase_with_slop_or_an_unknown_word_goes_whoosh_s_way(searcher) -> None:  # type: ignore[no-untyped-def]
    assert matches(searcher, AdjacentPhrase("body", ["vei", "tog"], slop=3)) == matches(
        searcher, Phrase("body", ["vei", "tog"], slop=3))
    assert matches(searcher, AdjacentPhrase("body", ["vei", "fly"])) == []
    assert matches(searcher, AdjacentPhrase("nowhere", ["vei", "bro"])) == []
