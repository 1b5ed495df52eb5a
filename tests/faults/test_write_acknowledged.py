"""A saved write is acknowledged as saved, however far behind the read models are.

The issue saw `POST /api/statements` wait 10 s during a search catch-up and answer 503 although
the event was stored, so a client retried and recorded it twice. Here the search index is held
mid-catch-up (its runner cannot take its next batch) while writes arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.faults.live import live_archive

ROUNDS = 5


def test_writes_during_a_catch_up_are_202_then_replay_as_201(tmp_path: Path, figures: Callable[[str], None]) -> None:
    with live_archive(tmp_path / "data", write_wait_timeout=30, max_lag=2) as live:
        # Given a caught-up archive (the first write is a plain 201),
        assert live.statement("Regionrådet vil ha flere lærlingplasser.").status_code == 201
        assert live.client.get("/ready").status_code == 200
        runner = live.service.search_runner
        assert runner is not None
        accepted = []
        # while the search index is busy (a catch-up holding its batch lock),
        with runner._step_lock:
            live.service.settings.write_wait_timeout = 0.2  # a held index never catches up: don't wait long
            for n in range(ROUNDS):
                # each write is stored and answered 202 with its reference, position and where to poll,
                key = {"Idempotency-Key": f"laerling-{n}"}
                response = live.statement(f"Lærlingplasser i kommune nummer {n}.", **key)
                assert response.status_code == 202, response.text
                body = response.json()
                assert body["reference"] and body["position"] and body["created"] is True
                assert response.headers["Location"] == f"/api/records/{body['id']}"
                assert body["pending"]["index_position"] < body["position"]
                accepted.append((n, body))
            # search says how far behind it is, and readiness fails once the lag passes max_lag.
            found = live.client.get("/api/search", params={"q": "lærlingplasser"}).json()
            assert found["stale"] is True and found["log_head"] - found["index_position"] >= ROUNDS
            ready = live.client.get("/ready")
            assert ready.status_code == 503 and "behind" in ready.json()["reason"]
        live.service.settings.write_wait_timeout = 30
        # Once the index catches up, a retry with the same key replays the original 201 (no second record),
        for n, body in accepted:
            again = live.statement(f"Lærlingplasser i kommune nummer {n}.", **{"Idempotency-Key": f"laerling-{n}"})
            assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
            assert again.json()["id"] == body["id"]
        # every accepted record is readable and found, and the node is ready again.
        found = live.client.get("/api/search", params={"q": "lærlingplasser"}).json()
        assert found["count"] == ROUNDS + 1 and found["stale"] is False
        assert live.client.get("/ready").status_code == 200
        figures(f"{ROUNDS} writes during a held catch-up: {ROUNDS} x 202, 0 x 5xx; "
              f"retries replayed 201, {found['count']} records found after catch-up")
