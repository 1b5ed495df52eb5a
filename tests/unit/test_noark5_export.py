"""The Noark 5 v5.0 arkivuttrekk writer, checked against Arkivverket's unmodified schemas.

The schemas are read at run time from the shared folder (never copied into the repo); the
tests skip when it is absent and fail under CI=true.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

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
from archive.export.noark5 import (
    SCREENED_TITLE,
    record_system_id,
    validate_package,
    version_system_id,
    write_package,
)
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.shared

UTC = UTC
N5 = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
LOG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSS = {"n": N5, "e": LOG, "a": ADDML}

AGREEMENT_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e01"
SECRET_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e02"
MEETING_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e03"
NEWS_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e04"
RYBERG_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e05"
NORDMANN_ID = "0b6c7a4e-2f55-4c1e-9d3a-6a1f0c2d7e06"

LEGAL_BASIS = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"
SECRET_TITLE = "Sluttavtale med Per Hansen om fratreden"
PUBLIC_TITLE = "Avtale om fratreden"
NEWS_BODY_V2 = "Fylkesutvalget vedtok å øke bevilgningen til skoleskyss på Ørland og Åfjord."


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2016, month, day, hour, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def schemas(shared_dir: Path) -> tuple[Path, Path]:
    noark = shared_dir / "schemas" / "noark5-v5.0"
    addml = shared_dir / "schemas" / "addml-v8.3"
    if not (noark / "arkivstruktur.xsd").is_file() or not (addml / "addml.xsd").is_file():
        skip_or_fail(f"Noark 5 / ADDML schemas not found under {shared_dir / 'schemas'}")
    return noark, addml


def agreement_versions() -> list[ExportRecordVersion]:
    return [
        ExportRecordVersion(1, "Avtale om brøyting", "Brøyting av fylkesveier, kr 100 000.",
                            at(1, 1), "kari", "created", None, date(2016, 1, 1), None),
        # Revision 1: new title (with a typo, corrected later) and a new price.
        ExportRecordVersion(2, "Avtale om vintervedlikehald", "Brøyting og strøing, kr 120 000.",
                            at(1, 2), "kari", "revised", "Utvidet til strøing",
                            date(2016, 2, 1), None),
        # Revision 2: new text and end date; the title typo was corrected in place afterwards.
        ExportRecordVersion(3, "Avtale om vintervedlikehold", "Brøyting og strøing, kr 125 000.",
                            at(1, 3), "ola", "revised", "Prisjustering",
                            date(2016, 3, 1), date(2018, 12, 31)),
    ]


def changes() -> list[ExportChange]:
    return [
        ExportChange(AGREEMENT_ID, "2016/0007", "title", None, "Avtale om brøyting", "kari",
                     at(1, 1), "created"),  # first registration: not a change, not logged
        ExportChange(AGREEMENT_ID, "2016/0007", "title", "Avtale om brøyting",
                     "Avtale om vintervedlikehald", "kari", at(1, 2), "revision",
                     "Utvidet til strøing"),
        ExportChange(AGREEMENT_ID, "2016/0007", "text", "Brøyting og strøing, kr 120 000.",
                     "Brøyting og strøing, kr 125 000.", "ola", at(1, 3), "revision",
                     "Prisjustering"),
        ExportChange(AGREEMENT_ID, "2016/0007", "title", "Avtale om vintervedlikehald",
                     "Avtale om vintervedlikehold", "ola", at(2, 3, 14), "correction",
                     "Skrivefeil", version=3),
    ]


def build_archive(exported_at: datetime = at(1, 6), *, secret_public_title: str | None =
                  PUBLIC_TITLE) -> ExportArchive:
    agreement = ExportAgreement(
        AGREEMENT_ID, "2016/0007", "Avtale om vintervedlikehold",
        ["Trøndelag fylkeskommune", "Brøyt & Strø AS"], "Gjeldende", at(1, 1), "kari",
        versions=agreement_versions())
    secret = ExportAgreement(
        SECRET_ID, "2016/0012", SECRET_TITLE, ["Trøndelag fylkeskommune"], "Gjeldende",
        at(5, 2), "kari", restricted=True, restriction_basis=LEGAL_BASIS,
        public_title=secret_public_title,
        versions=[ExportRecordVersion(1, SECRET_TITLE, "Vilkår for fratreden.", at(5, 2),
                                      "kari", "created")])
    meeting = ExportMeeting(
        MEETING_ID, "2016/M03", "Fylkesutvalgets møte 8. mars", "Fylkesutvalget",
        "Fylkets hus, Steinkjer", at(8, 3, 9), at(8, 3, 15),
        participants=[ExportParticipant("Roger Ryberg", "leder", True),
                      ExportParticipant("Kari Nordmann", "medlem", True),
                      ExportParticipant("Ole Olsen", "medlem", False)],
        agenda_items=[ExportAgendaItem("12/16", "Skoleskyss", "Bevilgningen økes med 2 mill."),
                      ExportAgendaItem("13/16", "Orienteringssaker", None)],
        minutes_text="Møtet ble satt kl. 09.00. Alle saker ble behandlet.",
        created_at=at(1, 3), created_by="sekretær")
    news = ExportNews(
        NEWS_ID, "2016/N17", "Mer penger til skoleskyss", "Fylkesutvalget øker bevilgningen.",
        NEWS_BODY_V2, date(2016, 3, 9), at(10, 3), at(9, 3), "redaktør",
        versions=[ExportRecordVersion(1, "Mer penger til skoleskyss",
                                      "Fylkesutvalget vedtok å øke bevilgningen.", at(9, 3),
                                      "redaktør", "created"),
                  ExportRecordVersion(2, "Mer penger til skoleskyss", NEWS_BODY_V2, at(10, 3),
                                      "redaktør", "revised", "La til stedsnavn")])
    ryberg = ExportStatement(
        RYBERG_ID, "2016/U31", "Dette er et løft for elevene våre.", "Roger Ryberg",
        "fylkesordfører", "Ap", "Trøndelag fylkeskommune", date(2016, 3, 8), NEWS_ID, None,
        at(9, 3), "redaktør")
    nordmann = ExportStatement(
        NORDMANN_ID, "2016/U32", "Vi støtter forslaget, men vil se på rutene.", "Kari Nordmann",
        "gruppeleder", "H", None, date(2016, 3, 8), None, MEETING_ID, at(9, 3), "redaktør")
    return ExportArchive(
        name="Trøndelag fylkeskommune – Protokoll", creator="Trøndelag fylkeskommune",
        system_name="Protokoll 0.1", agreements=[agreement, secret], meetings=[meeting],
        news=[news], statements=[ryberg, nordmann], changes=changes(), exported_at=exported_at,
        period_from=date(2016, 1, 1), period_to=date(2016, 12, 31), creator_id="817920632")


@pytest.fixture()
def package(tmp_path: Path, schemas: tuple[Path, Path]) -> Path:
    # Export the hand-built archive once per test.
    out = tmp_path / "uttrekk"
    write_package(build_archive(), out, schemas[0].parent)
    return out


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def unit(tree: etree._ElementTree, system_id: str) -> etree._Element:
    found = tree.xpath("//n:systemID[text()=$id]/..", namespaces=NSS, id=system_id)
    assert len(found) == 1, system_id
    return found[0]


def text(elem: etree._Element, path: str) -> str:
    return elem.findtext(path, namespaces=NSS) or ""


def xsi_type(elem: etree._Element) -> str | None:
    return elem.get(f"{{{XSI}}}type")


# --------------------------------------------------------------------------- validity


def test_every_xml_file_validates_against_the_unmodified_schemas(
        package: Path, schemas: tuple[Path, Path]) -> None:
    noark, addml = schemas
    # The package's own validator (lxml, streamed) finds nothing.
    assert validate_package(package, noark, addml) == []
    # A second, independent validator agrees, using the shared originals, not the copies.
    for xml, xsd in [("arkivstruktur.xml", noark / "arkivstruktur.xsd"),
                     ("endringslogg.xml", noark / "endringslogg.xsd"),
                     ("arkivuttrekk.xml", addml / "addml.xsd")]:
        xmlschema.XMLSchema(str(xsd)).validate(str(package / xml))


def test_the_schemas_travel_unchanged_inside_the_package(
        package: Path, schemas: tuple[Path, Path]) -> None:
    noark, addml = schemas
    for original in [noark / "arkivstruktur.xsd", noark / "endringslogg.xsd",
                     noark / "metadatakatalog.xsd", addml / "addml.xsd"]:
        assert (package / original.name).read_bytes() == original.read_bytes()


def test_validation_catches_a_tampered_document_and_a_modified_schema(
        package: Path, schemas: tuple[Path, Path]) -> None:
    # Change one archived document and one schema copy after the export.
    document = next((package / "DOKUMENT").rglob("*.txt"))
    document.write_text("forfalsket", encoding="utf-8")
    schema_copy = package / "metadatakatalog.xsd"
    schema_copy.write_bytes(schema_copy.read_bytes() + b"\n")
    # Both are reported.
    errors = validate_package(package, *schemas)
    assert any("checksum mismatch" in e and document.name in e for e in errors)
    assert any("metadatakatalog.xsd" in e and "differs" in e for e in errors)


def test_validation_reports_schema_errors(package: Path, schemas: tuple[Path, Path]) -> None:
    # Put an element the schema does not allow into arkivstruktur.xml.
    structure = package / "arkivstruktur.xml"
    data = structure.read_text(encoding="utf-8")
    structure.write_text(data.replace("</tittel>", "</tittel><bogus/>", 1), encoding="utf-8")
    # The schema error is reported, and so is the now stale checksum in arkivuttrekk.xml.
    errors = validate_package(package, *schemas)
    assert any(e.startswith("arkivstruktur.xml:") and "not expected" in e for e in errors)
    assert "arkivuttrekk.xml: checksum mismatch for arkivstruktur.xml" in errors


# --------------------------------------------------------------------------- addml


def occurrences(addml_tree: etree._ElementTree) -> dict[str, int]:
    found: dict[str, int] = {}
    for prop in addml_tree.xpath("//a:property[@name='numberOfOccurrences']", namespaces=NSS):
        element = prop.findtext("a:value", namespaces=NSS)
        value = prop.xpath("a:properties/a:property[@name='value']/a:value/text()",
                           namespaces=NSS)[0]
        found[element] = int(value)
    return found


def test_counts_in_arkivuttrekk_match_the_files(package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    log = parse(package / "endringslogg.xml")
    addml = parse(package / "arkivuttrekk.xml")
    counts = occurrences(addml)

    # Count the elements themselves, whatever their xsi:type.
    def count(tree: etree._ElementTree, name: str, prefix: str = "n") -> int:
        return int(tree.xpath(f"count(//{prefix}:{name})", namespaces=NSS))

    assert counts["mappe"] == count(structure, "mappe") == 5  # 2 saker, 1 møte, 2 containers
    assert counts["registrering"] == count(structure, "registrering") == 10  # 4 + 3 + 1 + 2
    assert counts["dokumentbeskrivelse"] == count(structure, "dokumentbeskrivelse")
    assert counts["dokumentobjekt"] == count(structure, "dokumentobjekt")
    assert counts["endring"] == count(log, "endring", "e") == 3
    # antallDokumentfiler is the number of files actually under DOKUMENT/.
    files = [p for p in (package / "DOKUMENT").rglob("*") if p.is_file()]
    stated = addml.xpath("//a:property[@name='antallDokumentfiler']/a:value/text()",
                         namespaces=NSS)
    assert int(stated[0]) == len(files) == counts["dokumentobjekt"]
    # Period, creator and system are described.
    assert addml.xpath("//a:property[@name='startDate']/a:value/text()",
                       namespaces=NSS) == ["2016-01-01"]
    assert addml.xpath("//a:additionalElement[@name='recordCreator']/a:value/text()",
                       namespaces=NSS) == ["Trøndelag fylkeskommune"]
    assert addml.xpath("//a:additionalElement[@name='systemName']/a:value/text()",
                       namespaces=NSS) == ["Protokoll 0.1"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_checksum_matches_the_file_on_disk(package: Path) -> None:
    # Every dokumentobjekt: SHA-256 and size of the referenced file.
    structure = parse(package / "arkivstruktur.xml")
    objects = structure.xpath("//n:dokumentobjekt", namespaces=NSS)
    assert objects
    for obj in objects:
        path = package / text(obj, "n:referanseDokumentfil")
        assert text(obj, "n:referanseDokumentfil").startswith("DOKUMENT/")
        assert text(obj, "n:sjekksumAlgoritme") == "SHA256"  # M705 spelling
        assert text(obj, "n:sjekksum") == sha256(path)
        assert int(text(obj, "n:filstoerrelse")) == path.stat().st_size
    # Every file named in arkivuttrekk.xml, schemas included.
    addml = parse(package / "arkivuttrekk.xml")
    listed = addml.xpath("//a:property[@name='file']", namespaces=NSS)
    names = set()
    for prop in listed:
        name = prop.xpath("a:properties/a:property[@name='name']/a:value/text()",
                          namespaces=NSS)[0]
        value = prop.xpath(".//a:property[@name='checksum']//a:property[@name='value']"
                           "/a:value/text()", namespaces=NSS)[0]
        assert value == sha256(package / name), name
        names.add(name)
    assert {"arkivstruktur.xml", "endringslogg.xml", "arkivstruktur.xsd",
            "metadatakatalog.xsd", "endringslogg.xsd"} <= names


def test_the_report_lists_every_file_with_its_checksum(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    report = write_package(build_archive(), tmp_path / "p", schemas[0].parent)
    on_disk = {p.relative_to(tmp_path / "p").as_posix()
               for p in (tmp_path / "p").rglob("*") if p.is_file()}
    assert {f.path for f in report.files} == on_disk
    for entry in report.files:
        assert entry.sha256 == sha256(tmp_path / "p" / entry.path)
        assert entry.size == (tmp_path / "p" / entry.path).stat().st_size
    assert report.counts["agreements"] == 2 and report.counts["statements"] == 2



def test_the_report_reads_its_file_list_lazily_like_a_list(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    # The file entries live in a temporary on-disk store, not in memory, yet read like a list.
    report = write_package(build_archive(), tmp_path / "p", schemas[0].parent)
    entries = list(report.files)
    assert [f.path for f in entries] == sorted(f.path for f in entries)
    assert len(report.files) == len(entries) and report.files == entries
    assert report.files[0] == entries[0] and report.files[-1] == entries[-1]
    assert report.files[2:5] == entries[2:5] and report.files[::-3] == entries[::-3]
    assert entries[3] in report.files
    assert report.file("arkivstruktur.xml").sha256 == sha256(tmp_path / "p" / "arkivstruktur.xml")
    # Closing the report drops the temporary store; the package itself stays.
    report.close()
    with pytest.raises(RuntimeError):
        list(report.files)
    assert (tmp_path / "p" / "arkivstruktur.xml").is_file()


# --------------------------------------------------------------------------- determinism


TIMESTAMP = re.compile(rb"2016-06-0[12]T10:00:00Z")


def test_exporting_twice_gives_identical_files_apart_from_the_export_time(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    # Export the same archive on two different days.
    first, second = tmp_path / "a", tmp_path / "b"
    write_package(build_archive(at(1, 6)), first, schemas[0].parent)
    write_package(build_archive(at(2, 6)), second, schemas[0].parent)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    # Only arkivuttrekk.xml differs, and only in the export timestamp.
    for rel in files:
        one, two = (first / rel).read_bytes(), (second / rel).read_bytes()
        if rel.name == "arkivuttrekk.xml":
            assert one != two
            assert TIMESTAMP.sub(b"T", one) == TIMESTAMP.sub(b"T", two)
        else:
            assert one == two, rel
    # The ids are derived from the record ids, so they can be recomputed.
    structure = parse(first / "arkivstruktur.xml")
    assert text(unit(structure, record_system_id(AGREEMENT_ID)), "n:mappeID") == "2016/0007"


# --------------------------------------------------------------------------- content


def test_agreement_is_a_saksmappe_with_a_journalpost_per_version(package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    folder = unit(structure, record_system_id(AGREEMENT_ID))
    assert xsi_type(folder) == "saksmappe"
    assert (text(folder, "n:saksaar"), text(folder, "n:sakssekvensnummer")) == ("2016", "7")
    assert [p.text for p in folder.xpath("n:part/n:partNavn", namespaces=NSS)] == [
        "Trøndelag fylkeskommune", "Brøyt & Strø AS"]
    posts = folder.xpath("n:registrering", namespaces=NSS)
    assert [xsi_type(p) for p in posts] == ["journalpost"] * 3
    versions = [text(p, "n:dokumentbeskrivelse/n:dokumentobjekt/n:versjonsnummer") for p in posts]
    assert versions == ["1", "2", "3"]
    # Each version's text is its own UTF-8 file, delivered as the archival version.
    third = posts[2]
    assert text(third, ".//n:variantformat") == "Arkivformat"
    path = package / text(third, ".//n:referanseDokumentfil")
    assert path.read_text(encoding="utf-8") == "Brøyting og strøing, kr 125 000."
    assert text(third, "n:merknad/n:merknadstekst") == "Versjon 3: Prisjustering"


def test_endringslogg_holds_the_revisions_and_the_correction(package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    log = parse(package / "endringslogg.xml")
    entries = [
        {child.tag.split("}")[1]: child.text for child in entry}
        for entry in log.xpath("//e:endring", namespaces=NSS)
    ]
    # The "created" entry is the first registration, not a change: three entries remain.
    assert [(e["referanseMetadata"], e["tidligereVerdi"], e["nyVerdi"]) for e in entries] == [
        ("tittel", "Avtale om brøyting", "Avtale om vintervedlikehald"),
        # A change of the text names the element holding it (the document file), never "text".
        ("referanseDokumentfil", "Brøyting og strøing, kr 120 000.", "Brøyting og strøing, kr 125 000."),
        ("tittel", "Avtale om vintervedlikehald", "Avtale om vintervedlikehold"),
    ]
    assert [e["endretDato"] for e in entries] == [
        "2016-02-01T10:00:00Z", "2016-03-01T10:00:00Z", "2016-03-02T14:00:00Z"]
    assert [e["endretAv"] for e in entries] == ["kari", "ola", "ola"]
    # Revisions point at the saksmappe; the correction at the corrected version's journalpost.
    revision_unit = unit(structure, entries[0]["referanseArkivenhet"])
    correction_unit = unit(structure, entries[2]["referanseArkivenhet"])
    assert xsi_type(revision_unit) == "saksmappe"
    assert entries[1]["referanseArkivenhet"] == record_system_id(AGREEMENT_ID)
    assert xsi_type(correction_unit) == "journalpost"
    assert entries[2]["referanseArkivenhet"] == version_system_id(AGREEMENT_ID, 3)
    assert text(correction_unit, "n:registreringsID") == "2016/0007-3"


def test_restricted_agreement_carries_skjerming_and_a_safe_public_title(package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    folder = unit(structure, record_system_id(SECRET_ID))
    # Screening with the legal basis on the folder, its journalpost and its document.
    for screened in [folder, *folder.xpath(".//n:registrering | .//n:dokumentbeskrivelse",
                                           namespaces=NSS)]:
        assert text(screened, "n:skjerming/n:skjermingshjemmel") == LEGAL_BASIS
        assert text(screened, "n:skjerming/n:tilgangsrestriksjon") == "13"
        assert screened.xpath("n:skjerming/n:skjermingMetadata", namespaces=NSS)
    # The public title is given and never contains the real one.
    for titled in [folder, *folder.xpath("n:registrering", namespaces=NSS)]:
        assert text(titled, "n:tittel") == SECRET_TITLE
        assert text(titled, "n:offentligTittel") == PUBLIC_TITLE
        assert SECRET_TITLE not in text(titled, "n:offentligTittel")
    # Open records have no skjerming.
    assert not unit(structure, record_system_id(AGREEMENT_ID)).xpath(
        "n:skjerming", namespaces=NSS)
    # The package says it holds screened information.
    addml = parse(package / "arkivuttrekk.xml")
    assert addml.xpath("//a:property[@name='inneholderSkjermetInformasjon']/a:value/text()",
                       namespaces=NSS) == ["true"]


@pytest.mark.parametrize("given", [None, SECRET_TITLE, f"Sak: {SECRET_TITLE.upper()}"])
def test_a_missing_or_leaking_public_title_is_replaced(
        tmp_path: Path, schemas: tuple[Path, Path], given: str | None) -> None:
    # Export with no public title, or one that repeats the real title.
    out = tmp_path / "p"
    write_package(build_archive(secret_public_title=given), out, schemas[0].parent)
    folder = unit(parse(out / "arkivstruktur.xml"), record_system_id(SECRET_ID))
    # The screened placeholder is used instead, and the package is still valid.
    assert text(folder, "n:offentligTittel") == SCREENED_TITLE
    assert validate_package(out, *schemas) == []


def test_meeting_is_a_moetemappe_with_participants_items_and_minutes(package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    folder = unit(structure, record_system_id(MEETING_ID))
    assert xsi_type(folder) == "moetemappe"
    assert text(folder, "n:moetedato") == "2016-03-08"
    assert text(folder, "n:moetested") == "Fylkets hus, Steinkjer"
    assert text(folder, "n:utvalg") == "Fylkesutvalget"
    # Present participants are moetedeltakere; the absent one is a merknad (forfall).
    names = folder.xpath("n:moetedeltaker/n:moetedeltakerNavn/text()", namespaces=NSS)
    assert names == ["Roger Ryberg", "Kari Nordmann"]
    assert text(folder, "n:merknad/n:merknadstekst") == "Forfall: Ole Olsen (medlem)"
    # One moeteregistrering per agenda item, and one for the minutes.
    regs = folder.xpath("n:registrering", namespaces=NSS)
    assert [xsi_type(r) for r in regs] == ["moeteregistrering"] * 3
    assert [text(r, "n:moeteregistreringstype") for r in regs] == [
        "Vedtak", "Saksframlegg", "Møteprotokoll"]
    decision = package / text(regs[0], ".//n:referanseDokumentfil")
    assert "Bevilgningen økes med 2 mill." in decision.read_text(encoding="utf-8")
    minutes = package / text(regs[2], ".//n:referanseDokumentfil")
    assert minutes.read_text(encoding="utf-8").startswith("Møtet ble satt")


def test_news_and_statements_are_dated_registrations_with_correspondents(
        package: Path) -> None:
    structure = parse(package / "arkivstruktur.xml")
    news = unit(structure, record_system_id(NEWS_ID))
    assert xsi_type(news) == "journalpost"
    assert text(news, "n:dokumentetsDato") == "2016-03-09"
    assert text(news, "n:beskrivelse") == "Fylkesutvalget øker bevilgningen."
    # Both versions of the news text are kept, æøå intact.
    files = news.xpath(".//n:referanseDokumentfil/text()", namespaces=NSS)
    assert len(files) == 2
    assert (package / files[1]).read_text(encoding="utf-8") == NEWS_BODY_V2
    # Roger Ryberg's statement: dated, with him and his organisation as korrespondanseparter,
    # and a cross-reference to the news item that quotes him.
    ryberg = unit(structure, record_system_id(RYBERG_ID))
    assert text(ryberg, "n:tittel") == "Uttalelse fra Roger Ryberg (Ap), fylkesordfører"
    assert text(ryberg, "n:dokumentetsDato") == "2016-03-08"
    parts = [(text(p, "n:korrespondansepartNavn"), text(p, "n:kontaktperson"))
             for p in ryberg.xpath("n:korrespondansepart", namespaces=NSS)]
    assert parts == [("Roger Ryberg", ""), ("Trøndelag fylkeskommune", "Roger Ryberg")]
    assert text(ryberg, "n:kryssreferanse/n:referanseTilRegistrering") == record_system_id(
        NEWS_ID)
    # The other statement points at the meeting it was made in.
    nordmann = unit(structure, record_system_id(NORDMANN_ID))
    assert text(nordmann, "n:korrespondansepart/n:korrespondansepartNavn") == "Kari Nordmann"
    assert text(nordmann, "n:kryssreferanse/n:referanseTilMappe") == record_system_id(
        MEETING_ID)


# --------------------------------------------------------------------------- edge cases


def test_generators_stream_through_and_progress_is_reported(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    base = build_archive()

    def once(items: list) -> Iterator:  # a one-shot iterable, as a read model would give
        yield from items

    archive = ExportArchive(
        base.name, base.creator, base.system_name, once(list(base.agreements)),
        once(list(base.meetings)), once(list(base.news)), once(list(base.statements)),
        once(list(base.changes)), base.exported_at, base.period_from, base.period_to)
    seen: list[int] = []
    report = write_package(archive, tmp_path / "p", schemas[0].parent, progress=seen.append)
    # 2 agreements + 1 meeting + 1 news + 2 statements + 3 changes, counted one by one.
    assert seen == list(range(1, 10))
    assert report.counts["endring"] == 3
    assert validate_package(tmp_path / "p", *schemas) == []



def test_validation_catches_a_change_pointing_outside_the_package(
        package: Path, schemas: tuple[Path, Path]) -> None:
    # Point one endringslogg entry at a unit arkivstruktur.xml does not hold.
    log = package / "endringslogg.xml"
    stranger = "00000000-0000-5000-8000-000000000000"
    first = parse(log).xpath("//e:referanseArkivenhet/text()", namespaces=NSS)[0]
    log.write_bytes(log.read_bytes().replace(first.encode(), stranger.encode(), 1))
    errors = validate_package(package, *schemas)
    assert any("referanseArkivenhet" in e and stranger in e for e in errors)


def test_many_registrations_in_one_container_stream_through_the_validator(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    # Statements share one container mappe; the validator frees each one as it goes.
    statements = (
        ExportStatement(f"s-{i}", f"2016/U{i:04d}", f"Uttalelse {i}.", "Kari Nordmann", None,
                        None, None, date(2016, 3, 8), None, None, at(8), "kari")
        for i in range(400)
    )
    changes = (ExportChange(f"s-{i}", f"2016/U{i:04d}", "title", "a", "b", "kari", at(9),
                            "revision") for i in range(0, 400, 7))
    archive = ExportArchive("Arkiv", "Kommune", "Protokoll", statements=statements,
                            changes=changes, exported_at=at(1, 6))
    report = write_package(archive, tmp_path / "p", schemas[0].parent)
    assert report.warnings == [] and report.counts["endring"] == 58
    assert len(report.files) == 400 + 5 + 6  # a document each, 5 XML files, 6 schemas
    assert validate_package(tmp_path / "p", *schemas) == []


def test_an_archive_without_changes_has_no_endringslogg_but_stays_valid(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    # The schema demands at least one <endring>, so an empty log is left out altogether.
    base = build_archive()
    archive = ExportArchive(base.name, base.creator, base.system_name,
                            agreements=list(base.agreements), changes=[],
                            exported_at=base.exported_at)
    report = write_package(archive, tmp_path / "p", schemas[0].parent)
    assert not (tmp_path / "p" / "endringslogg.xml").exists()
    assert report.counts["endring"] == 0
    assert validate_package(tmp_path / "p", *schemas) == []


def test_control_characters_and_empty_values_do_not_break_the_xml(
        tmp_path: Path, schemas: tuple[Path, Path]) -> None:
    # A title with a vertical tab and a NUL, an empty status, and a change from "nothing".
    version = ExportRecordVersion(1, "Avtale\x0b om\x00 ferje", "Tekst", at(1, 1), "kari",
                                  "created")
    agreement = ExportAgreement("id-1", "ikke-et-saksnummer", "Avtale\x0b om\x00 ferje", [],
                                "", at(1, 1), "kari", versions=[version])
    change = ExportChange("id-1", "x", "public_title", None, "", "kari", at(2, 1),
                          "correction")
    archive = ExportArchive("Arkiv", "Kommune", "Protokoll", agreements=[agreement],
                            changes=[change], exported_at=at(1, 6))
    write_package(archive, tmp_path / "p", schemas[0].parent)
    assert validate_package(tmp_path / "p", *schemas) == []
    structure = parse(tmp_path / "p" / "arkivstruktur.xml")
    assert text(unit(structure, record_system_id("id-1")), "n:tittel") == "Avtale om ferje"
    log = parse(tmp_path / "p" / "endringslogg.xml")
    assert log.xpath("//e:tidligereVerdi/text()", namespaces=NSS) == ["(tom)"]
    assert log.xpath("//e:referanseMetadata/text()", namespaces=NSS) == ["offentligTittel"]


def test_refuses_to_write_into_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "stale.xml").write_text("<x/>")
    with pytest.raises(FileExistsError):
        write_package(build_archive(), tmp_path, None)
