"""Full and read-only storage, for real: a small tmpfs holds the whole data directory.

A write that cannot be stored is refused (507 full, 503 read-only) naming the file, logged once,
nothing acknowledged; once space is back the same process takes writes again (no restart). The
CLI says which file in one line. Mounting needs root: elsewhere the test skips with the reason
(and fails under CI=true, where the fault suite must run).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.faults.live import live_archive, protokoll

DISK_SIZE = "4m"
BIG_TEXT = " ".join(f"Fylkestinget drøftet samferdsel og skole i sak {n}." for n in range(3000))  # ~150 KB


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = _mount("-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(disk))
    if mounted.returncode != 0:
        skip_or_fail(f"cannot mount a {DISK_SIZE} tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        _mount("-o", "remount,rw", str(disk))
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def fill(disk: Path) -> Path:
    """Write a filler file until the filesystem has no byte left; returns it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:  # unbuffered: nothing left to fail at close
        for chunk in (1 << 16, 1 << 10, 1):
            try:
                while True:
                    out.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def stored_events(data: Path) -> int:
    with sqlite3.connect(f"file:{data / 'events.sqlite'}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def test_a_full_disk_refuses_with_507_naming_the_file_and_recovers(
    small_disk: Path, caplog: pytest.LogCaptureFixture, figures: Callable[[str], None]
) -> None:
    data = small_disk / "data"
    with live_archive(data) as live:
        # Given an archive on a small disk that takes a write,
        assert live.statement("Kommunen vil bygge ny skole.").status_code == 201
        before = stored_events(data)
        # when the disk is full,
        filler = fill(small_disk)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            refused = live.statement(BIG_TEXT)
        # a write is refused with 507 naming the file that could not be written (the first on the
        # request's way: rate limits, then the event store), and nothing was stored or acknowledged,
        assert refused.status_code == 507, refused.text
        message = refused.json()["error"]["message"]
        named = message.split("cannot write ", 1)[1].split(":", 1)[0]
        assert str(data) in named and named.endswith(".sqlite") and "full" in message, message
        assert stored_events(data) == before
        # logged once, in one line (no traceback),
        logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(logged) == 1 and logged[0].exc_info is None and named in logged[0].getMessage()
        # the CLI (no rate limits on its way) names the event store in one line and exits non-zero,
        cli = protokoll(data, "sample")
        assert cli.returncode != 0 and "Traceback" not in cli.stderr
        assert len(cli.stderr.strip().splitlines()) == 1 and "events.sqlite" in cli.stderr, cli.stderr
        # and once space is back the same process stores the same write (no restart).
        filler.unlink()
        again = live.statement(BIG_TEXT)
        assert again.status_code == 201, again.text
        assert stored_events(data) > before
        assert live.client.get("/ready").status_code == 200
        figures(f"disk full ({DISK_SIZE} tmpfs): 507 naming {Path(named.split()[-1]).name}, {len(logged)} log line, "
              f"0 events stored; after freeing space: 201 (events {before} -> {stored_events(data)})")


def test_read_only_storage_is_named_in_one_line(
    small_disk: Path, tmp_path: Path, figures: Callable[[str], None]
) -> None:
    # Given an archive with records, seen through a read-only bind mount
    # (an open database cannot be switched to read-only under a running server: the kernel refuses
    # while files are open for writing, so the running-server case is the full disk above),
    data = small_disk / "data"
    assert protokoll(data, "sample").returncode == 0
    view = tmp_path / "read-only"
    view.mkdir()
    assert _mount("--bind", str(small_disk), str(view)).returncode == 0
    try:
        assert _mount("-o", "remount,ro,bind", str(view)).returncode == 0
        # a write through the CLI fails in one line naming the storage, with a non-zero exit,
        imported = tmp_path / "records.jsonl"
        imported.write_text('{"kind": "person", "key": "p-1", "name": "Ola Lesevern"}\n', encoding="utf-8")
        cli = protokoll(view / "data", "import", str(imported))
        assert cli.returncode != 0 and "Traceback" not in cli.stderr
        line = cli.stderr.strip().splitlines()[-1]
        assert "read-only" in line or "readonly" in line, cli.stderr
        assert str(view / "data") in line, cli.stderr
        # and the same archive, writable again, takes the import.
        assert protokoll(data, "import", str(imported)).returncode == 0
        figures(f"read-only storage: {line[:160]}")
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True, timeout=30)
