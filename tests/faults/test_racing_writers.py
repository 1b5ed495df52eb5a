"""8 writers race on one record with the same expected_version, 20 rounds: exactly one wins each round.

Through the HTTP API (the app in-process, writes on its threadpool, so the commands really race);
the losers get 409 and the record's history has exactly one version per round.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Scenario, make_scenario

WRITERS = 8
ROUNDS = 20


def _race(node: Scenario, record_id: str, expected: int, round_number: int) -> list[int]:
    """Eight renames sent at once, each with `expected` as the version it read; their statuses."""
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def rename(writer: int) -> None:
        start.wait()  # all writers leave together
        response = node.client.post(f"/api/people/{record_id}/rename", headers=node.archivist,
                                    json={"expected_version": expected, "name": f"Kari {round_number}-{writer}",
                                          "reason": "navnebytte"})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=rename, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Scenario]:
    yield from make_scenario(tmp_path, write_rate_per_minute=10_000)


def test_eight_racing_writers_twenty_rounds_exactly_one_winner_each(
    node: Scenario, figures: Callable[[str], None]
) -> None:
    # Given a registered person at version 1,
    person = node.post("/api/people", {"name": "Kari Nordmann", "party": "Sp"})
    version = person["version"]
    winners_per_round: list[int] = []
    for round_number in range(ROUNDS):
        # when eight writers rename the person at once from the same version,
        statuses = _race(node, person["id"], version, round_number)
        counts = Counter(statuses)
        # exactly one is stored and the seven others are told the version is stale.
        assert counts[200] == 1 and counts[409] == WRITERS - 1, counts
        winners_per_round.append(counts[200])
        version += 1
    # The record's history holds one version per round, no more.
    history = node.client.get(f"/api/records/{person['id']}/history", headers=node.auditor).json()
    figures(f"racing writers: {WRITERS} x {ROUNDS} rounds, winners per round {Counter(winners_per_round)}, "
            f"versions {history['count']}")
    assert history["count"] == 1 + ROUNDS
