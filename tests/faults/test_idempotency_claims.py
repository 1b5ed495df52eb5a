"""Idempotency-Key claims live in the events' transaction: crashes and other nodes replay the first answer.

- After a crash between the save and keeping the answer (the claim is stored with the events,
  the answer is not), a retry gets the original 201 with the same body, not a 409 or a twin.
- Two nodes sharing PostgreSQL, one key sent to both at once with different bodies: exactly one
  request stores an event; the other is told 422 (the key was used for a different request).
- The same with identical bodies: one event, and both answers are the same 201.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.api.conftest import make_scenario

ROUNDS = 10


def test_a_retry_after_a_crash_before_the_answer_was_kept_replays_the_201(
    tmp_path: Path, figures: Callable[[str], None]
) -> None:
    scenario = make_scenario(tmp_path)
    s = next(scenario)
    body = {"text": "Vi må samarbeide om ferjene.", "said_at": "2022-05-02", "speaker_name": "Ola Nordmann"}
    headers = {**s.archivist, "Idempotency-Key": "ferje-1"}
    # Given a create that was stored and answered 201,
    first = s.client.post("/api/statements", json=body, headers=headers)
    assert first.status_code == 201
    # when the process died after the save but before keeping the answer (claim without answer),
    with sqlite3.connect(tmp_path / "data" / "events.sqlite") as db:
        assert db.execute("UPDATE idempotency_claims SET status = NULL, body = NULL").rowcount == 1
        events = db.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    # the retry replays the same 201 and body, and stores nothing.
    again = s.client.post("/api/statements", json=body, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again.headers["Location"] == first.headers["Location"]
    with sqlite3.connect(tmp_path / "data" / "events.sqlite") as db:
        assert db.execute("SELECT count(*) FROM stored_events").fetchone()[0] == events
    figures("claim without answer (crash window): retry replayed 201 with the identical body, 0 new events")
    scenario.close()


def test_one_key_on_two_postgresql_nodes_at_once_stores_one_event(
    tmp_path: Path, pg_cluster: Any, figures: Callable[[str], None]
) -> None:
    # Given two API nodes over one PostgreSQL database, sharing the token file,
    url, tokens = pg_cluster.create_database(), tmp_path / "tokens.json"
    nodes = [make_scenario(tmp_path / name, database_url=url, tokens_file=tokens) for name in ("a", "b")]
    a, b = (next(n) for n in nodes)
    outcomes: dict[str, int] = {}
    try:
        for n in range(ROUNDS):
            outcome = _race(a, b, n)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        for node in nodes:
            node.close()
    figures(f"{ROUNDS} two-node races on one key: " + ", ".join(f"{k} x{v}" for k, v in sorted(outcomes.items())))


def _race(a: Any, b: Any, n: int) -> str:
    """Send one key to both nodes at once; check the outcome; return it as a label."""
    key = {**a.archivist, "Idempotency-Key": f"node-race-{n}"}
    same = n % 2 == 0  # even rounds: the same body twice (a retry); odd: two different bodies
    bodies = [{"text": f"Innlegg {n} fra node {'a' if same else side}.", "said_at": "2022-05-02",
               "speaker_name": "Kari Nordmann"} for side in ("a", "b")]
    answers: list[Any] = [None, None]
    barrier = threading.Barrier(2)

    def send(i: int, node: Any) -> None:
        barrier.wait()
        answers[i] = node.client.post("/api/statements", json=bodies[i], headers=key)

    # when the same key reaches both nodes at the same moment,
    threads = [threading.Thread(target=send, args=(i, node)) for i, node in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in answers)
    # exactly one statement is stored (both answers name one record),
    found = [r.json() for r in answers if r.status_code in (200, 201, 202)]
    assert len({f["id"] for f in found}) == 1
    if same:
        # a retry race: both answers are the first one (201), one of them replayed;
        assert statuses == [201, 201], [r.text for r in answers]
        assert found[0] == found[1]
    else:
        # different bodies: one 201, the other refused with 422 — never silently dropped.
        assert statuses == [201, 422], [r.text for r in answers]
    return f"{'same body' if same else 'different bodies'} {statuses}"
