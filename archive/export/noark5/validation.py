"""validate_package: the package against the unmodified schemas, its checksums, counts and references."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from archive.export import addml
from archive.export.noark5.ids import (
    ADDML_SCHEMA,
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    ENDRINGSLOGG,
    JOURNALS,
    LOEPENDE_JOURNAL,
    NOARK_SCHEMAS,
    OFFENTLIG_JOURNAL,
)
from archive.export.noark5.spool import Spool
from archive.export.noark5.values import sha256_file


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _schema(path: Path, errors: list[str]) -> etree.XMLSchema | None:
    try:
        return etree.XMLSchema(etree.parse(str(path)))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        errors.append(f"{path.name}: cannot load schema: {exc}")
        return None


_FREED = frozenset({"mappe", "registrering", "dokumentbeskrivelse", "endring", "dataObject",
                    "journalregistrering"})


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
            parent = elem.getparent()
            if name in _FREED and parent is not None:
                elem.clear(keep_tail=True)
                while elem.getprevious() is not None:
                    del parent[0]
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
    out_dir: Path, schema_dir: Path, units: Spool, errors: list[str]
) -> dict[str, int]:
    counts = {"mappe": 0, "registrering": 0, "dokumentbeskrivelse": 0, "dokumentobjekt": 0}
    schema = _schema(schema_dir / "arkivstruktur.xsd", errors)
    if schema is None:
        return counts
    for elem in _iter_valid(out_dir / ARKIVSTRUKTUR, schema, errors,
                            set(counts) | {"systemID"}):
        name = _local(elem.tag)
        if name == "systemID":
            with contextlib.suppress(ValueError):  # the schema check reports malformed ids
                units.add_unit(uuid.UUID((elem.text or "").strip()).bytes)
            continue
        counts[name] += 1
        if name == "dokumentobjekt":
            _check_document(out_dir, elem, errors)
    return counts


def _check_endringslogg(
    out_dir: Path, schema_dir: Path, units: Spool, errors: list[str]
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


def _check_journal(out_dir: Path, schema_dir: Path, name: str, errors: list[str]) -> int | None:
    """Validate one journal against its own schema; the number of journalregistreringer."""
    path = out_dir / name
    if not path.exists():
        return None
    schema = _schema(schema_dir / name.replace(".xml", ".xsd"), errors)
    if schema is None:
        return None
    return sum(1 for _ in _iter_valid(path, schema, errors, {"journalregistrering"}))


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
    units = Spool()
    try:
        counts = _check_arkivstruktur(out_dir, noark_dir, units, errors)
        counts["endring"] = _check_endringslogg(out_dir, noark_dir, units, errors)
        journal_counts = {name: _check_journal(out_dir, noark_dir, name, errors) for name in JOURNALS}
    finally:
        units.close()
    found = {n for n in journal_counts.values() if n is not None}
    if len(found) > 1:
        errors.append(f"{LOEPENDE_JOURNAL} and {OFFENTLIG_JOURNAL} hold different numbers of "
                      f"journalregistreringer: {sorted(found)}")
    if found:
        counts["journalregistrering"] = max(found)
    _check_schema_copies(out_dir, noark_dir, addml_dir, errors)
    addml_schema = _schema(addml_dir / ADDML_SCHEMA, errors)
    if addml_schema is not None:
        errors.extend(addml.check_addml(out_dir, out_dir / ARKIVUTTREKK, addml_schema, counts,
                                        sha256_file))
    return errors
