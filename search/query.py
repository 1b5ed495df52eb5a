"""The user query layer: a small parser for the user syntax, filters for
visibility and time travel, facets, highlights and pagination.

User syntax: words, "phrases", AND / OR / NOT, -word, (groups),
field:value for speaker, party, role, organisation, kind; word* (prefix, at
least 3 characters) and word~ / word~2 (fuzzy, distance at most 2). Words
are analysed like the index (search.analysis), so "ordfører" finds
"ordførerne". Adjacent clauses are ANDed.

Raw input never reaches Whoosh's QueryParser (which recurses and expands
wildcards without bound). Our parser is bounded: input is truncated, control
characters are dropped, nesting deeper than MAX_DEPTH is flattened, at most
MAX_CLAUSES words are used, and prefix/fuzzy terms expand to at most
MAX_EXPANSIONS index terms (scanning at most MAX_FUZZY_SCAN terms). Refused
constructs (leading or inner wildcards, short prefixes, a lone *) are dropped
and reported in SearchResult.error; limits that were applied are listed in
SearchResult.notes.

Visibility (see search.schema for the fields the indexer fills):
  default         current == True
  known_at=T      recorded_at <= T < superseded_at   (what the archive showed at T)
  valid_at=D      agreements with valid_from <= D < valid_to that are not
                  retracted (retracted_at > now, or > T when known_at is also
                  given); other kinds use the default/known_at rule.
  not public now  (visibility != "public", see archive.visibility) excluded
                  inside the query unless include_restricted, at every known_at, so
                  hits, totals, snippets and facets never see them.
"""

from __future__ import annotations

import heapq
import html
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, Literal

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import Index
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import (
    And,
    ConstantScoreQuery,
    DateRange,
    Every,
    NullQuery,
    Or,
    Phrase,
    Query,
    Term,
)
from whoosh.query import Not as WNot
from whoosh.scoring import BM25FScorer
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet
from whoosh.support.levenshtein import distance

from archive.visibility import PUBLIC as PUBLIC_MARK
from search.analysis import DEFAULT_LANGS, analyse, normalise_word, norwegian_analyzer
from search.directory import (
    Directory,
    Resolution,
    build_directory,
    resolve_organisation,
    resolve_party,
    resolve_speaker,
    suggest,
)
from search.index import cached_searcher, generation_key
from search.schema import DATECOLUMN, FAR_FUTURE, KINDS, ORG_SEPARATOR
from search.snippets import make_snippet

__all__ = [
    "SearchParams",
    "SearchHit",
    "SearchResult",
    "ParsedQuery",
    "parse_user_query",
    "search",
    "known_names",
    "MAX_QUERY_CHARS",
    "MAX_CLAUSES",
    "MAX_DEPTH",
    "MAX_EXPANSIONS",
    "MAX_PAGE_SIZE",
    "MAX_RESULT_WINDOW",
]

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_DEPTH = 8
MAX_PHRASE_WORDS = 12
MAX_EXPANSIONS = 50
MAX_TOTAL_EXPANSIONS = 200
MAX_FUZZY_SCAN = 20_000
MAX_FUZZY_DISTANCE = 2
MIN_PREFIX_CHARS = 3
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
SNIPPET_CHARS = 240

TEXT_FIELDS: tuple[tuple[str, float], ...] = (("title", 2.0), ("body", 1.0), ("parts", 0.5))
USER_FIELDS = ("speaker", "party", "role", "organisation", "kind")
FACETS = ("kind", "speaker", "party", "organisation", "year")
SortOrder = Literal["relevance", "date", "-date"]


# ---------------------------------------------------------------- results


@dataclass
class SearchParams:
    q: str = ""
    kind: list[str] | None = None
    speaker: str | None = None
    party: str | None = None
    organisation: str | None = None
    role: str | None = None  # the speaker's role as written ("fylkesordfører"), any inflection
    year: int | None = None  # the record's own date falls in this year (what the year facet counts)
    date_from: date | None = None  # the record's own date, inclusive, every kind
    date_to: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    known_at: datetime | None = None
    valid_at: date | None = None
    include_restricted: bool = False
    sort: SortOrder = "relevance"
    page: int = 1
    page_size: int = 20
    facets: bool = True  # False: facet lists come back empty (cheaper)


@dataclass
class SearchHit:
    id: str
    record_id: str
    version: int | None
    kind: str | None
    reference: str | None
    title: str
    snippet: str
    speaker: str | None
    party: str | None
    role: str | None
    organisation: list[str]
    dates: dict[str, str]
    score: float | None
    visibility: str | None = None  # archive.visibility's mark of the record now (staff see all)
    status: str | None = None  # the version's own status ("cancelled", "withdrawn", ...)


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[Any, int]]]
    parsed_query: str
    error: str | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- lexer

_TOKEN_RE = re.compile(
    r"""
    (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<fieldphrase>(?P<fpname>[A-Za-z_]+):"(?P<fptext>[^"]*)"?)
  | (?P<phrase>"(?P<ptext>[^"]*)"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_CONTROL = {c: " " for c in range(32)} | {127: " "}


@dataclass
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "phrase", "word"
    text: str = ""
    field: str | None = None
    negate: bool = False


def _clean(q: str, notes: list[str]) -> str:
    q = unicodedata.normalize("NFC", q.translate(_CONTROL))
    # Other invisible formatting characters (Cf/Cs/Co) are dropped too.
    q = "".join(ch for ch in q if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
    if len(q) > MAX_QUERY_CHARS:
        notes.append(f"query truncated to {MAX_QUERY_CHARS} characters")
        q = q[:MAX_QUERY_CHARS]
    return q


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(q):
        if m.group("lparen"):
            toks.append(_Tok("("))
        elif m.group("rparen"):
            toks.append(_Tok(")"))
        elif m.group("fieldphrase"):
            name = m.group("fpname").lower()
            if name in USER_FIELDS:
                toks.append(_Tok("phrase", m.group("fptext"), name))
            else:
                toks.append(_Tok("phrase", m.group("fptext")))
        elif m.group("phrase") is not None:
            toks.append(_Tok("phrase", m.group("ptext")))
        else:
            word = m.group("word")
            if word in ("AND", "&&"):
                toks.append(_Tok("AND"))
            elif word in ("OR", "||"):
                toks.append(_Tok("OR"))
            elif word == "NOT":
                toks.append(_Tok("NOT"))
            else:
                neg = False
                if word.startswith("-") and len(word) > 1:
                    neg, word = True, word[1:]
                fname: str | None = None
                if ":" in word:
                    head, _, rest = word.partition(":")
                    if head.lower() in USER_FIELDS and rest:
                        fname, word = head.lower(), rest
                toks.append(_Tok("word", word, fname, neg))
    return toks


# ---------------------------------------------------------------- AST


@dataclass
class _Node:
    op: str  # "and", "or", "not", "clause"
    children: list[_Node] = field(default_factory=list)
    tok: _Tok | None = None


class _Parser:
    """Recursive descent with the recursion bounded by MAX_DEPTH.

    Parentheses nested deeper than MAX_DEPTH are ignored (their contents join
    the enclosing group), unmatched ")" are ignored and unclosed "(" are
    closed at the end, so any input parses.
    """

    def __init__(self, toks: list[_Tok], notes: list[str]) -> None:
        self.toks = toks
        self.i = 0
        self.notes = notes
        self.clauses = 0
        self._noted_depth = False
        self._noted_clauses = False

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> _Node | None:
        node = self.parse_or(0)
        while self.peek() is not None:  # stray ")" at top level
            self.i += 1
            more = self.parse_or(0)
            node = _merge("and", node, more)
        return node

    def parse_or(self, depth: int) -> _Node | None:
        items: list[_Node] = []
        node = self.parse_and(depth)
        if node is not None:
            items.append(node)
        while (t := self.peek()) is not None and t.kind == "OR":
            self.i += 1
            node = self.parse_and(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else _Node("or", items)

    def parse_and(self, depth: int) -> _Node | None:
        items: list[_Node] = []
        while (t := self.peek()) is not None and t.kind not in ("OR", ")"):
            if t.kind == "AND":
                self.i += 1
                continue
            node = self.parse_unary(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else _Node("and", items)

    def parse_unary(self, depth: int) -> _Node | None:
        negate = False
        # Iterative, so "NOT NOT NOT ... x" cannot recurse.
        while (t := self.peek()) is not None and t.kind == "NOT":
            negate = not negate
            self.i += 1
        node = self.parse_atom(depth)
        if node is None:
            return None
        return _Node("not", [node]) if negate else node

    def parse_atom(self, depth: int) -> _Node | None:
        t = self.peek()
        if t is None or t.kind in ("OR", ")"):
            return None
        self.i += 1
        if t.kind == "(":
            if depth >= MAX_DEPTH:
                if not self._noted_depth:
                    self.notes.append(f"parentheses nested deeper than {MAX_DEPTH} were flattened")
                    self._noted_depth = True
                return None  # the contents continue in the enclosing group
            node = self.parse_or(depth + 1)
            if (c := self.peek()) is not None and c.kind == ")":
                self.i += 1
            return node
        if t.kind in ("AND", "NOT"):
            return None
        if self.clauses >= MAX_CLAUSES:
            if not self._noted_clauses:
                self.notes.append(f"only the first {MAX_CLAUSES} words were used")
                self._noted_clauses = True
            return None
        self.clauses += 1
        node = _Node("clause", tok=t)
        return _Node("not", [node]) if t.negate else node


def _merge(op: str, a: _Node | None, b: _Node | None) -> _Node | None:
    if a is None:
        return b
    if b is None:
        return a
    return _Node(op, [a, b])


# ---------------------------------------------------------------- building


@dataclass
class ParsedQuery:
    """A built Whoosh query plus what the user should be told about it."""

    query: Query | None
    description: str
    errors: list[str]
    notes: list[str]
    highlight_terms: dict[str, set[str]]  # field -> terms to mark in snippets
    expansions: int = 0


class _Builder:
    def __init__(self, searcher: Searcher, notes: list[str], errors: list[str]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.notes = notes
        self.errors = errors
        self.expansions = 0
        self.hl: dict[str, set[str]] = {"title": set(), "body": set()}
        self.analyzer = norwegian_analyzer(DEFAULT_LANGS)

    # --- tree

    def build(self, node: _Node) -> tuple[Query | None, str]:
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

    def clause(self, tok: _Tok) -> tuple[Query | None, str]:
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
            self.notes.append(f"'{_short(raw)}' was ignored (stop word or no letters)")
            return None, ""
        if len(terms) == 1:
            return self.text_term(terms[0][1]), f"{_short(raw)}→{terms[0][1]}"
        return self._phrase_query(terms, raw)

    def phrase(self, text: str) -> tuple[Query | None, str]:
        terms = self._terms(text)
        if not terms:
            if text.strip():
                self.notes.append(f'"{_short(text)}" has only stop words; ignored')
            return None, ""
        if len(terms) == 1:
            return self.text_term(terms[0][1]), f'"{_short(text)}"→{terms[0][1]}'
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
        q = Or([Phrase("title", words, slop=slop, boost=2.0), Phrase("body", words, slop=slop)])
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
                f"'{_short(raw)}': wildcards are only allowed at the end of a word"
            )
            return None, ""
        lower = stem.lower()
        if len(lower) < MIN_PREFIX_CHARS or not lower.isalnum():
            self.errors.append(
                f"'{_short(raw)}': a prefix search needs at least {MIN_PREFIX_CHARS} letters before *"
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
            self.errors.append(f"'{_short(raw)}~': fuzzy search needs a word of at least 3 letters")
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

    def field_clause(self, tok: _Tok) -> tuple[Query | None, str]:
        name = tok.field
        value = tok.text.strip().rstrip("*~")
        if not value:
            return None, ""
        if name == "kind":
            kind = value.lower()
            if kind not in KINDS:
                self.errors.append(f"unknown kind '{_short(value)}' (one of {', '.join(KINDS)})")
                return None, ""
            return Term("kind", kind), f"kind:{kind}"
        if name == "party":
            return Term("party", value.lower()), f"party:{value.lower()}"
        words = [t for _, t in self._terms(value)]
        if name == "speaker":
            alts: list[Query] = [Term("speaker_id", value)]
            if words:
                alts.append(And([Term("speaker", w) for w in words]))
            return Or(alts), f'speaker:"{_short(value)}"'
        if name == "organisation":
            alts = [Term("organisation", value.lower())]
            if words:
                alts.append(And([Term("organisation_words", w) for w in words]))
            return Or(alts), f'organisation:"{_short(value)}"'
        # role
        if not words:
            return None, ""
        return And([Term("role", w) for w in words]), f'role:"{_short(value)}"'


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_user_query(searcher: Searcher, q: str) -> ParsedQuery:
    """Parse user syntax into a Whoosh query; never raises on any input."""
    notes: list[str] = []
    errors: list[str] = []
    text = _clean(q or "", notes)
    tree = _Parser(_lex(text), notes).parse()
    builder = _Builder(searcher, notes, errors)
    query, desc = builder.build(tree) if tree is not None else (None, "")
    if isinstance(query, WNot):
        query = And([Every(), query])
    elif isinstance(query, And) and all(isinstance(c, WNot) for c in query.subqueries):
        query = And([Every(), *query.subqueries])
    notes = list(dict.fromkeys(notes))  # each note once
    return ParsedQuery(query, desc, errors, notes, builder.hl, builder.expansions)


# ---------------------------------------------------------------- filters


def _day_start(d: date | datetime) -> datetime:
    if isinstance(d, datetime):
        return d.replace(tzinfo=None)
    return datetime.combine(d, time.min)


def _after(field_name: str, moment: datetime) -> Query:
    """field > moment (DateRange is inclusive, so start a microsecond later)."""
    return DateRange(field_name, moment + timedelta(microseconds=1), FAR_FUTURE)


def _visibility(params: SearchParams, now: datetime) -> tuple[Query, list[str]]:
    parts: list[str] = []
    if params.known_at is not None:
        t = _day_start(params.known_at)
        record_rule: Query = And([DateRange("recorded_at", None, t), _after("superseded_at", t)])
        parts.append(f"as known at {t.isoformat(sep=' ')}")
    else:
        t = now
        record_rule = Term("current", True)
    if params.valid_at is None:
        return record_rule, parts
    d = _day_start(params.valid_at)
    parts.append(f"in force on {d.date().isoformat()}")
    in_force = And(
        [
            Term("kind", "agreement"),
            DateRange("valid_from", None, d),
            _after("valid_to", d),
            DateRange("recorded_at", None, t),
            _after("retracted_at", t),
        ]
    )
    others = And([record_rule, WNot(Term("kind", "agreement"))])
    return Or([in_force, others]), parts


def _filters(
    params: SearchParams, now: datetime, searcher: Searcher | None = None, notes: list[str] | None = None
) -> tuple[Query, str]:
    """The filter every hit must pass: visibility, then the caller's selections.

    With a searcher, person/party/organisation values are resolved against the names the
    visible documents carry (search.directory): any case, surname or alias; a value that
    names nothing known matches nothing and adds a note to `notes`. Without one (callers that
    only need the visibility part) they are taken as exact index values.
    """
    visibility, words = _visibility(params, now)
    clauses: list[Query] = [visibility]
    if not params.include_restricted:
        # archive.visibility: the public finds only records that are public NOW (every version
        # of a record withdrawn, unpublished or screened today is left out, at any known_at).
        clauses.append(Term("visibility", PUBLIC_MARK))
    else:
        words.append("including restricted")
    names = _directory(searcher, And(clauses)) if searcher is not None else None
    told = notes if notes is not None else []
    kinds = [k.lower() for k in (params.kind or []) if k]
    if kinds:
        known = [k for k in kinds if k in KINDS]
        # An unknown kind narrows to nothing (the caller reports it), never to everything.
        clauses.append(Or([Term("kind", k) for k in known]) if known else NullQuery)
        words.append("kind in " + "|".join(kinds))
    if params.speaker:
        sp = params.speaker.strip()
        if names is not None:
            clauses.append(_resolved(resolve_speaker(searcher, names, sp), told))
        else:
            clauses.append(Or([Term("speaker_id", sp), Term("speaker_name", sp)]))
        words.append(f"speaker={sp}")
    if params.party:
        party = params.party.strip()
        if names is not None:
            clauses.append(_resolved(resolve_party(names, party), told))
        else:
            clauses.append(Term("party", party.lower()))
        words.append(f"party={party}")
    if params.organisation:
        org = params.organisation.strip()
        if names is not None:
            clauses.append(_resolved(resolve_organisation(searcher, names, org), told))
        else:
            clauses.append(Or([Term("organisation", org.lower()), Term("organisation_ids", org)]))
        words.append(f"organisation={org}")
    if params.role:
        # Every word of the role, analysed like the field: "ordfører" also finds "ordføreren".
        terms = [t for t in analyse(params.role.strip()[:200]) if t]
        clauses.append(And([Term("role", t) for t in terms]) if terms else NullQuery)
        if searcher is not None and not all(("role", t) in searcher.reader() for t in terms):
            told.append(f"ingen i arkivet har rollen «{_short(params.role.strip(), 60)}»")
        words.append(f"role={params.role.strip()}")
    if params.valid_from or params.valid_to:
        lo = _day_start(params.valid_from) if params.valid_from else None
        hi = _day_start(params.valid_to) if params.valid_to else None
        # Overlap of [valid_from, valid_to) with the requested range.
        if hi is not None:
            clauses.append(DateRange("valid_from", None, hi))
        if lo is not None:
            clauses.append(_after("valid_to", lo))
        words.append(f"valid {lo.date() if lo else '…'}–{hi.date() if hi else '…'}")
    # The record's own date (meeting day, said/published date, an agreement's start): the
    # field the year facet counts, for every kind, so `year=2016` returns what "2016 (n)" showed.
    if params.year is not None:
        clauses.append(
            DateRange("date", datetime(params.year, 1, 1), datetime.combine(date(params.year, 12, 31), time.max))
        )
        words.append(f"year={params.year}")
    if params.date_from or params.date_to:
        lo = _day_start(params.date_from) if params.date_from else None
        hi = datetime.combine(params.date_to, time.max) if params.date_to else None
        clauses.append(DateRange("date", lo, hi))
        words.append(f"date {lo.date() if lo else '…'}–{hi.date() if hi else '…'}")
    if params.recorded_from or params.recorded_to:
        lo = _day_start(params.recorded_from) if params.recorded_from else None
        hi = _day_start(params.recorded_to) if params.recorded_to else None
        clauses.append(DateRange("recorded_at", lo, hi))
        words.append(f"recorded {lo or '…'}–{hi or '…'}")
    return And(clauses), "; ".join(words)


def _resolved(resolution: Resolution, notes: list[str]) -> Query:
    if resolution.note:
        notes.append(resolution.note)
    return resolution.clause


def _directory(searcher: Searcher, visible: Query) -> Directory:
    """Names the caller may see (see search.directory), cached per segment and visibility."""
    return build_directory(
        searcher, lambda sub: _filter_docs(sub, visible), _column, _segment_key, repr(visible)
    )


def known_names(
    index: Index, field_name: str, prefix: str = "", *, include_restricted: bool = False,
    limit: int = 20, now: datetime | None = None,
) -> list[tuple[str, int]]:
    """Values of a filter field the caller may see, matching `prefix` (for suggestions)."""
    now = (now or datetime.utcnow()).replace(tzinfo=None)
    visible, _ = _filters(SearchParams(include_restricted=include_restricted), now)
    with cached_searcher(index) as searcher:
        return suggest(_directory(searcher, visible), field_name, prefix, limit)


# ---------------------------------------------------------------- facets

# Matching documents are computed per segment as Python sets: leaf terms read
# whole posting blocks, And/Or/Not become set operations, anything else falls
# back to the query's own matcher. The filter (visibility, restricted, facet
# selections) is cached per segment and deletion state, so the common default
# filter costs nothing after the first search; it never touches scoring.
# Column values per (segment id, field) are read once: segments are immutable.
_COLUMN_CACHE: dict[tuple[str, str], list[Any]] = {}
_SORTED_CACHE: dict[tuple[str, str], tuple[list[int], list[int]]] = {}  # (values, docnums) by segment and field
_COLUMN_CACHE_LIMIT = 256
_FILTER_CACHE: dict[tuple[str, int, str], frozenset[int]] = {}
_FILTER_CACHE_LIMIT = 512

_FACET_FIELDS = {"kind": "kind", "speaker": "speaker_name", "party": "party", "year": "year"}


def _segment_key(segment_searcher: Searcher) -> tuple[str, int]:
    reader = segment_searcher.reader()
    segment = getattr(reader, "segment", None)
    if callable(segment) and segment() is not None:
        seg = segment()
        # Whoosh draws segment ids from the global `random`, which a seeded process (tests,
        # anything calling random.seed) repeats: the index's folder and size keep two indexes'
        # segments from sharing cached columns, filters and lengths.
        folder = getattr(getattr(reader, "_storage", None), "folder", "")
        return f"{folder}|{seg.segment_id()}|{reader.doc_count_all()}", seg.deleted_count()
    return str(id(reader)), 0


def _column(segment_searcher: Searcher, fieldname: str) -> list[Any]:
    reader = segment_searcher.reader()
    key = (_segment_key(segment_searcher)[0], fieldname)
    values = _COLUMN_CACHE.get(key)
    if values is None:
        if not reader.has_column(fieldname):
            values = [None] * reader.doc_count_all()
        elif fieldname == "organisation_facet":
            values = [
                tuple(v.decode("utf-8").split(ORG_SEPARATOR)) if v else ()
                for v in reader.column_reader(fieldname)
            ]
        else:
            values = list(reader.column_reader(fieldname))
        if len(_COLUMN_CACHE) >= _COLUMN_CACHE_LIMIT:
            _COLUMN_CACHE.clear()
        _COLUMN_CACHE[key] = values
    return values


def _matcher_ids(m: Any) -> set[int]:
    if isinstance(m, FilterMatcher) and isinstance(m.child, W3LeafMatcher):
        ids = _matcher_ids(m.child)
        kept: set[int] = ids - m._ids if m._exclude else ids & m._ids  # Whoosh's matchers are untyped
        return kept
    if isinstance(m, W3LeafMatcher):
        out: set[int] = set()
        while m.is_active():  # whole blocks at a time
            if m._ids is None:
                m._read_ids()
            out.update(m._ids)
            m._next_block()
        return out
    return set(m.all_ids()) if m.is_active() else set()


# Column sentinel for "no value" (see search.schema.DATECOLUMN): no range admits it.
_NO_VALUE = 2**64 - 1


def _sorted_column(sub: Searcher, fieldname: str) -> tuple[list[int], list[int]]:
    """(sorted raw column values, docnums in that order) for one segment."""
    key = (_segment_key(sub)[0], "sorted:" + fieldname)
    hit = _SORTED_CACHE.get(key)
    if hit is None:
        reader = sub.reader()
        if reader.has_column(fieldname):
            raw = list(reader.column_reader(fieldname, translate=False))
        else:
            raw = [_NO_VALUE] * reader.doc_count_all()
        order = sorted(range(len(raw)), key=raw.__getitem__)
        hit = ([raw[d] for d in order], order)
        if len(_SORTED_CACHE) >= _COLUMN_CACHE_LIMIT:
            _SORTED_CACHE.clear()
        _SORTED_CACHE[key] = hit
    return hit


def _range_docs(q: DateRange, sub: Searcher) -> set[int]:
    """A DateRange on a column-only date field, by bisecting the sorted column."""
    values, order = _sorted_column(sub, q.fieldname)
    lo = 0 if q.start is None else q.start + (1 if q.startexcl else 0)
    hi = _NO_VALUE - 1 if q.end is None else q.end - (1 if q.endexcl else 0)
    if lo > hi:
        return set()
    out = set(order[bisect_left(values, lo) : bisect_right(values, hi)])
    reader = sub.reader()
    if out and reader.has_deletions():
        out -= _deleted(reader)
    return out


def _deleted(reader: Any) -> frozenset[int]:
    deleted = reader.deleted_docs_set  # a cached property on SegmentReader
    docs: frozenset[int] = deleted() if callable(deleted) else deleted
    return docs


def _is_column_range(q: Query, sub: Searcher) -> bool:
    if not isinstance(q, DateRange) or q.fieldname not in sub.schema:
        return False
    return isinstance(sub.schema[q.fieldname], DATECOLUMN)


def _docs(q: Query, sub: Searcher) -> set[int]:
    """Docnums (within this segment, live only) matching q, ignoring scores."""
    if isinstance(q, Term):
        reader = sub.reader()
        if (q.fieldname, q.text) not in reader:
            return set()
        return _matcher_ids(reader.postings(q.fieldname, q.text))
    if _is_column_range(q, sub):
        return _range_docs(q, sub)
    if isinstance(q, ConstantScoreQuery):
        return _docs(q.child, sub)
    if isinstance(q, Or):
        out: set[int] = set()
        for child in q.subqueries:
            out |= _docs(child, sub)
        return out
    if isinstance(q, And):
        pos = [c for c in q.subqueries if not isinstance(c, WNot)]
        neg = [c.query for c in q.subqueries if isinstance(c, WNot)]
        if not pos:
            pos = [Every()]
        result = _docs(pos[0], sub)
        for child in pos[1:]:
            if not result:
                return result
            result &= _docs(child, sub)
        for child in neg:
            if not result:
                break
            result -= _docs(child, sub)
        return result
    if isinstance(q, WNot):
        return _docs(Every(), sub) - _docs(q.query, sub)
    if isinstance(q, Every) and not q.fieldname:
        return set(sub.reader().all_doc_ids())
    if q is NullQuery:
        return set()
    return _matcher_ids(q.matcher(sub))


def _filter_docs(sub: Searcher, filt: Query) -> frozenset[int]:
    seg_id, deleted = _segment_key(sub)
    key = (seg_id, deleted, repr(filt))
    docs = _FILTER_CACHE.get(key)
    if docs is None:
        docs = frozenset(_docs(filt, sub))
        if len(_FILTER_CACHE) >= _FILTER_CACHE_LIMIT:
            _FILTER_CACHE.clear()
        _FILTER_CACHE[key] = docs
    return docs


# ---------------------------------------------------------------- scoring
#
# Relevance is Whoosh's own BM25F, computed per segment straight from the
# posting blocks into {docnum: score} (the same formula, statistics and
# boosts as Whoosh's matchers) instead of running Whoosh's matcher tree doc by
# doc. Or sums its children in Whoosh's binary-tree order, And sums its
# children (+1.0 per NOT clause, as Whoosh does), and anything else (phrases,
# ranges) is scored by its own Whoosh matcher. Ties go to the lower docnum,
# as in Whoosh's collector.

_LENGTH_CACHE: dict[tuple[str, str], list[int]] = {}
_LENGTH_CACHE_LIMIT = 256


def _field_lengths(sub: Searcher, fieldname: str) -> list[int]:
    key = (_segment_key(sub)[0], fieldname)
    lengths = _LENGTH_CACHE.get(key)
    if lengths is None:
        reader = sub.reader()
        dfl = reader.doc_field_length
        lengths = [dfl(d, fieldname, 1) or 1 for d in range(reader.doc_count_all())]
        if len(_LENGTH_CACHE) >= _LENGTH_CACHE_LIMIT:
            _LENGTH_CACHE.clear()
        _LENGTH_CACHE[key] = lengths
    return lengths


def _matcher_scores(m: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def _term_scores(q: Term, sub: Searcher) -> dict[int, float]:
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
    lengths = _field_lengths(sub, q.fieldname)
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


def _scored(q: Query, sub: Searcher) -> dict[int, float]:
    """Docnums (within this segment, live only) matching q, with scores."""
    if isinstance(q, Term):
        return _term_scores(q, sub)
    if q is NullQuery:
        return {}
    if isinstance(q, Or) and type(q) is Or and q.boost == 1.0 and not q.scale and not q.minmatch:
        parts = [p for p in (_scored(c, sub) for c in q.subqueries) if p]
        return _union(parts) if parts else {}
    if isinstance(q, And) and type(q) is And and q.boost == 1.0:
        pos = [c for c in q.subqueries if not isinstance(c, WNot)]
        neg = [c.query for c in q.subqueries if isinstance(c, WNot)]
        if not pos:
            return {}
        scored: list[dict[int, float]] = []
        keys: set[int] | None = None
        for child in pos:
            part = _scored(child, sub)
            keys = set(part) if keys is None else keys.intersection(part)
            if not keys:
                return {}
            scored.append(part)
        assert keys is not None
        for child in neg:
            if not keys:
                break
            keys -= _docs(child, sub)
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
    m = q.matcher(sub, sub.context())
    return _matcher_scores(m)


def _match_and_facets(
    searcher: Searcher,
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
        allowed = _filter_docs(sub, filt)
        if not allowed:
            continue
        docs: AbstractSet[int]
        if scored is not None:
            scores = _scored(user_q, sub)
            docs = allowed.intersection(scores)
            if docs:
                scored.extend((scores[d], d + offset) for d in docs)
        else:
            docs = _docs(user_q, sub)
            docs &= allowed
        if not docs:
            continue
        matched.update([d + offset for d in docs] if offset else docs)
        if not with_facets:
            continue
        for facet, fname in _FACET_FIELDS.items():
            col = _column(sub, fname)
            counters[facet].update(map(col.__getitem__, docs))
        orgs = _column(sub, "organisation_facet")
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


# The year column's value for documents without a date (Whoosh's default for
# a signed 32-bit column); not a year to offer as a facet.
_NO_YEAR = 2**31 - 1


# ---------------------------------------------------------------- snippets


def _snippet(text: str, terms: set[str]) -> str:
    """Why the hit matched, marked (search.snippets); never breaks a search."""
    try:
        return make_snippet(text, terms)
    except Exception:  # noqa: BLE001 - a snippet must never break a search
        plain = (text or "")[:SNIPPET_CHARS]
        return html.escape(plain, quote=False) + ("…" if len(text or "") > SNIPPET_CHARS else "")


def _hit(stored: dict[str, Any], score: float | None, hl: dict[str, set[str]]) -> SearchHit:
    dates = {
        k: v.isoformat()
        for k in ("date", "recorded_at", "superseded_at", "valid_from", "valid_to")
        if isinstance(v := stored.get(k), datetime) and v < FAR_FUTURE
    }
    orgs = [o for o in (stored.get("organisation") or "").split(",") if o]
    return SearchHit(
        id=stored.get("id", ""),
        record_id=stored.get("record_id", ""),
        version=stored.get("version"),
        kind=stored.get("kind"),
        reference=stored.get("reference"),
        title=stored.get("title", ""),
        snippet=_snippet(stored.get("body", ""), hl.get("body", set())),
        speaker=stored.get("speaker"),
        party=stored.get("party"),
        role=stored.get("role"),
        organisation=orgs,
        dates=dates,
        score=score,
        visibility=stored.get("visibility"),
        status=stored.get("status"),
    )


# ---------------------------------------------------------------- search


def _page_bounds(params: SearchParams, notes: list[str]) -> tuple[int, int]:
    page_size = max(1, min(int(20 if params.page_size is None else params.page_size), MAX_PAGE_SIZE))
    if page_size != params.page_size:
        notes.append(f"page size limited to 1–{MAX_PAGE_SIZE}")
    page = max(1, int(1 if params.page is None else params.page))
    return page, page_size


# ---------------------------------------------------------------- result cache
#
# A search's expensive part (parse, names, filter, every match scored, total, facets, the
# ranking) depends on the parameters, the caller's visibility and the index commit, never on
# the page. It is kept per (index folder, commit generation, parameters without the page), so
# page 2 of a query just run, and the same query again, only read their page's stored fields
# and snippets; rendered pages are kept too. Any write makes a new generation (search.index.
# generation_key), so nothing from before a write is served after it. include_restricted,
# known_at and valid_at are part of the key: an anonymous answer never reaches staff or the
# other way round. `now` only matters for valid_at without known_at, and is in the key then.

RANK_KEEP = 200  # ranked docnums kept per query: the first 10 pages of 20
_RESULT_CACHE_LIMIT = 256
_PAGE_CACHE_LIMIT = 512


@dataclass(frozen=True)
class _Ranking:
    """A query's page-independent answer at one index generation."""

    total: int
    facets: dict[str, list[tuple[Any, int]]]
    description: str
    error: str | None
    notes: tuple[str, ...]
    highlight_terms: dict[str, set[str]]
    order: tuple[tuple[float | None, int], ...]  # (score shown, global docnum), best first
    complete: bool  # order holds every match (else deeper pages rank again)


class _Lru:
    """A small thread-safe LRU map (FastAPI runs sync routes in a thread pool)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.limit:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_RESULTS = _Lru(_RESULT_CACHE_LIMIT)
_PAGES = _Lru(_PAGE_CACHE_LIMIT)


def clear_result_cache() -> None:
    """Forget every cached answer (tests, or after replacing an index folder in place)."""
    _RESULTS.clear()
    _PAGES.clear()


def _cache_key(searcher: Searcher, params: SearchParams, now: datetime) -> tuple[Any, ...] | None:
    generation = generation_key(searcher)
    if generation is None:
        return None
    values = tuple(
        tuple(v) if isinstance(v, list) else v
        for name, v in sorted(vars(params).items())
        if name not in ("page", "page_size")
    )
    moment = now if params.valid_at is not None and params.known_at is None else None
    return (generation, values, moment)


def search(index: Index, params: SearchParams, *, now: datetime | None = None) -> SearchResult:
    """Run a user search. User errors come back in `error`, never as exceptions."""
    now = (now or datetime.utcnow()).replace(tzinfo=None)
    notes: list[str] = []
    page, page_size = _page_bounds(params, notes)
    with cached_searcher(index) as searcher:
        key = _cache_key(searcher, params, now)
        ranking: _Ranking | None = _RESULTS.get(key) if key is not None else None
        limit = page * page_size
        if ranking is None or (not ranking.complete and limit > len(ranking.order)):
            ranking = _rank(searcher, params, now, max(RANK_KEEP, limit))
            if key is not None:
                _RESULTS.put(key, ranking)
        notes.extend(ranking.notes)
        result = SearchResult(ranking.total, page, page_size, [], ranking.facets, ranking.description,
                              ranking.error, notes)
        if not ranking.total:
            return result
        if (page - 1) * page_size >= min(ranking.total, MAX_RESULT_WINDOW):
            if page * page_size > MAX_RESULT_WINDOW:
                notes.append(f"only the first {MAX_RESULT_WINDOW} results can be paged through")
            return result
        page_key = (key, page, page_size) if key is not None else None
        hits: list[SearchHit] | None = _PAGES.get(page_key) if page_key is not None else None
        if hits is None:
            hits = [
                _hit(searcher.stored_fields(docnum), score, ranking.highlight_terms)
                for score, docnum in ranking.order[(page - 1) * page_size : limit]
            ]
            if page_key is not None:
                _PAGES.put(page_key, hits)
        result.hits = list(hits)
        return result


def _rank(searcher: Searcher, params: SearchParams, now: datetime, keep: int) -> _Ranking:
    """Everything about a search but its page: total, facets, the first `keep` hits in order."""
    notes: list[str] = []
    parsed = parse_user_query(searcher, params.q)
    notes.extend(parsed.notes)
    error = "; ".join(parsed.errors) or None
    filt, filt_desc = _filters(params, now, searcher, notes)
    unknown_kinds = sorted({k for k in (params.kind or []) if k and k.lower() not in KINDS})
    if unknown_kinds:
        refused = f"unknown kind {', '.join(map(repr, unknown_kinds))} (one of {', '.join(KINDS)})"
        error = f"{error}; {refused}" if error else refused
    user_q = parsed.query
    if user_q is None and not (params.q or "").strip():
        user_q = Every()  # an empty query lists everything visible (browse)
    description = parsed.description or ("*" if isinstance(user_q, Every) else "")
    if filt_desc:
        description = f"{description}  [{filt_desc}]" if description else f"[{filt_desc}]"
    if user_q is None:
        return _Ranking(0, {f: [] for f in FACETS}, description, error or "nothing to search for",
                        tuple(notes), parsed.highlight_terms, (), True)
    # One pass finds every match inside the filter (total, facets and,
    # for relevance, its BM25F score; date order lets Whoosh sort with the
    # matched set as its filter), so restricted and invisible documents
    # never reach hits, totals, snippets or facets, and the filter does
    # not change scores.
    relevance = params.sort not in ("date", "-date")
    scored: list[tuple[float, int]] | None = [] if relevance else None
    matched, facets = _match_and_facets(searcher, user_q, filt, params.facets, scored)
    total = len(matched)
    order: list[tuple[float | None, int]] = []
    if total and scored is not None:
        # Whoosh's order: score descending, then lower docnum first.
        top = heapq.nsmallest(keep, scored, key=lambda sd: (-sd[0], sd[1]))
        order = [(score if params.sort == "relevance" else None, docnum) for score, docnum in top]
    elif total:
        results = searcher.search(
            user_q, limit=keep, filter=matched, sortedby=FieldFacet("date", reverse=params.sort == "-date")
        )
        order = [(None, results.docnum(i)) for i in range(min(keep, results.scored_length()))]
    return _Ranking(total, facets, description, error, tuple(notes), parsed.highlight_terms, tuple(order),
                    len(order) >= total)
