"""A journalist's path through the site in a real browser, without JavaScript of ours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_search_statement_person_agreement_timeline_diff(server: str, browser: Any, shots: Path) -> None:
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    # Search for the word from the seed article.
    page.goto(f"{server}/")
    page.fill("#q", "lyttepost")
    page.click(".big-search button[type=submit]")
    page.wait_for_load_state()
    assert "<mark>" in page.inner_html("ol.hits")
    page.screenshot(path=str(shots / "01-search.png"), full_page=True)

    # Open the statement.
    page.click("ol.hits li.hit:has(.kind:text-is('Uttalelse')) a")
    page.wait_for_load_state()
    assert "lyttepost" in page.inner_text("blockquote.quote")
    assert "Roger Ryberg" in page.inner_text("dd.speaker")
    page.screenshot(path=str(shots / "02-statement.png"), full_page=True)

    # Follow the speaker to Roger Ryberg's page.
    page.click("dd.speaker a")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Roger Ryberg"
    assert "lyttepost" in page.inner_text("ol.statements")
    page.screenshot(path=str(shots / "03-person.png"), full_page=True)

    # Find the partnership agreement and open its timeline.
    page.goto(f"{server}/records?kind=agreement")
    page.click("ul.records a:has-text('Partnerskapsavtale')")
    page.wait_for_load_state()
    page.click("a.timeline-link")
    page.wait_for_load_state()
    assert page.locator("table.versions tbody tr").count() >= 3
    page.screenshot(path=str(shots / "04-timeline.png"), full_page=True)

    # Compare the first and the last version with the GET form.
    page.select_option("select[name=from]", index=0)
    page.click(".diff-form button[type=submit]")
    page.wait_for_load_state()
    diff = page.inner_html("section.diff")
    assert "<ins>" in diff or "<del>" in diff
    page.screenshot(path=str(shots / "05-diff.png"), full_page=True)

    # Our pages run no script and break no CSP rule.
    assert console_errors == []
    page.close()
