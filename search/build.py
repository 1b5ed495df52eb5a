"""The user's query tree (search.syntax) as a Whoosh query.

Words are analysed like the index (search.analysis), so "ordfører" finds "ordførerne". Raw
input never reaches Whoosh's QueryParser (which recurses and expands wildcards without bound):
prefix/fuzzy terms expand to at most MAX_EXPANSIONS index terms (scanning at most
MAX_FUZZY_SCAN terms). Refused constructs (leading or inner wildcards, short prefixes, a lone
*) are dropped and reported in `errors`; limits that were applied are listed in `notes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from whoosh.query import And, Every, NullQuery, Or, Query, Term
from whoosh.query import Not as WNot
from whoosh.searching import Searcher
from whoosh.support.levenshtein import distance

from search.analysis import DEFAULT_LANGS, normalise_word, norwegian_analyzer
from search.phrases import AdjacentPhrase
from search.schema import KINDS
from search.syntax import MAX_QUERY_CHARS, Node, Token, parse, short

__all__ = ["ParsedQuery", "parse_user_query", "TEXT_FIELDS", "MAX_PHRASE_WORDS", "MAX_EXPANSIONS",
           "MAX_TOTAL_EXPANSIONS", "MAX_FUZZY_SCAN", "MAX_FUZZY_DISTANCE", "MIN_PREFIX_CHARS"]

MAX_PHRASE_WORDS = 12
MAX_EXPANSIONS = 50
MAX_TOTAL_EXPANSIONS = 200
MAX_FUZZY_SCAN = 20_000
MAX_FUZZY_DISTANCE = 2
MIN_PREFIX_CHARS = 3

TEXT_FIELDS: tuple[tuple[str, float], ...] = (("title", 2.0), ("body", 1.0), ("parts", 0.5))

@dataclass
class ParsedQuery:
    """A built Whoosh query plus what the user should be told about it."""

    query: Query | None
    description: str
    errors: list[str]
    notes: list[str]
    highlight_terms: dict[str, set[str]]  # field -> terms to mark in snippets
    expansions: int = 0


class Builder:
    def __init__(self, searcher: Searcher, notes: list[str], errors: list[str]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.notes = notes
        self.errors = errors
        self.expansions = 0
        self.hl: dict[str, set[str]] = {"title": set(), "body": set()}
        self.analyzer = norwegian_analyzer(DEFAULT_LANGS)

    # --- tree

    def build(self, node: Node) -> tuple[Query | None, str]:
        if node.op == "clause":
            assert node.tok is not None
            return self.clause(node.tok)
        if node.op == "not":
            q, d = self.build(node.children[0])
            return (WNot(q), f"NOT {d}") if q is not None else (None, "")
        built = [self.build(c) for c in node.children]
        parts = [(q, d) for q, d in built if q is not None]
        if not parts:
            return None, ""
        if len(parts) == 1:
            return parts[0]
        joiner = " AND " if node.op == "and" else " OR "
        desc = "(" + joiner.join(d for _, d in parts) + ")"
        qs = [q for q, _ in parts]
        if node.op == "or":
            # A purely negative alternative would match everything; drop it.
            pos = [q for q in qs if not isinstance(q, WNot)]
            if len(pos) != len(qs):
                self.notes.append("NOT inside OR was ignored")
            if not pos:
                return None, ""
            return (Or(pos) if len(pos) > 1 else pos[0]), desc
        return And(qs), desc

    # --- leaves

    def clause(self, tok: Token) -> tuple[Query | None, str]:
        if tok.field is not None:
            return self.field_clause(tok)
        if tok.kind == "phrase":
            return self.phrase(tok.text)
        return self.word(tok.text)

    def _terms(self, text: str) -> list[tuple[int, str]]:
        return [(t.pos, t.text) for t in self.analyzer(text[:MAX_QUERY_CHARS], positions=True)]

    def text_term(self, term: str) -> Query:
        self.hl["title"].add(term)
        self.hl["body"].add(term)
        return Or([Term(f, term, boost=b) for f, b in TEXT_FIELDS])

    def word(self, raw: str) -> tuple[Query | None, str]:
        if raw.endswith("*") or "*" in raw or "?" in raw:
            return self.prefix(raw)
        m = re.fullmatch(r"(.+?)~(\d*)", raw)
        if m and m.group(1) and "~" not in m.group(1):
            return self.fuzzy(m.group(1), m.group(2))
        raw = raw.replace("~", " ")
        if re.fullmatch(r"\d{4}/\d+", raw):
            # A case reference ("2016/0007") is matched exactly too.
            words = self._terms(raw)
            alt = And([self.text_term(t) for _, t in words]) if words else None
            ref = Term("reference", raw, boost=3.0)
            return (Or([ref, alt]) if alt is not None else ref), f"reference:{raw}"
        terms = self._terms(raw)
        if not terms:
            self.notes.append(f"'{short(raw)}' was ignored (stop word or no letters)")
            return None, ""
        if len(terms) == 1:
            return self.text_term(terms[0][1]), f"{short(raw)}→{terms[0][1]}"
        return self._phrase_query(terms, raw)

    def phrase(self, text: str) -> tuple[Query | None, str]:
        terms = self._terms(text)
        if not terms:
            if text.strip():
                self.notes.append(f'"{short(text)}" has only stop words; ignored')
            return None, ""
        if len(terms) == 1:
            return self.text_term(terms[0][1]), f'"{short(text)}"→{terms[0][1]}'
        return self._phrase_query(terms, text)

    def _phrase_query(self, terms: list[tuple[int, str]], raw: str) -> tuple[Query, str]:
        if len(terms) > MAX_PHRASE_WORDS:
            self.notes.append(f"phrase shortened to {MAX_PHRASE_WORDS} words")
            terms = terms[:MAX_PHRASE_WORDS]
        words = [t for _, t in terms]
        # Stop words leave gaps in positions; allow exactly that much slop.
        gaps = [b[0] - a[0] for a, b in pairwise(terms)]
        slop = max([1, *gaps])
        for w in words:
            self.hl["title"].add(w)
            self.hl["body"].add(w)
        q = Or([AdjacentPhrase("title", words, slop=slop, boost=2.0), AdjacentPhrase("body", words, slop=slop)])
        return q, '"' + " ".join(words) + '"'

    def _expand(self, fieldname: str, candidates: Iterable[str], label: str) -> list[str]:
        budget = min(MAX_EXPANSIONS, MAX_TOTAL_EXPANSIONS - self.expansions)
        out: list[str] = []
        for term in candidates:
            if len(out) >= budget:
                self.notes.append(f"{label} matched too many words; used the first {len(out)}")
                break
            out.append(term)
        self.expansions += len(out)
        return out

    def _expanded_query(self, per_field: dict[str, list[str]]) -> Query | None:
        clauses: list[Query] = []
        for fname, boost in TEXT_FIELDS:
            for term in per_field.get(fname, []):
                clauses.append(Term(fname, term, boost=boost))
                if fname in self.hl:
                    self.hl[fname].add(term)
        return Or(clauses) if clauses else None

    def prefix(self, raw: str) -> tuple[Query | None, str]:
        stem = raw[:-1] if raw.endswith("*") else raw
        if "*" in stem or "?" in stem or not raw.endswith("*"):
            self.errors.append(
                f"'{short(raw)}': wildcards are only allowed at the end of a word"
            )
            return None, ""
        lower = stem.lower()
        if len(lower) < MIN_PREFIX_CHARS or not lower.isalnum():
            self.errors.append(
                f"'{short(raw)}': a prefix search needs at least {MIN_PREFIX_CHARS} letters before *"
            )
            return None, ""
        # Index terms are stems; the surface prefix may run past the stem
        # ("samarbeide*" vs "samarbeid"), so also try the normalised prefix.
        norm = normalise_word(stem) or lower
        prefixes = sorted({lower, norm} if len(norm) >= MIN_PREFIX_CHARS else {lower})
        per_field: dict[str, list[str]] = {}
        for fname, _ in TEXT_FIELDS:
            def gen(fname: str = fname) -> Iterable[str]:
                seen: set[str] = set()
                for p in prefixes:
                    for b in self.reader.expand_prefix(fname, p):
                        t = b.decode("utf-8") if isinstance(b, bytes) else b
                        if t not in seen:
                            seen.add(t)
                            yield t
            per_field[fname] = self._expand(fname, gen(), f"{lower}*")
        q = self._expanded_query(per_field)
        if q is None:
            return NullQuery, f"{lower}*"  # no such words: matches nothing
        return q, f"{lower}*"

    def fuzzy(self, raw: str, dist_text: str) -> tuple[Query | None, str]:
        maxdist = int(dist_text[:3]) if dist_text else 1
        if maxdist > MAX_FUZZY_DISTANCE:
            self.notes.append(f"fuzzy distance limited to {MAX_FUZZY_DISTANCE}")
            maxdist = MAX_FUZZY_DISTANCE
        surface = raw.lower()
        if len(surface) < 3 or not surface.isalpha() or len(surface) > 60:
            self.errors.append(f"'{short(raw)}~': fuzzy search needs a word of at least 3 letters")
            return None, ""
        if maxdist == 0:
            return self.word(raw)
        # Fuzzy on both the normalised term and the surface form: the index
        # holds stems, and a misspelling may not stem like the real word.
        targets = {normalise_word(raw) or surface, surface}
        keep = 2 if len(surface) >= 5 else 1  # shared prefix keeps the scan small
        per_field: dict[str, list[str]] = {}
        for fname, _ in TEXT_FIELDS:
            def gen(fname: str = fname) -> Iterable[str]:
                scanned = 0
                seen: set[str] = set()
                for target in sorted(targets):
                    for b in self.reader.expand_prefix(fname, target[:keep]):
                        scanned += 1
                        if scanned > MAX_FUZZY_SCAN:
                            return
                        t = b.decode("utf-8") if isinstance(b, bytes) else b
                        if t in seen or abs(len(t) - len(target)) > maxdist:
                            continue
                        if distance(t, target, limit=maxdist + 1) <= maxdist:
                            seen.add(t)
                            yield t
            per_field[fname] = self._expand(fname, gen(), f"{surface}~{maxdist}")
        q = self._expanded_query(per_field)
        if q is None:
            return NullQuery, f"{surface}~{maxdist}"
        return q, f"{surface}~{maxdist}"

    def field_clause(self, tok: Token) -> tuple[Query | None, str]:
        name = tok.field
        value = tok.text.strip().rstrip("*~")
        if not value:
            return None, ""
        if name == "kind":
            kind = value.lower()
            if kind not in KINDS:
                self.errors.append(f"unknown kind '{short(value)}' (one of {', '.join(KINDS)})")
                return None, ""
            return Term("kind", kind), f"kind:{kind}"
        if name == "party":
            return Term("party", value.lower()), f"party:{value.lower()}"
        words = [t for _, t in self._terms(value)]
        if name == "speaker":
            alts: list[Query] = [Term("speaker_id", value)]
            if words:
                alts.append(And([Term("speaker", w) for w in words]))
            return Or(alts), f'speaker:"{short(value)}"'
        if name == "organisation":
            alts = [Term("organisation", value.lower())]
            if words:
                alts.append(And([Term("organisation_words", w) for w in words]))
            return Or(alts), f'organisation:"{short(value)}"'
        # role
        if not words:
            return None, ""
        return And([Term("role", w) for w in words]), f'role:"{short(value)}"'


def parse_user_query(searcher: Searcher, q: str) -> ParsedQuery:
    """Parse user syntax into a Whoosh query; never raises on any input."""
    notes: list[str] = []
    errors: list[str] = []
    tree = parse(q or "", notes)
    builder = Builder(searcher, notes, errors)
    query, desc = builder.build(tree) if tree is not None else (None, "")
    if isinstance(query, WNot):
        query = And([Every(), query])
    elif isinstance(query, And) and all(isinstance(c, WNot) for c in query.subqueries):
        query = And([Every(), *query.subqueries])
    notes = list(dict.fromkeys(notes))  # each note once
    return ParsedQuery(query, desc, errors, notes, builder.hl, builder.expansions)

