"""Phrase queries: Whoosh's `Phrase`, with the words of an exact phrase matched as position sets.

Whoosh matches a phrase by making a Span object for every position of every word in every
document that holds all its words, then walking them pair by pair (whoosh.query.spans.SpanNear2).
For a phrase of common words ("helt mener": 23,000 of 100k documents hold both, with hundreds
of positions in the long ones) that walk was most of the search (bench/search.py, class "two").

Here an exact phrase (slop 1: each word right after the one before) is matched with sets: the
positions p of its first word such that word k stands at p + k. The same documents match, and
they are scored by the same intersection of the words' postings, so scores are Whoosh's own
(tests/unit/test_phrases.py compares both on generated documents). A phrase with slop (stop words
inside it leave gaps: search.build) keeps Whoosh's matching. search.scoring scores an exact
phrase without any matcher tree: the words' BM25F scores per document (as for an And of them),
then `phrase_starts` on the positions of the documents holding every word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from whoosh import matching
from whoosh.query import Phrase, SpanNear2, Term, qcore
from whoosh.query.spans import Span

__all__ = ["AdjacentPhrase", "phrase_starts"]


def phrase_starts(positions: Sequence[Iterable[int]]) -> set[int]:
    """The positions of the first word at which every word k of the phrase stands at + k."""
    starts = set(positions[0])
    for offset, later in enumerate(positions[1:], 1):
        if not starts:
            break
        starts.intersection_update([p - offset for p in later])
    return starts


class _Adjacent(SpanNear2):  # type: ignore[misc]  # Whoosh is untyped
    """SpanNear2 of terms right next to each other, in order (slop 1, mindist 1)."""

    class SpanNear2Matcher(SpanNear2.SpanNear2Matcher):  # type: ignore[misc]  # Whoosh is untyped
        def _get_spans(self) -> list[Span]:
            starts = phrase_starts([m.value_as("positions") for m in self.ms])
            last = len(self.ms) - 1
            return [Span(p, p + last) for p in sorted(starts)]


class AdjacentPhrase(Phrase):  # type: ignore[misc]  # Whoosh is untyped
    """`Phrase`, matched on position sets when it is exact (see the module docstring)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.slop != 1:
            return super().matcher(searcher, context)
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            raise qcore.QueryError(f"Phrase search: {fieldname!r} field has no positions")
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, text) not in reader:  # a word the field never holds: nothing matches
                return matching.NullMatcher()
            terms.append(Term(fieldname, text))
        m = _Adjacent(terms, slop=1, ordered=True, mindist=1).matcher(searcher, context)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
