"""A real `protokoll serve` (uvicorn) on a free port with the seed and sample records loaded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
PROTOKOLL = [sys.executable, "-m", "archive.cli"]
STARTUP_SECONDS = 60
POLL_SECONDS = 0.2  # between /health attempts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def protokoll(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PROTOKOLL, *args, "--data-dir", str(data_dir)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})


def wait_until_healthy(base_url: str, process: subprocess.Popen[str]) -> None:
    """Poll /health until it answers 200, pausing between attempts by waiting on the server process,
    so a server that is up but not yet healthy (503) is not asked again at once, and one that exits is noticed."""
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(transport=httpx.HTTPTransport(retries=3), timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(f"{base_url}/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            try:
                process.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                continue  # still running: ask again
            stderr = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"server exited with {process.returncode}: {stderr}")
    raise RuntimeError(f"server at {base_url} not healthy within {STARTUP_SECONDS}s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("e2e-data")
    # Load the shared seed article (Roger Ryberg's "lyttepost") and the sample records (an agreement
    # with a revision and a correction) through the CLI, as an operator would.
    seed = sorted((shared_dir / "seed").glob("*.txt"))
    for args in (("import", *map(str, seed)), ("sample",)):
        done = protokoll(*args, data_dir=data_dir)
        assert done.returncode == 0, done.stderr
    port = free_port()
    process = subprocess.Popen(
        [*PROTOKOLL, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "warning"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Path:
    """Screenshots of each step: test-output/e2e/<test name>/NN-step.png."""
    path = REPO / "test-output" / "e2e" / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path
