"""The read models followed by a child process, so saving and projecting use two cores.

One interpreter cannot save and project at the same time: both are Python work (about 60 µs
an event each, bench/ingest.py), so with the read-model runner as a thread a sustained ingest
gets about half the rate of plain saves. With `projector = "process"` (PROTOKOLL_PROJECTOR) the
runner's work moves to `python -m archive.projector`; this process keeps the runner object
(positions, errors, waiting for a position, waking the search index) and hears from the child
after every batch. The link, both ways:

  parent → child (stdin)   a byte per save: there is more to read (the child polls as well,
                           for writes of other processes); end of input: stop.
  child → parent (stdout)  a JSON line whenever something changed: each projection's durable
                           position and why those stopped did (archive.faults.error_report).

The child gets the parent's settings as JSON in PROTOKOLL_PROJECTOR_SETTINGS and ends when the
parent closes its input (or dies: the pipe closes too). If the child dies, the parent's runner
logs it and follows the log in a thread of its own (ProjectionRunner), so nothing stops being
projected. The search index stays in the parent, behind the read models it reads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from archive.config import Settings

log = logging.getLogger(__name__)

SETTINGS_ENV = "PROTOKOLL_PROJECTOR_SETTINGS"


def settings_json(settings: Settings) -> str:
    """The settings the child needs, as the constructor arguments that rebuild them."""
    return settings.model_dump_json(include=set(Settings.model_fields))


def settings_from_json(text: str) -> Settings:
    return Settings(**orjson.loads(text))


class ProjectorLink:
    """The parent's end of a projector process: wake it, read its reports, stop it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        if process.stdin is None or process.stdout is None:
            raise ValueError("the projector process needs pipes for its input and output")
        self.process = process
        self._stdin = process.stdin
        self._stdout = process.stdout
        os.set_blocking(self._stdin.fileno(), False)  # a full pipe means a wake is pending already
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def spawn(cls, settings: Settings) -> ProjectorLink:
        root = str(Path(__file__).resolve().parents[2])  # this checkout's archive package, not another
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, SETTINGS_ENV: settings_json(settings), "PYTHONPATH": path}
        process = subprocess.Popen(
            [sys.executable, "-m", "archive.projector"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        return cls(process)

    def wake(self) -> None:
        """Tell the child there is more to read (never blocks: a wake already pending is enough)."""
        with self._lock:
            if self._closed:
                return
            # A full pipe: a wake is pending already; a broken one: the child is gone (its reader sees that).
            with contextlib.suppress(BlockingIOError, BrokenPipeError):
                os.write(self._stdin.fileno(), b"\n")

    def reports(self) -> Iterator[dict[str, Any]]:
        """The child's reports, as they come, until its output ends."""
        for line in self._stdout:
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                log.warning("projector process wrote something that is not a report: %r", line[:200])

    def close(self, timeout: float = 30.0) -> int:
        """Close the child's input (it stops after its batch) and wait for it; returns its exit code."""
        with self._lock:
            if not self._closed:
                self._closed = True
                with contextlib.suppress(OSError):
                    self._stdin.close()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
