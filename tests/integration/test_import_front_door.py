"""`protokoll import` as an archivist meets it: a folder in, nothing that is a document refused.

Everything here goes through the command line (a subprocess, as a user runs it) and reads
back through the CLI's `--json` or `protokoll show`, never through the parsers. The texts
are invented, except the development corpus, which is read from the shared folder at run
time and scored against its hand labels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.conftest import REPO
from tests.integration.test_corpus_statements import Score, score_file

# Floors at what the front door reaches today (see the printed scores); the parsers behind
# it are improved separately, so these only catch a regression at the door.
STATEMENT_RECALL_FLOOR = 0.95
STATEMENT_PRECISION_FLOOR = 0.95
MINUTES_FIELDS_FLOOR = 0.80


def protokoll(*args: str, data: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the installed `protokoll` command (as a user would) on a data directory."""
    script = Path(sys.executable).with_name("protokoll")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "archive.cli"]
    env = {**os.environ, "PROTOKOLL_DATA_DIR": str(data)}
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


def import_json(*args: str, data: Path, cwd: Path = REPO) -> tuple[list[dict[str, Any]], dict[str, int], str]:
    """`protokoll import … --json`: the per-file objects, the summary, and stderr."""
    run = protokoll("import", *args, "--json", data=data, cwd=cwd)
    assert "Traceback" not in run.stderr, run.stderr
    *files, last = [json.loads(line) for line in run.stdout.splitlines()]
    return files, last["summary"], run.stderr


def show(reference: str, *args: str, data: Path) -> dict[str, Any]:
    run = protokoll("show", reference, *args, "--json", data=data)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def by_name(files: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(f["file"]).name: f for f in files}


# The development corpus, scored at the front door ------------------------------------------------


def test_the_dev_corpus_imports_whole_and_is_scored_from_the_cli(shared_dir: Path, tmp_path: Path) -> None:
    corpus = shared_dir / "corpus-dev"
    # Run exactly what the issue names, from the repository, into a fresh data directory.
    target = (
        "../shared/corpus-dev/"
        if corpus.resolve() == (REPO.parent / "shared" / "corpus-dev").resolve()
        else str(corpus)
    )
    files, summary, _ = import_json(target, data=tmp_path / "data")
    reports = by_name(files)

    # Nothing that is a document is refused; every article and minutes file is archived.
    assert summary.get("failed", 0) == 0, [(n, r.get("error")) for n, r in reports.items() if r["status"] == "failed"]
    texts = sorted(p.name for p in corpus.glob("*.txt"))
    assert texts and all(reports[name]["status"] in ("created", "updated", "unchanged") for name in texts)
    # The README, the label files and the checking script are skipped with a note, not imported.
    for name in ("README.md", "verify.py"):
        assert reports[name]["status"] == "skipped" and reports[name]["reason"]
    assert all(r["status"] == "skipped" for n, r in reports.items() if n.endswith(".json"))

    # Statements: the right speaker for the labelled ones (the corpus test's matching rule).
    statements = Score()
    report: list[str] = []  # per file, shown when a floor is missed
    for path in sorted(corpus.glob("[0-9][0-9]-*.txt")):
        labels = json.loads((corpus / "expected" / f"{path.stem}.json").read_text("utf-8"))
        predicted = [
            SimpleNamespace(text=s["text"], speaker_name=s["speaker"]) for s in reports[path.name].get("statements", [])
        ]
        score, notes = score_file(predicted, labels)  # type: ignore[arg-type]
        statements.tp, statements.fp, statements.fn = (
            statements.tp + score.tp,
            statements.fp + score.fp,
            statements.fn + score.fn,
        )
        report.extend([f"{path.stem[:45]:45} recall {score.recall:.2f} precision {score.precision:.2f}", *notes])

    # Minutes: date, start time, place and agenda numbers as the archive now holds them.
    right = total = 0
    for label_file in sorted((corpus / "expected").glob("minutes-*.json")):
        label = json.loads(label_file.read_text("utf-8"))
        meeting = reports[f"{label_file.stem}.txt"]["meetings"][0]
        got, fields = minutes_fields(meeting, label)
        right, total = right + got, total + fields
        report.append(f"{label_file.stem[:45]:45} minutes fields {got}/{fields}, present "
                      f"{meeting['present_count']} (label {label.get('present_count')})")
    minutes_share = right / total if total else 1.0

    scores = (
        f"statements: right speaker for {statements.tp} of {statements.tp + statements.fn} unambiguous "
        f"(recall {statements.recall:.3f}), precision {statements.precision:.3f} (fp {statements.fp}); "
        f"minutes fields {right}/{total} ({minutes_share:.3f}); summary {summary}\n" + "\n".join(report)
    )
    assert statements.recall >= STATEMENT_RECALL_FLOOR, scores
    assert statements.precision >= STATEMENT_PRECISION_FLOOR, scores
    assert minutes_share >= MINUTES_FIELDS_FLOOR, scores


def minutes_fields(meeting: dict[str, Any], label: dict[str, Any]) -> tuple[int, int]:
    """Right fields of one meeting: date, start time, place, and each labelled agenda number.

    An agenda number the archive holds that the label does not have counts as one more wrong
    field, so agenda items made from signature blocks or cross references cost.
    """
    right = sum(
        meeting.get(name) == label.get(name) for name in ("date", "start_time")
    ) + (" ".join((meeting.get("place") or "").split()) == " ".join((label.get("place") or "").split()))
    expected = [item["number"] for item in label["agenda_items"] if item["number"]]
    held = [item["number"] for item in meeting.get("agenda_items", [])]
    right += sum(number in held for number in expected)
    spurious = [number for number in held if number not in expected]
    return right, 3 + len(expected) + len(spurious)


# Undated news and where a date comes from --------------------------------------------------------

UNDATED = """\
Ny gang- og sykkelvei langs fylkesvei 120 i Lauvstad

Arbeidet med den nye gang- og sykkelveien starter etter påske.

- Dette har bygdefolket ventet på i mange år, sier ordfører Hilde Sandvik (Sp) i Lauvstad kommune.

Veien blir tre kilometer lang og skal stå ferdig til skolestart.
"""


def test_an_undated_article_is_archived_with_its_date_unknown(tmp_path: Path) -> None:
    # Given an article that prints no date and has no web address,
    article = tmp_path / "gang-og-sykkelvei.txt"
    article.write_text(UNDATED, encoding="utf-8")
    # when it is imported,
    files, summary, _ = import_json(str(article), data=tmp_path / "data")
    # it is archived (not refused), with a warning that says the date is unknown,
    (report,) = files
    assert (report["status"], report["outcome"], summary.get("failed", 0)) == ("created", "archived with warnings", 0)
    assert "no publication date found: archived with the date unknown" in report["warnings"]
    assert report["news"]["published_at"] is None and report["news"]["date_source"] is None
    # its statement keeps its speaker and has no invented date,
    (statement,) = report["statements"]
    assert statement["speaker"] == "Hilde Sandvik"
    assert show(statement["reference"], data=tmp_path / "data")["state"]["said_at"] is None
    # and the record says "dato ukjent"; its reference year is the year it was recorded.
    record = show(report["records"][0]["reference"], data=tmp_path / "data")
    assert record["state"]["published_at"] is None and record["state"]["date_note"] == "dato ukjent"
    assert record["state"]["reference"][:4] == str(date.today().year)
    # As of a day on the valid-time axis it is still found (its valid time is unknown, not empty).
    assert show(report["records"][0]["reference"], "--valid-at", "2019-06-01", data=tmp_path / "data")["version"] == 1


def test_a_date_in_the_web_address_is_kept_as_evidence_of_that_kind(tmp_path: Path) -> None:
    # Given the same undated text under a corpus-style header whose address holds a whole date,
    article = tmp_path / "med-adresse.txt"
    header = ("source: https://www.lauvstad.kommune.no/nyheter/2019/03/12/gang-og-sykkelvei/\n"
              "licence: NLOD\nlanguage: nn\n---\n")
    article.write_text(header + UNDATED, encoding="utf-8")
    files, _, _ = import_json(str(article), data=tmp_path / "data")
    (report,) = files
    # the date comes from the address, labelled so, with a warning saying where it came from;
    assert report["news"]["published_at"] == "2019-03-12" and report["news"]["date_source"] == "url"
    assert "publication date 2019-03-12 from the web address" in report["warnings"]
    # the header's address and language are the record's,
    record = show(report["records"][0]["reference"], data=tmp_path / "data")
    assert record["state"]["source_url"].endswith("/2019/03/12/gang-og-sykkelvei/")
    assert record["state"]["language"] == "nn" and record["state"]["date_note"] == "dato fra nettadresse"
    assert record["reference"].startswith("2019/")
    # and an address with only a year and month is no date at all.
    other = tmp_path / "maaned.txt"
    other.write_text(header.replace("/2019/03/12/", "/2019/03/") + UNDATED, encoding="utf-8")
    files, _, _ = import_json(str(other), data=tmp_path / "data2")
    assert files[0]["news"]["published_at"] is None


def test_the_archivists_overrides_win_over_detection(tmp_path: Path) -> None:
    article = tmp_path / "artikkel.txt"
    article.write_text(UNDATED, encoding="utf-8")
    data = tmp_path / "data"
    # --published-at, --source-url and --language are taken as given (the date labelled operator).
    files, _, _ = import_json(
        str(article), "--published-at", "2020-05-04", "--source-url", "https://www.eksempel.no/nyhet/sykkelvei",
        "--language", "nn", data=data,
    )  # fmt: skip
    news = files[0]["news"]
    assert (news["published_at"], news["date_source"], news["language"]) == ("2020-05-04", "operator", "nn")
    record = show(files[0]["records"][0]["reference"], data=data)
    assert record["state"]["source_url"] == "https://www.eksempel.no/nyhet/sykkelvei"
    assert record["state"]["date_note"] == "dato oppgitt av arkivar"
    # A bad override is one line and exit code 2, before anything is read.
    for bad in (("--published-at", "4. mai 2020"), ("--language", "en"), ("--kind", "blog")):
        run = protokoll("import", str(article), *bad, data=data)
        assert run.returncode == 2 and run.stderr.startswith("error:") and "Traceback" not in run.stderr

    # --kind minutes reads a text the detector would take for news as minutes.
    notes = tmp_path / "notat.txt"
    notes.write_text(
        "Styret i Lauvstad vassverk\n\nDato: 03.02.2021\n\nSak 1/21 Budsjett\n\nVedtak: Godkjent.\n", encoding="utf-8"
    )
    files, _, _ = import_json(str(notes), "--kind", "minutes", data=data)
    assert files[0]["kind"] == "minutes" and files[0]["meetings"][0]["date"] == "2021-02-03"

    # --kind agreement needs the day it takes effect: without it, one clear line for that file.
    agreement = tmp_path / "avtale.txt"
    agreement.write_text(
        "Samarbeidsavtale om kollektivtrafikk\n\nAvtalen gjelder mellom Nordvik fylkeskommune og Lauvstad kommune.\n",
        encoding="utf-8",
    )
    files, summary, _ = import_json(str(agreement), "--kind", "agreement", data=data)
    assert summary["failed"] == 1 and "--published-at" in files[0]["error"]
    # With it, the agreement is archived: title from the first line, parties found in the text.
    files, summary, _ = import_json(str(agreement), "--kind", "agreement", "--published-at", "2021-01-01", data=data)
    assert files[0]["status"] == "created", files[0]
    record = show(files[0]["records"][0]["reference"], data=data)
    assert record["state"]["title"] == "Samarbeidsavtale om kollektivtrafikk"
    assert record["state"]["effective_from"] == "2021-01-01" and len(record["state"]["parties"]) == 2


def test_news_valid_time_starts_at_publication_and_an_update_starts_the_next_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Given an article published 1 March 2016 whose copy already says "oppdatert 5. april 2016",
    article = tmp_path / "nyhet.txt"
    text = UNDATED.replace("Arbeidet med", "Publisert 1. mars 2016, oppdatert 5. april 2016\n\nArbeidet med")
    article.write_text(text, encoding="utf-8")
    files, _, _ = import_json(str(article), "--source-url", "https://www.eksempel.no/a", data=data)
    reference = files[0]["records"][0]["reference"]
    # its first version is valid from the publication day, not from the update day;
    assert show(reference, "--valid-at", "2016-03-10", data=data)["version"] == 1
    assert protokoll("show", reference, "--valid-at", "2016-02-27", data=data).returncode != 0
    # a later copy with a new "oppdatert" date becomes version 2, valid from that day,
    article.write_text(
        text.replace("5. april 2016", "20. mai 2016").replace("tre kilometer", "fire kilometer"), encoding="utf-8"
    )
    files, _, _ = import_json(str(article), "--source-url", "https://www.eksempel.no/a", data=data)
    assert files[0]["status"] == "updated"
    assert show(reference, "--valid-at", "2016-06-01", data=data)["version"] == 2
    # and the days before it still show the first version.
    earlier = show(reference, "--valid-at", "2016-04-10", data=data)
    assert earlier["version"] == 1 and any("tre kilometer" in p for p in earlier["content"]["paragraphs"])


# Folders -----------------------------------------------------------------------------------------


def test_a_folder_is_imported_recursively_and_what_is_no_document_is_skipped(tmp_path: Path) -> None:
    # Given a folder as an archivist has it: documents among notes, labels, scripts and dotfiles,
    folder = tmp_path / "arkiv"
    (folder / "2019" / "expected").mkdir(parents=True)
    (folder / "2019" / "sykkelvei.txt").write_text(UNDATED, encoding="utf-8")
    (folder / "2019" / "expected" / "sykkelvei.json").write_text("[]", encoding="utf-8")
    (folder / "README.md").write_text("# Mappen\n\nSkannede saker fra 2019.\n", encoding="utf-8")
    (folder / "liste.json").write_text("{}", encoding="utf-8")
    (folder / "sjekk.py").write_text("print('ok')\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / "tom.txt").write_bytes(b"")
    files, summary, _ = import_json(str(folder), data=tmp_path / "data")
    reports = by_name(files)
    # only the document is imported; each other file has a note saying why it was skipped,
    assert reports["sykkelvei.txt"]["status"] == "created"
    assert {n for n, r in reports.items() if r["status"] == "skipped"} == {
        "sykkelvei.json", "README.md", "liste.json", "sjekk.py", ".DS_Store",
    }  # fmt: skip
    assert "README" in reports["README.md"]["reason"] and "expected/" in reports["sykkelvei.json"]["reason"]
    # and an empty file, which is no document, fails with its reason.
    assert reports["tom.txt"]["status"] == "failed" and "empty" in reports["tom.txt"]["error"]
    assert (summary["created"], summary["skipped"], summary["failed"]) == (1, 5, 1)
    # Without --json the same is a table, one row per file, and a count line.
    run = protokoll("import", str(folder), data=tmp_path / "data")
    assert run.returncode == 1 and "sykkelvei.txt" in run.stdout and "unchanged" in run.stdout
    assert "skipped: 5" in run.stdout and "Traceback" not in run.stderr


def test_files_that_are_not_documents_fail_with_the_reason(tmp_path: Path) -> None:
    garbage = tmp_path / "skadet.txt"
    garbage.write_bytes(bytes(range(256)) * 8)
    broken_pdf = tmp_path / "protokoll.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(200)) * 3)
    files, summary, _ = import_json(str(garbage), str(broken_pdf), data=tmp_path / "data")
    assert summary["failed"] == 2
    assert all(f["status"] == "failed" and f["error"] for f in files)
    assert "binary" in by_name(files)["skadet.txt"]["error"]


# Minutes through the front door ------------------------------------------------------------------

MINUTES = """\
MØTEPROTOKOLL

Formannskapet

Møtedato: 14.03.2019
Møtested: Lauvstad rådhus, møterom Fjorden
Tid: kl. 10.00 – 14.30

Til stede: Hilde Sandvik (Sp), Per Aas (H), Kari Lunde (Ap)

Forfall: Ola Berg (Frp)

Saksliste

Sak 12/19 Godkjenning av protokoll

Vedtak: Protokollen godkjennes.

Sak 13/19 Budsjettjustering for 2019

Vedtak: Enstemmig vedtatt.
"""


def test_imported_minutes_keep_their_start_time_and_are_held(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Given minutes that state their day and their time (winter: +01:00 in Norway),
    minutes = tmp_path / "formannskapet.txt"
    minutes.write_text(MINUTES, encoding="utf-8")
    files, _, _ = import_json(str(minutes), data=data)
    meeting = files[0]["meetings"][0]
    # the meeting starts at 10:00 Oslo time on that day and was held (minutes exist);
    assert meeting["start"] == "2019-03-14T10:00:00+01:00" and meeting["start_time"] == "10:00"
    assert meeting["end"] == "2019-03-14T14:30:00+01:00"
    assert meeting["status"] == "held"
    assert [item["number"] for item in meeting["agenda_items"]] == ["12/19", "13/19"]
    record = show(meeting["reference"], data=data)
    assert record["state"]["start"] == "2019-03-14T10:00:00+01:00" and record["state"]["status"] == "held"

    # Minutes that state only the day keep just the date: no invented time of day.
    day_only = tmp_path / "bare-dato.txt"
    day_only.write_text(
        MINUTES.replace("Tid: kl. 10.00 – 14.30\n", "").replace("14.03.2019", "15.08.2019"), encoding="utf-8"
    )
    files, _, _ = import_json(str(day_only), data=data)
    meeting = files[0]["meetings"][0]
    assert meeting["start"] == "2019-08-15" and meeting["start_time"] is None

    # The meeting page shows the day without a clock time, and "avholdt".
    from fastapi.testclient import TestClient

    from api.config import WebSettings
    from api.main import create_app

    with TestClient(create_app(WebSettings(data_dir=data, search_enabled=False))) as client:
        page = client.get(f"/r/{meeting['reference']}").text
    assert "15. august 2019" in page and "kl." not in page.split("<dt>Tid</dt>")[1].split("</dd>")[0]
    assert "avholdt" in page
