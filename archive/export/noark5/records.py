"""Records as units: agreement -> saksmappe, meeting -> moetemappe, news and statements -> journalpost."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from archive.export.model import ExportAgreement, ExportMeeting, ExportNews, ExportRecordVersion, ExportStatement
from archive.export.noark5.codes import CLOSED
from archive.export.noark5.ids import UNKNOWN, derived_id, record_system_id, version_system_id
from archive.export.noark5.journals import JournalCase
from archive.export.noark5.state import WriteState, XmlWriter
from archive.export.noark5.units import (
    Correspondent,
    DocObject,
    Document,
    Note,
    Registration,
    folder_unit,
    journal_fields,
    registration_unit,
    screening_for,
)
from archive.export.noark5.values import as_utc, case_numbers, fmt_date, latest, required, safe_public_title

UNDATED_MEETING_NOTE = ("Møtedato ukjent (udatert kilde): eksportert som mappe uten møtedato, "
                        "ingen dato er satt inn.")
PUBLIC_RECIPIENT = "Allmennheten"


def _agreement_versions(a: ExportAgreement) -> Sequence[ExportRecordVersion]:
    return sorted(a.versions, key=lambda v: v.version)


def write_agreement(x: XmlWriter, a: ExportAgreement, creator: str, state: WriteState) -> None:
    """A saksmappe. Every mappe needs avsluttetDato in arkivstruktur.xsd, so every case in an
    extract is closed ("Avsluttet", at its last registration); the agreement's own status
    ("Gjeldende", "Avsluttet" …) is not a case status and goes into a merknad."""
    versions = _agreement_versions(a)
    last = versions[-1] if versions else None
    screening = screening_for(a.restricted, a.restriction_basis, "tittel", "partNavn")
    year, sequence = case_numbers(a.reference, as_utc(a.created_at).year)
    state.use_case_number(year, sequence)
    closed_at = latest(a.created_at, *(v.recorded_at for v in versions))
    closed_by = last.recorded_by if last else a.created_by
    notes = [Note(f"Avtalens status: {a.status.strip()}", "Avtalestatus", closed_at, closed_by)] \
        if a.status.strip() else []
    public_title = safe_public_title(a.title, a.public_title, a.restricted)
    case = JournalCase(a.reference, str(year), str(sequence), required(a.title, UNKNOWN),
                       public_title, required(creator, UNKNOWN), required(a.created_by, UNKNOWN),
                       a.restriction_basis or "Ikke oppgitt" if a.restricted else None)
    with folder_unit(
        x,
        state,
        xsi_type="saksmappe",
        system_id=record_system_id(a.id),
        folder_id=a.reference,
        title=a.title,
        public_title=public_title,
        created_at=a.created_at,
        created_by=a.created_by,
        closed_at=closed_at,
        closed_by=closed_by,
        parties=[(name, "Avtalepart") for name in a.parties],
        notes=notes,
        screening=screening,
    ):
        for v in versions:
            _write_agreement_version(x, a, v, case, state)
        x.leaf("saksaar", year)
        x.leaf("sakssekvensnummer", sequence)
        x.leaf("saksdato", fmt_date(a.created_at))
        x.leaf("administrativEnhet", case.unit)
        x.leaf("saksansvarlig", case.responsible)
        x.leaf("saksstatus", CLOSED["saksstatus"])
    state.bump("agreements")


def _validity(v: ExportRecordVersion) -> str | None:
    if v.valid_from is None and v.valid_to is None:
        return None
    start = v.valid_from.isoformat() if v.valid_from else "…"
    end = v.valid_to.isoformat() if v.valid_to else "…"
    return f"Gyldig fra {start} til {end}"


def version_note(v: ExportRecordVersion) -> tuple[Note, ...]:
    # The domain event and the user's reason are the version's audit trail: keep both.
    if not v.reason and not v.event_type:
        return ()
    text = v.reason or v.event_type
    note = Note(f"Versjon {v.version}: {text}", v.event_type or None, v.recorded_at,
                 v.recorded_by)
    return (note,)


def _write_agreement_version(
    x: XmlWriter, a: ExportAgreement, v: ExportRecordVersion, case: JournalCase, state: WriteState
) -> None:
    document = Document(
        system_id=derived_id("dokumentbeskrivelse", a.id, v.version),
        doc_type="Avtale",
        title=v.title,
        created_at=v.recorded_at,
        created_by=v.recorded_by,
        objects=(DocObject(derived_id("dokumentobjekt", a.id, v.version), v.version, v.text,
                            v.recorded_at, v.recorded_by, a.id, v.version),),
    )
    reg = Registration(
        system_id=version_system_id(a.id, v.version),
        created_at=v.recorded_at,
        created_by=v.recorded_by,
        title=v.title,
        public_title=safe_public_title(v.title, a.public_title, a.restricted),
        registration_id=f"{a.reference}-{v.version}",
        description=_validity(v),
        documents=(document,),
        notes=version_note(v),
        # An internal document: the user who registered the version is its internal sender.
        correspondents=(Correspondent("Intern avsender", v.recorded_by),),
        screening=screening_for(a.restricted, a.restriction_basis, "tittel"),
    )
    with registration_unit(x, reg, "journalpost", state):
        journal_fields(
            x,
            state,
            reg,
            case,
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


def write_meeting(x: XmlWriter, m: ExportMeeting, state: WriteState) -> None:
    created_at = m.created_at or m.start
    if created_at is None:
        raise ValueError(f"meeting {m.reference} has neither a date nor a registration time")
    present, absent = _participants(m)
    notes = [
        Note(f"Forfall: {name} ({role})" if role else f"Forfall: {name}", "Forfall", created_at,
              m.created_by)
        for name, role in absent
    ]
    if m.start is None:
        # moetedato is mandatory in a moetemappe, and no date is invented: an undated meeting
        # is a plain mappe (its items keep their moeteregistrering type) and says why.
        notes.append(Note(UNDATED_MEETING_NOTE, "Merknad", created_at, m.created_by))
    screening = screening_for(m.restricted, m.restriction_basis, "tittel")
    with folder_unit(
        x,
        state,
        xsi_type="moetemappe" if m.start is not None else None,
        system_id=record_system_id(m.id),
        folder_id=m.reference,
        title=m.title,
        public_title=safe_public_title(m.title, m.public_title, m.restricted),
        created_at=created_at,
        created_by=m.created_by,
        closed_at=latest(created_at, m.end or m.start),
        closed_by=m.created_by,
        notes=notes,
        screening=screening,
    ):
        for index, (number, title, decision) in enumerate(m.agenda_items):
            _write_agenda_item(x, m, index, number, title, decision, created_at, state)
        if m.minutes_text is not None and m.minutes_text.strip():
            _write_minutes(x, m, created_at, state)
        if m.start is None:
            state.bump("meetings")
            return
        x.leaf("moetenummer", required(m.reference, UNKNOWN))
        x.leaf("utvalg", required(m.organiser, UNKNOWN))
        x.leaf("moetedato", fmt_date(m.start))
        state.saw(m.start)
        x.opt("moetested", m.place)
        for name, role in present:
            with x.node("moetedeltaker"):
                x.leaf("moetedeltakerNavn", required(name, UNKNOWN))
                x.opt("moetedeltakerFunksjon", role)
    state.bump("meetings")


def _meeting_registration_fields(x: XmlWriter, m: ExportMeeting, kind: str) -> None:
    x.leaf("moeteregistreringstype", kind)
    x.leaf("administrativEnhet", required(m.organiser, UNKNOWN))
    x.leaf("saksbehandler", required(m.created_by, UNKNOWN))


def _write_agenda_item(
    x: XmlWriter,
    m: ExportMeeting,
    index: int,
    number: str,
    title: str,
    decision: str | None,
    created_at: datetime,
    state: WriteState,
) -> None:
    full_title = f"{number} {title}".strip()
    documents: tuple[Document, ...] = ()
    if decision is not None and decision.strip():
        doc_id = derived_id("agenda", m.id, index)
        text = f"Sak {number}: {title}\n\nVedtak:\n{decision}\n"
        documents = (
            Document(derived_id("dokumentbeskrivelse", doc_id), "Vedtak", f"Vedtak i sak {number}",
                      created_at, m.created_by,
                      (DocObject(derived_id("dokumentobjekt", doc_id), 1, text, created_at,
                                  m.created_by, m.id),)),
        )
    reg = Registration(
        system_id=derived_id("agenda", m.id, index),
        created_at=created_at,
        created_by=m.created_by,
        title=full_title,
        public_title=safe_public_title(full_title, None, m.restricted),
        registration_id=number,
        documents=documents,
        screening=screening_for(m.restricted, m.restriction_basis, "tittel"),
    )
    with registration_unit(x, reg, "moeteregistrering", state):
        _meeting_registration_fields(x, m, "Vedtak" if documents else "Saksframlegg")


def _write_minutes(x: XmlWriter, m: ExportMeeting, created_at: datetime, state: WriteState) -> None:
    title = f"Møteprotokoll – {m.title}"
    doc = Document(
        derived_id("dokumentbeskrivelse", m.id, "minutes"), "Møteprotokoll", title, created_at,
        m.created_by,
        (DocObject(derived_id("dokumentobjekt", m.id, "minutes"), 1, m.minutes_text or "",
                    created_at, m.created_by, m.id),),
    )
    public = m.public_title if not m.restricted else None
    reg = Registration(
        system_id=derived_id("minutes", m.id),
        created_at=created_at,
        created_by=m.created_by,
        title=title,
        public_title=safe_public_title(title, f"Møteprotokoll – {public}" if public else None,
                                   m.restricted),
        registration_id=f"{m.reference}-protokoll",
        documents=(doc,),
        screening=screening_for(m.restricted, m.restriction_basis, "tittel"),
    )
    with registration_unit(x, reg, "moeteregistrering", state):
        _meeting_registration_fields(x, m, "Møteprotokoll")


def _news_versions(n: ExportNews) -> Sequence[ExportRecordVersion]:
    if n.versions:
        return sorted(n.versions, key=lambda v: v.version)
    # Older items without history still get their current text archived as version 1.
    return [ExportRecordVersion(1, n.title, n.body, n.created_at, n.created_by, "created")]


def write_news(x: XmlWriter, n: ExportNews, case: JournalCase, state: WriteState) -> None:
    versions = _news_versions(n)
    objects = tuple(
        DocObject(version_system_id(n.id, v.version), v.version, v.text, v.recorded_at,
                   v.recorded_by, n.id, v.version if n.versions else None)
        for v in versions
    )
    document = Document(derived_id("dokumentbeskrivelse", n.id), "Nyhetssak", n.title, n.created_at,
                         n.created_by, objects)
    notes = tuple(note for v in versions if v.reason for note in version_note(v))
    reg = Registration(
        system_id=record_system_id(n.id),
        created_at=n.created_at,
        created_by=n.created_by,
        title=n.title,
        public_title=safe_public_title(n.title, n.public_title, n.restricted),
        registration_id=n.reference,
        description=n.lede,
        documents=(document,),
        notes=notes,
        # A published news item is sent out, to the public at large.
        correspondents=(Correspondent("Mottaker", PUBLIC_RECIPIENT),),
        screening=screening_for(n.restricted, n.restriction_basis, "tittel", "beskrivelse"),
    )
    sent = n.published_at if isinstance(n.published_at, datetime) else None
    with registration_unit(x, reg, "journalpost", state):
        journal_fields(
            x,
            state,
            reg,
            case,
            number_in_case=1,
            post_type="Utgående dokument",
            document_date=n.published_at,
            sent=sent,
        )
    if n.published_at is not None:  # an undated article has no dokumentetsDato and no date span
        state.saw(n.published_at)
    state.bump("news")


def statement_title(s: ExportStatement) -> str:
    """'Uttalelse fra Roger Ryberg (Ap), fylkesordfører'."""
    who = s.speaker_name.strip() or UNKNOWN
    if s.party:
        who += f" ({s.party})"
    if s.speaker_role:
        who += f", {s.speaker_role}"
    return f"Uttalelse fra {who}"


def write_statement(x: XmlWriter, s: ExportStatement, case: JournalCase, state: WriteState) -> None:
    title = statement_title(s)
    document = Document(
        derived_id("dokumentbeskrivelse", s.id), "Uttalelse", title, s.created_at, s.created_by,
        (DocObject(version_system_id(s.id, 1), 1, s.text, s.created_at, s.created_by, s.id),),
    )
    refs: list[tuple[str, str]] = []
    if s.news_id:
        refs.append(("referanseTilRegistrering", record_system_id(s.news_id)))
    if s.meeting_id:
        refs.append(("referanseTilMappe", record_system_id(s.meeting_id)))
    parts = [Correspondent("Avsender", s.speaker_name)]
    if s.organisation:
        parts.append(Correspondent("Avsender", s.organisation, s.speaker_name))
    reg = Registration(
        system_id=record_system_id(s.id),
        created_at=s.created_at,
        created_by=s.created_by,
        title=title,
        public_title=safe_public_title(title, s.public_title, s.restricted),
        registration_id=s.reference,
        authors=(s.speaker_name,),
        documents=(document,),
        cross_refs=tuple(refs),
        correspondents=tuple(parts),
        screening=screening_for(s.restricted, s.restriction_basis, "tittel",
                             "korrespondansepartNavn"),
    )
    with registration_unit(x, reg, "journalpost", state):
        journal_fields(
            x,
            state,
            reg,
            case,
            number_in_case=1,
            # Received from the speaker (the Avsender), as quoted or minuted.
            post_type="Inngående dokument",
            document_date=s.said_at,
        )
    if s.said_at is not None:
        state.saw(s.said_at)
    state.bump("statements")



def record_dates(record: ExportAgreement | ExportMeeting | ExportNews | ExportStatement
                 ) -> list[date | datetime]:
    """Every date the package states for a record (its folder, registrations, documents)."""
    found: list[date | datetime | None] = [record.created_at]
    if isinstance(record, ExportAgreement):
        found += [d for v in record.versions for d in (v.recorded_at, v.valid_from)]
    elif isinstance(record, ExportMeeting):
        found += [record.start, record.end]
    elif isinstance(record, ExportNews):
        found += [record.published_at, *(v.recorded_at for v in record.versions)]
    else:
        found.append(record.said_at)
    return [d for d in found if d is not None]


def within(value: date | datetime, start: date | None, end: date | None) -> bool:
    """Whether a stated date falls in [start, end], read both as written (the local calendar
    date of an xs:date) and in UTC (the date of an xs:dateTime)."""
    days = {value.date(), as_utc(value).date()} if isinstance(value, datetime) else {value}
    return all((start is None or day >= start) and (end is None or day <= end) for day in days)
