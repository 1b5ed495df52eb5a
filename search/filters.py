"""The filter every hit must pass: what the caller may see, then the caller's selections.

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

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from whoosh.query import And, DateRange, NullQuery, Or, Query, Term
from whoosh.query import Not as WNot
from whoosh.searching import Searcher

from archive.visibility import PUBLIC as PUBLIC_MARK
from search.analysis import analyse
from search.directory import (
    Directory,
    Resolution,
    build_directory,
    resolve_organisation,
    resolve_party,
    resolve_speaker,
)
from search.schema import FAR_FUTURE, KINDS
from search.segments import SegmentCaches, segment_key
from search.syntax import short

if TYPE_CHECKING:
    from search.query import SearchParams

__all__ = ["build_filter", "visible_names"]

def _day_start(d: date | datetime) -> datetime:
    """A day's midnight, or an instant, as the naive UTC the index stores (an offset is applied, not dropped)."""
    if isinstance(d, datetime):
        return d.astimezone(UTC).replace(tzinfo=None) if d.tzinfo else d
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


def build_filter(
    params: SearchParams, now: datetime, searcher: Searcher | None = None, notes: list[str] | None = None,
    caches: SegmentCaches | None = None,
) -> tuple[Query, str]:
    """The filter every hit must pass: visibility, then the caller's selections.

    With a searcher and the index's caches, person/party/organisation values are resolved
    against the names the visible documents carry (search.directory): any case, surname or
    alias; a value that names nothing known matches nothing and adds a note to `notes`.
    Without them (callers that only need the visibility part) they are taken as exact index
    values.
    """
    visibility, words = _visibility(params, now)
    clauses: list[Query] = [visibility]
    if not params.include_restricted:
        # archive.visibility: the public finds only records that are public NOW (every version
        # of a record withdrawn, unpublished or screened today is left out, at any known_at).
        clauses.append(Term("visibility", PUBLIC_MARK))
    else:
        words.append("including restricted")
    # The names directory is read only when a value must be resolved against it: a search
    # without a person, party or organisation filter reads no stored fields for it.
    by_name = bool(params.speaker or params.party or params.organisation)
    names = (visible_names(searcher, And(clauses), caches)
             if by_name and searcher is not None and caches is not None else None)
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
            told.append(f"ingen i arkivet har rollen «{short(params.role.strip(), 60)}»")
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


def visible_names(searcher: Searcher, visible: Query, caches: SegmentCaches) -> Directory:
    """Names the caller may see (see search.directory), cached per segment and visibility."""
    return build_directory(
        searcher, lambda sub: caches.filter_docs(sub, visible), caches.column, segment_key, repr(visible),
        caches.directories,
    )

