"""Schemathesis against the served /openapi.json, as anonymous and as an archivist, with all checks.

A real `protokoll serve` on 127.0.0.1 with the sample records; `st run` as a client would run it,
bounded (5 examples per operation, one worker, a fixed seed): the OpenAPI document must tell the
truth about statuses, media types, bodies, Allow headers and what is valid. The figures go to the fault suite's summary.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PROTOKOLL, free_port, protokoll, wait_until_healthy

ST = Path(sys.executable).with_name("st")
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data_dir = tmp_path_factory.mktemp("schemathesis-data")
    # The sample records give the fuzzer real ids and references to find (the schema's examples).
    assert protokoll("sample", data_dir=data_dir).returncode == 0
    made = protokoll("token", "create", "--role", "archivist", data_dir=data_dir)
    token = re.search(r"Bearer (pk_[\w-]+)", made.stdout + made.stderr)
    assert token, made.stdout + made.stderr
    port = free_port()
    # Rate limits high enough for the run: 429 is documented, but would stop it exploring.
    env = {**os.environ, "PYTHONPATH": str(REPO), "PROTOKOLL_WRITE_RATE_PER_MINUTE": "1000000",
           "PROTOKOLL_SEARCH_RATE_PER_MINUTE": "1000000"}
    process = subprocess.Popen(
        [*PROTOKOLL, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
         "--log-level", "warning"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield base_url, token.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("role", ["anonymous", "archivist"])
def test_the_openapi_document_tells_the_truth(
    served: tuple[str, str], role: str, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    base_url, token = served
    report = tmp_path / "report.json"
    # Every check, every phase; bounded by examples per operation, not by time.
    command = [str(ST), "--config-file", str(HERE / "schemathesis.toml"), "run", f"{base_url}/openapi.json",
               "--checks", "all", "--max-examples", "5", "--seed", "20161", "--workers", "1",
               "--report", "json", "--report-json-path", str(report), "--output-truncate", "true"]
    if role == "archivist":
        command += ["-H", f"Authorization: Bearer {token}"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "SCHEMATHESIS_HOOKS": "tests.faults.schemathesis_hooks",
           "NO_COLOR": "1"}
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(report.read_text())
    cases = result["test_cases"]
    failures = len(result["failures"])
    figures(f"schemathesis as {role}: {result['operations'].get('tested', result['operations'])} operations, "
            f"{cases.get('generated', cases)} test cases, {failures} failures, {len(result['errors'])} errors, "
            f"{result['running_time']:.1f} s")
    assert failures == 0 and not result["errors"], run.stdout[-8000:]
    assert run.returncode == 0, run.stdout[-8000:]
