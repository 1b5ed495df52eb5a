"""Plain input data for the Noark 5 arkivuttrekk writer.

The writer never touches the database: the caller (the archive's read models) fills these
frozen dataclasses and hands them over. Every field is a plain value so the export can be
tested by hand-built fixtures and re-run byte-for-byte.

Conventions the writer relies on:
- datetimes should be timezone-aware; naive ones are taken to be UTC.
- collections on ExportArchive may be any iterable (generators included) and are consumed
  exactly once, in the order given; give them in a stable order (e.g. by reference) so two
  exports of the same archive are byte-identical.
- ``participants`` / ``agenda_items`` accept plain tuples as well as the NamedTuples below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple


@dataclass(frozen=True)
class ExportRecordVersion:
    """One stored version of a record's text (a revision or a correction creates one)."""

    version: int  # 1-based version number; becomes dokumentobjekt.versjonsnummer
    title: str  # the record's title as of this version
    text: str  # full text of this version; written to DOKUMENT/ as UTF-8
    recorded_at: datetime  # when the version was registered (UTC aware)
    recorded_by: str  # user who registered it
    event_type: str  # domain event that produced it, e.g. "created", "revised", "corrected"
    reason: str | None = None  # the user's stated reason for the change, if any
    valid_from: date | None = None  # when the text takes effect (agreements)
    valid_to: date | None = None  # when the text stops applying (agreements)


@dataclass(frozen=True)
class ExportAgreement:
    """An agreement (avtale); exported as a saksmappe with one journalpost per version."""

    id: str  # record uuid; the source of every systemID derived for this record
    reference: str  # case number "YYYY/NNNN", e.g. "2016/0007" -> saksaar/sakssekvensnummer
    title: str  # current (real) title
    parties: Sequence[str]  # organisation names of the parties
    status: str  # current status as text, e.g. "Gjeldende", "Utløpt"
    created_at: datetime
    created_by: str
    restricted: bool = False  # screened from public access
    restriction_basis: str | None = None  # legal basis, e.g. "Offl. § 13, jf. fvl. § 13 ..."
    public_title: str | None = None  # title safe to publish; required in practice if restricted
    versions: Sequence[ExportRecordVersion] = ()


class ExportParticipant(NamedTuple):
    """A person called to a meeting."""

    name: str
    role: str  # e.g. "leder", "medlem", "sekretær"
    present: bool  # False = meldt forfall (absent)


class ExportAgendaItem(NamedTuple):
    """One item (sak) on a meeting's agenda."""

    number: str  # e.g. "12/16"
    title: str
    decision: str | None  # the decision (vedtak) text, None if not decided


@dataclass(frozen=True)
class ExportMeeting:
    """A meeting of a body (utvalg); exported as a moetemappe."""

    id: str
    reference: str  # meeting reference; used as mappeID and moetenummer
    title: str
    organiser: str  # the body (utvalg) holding the meeting
    place: str | None
    start: datetime | None  # None: an undated meeting (moetedato then falls back, with a merknad)
    end: datetime | None
    participants: Sequence[ExportParticipant | tuple[str, str, bool]] = ()
    agenda_items: Sequence[ExportAgendaItem | tuple[str, str, str | None]] = ()
    minutes_text: str | None = None  # the minutes (møteprotokoll), if written
    created_at: datetime | None = None  # defaults to ``start`` when unknown
    created_by: str = "ukjent"
    restricted: bool = False
    restriction_basis: str | None = None
    public_title: str | None = None


@dataclass(frozen=True)
class ExportNews:
    """A news item (nyhetssak); exported as a journalpost, one dokumentobjekt per version."""

    id: str
    reference: str
    title: str
    lede: str | None  # ingress; becomes beskrivelse
    body: str  # current text; used as version 1 when ``versions`` is empty
    published_at: date | datetime | None  # None: the article states no date
    updated_at: datetime | None
    created_at: datetime
    created_by: str
    restricted: bool = False
    restriction_basis: str | None = None
    public_title: str | None = None
    versions: Sequence[ExportRecordVersion] = ()


@dataclass(frozen=True)
class ExportStatement:
    """A statement (uttalelse) by a person; exported as a journalpost with korrespondansepart."""

    id: str
    reference: str
    text: str
    speaker_name: str
    speaker_role: str | None  # e.g. "fylkesordfører"
    party: str | None  # e.g. "Ap"
    organisation: str | None  # organisation the speaker speaks for
    said_at: date | datetime | None  # None: quoted in an undated article
    news_id: str | None  # the news item quoting it, if any (becomes a kryssreferanse)
    meeting_id: str | None  # the meeting it was made in, if any (becomes a kryssreferanse)
    created_at: datetime
    created_by: str
    restricted: bool = False
    restriction_basis: str | None = None
    public_title: str | None = None


@dataclass(frozen=True)
class ExportChange:
    """One change to a record's metadata after its first registration (-> endringslogg)."""

    record_id: str  # id of the changed agreement/meeting/news/statement
    record_reference: str  # its human reference, for messages only
    field: str  # domain field name, e.g. "title"; mapped to the Noark element name
    old_value: str | None
    new_value: str | None
    changed_by: str
    changed_at: datetime
    kind: str  # "revision" | "correction" | ...; "created" entries are skipped
    reason: str | None = None
    # For corrections: the version that was corrected in place. The log entry then points
    # at that version's own unit instead of the record's folder (see noark5.py).
    version: int | None = None


@dataclass(frozen=True)
class ExportArchive:
    """Everything one arkivuttrekk holds."""

    name: str  # the arkiv's title, e.g. "Protokoll – Eksempel fylkeskommune"
    creator: str  # arkivskaper (the organisation that created the records)
    system_name: str  # name of the producing system, e.g. "Protokoll 0.1"
    agreements: Iterable[ExportAgreement] = ()
    meetings: Iterable[ExportMeeting] = ()
    news: Iterable[ExportNews] = ()
    statements: Iterable[ExportStatement] = ()
    changes: Iterable[ExportChange] = ()
    # The only value allowed to differ between two exports of the same data: it appears in
    # arkivuttrekk.xml only (and in arkivstruktur.xml only when the period is not given).
    exported_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    period_from: date | None = None  # first day covered (arkivperiodeStartDato)
    period_to: date | None = None  # last day covered (arkivperiodeSluttDato)
    creator_id: str | None = None  # arkivskaperID, e.g. an organisation number
