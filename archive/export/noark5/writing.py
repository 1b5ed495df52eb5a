"""write_package: arkivstruktur.xml, endringslogg.xml, arkivuttrekk.xml, documents and schemas."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from lxml import etree

from archive.export import addml
from archive.export.model import ExportArchive, ExportChange
from archive.export.noark5.codes import noark_element
from archive.export.noark5.evidence import DocumentEntry, LedgerEvidence, write_evidence
from archive.export.noark5.ids import (
    ADDML_SCHEMA,
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    EMPTY_VALUE,
    ENDRINGSLOGG,
    JOURNALS,
    NOARK_SCHEMAS,
    NOT_CHANGES,
    NS_ENDRINGSLOGG,
    NS_XSI,
    UNKNOWN,
    record_system_id,
    version_system_id,
)
from archive.export.noark5.journals import JournalWriter
from archive.export.noark5.spool import PackageFile, PackageFiles, PackageReport, Spool
from archive.export.noark5.state import ProgressCallback, WriteState, XmlWriter, resolve_deferred
from archive.export.noark5.structure import end_with_newline, period_values, write_arkivstruktur
from archive.export.noark5.values import fmt_date, fmt_datetime, peek, required, sha256_file

T = TypeVar("T")


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
    first, real = peek(c for c in changes if c.kind.strip().lower() not in NOT_CHANGES)
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
                    x.leaf("referanseMetadata", noark_element(change.field))
                    x.leaf("endretDato", fmt_datetime(change.changed_at))
                    state.saw(change.changed_at)
                    x.leaf("endretAv", required(change.changed_by, UNKNOWN))
                    x.leaf("tidligereVerdi", _value(change.old_value))
                    x.leaf("nyVerdi", _value(change.new_value))
                state.bump("endring")
                state.record_done()
    end_with_newline(path)
    return True


def _report_outside(archive: ExportArchive, start: date, end: date, state: WriteState,
                    warnings: list[str]) -> None:
    """A period asked for must hold every date; the selection (from_archive) sees to that."""
    first, last = state.dates.first, state.dates.last
    if archive.period_from is None and archive.period_to is None or first is None or last is None:
        return
    if first.date() < start or last.date() > end:
        warnings.append(f"dates from {fmt_date(first)} to {fmt_date(last)} fall outside the "
                        f"archival period {fmt_date(start)}–{fmt_date(end)}")


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
    ledger: LedgerEvidence | None = None,
) -> PackageReport:
    """Write a complete arkivuttrekk into ``out_dir`` (which must be empty or absent).

    ``schema_dir``: the shared schemas root or the Noark 5 v5.0 folder; None skips copying the
    schemas (the package is then incomplete, and the report says so). ``progress`` receives
    the running number of records and changes written.

    Memory stays flat with the size of the archive: records are streamed, and what must be
    remembered until the end (file entries, unit ids for the endringslogg check) is spooled
    to a temporary SQLite file; ``report.files`` reads it back lazily (``report.close()``
    removes it early, otherwise it goes when the report is garbage collected).

    ``ledger``: where the checkpoint and inclusion proofs come from; with it the package
    carries ledger/ (see evidence.py), listed with checksums in arkivuttrekk.xml.
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
        creator = required(archive.creator, UNKNOWN)
        journals = JournalWriter(out_dir, required(archive.creator_id, creator), creator)
        state.journals = journals
        try:
            write_arkivstruktur(archive, out_dir / ARKIVSTRUKTUR, state)
        finally:
            journals.close()
            state.journals = None
        has_log = _write_endringslogg(archive.changes, out_dir / ENDRINGSLOGG, state,
                                      report.warnings)
        start, end, values = period_values(archive, state)
        resolve_deferred(out_dir / ARKIVSTRUKTUR, {**values, **state.deferred})
        has_journals = state.counts.get("journalregistrering", 0) > 0
        for name in JOURNALS:
            if has_journals:
                # The journals' own schema wants at least one journalregistrering.
                end_with_newline(out_dir / name)
                resolve_deferred(out_dir / name, {**JournalWriter.head_values(state),
                                                  **state.deferred})
            else:
                (out_dir / name).unlink()
        _report_outside(archive, start, end, state, report.warnings)
        noark_dir, addml_dir = _schema_dirs(schema_dir, addml_schema_dir)
        _copy_schemas(noark_dir, addml_dir, out_dir)
        if noark_dir is None:
            report.warnings.append("no schema_dir given: the official schemas were not copied")

        for key in ("mappe", "registrering", "dokumentbeskrivelse", "dokumentobjekt", "endring",
                    "journalregistrering"):
            state.counts.setdefault(key, 0)
        xml_files = [ARKIVSTRUKTUR] + ([ENDRINGSLOGG] if has_log else []) + \
            (list(JOURNALS) if has_journals else [])
        schemas = [n for n in (*NOARK_SCHEMAS, ADDML_SCHEMA) if (out_dir / n).exists()]
        ledger_files: list[str] = []
        if ledger is not None:
            documents = (DocumentEntry(*row) for row in spool.documents())
            report.evidence = write_evidence(out_dir, ledger, documents, report.warnings)
            ledger_files = report.evidence.files
        described = {name: _package_file(out_dir, name) for name in xml_files + schemas + ledger_files}
        # arkivuttrekk.xml describes the XML files and schemas only (a fixed handful, not one
        # entry per document), so it stays small whatever the size of the archive.
        addml.write_addml(
            out_dir / ARKIVUTTREKK,
            addml.AddmlInput(
                archive_name=required(archive.name, UNKNOWN),
                creator=creator,
                system_name=required(archive.system_name, UNKNOWN),
                exported_at=fmt_datetime(archive.exported_at),
                period_from=fmt_date(start),
                period_to=fmt_date(end),
                files={name: (f.sha256, f.size) for name, f in described.items()},
                has_change_log=has_log,
                has_journals=has_journals,
                counts=dict(state.counts),
                contains_restricted=state.restricted,
                ledger_files=ledger_files,
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

