"""The package's own Arkade-style check: every export passes it, and every planted fault shows.

The schemas are read from the shared folder; the tests skip when it is absent (fail under CI).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.export.model import (
    ExportAgendaItem,
    ExportAgreement,
    ExportArchive,
    ExportChange,
    ExportMeeting,
    ExportNews,
    ExportParticipant,
    ExportRecordVersion,
    ExportStatement,
)
from archive.export.noark5 import write_package
from archive.export.noark5.check import check_package
from archive.export.noark5.verify_extract import verify_extract
from tests.unit.test_noark5_evidence import MemoryLedger, rid
from tests.unit.test_noark5_export import build_archive

pytestmark = pytest.mark.shared
UTC = UTC


@pytest.fixture(scope="session")
def schemas(shared_dir: Path) -> Path:
    from tests.conftest import skip_or_fail

    root = shared_dir / "schemas"
    if not (root / "noark5-v5.0" / "loependeJournal.xsd").is_file():
        skip_or_fail(f"Noark 5 schemas (with the journals) not found under {root}")
    return root


def run_check(package: Path, schemas: Path):  # type: ignore[no-untyped-def]
    return check_package(package, schemas / "noark5-v5.0", schemas / "addml-v8.3")


# --------------------------------------------------------------------------- generated archives

instants = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))
words = st.text(alphabet="abcæøå ÆØÅ-§&<>\"'\x0b", min_size=0, max_size=12)


@st.composite
def archives(draw: st.DrawFn) -> ExportArchive:
    # Records with random dates (old documents registered late, future agreements), empty and
    # hostile texts, undated meetings, screened records and changes.
    agreements, meetings, news, statements, changes = [], [], [], [], []
    for i in range(draw(st.integers(0, 3))):
        created = draw(instants)
        versions = [ExportRecordVersion(v, draw(words), draw(words), created + timedelta(days=v),
                                        draw(words), "created" if v == 1 else "revised",
                                        draw(st.none() | words), draw(st.none() | st.dates()))
                    for v in range(1, draw(st.integers(1, 3)) + 1)]
        agreements.append(ExportAgreement(rid(f"a{i}"), f"{created.year}/{i + 1:04d}", draw(words),
                                          [draw(words)], draw(st.sampled_from(["Gjeldende", "Avsluttet", ""])),
                                          created, draw(words), restricted=draw(st.booleans()),
                                          restriction_basis="Offl. § 13", versions=versions))
        changes.append(ExportChange(rid(f"a{i}"), "x", draw(st.sampled_from(["text", "title", "parties", "odd_field"])),
                                    draw(st.none() | words), draw(words), "kari",
                                    created + timedelta(days=9), "revision"))
    for i in range(draw(st.integers(0, 3))):
        start = draw(st.none() | instants)
        meetings.append(ExportMeeting(
            rid(f"m{i}"), f"M{i}", draw(words), draw(words), draw(st.none() | words), start, None,
            participants=[ExportParticipant(draw(words), "medlem", draw(st.booleans()))],
            agenda_items=[ExportAgendaItem("1/16", draw(words), draw(st.none() | words))],
            minutes_text=draw(st.none() | words), created_at=draw(instants)))
    for i in range(draw(st.integers(0, 3))):
        created = draw(instants)
        news.append(ExportNews(rid(f"n{i}"), f"N{i}", draw(words), draw(st.none() | words), draw(words),
                               draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 1, 1))),
                               None, created, draw(words), restricted=draw(st.booleans())))
    for i in range(draw(st.integers(0, 3))):
        statements.append(ExportStatement(rid(f"s{i}"), f"S{i}", draw(words), draw(words), None, None,
                                          draw(st.none() | words),
                                          draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2030, 1, 1))),
                                          draw(st.sampled_from([None, rid("n0")])), None, draw(instants),
                                          draw(words), restricted=draw(st.booleans()),
                                          restriction_basis=None))
    return ExportArchive("Arkiv", draw(words), "Protokoll", agreements, meetings, news,
                         statements, changes, exported_at=datetime(2031, 1, 1, tzinfo=UTC))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(archive=archives(), signed=st.booleans())
def test_every_generated_export_passes_its_own_check(archive: ExportArchive, signed: bool, schemas: Path,
                                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    # Export a generated archive with its ledger evidence (a signed or an unsigned head).
    out = tmp_path_factory.mktemp("p") / "uttrekk"
    write_package(archive, out, schemas,
                  ledger=MemoryLedger(archive, Ed25519PrivateKey.generate() if signed else None))
    # Its own check finds no error, the ledger side files included.
    report = run_check(out, schemas)
    assert report.errors() == 0, "\n".join(report.lines())
    assert any(f.test == "LOGGBEVIS" for f in report.findings)
    # Its own verify passes: every document file proven and its text bound to its events.
    verified = verify_extract(out)
    assert verified.ok and verified.signed == signed, verified.problems
    assert verified.bound == verified.documents == report_documents(out)


def report_documents(out: Path) -> int:
    return sum(1 for p in (out / "DOKUMENT").rglob("*") if p.is_file()) if (out / "DOKUMENT").is_dir() else 0


# --------------------------------------------------------------------------- planted faults


def edit(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def plant(package: Path) -> None:
        path = package / name
        text = path.read_text(encoding="utf-8")
        assert re.search(old, text), old
        path.write_text(re.sub(old, new, text, count=count), encoding="utf-8")
    return plant


def delete_document(package: Path) -> None:
    next((package / "DOKUMENT").rglob("*.txt")).unlink()


def add_stray_document(package: Path) -> None:
    (package / "DOKUMENT" / "stray.txt").write_text("ingen referanse", encoding="utf-8")


def duplicate_system_id(package: Path) -> None:
    path = package / "arkivstruktur.xml"
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"<mappe[^>]*>\s*<systemID>([^<]+)</systemID>", text)
    path.write_text(text.replace(ids[1], ids[0]), encoding="utf-8")


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "no period separator": (edit("arkivuttrekk.xml", r"<value>skarpt</value>", "<value></value>"), "PERIODESKILLE"),
    "agreement status as saksstatus": (
        edit("arkivstruktur.xml", r"<saksstatus>Avsluttet<", "<saksstatus>Gjeldende<"),
        "KODER",
    ),
    "production format": (edit("arkivstruktur.xml", r">Arkivformat<", ">Produksjon<"), "KODER"),
    "missing document file": (delete_document, "DOKUMENTFILER"),
    "unreferenced document file": (add_stray_document, "DOKUMENTFILER"),
    "duplicate systemID": (duplicate_system_id, "SYSTEMID"),
    "meeting before the period": (edit("arkivstruktur.xml", r"<moetedato>[^<]+<", "<moetedato>2008-05-28<"), "DATOER"),
    "folder closed before created": (
        edit(
            "arkivstruktur.xml",
            r"(?s)(<mappe xsi:type=\"saksmappe\">(?:(?!</avsluttetDato>).)*<avsluttetDato>)[^<]+<",
            r"\g<1>2001-01-01T00:00:00Z<",
        ),
        "DATOER",
    ),
    "open status with avsluttetDato": (
        edit("arkivstruktur.xml", r"<arkivstatus>Avsluttet<", "<arkivstatus>Opprettet<"),
        "STATUS",
    ),
    "empty element": (edit("arkivstruktur.xml", r"<moetested>[^<]+</moetested>", "<moetested></moetested>"), "TOMME"),
    "internal field name in the change log": (
        edit("endringslogg.xml", r"<referanseMetadata>[^<]+<", "<referanseMetadata>participants<"),
        "ENDRINGSLOGG",
    ),
    "change-log reference outside": (
        edit(
            "endringslogg.xml",
            r"<referanseArkivenhet>[^<]+<",
            "<referanseArkivenhet>00000000-0000-5000-8000-000000000000<",
        ),
        "ENDRINGSLOGG",
    ),
    "outgoing post without recipient": (
        edit("arkivstruktur.xml", r"<korrespondanseparttype>Mottaker<", "<korrespondanseparttype>Kopimottaker<"),
        "KORRESPONDANSEPART",
    ),
    "journal count stated wrong": (
        edit("loependeJournal.xml", r"<antallJournalposter>\d+<", "<antallJournalposter>99<"),
        "N5.59",
    ),
    "journal missing": (lambda p: (p / "offentligJournal.xml").unlink(), "N5.59"),
    "journal end date off": (
        edit("offentligJournal.xml", r"<journalSluttDato>[^<]+<", "<journalSluttDato>2019-01-01<"),
        "N5.60",
    ),
    "schema error": (edit("arkivstruktur.xml", r"</tittel>", "</tittel><bogus/>"), "XSD"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_planted_fault_is_reported_under_its_test(fault: str, schemas: Path, tmp_path: Path) -> None:
    # A clean export of the hand-built archive passes.
    clean = tmp_path / "clean"
    write_package(build_archive(), clean, schemas)
    assert run_check(clean, schemas).errors() == 0
    # Plant one fault in a copy.
    package = tmp_path / "faulty"
    shutil.copytree(clean, package)
    plant, test = FAULTS[fault]
    plant(package)
    # The check reports it under the expected test id.
    report = run_check(package, schemas)
    assert report.errors(test) > 0, "\n".join(report.lines())
