"""Archival exports, narrated: a Noark 5 package that validates, its change log, and backups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from archive import audit
from archive.config import Settings
from archive.export.from_archive import build_archive
from archive.export.noark5 import validate_package, write_package
from archive.importers.load import import_file
from archive.service import ArchiveService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ME = "arkivar@test"


@pytest.fixture
def full_archive(tmp_path: Path, shared_dir: Path) -> Iterator[ArchiveService]:
    """The seed article, an agreement with two revisions and a correction, a screened record,
    and two meetings imported from minutes (one of them undated)."""
    service = ArchiveService(Settings(data_dir=tmp_path / "data"), search=False)
    app = service.archive
    assert import_file(service, sorted((shared_dir / "seed").glob("*.txt"))[0]).status == "created"
    assert import_file(service, FIXTURES / "minutes" / "formannskapet-bokmal.txt").status == "created"
    # Minutes whose date a PDF mirror lost: archived undated, exported with a stand-in date and a note.
    assert import_file(service, FIXTURES / "minutes" / "sakliste-with-lost-case-numbers.txt").status == "created"
    county = app.register_organisation(name="Buskerud fylkeskommune", organisation_kind="fylkeskommune", recorded_by=ME)
    ag = app.register_agreement(
        title="Partnerskapsavtale",
        parties=[county.id],
        text="Første tekst.",
        effective_from="2016-01-01",
        recorded_by=ME,
        key="PA-2016",
    )
    app.revise_agreement(
        ag.id, expected_version=1, effective_from="2016-09-01", reason="Ny periode", text="Andre tekst.", recorded_by=ME
    )
    app.revise_agreement(
        ag.id,
        expected_version=2,
        effective_from="2017-01-01",
        reason="Årlig revisjon",
        text="Tredje tkest.",
        recorded_by=ME,
    )
    app.correct_agreement(
        ag.id,
        expected_version=3,
        corrects_version=3,
        changes={"text": "Tredje tekst."},
        reason="Skrivefeil",
        recorded_by=ME,
    )
    secret = app.register_agreement(
        title="Tomtekjøp i Hole",
        parties=[county.id],
        text="Pris og vilkår.",
        effective_from="2018-01-01",
        recorded_by=ME,
    )
    service.done(
        app.restrict(
            secret.id,
            expected_version=1,
            legal_basis="Offl. § 23 første ledd",
            public_title="Avtale om tomtekjøp (skjermet)",
            recorded_by=ME,
        )
    )
    service.catch_up()
    yield service
    service.close()


def test_the_noark5_package_validates_and_its_counts_and_checksums_match(
    full_archive: ArchiveService, tmp_path: Path, shared_dir: Path
) -> None:
    schemas = shared_dir / "schemas"
    out = tmp_path / "uttrekk"
    # Export the archive as an arkivuttrekk.
    report = write_package(build_archive(full_archive), out, schemas)
    # Every XML file validates against Arkivverket's unmodified schemas; checksums and counts match.
    assert validate_package(out, schemas / "noark5-v5.0", schemas / "addml-v8.3") == []
    assert report.counts["statements"] == 6 and report.counts["meetings"] == 3 and report.counts["agreements"] == 2
    for name in ("arkivstruktur.xsd", "endringslogg.xsd", "metadatakatalog.xsd"):
        assert (out / name).read_bytes() == (schemas / "noark5-v5.0" / name).read_bytes()
    for entry in report.files:
        data = (out / entry.path).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry.sha256, entry.size)
    # The screened agreement carries skjerming with its basis and only its public title.
    text = (out / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert "Offl. § 23 første ledd" in text and "Avtale om tomtekjøp (skjermet)" in text
    # The undated meeting says that its moetedato is the registration date.
    assert "Møtedato ukjent (udatert kilde)" in text


def test_the_change_log_holds_revisions_and_the_correction(
    full_archive: ArchiveService, tmp_path: Path, shared_dir: Path
) -> None:
    out = tmp_path / "uttrekk"
    write_package(build_archive(full_archive), out, shared_dir / "schemas")
    ns = {"e": "http://www.arkivverket.no/standarder/noark5/endringslogg"}
    entries = etree.parse(str(out / "endringslogg.xml")).findall(".//e:endring", ns)
    values = [(e.findtext("e:tidligereVerdi", namespaces=ns), e.findtext("e:nyVerdi", namespaces=ns)) for e in entries]
    # The revisions changed the text, and so did the correction of the typo.
    assert ("Første tekst.", "Andre tekst.") in values
    assert ("Andre tekst.", "Tredje tkest.") in values
    assert ("Tredje tkest.", "Tredje tekst.") in values
    # Revisions point at the case folder, the correction at the corrected version's own unit.
    refs = {e.findtext("e:nyVerdi", namespaces=ns): e.findtext("e:referanseArkivenhet", namespaces=ns) for e in entries}
    assert refs["Tredje tekst."] != refs["Andre tekst."]
    # Each change is dated with its record time and names who made it.
    for entry in entries:
        assert entry.findtext("e:endretDato", namespaces=ns) and entry.findtext("e:endretAv", namespaces=ns)


def test_exporting_twice_gives_identical_files_apart_from_the_timestamp(
    full_archive: ArchiveService, tmp_path: Path, shared_dir: Path
) -> None:
    from datetime import date

    first, second = tmp_path / "a", tmp_path / "b"
    write_package(
        build_archive(full_archive, period_from=date(2000, 1, 1), period_to=date(2030, 12, 31)),
        first,
        shared_dir / "schemas",
    )
    write_package(
        build_archive(full_archive, period_from=date(2000, 1, 1), period_to=date(2030, 12, 31)),
        second,
        shared_dir / "schemas",
    )
    for path in sorted(p for p in first.rglob("*") if p.is_file()):
        if path.name != "arkivuttrekk.xml":
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path.name


SEARCHES = ["lyttepost", "samarbeid", "speaker:Hansen", "avtale", "Klækken", "tekst", '"tett dialog"', "party:Ap"]


def answers(service: ArchiveService) -> dict[str, list[tuple[str, str]]]:
    from search.query import SearchParams

    return {
        q: [(h.id, h.snippet) for h in service.search.query(SearchParams(q=q, include_restricted=True)).hits]
        for q in SEARCHES
    }


@pytest.mark.parametrize("target_backend", ["sqlite", "postgres"])
def test_backup_restores_with_the_same_root_digests_and_search_answers(
    full_archive: ArchiveService, tmp_path: Path, request: pytest.FixtureRequest, target_backend: str
) -> None:
    # Back up every stored event of the SQLite archive.
    export = tmp_path / "events.jsonl"
    with export.open("w", encoding="utf-8") as out:
        size, root = audit.export_events(full_archive, out)
    digests = full_archive.digests()
    # Restore into an empty SQLite data directory or an empty PostgreSQL database.
    url = request.getfixturevalue("pg_cluster").create_database() if target_backend == "postgres" else None
    target = Settings(data_dir=tmp_path / "restored", database_url=url)
    with export.open(encoding="utf-8") as lines:
        result = audit.restore(target, lines)
    # Same ledger root, same read-model digests, same answers to a fixed set of searches.
    assert result["same_root"] and result["same_ids"] and result["ledger_size"] == size
    assert {k: v for k, v in result["digests"].items() if k != "search"} == {
        k: v for k, v in digests.items() if k != "search"
    }
    original = ArchiveService(full_archive.settings)
    restored = ArchiveService(target)
    try:
        original.catch_up()
        restored.catch_up()
        assert answers(restored) == answers(original)
        assert any(answers(original).values())
    finally:
        original.close()
        restored.close()


def test_export_check_through_the_cli_passes_and_check_noark5_reports_a_fault(
    full_archive: ArchiveService, tmp_path: Path, shared_dir: Path
) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROTOKOLL_DATA_DIR": str(full_archive.settings.data_dir)}
    cli = [str(Path(sys.executable).with_name("protokoll"))]
    out = tmp_path / "uttrekk"
    # Export with --check: a report per test id, no error, exit 0.
    done = subprocess.run(
        [*cli, "export", "noark5", str(out), "--check", "--schemas", str(shared_dir / "schemas")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "N5.59" in done.stdout and "0 error(s)" in done.stdout
    # Both journals are in the package, listed in arkivuttrekk.xml with the period separator.
    addml = (out / "arkivuttrekk.xml").read_text(encoding="utf-8")
    assert "loependeJournal.xml" in addml and "offentligJournal.xml" in addml and "<value>skarpt</value>" in addml
    # The undated meeting has no invented moetedato: it is a plain mappe that says so.
    assert "eksportert som mappe uten møtedato" in (out / "arkivstruktur.xml").read_text(encoding="utf-8")
    # check-noark5 on a tampered copy reports the fault and exits non-zero.
    structure = out / "arkivstruktur.xml"
    structure.write_text(
        structure.read_text(encoding="utf-8").replace("<saksstatus>Avsluttet<", "<saksstatus>Gjeldende<", 1),
        encoding="utf-8",
    )
    done = subprocess.run(
        [*cli, "check-noark5", str(out), "--schemas", str(shared_dir / "schemas")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "«Gjeldende» er ikke i Noark 5-kodelisten" in done.stdout


def test_an_extract_carries_its_ledger_proofs_and_verify_extract_names_each_tampering(
    full_archive: ArchiveService, tmp_path: Path, shared_dir: Path
) -> None:
    import base64
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROTOKOLL_DATA_DIR": str(full_archive.settings.data_dir)}
    cli = [str(Path(sys.executable).with_name("protokoll"))]
    schemas = ["--schemas", str(shared_dir / "schemas")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True)

    # Without a signing key the export still succeeds, says so, and proves against an unsigned head.
    unsigned = tmp_path / "usignert"
    done = run("export", "noark5", str(unsigned), *schemas)
    assert done.returncode == 0 and "UNSIGNED" in done.stderr and "ledger: UNSIGNED checkpoint" in done.stdout
    done = run("verify-extract", str(unsigned))
    assert done.returncode == 0 and "UNSIGNED tree head" in done.stdout, done.stdout + done.stderr
    # With a key: the export signs the ledger's head, and --check covers the ledger side files.
    assert run("keygen").returncode == 0
    out = tmp_path / "uttrekk"
    done = run("export", "noark5", str(out), "--check", *schemas)
    assert done.returncode == 0 and "LOGGBEVIS" in done.stdout and "0 error(s)" in done.stdout, (
        done.stdout + done.stderr
    )
    # verify-extract with the archive's public key: every document file proven and bound to its events.
    pub = str(full_archive.settings.resolved_public_key)
    done = run("verify-extract", str(out), "--public-key", pub)
    proofs = [json.loads(line) for line in (out / "ledger" / "proofs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (
        done.returncode == 0
        and f"{len(proofs)} document files match their proofs, {len(proofs)} of them bound" in done.stdout
    )
    documents = sorted(p.relative_to(out).as_posix() for p in (out / "DOKUMENT").rglob("*.txt"))
    assert sorted(p["document"] for p in proofs) == documents

    def flipped(path: Path, offset: int) -> bytes:
        original = path.read_bytes()
        data = bytearray(original)
        data[offset] ^= 0x01
        path.write_bytes(bytes(data))
        return original

    # A flipped byte in a document file: named.
    doc = out / proofs[2]["document"]
    original = flipped(doc, 0)
    done = run("verify-extract", str(out), "--public-key", pub)
    assert done.returncode == 1 and f"first bad: {proofs[2]['document']}" in done.stderr
    doc.write_bytes(original)
    # A flipped byte in a proof (a hash of a leaf's audit path): that leaf is named.
    leaves = out / "ledger" / "leaves.jsonl"
    original = leaves.read_bytes()
    lines = original.decode("utf-8").splitlines()
    leaf = json.loads(lines[1])
    path0 = bytearray(base64.b64decode(leaf["audit_path"][0]))
    path0[5] ^= 0x01
    leaf["audit_path"][0] = base64.b64encode(bytes(path0)).decode()
    leaves.write_text("\n".join([lines[0], json.dumps(leaf), *lines[2:]]) + "\n", encoding="utf-8")
    done = run("verify-extract", str(out), "--public-key", pub)
    assert done.returncode == 1 and f"first bad: leaf {leaf['leaf_index']} (ledger/leaves.jsonl line 2)" in done.stderr
    leaves.write_bytes(original)
    # A flipped byte in the checkpoint's root: the checkpoint is named.
    checkpoint = out / "ledger" / "checkpoint.txt"
    text = checkpoint.read_bytes()
    flipped(checkpoint, text.index(b"\n", text.index(b"\n") + 1) + 3)
    done = run("verify-extract", str(out), "--public-key", pub)
    assert done.returncode == 1 and "first bad: ledger/checkpoint.txt" in done.stderr
    # check-noark5 reports the same fault under LOGGBEVIS.
    done = run("check-noark5", str(out), *schemas)
    assert done.returncode == 1 and "LOGGBEVIS           error" in done.stdout
