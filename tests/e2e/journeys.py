"""What every journey step checks: screenshots at two widths, no sideways scrolling on a phone,
no English on the page, nothing loaded from outside the server (issue 13)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PROTOKOLL, free_port, protokoll, wait_until_healthy

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE = FIXTURES / "nordvik-2019-03-06-regionmote-solvik.txt"
AGREEMENT = FIXTURES / "agreement-ferjesamarbeid.json"
WIDE, PHONE = 1280, 390

# Words that give away an untranslated page or an internal name; matched as whole words in the
# text a reader sees (not in URLs or attributes).
ENGLISH = (
    "bearer token", "no record", "known at", "valid at", "None", "Corrected", "Revised", "Registered", "Recorded",
    "byline", "confidence", "effective_from", "effective_to", "speaker_role", "text", "title", "archive.domain",
    "importer", "sample-loader", "speaker", "Search", "Log in", "Log out", "Not Found", "Internal Server Error",
    "version of this page", "in_force", "statement", "agreement", "archivist", "auditor", "mm/dd/yyyy",
    "Timeline", "Version", "unknown", "Revision", "Date", "Status: in", "Reference",
)
_ENGLISH = re.compile(r"(?<![\w./-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w/-])")


@dataclass
class Site:
    base_url: str
    data_dir: Path
    archivist_token: str
    auditor_token: str


@dataclass
class Journey:
    """One user's browser session; `step` checks and photographs the page they are on."""

    page: Any
    base_url: str
    shots: Path
    outside: list[str] = field(default_factory=list)
    steps: int = 0

    def step(self, name: str) -> str:
        """Screenshots at 1280 and 390 px; fails on sideways scroll, English words or outside loads."""
        self.steps += 1
        stem = f"{self.steps:02d}-{name}"
        self.page.set_viewport_size({"width": WIDE, "height": 900})
        self.page.screenshot(path=str(self.shots / f"{stem}-{WIDE}.png"), full_page=True)
        self.page.set_viewport_size({"width": PHONE, "height": 844})
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        self.page.screenshot(path=str(self.shots / f"{stem}-{PHONE}.png"), full_page=True)
        self.page.set_viewport_size({"width": WIDE, "height": 900})
        text = self.page.inner_text("body")
        assert overflow <= 0, f"{name}: {overflow}px of horizontal scrolling at {PHONE}px ({self.page.url})"
        english = sorted(set(_ENGLISH.findall(text)))
        assert english == [], f"{name}: English or internal words on the page: {english} ({self.page.url})"
        assert self.outside == [], f"{name}: resources loaded from outside the server: {self.outside}"
        return text

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def follow(self, selector: str) -> None:
        """Click a link or button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)


def start_journey(browser: Any, site: Site, shots: Path) -> Iterator[Journey]:
    # The browser's own language is English: nothing on our pages may depend on it.
    context = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="en-US")
    page = context.new_page()
    journey = Journey(page, site.base_url, shots)

    def note(request: Any) -> None:
        if request.url.startswith(("http://", "https://")) and not request.url.startswith(site.base_url + "/"):
            journey.outside.append(request.url)

    page.on("request", note)
    yield journey
    context.close()


def serve(data_dir: Path) -> Iterator[Site]:
    """`protokoll serve` on the sample records and the invented article, with two staff tokens."""
    steps = (("sample",), ("import", str(ARTICLE), "--published-at", "2019-03-06"), ("keygen",))
    for args in steps:
        done = protokoll(*args, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
    tokens = {}
    for role, name in (("archivist", "Kari Arkivar"), ("auditor", "Rolf Revisor")):
        made = protokoll("token", "create", "--role", role, "--name", name, data_dir=data_dir)
        assert made.returncode == 0, made.stderr
        tokens[role] = made.stdout.splitlines()[0].strip()
    port = free_port()
    process = subprocess.Popen(
        [*PROTOKOLL, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "warning"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield Site(base_url, data_dir, tokens["archivist"], tokens["auditor"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def count_of(text: str) -> int:
    """'12 treff' → 12."""
    match = re.search(r"(\d[\d\s\u00a0]*) treff", text)
    if match is None:
        pytest.fail(f"no hit count in {text[:200]!r}")
    return int(re.sub(r"\D", "", match.group(1)))
