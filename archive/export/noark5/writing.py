"""write_package: arkivstruktur.xml, endringslogg.xml, arkivuttrekk.xml, documents and schemas."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import TypeVar

from lxml import etree

from archive.export import addml
from archive.export.model import ExportArchive, ExportChange
from archive.export.noark5.ids import (
    ADDML_SCHEMA,
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    EMPTY_VALUE,
    ENDRINGSLOGG,
    FIELD_TO_NOARK,
    NOARK_SCHEMAS,
    NOT_CHANGES,
    NS_ARKIVSTRUKTUR,
    NS_ENDRINGSLOGG,
    NS_XSI,
    UNKNOWN,
    derived_id,
    record_system_id,
    version_system_id,
)
from archive.export.noark5.records import write_agreement, write_meeting, write_news, write_statement
from archive.export.noark5.spool import PackageFile, PackageFiles, PackageReport, Spool
from archive.export.noark5.units import ProgressCallback, WriteState, XmlWriter, folder_unit
from archive.export.noark5.values import as_utc, fmt_date, fmt_datetime, peek, required, sha256_file

T = TypeVar("T")


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
              if archive.period_from else as_utc(archive.exported_at))
    closed = (datetime.combine(archive.period_to, time(23, 59, 59), tzinfo=timezone.utc)
              if archive.period_to else as_utc(archive.exported_at))
    return _Frame(opened, max(opened, closed), required(archive.system_name, UNKNOWN))


def _write_container(
    x: XmlWriter,
    state: WriteState,
    archive: ExportArchive,
    frame: _Frame,
    key: str,
    title: str,
    items: Iterable[T],
    write: Callable[[XmlWriter, T, WriteState], None],
) -> None:
    """A plain mappe grouping registrations that have no folder of their own."""
    first, items = peek(items)
    if first is None:
        return  # no empty containers: they would only add noise to the counts
    system_id = derived_id("container", archive.name, key)
    with folder_unit(
        x, state, system_id=system_id, folder_id=title, title=title, public_title=title,
        created_at=frame.opened, created_by=frame.closed_by, closed_at=frame.closed,
        closed_by=frame.closed_by,
    ):
        for item in items:
            write(x, item, state)
            state.record_done()


def end_with_newline(path: Path) -> None:
    # lxml's incremental writer cannot write after the root closes; POSIX tools like a final
    # newline, so it is appended afterwards.
    with path.open("ab") as handle:
        handle.write(b"\n")


def _write_arkivstruktur(archive: ExportArchive, path: Path, state: WriteState) -> None:
    frame = _frame(archive)
    creator = required(archive.creator, UNKNOWN)
    schema_location = f"{NS_ARKIVSTRUKTUR} arkivstruktur.xsd"
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        x = XmlWriter(xf, NS_ARKIVSTRUKTUR)
        with x.node("arkiv", nsmap={None: NS_ARKIVSTRUKTUR, "xsi": NS_XSI},
                    attrib={f"{{{NS_XSI}}}schemaLocation": schema_location}):
            x.leaf("systemID", derived_id("arkiv", archive.name))
            x.leaf("tittel", required(archive.name, UNKNOWN))
            x.leaf("arkivstatus", "Avsluttet" if archive.period_to else "Opprettet")
            x.leaf("dokumentmedium", "Elektronisk arkiv")
            x.leaf("opprettetDato", fmt_datetime(frame.opened))
            x.leaf("opprettetAv", frame.closed_by)
            x.leaf("avsluttetDato", fmt_datetime(frame.closed))
            x.leaf("avsluttetAv", frame.closed_by)
            with x.node("arkivskaper"):
                x.leaf("arkivskaperID", required(archive.creator_id, creator))
                x.leaf("arkivskaperNavn", creator)
            with x.node("arkivdel"):
                x.leaf("systemID", derived_id("arkivdel", archive.name))
                x.leaf("tittel", required(archive.name, UNKNOWN))
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
                    write_agreement(x, agreement, creator, state)
                    state.record_done()
                for meeting in archive.meetings:
                    write_meeting(x, meeting, state)
                    state.record_done()
                _write_container(x, state, archive, frame, "news", "Nyhetssaker",
                                 archive.news, write_news)
                _write_container(x, state, archive, frame, "statements", "Uttalelser",
                                 archive.statements, write_statement)
    end_with_newline(path)


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
    return required(value, EMPTY_VALUE)


def _write_endringslogg(
    changes: Iterable[ExportChange], path: Path, state: WriteState, warnings: list[str]
) -> bool:
    """Write the change log; False (and no file) when there is nothing to log."""
    real = (c for c in changes if c.kind.strip().lower() not in NOT_CHANGES)
    first, real = peek(real)
    if first is None:
        return False
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        x = XmlWriter(xf, NS_ENDRINGSLOGG)
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
                    x.leaf("endretAv", required(change.changed_by, UNKNOWN))
                    x.leaf("tidligereVerdi", _value(change.old_value))
                    x.leaf("nyVerdi", _value(change.new_value))
                state.bump("endring")
                state.record_done()
    end_with_newline(path)
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
    spool = Spool()
    try:
        state = WriteState(out_dir, progress, spool)
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

