"""loependeJournal.xml and offentligJournal.xml, written alongside arkivstruktur.xml.

Every journalpost in arkivstruktur.xml gets one journalregistrering in each journal (the
package declares a sharp period separator, "skarpt", both ways, so Arkade's N5.59 expects the
three counts to be equal). The public journal never shows a screened title or name: it carries
offentligTittel and, for screened correspondents, the screened placeholder.

The journal head (start and end date, number of posts) is only known at the end, so it is
written as deferred values (see state.py): journalStartDato/SluttDato are the dates of the
first and last journalpost opprettetDato, which is what N5.60 compares.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from archive.export.noark5.ids import (
    LOEPENDE_JOURNAL,
    NS_LOEPENDE,
    NS_OFFENTLIG,
    NS_XSI,
    OFFENTLIG_JOURNAL,
    SCREENED_TITLE,
)
from archive.export.noark5.state import Deferred, WriteState, XmlWriter
from archive.export.noark5.values import access_code, fmt_date, required

JOURNAL_START, JOURNAL_END, JOURNAL_COUNT = "journal.start", "journal.end", "journal.count"


@dataclass(frozen=True)
class JournalCase:
    """The saksmappe a journalpost belongs to, as the journals show it."""

    folder_id: str
    year: str  # text: a container's number is deferred until its folder closes
    sequence: str
    title: str
    public_title: str
    unit: str
    responsible: str
    basis: str | None = None  # screening basis when the case is screened


@dataclass(frozen=True)
class JournalPost:
    system_id: str
    registration_id: str | None
    year: int
    sequence: int
    number: int
    title: str
    public_title: str
    journal_date: date
    document_date: date | datetime | None
    unit: str
    handler: str
    correspondents: tuple[tuple[str, str], ...]  # (korrespondanseparttype, name)
    basis: str | None = None  # screening basis when the post is screened
    screened_metadata: tuple[str, ...] = ()


class JournalWriter:
    """Both journals, open for the whole arkivstruktur stream."""

    def __init__(self, out_dir: Path, creator_id: str, creator: str) -> None:
        self._stack = ExitStack()
        self._writers: list[tuple[XmlWriter, bool]] = []
        for name, namespace, public in ((LOEPENDE_JOURNAL, NS_LOEPENDE, False),
                                        (OFFENTLIG_JOURNAL, NS_OFFENTLIG, True)):
            xf = self._stack.enter_context(etree.xmlfile(str(out_dir / name), encoding="utf-8"))
            xf.write_declaration()
            x = XmlWriter(xf, namespace)
            root = name.removesuffix(".xml")
            self._stack.enter_context(x.node(
                root, nsmap={None: namespace, "xsi": NS_XSI},
                attrib={f"{{{NS_XSI}}}schemaLocation": f"{namespace} {root}.xsd"}))
            with x.node("journalhode"):
                x.leaf("journalStartDato", Deferred(JOURNAL_START))
                x.leaf("journalSluttDato", Deferred(JOURNAL_END))
                x.leaf("antallJournalposter", Deferred(JOURNAL_COUNT))
                with x.node("arkivskaper"):
                    x.leaf("arkivskaperID", creator_id)
                    x.leaf("arkivskaperNavn", creator)
            self._writers.append((x, public))

    def close(self) -> None:
        self._stack.close()

    def add(self, case: JournalCase, post: JournalPost, state: WriteState) -> None:
        for x, public in self._writers:
            with x.node("journalregistrering"):
                _case(x, case, public)
                _post(x, post, public)
        state.bump("journalregistrering")

    @staticmethod
    def head_values(state: WriteState) -> dict[str, str]:
        first, last = state.journal.first, state.journal.last
        return {JOURNAL_START: fmt_date(first) if first else "",
                JOURNAL_END: fmt_date(last) if last else "",
                JOURNAL_COUNT: str(state.counts.get("journalregistrering", 0))}


def _case(x: XmlWriter, case: JournalCase, public: bool) -> None:
    with x.node("saksmappe"):
        x.leaf("mappeID", case.folder_id)
        x.leaf("saksaar", case.year)
        x.leaf("sakssekvensnummer", case.sequence)
        if not public:
            x.leaf("tittel", case.title)
        x.leaf("offentligTittel", case.public_title)
        if not public and case.basis is not None:
            x.leaf("skjermingMetadata", "tittel")
        x.leaf("administrativEnhet", case.unit)
        x.leaf("saksansvarlig", case.responsible)
        if public and case.basis is not None:
            x.leaf("tilgangsrestriksjon", access_code(case.basis))
            x.leaf("skjermingshjemmel", required(case.basis, "Ikke oppgitt"))


def _post(x: XmlWriter, post: JournalPost, public: bool) -> None:
    with x.node("journalpost"):
        x.leaf("systemID", post.system_id)
        x.opt("registreringsID", post.registration_id)
        x.leaf("journalaar", post.year)
        x.leaf("journalsekvensnummer", post.sequence)
        x.leaf("journalpostnummer", post.number)
        if not public:
            x.leaf("tittel", post.title)
        x.leaf("offentligTittel", post.public_title)
        if post.basis is not None:
            x.leaf("skjermingMetadata", "tittel")
        x.leaf("journaldato", fmt_date(post.journal_date))
        if post.document_date is not None:
            x.leaf("dokumentetsDato", fmt_date(post.document_date))
        x.leaf("administrativEnhet", post.unit)
        x.leaf("saksbehandler", post.handler)
        if post.basis is not None:
            x.leaf("tilgangsrestriksjon", access_code(post.basis))
            x.leaf("skjermingshjemmel", required(post.basis, "Ikke oppgitt"))
        hide_names = public and "korrespondansepartNavn" in post.screened_metadata
        for kind, name in post.correspondents:
            with x.node("korrespondansepart"):
                x.leaf("korrespondanseparttype", kind)
                x.leaf("korrespondansepartNavn", SCREENED_TITLE if hide_names else name)
