"""The Whoosh schema for Protokoll search documents.

One document per record version ("<record_id>:<version>") and per statement
version ("statement:<id>:<version>"). Bump SCHEMA_VERSION whenever a field or
an analyzer changes: search.index refuses a mismatching index so the caller
rebuilds it (the index is a cache of the event log).

Time convention the indexer follows (all datetimes naive UTC):
  recorded_at    when this version became the record's latest version.
  superseded_at  when it stopped being the latest (next version, correction,
                 withdrawal or unpublishing); FAR_FUTURE while it is latest.
  current        True exactly when superseded_at == FAR_FUTURE.
  retracted_at   when its content stopped being believed (a correction
                 replaced it, or it was withdrawn); FAR_FUTURE otherwise. A
                 plain revision of an agreement (a new valid period) does not
                 retract the old version: it is still true for its period.
  valid_from/to  valid time (agreements); valid_to FAR_FUTURE if open. Omit
                 both for kinds without valid time.
  date           the record's own date (meeting/statement/news date, or
                 valid_from); used for date sort and `year`.
  visibility     archive.visibility's mark of the record as it stands NOW
                 ("public", "screened", "withdrawn", "unpublished"), on every
                 version: the public filter is visibility == "public", so a
                 record withdrawn today hides all its versions at any known_at.
  status         the version's own status ("cancelled", "withdrawn", ...), shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whoosh import columns
from whoosh.fields import (
    BOOLEAN,
    COLUMN,
    DATETIME,
    ID,
    KEYWORD,
    NUMERIC,
    STORED,
    TEXT,
    Schema,
)

from search.analysis import compound_parts_analyzer, norwegian_analyzer

__all__ = [
    "SCHEMA_VERSION",
    "FAR_FUTURE",
    "META_ID",
    "KINDS",
    "ORG_SEPARATOR",
    "build_schema",
    "DATECOLUMN",
    "INTCOLUMN",
    "TRUEFLAG",
]

SCHEMA_VERSION: int = 5
# Open intervals end here, so every range filter is a plain DateRange.
FAR_FUTURE = datetime(9999, 12, 31)
META_ID = "__meta__"
KINDS = ("agreement", "meeting", "statement", "news", "person", "organisation")
# organisation_facet column holds the names joined by this (names contain commas rarely, never \x1f).
ORG_SEPARATOR = "\x1f"


class DATECOLUMN(DATETIME):
    """A stored datetime kept in a per-document column, not in the inverted index.

    DATETIME indexes 8 trie terms per value; with six dates per document that
    was a third of all postings. search.query evaluates every date range on
    these fields from the column (per segment, sorted once), so they need no
    terms; a plain Whoosh DateRange on them matches nothing. Documents
    without a value hold the column default (2**64-1), which no range admits.
    """

    def __init__(self) -> None:
        super().__init__(stored=True, sortable=True)
        self.indexed = False


class INTCOLUMN(NUMERIC):
    """A stored int with a column (sorting, facets) and no index terms."""

    def __init__(self) -> None:
        super().__init__(int, stored=True, sortable=True)
        self.indexed = False


class TRUEFLAG(BOOLEAN):
    """A stored boolean that indexes only True (queries only ever ask for
    Term(field, True); a NOT of it covers the False documents)."""

    def index(self, bit: object, **kwargs: object) -> Any:
        true = self.bytestrings[1]
        return [item for item in super().index(bit, **kwargs) if item[0] == true]


def build_schema() -> Schema:
    text = norwegian_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        # Never queried (versions are addressed by id): stored only.
        record_id=STORED(),
        # Never queried: stored only.
        version=STORED(),
        kind=KEYWORD(stored=True, lowercase=True, sortable=True),
        reference=ID(stored=True),
        title=TEXT(analyzer=text, stored=True),
        body=TEXT(analyzer=text, stored=True),
        # Compound parts: no positions (never used in phrases), not stored.
        parts=TEXT(analyzer=compound_parts_analyzer(), phrase=False),
        speaker_id=ID(stored=True),
        # Person documents: every name form the person is known by (a list), so filters and
        # suggestions match aliases and initials too (search.directory).
        names=STORED(),
        # `speaker:Hansen` matches by surname or full name through this field…
        speaker=TEXT(analyzer=text, stored=True, phrase=False),
        # …while this one is the exact name for the facet.
        speaker_name=ID(stored=True, sortable=True),
        # One party per document; lowercase index, display value in the column.
        party=KEYWORD(stored=True, lowercase=True, sortable=True),
        role=TEXT(analyzer=text, stored=True, phrase=False),
        # The role as written, for the names directory's role suggestions (search.directory):
        # a column, so listing roles never reads a statement's stored fields (its whole text).
        role_facet=COLUMN(columns.VarBytesColumn()),
        # Names separated by commas ("Ringerike kommune,Hole kommune"); exact
        # (case-insensitive) match here, word match in organisation_words.
        organisation=KEYWORD(stored=True, lowercase=True, commas=True, scorable=True),
        organisation_words=TEXT(analyzer=text, phrase=False),
        organisation_facet=COLUMN(columns.VarBytesColumn()),
        organisation_ids=KEYWORD(stored=True, commas=True),
        # year: facet (column); date: sort (column). Dates: see DATECOLUMN.
        year=INTCOLUMN(),
        date=DATECOLUMN(),
        restricted=TRUEFLAG(stored=True),
        # Who may find this document (see archive.visibility); the query filters on it.
        visibility=ID(stored=True),
        status=STORED(),
        current=TRUEFLAG(stored=True),
        recorded_at=DATECOLUMN(),
        superseded_at=DATECOLUMN(),
        retracted_at=DATECOLUMN(),
        valid_from=DATECOLUMN(),
        valid_to=DATECOLUMN(),
        language=ID(stored=True),
        # Only the "__meta__" document uses this: JSON with the tracking position.
        meta=STORED(),
    )
