"""The read models followed by a projector process (projector = "process"): a server saves in
its own interpreter while a child process projects, and every answer stays the one a thread gives.

Through the front door: the web app with its lifespan (TestClient), writes over HTTP, reads and
searches over HTTP. The child is a real `python -m archive.projector` process.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from archive.readmodels.process import ProjectorLink
from tests.faults.live import live_archive


def link_of(live: object) -> ProjectorLink:
    link = live.service.runner._link  # type: ignore[attr-defined]
    assert isinstance(link, ProjectorLink)
    return link


def test_a_write_is_readable_and_searchable_when_a_process_projects(tmp_path: Path) -> None:
    with live_archive(tmp_path / "data", projector="process") as live:
        # The server's read models are followed by a child process, not by a thread of its own.
        child = link_of(live).process
        assert child.poll() is None and child.pid != os.getpid()
        # A journalist's statement, posted, is in the catalog and the index when the answer comes:
        posted = live.statement("Fylket vil bygge ny ferjekai på Hurum, sa hun.")
        assert posted.status_code == 201, posted.text
        record = live.client.get(f"/api/records/{posted.json()['id']}")
        assert record.status_code == 200 and "ferjekai" in record.text
        found = live.client.get("/api/search", params={"q": "ferjekai"}).json()
        assert found["count"] == 1 and found["stale"] is False
        # and the models report no lag.
        models = live.client.get("/health").json()["read_models"]
        assert {m["lag"] for m in models.values()} == {0}
    # Closing the server ends the child too.
    assert child.poll() is not None


def test_the_server_projects_itself_when_its_projector_process_dies(tmp_path: Path) -> None:
    with live_archive(tmp_path / "data", projector="process") as live:
        assert live.statement("Første innlegg om bompenger.").status_code == 201
        # The projector process is killed (an operator, the OOM killer):
        child = link_of(live).process
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        # the next write is still stored, acknowledged and projected, now by the server's own thread,
        later = live.statement("Andre innlegg om bompenger, etter at prosessen døde.")
        assert later.status_code == 201, later.text
        assert live.service.runner._link is None  # type: ignore[attr-defined]
        found = live.client.get("/api/search", params={"q": "bompenger"}).json()
        assert found["count"] == 2 and found["stale"] is False
