"""The ledger: an RFC 6962 Merkle tree over the notification log, for tamper evidence.

Leaf i is the hash of the i-th stored event's canonical bytes (`archive.ledger.leaf`),
computed from the stored state bytes, so it works with compression or encryption. The leaf
index is the position in the tree, not the notification id (PostgreSQL ids can have gaps).
Leaves, perfect-subtree nodes and the tracking position commit in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from archive.exceptions import InvalidCommand
from archive.ledger.leaf import event_leaf_hash, node_hash
from archive.ledger.merkle import EMPTY_ROOT, CompactRange, MerkleTree, MissingNodeError, Node
from archive.readmodels.base import LoggedEvent, RecordModel
from archive.readmodels.db import Cursor

# Interior nodes below this level are not stored: a proof recomputes one from at most
# 2**STORED_FROM_LEVEL leaves, and ingest writes about 1/8 of the nodes it otherwise would.
STORED_FROM_LEVEL = 4


class SqlNodeStore:
    """Perfect-subtree hashes: leaves in `rm_ledger_leaves`, high nodes in `rm_ledger_nodes`."""

    def __init__(self, cur: Cursor) -> None:
        self.cur = cur

    def get(self, level: int, index: int) -> bytes:
        if 0 < level < STORED_FROM_LEVEL:
            return self._from_leaves(level, index)
        if level == 0:  # leaves live in rm_ledger_leaves only
            row = self.cur.execute(
                "SELECT leaf_hash AS hash FROM rm_ledger_leaves WHERE leaf_index = ?", (index,)
            ).fetchone()
        else:
            row = self.cur.execute(
                "SELECT hash FROM rm_ledger_nodes WHERE level = ? AND idx = ?", (level, index)
            ).fetchone()
        if row is None:
            raise MissingNodeError(f"ledger node ({level}, {index}) is missing")
        return bytes(row["hash"])

    def _from_leaves(self, level: int, index: int) -> bytes:
        width = 1 << level
        rows = self.cur.execute(
            "SELECT leaf_hash FROM rm_ledger_leaves WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            (index * width, (index + 1) * width),
        ).fetchall()
        if len(rows) != width:
            raise MissingNodeError(f"ledger node ({level}, {index}) is missing leaves")
        hashes = [bytes(r["leaf_hash"]) for r in rows]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def put_many(self, nodes: Iterable[Node]) -> None:
        self.cur.executemany(
            "INSERT INTO rm_ledger_nodes (level, idx, hash) VALUES (?, ?, ?)",
            [(level, index, value) for level, index, value in nodes if level >= STORED_FROM_LEVEL],
        )


class Ledger(RecordModel):
    name = "ledger"
    needs_replay = False  # hashes the stored bytes: goes on past an event nobody can decode
    tables = ("rm_ledger_leaves", "rm_ledger_nodes")
    digest_queries = (
        "SELECT leaf_index, notification_id, originator_id, originator_version, topic, leaf_hash "
        "FROM rm_ledger_leaves ORDER BY leaf_index",
    )

    def create(self, cur: Cursor) -> None:
        postgres = self.db.dialect == "postgres"
        blob = "BYTEA" if postgres else "BLOB"
        # SQLite: INTEGER PRIMARY KEY is the rowid and WITHOUT ROWID keeps nodes in their key's
        # b-tree, one b-tree less to write per row each.
        key = "BIGINT" if postgres else "INTEGER"
        without_rowid = "" if postgres else " WITHOUT ROWID"
        cur.execute(
            f"""CREATE TABLE IF NOT EXISTS rm_ledger_leaves (
                leaf_index {key} PRIMARY KEY, notification_id BIGINT NOT NULL UNIQUE,
                originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL,
                leaf_hash {blob} NOT NULL)"""
        )
        cur.execute(
            f"""CREATE TABLE IF NOT EXISTS rm_ledger_nodes (
                level INTEGER NOT NULL, idx BIGINT NOT NULL, hash {blob} NOT NULL,
                PRIMARY KEY (level, idx)){without_rowid}"""
        )

    def apply_events(self, cur: Cursor, events: Sequence[LoggedEvent]) -> None:
        if not events:
            return
        size = self._size(cur)
        store = SqlNodeStore(cur)
        frontier = CompactRange.from_store(size, store.get)
        leaves, nodes = [], []
        for logged in events:
            # The decoded event's UUID saves parsing the id's text again for its 16 bytes.
            originator = getattr(logged.event, "originator_id", None) or logged.originator_id
            leaf = event_leaf_hash(logged.position, originator, logged.originator_version, logged.topic, logged.state)
            leaves.append(
                (frontier.size, logged.position, logged.originator_id, logged.originator_version, logged.topic, leaf)
            )
            nodes += frontier.append(leaf)
        cur.executemany(
            "INSERT INTO rm_ledger_leaves (leaf_index, notification_id, originator_id, originator_version, topic, "
            "leaf_hash) VALUES (?, ?, ?, ?, ?, ?)",
            leaves,
        )
        store.put_many(nodes)  # interior nodes only; level 0 is the leaves table

    @staticmethod
    def _size(cur: Cursor) -> int:
        row = cur.execute("SELECT MAX(leaf_index) AS n FROM rm_ledger_leaves").fetchone()
        return int(row["n"]) + 1 if row and row["n"] is not None else 0

    # Queries ------------------------------------------------------------------------------

    def head(self) -> tuple[int, bytes]:
        """(size, root) of the tree as it stands."""
        with self.db.read() as cur:
            size = self._size(cur)
            root = MerkleTree(SqlNodeStore(cur), size).root() if size else EMPTY_ROOT
        return size, root

    def root(self, size: int) -> bytes:
        with self.db.read() as cur:
            return MerkleTree(SqlNodeStore(cur), self._check(cur, size)).root()

    def inclusion_proof(self, leaf: int, size: int) -> dict[str, Any]:
        with self.db.read() as cur:
            tree = MerkleTree(SqlNodeStore(cur), self._check(cur, size))
            if not 0 <= leaf < size:
                raise InvalidCommand(f"leaf {leaf} is not in a tree of size {size}")
            row = cur.execute("SELECT * FROM rm_ledger_leaves WHERE leaf_index = ?", (leaf,)).fetchone()
            return {
                "leaf_index": leaf,
                "tree_size": size,
                "leaf_hash": bytes(row["leaf_hash"]),
                "notification_id": row["notification_id"],
                "originator_id": row["originator_id"],
                "originator_version": row["originator_version"],
                "proof": tree.inclusion_proof(leaf, size),
                "root": tree.root(size),
            }

    def consistency_proof(self, old_size: int, new_size: int) -> dict[str, Any]:
        with self.db.read() as cur:
            tree = MerkleTree(SqlNodeStore(cur), self._check(cur, new_size))
            if not 0 < old_size <= new_size:
                raise InvalidCommand("a consistency proof needs 0 < from <= to")
            return {
                "from": old_size,
                "to": new_size,
                "proof": tree.consistency_proof(old_size, new_size),
                "from_root": tree.root(old_size),
                "to_root": tree.root(new_size),
            }

    def leaf_indexes(self, notification_ids: Sequence[int]) -> dict[int, int]:
        """Leaf index of each notification the ledger has taken in."""
        if not notification_ids:
            return {}
        marks = ",".join("?" * len(notification_ids))
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT notification_id, leaf_index FROM rm_ledger_leaves WHERE notification_id IN ({marks})",
                list(notification_ids),
            ).fetchall()
        return {int(r["notification_id"]): int(r["leaf_index"]) for r in rows}

    def leaves(self) -> list[dict[str, Any]]:
        with self.db.read() as cur:
            rows = cur.execute("SELECT * FROM rm_ledger_leaves ORDER BY leaf_index").fetchall()
        return [{**r, "leaf_hash": bytes(r["leaf_hash"])} for r in rows]

    def _check(self, cur: Cursor, size: int) -> int:
        have = self._size(cur)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= have:
            raise InvalidCommand(f"tree size must be between 1 and {have}")
        return size

    def digest(self) -> str:
        size, root = self.head()
        return hashlib.sha256(f"{size}:{root.hex()}:{super().digest()}".encode()).hexdigest()
