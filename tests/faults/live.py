"""A running archive for fault tests: the real app, the real index, background runners, the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.auth import Role
from api.config import WebSettings
from api.main import create_app
from api.tokens import create_token
from archive.service import ArchiveService


@dataclass
class Live:
    client: TestClient
    service: ArchiveService
    data_dir: Path
    archivist: dict[str, str]

    def statement(self, text: str, **headers: str) -> Any:
        body = {"text": text, "said_at": "2021-03-04", "speaker_name": "Kari Nordmann", "party": "Sp"}
        return self.client.post("/api/statements", json=body, headers={**self.archivist, **headers})


@contextmanager
def live_archive(data_dir: Path, **overrides: Any) -> Iterator[Live]:
    """The web app over `data_dir` with its runners following the log in background threads."""
    settings = WebSettings(data_dir=data_dir, search_enabled=True, **overrides)
    service = ArchiveService(settings, search=True)
    token = create_token(settings.resolved_tokens_file, Role.ARCHIVIST, "arkivar-feil")
    try:
        with TestClient(create_app(settings, service), raise_server_exceptions=True) as client:
            yield Live(client, service, data_dir, {"Authorization": f"Bearer {token}"})
    finally:
        service.close()


def protokoll(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "archive.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=300,
    )
