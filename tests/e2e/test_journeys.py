"""Three people's click paths through a real server in a real browser (issue 13).

Each step asserts a non-empty, correct answer and goes through `Journey.step`: screenshots at
1280 and 390 px in test-output/e2e/, no sideways scrolling on a phone, no English words, nothing
loaded from outside the server. The archive holds the sample records and an invented article
(tests/e2e/fixtures), so nothing here depends on ../shared.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from tests.conftest import REPO
from tests.e2e.conftest import PROTOKOLL
from tests.e2e.journeys import AGREEMENT, Journey, Site, count_of, serve, start_journey

pytestmark = pytest.mark.e2e
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from serve(tmp_path_factory.mktemp("journeys"))


@pytest.fixture
def journey(browser: Any, site: Site, shots: Path) -> Iterator[Journey]:
    yield from start_journey(browser, site, shots)


def test_journalist(journey: Journey, site: Site) -> None:
    page = journey.page
    # The front page offers a search and says what the archive holds.
    journey.open("/")
    text = journey.step("forside")
    assert "Uttalelser" in text and "Avtaler" in text
    # She searches for "samarbeid" from the big search box.
    page.fill("#q", "samarbeid")
    journey.follow(".big-search button[type=submit]")
    text = journey.step("sok")
    total = count_of(text)
    assert total > 0 and page.locator("ol.hits li.hit").count() > 0
    search_url = page.url
    # Every facet value shown, clicked, gives exactly the count it showed.
    facets = [(a.get_attribute("href"), a.inner_text(), int(re.sub(r"\D", "", a.evaluate(
        "a => a.parentElement.textContent.slice(a.parentElement.textContent.lastIndexOf('('))"))))
        for a in page.locator("aside.facets li a").all()]
    assert facets, "the search shows no facets"
    for number, (href, label, shown) in enumerate(facets, start=1):
        journey.open(href)
        text = journey.step(f"fasett-{number}")
        assert count_of(text) == shown, f"facet {label!r} showed {shown}, gave {count_of(text)}"
        assert page.locator("ol.hits li.hit").count() == min(shown, 20)
    # She asks for everything one person said, typing only the surname, in lower case.
    journey.open("/search?" + urlsplit(search_url).query)
    page.fill("#q", "")
    page.click("details summary")
    page.fill("input[name=speaker]", "lysaker")
    journey.follow(".search-form button[type=submit]")
    text = journey.step("person-filter")
    hits = page.locator("ol.hits li.hit a").all_inner_texts()
    assert count_of(text) == len(hits) == 3  # her three quotes in the invented article
    assert all(h.startswith("Hanne Lysaker:") for h in hits), hits
    filtered_url = page.url
    # She opens one of the statements.
    journey.follow("ol.hits li.hit a")
    text = journey.step("uttalelse")
    assert page.inner_text("blockquote.quote").strip("«» ") and "Hanne Lysaker" in page.inner_text("dd.speaker")
    assert "sikkerhet" in text and "%" in text
    # The speaker's page lists her statements.
    journey.follow("dd.speaker a")
    journey.step("person")
    assert page.inner_text("h1") == "Hanne Lysaker"
    assert page.locator("ol.statements li").count() >= len(hits)
    # The feed of her filtered search is valid Atom with one entry per hit.
    journey.open("/search?" + urlsplit(filtered_url).query)
    feed_href = page.locator("footer a", has_text="Atom").get_attribute("href")
    assert feed_href and feed_href.startswith("/search.atom?")
    assert parse_qs(urlsplit(feed_href).query).get("speaker") == ["lysaker"]
    response = page.request.get(site.base_url + feed_href)
    assert response.ok and "application/atom+xml" in response.headers["content-type"]
    feed = etree.fromstring(response.body())
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(hits)
    for entry in entries:
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry.findtext(f"{ATOM}id") or "")
        assert (entry.findtext(f"{ATOM}title") or "").startswith("Hanne Lysaker:")
        assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}summary")


def test_archivist(journey: Journey, site: Site) -> None:
    page = journey.page
    # Kari logs in with the key the operator made for her.
    journey.open("/login")
    journey.step("innlogging")
    page.fill("#token", site.archivist_token)
    journey.follow("form[action='/login'] button[type=submit]")
    text = journey.step("innlogget")
    assert "Innlogget som Kari Arkivar (arkivar)" in text
    # She imports an agreement from a file through the API; parties are named, not ids.
    body = json.loads(AGREEMENT.read_text(encoding="utf-8"))
    auth = {"Authorization": f"Bearer {site.archivist_token}"}
    created = page.request.post(site.base_url + "/api/agreements", data=body, headers=auth)
    assert created.status == 201, created.text()
    record = created.json()
    reference = record["reference"]
    assert re.fullmatch(r"\d{4}/\d{4}", reference)
    # The permalink shows what she imported, with both parties linked.
    journey.open(f"/r/{reference}")
    text = journey.step("permalenke")
    assert page.inner_text("h1") == body["title"]
    assert page.locator("ul.parties li a").all_inner_texts() == body["parties"]
    assert "1. mai 2019" in text and "gjeldende" in text
    # She corrects the title: the archive had recorded a word wrong.
    corrected_title = body["title"].replace("ferjeruter", "ferje- og hurtigbåtruter")
    corrected = page.request.post(
        site.base_url + f"/api/agreements/{reference}/corrections",
        data={"expected_version": record["version"], "corrects_version": record["version"],
              "changes": {"title": corrected_title}, "reason": "Hurtigbåtene manglet i tittelen"},
        headers=auth)
    assert corrected.ok, corrected.text()
    journey.open(f"/r/{reference}")
    journey.step("rettet")
    assert page.inner_text("h1") == corrected_title
    # The timeline shows the correction, by her, with the field in Norwegian.
    journey.follow("a.timeline-link")
    text = journey.step("tidslinje")
    rows = page.locator("table.versions tbody tr").all_inner_texts()
    assert len(rows) == 2 and "Rettet" in rows[1] and "Kari Arkivar" in rows[1]
    change = page.locator("table.change-log tbody tr").first.inner_text()
    assert "Tittel" in change and "rettelse" in change and corrected_title in change
    assert "Hurtigbåtene manglet i tittelen" in change
    # She exports the timeline as CSV from the link on the page.
    csv_href = page.locator("footer a", has_text="CSV").get_attribute("href")
    exported = page.request.get(site.base_url + csv_href)
    assert exported.ok and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text().strip().splitlines()
    assert lines[0].startswith("version,event_type") and len(lines) == 3 and "Corrected" in lines[2]


def test_auditor(journey: Journey, site: Site) -> None:
    page = journey.page
    # Rolf logs in as auditor.
    journey.open("/login")
    page.fill("#token", site.auditor_token)
    journey.follow("form[action='/login'] button[type=submit]")
    assert "Hendelseslogg" in journey.step("innlogget")
    # He finds the partnership agreement and opens its timeline.
    journey.open("/records?kind=agreement")
    journey.follow("ul.records a:has-text('Partnerskapsavtale')")
    reference = urlsplit(page.url).path.removeprefix("/r/")
    journey.follow("a.timeline-link")
    text = journey.step("tidslinje")
    rows = page.locator("table.versions tbody tr").all_inner_texts()
    assert len(rows) == 3 and "Registrert" in rows[0] and "Revidert" in rows[1] and "Rettet" in rows[2]
    history = page.request.get(f"{site.base_url}/api/records/{reference}/history").json()["data"]
    # As it stood on a date in the first agreement period (valid time).
    page.fill(".as-of-form input[name=valid_at]", "2020-06-01")
    journey.follow(".as-of-form button[type=submit]")
    text = journey.step("gyldig-dato")
    assert "Slik posten sto den 1. juni 2020" in text and "versjon 1" in page.inner_text(".banner.as-of")
    assert history[0]["content"]["text"].split("\n")[0][:40] in text
    # As the archive knew it just before the correction (record time): version 2, old title.
    page.fill(".as-of-form input[name=valid_at]", "")
    page.fill(".as-of-form input[name=known_at]", history[1]["recorded_at"])
    journey.follow(".as-of-form button[type=submit]")
    journey.step("kjent-tidspunkt")
    assert "versjon 2" in page.inner_text(".banner.as-of")
    assert page.inner_text("h1") == history[1]["content"]["title"] != history[2]["content"]["title"]
    # The diff between the first and the last version names the fields in Norwegian.
    journey.open(f"/r/{reference}/timeline")
    page.select_option("select[name=from]", "1")
    page.select_option("select[name=to]", "3")
    journey.follow(".diff-form button[type=submit]")
    journey.step("endringer")
    headings = page.locator("section.diff h3").all_inner_texts()
    assert {"Tittel", "Tekst", "Gjelder fra"} <= set(headings), headings
    assert page.locator("section.diff ins").count() > 0
    # The event log names events and shows references, not topics and ids.
    journey.follow("nav a[href='/events']")
    text = journey.step("hendelseslogg")
    assert "Referansenummer tildelt" in text and "Avtale: Revidert" in text and "Avtale: Rettet" in text
    assert page.locator(f"td.event-record a[href='/r/{reference}']").count() >= 3
    # He verifies the running archive's log from his own machine.
    verified = subprocess.run([*PROTOKOLL, "verify", "--from", site.base_url, "--token", site.auditor_token],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.strip()
