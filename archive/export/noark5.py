"""Noark 5 v5.0 arkivuttrekk (archival extraction package) writer and validator.

Package layout written by :func:`write_package`::

    arkivstruktur.xml   arkiv -> arkivdel -> mappe (saksmappe / moetemappe / mappe) -> registrering
    endringslogg.xml    metadata changes after first registration (omitted when there are none,
                        because the schema demands at least one <endring>)
    arkivuttrekk.xml    ADDML 8.3 description: files, SHA-256 checksums, counts, period, creator
    DOKUMENT/xx/<systemID>.txt   every document version as UTF-8 text
    *.xsd               the official schemas, copied byte-for-byte

Mapping (element order follows arkivstruktur.xsd exactly; note that an XSD extension appends
its own elements AFTER the base type's content, so e.g. saksaar comes after the registreringer):

- agreement  -> mappe xsi:type="saksmappe"; one journalpost per version, each with one
                dokumentbeskrivelse + dokumentobjekt (versjonsnummer = version).
- meeting    -> mappe xsi:type="moetemappe"; a moeteregistrering per agenda item (decision as
                document) and one for the minutes; present participants as moetedeltaker,
                absentees as a merknad.
- news       -> journalpost in the container mappe "Nyhetssaker"; one dokumentbeskrivelse with
                a dokumentobjekt per version.
- statement  -> journalpost in the container mappe "Uttalelser", korrespondansepart for the
                speaker (and the organisation, speaker as kontaktperson), kryssreferanse to the
                news item / meeting. (A mappe may hold mappe OR registrering, not both, hence
                the containers instead of nesting statements under news.)
- restricted records carry <skjerming> on every unit and an offentligTittel that never
  contains the real title.

systemIDs are uuid5 values derived from record ids and versions, so they are stable across
exports; see :func:`record_system_id` and :func:`version_system_id`.

Endringslogg convention (revision vs correction), using only the standard fields:
referanseMetadata is the Noark element name (M681: "navnet på metadataelementet") and
referanseArkivenhet is "the unit that holds the changed element" (M680):
- a *revision* supersedes the record's current metadata -> it points at the record's primary
  unit (the saksmappe / moetemappe, or the journalpost for news and statements);
- a *correction* (any kind other than "revision") of a known version fixes that version in
  place -> it points at that version's own unit (the version's journalpost for agreements, the
  version's dokumentobjekt for news and statements). Without a version it falls back to the
  primary unit.
So a reader tells them apart by resolving referanseArkivenhet in arkivstruktur.xml.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
import sqlite3
import tempfile
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from archive.export import addml
from archive.export.model import (
    ExportAgreement,
    ExportArchive,
    ExportChange,
    ExportMeeting,
    ExportNews,
    ExportRecordVersion,
    ExportStatement,
)

NS_ARKIVSTRUKTUR = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
NS_ENDRINGSLOGG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

ARKIVSTRUKTUR = "arkivstruktur.xml"
ENDRINGSLOGG = "endringslogg.xml"
ARKIVUTTREKK = "arkivuttrekk.xml"
DOCUMENT_DIR = "DOKUMENT"
NOARK_SCHEMAS = ("arkivstruktur.xsd", "endringslogg.xsd", "metadatakatalog.xsd")
ADDML_SCHEMA = "addml.xsd"

# Fixed namespace for every derived systemID: changing it would change every id ever exported.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:protokoll:noark5:systemid")

# Placeholders for required (minLength 1) elements the source data leaves empty.
SCREENED_TITLE = "*****"  # the usual Noark way to show a screened title
EMPTY_VALUE = "(tom)"  # endringslogg tidligereVerdi/nyVerdi for "no value"
_UNKNOWN = "ukjent"

# Change kinds that describe the first registration itself, not a later change.
_NOT_CHANGES = frozenset({"created", "registered", "registration"})

# Domain field names -> Noark metadata element names (M681 wants the element name).
# Unknown fields pass through unchanged.
FIELD_TO_NOARK: dict[str, str] = {
    "title": "tittel",
    "public_title": "offentligTittel",
    "lede": "beskrivelse",
    "description": "beskrivelse",
    "status": "saksstatus",
    "parties": "partNavn",
    "place": "moetested",
    "organiser": "utvalg",
    "start": "moetedato",
    "restricted": "tilgangsrestriksjon",
    "restriction_basis": "skjermingshjemmel",
    "speaker_name": "korrespondansepartNavn",
    "said_at": "dokumentetsDato",
    "published_at": "dokumentetsDato",
}

ProgressCallback = Callable[[int], None]
T = TypeVar("T")

# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are dropped.
_XML_ILLEGAL = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CASE_REF = re.compile(r"^\s*(\d{4})\s*/\s*(\d+)\s*$")
_OFFL_PARAGRAPH = re.compile(r"offl\w*\.?\s*§\s*(\d+\s*[a-z]?)", re.IGNORECASE)


# --------------------------------------------------------------------------- ids


def _sid(*parts: object) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def record_system_id(record_id: str) -> str:
    """systemID of a record's primary unit (its mappe, or journalpost for news/statements)."""
    return _sid("record", record_id)


def version_system_id(record_id: str, version: int) -> str:
    """systemID of the unit holding one version (agreement journalpost / news dokumentobjekt)."""
    return _sid("version", record_id, version)


# --------------------------------------------------------------------------- values


def _utc(value: datetime) -> datetime:
    # Naive datetimes are taken to be UTC (documented in model.py) rather than local time,
    # so the output never depends on the exporting machine's timezone.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def fmt_datetime(value: datetime | date) -> str:
    """xs:dateTime in UTC with a 'Z' suffix; a bare date means midnight UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=timezone.utc)
    return _utc(value).isoformat().replace("+00:00", "Z")


def fmt_date(value: datetime | date) -> str:
    """xs:date; a datetime keeps its own (local) calendar date, which is what a clerk saw."""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def clean(value: object) -> str:
    """Text safe for XML 1.0 (illegal control characters removed)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def _req(value: object, fallback: str) -> str:
    # Nearly every Noark string type has minLength 1: an empty value would break validation.
    text = clean(value).strip()
    return text if text else fallback


def _later(*values: datetime | None) -> datetime:
    present = [_utc(v) for v in values if v is not None]
    return max(present)


def _public_title(title: str, public_title: str | None, restricted: bool) -> str:
    """offentligTittel: never leaks a screened record's real title."""
    public = clean(public_title).strip()
    if not restricted:
        return public or _req(title, _UNKNOWN)
    real = clean(title).strip()
    # A public title that repeats the real one would defeat the screening.
    if not public or (real and real.casefold() in public.casefold()):
        return SCREENED_TITLE
    return public


def _access_code(basis: str | None) -> str:
    """tilgangsrestriksjon: the offentleglova paragraph number when the basis names one."""
    match = _OFFL_PARAGRAPH.search(basis or "")
    return match.group(1).replace(" ", "") if match else "Unntatt offentlighet"


def _case_numbers(reference: str, fallback_year: int) -> tuple[int, int]:
    """(saksaar, sakssekvensnummer) from "2016/0007"; both are required integers."""
    match = _CASE_REF.match(reference or "")
    if match:
        return int(match.group(1)), int(match.group(2))
    return fallback_year, 0


def _peek(items: Iterable[T]) -> tuple[T | None, Iterator[T]]:
    it = iter(items)
    first = next(it, None)
    if first is None:
        return None, it
    return first, itertools.chain([first], it)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class PackageFile:
    path: str  # relative to the package root, '/'-separated
    sha256: str
    size: int


class _Spool:
    """What the writer (or validator) must remember until the end, kept on disk, not in RAM.

    A throw-away SQLite file in its own temporary directory holds every package file entry
    (path, checksum, size) and the 16-byte ids of the units an endringslogg entry may point
    at, so memory stays flat however many records are exported. Rows are buffered and
    inserted in batches; the directory is removed by :meth:`close` or, at the latest, when
    the last object using it is garbage collected.
    """

    _BATCH = 1000

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="protokoll-noark5-"))
        self.path = self.directory / "spool.sqlite"
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.directory), True)
        self._db: sqlite3.Connection | None = sqlite3.connect(str(self.path))
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;"
            "CREATE TABLE files (path TEXT PRIMARY KEY, sha256 BLOB NOT NULL,"
            " size INTEGER NOT NULL) WITHOUT ROWID;"
            "CREATE TABLE units (id BLOB PRIMARY KEY) WITHOUT ROWID;"
        )
        self._files: list[tuple[str, bytes, int]] = []
        self._units: list[tuple[bytes]] = []
        self.file_count = 0

    def add_file(self, entry: PackageFile) -> None:
        self._files.append((entry.path, bytes.fromhex(entry.sha256), entry.size))
        self.file_count += 1
        if len(self._files) >= self._BATCH:
            self._flush()

    def add_unit(self, unit: bytes) -> None:
        self._units.append((unit,))
        if len(self._units) >= self._BATCH:
            self._flush()

    def has_unit(self, unit: bytes) -> bool:
        db = self._open()
        if self._units:
            self._flush()
        return db.execute("SELECT 1 FROM units WHERE id = ?", (unit,)).fetchone() is not None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the spool is closed")
        return self._db

    def _flush(self) -> None:
        db = self._open()
        with db:
            if self._files:
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", self._files)
                self._files.clear()
            if self._units:
                db.executemany("INSERT OR IGNORE INTO units VALUES (?)", self._units)
                self._units.clear()

    def finish(self) -> None:
        """Flush and close the writing connection; the file stays for :class:`PackageFiles`."""
        if self._db is not None:
            self._flush()
            self.file_count = self._db.execute("SELECT count(*) FROM files").fetchone()[0]
            self._db.close()
            self._db = None

    def close(self) -> None:
        """Drop the spool and its directory now."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._cleanup()


class PackageFiles(Sequence[PackageFile]):
    """Every file of a written package, sorted by path, read lazily from the on-disk spool.

    Behaves like a read-only list (len, iteration, indexing, slicing, ``in``), but holds
    only one page of entries in memory at a time, so a 100k-record report stays small.
    """

    _PAGE = 1000

    def __init__(self, spool: _Spool) -> None:
        self._spool = spool  # keeps the spool directory alive as long as this object is
        self._len = spool.file_count

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[PackageFile]:
        if not self._spool.path.exists():
            raise RuntimeError("the package report was closed")
        db = sqlite3.connect(f"file:{self._spool.path}?mode=ro", uri=True)
        try:
            return [PackageFile(path, sha.hex(), size)
                    for path, sha, size in db.execute(sql, params)]
        finally:
            db.close()

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[PackageFile]:
        last: str | None = None
        while True:
            if last is None:
                page = self._query("SELECT path, sha256, size FROM files ORDER BY path LIMIT ?",
                                   (self._PAGE,))
            else:
                page = self._query("SELECT path, sha256, size FROM files WHERE path > ? "
                                   "ORDER BY path LIMIT ?", (last, self._PAGE))
            yield from page
            if len(page) < self._PAGE:
                return
            last = page[-1].path

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if stop <= start:
                return []
            return self._query("SELECT path, sha256, size FROM files ORDER BY path "
                               "LIMIT ? OFFSET ?", (stop - start, start))
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("package file index out of range")
        return self._query("SELECT path, sha256, size FROM files ORDER BY path LIMIT 1 OFFSET ?",
                           (index,))[0]

    def get(self, path: str) -> PackageFile | None:
        found = self._query("SELECT path, sha256, size FROM files WHERE path = ?", (path,))
        return found[0] if found else None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, PackageFile) and self.get(value.path) == value

    def __eq__(self, other: object) -> bool:
        # Compares like the list it replaces (element by element, streamed).
        if not isinstance(other, (list, tuple, PackageFiles)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        self._spool.close()

    def __repr__(self) -> str:
        return f"<PackageFiles: {self._len} files>"


@dataclass
class PackageReport:
    out_dir: Path
    # Every package file with checksum and size, sorted by path. After write_package this is
    # a lazily read PackageFiles (list-like: len, iterate, index); it holds no per-file memory.
    files: Sequence[PackageFile] = field(default_factory=list)
    # mappe, registrering, dokumentbeskrivelse, dokumentobjekt (= dokumentfiler), endring,
    # plus agreements / meetings / news / statements for the caller's own bookkeeping.
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def file(self, path: str) -> PackageFile:
        if isinstance(self.files, PackageFiles):
            found = self.files.get(path)
            if found is None:
                raise StopIteration(path)  # what the list lookup below raises
            return found
        return next(f for f in self.files if f.path == path)

    def close(self) -> None:
        """Remove the temporary store behind ``files`` now (it goes with the report anyway)."""
        if isinstance(self.files, PackageFiles):
            self.files.close()


@dataclass
class _State:
    """Running totals shared by the writers of one package; lookups live in the spool."""

    out_dir: Path
    progress: ProgressCallback | None
    spool: _Spool
    counts: dict[str, int] = field(default_factory=dict)
    journal_seq: dict[int, int] = field(default_factory=dict)
    records_done: int = 0
    first_date: date | None = None
    last_date: date | None = None
    restricted: bool = False

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def remember(self, system_id: str) -> None:
        self.spool.add_unit(uuid.UUID(system_id).bytes)

    def knows(self, system_id: str) -> bool:
        return self.spool.has_unit(uuid.UUID(system_id).bytes)

    def next_journal_number(self, year: int) -> int:
        self.journal_seq[year] = self.journal_seq.get(year, 0) + 1
        return self.journal_seq[year]

    def saw(self, value: date | datetime) -> None:
        day = value.date() if isinstance(value, datetime) else value
        self.first_date = day if self.first_date is None else min(self.first_date, day)
        self.last_date = day if self.last_date is None else max(self.last_date, day)

    def record_done(self) -> None:
        self.records_done += 1
        if self.progress is not None:
            self.progress(self.records_done)


# --------------------------------------------------------------------------- xml helper


class _Xml:
    """Indenting wrapper over lxml's incremental writer: one element at a time, flat memory."""

    def __init__(self, xf: Any, namespace: str) -> None:
        self._xf = xf
        self._ns = namespace
        self._depth = 0

    def _indent(self) -> None:
        self._xf.write("\n" + "  " * self._depth)

    @contextmanager
    def node(
        self,
        name: str,
        xsi_type: str | None = None,
        nsmap: dict[str | None, str] | None = None,
        attrib: dict[str, str] | None = None,
    ) -> Iterator[None]:
        attrs = dict(attrib or {})
        if xsi_type:
            attrs[f"{{{NS_XSI}}}type"] = xsi_type
        if self._depth:
            self._indent()
        with self._xf.element(f"{{{self._ns}}}{name}", attrs, nsmap=nsmap):
            self._depth += 1
            yield
            self._depth -= 1
            self._indent()

    def leaf(self, name: str, value: object) -> None:
        self._indent()
        with self._xf.element(f"{{{self._ns}}}{name}"):
            self._xf.write(clean(value))

    def opt(self, name: str, value: object) -> None:
        """Optional element: written only when it has content (minLength 1 everywhere)."""
        if value is not None and clean(value).strip():
            self.leaf(name, clean(value).strip())


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _Screening:
    basis: str | None
    metadata: tuple[str, ...]


@dataclass(frozen=True)
class _DocObject:
    system_id: str
    version: int
    text: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class _Document:
    system_id: str
    doc_type: str
    title: str
    created_at: datetime
    created_by: str
    objects: tuple[_DocObject, ...]


@dataclass(frozen=True)
class _Note:
    text: str
    kind: str | None
    at: datetime
    by: str


@dataclass(frozen=True)
class _Correspondent:
    kind: str
    name: str
    contact: str | None = None


@dataclass(frozen=True)
class _Registration:
    system_id: str
    created_at: datetime
    created_by: str
    title: str
    public_title: str
    registration_id: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    documents: tuple[_Document, ...] = ()
    notes: tuple[_Note, ...] = ()
    cross_refs: tuple[tuple[str, str], ...] = ()  # (element name, systemID)
    correspondents: tuple[_Correspondent, ...] = ()
    screening: _Screening | None = None


def _screening(restricted: bool, basis: str | None, *metadata: str) -> _Screening | None:
    return _Screening(basis, metadata) if restricted else None


def _write_screening(x: _Xml, screening: _Screening | None, state: _State) -> None:
    if screening is None:
        return
    state.restricted = True
    with x.node("skjerming"):
        x.leaf("tilgangsrestriksjon", _access_code(screening.basis))
        x.leaf("skjermingshjemmel", _req(screening.basis, "Ikke oppgitt"))
        for name in screening.metadata:
            x.leaf("skjermingMetadata", name)
        x.leaf("skjermingDokument", "Hele dokumentet")


def _write_note(x: _Xml, note: _Note) -> None:
    with x.node("merknad"):
        x.leaf("merknadstekst", _req(note.text, _UNKNOWN))
        x.opt("merknadstype", note.kind)
        x.leaf("merknadsdato", fmt_datetime(note.at))
        x.leaf("merknadRegistrertAv", _req(note.by, _UNKNOWN))


def _store_text(state: _State, system_id: str, text: str) -> PackageFile:
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


def _write_document(
    x: _Xml, doc: _Document, number: int, screening: _Screening | None, state: _State
) -> None:
    with x.node("dokumentbeskrivelse"):
        x.leaf("systemID", doc.system_id)
        x.leaf("dokumenttype", doc.doc_type)
        x.leaf("dokumentstatus", "Dokumentet er ferdigstilt")
        x.leaf("tittel", _req(doc.title, _UNKNOWN))
        x.leaf("opprettetDato", fmt_datetime(doc.created_at))
        x.leaf("opprettetAv", _req(doc.created_by, _UNKNOWN))
        x.leaf("tilknyttetRegistreringSom", "Hoveddokument" if number == 1 else "Vedlegg")
        x.leaf("dokumentnummer", number)
        x.leaf("tilknyttetDato", fmt_datetime(doc.created_at))
        x.leaf("tilknyttetAv", _req(doc.created_by, _UNKNOWN))
        _write_screening(x, screening, state)
        for obj in doc.objects:
            _write_document_object(x, obj, state)
    state.bump("dokumentbeskrivelse")


def _write_document_object(x: _Xml, obj: _DocObject, state: _State) -> None:
    stored = _store_text(state, obj.system_id, obj.text)
    with x.node("dokumentobjekt"):
        x.leaf("systemID", obj.system_id)
        x.leaf("versjonsnummer", obj.version)
        x.leaf("variantformat", "Produksjonsformat")
        x.leaf("format", "TXT")
        x.leaf("formatDetaljer", "text/plain; charset=UTF-8")
        x.leaf("opprettetDato", fmt_datetime(obj.created_at))
        x.leaf("opprettetAv", _req(obj.created_by, _UNKNOWN))
        x.leaf("referanseDokumentfil", stored.path)
        x.leaf("sjekksum", stored.sha256)
        x.leaf("sjekksumAlgoritme", "SHA-256")
        x.leaf("filstoerrelse", stored.size)
    state.remember(obj.system_id)
    state.bump("dokumentobjekt")


@contextmanager
def _registration(
    x: _Xml, reg: _Registration, xsi_type: str | None, state: _State
) -> Iterator[None]:
    """Write the base registrering content; the caller adds the subtype's elements inside."""
    with x.node("registrering", xsi_type=xsi_type):
        x.leaf("systemID", reg.system_id)
        x.leaf("opprettetDato", fmt_datetime(reg.created_at))
        x.leaf("opprettetAv", _req(reg.created_by, _UNKNOWN))
        x.leaf("arkivertDato", fmt_datetime(reg.created_at))
        x.leaf("arkivertAv", _req(reg.created_by, _UNKNOWN))
        _write_screening(x, reg.screening, state)
        for number, doc in enumerate(reg.documents, start=1):
            _write_document(x, doc, number, reg.screening, state)
        x.opt("registreringsID", reg.registration_id)
        x.leaf("tittel", _req(reg.title, _UNKNOWN))
        x.leaf("offentligTittel", reg.public_title)
        x.opt("beskrivelse", reg.description)
        for author in reg.authors:
            x.opt("forfatter", author)
        for note in reg.notes:
            _write_note(x, note)
        for element, target in reg.cross_refs:
            with x.node("kryssreferanse"):
                x.leaf(element, target)
        for part in reg.correspondents:
            with x.node("korrespondansepart"):
                x.leaf("korrespondanseparttype", part.kind)
                x.leaf("korrespondansepartNavn", _req(part.name, _UNKNOWN))
                x.opt("kontaktperson", part.contact)
        yield
    state.remember(reg.system_id)
    state.bump("registrering")
    state.saw(reg.created_at)


def _journal_fields(
    x: _Xml,
    state: _State,
    *,
    registered: datetime,
    number_in_case: int,
    post_type: str,
    document_date: date | datetime | None = None,
    sent: datetime | None = None,
) -> None:
    """journalpost extension: the journal numbering is per year, in export order."""
    year = registered.year
    x.leaf("journalaar", year)
    x.leaf("journalsekvensnummer", state.next_journal_number(year))
    x.leaf("journalpostnummer", number_in_case)
    x.leaf("journalposttype", post_type)
    x.leaf("journalstatus", "Arkivert")
    x.leaf("journaldato", fmt_date(registered))
    if document_date is not None:
        x.leaf("dokumentetsDato", fmt_date(document_date))
    if sent is not None:
        x.leaf("sendtDato", fmt_datetime(sent))


@contextmanager
def _folder(
    x: _Xml,
    state: _State,
    *,
    system_id: str,
    folder_id: str,
    title: str,
    public_title: str,
    created_at: datetime,
    created_by: str,
    closed_at: datetime,
    closed_by: str,
    xsi_type: str | None = None,
    description: str | None = None,
    parties: Sequence[tuple[str, str]] = (),
    notes: Sequence[_Note] = (),
    screening: _Screening | None = None,
) -> Iterator[None]:
    """Base mappe content up to skjerming; the caller writes registreringer + extension."""
    with x.node("mappe", xsi_type=xsi_type):
        x.leaf("systemID", system_id)
        x.leaf("mappeID", _req(folder_id, system_id))
        x.leaf("tittel", _req(title, _UNKNOWN))
        x.leaf("offentligTittel", public_title)
        x.opt("beskrivelse", description)
        x.leaf("opprettetDato", fmt_datetime(created_at))
        x.leaf("opprettetAv", _req(created_by, _UNKNOWN))
        x.leaf("avsluttetDato", fmt_datetime(_later(created_at, closed_at)))
        x.leaf("avsluttetAv", _req(closed_by, _UNKNOWN))
        for name, role in parties:
            with x.node("part"):
                x.leaf("partNavn", _req(name, _UNKNOWN))
                x.leaf("partRolle", _req(role, _UNKNOWN))
        for note in notes:
            _write_note(x, note)
        _write_screening(x, screening, state)
        yield
    state.remember(system_id)
    state.bump("mappe")
    state.saw(created_at)


# --------------------------------------------------------------------------- records


def _agreement_versions(a: ExportAgreement) -> Sequence[ExportRecordVersion]:
    return sorted(a.versions, key=lambda v: v.version)


def _write_agreement(x: _Xml, a: ExportAgreement, creator: str, state: _State) -> None:
    versions = _agreement_versions(a)
    last = versions[-1] if versions else None
    screening = _screening(a.restricted, a.restriction_basis, "tittel", "partNavn")
    year, sequence = _case_numbers(a.reference, a.created_at.year)
    with _folder(
        x,
        state,
        xsi_type="saksmappe",
        system_id=record_system_id(a.id),
        folder_id=a.reference,
        title=a.title,
        public_title=_public_title(a.title, a.public_title, a.restricted),
        created_at=a.created_at,
        created_by=a.created_by,
        closed_at=_later(a.created_at, *(v.recorded_at for v in versions)),
        closed_by=last.recorded_by if last else a.created_by,
        parties=[(name, "Avtalepart") for name in a.parties],
        screening=screening,
    ):
        for v in versions:
            _write_agreement_version(x, a, v, state)
        x.leaf("saksaar", year)
        x.leaf("sakssekvensnummer", sequence)
        x.leaf("saksdato", fmt_date(a.created_at))
        x.leaf("administrativEnhet", _req(creator, _UNKNOWN))
        x.leaf("saksansvarlig", _req(a.created_by, _UNKNOWN))
        x.leaf("saksstatus", _req(a.status, "Under behandling"))
    state.bump("agreements")


def _validity(v: ExportRecordVersion) -> str | None:
    if v.valid_from is None and v.valid_to is None:
        return None
    start = v.valid_from.isoformat() if v.valid_from else "…"
    end = v.valid_to.isoformat() if v.valid_to else "…"
    return f"Gyldig fra {start} til {end}"


def _version_note(v: ExportRecordVersion) -> tuple[_Note, ...]:
    # The domain event and the user's reason are the version's audit trail: keep both.
    if not v.reason and not v.event_type:
        return ()
    text = v.reason or v.event_type
    note = _Note(f"Versjon {v.version}: {text}", v.event_type or None, v.recorded_at,
                 v.recorded_by)
    return (note,)


def _write_agreement_version(
    x: _Xml, a: ExportAgreement, v: ExportRecordVersion, state: _State
) -> None:
    document = _Document(
        system_id=_sid("dokumentbeskrivelse", a.id, v.version),
        doc_type="Avtale",
        title=v.title,
        created_at=v.recorded_at,
        created_by=v.recorded_by,
        objects=(_DocObject(_sid("dokumentobjekt", a.id, v.version), v.version, v.text,
                            v.recorded_at, v.recorded_by),),
    )
    reg = _Registration(
        system_id=version_system_id(a.id, v.version),
        created_at=v.recorded_at,
        created_by=v.recorded_by,
        title=v.title,
        public_title=_public_title(v.title, a.public_title, a.restricted),
        registration_id=f"{a.reference}-{v.version}",
        description=_validity(v),
        documents=(document,),
        notes=_version_note(v),
        screening=_screening(a.restricted, a.restriction_basis, "tittel"),
    )
    with _registration(x, reg, "journalpost", state):
        _journal_fields(
            x,
            state,
            registered=_utc(v.recorded_at),
            number_in_case=v.version,
            post_type="Organinternt dokument uten oppfølging",
            document_date=v.valid_from,
        )


def _participants(m: ExportMeeting) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    present: list[tuple[str, str]] = []
    absent: list[tuple[str, str]] = []
    for name, role, is_present in m.participants:
        (present if is_present else absent).append((name, role))
    return present, absent


def _write_meeting(x: _Xml, m: ExportMeeting, state: _State) -> None:
    created_at = m.created_at or m.start
    if created_at is None:
        raise ValueError(f"meeting {m.reference} has neither a date nor a registration time")
    present, absent = _participants(m)
    notes = [
        _Note(f"Forfall: {name} ({role})" if role else f"Forfall: {name}", "Forfall", created_at,
              m.created_by)
        for name, role in absent
    ]
    if m.start is None:
        # moetedato is mandatory in arkivstruktur.xsd: the registration date stands in, and says so.
        notes.append(_Note("Møtedato ukjent (udatert kilde); registreringsdato er oppgitt som møtedato.",
                           "Merknad", created_at, m.created_by))
    screening = _screening(m.restricted, m.restriction_basis, "tittel")
    with _folder(
        x,
        state,
        xsi_type="moetemappe",
        system_id=record_system_id(m.id),
        folder_id=m.reference,
        title=m.title,
        public_title=_public_title(m.title, m.public_title, m.restricted),
        created_at=created_at,
        created_by=m.created_by,
        closed_at=_later(created_at, m.end or m.start),
        closed_by=m.created_by,
        notes=notes,
        screening=screening,
    ):
        for index, (number, title, decision) in enumerate(m.agenda_items):
            _write_agenda_item(x, m, index, number, title, decision, created_at, state)
        if m.minutes_text is not None and m.minutes_text.strip():
            _write_minutes(x, m, created_at, state)
        x.leaf("moetenummer", _req(m.reference, _UNKNOWN))
        x.leaf("utvalg", _req(m.organiser, _UNKNOWN))
        x.leaf("moetedato", fmt_date(m.start or created_at))
        x.opt("moetested", m.place)
        for name, role in present:
            with x.node("moetedeltaker"):
                x.leaf("moetedeltakerNavn", _req(name, _UNKNOWN))
                x.opt("moetedeltakerFunksjon", role)
    state.bump("meetings")


def _meeting_registration_fields(x: _Xml, m: ExportMeeting, kind: str) -> None:
    x.leaf("moeteregistreringstype", kind)
    x.leaf("administrativEnhet", _req(m.organiser, _UNKNOWN))
    x.leaf("saksbehandler", _req(m.created_by, _UNKNOWN))


def _write_agenda_item(
    x: _Xml,
    m: ExportMeeting,
    index: int,
    number: str,
    title: str,
    decision: str | None,
    created_at: datetime,
    state: _State,
) -> None:
    full_title = f"{number} {title}".strip()
    documents: tuple[_Document, ...] = ()
    if decision is not None and decision.strip():
        doc_id = _sid("agenda", m.id, index)
        text = f"Sak {number}: {title}\n\nVedtak:\n{decision}\n"
        documents = (
            _Document(_sid("dokumentbeskrivelse", doc_id), "Vedtak", f"Vedtak i sak {number}",
                      created_at, m.created_by,
                      (_DocObject(_sid("dokumentobjekt", doc_id), 1, text, created_at,
                                  m.created_by),)),
        )
    reg = _Registration(
        system_id=_sid("agenda", m.id, index),
        created_at=created_at,
        created_by=m.created_by,
        title=full_title,
        public_title=_public_title(full_title, None, m.restricted),
        registration_id=number,
        documents=documents,
        screening=_screening(m.restricted, m.restriction_basis, "tittel"),
    )
    with _registration(x, reg, "moeteregistrering", state):
        _meeting_registration_fields(x, m, "Vedtak" if documents else "Saksframlegg")


def _write_minutes(x: _Xml, m: ExportMeeting, created_at: datetime, state: _State) -> None:
    title = f"Møteprotokoll – {m.title}"
    doc = _Document(
        _sid("dokumentbeskrivelse", m.id, "minutes"), "Møteprotokoll", title, created_at,
        m.created_by,
        (_DocObject(_sid("dokumentobjekt", m.id, "minutes"), 1, m.minutes_text or "",
                    created_at, m.created_by),),
    )
    public = m.public_title if not m.restricted else None
    reg = _Registration(
        system_id=_sid("minutes", m.id),
        created_at=created_at,
        created_by=m.created_by,
        title=title,
        public_title=_public_title(title, f"Møteprotokoll – {public}" if public else None,
                                   m.restricted),
        registration_id=f"{m.reference}-protokoll",
        documents=(doc,),
        screening=_screening(m.restricted, m.restriction_basis, "tittel"),
    )
    with _registration(x, reg, "moeteregistrering", state):
        _meeting_registration_fields(x, m, "Møteprotokoll")


def _news_versions(n: ExportNews) -> Sequence[ExportRecordVersion]:
    if n.versions:
        return sorted(n.versions, key=lambda v: v.version)
    # Older items without history still get their current text archived as version 1.
    return [ExportRecordVersion(1, n.title, n.body, n.created_at, n.created_by, "created")]


def _write_news(x: _Xml, n: ExportNews, state: _State) -> None:
    versions = _news_versions(n)
    objects = tuple(
        _DocObject(version_system_id(n.id, v.version), v.version, v.text, v.recorded_at,
                   v.recorded_by)
        for v in versions
    )
    document = _Document(_sid("dokumentbeskrivelse", n.id), "Nyhetssak", n.title, n.created_at,
                         n.created_by, objects)
    notes = tuple(note for v in versions if v.reason for note in _version_note(v))
    reg = _Registration(
        system_id=record_system_id(n.id),
        created_at=n.created_at,
        created_by=n.created_by,
        title=n.title,
        public_title=_public_title(n.title, n.public_title, n.restricted),
        registration_id=n.reference,
        description=n.lede,
        documents=(document,),
        notes=notes,
        screening=_screening(n.restricted, n.restriction_basis, "tittel", "beskrivelse"),
    )
    sent = n.published_at if isinstance(n.published_at, datetime) else None
    with _registration(x, reg, "journalpost", state):
        _journal_fields(
            x,
            state,
            registered=_utc(n.created_at),
            number_in_case=1,
            post_type="Utgående dokument",
            document_date=n.published_at,
            sent=sent,
        )
    state.saw(n.published_at)
    state.bump("news")


def statement_title(s: ExportStatement) -> str:
    """'Uttalelse fra Roger Ryberg (Ap), fylkesordfører'."""
    who = s.speaker_name.strip() or _UNKNOWN
    if s.party:
        who += f" ({s.party})"
    if s.speaker_role:
        who += f", {s.speaker_role}"
    return f"Uttalelse fra {who}"


def _write_statement(x: _Xml, s: ExportStatement, state: _State) -> None:
    title = statement_title(s)
    document = _Document(
        _sid("dokumentbeskrivelse", s.id), "Uttalelse", title, s.created_at, s.created_by,
        (_DocObject(version_system_id(s.id, 1), 1, s.text, s.created_at, s.created_by),),
    )
    refs: list[tuple[str, str]] = []
    if s.news_id:
        refs.append(("referanseTilRegistrering", record_system_id(s.news_id)))
    if s.meeting_id:
        refs.append(("referanseTilMappe", record_system_id(s.meeting_id)))
    parts = [_Correspondent("Avsender", s.speaker_name)]
    if s.organisation:
        parts.append(_Correspondent("Avsender", s.organisation, s.speaker_name))
    reg = _Registration(
        system_id=record_system_id(s.id),
        created_at=s.created_at,
        created_by=s.created_by,
        title=title,
        public_title=_public_title(title, s.public_title, s.restricted),
        registration_id=s.reference,
        authors=(s.speaker_name,),
        documents=(document,),
        cross_refs=tuple(refs),
        correspondents=tuple(parts),
        screening=_screening(s.restricted, s.restriction_basis, "tittel",
                             "korrespondansepartNavn"),
    )
    with _registration(x, reg, "journalpost", state):
        _journal_fields(
            x,
            state,
            registered=_utc(s.created_at),
            number_in_case=1,
            post_type="Organinternt dokument uten oppfølging",
            document_date=s.said_at,
        )
    state.saw(s.said_at)
    state.bump("statements")


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class _Frame:
    """Dates of the arkiv/arkivdel (and the container folders), fixed before streaming."""

    opened: datetime
    closed: datetime
    closed_by: str


def _frame(archive: ExportArchive) -> _Frame:
    # Derived from the period when given, so the export time does not leak into
    # arkivstruktur.xml and repeated exports stay byte-identical.
    opened = (datetime.combine(archive.period_from, time(0), tzinfo=timezone.utc)
              if archive.period_from else _utc(archive.exported_at))
    closed = (datetime.combine(archive.period_to, time(23, 59, 59), tzinfo=timezone.utc)
              if archive.period_to else _utc(archive.exported_at))
    return _Frame(opened, max(opened, closed), _req(archive.system_name, _UNKNOWN))


def _write_container(
    x: _Xml,
    state: _State,
    archive: ExportArchive,
    frame: _Frame,
    key: str,
    title: str,
    items: Iterable[T],
    write: Callable[[_Xml, T, _State], None],
) -> None:
    """A plain mappe grouping registrations that have no folder of their own."""
    first, items = _peek(items)
    if first is None:
        return  # no empty containers: they would only add noise to the counts
    system_id = _sid("container", archive.name, key)
    with _folder(
        x, state, system_id=system_id, folder_id=title, title=title, public_title=title,
        created_at=frame.opened, created_by=frame.closed_by, closed_at=frame.closed,
        closed_by=frame.closed_by,
    ):
        for item in items:
            write(x, item, state)
            state.record_done()


def _end_with_newline(path: Path) -> None:
    # lxml's incremental writer cannot write after the root closes; POSIX tools like a final
    # newline, so it is appended afterwards.
    with path.open("ab") as handle:
        handle.write(b"\n")


def _write_arkivstruktur(archive: ExportArchive, path: Path, state: _State) -> None:
    frame = _frame(archive)
    creator = _req(archive.creator, _UNKNOWN)
    schema_location = f"{NS_ARKIVSTRUKTUR} arkivstruktur.xsd"
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        x = _Xml(xf, NS_ARKIVSTRUKTUR)
        with x.node("arkiv", nsmap={None: NS_ARKIVSTRUKTUR, "xsi": NS_XSI},
                    attrib={f"{{{NS_XSI}}}schemaLocation": schema_location}):
            x.leaf("systemID", _sid("arkiv", archive.name))
            x.leaf("tittel", _req(archive.name, _UNKNOWN))
            x.leaf("arkivstatus", "Avsluttet" if archive.period_to else "Opprettet")
            x.leaf("dokumentmedium", "Elektronisk arkiv")
            x.leaf("opprettetDato", fmt_datetime(frame.opened))
            x.leaf("opprettetAv", frame.closed_by)
            x.leaf("avsluttetDato", fmt_datetime(frame.closed))
            x.leaf("avsluttetAv", frame.closed_by)
            with x.node("arkivskaper"):
                x.leaf("arkivskaperID", _req(archive.creator_id, creator))
                x.leaf("arkivskaperNavn", creator)
            with x.node("arkivdel"):
                x.leaf("systemID", _sid("arkivdel", archive.name))
                x.leaf("tittel", _req(archive.name, _UNKNOWN))
                x.leaf("arkivdelstatus",
                       "Avsluttet periode" if archive.period_to else "Aktiv periode")
                x.leaf("dokumentmedium", "Elektronisk arkiv")
                x.leaf("opprettetDato", fmt_datetime(frame.opened))
                x.leaf("opprettetAv", frame.closed_by)
                x.leaf("avsluttetDato", fmt_datetime(frame.closed))
                x.leaf("avsluttetAv", frame.closed_by)
                if archive.period_from:
                    x.leaf("arkivperiodeStartDato", fmt_date(archive.period_from))
                if archive.period_to:
                    x.leaf("arkivperiodeSluttDato", fmt_date(archive.period_to))
                for agreement in archive.agreements:
                    _write_agreement(x, agreement, creator, state)
                    state.record_done()
                for meeting in archive.meetings:
                    _write_meeting(x, meeting, state)
                    state.record_done()
                _write_container(x, state, archive, frame, "news", "Nyhetssaker",
                                 archive.news, _write_news)
                _write_container(x, state, archive, frame, "statements", "Uttalelser",
                                 archive.statements, _write_statement)
    _end_with_newline(path)


def change_unit_id(change: ExportChange, known: Callable[[str], bool] | None = None) -> str:
    """referanseArkivenhet for a change (see the module docstring for the convention)."""
    if change.kind != "revision" and change.version is not None:
        candidate = version_system_id(change.record_id, change.version)
        if known is None or known(candidate):
            return candidate
    return record_system_id(change.record_id)


def _value(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return fmt_datetime(value) if isinstance(value, datetime) else value.isoformat()
    return _req(value, EMPTY_VALUE)


def _write_endringslogg(
    changes: Iterable[ExportChange], path: Path, state: _State, warnings: list[str]
) -> bool:
    """Write the change log; False (and no file) when there is nothing to log."""
    real = (c for c in changes if c.kind.strip().lower() not in _NOT_CHANGES)
    first, real = _peek(real)
    if first is None:
        return False
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        x = _Xml(xf, NS_ENDRINGSLOGG)
        with x.node("endringslogg", nsmap={None: NS_ENDRINGSLOGG, "xsi": NS_XSI},
                    attrib={f"{{{NS_XSI}}}schemaLocation": f"{NS_ENDRINGSLOGG} endringslogg.xsd"}):
            for change in real:
                unit = change_unit_id(change, state.knows)
                if not state.knows(unit):
                    warnings.append(f"endring for {change.record_reference or change.record_id}: "
                                    "the record is not in this export")
                with x.node("endring"):
                    x.leaf("referanseArkivenhet", unit)
                    x.leaf("referanseMetadata", FIELD_TO_NOARK.get(change.field, change.field))
                    x.leaf("endretDato", fmt_datetime(change.changed_at))
                    x.leaf("endretAv", _req(change.changed_by, _UNKNOWN))
                    x.leaf("tidligereVerdi", _value(change.old_value))
                    x.leaf("nyVerdi", _value(change.new_value))
                state.bump("endring")
                state.record_done()
    _end_with_newline(path)
    return True


def _schema_dirs(
    schema_dir: Path | None, addml_schema_dir: Path | None
) -> tuple[Path | None, Path | None]:
    """Accept either the shared schemas root (holding noark5-v5.0/ and addml-v8.3/) or the
    Noark folder itself (addml.xsd then beside it or in ../addml-v8.3)."""
    if schema_dir is None:
        return None, addml_schema_dir
    schema_dir = Path(schema_dir)
    if (schema_dir / "noark5-v5.0").is_dir():
        return schema_dir / "noark5-v5.0", addml_schema_dir or schema_dir / "addml-v8.3"
    if addml_schema_dir is None:
        beside = schema_dir / ADDML_SCHEMA
        addml_schema_dir = schema_dir if beside.exists() else schema_dir.parent / "addml-v8.3"
    return schema_dir, addml_schema_dir


def _copy_schemas(noark_dir: Path | None, addml_dir: Path | None, out_dir: Path) -> None:
    # The standard wants the unmodified official schemas inside the package: plain byte copy.
    if noark_dir is not None:
        for name in NOARK_SCHEMAS:
            shutil.copyfile(noark_dir / name, out_dir / name)
    if addml_dir is not None:
        shutil.copyfile(addml_dir / ADDML_SCHEMA, out_dir / ADDML_SCHEMA)


def _package_file(out_dir: Path, name: str) -> PackageFile:
    path = out_dir / name
    return PackageFile(name, sha256_file(path), path.stat().st_size)


def write_package(
    archive: ExportArchive,
    out_dir: Path,
    schema_dir: Path | None,
    *,
    addml_schema_dir: Path | None = None,
    progress: ProgressCallback | None = None,
) -> PackageReport:
    """Write a complete arkivuttrekk into ``out_dir`` (which must be empty or absent).

    ``schema_dir``: the shared schemas root or the Noark 5 v5.0 folder; None skips copying the
    schemas (the package is then incomplete, and the report says so). ``progress`` receives
    the running number of records and changes written.

    Memory stays flat with the size of the archive: records are streamed, and what must be
    remembered until the end (file entries, unit ids for the endringslogg check) is spooled
    to a temporary SQLite file; ``report.files`` reads it back lazily (``report.close()``
    removes it early, otherwise it goes when the report is garbage collected).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        # Stale files from an earlier run would end up unlisted inside the package.
        raise FileExistsError(f"{out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = PackageReport(out_dir)
    # Per-file entries and unit ids go to an on-disk spool: memory stays flat with size.
    spool = _Spool()
    try:
        state = _State(out_dir, progress, spool)
        _write_arkivstruktur(archive, out_dir / ARKIVSTRUKTUR, state)
        has_log = _write_endringslogg(archive.changes, out_dir / ENDRINGSLOGG, state,
                                      report.warnings)
        noark_dir, addml_dir = _schema_dirs(schema_dir, addml_schema_dir)
        _copy_schemas(noark_dir, addml_dir, out_dir)
        if noark_dir is None:
            report.warnings.append("no schema_dir given: the official schemas were not copied")

        for key in ("mappe", "registrering", "dokumentbeskrivelse", "dokumentobjekt", "endring"):
            state.counts.setdefault(key, 0)
        xml_files = [ARKIVSTRUKTUR] + ([ENDRINGSLOGG] if has_log else [])
        schemas = [n for n in (*NOARK_SCHEMAS, ADDML_SCHEMA) if (out_dir / n).exists()]
        described = {name: _package_file(out_dir, name) for name in xml_files + schemas}
        # arkivuttrekk.xml describes the XML files and schemas only (a fixed handful, not one
        # entry per document), so it stays small whatever the size of the archive.
        addml.write_addml(
            out_dir / ARKIVUTTREKK,
            addml.AddmlInput(
                archive_name=archive.name,
                creator=archive.creator,
                system_name=archive.system_name,
                exported_at=fmt_datetime(archive.exported_at),
                period_from=fmt_date(archive.period_from or state.first_date
                                     or archive.exported_at),
                period_to=fmt_date(archive.period_to or state.last_date or archive.exported_at),
                files={name: (f.sha256, f.size) for name, f in described.items()},
                has_change_log=has_log,
                counts=dict(state.counts),
                contains_restricted=state.restricted,
            ),
        )
        described[ARKIVUTTREKK] = _package_file(out_dir, ARKIVUTTREKK)
        for entry in described.values():
            spool.add_file(entry)
        spool.finish()
    except BaseException:
        spool.close()
        raise
    report.files = PackageFiles(spool)
    report.counts = dict(state.counts)
    return report


# --------------------------------------------------------------------------- validation


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _schema(path: Path, errors: list[str]) -> etree.XMLSchema | None:
    try:
        return etree.XMLSchema(etree.parse(str(path)))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        errors.append(f"{path.name}: cannot load schema: {exc}")
        return None


_FREED = frozenset({"mappe", "registrering", "dokumentbeskrivelse", "endring", "dataObject"})


def _iter_valid(
    path: Path, schema: etree.XMLSchema, errors: list[str], tags: set[str]
) -> Iterator[etree._Element]:
    """Validate while parsing (no whole-document tree) and yield the elements named in
    ``tags`` at their end; everything already seen is freed as we go."""
    # lxml's error log is global per thread: clear it so only this file's errors show up.
    etree.clear_error_log()
    try:
        for _, elem in etree.iterparse(str(path), events=("end",), schema=schema,
                                       huge_tree=True):
            name = _local(elem.tag)
            if name in tags:
                yield elem
            # Free every finished unit, nested ones included (the news and statement
            # containers hold all their registreringer), with the siblings before it.
            if name in _FREED and elem.getparent() is not None:
                elem.clear(keep_tail=True)
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except (etree.XMLSyntaxError, etree.DocumentInvalid) as exc:
        log = getattr(exc, "error_log", None)
        messages = [f"line {e.line}: {e.message}" if e.line else e.message for e in log] \
            if log else [str(exc)]
        errors.extend(f"{path.name}: {m}" for m in messages or [str(exc)])
    except OSError as exc:
        errors.append(f"{path.name}: {exc}")


def _child_text(elem: etree._Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _check_document(out_dir: Path, obj: etree._Element, errors: list[str]) -> None:
    ref = _child_text(obj, "referanseDokumentfil")
    target = (out_dir / ref).resolve()
    if out_dir.resolve() not in target.parents or not target.is_file():
        errors.append(f"{ARKIVSTRUKTUR}: dokumentobjekt {_child_text(obj, 'systemID')} "
                      f"refers to missing file {ref!r}")
        return
    if sha256_file(target) != _child_text(obj, "sjekksum").lower():
        errors.append(f"{ARKIVSTRUKTUR}: checksum mismatch for {ref}")
    if str(target.stat().st_size) != _child_text(obj, "filstoerrelse"):
        errors.append(f"{ARKIVSTRUKTUR}: size mismatch for {ref}")


def _check_arkivstruktur(
    out_dir: Path, schema_dir: Path, units: _Spool, errors: list[str]
) -> dict[str, int]:
    counts = {"mappe": 0, "registrering": 0, "dokumentbeskrivelse": 0, "dokumentobjekt": 0}
    schema = _schema(schema_dir / "arkivstruktur.xsd", errors)
    if schema is None:
        return counts
    for elem in _iter_valid(out_dir / ARKIVSTRUKTUR, schema, errors,
                            set(counts) | {"systemID"}):
        name = _local(elem.tag)
        if name == "systemID":
            try:
                units.add_unit(uuid.UUID((elem.text or "").strip()).bytes)
            except ValueError:
                pass  # the schema check reports malformed ids
            continue
        counts[name] += 1
        if name == "dokumentobjekt":
            _check_document(out_dir, elem, errors)
    return counts


def _check_endringslogg(
    out_dir: Path, schema_dir: Path, units: _Spool, errors: list[str]
) -> int:
    path = out_dir / ENDRINGSLOGG
    if not path.exists():
        return 0
    schema = _schema(schema_dir / "endringslogg.xsd", errors)
    if schema is None:
        return 0
    total = 0
    for elem in _iter_valid(path, schema, errors, {"referanseArkivenhet", "endring"}):
        if _local(elem.tag) == "endring":
            total += 1
            continue
        try:
            known = units.has_unit(uuid.UUID((elem.text or "").strip()).bytes)
        except ValueError:
            known = True  # malformed: already reported by the schema
        if not known:
            errors.append(f"{ENDRINGSLOGG}: referanseArkivenhet {elem.text} is not in "
                          f"{ARKIVSTRUKTUR}")
    return total


def _same_bytes(one: Path, two: Path) -> bool:
    """Byte equality read in chunks (no cache, unlike filecmp)."""
    if one.stat().st_size != two.stat().st_size:
        return False
    with one.open("rb") as a, two.open("rb") as b:
        while True:
            chunk = a.read(1 << 20)
            if chunk != b.read(1 << 20):
                return False
            if not chunk:
                return True


def _check_schema_copies(out_dir: Path, noark_dir: Path, addml_dir: Path,
                         errors: list[str]) -> None:
    originals = [noark_dir / n for n in NOARK_SCHEMAS] + [addml_dir / ADDML_SCHEMA]
    for original in originals:
        copy = out_dir / original.name
        if not copy.exists():
            errors.append(f"{original.name}: missing from the package")
        elif not _same_bytes(copy, original):
            errors.append(f"{original.name}: differs from the official schema")


def validate_package(
    out_dir: Path, schema_dir_noark: Path, schema_dir_addml: Path
) -> list[str]:
    """Every problem found in a written package; empty when it is valid.

    Checks: each XML file against the UNMODIFIED official schemas (streamed with lxml), the
    package's schema copies against the originals, every dokumentobjekt checksum and size,
    every endringslogg reference, and the ADDML file checksums and occurrence counts.
    """
    out_dir, noark_dir, addml_dir = Path(out_dir), Path(schema_dir_noark), Path(schema_dir_addml)
    errors: list[str] = []
    # Every systemID seen is spooled to disk for the endringslogg reference check.
    units = _Spool()
    try:
        counts = _check_arkivstruktur(out_dir, noark_dir, units, errors)
        counts["endring"] = _check_endringslogg(out_dir, noark_dir, units, errors)
    finally:
        units.close()
    _check_schema_copies(out_dir, noark_dir, addml_dir, errors)
    addml_schema = _schema(addml_dir / ADDML_SCHEMA, errors)
    if addml_schema is not None:
        errors.extend(addml.check_addml(out_dir, out_dir / ARKIVUTTREKK, addml_schema, counts,
                                        sha256_file))
    return errors
