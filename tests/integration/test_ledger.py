"""Tamper evidence, narrated: checkpoints, proofs, and every way of rewriting history — per backend."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from archive import audit
from archive.config import Settings
from archive.ledger.checkpoint import sign_checkpoint
from archive.ledger.keys import load_private_key
from archive.ledger.merkle import verify_consistency, verify_inclusion
from archive.sample import load_sample
from archive.service import ArchiveService


@pytest.fixture
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    return settings_factory()


@pytest.fixture
def archived(settings: Settings) -> Iterator[tuple[Settings, str]]:
    """An archive with records, a signing key and one checkpoint an auditor kept."""
    with ArchiveService(settings, search=False) as service:
        load_sample(service)
        audit.keygen(settings)
        note = audit.checkpoint(service)
    yield settings, note


@contextmanager
def event_table(settings: Settings) -> Iterator[tuple[Any, str, str]]:
    """The raw event table, as an attacker with database access would see it."""
    if settings.database_url:
        import psycopg

        conn = psycopg.connect(settings.database_url, autocommit=True)
        try:
            yield conn, "protokoll_events", "notification_id"
        finally:
            conn.close()
    else:
        conn = sqlite3.connect(settings.events_path, isolation_level=None)
        try:
            yield conn, "stored_events", "rowid"
        finally:
            conn.close()


def sql(conn: Any, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(statement, params).fetchall()
    cur = conn.execute(statement.replace("?", "%s"), params)
    return cur.fetchall() if cur.description else []


def verify(settings: Settings, notes: list[str]) -> audit.AuditReport:
    with ArchiveService(settings, search=False) as service:
        return audit.verify_archive(service, notes, None)


def test_an_untouched_archive_verifies_against_its_checkpoint(archived: tuple[Settings, str]) -> None:
    settings, note = archived
    report = verify(settings, [note])
    assert report.ok and report.checkpoints_verified == 1, report.problems


def tamper_update(conn: Any, table: str, col: str) -> int:
    (state,) = sql(conn, f"SELECT state FROM {table} WHERE {col} = ?", (10,))[0]
    sql(conn, f"UPDATE {table} SET state = ? WHERE {col} = ?", (bytes(state).replace(b"Nordvik", b"Sorvik") + b" ", 10))
    return 10


def tamper_delete(conn: Any, table: str, col: str) -> int:
    sql(conn, f"DELETE FROM {table} WHERE {col} = ?", (12,))
    return 12


def tamper_swap(conn: Any, table: str, col: str) -> int:
    sql(conn, f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (-1, 20))
    sql(conn, f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (20, 21))
    sql(conn, f"UPDATE {table} SET {col} = ? WHERE {col} = ?", (21, -1))
    return 20


def tamper_forge(conn: Any, table: str, col: str) -> int:
    (topic, state) = sql(conn, f"SELECT topic, state FROM {table} WHERE {col} = ?", (5,))[0]
    forged_id = uuid.uuid4()
    originator = forged_id.hex if isinstance(conn, sqlite3.Connection) else forged_id
    sql(
        conn,
        f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
        (originator, 1, topic, bytes(state)),
    )
    (last,) = sql(conn, f"SELECT MAX({col}) FROM {table}")[0]
    return int(last)


@pytest.mark.parametrize("tamper", [tamper_update, tamper_delete, tamper_swap, tamper_forge])
def test_rewriting_history_is_detected_and_the_first_bad_leaf_named(
    archived: tuple[Settings, str], tamper: Callable[[Any, str, str], int]
) -> None:
    # After the auditor kept a checkpoint, someone with database access rewrites the log.
    settings, note = archived
    with event_table(settings) as (conn, table, col):
        notification_id = tamper(conn, table, col)
    # Verification fails and names the first bad leaf.
    report = verify(settings, [note])
    assert not report.ok
    assert report.first_bad is not None, report.problems
    assert (
        report.first_bad["notification_id"] == notification_id or report.first_bad["leaf_index"] == notification_id - 1
    )


def test_checkpoints_that_are_forged_shrink_or_fork_are_rejected(archived: tuple[Settings, str]) -> None:
    settings, first = archived
    with ArchiveService(settings, search=False) as service:
        key = load_private_key(settings.resolved_signing_key)
        size, root = service.ledger.head()
        service.archive.register_person(name="Ny Person", recorded_by="t")
        second = audit.checkpoint(service)
    # A bad signature.
    forged = first.replace(first.splitlines()[2], "A" * 43 + "=")
    assert not verify(settings, [forged]).ok
    # The same size with a different root (a fork), properly signed.
    fork = sign_checkpoint(settings.ledger_origin, size, bytes(32), key)
    assert not verify(settings, [fork]).ok
    # A later checkpoint smaller than an earlier one.
    assert verify(settings, [first, second]).ok
    assert not verify(settings, [second, first]).ok


def test_proofs_verify_and_a_rebuild_gives_the_same_root(archived: tuple[Settings, str]) -> None:
    settings, _ = archived
    with ArchiveService(settings, search=False) as service:
        size, root = service.ledger.head()
        # Every leaf is provably in the tree, and the tree at 10 is a prefix of the tree now.
        for leaf in (0, size // 2, size - 1):
            p = service.ledger.inclusion_proof(leaf, size)
            assert verify_inclusion(p["leaf_hash"], leaf, size, p["proof"], root)
        c = service.ledger.consistency_proof(10, size)
        assert verify_consistency(10, size, c["from_root"], root, c["proof"])
        # Rebuilding the ledger from the log gives the same root.
        service.rebuild()
        assert service.ledger.head() == (size, root)


def test_export_restore_round_trip_keeps_root_and_digests(
    archived: tuple[Settings, str], tmp_path: Path, settings_factory: Callable[..., Settings]
) -> None:
    settings, _ = archived
    export = tmp_path / "events.jsonl"
    with ArchiveService(settings, search=False) as service, export.open("w", encoding="utf-8") as out:
        size, root = audit.export_events(service, out)
        digests = service.digests()
    target = settings_factory(data_dir=tmp_path / "restored")
    with export.open(encoding="utf-8") as lines:
        result = audit.restore(target, lines)
    assert result["same_root"] and result["same_ids"] and result["ledger_size"] == size
    assert {k: v for k, v in result["digests"].items() if k != "search"} == {
        k: v for k, v in digests.items() if k != "search"
    }
    # Restoring into a non-empty archive is refused.
    with export.open(encoding="utf-8") as lines, pytest.raises(Exception, match="not empty"):
        audit.restore(target, lines)


def test_every_proof_from_the_stored_tree_verifies(settings: Settings) -> None:
    # Enough events that nodes come both from storage (level >= 4) and from leaves (below).
    from archive.ledger.merkle import root_from_leaves

    with ArchiveService(settings, search=False) as service:
        for i in range(40):
            service.archive.record_statement(text=f"Uttalelse {i}", said_at="2020-01-01", recorded_by="t")
        service.catch_up()
        size, root = service.ledger.head()
        leaves = [row["leaf_hash"] for row in service.ledger.leaves()]
        assert size == len(leaves) > 64
        for tree in (1, 2, 15, 16, 17, 33, 64, size):
            assert service.ledger.root(tree) == root_from_leaves(leaves[:tree])
            for leaf in {0, tree // 2, tree - 1}:
                p = service.ledger.inclusion_proof(leaf, tree)
                assert verify_inclusion(p["leaf_hash"], leaf, tree, p["proof"], p["root"])
            if tree > 1:
                c = service.ledger.consistency_proof(tree // 2 or 1, tree)
                assert verify_consistency(c["from"], tree, c["from_root"], c["to_root"], c["proof"])
