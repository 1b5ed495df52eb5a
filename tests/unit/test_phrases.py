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


def test_the_query_layer_scores_phrases_as_whoosh_searches_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """search.scoring scores an exact phrase without a matcher tree: same hits, order and scores
    as Whoosh's own search over an archive index, deletions included."""
    from datetime import datetime

    from search.build import parse_user_query
    from search.index import open_index, write_batch
    from search.query import SearchParams, search
    from search.readers import cached_searcher

    now = datetime(2024, 6, 1)
    rng = random.Random(9)
    words = ["vegen", "brua", "ferja", "tunnelen", "bussen", "toget"]
    ix = open_index(tmp_path / "ix")
    for batch in range(3):  # three segments, and replaced documents in the later ones
        docs = [dict(id=f"st{n}:1", record_id=f"st{n}", version=1, kind="statement",
                     title=" ".join(rng.choice(words) for _ in range(3)),
                     body=" ".join(rng.choice(words) for _ in range(rng.randint(2, 60))),
                     date=datetime(2020, 1, 1), recorded_at=datetime(2020, 1, 2))
                for n in range(batch * 60, batch * 60 + 100)]
        write_batch(ix, docs, [], {"position": str(batch + 1)})
    for q in ['"vegen brua"', '"ferja ferja"', '"bussen toget vegen"', '"tunnelen brua ferja bussen"']:
        params = SearchParams(q=q, page_size=100, include_restricted=True, known_at=now)
        ours = search(ix, params, now=now)
        with cached_searcher(ix) as searcher:
            user_q = parse_user_query(searcher, q).query
            # Every document is visible here, so Whoosh searches without our filter.
            results = searcher.search(user_q, limit=100)
            expected = [(results[i]["id"], results.score(i)) for i in range(results.scored_length())]
        assert ours.total == len(results), q
        assert [h.id for h in ours.hits] == [i for i, _ in expected], q
        assert [h.score for h in ours.hits] == pytest.approx([s for _, s in expected], rel=1e-12), q
    assert search(ix, SearchParams(q='"vegen brua"', known_at=now), now=now).total > 0
