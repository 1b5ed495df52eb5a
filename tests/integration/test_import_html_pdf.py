"""A saved web page and a PDF of minutes through the front door: `protokoll import`, then `protokoll show`.

Each step runs the command line in a fresh process against a fresh PROTOKOLL_DATA_DIR, as an
archivist would; the records are checked as the archive then holds them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.documents import ARTICLE_URL, article_page, minutes_pdf, scanned_pdf


def protokoll(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROTOKOLL_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "archive.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


def show(data_dir: Path, reference: str) -> dict[str, Any]:
    run = protokoll(data_dir, "show", reference, "--json")
    assert run.returncode == 0, run.stderr
    record: dict[str, Any] = json.loads(run.stdout)
    return record


def test_a_saved_article_page_is_archived_with_its_metadata_date_and_speakers(tmp_path: Path) -> None:
    # The archivist saved a Nynorsk article page whose only date is in its metadata
    # (meta article:published_time, JSON-LD); the footer says "Oppdatert 05/22/2015".
    page = tmp_path / "nytt-tak.html"
    page.write_bytes(article_page(byline_date=False))
    data = tmp_path / "data"

    # `protokoll import nytt-tak.html` creates the news record and says so.
    run = protokoll(data, "import", str(page))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    reference = re.search(r"news (\d{4}/\d{4})", run.stdout)
    assert reference, run.stdout

    # The stored article: title, the metadata's dates (labelled so), language, canonical address.
    news = show(data, reference.group(1))
    state = news["state"]
    assert news["kind"] == "news" and state["title"] == "Nytt tak på Nordby skule"
    assert (state["published_at"], state["date_source"]) == ("2016-03-14", "metadata")
    assert state["updated_at"] == "2016-03-16"
    assert (state["language"], state["source_url"]) == ("nn", ARTICLE_URL)
    # Lede, subheading and captions kept; nothing of the menu, sidebar or footer.
    assert state["lede"].startswith("Fylkestinget set av fem millionar kroner")
    assert state["subheadings"] == ["Elevane har venta lenge"]
    assert len(state["captions"]) == 2
    stored_text = json.dumps(state, ensure_ascii=False)
    for chrome in ("informasjonskapslar", "Les også", "Ny bussrute", "Postboks", "05/22/2015"):
        assert chrome not in stored_text, chrome

    # Its two statements, each with the right speaker.
    statements = [show(data, sid)["state"] for sid in state["statement_ids"]]
    assert [(s["speaker_name"], s["text"][:24]) for s in statements] == [
        ("Marte Haug", "Vi kan ikkje la elevane "),
        ("Olav Brekke", "Endeleg kan vi tenkje på"),
    ]
    assert all(s["said_at"] == "2016-03-14" for s in statements)


def test_a_minutes_pdf_is_archived_as_a_held_meeting_with_its_agenda(tmp_path: Path) -> None:
    # A three-page minutes PDF with running header, footer, page numbers and hyphenation.
    pdf = tmp_path / "protokoll-regionradet.pdf"
    pdf.write_bytes(minutes_pdf())
    data = tmp_path / "data"

    # `protokoll import protokoll-regionradet.pdf --json` reports one created meeting.
    run = protokoll(data, "import", str(pdf), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report, summary = (json.loads(line) for line in run.stdout.splitlines())
    assert (report["status"], report["kind"], summary["summary"]["created"]) == ("created", "minutes", 1)
    meeting_ref = next(r["reference"] for r in report["records"] if r["kind"] == "meeting")

    # The stored meeting: its day, start time, place, held, and the three cases by number.
    meeting = show(data, meeting_ref)
    state = meeting["state"]
    assert meeting["status"] == "held"
    assert state["start"] == "2016-03-14T09:00:00+01:00"
    assert state["place"] == "Kulturhuset, Vinstra"
    assert [(a["number"], a["title"]) for a in state["agenda"]] == [
        ("12/16", "Godkjenning av innkalling og saksliste"),
        ("13/16", "Regionalt samarbeid om kollektivtrafikk"),
        ("14/16", "Budsjett for regionrådet 2017"),
    ]
    # The minutes text is the PDF's own, without its running heads; split words joined.
    assert "Side 2 av 3" not in state["minutes"] and "Postboks 12" not in state["minutes"]
    assert "samarbeidet om kollektivtrafikken mellom Sør-Fron og Nord-Fron" in state["minutes"]


def test_a_scanned_pdf_fails_with_its_reason_and_nothing_is_saved(tmp_path: Path) -> None:
    # A scan without a text layer.
    pdf = tmp_path / "skannet.pdf"
    pdf.write_bytes(scanned_pdf())
    data = tmp_path / "data"

    # The import fails for that file, with the reason, and no traceback.
    run = protokoll(data, "import", str(pdf), "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout.splitlines()[0])
    assert report["status"] == "failed"
    assert report["error"] == "the PDF has no text layer (scanned image); OCR it first"
    assert "Traceback" not in run.stderr
