"""The units every record is made of: mappe, registrering, dokumentbeskrivelse, dokumentobjekt."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from archive.export.noark5.ids import DOCUMENT_DIR, UNKNOWN
from archive.export.noark5.journals import JournalCase, JournalPost
from archive.export.noark5.spool import PackageFile
from archive.export.noark5.state import Deferred, WriteState, XmlWriter
from archive.export.noark5.values import access_code, as_utc, fmt_date, fmt_datetime, required

# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class Screening:
    basis: str | None
    metadata: tuple[str, ...]


@dataclass(frozen=True)
class DocObject:
    system_id: str
    version: int
    text: str
    created_at: datetime
    created_by: str
    # The record whose events the text comes from, and the record version it shows (None:
    # the record as exported); the ledger proofs of the package are built from these.
    record_id: str = ""
    record_version: int | None = None


@dataclass(frozen=True)
class Document:
    system_id: str
    doc_type: str
    title: str
    created_at: datetime
    created_by: str
    objects: tuple[DocObject, ...]


@dataclass(frozen=True)
class Note:
    text: str
    kind: str | None
    at: datetime
    by: str


@dataclass(frozen=True)
class Correspondent:
    kind: str
    name: str
    contact: str | None = None


@dataclass(frozen=True)
class Registration:
    system_id: str
    created_at: datetime
    created_by: str
    title: str
    public_title: str
    registration_id: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    notes: tuple[Note, ...] = ()
    cross_refs: tuple[tuple[str, str], ...] = ()  # (element name, systemID)
    correspondents: tuple[Correspondent, ...] = ()
    screening: Screening | None = None


def screening_for(restricted: bool, basis: str | None, *metadata: str) -> Screening | None:
    return Screening(basis, metadata) if restricted else None


def write_screening(x: XmlWriter, screening: Screening | None, state: WriteState) -> None:
    if screening is None:
        return
    state.restricted = True
    with x.node("skjerming"):
        x.leaf("tilgangsrestriksjon", access_code(screening.basis))
        x.leaf("skjermingshjemmel", required(screening.basis, "Ikke oppgitt"))
        for name in screening.metadata:
            x.leaf("skjermingMetadata", name)
        x.leaf("skjermingDokument", "Hele dokumentet")


def write_note(x: XmlWriter, note: Note) -> None:
    with x.node("merknad"):
        x.leaf("merknadstekst", required(note.text, UNKNOWN))
        x.opt("merknadstype", note.kind)
        x.leaf("merknadsdato", fmt_datetime(note.at))
        x.leaf("merknadRegistrertAv", required(note.by, UNKNOWN))


def _store_text(state: WriteState, system_id: str, text: str) -> PackageFile:
    """Write one document version as UTF-8 and return its path, checksum and size."""
    # Two-level fan-out keeps directories small when there are 100k+ files.
    rel = f"{DOCUMENT_DIR}/{system_id[:2]}/{system_id}.txt"
    data = text.encode("utf-8", "replace")  # lone surrogates cannot be UTF-8
    target = state.out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)  # bytes, not text mode: no newline translation
    entry = PackageFile(rel, hashlib.sha256(data).hexdigest(), len(data))
    state.spool.add_file(entry)
    return entry


def write_document(
    x: XmlWriter, doc: Document, number: int, screening: Screening | None, state: WriteState
) -> None:
    with x.node("dokumentbeskrivelse"):
        x.leaf("systemID", doc.system_id)
        x.leaf("dokumenttype", doc.doc_type)
        x.leaf("dokumentstatus", "Dokumentet er ferdigstilt")
        x.leaf("tittel", required(doc.title, UNKNOWN))
        x.leaf("opprettetDato", fmt_datetime(doc.created_at))
        x.leaf("opprettetAv", required(doc.created_by, UNKNOWN))
        x.leaf("tilknyttetRegistreringSom", "Hoveddokument" if number == 1 else "Vedlegg")
        x.leaf("dokumentnummer", number)
        x.leaf("tilknyttetDato", fmt_datetime(doc.created_at))
        x.leaf("tilknyttetAv", required(doc.created_by, UNKNOWN))
        write_screening(x, screening, state)
        for obj in doc.objects:
            _write_document_object(x, obj, state)
    state.bump("dokumentbeskrivelse")


def _write_document_object(x: XmlWriter, obj: DocObject, state: WriteState) -> None:
    stored = _store_text(state, obj.system_id, obj.text)
    with x.node("dokumentobjekt"):
        x.leaf("systemID", obj.system_id)
        x.leaf("versjonsnummer", obj.version)
        # The delivered file is the archival version (plain UTF-8 text is an archival format).
        x.leaf("variantformat", "Arkivformat")
        x.leaf("format", "TXT")
        x.leaf("formatDetaljer", "text/plain; charset=UTF-8")
        x.leaf("opprettetDato", fmt_datetime(obj.created_at))
        x.leaf("opprettetAv", required(obj.created_by, UNKNOWN))
        x.leaf("referanseDokumentfil", stored.path)
        x.leaf("sjekksum", stored.sha256)
        x.leaf("sjekksumAlgoritme", "SHA256")  # M705's spelling
        x.leaf("filstoerrelse", stored.size)
    state.remember(obj.system_id)
    if obj.record_id:
        state.spool.add_document(stored.path, stored.sha256, obj.system_id, obj.record_id,
                                 obj.record_version)
    state.bump("dokumentobjekt")


@contextmanager
def registration_unit(
    x: XmlWriter, reg: Registration, xsi_type: str | None, state: WriteState
) -> Iterator[None]:
    """Write the base registrering content; the caller adds the subtype's elements inside."""
    with x.node("registrering", xsi_type=xsi_type):
        x.leaf("systemID", reg.system_id)
        x.leaf("opprettetDato", fmt_datetime(reg.created_at))
        x.leaf("opprettetAv", required(reg.created_by, UNKNOWN))
        x.leaf("arkivertDato", fmt_datetime(reg.created_at))
        x.leaf("arkivertAv", required(reg.created_by, UNKNOWN))
        write_screening(x, reg.screening, state)
        for number, doc in enumerate(reg.documents, start=1):
            write_document(x, doc, number, reg.screening, state)
        x.opt("registreringsID", reg.registration_id)
        x.leaf("tittel", required(reg.title, UNKNOWN))
        x.leaf("offentligTittel", reg.public_title)
        x.opt("beskrivelse", reg.description)
        for author in reg.authors:
            x.opt("forfatter", author)
        for note in reg.notes:
            write_note(x, note)
        for element, target in reg.cross_refs:
            with x.node("kryssreferanse"):
                x.leaf(element, target)
        for part in reg.correspondents:
            with x.node("korrespondansepart"):
                x.leaf("korrespondanseparttype", part.kind)
                x.leaf("korrespondansepartNavn", required(part.name, UNKNOWN))
                x.opt("kontaktperson", part.contact)
        yield
    state.remember(reg.system_id)
    state.bump("registrering")
    state.saw(reg.created_at)


def journal_fields(
    x: XmlWriter,
    state: WriteState,
    reg: Registration,
    case: JournalCase,
    *,
    number_in_case: int,
    post_type: str,
    document_date: date | datetime | None = None,
    sent: datetime | None = None,
) -> None:
    """journalpost extension, and the post's entry in both journals.

    journaldato is the registration's own date (a system date, like opprettetDato); the journal
    numbering is per year, in export order.
    """
    registered = as_utc(reg.created_at)
    year = registered.year
    sequence = state.next_journal_number(year)
    x.leaf("journalaar", year)
    x.leaf("journalsekvensnummer", sequence)
    x.leaf("journalpostnummer", number_in_case)
    x.leaf("journalposttype", post_type)
    x.leaf("journalstatus", "Arkivert")
    x.leaf("journaldato", fmt_date(registered))
    if document_date is not None:
        x.leaf("dokumentetsDato", fmt_date(document_date))
        state.saw(document_date)
    if sent is not None:
        x.leaf("sendtDato", fmt_datetime(sent))
        state.saw(sent)
    state.journal.add(registered)
    if state.journals is not None:
        screening = reg.screening
        state.journals.add(case, JournalPost(
            system_id=reg.system_id, registration_id=reg.registration_id, year=year,
            sequence=sequence, number=number_in_case, title=required(reg.title, UNKNOWN),
            public_title=reg.public_title, journal_date=registered.date(),
            document_date=document_date, unit=case.unit, handler=required(reg.created_by, UNKNOWN),
            correspondents=tuple((c.kind, required(c.name, UNKNOWN)) for c in reg.correspondents),
            basis=None if screening is None else (screening.basis or "Ikke oppgitt"),
            screened_metadata=() if screening is None else screening.metadata,
        ), state)


@contextmanager
def folder_unit(
    x: XmlWriter,
    state: WriteState,
    *,
    system_id: str,
    folder_id: str,
    title: str,
    public_title: str,
    created_at: datetime | Deferred,
    created_by: str,
    closed_at: datetime | Deferred,
    closed_by: str,
    xsi_type: str | None = None,
    description: str | None = None,
    parties: Sequence[tuple[str, str]] = (),
    notes: Sequence[Note] = (),
    screening: Screening | None = None,
) -> Iterator[None]:
    """Base mappe content up to skjerming; the caller writes registreringer + extension."""
    with x.node("mappe", xsi_type=xsi_type):
        x.leaf("systemID", system_id)
        x.leaf("mappeID", required(folder_id, system_id))
        x.leaf("tittel", required(title, UNKNOWN))
        x.leaf("offentligTittel", public_title)
        x.opt("beskrivelse", description)
        x.leaf("opprettetDato", _instant(created_at))
        x.leaf("opprettetAv", required(created_by, UNKNOWN))
        x.leaf("avsluttetDato", _instant(closed_at))
        x.leaf("avsluttetAv", required(closed_by, UNKNOWN))
        for name, role in parties:
            with x.node("part"):
                x.leaf("partNavn", required(name, UNKNOWN))
                x.leaf("partRolle", required(role, UNKNOWN))
        for note in notes:
            write_note(x, note)
        write_screening(x, screening, state)
        yield
    state.remember(system_id)
    state.bump("mappe")
    for value in (created_at, closed_at):
        if isinstance(value, datetime):
            state.saw(value)



def _instant(value: datetime | Deferred) -> str:
    return value if isinstance(value, Deferred) else fmt_datetime(value)
