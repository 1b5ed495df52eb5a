"""arkivstruktur.xml: arkiv -> arkivdel -> the records' folders and the two container cases.

Dates tell one story (see the package docstring): the arkiv and arkivdel open at the start of
the archival period and close at its end, the period covers every date the package states,
and each container case opens with its first and closes with its last date. As these are
only known once every record has been streamed, they are written as deferred values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TypeVar

from lxml import etree

from archive.export.model import ExportArchive
from archive.export.noark5.codes import CLOSED
from archive.export.noark5.ids import ARCHIVIST, NS_ARKIVSTRUKTUR, NS_XSI, UNKNOWN, derived_id
from archive.export.noark5.journals import JournalCase
from archive.export.noark5.records import write_agreement, write_meeting, write_news, write_statement
from archive.export.noark5.state import Deferred, Span, WriteState, XmlWriter
from archive.export.noark5.units import folder_unit
from archive.export.noark5.values import fmt_date, fmt_datetime, peek, required

T = TypeVar("T")
PERIOD_START, PERIOD_END = "period.start", "period.end"
OPENED, CLOSED_AT = "period.opened", "period.closed"


def period_values(archive: ExportArchive, state: WriteState) -> tuple[date, date, dict[str, str]]:
    """The archival period: the one asked for, else the first and last date the package states.

    The arkiv and arkivdel are created at the period's first instant and closed at its last,
    so neither is created after its own children nor closed before them.
    """
    seen_first = state.dates.first.date() if state.dates.first else None
    seen_last = state.dates.last.date() if state.dates.last else None
    today = archive.exported_at.date()
    start = archive.period_from or seen_first or today
    end = archive.period_to or seen_last or start
    opened = datetime.combine(start, time(0), tzinfo=UTC)
    closed = datetime.combine(end, time(23, 59, 59), tzinfo=UTC) if archive.period_to \
        else (state.dates.last or opened)
    return start, end, {PERIOD_START: fmt_date(start), PERIOD_END: fmt_date(end),
                        OPENED: fmt_datetime(opened), CLOSED_AT: fmt_datetime(max(opened, closed))}


def _write_container(
    x: XmlWriter,
    state: WriteState,
    archive: ExportArchive,
    key: str,
    title: str,
    items: Iterable[T],
    write: Callable[[XmlWriter, T, JournalCase, WriteState], None],
) -> None:
    """A saksmappe grouping journalposts that have no case of their own (news, statements).

    It is a case so that its journalposts appear in the journals under a case number; that
    number is the next free one in the year of its first date (after every agreement's).
    """
    first, items = peek(items)
    if first is None:
        return  # no empty containers: they would only add noise to the counts
    creator = required(archive.creator, UNKNOWN)
    keys = {name: f"container.{key}.{name}" for name in ("opened", "closed", "year", "sequence")}
    case = JournalCase(title, Deferred(keys["year"]), Deferred(keys["sequence"]), title, title,
                       creator, ARCHIVIST)
    outer, span = state.container, Span()
    state.container = span
    try:
        with folder_unit(
            x, state, xsi_type="saksmappe", system_id=derived_id("container", archive.name, key),
            folder_id=title, title=title, public_title=title,
            created_at=Deferred(keys["opened"]), created_by=ARCHIVIST,
            closed_at=Deferred(keys["closed"]), closed_by=ARCHIVIST,
        ):
            for item in items:
                write(x, item, case, state)
                state.record_done()
            opened = span.first or datetime.combine(archive.exported_at.date(), time(0),
                                                    tzinfo=UTC)
            closed = span.last or opened
            year = opened.year
            sequence = state.next_case_number(year)
            state.deferred.update({keys["opened"]: fmt_datetime(opened),
                                   keys["closed"]: fmt_datetime(closed),
                                   keys["year"]: str(year), keys["sequence"]: str(sequence)})
            x.leaf("saksaar", year)
            x.leaf("sakssekvensnummer", sequence)
            x.leaf("saksdato", fmt_date(opened))
            x.leaf("administrativEnhet", creator)
            x.leaf("saksansvarlig", ARCHIVIST)
            x.leaf("saksstatus", CLOSED["saksstatus"])
    finally:
        state.container = outer


def end_with_newline(path: Path) -> None:
    # lxml's incremental writer cannot write after the root closes; POSIX tools like a final
    # newline, so it is appended afterwards.
    with path.open("ab") as handle:
        handle.write(b"\n")


def write_arkivstruktur(archive: ExportArchive, path: Path, state: WriteState) -> None:
    creator = required(archive.creator, UNKNOWN)
    schema_location = f"{NS_ARKIVSTRUKTUR} arkivstruktur.xsd"
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        x = XmlWriter(xf, NS_ARKIVSTRUKTUR)
        with x.node("arkiv", nsmap={None: NS_ARKIVSTRUKTUR, "xsi": NS_XSI},
                    attrib={f"{{{NS_XSI}}}schemaLocation": schema_location}):
            x.leaf("systemID", derived_id("arkiv", archive.name))
            x.leaf("tittel", required(archive.name, UNKNOWN))
            # arkivstruktur.xsd demands avsluttetDato on arkiv, arkivdel and every mappe: an
            # extract is a closed period, and its statuses say so.
            x.leaf("arkivstatus", CLOSED["arkivstatus"])
            x.leaf("dokumentmedium", "Elektronisk arkiv")
            x.leaf("opprettetDato", Deferred(OPENED))
            x.leaf("opprettetAv", ARCHIVIST)
            x.leaf("avsluttetDato", Deferred(CLOSED_AT))
            x.leaf("avsluttetAv", ARCHIVIST)
            with x.node("arkivskaper"):
                x.leaf("arkivskaperID", required(archive.creator_id, creator))
                x.leaf("arkivskaperNavn", creator)
            with x.node("arkivdel"):
                x.leaf("systemID", derived_id("arkivdel", archive.name))
                x.leaf("tittel", required(archive.name, UNKNOWN))
                x.leaf("arkivdelstatus", CLOSED["arkivdelstatus"])
                x.leaf("dokumentmedium", "Elektronisk arkiv")
                x.leaf("opprettetDato", Deferred(OPENED))
                x.leaf("opprettetAv", ARCHIVIST)
                x.leaf("avsluttetDato", Deferred(CLOSED_AT))
                x.leaf("avsluttetAv", ARCHIVIST)
                x.leaf("arkivperiodeStartDato", Deferred(PERIOD_START))
                x.leaf("arkivperiodeSluttDato", Deferred(PERIOD_END))
                for agreement in archive.agreements:
                    write_agreement(x, agreement, creator, state)
                    state.record_done()
                for meeting in archive.meetings:
                    write_meeting(x, meeting, state)
                    state.record_done()
                _write_container(x, state, archive, "news", "Nyhetssaker", archive.news,
                                 write_news)
                _write_container(x, state, archive, "statements", "Uttalelser",
                                 archive.statements, write_statement)
    end_with_newline(path)
