"""An auditor verifies a running archive from their own machine, narrated.

They keep a signed checkpoint and the public key; later they fetch the server's event
export over HTTP and verify it — and see it fail after history was rewritten in the database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PROTOKOLL, free_port, protokoll, wait_until_healthy


@pytest.fixture
def archive_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path / "data"
    for args in (("sample",), ("keygen",)):
        assert protokoll(*args, data_dir=data_dir).returncode == 0
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
        yield base_url, data_dir
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_verify_from_url_with_a_kept_checkpoint(archive_server: tuple[str, Path], tmp_path: Path) -> None:
    base_url, data_dir = archive_server
    # The operator signs a checkpoint; the auditor keeps it and the public key.
    checkpoint = protokoll("checkpoint", data_dir=data_dir)
    assert checkpoint.returncode == 0, checkpoint.stderr
    kept = tmp_path / "checkpoint.txt"
    kept.write_text(checkpoint.stdout, encoding="utf-8")
    public_key = data_dir / "keys" / "ledger.pub"
    token = protokoll("token", "create", "--role", "auditor", data_dir=data_dir).stdout.splitlines()[0].strip()

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PROTOKOLL, "verify", "--from", base_url, "--token", token, "--checkpoint", str(kept),
             "--public-key", str(public_key)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )

    # The archive as served verifies against what the auditor kept.
    ok = verify()
    assert ok.returncode == 0, ok.stderr
    assert "1 checkpoint(s) verified" in ok.stdout
    # Someone rewrites a stored event in the database, behind the application's back.
    with sqlite3.connect(data_dir / "events.sqlite") as conn:
        (state,) = conn.execute("SELECT state FROM stored_events WHERE rowid = 8").fetchone()
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 8", (bytes(state) + b" ",))
    # The auditor's verification now fails, from their own machine.
    failed = verify()
    assert failed.returncode == 1
    assert "root mismatch" in failed.stderr or "FAIL" in failed.stderr
    # Without a token the export is refused with a clear one-line error.
    refused = subprocess.run([*PROTOKOLL, "verify", "--from", base_url], cwd=REPO, capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
