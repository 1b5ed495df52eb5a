"""arkivuttrekk.xml: the ADDML 8.3 description of a Noark 5 package.

Follows the layout of Arkivverket's Noark 5 arkivuttrekk template (as read by Arkade): a
dataset whose reference/context names the creator, system and archive, whose content gives the
archival period, and one dataObject "Noark 5-arkivuttrekk" holding a sub-dataObject per XML
file with its checksum, its schemas (with checksums) and numberOfOccurrences counts.

The file is small (one entry per XML file, not per record), so it is built in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS_ADDML = "http://www.arkivverket.no/standarder/addml"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
CHECKSUM_ALGORITHM = "SHA-256"

# Which schemas describe which XML file ("main" first), and which counts go with it.
_DATA_OBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "arkivstruktur": (("arkivstruktur.xsd", "metadatakatalog.xsd"),
                      ("mappe", "registrering", "dokumentbeskrivelse", "dokumentobjekt")),
    "endringslogg": (("endringslogg.xsd", "metadatakatalog.xsd"), ("endring",)),
    "loependeJournal": (("loependeJournal.xsd", "metadatakatalog.xsd"), ("journalregistrering",)),
    "offentligJournal": (("offentligJournal.xsd", "metadatakatalog.xsd"), ("journalregistrering",)),
}
# The period separator (periodeskille) Arkade reads before any test runs. "skarpt": the
# journals hold exactly the journalposts of arkivstruktur.xml, none from before or after.
PERIOD_SEPARATOR = "skarpt"


@dataclass(frozen=True)
class AddmlInput:
    archive_name: str
    creator: str
    system_name: str
    exported_at: str  # xs:dateTime text; the only export-time value in the package
    period_from: str  # xs:date text
    period_to: str
    files: Mapping[str, tuple[str, int]]  # package file name -> (sha256 hex, size)
    has_change_log: bool
    counts: Mapping[str, int]
    contains_restricted: bool
    has_journals: bool = False
    # The ledger evidence (checkpoint, proofs; see noark5/evidence.py), beyond the standard.
    ledger_files: Sequence[str] = ()


def _q(name: str) -> str:
    return f"{{{NS_ADDML}}}{name}"


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str | None) -> etree._Element:
    elem = etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        elem.text = text
    return elem


def _container(parent: etree._Element, name: str) -> etree._Element:
    """The single <properties>/<additionalElements> child, created on first use."""
    found = parent.find(_q(name))
    return found if found is not None else _sub(parent, name)


def _prop(parent: etree._Element, name: str, value: object = None,
          data_type: str | None = None) -> etree._Element:
    prop = _sub(_container(parent, "properties"), "property", name=name, dataType=data_type)
    if value is not None:
        _sub(prop, "value", str(value))
    return prop


def _additional(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
    elem = _sub(_container(parent, "additionalElements"), "additionalElement", name=name)
    if value is not None:
        _sub(elem, "value", value)
    return elem


def _file_props(parent: etree._Element, name: str, sha256: str, file_format: str = "XML",
                version: str | None = "1.0") -> None:
    file_prop = _prop(parent, "file")
    _prop(file_prop, "name", name)
    fmt = _prop(file_prop, "format", file_format)
    if version is not None:
        _prop(fmt, "version", version)
    checksum = _prop(file_prop, "checksum")
    _prop(checksum, "algorithm", CHECKSUM_ALGORITHM)
    _prop(checksum, "value", sha256)


def _data_object(parent: etree._Element, key: str, data: AddmlInput) -> None:
    schemas, counted = _DATA_OBJECTS[key]
    obj = _sub(_container(parent, "dataObjects"), "dataObject", name=key)
    _file_props(obj, f"{key}.xml", data.files[f"{key}.xml"][0])
    for index, schema in enumerate(schemas):
        if schema not in data.files:
            continue  # schemas not copied (no schema_dir): nothing to describe
        entry = _prop(obj, "schema", "main" if index == 0 else None)
        _file_props(entry, schema, data.files[schema][0])
        kind = _prop(entry, "type", "XML Schema")
        _prop(kind, "version", "1.0")
    info = _prop(obj, "info")
    for element in counted:
        occurrences = _prop(info, "numberOfOccurrences", element)
        _prop(occurrences, "elementPath", f"//{element}")
        _prop(occurrences, "value", data.counts.get(element, 0), "integer")


def build_addml(data: AddmlInput) -> etree._ElementTree:
    root = etree.Element(_q("addml"), nsmap={None: NS_ADDML, "xsi": NS_XSI},
                         name="Noark 5-arkivuttrekk")
    root.set(f"{{{NS_XSI}}}schemaLocation", f"{NS_ADDML} addml.xsd")
    dataset = _sub(root, "dataset")
    _sub(dataset, "description", f"Noark 5-arkivuttrekk: {data.archive_name}")
    reference = _sub(dataset, "reference")
    context = _sub(reference, "context")
    creators = _additional(context, "recordCreators")
    _additional(creators, "recordCreator", data.creator)
    _additional(context, "systemType", "Noark 5")
    _additional(context, "systemName", data.system_name)
    _additional(context, "archive", data.archive_name)
    _additional(context, "extractionDate", data.exported_at)
    content = _sub(reference, "content")
    period = _additional(content, "archivalPeriod")
    _prop(period, "startDate", data.period_from)
    _prop(period, "endDate", data.period_to)

    package = _sub(_sub(dataset, "dataObjects"), "dataObject", name="Noark 5-arkivuttrekk")
    info = _prop(package, "info")
    kind = _prop(info, "type", "Noark 5")
    _prop(kind, "version", "5.0")
    extra = _prop(info, "additionalInfo")
    period_separator = _prop(extra, "periode")
    _prop(period_separator, "inngaaendeSkille", PERIOD_SEPARATOR)
    _prop(period_separator, "utgaaendeSkille", PERIOD_SEPARATOR)
    _prop(extra, "inneholderSkjermetInformasjon", str(data.contains_restricted).lower(), "boolean")
    _prop(extra, "omfatterDokumenterSomErKassert", "false", "boolean")
    _prop(extra, "inneholderDokumenterSomSkalKasseres", "false", "boolean")
    _prop(extra, "inneholderVirksomhetsspesifikkeMetadata", "false", "boolean")
    _prop(extra, "antallDokumentfiler", data.counts.get("dokumentobjekt", 0), "integer")
    _data_object(package, "arkivstruktur", data)
    if data.has_change_log:
        _data_object(package, "endringslogg", data)
    if data.has_journals:
        _data_object(package, "loependeJournal", data)
        _data_object(package, "offentligJournal", data)
    if data.ledger_files:
        _ledger_object(package, data)
    return etree.ElementTree(root)


def _ledger_object(parent: etree._Element, data: AddmlInput) -> None:
    """The ledger evidence: a checkpoint, proofs and their description, each with its checksum."""
    obj = _sub(_container(parent, "dataObjects"), "dataObject", name="ledger")
    for name in data.ledger_files:
        kind = "JSON Lines" if name.endswith(".jsonl") else "Text"
        _file_props(obj, name, data.files[name][0], kind, None)
    info = _prop(obj, "info")
    _prop(info, "description", "Signert sjekkpunkt (C2SP tlog-checkpoint, Ed25519) og "
          "inklusjonsbevis (RFC 9162) for hver dokumentfil; se ledger/LESMEG.txt")


def write_addml(path: Path, data: AddmlInput) -> None:
    build_addml(data).write(str(path), encoding="utf-8", xml_declaration=True,
                            pretty_print=True)


# --------------------------------------------------------------------------- checking


def _props_of(prop: etree._Element) -> list[etree._Element]:
    holder = prop.find(_q("properties"))
    return [] if holder is None else holder.findall(_q("property"))


def _value_of(prop: etree._Element) -> str:
    return (prop.findtext(_q("value")) or "").strip()


def _named(prop: etree._Element, name: str) -> etree._Element | None:
    return next((p for p in _props_of(prop) if p.get("name") == name), None)


def check_addml(
    out_dir: Path,
    path: Path,
    schema: etree.XMLSchema,
    counts: Mapping[str, int],
    sha256_file: Callable[[Path], str],
) -> list[str]:
    """Schema errors, checksum mismatches and count mismatches in arkivuttrekk.xml."""
    name = path.name
    try:
        tree = etree.parse(str(path))
    except (OSError, etree.XMLSyntaxError) as exc:
        return [f"{name}: {exc}"]
    if not schema.validate(tree):
        return [f"{name}: line {e.line}: {e.message}" for e in schema.error_log]
    errors: list[str] = []
    for prop in tree.iter(_q("property")):
        if prop.get("name") == "file":
            errors.extend(_check_file(out_dir, prop, name, sha256_file))
        elif prop.get("name") == "numberOfOccurrences":
            element, value = _value_of(prop), _named(prop, "value")
            stated = _value_of(value) if value is not None else ""
            if element in counts and stated != str(counts[element]):
                errors.append(f"{name}: numberOfOccurrences {element} says {stated}, "
                              f"found {counts[element]}")
        elif prop.get("name") == "antallDokumentfiler" and _value_of(prop) != str(counts.get("dokumentobjekt", 0)):
            errors.append(f"{name}: antallDokumentfiler says {_value_of(prop)}, "
                          f"found {counts.get('dokumentobjekt', 0)}")
    return errors


def _check_file(out_dir: Path, prop: etree._Element, name: str,
                sha256_file: Callable[[Path], str]) -> list[str]:
    file_name_prop = _named(prop, "name")
    checksum = _named(prop, "checksum")
    if file_name_prop is None or checksum is None:
        return [f"{name}: a file property lacks name or checksum"]
    file_name = _value_of(file_name_prop)
    value = _named(checksum, "value")
    target = out_dir / file_name
    if not target.is_file():
        return [f"{name}: lists {file_name}, which is not in the package"]
    if value is None or _value_of(value).lower() != sha256_file(target):
        return [f"{name}: checksum mismatch for {file_name}"]
    return []
