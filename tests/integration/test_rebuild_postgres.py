"""`protokoll rebuild` on PostgreSQL builds beside the live tables and swaps them in, or leaves them be.

The fresh tables are built in a scratch schema of the same database and moved in by renaming in
one transaction; a rebuild that stops at an unreadable event (part-way through: small batches)
drops its scratch and the live tables keep serving the same rows; two nodes never rebuild at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from archive.config import Settings
from archive.readmodels.rebuild import REBUILD_LOCK_KEY, SCRATCH_PREFIX
from archive.service import ArchiveService

pytestmark = pytest.mark.postgres

ME = "arkivar@test"
TABLES = ("rm_records", "rm_history", "rm_people", "rm_ledger_leaves")


def protokoll(data_dir: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process against the shared database, as an operator on one node runs it."""
    env = {**os.environ, "PROTOKOLL_DATABASE_URL": url, "PROTOKOLL_PROJECTION_BATCH_SIZE": "2"}
    return subprocess.run([sys.executable, "-m", "archive.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=300, env=env)


def fill(settings: Settings) -> dict[str, str]:
    """Seven statements by two speakers, one corrected; returns the read models' digests."""
    with ArchiveService(settings, search=False) as svc:
        refs = []
        for n in range(7):
            speaker = "Kari Nordmann" if n % 2 else "Per Hansen"
            refs.append(svc.archive.record_statement(
                text=f"Kommunen må prioritere skolebygg i budsjettet, innlegg {n}.", said_at="2019-10-1" + str(n),
                speaker_name=speaker, recorded_by=ME))
        svc.catch_up()
        return svc.digests()


def table_oids(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: int(conn.execute("SELECT %s::regclass::oid", (t,)).fetchone()[0]) for t in TABLES}  # type: ignore[index]


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def scratch_schemas(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", (SCRATCH_PREFIX,))
        return [r[0] for r in found.fetchall()]


def append_poison(url: str) -> int:
    """A statement event without its timestamp, inserted behind the application's back; its notification id."""
    with psycopg.connect(url) as conn:
        table = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%events' "
            "AND table_schema = current_schema()"
        ).fetchone()[0]  # type: ignore[index]
        topic, state = conn.execute(
            f"SELECT topic, state FROM {table} WHERE topic LIKE '%%Statement%%' ORDER BY notification_id LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        broken = json.loads(bytes(state))
        del broken["timestamp"]
        conn.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, 1, %s, %s)",
            (uuid.uuid4(), topic, json.dumps(broken).encode()),
        )
        return int(conn.execute(f"SELECT max(notification_id) FROM {table}").fetchone()[0])  # type: ignore[index]


def test_a_successful_rebuild_swaps_fresh_tables_in_with_equal_digests(pg_cluster: Any, tmp_path: Path) -> None:
    # Given an archive in PostgreSQL with its read models caught up,
    url = pg_cluster.create_database()
    before = fill(Settings(data_dir=tmp_path / "a", database_url=url))
    oids, served = table_oids(url), rows(url)
    # when the operator rebuilds,
    rebuilt = protokoll(tmp_path / "a", url, "rebuild", "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    # every digest is the same as before, and the rows are the same rows,
    report = json.loads(rebuilt.stdout)
    assert {name: report[name]["after"] for name in before} == before
    assert rows(url) == served
    # in new tables (they were swapped in, not refilled in place), with no scratch schema left behind.
    assert all(oid != oids[t] for t, oid in table_oids(url).items())
    assert scratch_schemas(url) == []


def test_a_rebuild_that_stops_midway_leaves_the_live_tables_serving(pg_cluster: Any, tmp_path: Path) -> None:
    # Given an archive whose read models are caught up,
    url = pg_cluster.create_database()
    fill(Settings(data_dir=tmp_path / "a", database_url=url))
    oids, served = table_oids(url), rows(url)
    # and an unreadable event appended after them (the scratch build stops there after several batches of 2),
    poison = append_poison(url)
    rebuilt = protokoll(tmp_path / "a", url, "rebuild")
    # the rebuild refuses in one line naming the event,
    assert rebuilt.returncode == 1 and "Traceback" not in rebuilt.stderr
    assert f"stored event {poison}" in rebuilt.stderr and "left as they were" in rebuilt.stderr
    # the live tables are the same tables with the same rows (the ledger has since taken the event in:
    # it hashes stored bytes), and the scratch schema is gone,
    assert table_oids(url) == oids
    after = rows(url)
    records = [t for t in TABLES if t != "rm_ledger_leaves"]
    assert {t: after[t] for t in records} == {t: served[t] for t in records}
    assert after["rm_ledger_leaves"][: len(served["rm_ledger_leaves"])] == served["rm_ledger_leaves"]
    assert scratch_schemas(url) == []
    # and the records are still served through the archive.
    status = json.loads(protokoll(tmp_path / "a", url, "status", "--json").stdout)
    assert status["read_models"]["catalog"]["position"] == poison - 1
    assert status["stopped"][0]["event"]["notification_id"] == poison


def test_two_nodes_never_rebuild_at_once(pg_cluster: Any, tmp_path: Path) -> None:
    # Given an archive, and another node holding the rebuild lock (it is rebuilding),
    url = pg_cluster.create_database()
    fill(Settings(data_dir=tmp_path / "a", database_url=url))
    oids = table_oids(url)
    with psycopg.connect(url, autocommit=True) as other:
        assert other.execute("SELECT pg_try_advisory_lock(%s)", (REBUILD_LOCK_KEY,)).fetchone() == (True,)
        # this node's rebuild refuses at once, naming why, and touches nothing;
        refused = protokoll(tmp_path / "b", url, "rebuild")
        assert refused.returncode == 1 and "another node is rebuilding" in refused.stderr
        assert table_oids(url) == oids and scratch_schemas(url) == []
    # once the other node is done, the rebuild goes ahead.
    assert protokoll(tmp_path / "b", url, "rebuild").returncode == 0
    assert table_oids(url) != oids
