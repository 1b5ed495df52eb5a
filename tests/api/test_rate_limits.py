"""One limit whatever the node count: two API nodes share their write buckets.

On PostgreSQL the buckets are rows in the shared database; on SQLite a file in the shared data
directory. The limiters' clock is held still, so no token refills during the test (a 5/min bucket
refills one every 12 s, and a slow machine must not make the count drift).
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from api.ratelimit import RateLimiter
from tests.api.conftest import Scenario, make_scenario

LIMIT = 5
NOW = 1_800_000_000.0


def _hold_clock(node: Scenario) -> None:
    """The node's write limiter, same shared store, with time standing still."""
    ctx = node.client.app.state.web  # type: ignore[attr-defined]
    ctx.write_limiter = RateLimiter("write", LIMIT, ctx.write_limiter.store, clock=lambda: NOW)


def _two_nodes(tmp_path: Path, **settings: Any) -> tuple[Any, Any, Scenario, Scenario]:
    first = make_scenario(tmp_path / "a", write_rate_per_minute=LIMIT, **settings)
    second = make_scenario(tmp_path / "b", write_rate_per_minute=LIMIT, **settings)
    a, b = next(first), next(second)
    _hold_clock(a)
    _hold_clock(b)
    return first, second, a, b


def _create(node: Scenario, name: str, token: dict[str, str]) -> int:
    response = node.client.post("/api/organisations", json={"name": name, "organisation_kind": "kommune"},
                                headers=token)
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) >= 1
    return response.status_code


@pytest.mark.postgres
def test_five_writes_a_minute_across_two_postgresql_nodes_allow_exactly_five(tmp_path: Path, pg_cluster: Any) -> None:
    # Given two nodes over one PostgreSQL database, one token file, a write limit of 5/min,
    url, tokens = pg_cluster.create_database(), tmp_path / "tokens.json"
    first, second, a, b = _two_nodes(tmp_path, database_url=url, tokens_file=tokens)
    # when one archivist (one token, known to both) sends 12 writes alternating between the nodes,
    statuses = [_create((a, b)[n % 2], f"Kommune {n}", a.archivist) for n in range(12)]
    # exactly the first five are stored and the rest get 429 on either node.
    assert statuses[:LIMIT] == [201] * LIMIT and statuses[LIMIT:] == [429] * (12 - LIMIT), Counter(statuses)
    first.close()
    second.close()


@pytest.mark.postgres
def test_racing_writes_on_two_postgresql_nodes_still_allow_exactly_five(tmp_path: Path, pg_cluster: Any) -> None:
    # Given the same two nodes with a fresh bucket,
    url, tokens = pg_cluster.create_database(), tmp_path / "tokens.json"
    first, second, a, b = _two_nodes(tmp_path, database_url=url, tokens_file=tokens)
    # when 16 writes race, 8 on each node at once,
    statuses: list[int] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        status = _create((a, b)[n % 2], f"Kommune {n}", a.archivist)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # the last token is never handed out twice: five stored, eleven refused.
    assert Counter(statuses) == Counter({201: LIMIT, 429: 16 - LIMIT})
    first.close()
    second.close()


def test_two_nodes_on_one_sqlite_data_directory_share_the_limit(tmp_path: Path) -> None:
    # Given two app instances serving one SQLite data directory (as two server processes would),
    first = make_scenario(tmp_path, write_rate_per_minute=LIMIT)
    a = next(first)
    second = make_scenario(tmp_path, write_rate_per_minute=LIMIT)
    b = next(second)
    _hold_clock(a)
    _hold_clock(b)
    # when writes alternate between them, the bucket in the data directory counts them all.
    statuses = [_create((a, b)[n % 2], f"Kommune {n}", a.archivist) for n in range(8)]
    assert statuses == [201] * LIMIT + [429] * (8 - LIMIT), Counter(statuses)
    first.close()
    second.close()
