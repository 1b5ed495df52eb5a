"""RFC 9162 §2.1 Merkle tree: roots, inclusion and consistency proofs, incremental storage.

Storage model: a tree of ``size`` leaves is fully described by the hashes of its
*perfect* subtrees. Node ``(level, index)`` covers leaves
``[index·2^level, (index+1)·2^level)``; level 0 holds the leaf hashes. Nodes are
immutable once written, so every historical root and proof stays computable.
Appending a leaf writes the leaf node plus each perfect subtree it completes
(:class:`CompactRange`); a root or proof for any size reads O(log n) nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from archive.ledger.leaf import HASH_SIZE, node_hash

EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int, bytes]
"""A perfect-subtree node to persist: (level, index, hash)."""

GetNode = Callable[[int, int], bytes]
"""Reads the hash of perfect subtree node (level, index)."""


class MissingNodeError(LookupError):
    """The node store lacks a node the tree needs."""


class NodeConflictError(ValueError):
    """A node was written twice with different hashes."""


class NodeStore(Protocol):
    """Storage for perfect-subtree hashes, e.g. a SQL table (level, idx, hash)."""

    def get(self, level: int, index: int) -> bytes: ...

    def put_many(self, nodes: Iterable[Node]) -> None: ...


class MemoryNodeStore:
    """In-memory NodeStore; rewriting a node with another hash is an error."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        try:
            return self._nodes[(level, index)]
        except KeyError:
            raise MissingNodeError(f"no node at level {level}, index {index}") from None

    def put_many(self, nodes: Iterable[Node]) -> None:
        for level, index, value in nodes:
            old = self._nodes.setdefault((level, index), value)
            if old != value:
                raise NodeConflictError(f"node ({level}, {index}) already holds another hash")

    def __len__(self) -> int:
        return len(self._nodes)


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """Perfect subtrees, largest first, whose fold is MTH(D[start:end]).

    Valid for every range occurring in the RFC 9162 recursion (start is a
    multiple of a power of two >= end - start).
    """
    out = []
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            if start % (1 << level):
                raise ValueError(f"range [{start}, {end}) is not aligned")
            out.append((level, start >> level))
            start += 1 << level
    return out


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Root of perfect subtrees listed left to right, largest first."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def subtree_root(start: int, end: int, get_node: GetNode) -> bytes:
    """MTH(D[start:end]) from perfect-subtree nodes (O(log n) reads)."""
    return _fold([get_node(level, index) for level, index in _range_nodes(start, end)])


class CompactRange:
    """The right frontier of a tree: perfect-subtree hashes covering [0, size)."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or bin(size).count("1") != len(hashes):
            raise ValueError(f"size {size} needs {bin(size).count('1')} frontier hashes")
        self._size = size
        self._hashes = list(hashes)

    @classmethod
    def from_store(cls, size: int, get_node: GetNode) -> CompactRange:
        """Rebuild the frontier of a stored tree of ``size`` leaves."""
        return cls(size, [get_node(lv, ix) for lv, ix in _range_nodes(0, size)])

    @property
    def size(self) -> int:
        return self._size

    def copy(self) -> CompactRange:
        return CompactRange(self._size, self._hashes)

    def nodes(self) -> list[Node]:
        """The frontier as (level, index, hash), largest subtree first."""
        return [(lv, ix, h) for (lv, ix), h in zip(_range_nodes(0, self._size), self._hashes, strict=True)]

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Add a leaf; return the leaf node and every perfect subtree it completes."""
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
            raise ValueError("leaf hash must be 32 bytes")
        level, index, value = 0, self._size, leaf_hash
        new = [(level, index, value)]
        while index & 1:
            value = node_hash(self._hashes.pop(), value)
            level, index = level + 1, index >> 1
            new.append((level, index, value))
        self._hashes.append(value)
        self._size += 1
        return new

    def root(self) -> bytes:
        return _fold(self._hashes)


def root_from_leaves(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH over the given leaf hashes (SHA-256(b"") when there are none)."""
    frontier = CompactRange()
    for h in leaf_hashes:
        frontier.append(h)
    return frontier.root()


def inclusion_proof(leaf_index: int, tree_size: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(leaf_index, D[tree_size]), leaf-side first."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError(f"leaf index {leaf_index} not in a tree of size {tree_size}")
    outer: list[bytes] = []
    lo, hi = 0, tree_size
    while hi - lo > 1:
        k = _split(hi - lo)
        if leaf_index < lo + k:
            outer.append(subtree_root(lo + k, hi, get_node))
            hi = lo + k
        else:
            outer.append(subtree_root(lo, lo + k, get_node))
            lo += k
    return outer[::-1]


def consistency_proof(old_size: int, new_size: int, get_node: GetNode) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size]); empty if old_size is 0 or new_size."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    outer: list[bytes] = []
    inner: list[bytes] = []
    lo, hi, m, complete = 0, new_size, old_size, True
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                inner.append(subtree_root(lo, hi, get_node))
            break
        k = _split(n)
        if m <= k:
            outer.append(subtree_root(lo + k, hi, get_node))
            hi = lo + k
        else:
            outer.append(subtree_root(lo, lo + k, get_node))
            lo, m, complete = lo + k, m - k, False
    return inner + outer[::-1]


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_path(proof: object) -> bool:
    return isinstance(proof, (list, tuple)) and all(_is_hash(p) for p in proof)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2; False for any failed or malformed input."""
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_path(proof)):
        return False
    if not (_is_size(index) and _is_size(size)) or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2; False for any failed or malformed input.

    Size 0 is consistent with every tree (empty proof, old root = SHA-256(b"")),
    and equal sizes need an empty proof and equal roots.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_path(proof)):
        return False
    if not (_is_size(old_size) and _is_size(new_size)) or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


class MerkleTree:
    """An append-only tree over any NodeStore; roots and proofs for any past size.

    ``size`` is the number of leaves already in ``store`` (the DB ledger knows it).
    """

    def __init__(self, store: NodeStore, size: int = 0) -> None:
        self.store = store
        self._frontier = CompactRange.from_store(size, store.get)

    @property
    def size(self) -> int:
        return self._frontier.size

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Append one leaf, persist its nodes, and return them."""
        return self.extend([leaf_hash])

    def extend(self, leaf_hashes: Iterable[bytes]) -> list[Node]:
        """Append leaves in order, persisting all new nodes in one put_many."""
        frontier = self._frontier.copy()
        new: list[Node] = []
        for h in leaf_hashes:
            new.extend(frontier.append(h))
        if new:
            self.store.put_many(new)
        self._frontier = frontier  # only once the store accepted the nodes
        return new

    def _check_size(self, size: int | None) -> int:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} outside the tree (0..{self.size})")
        return size

    def leaf_hash(self, index: int) -> bytes:
        return self.store.get(0, index)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        size = self._check_size(size)
        if size == self.size:
            return self._frontier.root()
        return subtree_root(0, size, self.store.get)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._check_size(size), self.store.get)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        new_size = self._check_size(new_size)
        return consistency_proof(old_size, new_size, self.store.get)
