"""Who and what the archive knows by name: filters people type, and names to suggest.

A journalist types `speaker=ryberg`, `speaker=roger ryberg`, `organisation=buskerud` or
`party=arbeiderpartiet`; the index holds "Roger Ryberg", "Buskerud fylkeskommune" and "Ap".
This module turns a typed value into the exact index terms it stands for, case-insensitively,
by any name form the archive knows (full name, surname or any word of it, alias, id), and says
so when nothing is known by that name instead of quietly dropping the filter.

Resolution order, for people (the same for organisations and parties):
  1. an id the index holds (speaker_id / organisation_ids), as links from other pages use;
  2. a name shown as a facet value, case-insensitively → exactly the documents that facet
     counted (so clicking a facet always returns the number it showed);
  3. a person's other name forms (aliases from the person record) → that person's statements;
  4. every word typed is a word of a known name ("ryberg", "solberg aas") → all those names.
Nothing found → a clause that matches nothing and a note naming the value (never widening).

The directory only sees documents the caller may see (the visibility filter is applied
first), so names of restricted records are neither suggested nor confirmed to exist.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh.query import NullQuery, Or, Query, Term
from whoosh.searching import Searcher

from search.lru import Lru

__all__ = [
    "Directory",
    "Resolution",
    "PARTY_NAMES",
    "SUGGEST_FIELDS",
    "build_directory",
    "name_key",
    "resolve_speaker",
    "resolve_organisation",
    "resolve_party",
    "suggest",
]

SUGGEST_FIELDS = ("speaker", "organisation", "party", "role")
MAX_SUGGESTIONS = 50

# Full names of the parties whose abbreviations the archive stores ("Ap", "H", ...).
PARTY_NAMES: dict[str, str] = {
    "arbeiderpartiet": "ap",
    "det norske arbeiderparti": "ap",
    "høyre": "h",
    "senterpartiet": "sp",
    "fremskrittspartiet": "frp",
    "sosialistisk venstreparti": "sv",
    "venstre": "v",
    "kristelig folkeparti": "krf",
    "miljøpartiet de grønne": "mdg",
    "rødt": "r",
    "pensjonistpartiet": "pp",
    "industri- og næringspartiet": "inp",
    "partiet sentrum": "ps",
    "kystpartiet": "ktp",
}


def name_key(name: str) -> str:
    """How names compare: NFC, case-folded, full stops after initials dropped, single spaces."""
    text = unicodedata.normalize("NFC", name).casefold().replace(".", " ")
    return " ".join(text.split())


@dataclass
class Directory:
    """Name forms of what the visible documents mention, with how many documents mention each."""

    speakers: Counter[str] = field(default_factory=Counter)  # speaker_name facet values
    organisations: Counter[str] = field(default_factory=Counter)  # organisation facet values
    parties: Counter[str] = field(default_factory=Counter)  # party facet values (display case)
    roles: Counter[str] = field(default_factory=Counter)  # roles as written
    # person record id → (display name, every name form)
    people: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # organisation record id → name
    organisation_records: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolution:
    """The filter clause a typed value stands for, the names it matched, and a note if unknown."""

    clause: Query
    matched: tuple[str, ...]
    note: str | None = None


Columns = Callable[[Searcher, str], Sequence[Any]]
Allowed = Callable[[Searcher], frozenset[int]]


# Per-segment directories are kept by the caller (one map per index, search.segments), keyed by
# (segment id, deletions, visibility filter): segments are immutable, so a name list is read
# once per segment and filter, not on every search.


def build_directory(
    searcher: Searcher, allowed: Allowed, column: Columns, segment_key: Callable[[Searcher], tuple[str, int]],
    filter_key: str, cache: Lru[tuple[str, int, str], Directory],
) -> Directory:
    """Names from the visible documents of every segment, merged.

    `allowed(sub)` gives a segment's visible docnums, `column(sub, field)` its cached column,
    `segment_key(sub)` its identity; `filter_key` identifies the visibility filter; `cache`
    keeps each segment's part.
    """
    merged = Directory()
    for sub, _offset in searcher.leaf_searchers():
        seg_id, deleted = segment_key(sub)
        key = (seg_id, deleted, filter_key)
        part = cache.get(key)
        if part is None:
            part = _segment_directory(sub, allowed(sub), column)
            cache.put(key, part)
        merged.speakers.update(part.speakers)
        merged.organisations.update(part.organisations)
        merged.parties.update(part.parties)
        merged.roles.update(part.roles)
        merged.people.update(part.people)
        merged.organisation_records.update(part.organisation_records)
    return merged


def _segment_directory(sub: Searcher, docs: frozenset[int], column: Columns) -> Directory:
    d = Directory()
    if not docs:
        return d
    speakers, parties = column(sub, "speaker_name"), column(sub, "party")
    orgs, kinds = column(sub, "organisation_facet"), column(sub, "kind")
    roles = column(sub, "role_facet")
    for doc in docs:
        if speakers[doc]:
            d.speakers[speakers[doc]] += 1
        if parties[doc]:
            d.parties[parties[doc]] += 1
        for org in orgs[doc] or ():
            d.organisations[org] += 1
        kind = kinds[doc]
        if kind == "statement":
            if roles[doc]:
                d.roles[roles[doc]] += 1
        elif kind in ("person", "organisation"):
            # Stored fields only for these few records: a statement's would bring its whole text in.
            stored = sub.stored_fields(doc)
            if kind == "person":
                names = tuple(stored.get("names") or ()) or (stored.get("title") or "",)
                d.people[stored["record_id"]] = (stored.get("title") or names[0], names)
            else:
                d.organisation_records[stored["record_id"]] = stored.get("title") or ""
    return d


def _words_match(typed: list[str], name: str) -> bool:
    words = name_key(name).split()
    return bool(typed) and all(w in words for w in typed)


def _quoted(value: str) -> str:
    return "«" + (value if len(value) <= 60 else value[:59] + "…") + "»"


def _terms(field_name: str, values: Iterable[str]) -> Query:
    terms = [Term(field_name, v) for v in sorted(set(values))]
    if not terms:
        return NullQuery
    return terms[0] if len(terms) == 1 else Or(terms)


def _id_exists(searcher: Searcher, field_name: str, value: str) -> bool:
    return (field_name, value) in searcher.reader()


def resolve_speaker(searcher: Searcher, directory: Directory, value: str) -> Resolution:
    typed = value.strip()
    key = name_key(typed)
    if _id_exists(searcher, "speaker_id", typed):
        return Resolution(Term("speaker_id", typed), (directory.people.get(typed, (typed, ()))[0],))
    exact = [n for n in directory.speakers if name_key(n) == key]
    if exact:
        return Resolution(_terms("speaker_name", exact), tuple(sorted(exact)))
    # Another name form of a person record (an alias, a name with initials).
    people = [pid for pid, (_, forms) in directory.people.items() if any(name_key(f) == key for f in forms)]
    if not people:
        typed_words = key.split()
        people = [pid for pid, (name, forms) in directory.people.items()
                  if any(_words_match(typed_words, f) for f in (name, *forms))]
        names = [n for n in directory.speakers if _words_match(typed_words, n)]
    else:
        forms = {name_key(f) for pid in people for f in directory.people[pid][1]}
        names = [n for n in directory.speakers if name_key(n) in forms]
    if not people and not names:
        return Resolution(NullQuery, (), f"ingen person i arkivet heter {_quoted(typed)}")
    clause = Or([_terms("speaker_id", people), _terms("speaker_name", names)])
    matched = sorted({directory.people[p][0] for p in people} | set(names))
    return Resolution(clause, tuple(matched), _matched_note("person", typed, matched))


def _matched_note(what: str, typed: str, matched: list[str]) -> str | None:
    if len(matched) <= 1 and (not matched or name_key(matched[0]) == name_key(typed)):
        return None
    return f"{what} {_quoted(typed)} ga treff på: " + ", ".join(matched[:10]) + ("…" if len(matched) > 10 else "")


def _organisation_term(name: str) -> str:
    # search.index stores organisation names comma-separated, each with its own commas blanked.
    return name.replace(",", " ").strip().lower()


def resolve_organisation(searcher: Searcher, directory: Directory, value: str) -> Resolution:
    typed = value.strip()
    key = name_key(typed)
    if _id_exists(searcher, "organisation_ids", typed):
        return Resolution(Term("organisation_ids", typed), (directory.organisation_records.get(typed, typed),))
    exact = [n for n in directory.organisations if name_key(n) == key]
    if exact:
        return Resolution(_terms("organisation", map(_organisation_term, exact)), tuple(sorted(exact)))
    typed_words = key.split()
    names = [n for n in directory.organisations if _words_match(typed_words, n)]
    if not names:
        known = [n for n in directory.organisation_records.values() if _words_match(typed_words, n)
                 or name_key(n) == key]
        if known:  # the organisation exists, but no visible document names it
            return Resolution(NullQuery, tuple(sorted(known)))
        return Resolution(NullQuery, (), f"ingen organisasjon i arkivet heter {_quoted(typed)}")
    names.sort()
    return Resolution(_terms("organisation", map(_organisation_term, names)), tuple(names),
                      _matched_note("organisasjon", typed, names))


def resolve_party(directory: Directory, value: str) -> Resolution:
    typed = value.strip()
    key = name_key(typed)
    short = PARTY_NAMES.get(key, key)
    exact = [p for p in directory.parties if name_key(p) == short]
    if exact:
        return Resolution(Term("party", short), tuple(sorted(exact)))
    if key in PARTY_NAMES.values() or key in PARTY_NAMES:
        return Resolution(Term("party", short), (typed,))  # a real party nobody visible belongs to
    return Resolution(NullQuery, (), f"ukjent parti {_quoted(typed)}")


def suggest(directory: Directory, field_name: str, prefix: str, limit: int = 20) -> list[tuple[str, int]]:
    """Known values of a field with a word starting with `prefix`, most mentioned first."""
    if field_name not in SUGGEST_FIELDS:
        raise ValueError(f"field must be one of {', '.join(SUGGEST_FIELDS)}")
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    counts: Counter[str] = Counter()
    if field_name == "speaker":
        counts.update(directory.speakers)
        for name, forms in directory.people.values():
            counts[name] += 0  # people who have said nothing yet are still people
            for form in forms:
                if form not in counts and name_key(form) != name_key(name):
                    counts[form] += 0
    elif field_name == "organisation":
        counts.update(directory.organisations)
        for name in directory.organisation_records.values():
            counts[name] += 0
    elif field_name == "party":
        counts.update(directory.parties)
    else:
        counts.update(directory.roles)
    want = name_key(prefix)
    out = [
        (value, n) for value, n in counts.items()
        if value and (not want or name_key(value).startswith(want)
                      or any(w.startswith(want) for w in name_key(value).split()))
    ]
    out.sort(key=lambda vn: (-vn[1], name_key(vn[0])))
    return out[:limit]
