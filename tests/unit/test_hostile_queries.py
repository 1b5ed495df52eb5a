"""Hostile input: nothing raises, and pathological queries are refused or limited.

We assert the *limits* (refusals, expansion counts, truncation notes), not
timings: the bounds are by construction.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.index import Index

from search.index import open_index, write_batch
from search.query import (
    MAX_EXPANSIONS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_TOTAL_EXPANSIONS,
    SearchParams,
    SearchResult,
    parse_user_query,
    search,
)

NOW = datetime(2024, 1, 1)
INDEXED = frozenset(f"r{i}" for i in range(120))


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Index:
    # Many distinct words sharing prefixes, so prefix/fuzzy expansion has to be capped.
    index = open_index(Path(tmp_path_factory.mktemp("hostile")) / "ix")
    docs = []
    for i in range(len(INDEXED)):
        words = " ".join(f"komite{i}x{j} kommune{j}{i} avtale{i}" for j in range(3))
        docs.append(dict(id=f"r{i}:1", record_id=f"r{i}", version=1, kind="news",
                         title=f"Sak {i}", body=f"Møtet om {words}.", recorded_at=NOW))
    write_batch(index, docs, [], {"position": "120"})
    return index


def run(ix: Index, q: str, **kw: object) -> SearchResult:
    return search(ix, SearchParams(q=q, **kw), now=NOW)  # type: ignore[arg-type]


SHORT_PREFIX = "a prefix search needs at least 3 letters before *"
INNER_WILDCARD = "wildcards are only allowed at the end of a word"


@pytest.mark.parametrize(
    ("q", "reason"),
    [("*", SHORT_PREFIX), ("mø*", SHORT_PREFIX), ("ko*", SHORT_PREFIX), ("**", INNER_WILDCARD),
     ("*a*", INNER_WILDCARD), ("*møte", INNER_WILDCARD), ("a*b", INNER_WILDCARD), ("k?m", INNER_WILDCARD)],
)
def test_wildcards_refused_with_a_message(ix: Index, q: str, reason: str) -> None:
    # Each refused pattern is named in the message, with the reason that applies to it,
    result = run(ix, q)
    assert result.error == f"{q!r}: {reason}"
    # and nothing is searched.
    assert result.hits == [] and result.total == 0


def test_prefix_expansion_is_capped(ix: Index) -> None:
    with ix.searcher() as s:
        parsed = parse_user_query(s, "komite*")
    # 360 words start with "komite": only MAX_EXPANSIONS per field are used.
    assert parsed.expansions <= 3 * MAX_EXPANSIONS
    assert any("too many" in n for n in parsed.notes)


def test_total_expansion_is_capped_across_clauses(ix: Index) -> None:
    with ix.searcher() as s:
        parsed = parse_user_query(s, " OR ".join(["komite*", "kommune*", "avtale*"] * 5))
    assert parsed.expansions <= MAX_TOTAL_EXPANSIONS


def test_fuzzy_distance_is_capped(ix: Index) -> None:
    result = run(ix, "kommune~99")
    assert any("fuzzy distance limited" in n for n in result.notes)
    with ix.searcher() as s:
        assert parse_user_query(s, "komite~2").expansions <= MAX_TOTAL_EXPANSIONS


@pytest.mark.parametrize("depth", [50, 1000, 20_000])
def test_deep_nesting_is_flattened(ix: Index, depth: int) -> None:
    result = run(ix, "(" * depth + "møtet" + ")" * depth)
    # Past MAX_QUERY_CHARS the word itself is cut off: nothing left to search.
    assert result.error in (None, "nothing to search for")
    assert any("flattened" in n or "truncated" in n for n in result.notes)


def test_huge_input_is_truncated(ix: Index) -> None:
    result = run(ix, "møte " * 20_000)  # 100 kB
    assert any(str(MAX_QUERY_CHARS) in n for n in result.notes)
    assert any("words were used" in n for n in result.notes)


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', 'møte"', "møte\x00\x01\x1b[31m", "(((", ")))", "NOT", "- - -", "OR AND NOT",
     "speaker:", 'speaker:"', "kind:ukjent", "foo:bar", "~", "~~~", "møte~-1", "\u202e\u200b",
     "NOT " * 5000 + "møte"],
)
def test_structured_hostile_strings(ix: Index, q: str) -> None:
    result = run(ix, q)
    assert isinstance(result.total, int)


def test_page_and_page_size_are_limited(ix: Index) -> None:
    big_page = run(ix, "møte", page=10**12)
    assert big_page.hits == [] and big_page.total == 120
    huge_size = run(ix, "møte", page_size=10**9)
    assert huge_size.page_size == MAX_PAGE_SIZE and len(huge_size.hits) == MAX_PAGE_SIZE
    odd = run(ix, "møte", page=-5, page_size=0)
    assert odd.page == 1 and odd.page_size == 1


hostile_alphabet = st.sampled_from(
    list('()"*?~:-+!^[]{}\\/ \t\n\x00\x7fæøåÆØÅ') + ["AND", "OR", "NOT", "møte", "kom", "speaker:", "kind:"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(ix: Index, q: str) -> None:
    result = run(ix, q)
    # Whatever the text, the answer is a consistent first page over the 120 indexed records:
    assert 0 <= result.total <= 120 and result.page == 1 and result.page_size == 20
    assert len(result.hits) == min(result.total, 20)
    assert len({h.record_id for h in result.hits}) == len(result.hits)
    assert all(h.record_id in INDEXED for h in result.hits)
    # and a refused query finds nothing rather than something.
    if result.error:
        assert result.total == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(hostile_alphabet, max_size=200).map("".join))
def test_syntax_soup_never_raises_and_stays_bounded(ix: Index, q: str) -> None:
    with ix.searcher() as s:
        parsed = parse_user_query(s, q)
    assert parsed.expansions <= MAX_TOTAL_EXPANSIONS
    run(ix, q)
