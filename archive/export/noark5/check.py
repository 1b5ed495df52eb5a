"""check_package: what Arkade 5 computes from a Noark 5 package, run in-process before delivery.

Every check reads the package as delivered (any extract, not only ours), streaming the large
files, and reports per test id: ``error`` (Arkade would fail it or an archivist would refuse
it), ``info`` (a figure Arkade reports) or ``pass``. N5.59 and N5.60 follow Arkade's tests of
those numbers (journal counts and dates under the declared period separator); the others
bundle the package-level rules its N5 tests and the schemas check.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lxml import etree

from archive.export.addml import NS_ADDML
from archive.export.noark5.codes import CLOSED, CODE_LISTS
from archive.export.noark5.ids import (
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    DOCUMENT_DIR,
    ENDRINGSLOGG,
    LOEPENDE_JOURNAL,
    NS_XSI,
    OFFENTLIG_JOURNAL,
)
from archive.export.noark5.spool import Spool
from archive.export.noark5.validation import validate_package
from archive.values import stored_instant

TESTS: dict[str, str] = {
    "XSD": "XML-filene mot de uendrede skjemaene; sjekksummer og antall i arkivuttrekk.xml",
    "PERIODESKILLE": "additionalInfo/periode: inngående og utgående skille (skarpt/mykt)",
    "DOKUMENTFILER": "dokumentfiler finnes, har oppgitt sjekksum og størrelse, og alle er referert",
    "SYSTEMID": "systemID er unik i arkivstrukturen",
    "KODER": "kodede verdier er fra Noark 5-kodelistene",
    "DATOER": "datoer innenfor arkivperioden; opprettet før barna; avsluttet etter opprettet",
    "STATUS": "avsluttet status hvis og bare hvis avsluttetDato",
    "KORRESPONDANSEPART": "utgående journalposter har mottaker, inngående har avsender",
    "TOMME": "ingen tomme elementer",
    "ENDRINGSLOGG": "referanseMetadata er navn fra metadatakatalogen; endretDato i perioden",
    "N5.59": "antall journalposter i arkivstrukturen, løpende og offentlig journal",
    "N5.60": "start- og sluttdato for journalposter i arkivstrukturen og journalene",
    "LOGGBEVIS": "utover standarden: signert sjekkpunkt og inklusjonsbevis for hver dokumentfil (ledger/)",
}
_UNITS = frozenset({"arkiv", "arkivdel", "mappe", "registrering", "dokumentbeskrivelse",
                    "dokumentobjekt"})
_XSI_TYPE = f"{{{NS_XSI}}}type"
_MAX_PER_TEST = 20  # findings listed per test; the rest are counted


@dataclass
class Finding:
    test: str
    status: str  # "error" | "info" | "pass"
    message: str


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def add(self, test: str, status: str, message: str) -> None:
        if status == "error":
            self._counts[test] = self._counts.get(test, 0) + 1
            if self._counts[test] > _MAX_PER_TEST:
                return
        self.findings.append(Finding(test, status, message))

    def errors(self, test: str | None = None) -> int:
        return sum(n for t, n in self._counts.items() if test is None or t == test)

    def lines(self) -> Iterator[str]:
        for test, title in TESTS.items():
            mine = [f for f in self.findings if f.test == test]
            status = "error" if self.errors(test) else "pass"
            yield f"{test:<19} {status:<5}  {title}"
            for finding in mine:
                yield f"  {finding.status}: {finding.message}"
            hidden = self.errors(test) - _MAX_PER_TEST
            if hidden > 0:
                yield f"  error: … and {hidden} more"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(elem: etree._Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _catalogue_names(noark_dir: Path) -> frozenset[str]:
    """Every metadata element name the schemas define (arkivstruktur + metadatakatalog)."""
    names: set[str] = set()
    for xsd in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
        tree = etree.parse(str(noark_dir / xsd))
        for e in tree.iter("{http://www.w3.org/2001/XMLSchema}*"):
            name = e.get("name")
            if name and _local(e.tag) in {"element", "simpleType"}:
                names.add(name)
    return frozenset(names)


@dataclass
class _Structure:
    period: tuple[str, str] | None = None
    journalposts: int = 0
    first_post: str | None = None
    last_post: str | None = None
    references: set[str] = field(default_factory=set)


def _scan_arkivstruktur(out_dir: Path, report: CheckReport, ids: Spool) -> _Structure:
    found = _Structure()
    created: list[tuple[str, str | None]] = []  # the open units and their opprettetDato
    path = out_dir / ARKIVSTRUKTUR
    try:
        events = etree.iterparse(str(path), events=("start", "end"), huge_tree=True)
        for event, elem in events:
            name = _local(elem.tag)
            if event == "start":
                if name in _UNITS:
                    created.append((name, None))
                continue
            text = (elem.text or "").strip()
            if len(elem) == 0 and not text:
                report.add("TOMME", "error", f"tomt element <{name}> (linje {elem.sourceline})")
            if name in CODE_LISTS and text and text not in CODE_LISTS[name]:
                report.add("KODER", "error", f"{name} «{text}» er ikke i Noark 5-kodelisten")
            parent = elem.getparent()
            if name == "systemID" and parent is not None and _local(parent.tag) in _UNITS:
                _unique(text, ids, report)
            if name in {"arkivperiodeStartDato", "arkivperiodeSluttDato"}:
                start, end = found.period or ("", "")
                found.period = (text, end) if name.endswith("StartDato") else (start, text)
            elif name.lower().endswith("dato") and text:
                _date_in_period(name, text, found.period, report)
            if name == "opprettetDato" and created:
                _created_after_parent(created, text, report)
            if name == "referanseDokumentfil":
                found.references.add(text)
            if name in _UNITS:
                created.pop()
                _closed(elem, name, report)
                if name == "registrering" and elem.get(_XSI_TYPE) == "journalpost":
                    _journalpost(elem, found, report)
                if name in {"registrering", "mappe"}:
                    elem.clear(keep_tail=True)
    except (OSError, etree.XMLSyntaxError) as exc:
        report.add("XSD", "error", f"{ARKIVSTRUKTUR}: {exc}")
    return found


def _instant(text: str) -> datetime | str:
    """An xs:dateTime for comparing (fractions and offsets differ in form); text if unreadable."""
    try:
        return stored_instant(text)  # one without an offset is UTC, as the writer means it
    except ValueError:
        return text


def _before(one: str, two: str) -> bool:
    a, b = _instant(one), _instant(two)
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a < b
    return one < two


def _unique(text: str, ids: Spool, report: CheckReport) -> None:
    try:
        key = uuid.UUID(text).bytes
    except ValueError:
        key = text.encode("utf-8")
    if ids.has_unit(key):
        report.add("SYSTEMID", "error", f"systemID {text} forekommer mer enn én gang")
    ids.add_unit(key)


def _date_in_period(name: str, text: str, period: tuple[str, str] | None,
                    report: CheckReport) -> None:
    day = text[:10]
    if period and period[0] and period[1] and not period[0] <= day <= period[1]:
        report.add("DATOER", "error", f"{name} {text} er utenfor arkivperioden "
                   f"{period[0]}–{period[1]}")


def _created_after_parent(created: list[tuple[str, str | None]], text: str,
                          report: CheckReport) -> None:
    unit, _ = created[-1]
    created[-1] = (unit, text)
    parent = next((c for c in reversed(created[:-1]) if c[1]), None)
    if parent is not None and parent[1] is not None and _before(text, parent[1]):
        report.add("DATOER", "error", f"{unit} opprettet {text}, før {parent[0]} ({parent[1]})")


def _closed(elem: etree._Element, name: str, report: CheckReport) -> None:
    opened, closed = _child(elem, "opprettetDato"), _child(elem, "avsluttetDato")
    if opened and closed and _before(closed, opened):
        report.add("DATOER", "error", f"{name} {_child(elem, 'systemID')} avsluttet {closed}, "
                   f"før opprettet {opened}")
    for status_name, closed_value in CLOSED.items():
        status = _child(elem, status_name)
        if status and (status == closed_value) != bool(closed):
            report.add("STATUS", "error", f"{name} {_child(elem, 'systemID')}: {status_name} "
                       f"«{status}» men avsluttetDato {closed or 'mangler'}")


def _journalpost(elem: etree._Element, found: _Structure, report: CheckReport) -> None:
    found.journalposts += 1
    opened = _child(elem, "opprettetDato")
    if opened:
        if found.first_post is None or _before(opened, found.first_post):
            found.first_post = opened
        if found.last_post is None or _before(found.last_post, opened):
            found.last_post = opened
    kinds = {_child(p, "korrespondanseparttype") for p in elem
             if _local(p.tag) == "korrespondansepart"}
    post_type = _child(elem, "journalposttype")
    wanted = {"Utgående dokument": "Mottaker", "Inngående dokument": "Avsender"}.get(post_type)
    if wanted and wanted not in kinds:
        report.add("KORRESPONDANSEPART", "error", f"journalpost {_child(elem, 'systemID')} "
                   f"({post_type}) mangler korrespondansepart {wanted}")


def _check_files(out_dir: Path, references: set[str], report: CheckReport) -> None:
    documents = out_dir / DOCUMENT_DIR
    on_disk = {p.relative_to(out_dir).as_posix() for p in documents.rglob("*") if p.is_file()} \
        if documents.is_dir() else set()
    for path in sorted(on_disk - references):
        report.add("DOKUMENTFILER", "error", f"{path} er ikke referert fra arkivstrukturen")
    report.add("DOKUMENTFILER", "info", f"{len(on_disk)} dokumentfiler")


def _check_changelog(out_dir: Path, names: frozenset[str], period: tuple[str, str] | None,
                     report: CheckReport) -> None:
    path = out_dir / ENDRINGSLOGG
    if not path.exists():
        return
    for _, elem in etree.iterparse(str(path), events=("end",), huge_tree=True):
        name, text = _local(elem.tag), (elem.text or "").strip()
        if name == "referanseMetadata" and text not in names:
            report.add("ENDRINGSLOGG", "error", f"referanseMetadata «{text}» er ikke et "
                       "metadataelement i Noark 5")
        elif name == "endretDato":
            _date_in_period("endretDato", text, period, report)
        elif name == "endring":
            elem.clear(keep_tail=True)


def _addml_separators(out_dir: Path, report: CheckReport) -> tuple[str, str]:
    try:
        tree = etree.parse(str(out_dir / ARKIVUTTREKK))
    except (OSError, etree.XMLSyntaxError) as exc:
        report.add("PERIODESKILLE", "error", f"{ARKIVUTTREKK}: {exc}")
        return "", ""
    ns = {"a": NS_ADDML}
    base = ("//a:dataObject[@name='Noark 5-arkivuttrekk']/a:properties/a:property[@name='info']"
            "/a:properties/a:property[@name='additionalInfo']/a:properties"
            "/a:property[@name='periode']/a:properties")
    values = []
    for side in ("inngaaendeSkille", "utgaaendeSkille"):
        value = " ".join(tree.xpath(f"{base}/a:property[@name='{side}']/a:value/text()",
                                    namespaces=ns)).strip()
        if value not in {"skarpt", "mykt"}:
            report.add("PERIODESKILLE", "error", f"{side} er «{value or 'ikke angitt'}», "
                       "skal være skarpt eller mykt")
        values.append(value)
    return values[0], values[1]


def _journal_head(path: Path) -> tuple[str, str, str, int] | None:
    """(journalStartDato, journalSluttDato, antallJournalposter, counted posts)."""
    if not path.exists():
        return None
    head: dict[str, str] = {}
    posts = 0
    for _, elem in etree.iterparse(str(path), events=("end",), huge_tree=True):
        name = _local(elem.tag)
        if name in {"journalStartDato", "journalSluttDato", "antallJournalposter"}:
            head[name] = (elem.text or "").strip()
        elif name == "journalregistrering":
            posts += 1
            elem.clear(keep_tail=True)
    return (head.get("journalStartDato", ""), head.get("journalSluttDato", ""),
            head.get("antallJournalposter", ""), posts)


def _check_journals(out_dir: Path, found: _Structure, separators: tuple[str, str],
                    report: CheckReport) -> None:
    sharp = separators == ("skarpt", "skarpt")
    heads = {name: _journal_head(out_dir / name) for name in (LOEPENDE_JOURNAL, OFFENTLIG_JOURNAL)}
    report.add("N5.59", "info", f"{found.journalposts} journalposter i arkivstrukturen")
    report.add("N5.60", "info", f"journalposter opprettet {found.first_post} – {found.last_post}")
    for name, head in heads.items():
        if head is None:
            if found.journalposts:
                report.add("N5.59", "error", f"{name} mangler")
            continue
        start, end, stated, counted = head
        report.add("N5.59", "info", f"{name}: {counted} journalposter, oppgitt {stated}")
        if stated != str(counted):
            report.add("N5.59", "error", f"{name}: oppgitt antall {stated}, funnet {counted}")
        if sharp and counted != found.journalposts:
            report.add("N5.59", "error", f"skarpt periodeskille, men {name} har {counted} "
                       f"journalposter mot {found.journalposts} i arkivstrukturen")
        if sharp and found.first_post and (start, end) != (found.first_post[:10],
                                                           (found.last_post or "")[:10]):
            report.add("N5.60", "error", f"skarpt periodeskille, men {name} går {start}–{end} "
                       f"og journalpostene {found.first_post[:10]}–{(found.last_post or '')[:10]}")
    present = [h for h in heads.values() if h is not None]
    if len(present) == 2 and present[0][:2] != present[1][:2]:
        report.add("N5.60", "error", "løpende og offentlig journal har ulike start-/sluttdatoer")


def check_package(out_dir: Path, noark_dir: Path, addml_dir: Path) -> CheckReport:
    """Run every check on the package in ``out_dir`` against the official schemas."""
    out_dir = Path(out_dir)
    report = CheckReport()
    for error in validate_package(out_dir, noark_dir, addml_dir):
        test = "DOKUMENTFILER" if error.startswith(f"{ARKIVSTRUKTUR}: dokumentobjekt") or \
            "checksum mismatch for DOKUMENT" in error or "size mismatch" in error else \
            "ENDRINGSLOGG" if "referanseArkivenhet" in error else "XSD"
        report.add(test, "error", error)
    separators = _addml_separators(out_dir, report)
    ids = Spool()
    try:
        found = _scan_arkivstruktur(out_dir, report, ids)
    finally:
        ids.close()
    _check_files(out_dir, found.references, report)
    _check_changelog(out_dir, _catalogue_names(noark_dir), found.period, report)
    _check_journals(out_dir, found, separators, report)
    _check_ledger(out_dir, report)
    return report


def _check_ledger(out_dir: Path, report: CheckReport) -> None:
    """The ledger evidence (if the extract carries any): listed in arkivuttrekk.xml, and it verifies."""
    from archive.export.noark5.evidence import LEDGER_DIR
    from archive.export.noark5.verify_extract import verify_extract

    ledger = out_dir / LEDGER_DIR
    if not ledger.is_dir():
        report.add("LOGGBEVIS", "info", "uttrekket har ingen ledger/ (ikke påkrevd i Noark 5)")
        return
    try:
        listed = {str(v).strip() for v in etree.parse(str(out_dir / ARKIVUTTREKK)).xpath(
            "//a:property[@name='file']/a:properties/a:property[@name='name']/a:value/text()",
            namespaces={"a": NS_ADDML})}
    except (OSError, etree.XMLSyntaxError):
        listed = set()  # already reported under XSD
    for path in sorted(p.relative_to(out_dir).as_posix() for p in ledger.rglob("*") if p.is_file()):
        if path not in listed:
            report.add("LOGGBEVIS", "error", f"{path} er ikke oppført med sjekksum i {ARKIVUTTREKK}")
    result = verify_extract(out_dir)
    for problem in result.problems:
        report.add("LOGGBEVIS", "error", problem)
    for note in result.notes:
        report.add("LOGGBEVIS", "info", note)
    if result.ok:
        report.add("LOGGBEVIS", "info", f"{result.leaves} logghendelser bevist mot treet på "
                   f"{result.size}; {result.documents} dokumentfiler stemmer, {result.bound} bundet "
                   "til hendelsenes innhold")
