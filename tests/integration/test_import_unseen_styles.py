"""Documents in the styles of public bodies the parsers were not built on, through `protokoll import`.

Invented fixtures in tests/fixtures/unseen/ imitate a kommune news page with a byline table, a
fylkeskommune press release with "Kontaktpersoner", a regionråd interview in Nynorsk, a KS
article, a statsforvaltar news page and regionråd minutes with participant tables. Each is
imported as text, as a saved web page with its site's chrome (tests.documents.saved_page) and,
for the minutes, as a PDF; the records the archive then holds are checked. The same run
checks the links and layout a reader sees: news ↔ meeting both ways, subheadings in place,
cited documents once, agenda pages, role words resolved from the archive's registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.documents import PAGE_BREAK, PdfLayout, minutes_pdf, saved_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
UNSEEN = FIXTURES / "unseen"
SHORT_FIELDS = ("speaker", "role", "party", "organisation")


def protokoll(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROTOKOLL_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "archive.cli", *args], capture_output=True, text=True, timeout=180, env=env
    )


def import_json(data_dir: Path, *paths: Path, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """`protokoll import PATHS --json`: one report per file (the summary line left out)."""
    run = protokoll(data_dir, "import", *map(str, paths), *extra, "--json")
    assert "Traceback" not in run.stderr, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    return [line for line in lines if "file" in line]


def show(data_dir: Path, reference: str) -> dict[str, Any]:
    run = protokoll(data_dir, "show", reference, "--json")
    assert run.returncode == 0, run.stderr
    record: dict[str, Any] = json.loads(run.stdout)
    return record


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[Any]:
    """A reader's browser on the archive in `tmp_path / "data"` (opened after the imports)."""
    from api.config import WebSettings
    from api.main import create_app
    from archive.service import ArchiveService

    opened: list[Any] = []

    def get(path: str) -> str:
        if not opened:
            settings = WebSettings(data_dir=tmp_path / "data", search_enabled=False)
            service = ArchiveService(settings, search=False)
            client = TestClient(create_app(settings, service), raise_server_exceptions=True)
            opened.extend([service, client.__enter__()])
        response = opened[1].get(path)
        assert response.status_code == 200, response.text
        return str(response.text)

    yield get
    if opened:
        opened[1].__exit__(None, None, None)
        opened[0].close()


def speakers(report: dict[str, Any]) -> list[str | None]:
    return [s["speaker"] for s in report["statements"]]


def no_line_breaks(report: dict[str, Any]) -> None:
    """No name, role, body, place or title the import reports holds a line break."""
    for statement in report.get("statements", []):
        for name in SHORT_FIELDS:
            assert "\n" not in (statement.get(name) or ""), (name, statement)
    for meeting in report.get("meetings", []):
        for name in ("title", "body", "organiser", "place"):
            assert "\n" not in (meeting.get(name) or ""), (name, meeting)
        for item in meeting["agenda_items"]:
            assert "\n" not in item["title"], item
    assert "\n" not in ((report.get("news") or {}).get("title") or "")


# --- News in new styles, as text and as saved pages -------------------------------------------

# file → (language, speakers in order, the text's publication date, its update date)
NEWS = {
    "kommune-byline-table-bokmal.txt": ("nb", ["Trine Solvang", "Håkon Brattli"], "2023-09-12", "2023-09-14"),
    "fylkeskommune-press-release-contacts-bokmal.txt": ("nb", ["Ingrid Lauvås", "Øystein Myhre"], "2024-02-02", None),
    "regionrad-interview-nynorsk.txt": ("nn", ["Heidi Sandvik"] * 4, "2023-10-20", None),
    "ks-article-bokmal.txt": ("nb", ["Bjørg Halvorsen", "Bjørg Halvorsen", "Jan Erik Lie"], "2024-10-08", None),
    "statsforvaltar-nynorsk.txt": ("nn", ["Anne Kvamme", "Anne Kvamme"], "2022-05-03", None),
}


@pytest.mark.parametrize("name", sorted(NEWS))
def test_news_in_a_new_style_keeps_its_speakers_and_dates_as_text_and_as_a_page(name: str, tmp_path: Path) -> None:
    language, expected, published, updated = NEWS[name]
    text = (UNSEEN / name).read_text(encoding="utf-8")
    # The same article saved as a web page with menu, cookie banner, sidebar and a footer date,
    # and once more as a page whose CMS keeps the date only in its metadata.
    page = tmp_path / f"{name[:-4]}.html"
    page.write_bytes(saved_page(text, lang=language, url=f"https://www.example.no/nyheter/{name[:-4]}"))
    meta_page = tmp_path / f"{name[:-4]}-meta.html"
    meta_page.write_bytes(
        saved_page(text, lang=language, url=f"https://www.example.no/n/{name[:-4]}", published="2021-06-01")
    )

    # Imported as text and as both pages, in one run: nothing refused, nothing failed.
    reports = import_json(tmp_path / "data", UNSEEN / name, page, meta_page)
    assert [r["status"] for r in reports] == ["created"] * 3, reports

    for report in reports:
        # Every form finds the same speakers; contact blocks, bylines and chrome are not speech.
        assert speakers(report) == expected, (report["file"], report["statements"])
        assert report["news"]["language"] == language
        no_line_breaks(report)
    text_report, page_report, meta_report = reports
    # The date the text prints is the publication date, labelled as from the text; a
    # footer's "Sist endret 01.01.2020" is not the article's.
    for report in (text_report, page_report):
        assert (report["news"]["published_at"], report["news"]["date_source"]) == (published, "text")
        assert report["news"]["updated_at"] == updated
        # A date that was found is not reported as missing.
        assert not any("no publication date" in w for w in report.get("warnings", [])), report["warnings"]
    # Without a date line the page's metadata gives it, and says so (a byline table keeps its own).
    if "byline-table" not in name:
        assert (meta_report["news"]["published_at"], meta_report["news"]["date_source"]) == ("2021-06-01", "metadata")


def test_a_byline_table_author_is_not_the_lede(tmp_path: Path) -> None:
    # "Skrevet av" / "Kommunikasjonsavdelingen" on two lines, as a byline table flattens.
    report = import_json(tmp_path / "data", UNSEEN / "kommune-byline-table-bokmal.txt")[0]
    state = show(tmp_path / "data", report["records"][0]["reference"])["state"]
    assert state["lede"].startswith("Kommunestyret i Fjellvik kommune vedtok")
    assert "Kommunikasjonsavdelingen" not in json.dumps(state, ensure_ascii=False)


# --- Minutes with participant tables, as text and PDF -----------------------------------------


def _minutes_as_pdf(tmp_path: Path) -> Path:
    """The Nynorsk regionråd minutes as a PDF: sakliste on page 1, each case on its own page."""
    lines, seen = [], set()
    for line in (UNSEEN / "regionrad-minutes-table-nynorsk.txt").read_text(encoding="utf-8").split("\n"):
        if line.startswith("Sak ") and line in seen:
            lines.append(PAGE_BREAK)
        seen.add(line)
        lines.append(line)
    layout = PdfLayout(
        header="Fjordane regionråd – Møteprotokoll 02.02.2023", footer="Fjordane regionråd, Postboks 7, 6851 Sogndal",
        title=None,
    )  # fmt: skip
    pdf = tmp_path / "protokoll-regionradet.pdf"
    pdf.write_bytes(minutes_pdf(lines, layout))
    return pdf


def test_minutes_with_participant_tables_read_alike_from_text_and_pdf(tmp_path: Path, pages: Any) -> None:
    # The minutes as text and as a PDF with running heads, imported together.
    pdf = _minutes_as_pdf(tmp_path)
    reports = import_json(tmp_path / "data", UNSEEN / "regionrad-minutes-table-nynorsk.txt", pdf)
    assert [(r["status"], r["kind"]) for r in reports] == [("created", "minutes")] * 2, reports

    for report in reports:
        meeting = report["meetings"][0]
        # Body, day, start time and place from the "Møtestad/Dato/Tid" labels; held.
        assert (meeting["body"], meeting["date"], meeting["start_time"], meeting["place"]) == (
            "Regionrådet", "2023-02-02", "10:00", "Kommunehuset, Sogndal",
        )  # fmt: skip
        assert meeting["status"] == "held"
        # Four members present: not the one with forfall, not the administration's two
        # ("Dagleg leiar" is a role, not the end of Kari Moe's name).
        assert meeting["present_count"] == 4 and meeting["participants"] == 7
        assert [a["number"] for a in meeting["agenda_items"]] == ["01/23", "02/23", "03/23"]
        # The organiser is "Regionrådet", never "Regionrådet\nMøtestad".
        assert meeting["organiser"] == "Regionrådet"
        no_line_breaks(report)
    staff = show(tmp_path / "data", reports[0]["meetings"][0]["reference"])["state"]["participants"]
    assert {"name": "Kari Moe", "role": "dagleg leiar"}.items() <= next(
        p for p in staff if p["name"] == "Kari Moe"
    ).items()

    # Only the PDF knows pages: each case keeps the page it is treated on.
    text_items, pdf_items = (r["meetings"][0]["agenda_items"] for r in reports)
    assert all("page" not in item for item in text_items)
    assert [item["page"] for item in pdf_items] == [2, 3, 4]
    # The meeting page shows it beside the case ("s. 3").
    html = pages(f"/r/{reports[1]['meetings'][0]['reference']}")
    assert "(s. 3)" in html


# --- Links and layout ------------------------------------------------------------------------


def test_news_reporting_a_meeting_links_it_both_ways(tmp_path: Path, pages: Any) -> None:
    # An article reporting a meeting at Heia gård.
    report = import_json(tmp_path / "data", FIXTURES / "news" / "meeting-report.txt")[0]
    news_ref = next(r["reference"] for r in report["records"] if r["kind"] == "news")
    meeting = next(r for r in report["records"] if r["kind"] == "meeting")

    # The news record names the meeting, and the meeting names the news.
    news = show(tmp_path / "data", news_ref)
    assert news["state"]["meeting_ids"] == [meeting["id"]]
    assert show(tmp_path / "data", meeting["reference"])["state"]["news_ids"] == [news["id"]]
    assert report["news"]["meeting_ids"] == [meeting["id"]]

    # A second import of the same file changes nothing and links nothing twice.
    again = import_json(tmp_path / "data", FIXTURES / "news" / "meeting-report.txt")[0]
    assert again["status"] == "unchanged"
    assert show(tmp_path / "data", meeting["reference"])["state"]["news_ids"] == [news["id"]]

    # The news page says which meeting it reports, with a link to it.
    html = pages(f"/r/{news_ref}")
    assert "Omtalt møte" in html
    assert f'href="/r/{meeting["reference"]}"' in html


def test_news_page_shows_subheadings_and_captions_in_place_and_a_cited_document_once(
    tmp_path: Path, pages: Any
) -> None:
    # An article with a crosshead, a named photo caption and a quoted guideline.
    report = import_json(tmp_path / "data", FIXTURES / "news" / "subheading-caption-and-cited-document-bokmal.txt")[0]
    news_ref = report["records"][0]["reference"]
    state = show(tmp_path / "data", news_ref)["state"]

    # The record keeps where each stands among the paragraphs.
    assert state["subheadings"] == ["Skolevei i sentrum"]
    kinds = [(b["kind"], b["at"]) for b in state["blocks"]]
    crosshead_at = next(at for kind, at in kinds if kind == "subheading")
    assert state["paragraphs"][crosshead_at].startswith("Også skoleveien")
    assert ("cited", len(state["paragraphs"])) in kinds  # after the last paragraph
    assert any(kind == "caption" for kind, _ in kinds)

    # The page: the crosshead between the paragraphs it separates, the caption shown,
    # the guideline's words once.
    html = pages(f"/r/{news_ref}")
    before, after = state["paragraphs"][crosshead_at - 1], state["paragraphs"][crosshead_at]
    assert html.index(before) < html.index("Skolevei i sentrum") < html.index(after)
    assert "Ordfører Nina Berg på den nye gangbrua" in html
    assert html.count("Trygge skoleveier er et felles ansvar") == 1


def test_a_role_word_alone_is_the_person_the_archive_knows_in_that_role(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # An article in 2021 names the county mayor: "sier fylkesordfører Marte Haugen (Sp)".
    first = import_json(data, UNSEEN / "role-named-fylkesordforer-bokmal.txt")[0]
    assert speakers(first) == ["Marte Haugen"]

    # A later article says only "sier fylkesordføreren" and names no one: the one person the
    # archive knows in that role is the speaker, marked as found that way.
    second = import_json(data, UNSEEN / "role-word-alone-fylkesordforeren-bokmal.txt")[0]
    (statement,) = second["statements"]
    assert (statement["speaker"], statement["method"], statement["flagged"]) == ("Marte Haugen", "role-registry", False)
    assert statement["confidence"] < 0.9
    stored = show(data, statement["reference"])["state"]
    assert stored["speaker_id"] == show(data, first["statements"][0]["reference"])["state"]["speaker_id"]


def test_a_role_word_alone_stays_unresolved_when_two_people_hold_the_role(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Two articles name two different county mayors (no organisation on either role).
    import_json(data, UNSEEN / "role-named-fylkesordforer-bokmal.txt")
    other = import_json(data, UNSEEN / "role-named-other-fylkesordforer-nynorsk.txt")[0]
    assert speakers(other) == ["Per Sunde"]

    # "sier fylkesordføreren" could be either: the speaker stays unknown, flagged.
    second = import_json(data, UNSEEN / "role-word-alone-fylkesordforeren-bokmal.txt")[0]
    (statement,) = second["statements"]
    assert (statement["speaker"], statement["flagged"]) == (None, True)
    assert statement["role"] == "fylkesordfører"


def test_a_role_word_alone_is_not_given_to_someone_whose_role_had_ended(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The archive knows Marte Haugen as fylkesordfører until the end of 2021 only.
    first = import_json(data, UNSEEN / "role-named-fylkesordforer-bokmal.txt")[0]
    person_id = show(data, first["statements"][0]["reference"])["state"]["speaker_id"]
    _end_role(data, person_id, "fylkesordfører", "2021-12-31")

    # In January 2022 "fylkesordføreren" is someone the archive does not know.
    second = import_json(data, UNSEEN / "role-word-alone-fylkesordforeren-bokmal.txt")[0]
    assert second["statements"][0]["speaker"] is None


def _end_role(data: Path, person_id: str, role: str, day: str) -> None:
    """An archivist records that a role ended (through the archive's own command)."""
    from archive.config import Settings
    from archive.service import ArchiveService

    service = ArchiveService(Settings(data_dir=data), search=False)
    try:
        state = service.archive.record_state(person_id)
        ended = service.archive.end_role(person_id, expected_version=state["version"], role=role, valid_to=day,
                                         recorded_by="arkivar")  # fmt: skip
        service.wait(ended.position)
    finally:
        service.close()
