"""The command line, narrated: as an archivist would type it, in a fresh process each time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def protokoll(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120,
    )


def test_status_show_history_and_rebuild(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Load the invented sample records.
    assert protokoll(data, "sample").returncode == 0
    # status --json: the log head and every read model caught up with it.
    status = json.loads(protokoll(data, "status", "--json").stdout)
    assert status["head"] > 0 and all(m["lag"] == 0 for m in status["read_models"].values())
    # The sample agreement: its history, and its text on two dates of the valid-time axis.
    history = json.loads(protokoll(data, "history", "2020/0001", "--json").stdout)
    assert [v["event_type"] for v in history] == ["Registered", "Revised", "Corrected"]
    first = json.loads(protokoll(data, "show", "2020/0001", "--valid-at", "2020-06-01", "--json").stdout)
    later = json.loads(protokoll(data, "show", "2020/0001", "--valid-at", "2021-06-01", "--json").stdout)
    assert "klima" not in first["content"]["text"] and "klima" in later["content"]["text"]
    # On the record-time axis: before the correction, the title was the incomplete one.
    corrected_at = history[2]["recorded_at"]
    before = json.loads(
        protokoll(
            data, "show", "2020/0001", "--valid-at", "2021-06-01", "--known-at", history[1]["recorded_at"], "--json"
        ).stdout
    )
    assert before["content"]["title"].endswith("kommuneregionene") and corrected_at > before["recorded_at"]
    # rebuild: every read model's digest is the same as before.
    rebuilt = protokoll(data, "rebuild", "--json")
    assert rebuilt.returncode == 0 and all(v["same"] for v in json.loads(rebuilt.stdout).values())


def test_errors_are_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    data = tmp_path / "data"
    protokoll(data, "sample")
    for args in (
        ("show", "1999/9999"),
        ("show", "2020/0001", "--valid-at", "not-a-date"),
        ("export", "csv", "nope", "-"),
    ):
        run = protokoll(data, *args)
        assert run.returncode != 0
        assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr, run.stderr


def test_spreadsheet_and_newsroom_exports_neutralise_formulas(tmp_path: Path) -> None:
    data = tmp_path / "data"
    protokoll(data, "sample")
    # A statement whose text starts like a spreadsheet formula.
    records = tmp_path / "evil.jsonl"
    evil = {
        "kind": "statement",
        "key": "evil",
        "text": '=HYPERLINK("http://x")',
        "said_at": "2021-01-01",
        "speaker_name": "@Ola",
    }
    records.write_text(json.dumps(evil) + "\n", encoding="utf-8")
    assert protokoll(data, "import", str(records)).returncode == 0
    csv_out = protokoll(data, "export", "csv", "statements", "-").stdout
    assert "'=HYPERLINK" in csv_out and "'@Ola" in csv_out
    lines = [json.loads(line) for line in protokoll(data, "export", "json", "statements", "-").stdout.splitlines()]
    assert any(line["text"].startswith("=HYPERLINK") for line in lines)  # JSON carries the value as it is
    # Screened records stay out unless asked for.
    catalog = protokoll(data, "export", "csv", "catalog", "-").stdout
    assert "tomt til ny skole" not in catalog
    assert "tomt til ny skole" in protokoll(data, "export", "csv", "catalog", "-", "--include-restricted").stdout
