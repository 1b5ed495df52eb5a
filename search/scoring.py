"""Relevance and facets: every match of a query inside the filter, scored, counted and
faceted in one pass per segment.

Relevance is Whoosh's own BM25F, computed per segment straight from the posting blocks into
{docnum: score} (the same formula, statistics and boosts as Whoosh's matchers) instead of
running Whoosh's matcher tree doc by doc. Or sums its children in Whoosh's binary-tree order,
And sums its children (+1.0 per NOT clause, as Whoosh does), an exact phrase sums its words for
the documents where they stand side by side (search.phrases), and anything else (phrases with
slop, ranges) is scored by its own Whoosh matcher. Ties go to the lower docnum, as in Whoosh's
collector. Facet counts come from the index's cached columns (search.segments).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Set as AbstractSet
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, Every, NullQuery, Or, Query, Term
from whoosh.query import Not as WNot
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher

from search.phrases import AdjacentPhrase, phrase_starts
from search.segments import SegmentCaches

__all__ = ["FACETS", "match_and_facets"]

FACETS = ("kind", "speaker", "party", "organisation", "year")
_FACET_FIELDS = {"kind": "kind", "speaker": "speaker_name", "party": "party", "year": "year"}
# The year column's value for documents without a date (Whoosh's default for
# a signed 32-bit column); not a year to offer as a facet.
_NO_YEAR = 2**31 - 1

def _matcher_scores(m: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def _term_scores(q: Term, sub: Searcher, caches: SegmentCaches) -> dict[int, float]:
    schema = sub.schema
    if q.fieldname not in schema:
        return {}
    try:
        text = schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return {}
    reader = sub.reader()
    if (q.fieldname, text) not in reader:
        return {}
    scorer = sub.weighting.scorer(sub, q.fieldname, text)
    m = reader.postings(q.fieldname, text, scorer=scorer)
    leaf, deleted = m, None
    if isinstance(m, FilterMatcher) and m._exclude:
        leaf, deleted = m.child, m._ids
    if type(scorer) is not BM25FScorer or not isinstance(leaf, W3LeafMatcher):
        out = _matcher_scores(m)
        if q.boost != 1.0:
            out = {d: s * q.boost for d, s in out.items()}
        return out
    # bm25(idf, tf, fl, avgfl, B, K1) exactly as whoosh.scoring computes it.
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    lengths = caches.field_lengths(sub, q.fieldname)
    boost = q.boost
    out = {}
    while leaf.is_active():
        if leaf._ids is None:
            leaf._read_ids()
        if leaf._weights is None:
            leaf._read_weights()
        for d, tf in zip(leaf._ids, leaf._weights, strict=False):  # one block's parallel arrays
            out[d] = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths[d] / avgfl)))
        leaf._next_block()
    if deleted:
        for d in deleted:
            out.pop(d, None)
    if boost != 1.0:
        for d in out:
            out[d] *= boost
    return out


def _union(parts: list[dict[int, float]]) -> dict[int, float]:
    """Sum like Whoosh's binary tree of UnionMatchers (a + (b + c))."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    a, b = _union(parts[:half]), _union(parts[half:])
    if len(a) < len(b):
        out = dict(b)
        for d, s in a.items():
            v = out.get(d)
            out[d] = s if v is None else s + v
    else:
        out = dict(a)
        for d, s in b.items():
            v = out.get(d)
            out[d] = s if v is None else v + s
    return out


def _scored(q: Query, sub: Searcher, caches: SegmentCaches) -> dict[int, float]:
    """Docnums (within this segment, live only) matching q, with scores."""
    if isinstance(q, Term):
        return _term_scores(q, sub, caches)
    if q is NullQuery:
        return {}
    if isinstance(q, Or) and type(q) is Or and q.boost == 1.0 and not q.scale and not q.minmatch:
        parts = [p for p in (_scored(c, sub, caches) for c in q.subqueries) if p]
        return _union(parts) if parts else {}
    if isinstance(q, And) and type(q) is And and q.boost == 1.0:
        pos = [c for c in q.subqueries if not isinstance(c, WNot)]
        neg = [c.query for c in q.subqueries if isinstance(c, WNot)]
        if not pos:
            return {}
        scored: list[dict[int, float]] = []
        keys: set[int] | None = None
        for child in pos:
            part = _scored(child, sub, caches)
            keys = set(part) if keys is None else keys.intersection(part)
            if not keys:
                return {}
            scored.append(part)
        assert keys is not None
        for child in neg:
            if not keys:
                break
            keys -= caches.docs(child, sub)
        # Whoosh scores a NOT clause inside And as a constant 1.0 (InverseMatcher).
        extra = 1.0 * len(neg)
        out: dict[int, float] = {}
        for d in keys:
            total = scored[0][d]
            for part in scored[1:]:
                total += part[d]
            out[d] = total + extra if extra else total
        return out
    if isinstance(q, Every) and not q.fieldname:
        return dict.fromkeys(sub.reader().all_doc_ids(), float(q.boost))
    if isinstance(q, AdjacentPhrase) and q.slop == 1 and _has_positions(sub, q.fieldname):
        return _phrase_scores(q, sub, caches)
    m = q.matcher(sub, sub.context())
    return _matcher_scores(m)


def _has_positions(sub: Searcher, fieldname: str) -> bool:
    if fieldname not in sub.schema:
        return False
    field = sub.schema[fieldname]
    return bool(field.format and field.format.supports("positions"))


def _phrase_scores(q: AdjacentPhrase, sub: Searcher, caches: SegmentCaches) -> dict[int, float]:
    """An exact phrase: documents holding every word (each word's BM25F, as Whoosh's matcher
    sums them: its binary tree of IntersectionMatchers), kept where the words stand side by side."""
    parts: list[dict[int, float]] = []
    for word in q.words:
        part = _term_scores(Term(q.fieldname, word), sub, caches)
        if not part:
            return {}
        parts.append(part)
    candidates = set(parts[0]).intersection(*parts[1:])  # live documents only (see _term_scores)
    if not candidates:
        return {}
    field, reader = sub.schema[q.fieldname], sub.reader()
    leaves = []
    for word in q.words:
        m = reader.postings(q.fieldname, field.to_bytes(word))
        leaves.append(m.child if isinstance(m, FilterMatcher) else m)
    out: dict[int, float] = {}
    for d in sorted(candidates):
        positions = []
        for leaf in leaves:
            leaf.skip_to(d)  # lands on d: every candidate is in every word's postings
            positions.append(leaf.value_as("positions"))
        if phrase_starts(positions):
            out[d] = _tree_sum([part[d] for part in parts]) * q.boost
    return out


def _tree_sum(scores: list[float]) -> float:
    """Sum in Whoosh's binary-tree order ((a + b) + (c + d)), so scores equal its matchers' exactly."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def match_and_facets(
    searcher: Searcher,
    caches: SegmentCaches,
    user_q: Query,
    filt: Query,
    with_facets: bool = True,
    scored: list[tuple[float, int]] | None = None,
) -> tuple[set[int], dict[str, list[tuple[Any, int]]]]:
    """Global docnums matching user_q within filt, and the facet counts.

    With `scored` (a list), every match is also scored and appended to it as
    (score, global docnum).
    """
    counters: dict[str, Counter[Any]] = {name: Counter() for name in FACETS}
    matched: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        allowed = caches.filter_docs(sub, filt)
        if not allowed:
            continue
        docs: AbstractSet[int]
        if scored is not None:
            scores = _scored(user_q, sub, caches)
            docs = allowed.intersection(scores)
            if docs:
                scored.extend((scores[d], d + offset) for d in docs)
        else:
            docs = caches.docs(user_q, sub)
            docs &= allowed
        if not docs:
            continue
        matched.update([d + offset for d in docs] if offset else docs)
        if not with_facets:
            continue
        for facet, fname in _FACET_FIELDS.items():
            col = caches.column(sub, fname)
            counters[facet].update(map(col.__getitem__, docs))
        orgs = caches.column(sub, "organisation_facet")
        c = counters["organisation"]
        for d in docs:
            v = orgs[d]
            if v:
                c.update(v)
    facets: dict[str, list[tuple[Any, int]]] = {}
    for name, counter in counters.items():
        items = [(v, n) for v, n in counter.items() if v not in (None, "", b"", 0) and v != _NO_YEAR]
        items.sort(key=lambda kv: (-kv[1], str(kv[0])))
        facets[name] = items[:50]
    return matched, facets


