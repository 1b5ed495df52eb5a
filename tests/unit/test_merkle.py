"""The ledger's Merkle tree, checked against the RFC 9162 definitions written out naively here.

The naive functions below are transcriptions of RFC 9162 §2.1 (MTH, PATH, PROOF)
over leaf ranges, independent of archive.ledger.merkle; every tree size 1..256 is
compared exhaustively, then the verifiers are attacked with single-bit mutations.
"""

from __future__ import annotations

import hashlib
import random
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ledger.leaf import leaf_data, leaf_hash, node_hash
from archive.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryNodeStore,
    MerkleTree,
    MissingNodeError,
    NodeConflictError,
    consistency_proof,
    inclusion_proof,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

MAX = 256
LEAVES = [leaf_hash(i.to_bytes(2, "big")) for i in range(MAX)]


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def mth(lo: int, hi: int) -> bytes:
    """RFC 9162 MTH(D[lo:hi]) by the recursive definition."""
    if hi == lo:
        return hashlib.sha256(b"").digest()
    if hi - lo == 1:
        return LEAVES[lo]
    k = split(hi - lo)
    return node_hash(mth(lo, lo + k), mth(lo + k, hi))


def naive_path(m: int, lo: int, hi: int) -> list[bytes]:
    """RFC 9162 PATH(m, D[lo:hi])."""
    if hi - lo == 1:
        return []
    k = split(hi - lo)
    if m < k:
        return naive_path(m, lo, lo + k) + [mth(lo + k, hi)]
    return naive_path(m - k, lo + k, hi) + [mth(lo, lo + k)]


def naive_subproof(m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
    """RFC 9162 SUBPROOF(m, D[lo:hi], b)."""
    if m == hi - lo:
        return [] if complete else [mth(lo, hi)]
    k = split(hi - lo)
    if m <= k:
        return naive_subproof(m, lo, lo + k, complete) + [mth(lo + k, hi)]
    return naive_subproof(m - k, lo + k, hi, False) + [mth(lo, lo + k)]


def path_shape(m: int, n: int) -> list[str]:
    """Which side each audit-path sibling sits on: the whole computation a verifier does."""
    if n == 1:
        return []
    k = split(n)
    return path_shape(m, k) + ["R"] if m < k else path_shape(m - k, n - k) + ["L"]


def consistency_shape(m: int, n: int, complete: bool = True) -> list[str]:
    """The verifier's computation for PROOF(m, n): seed, then left/right siblings."""
    if m == n:
        return [] if complete else ["seed"]
    k = split(n)
    if m <= k:
        return consistency_shape(m, k, complete) + ["R"]
    return consistency_shape(m - k, n - k, False) + ["L"]


@pytest.fixture(scope="module")
def tree() -> MerkleTree:
    """A 256-leaf tree grown in uneven batches, reopened from its store half-way."""
    store = MemoryNodeStore()
    first = MerkleTree(store)
    first.extend(LEAVES[:100])
    reopened = MerkleTree(store, size=100)
    for h in LEAVES[100:200]:
        reopened.append(h)
    reopened.extend(LEAVES[200:])
    return reopened


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- known answers -------------------------------------------------------------------


def test_the_empty_tree_has_the_hash_of_the_empty_string_as_root() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert root_from_leaves([]) == EMPTY_ROOT
    assert MerkleTree(MemoryNodeStore()).root() == EMPTY_ROOT


def test_roots_match_the_certificate_transparency_reference_vectors() -> None:
    # The eight inputs and roots of the RFC 6962 reference implementation's tests.
    inputs = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
              bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
    roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    leaves = [leaf_hash(x) for x in inputs]
    for n in range(1, 9):
        assert root_from_leaves(leaves[:n]).hex() == roots[n - 1], f"size {n}"


def test_hash_primitives_and_a_three_leaf_tree_by_hand() -> None:
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    assert a == hashlib.sha256(b"\x00a").digest()
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
    assert root_from_leaves([a, b, c]) == node_hash(node_hash(a, b), c)
    # Pinned vector for the ledger's own leaf encoding (changing it breaks every audit).
    data = leaf_data(7, "12345678-1234-5678-1234-567812345678", 2, "archive.domain:Record.Amended", b"st")
    assert data.hex() == (
        "01" "0000000000000007" "12345678123456781234567812345678" "0000000000000002"
        "0000001d" + b"archive.domain:Record.Amended".hex() + hashlib.sha256(b"st").hexdigest()
    )
    assert leaf_hash(data).hex() == hashlib.sha256(b"\x00" + data).hexdigest()


# --- exhaustive agreement with the definitions ------------------------------------


def test_every_historical_root_of_sizes_0_to_256_matches_the_definition(tree: MerkleTree) -> None:
    frontier = CompactRange()
    for n in range(MAX + 1):
        assert tree.root(n) == mth(0, n), f"stored tree, size {n}"
        assert frontier.root() == mth(0, n), f"frontier, size {n}"
        assert root_from_leaves(LEAVES[:n]) == mth(0, n)
        if n < MAX:
            frontier.append(LEAVES[n])


def test_every_inclusion_proof_in_every_tree_up_to_256_is_the_rfc_path_and_verifies(
    tree: MerkleTree,
) -> None:
    for n in range(1, MAX + 1):
        root = mth(0, n)
        for i in range(n):
            proof = tree.inclusion_proof(i, n)
            assert proof == naive_path(i, 0, n), (i, n)
            assert verify_inclusion(LEAVES[i], i, n, proof, root), (i, n)


def test_every_consistency_proof_in_every_tree_up_to_256_is_the_rfc_proof_and_verifies(
    tree: MerkleTree,
) -> None:
    for n in range(1, MAX + 1):
        for m in range(0, n + 1):
            proof = tree.consistency_proof(m, n)
            expected = [] if m in (0, n) else naive_subproof(m, 0, n, True)
            assert proof == expected, (m, n)
            assert verify_consistency(m, n, mth(0, m), mth(0, n), proof), (m, n)


def test_module_level_proof_functions_work_over_any_get_node(tree: MerkleTree) -> None:
    reads: list[tuple[int, int]] = []

    def get(level: int, index: int) -> bytes:
        reads.append((level, index))
        return tree.store.get(level, index)

    assert inclusion_proof(77, 201, get) == naive_path(77, 0, 201)
    assert consistency_proof(77, 201, get) == naive_subproof(77, 0, 201, True)
    assert all(level <= 7 for level, _ in reads)


# --- single-bit mutations ------------------------------------------------------------


def sample_pairs(rng: random.Random, count: int) -> list[tuple[int, int]]:
    pairs = [(0, 1), (0, 2), (1, 2), (4, 5), (127, 128), (128, 129), (255, 256), (100, 200)]
    pairs += [(rng.randrange(n), n) for n in (rng.randrange(1, MAX + 1) for _ in range(count))]
    return pairs


def test_every_sampled_bit_flip_of_leaf_proof_node_root_or_index_breaks_inclusion(
    tree: MerkleTree,
) -> None:
    rng = random.Random(6962)
    for i, n in sample_pairs(rng, 150):
        proof, root, leaf = tree.inclusion_proof(i, n), mth(0, n), LEAVES[i]
        for bit in rng.sample(range(256), 8):
            assert not verify_inclusion(flip(leaf, bit), i, n, proof, root)
            assert not verify_inclusion(leaf, i, n, proof, flip(root, bit))
            for k in range(len(proof)):
                mutated = proof[:k] + [flip(proof[k], bit)] + proof[k + 1 :]
                assert not verify_inclusion(leaf, i, n, mutated, root)
        for bit in range(10):
            assert not verify_inclusion(leaf, i ^ (1 << bit), n, proof, root), (i, n, bit)


def test_a_flipped_tree_size_is_rejected_unless_the_audit_path_has_the_same_shape(
    tree: MerkleTree,
) -> None:
    # Inherent to RFC 9162: the verifier sees only hashes, so a proof that is valid for
    # (i, n) is equally valid for (i, n') whenever the sibling sides coincide — e.g.
    # leaf 0 in sizes 5 and 7. Sizes are bound to roots by the signed checkpoint.
    accepted = 0
    for n in range(1, MAX + 1):
        root = mth(0, n)
        for i in range(0, n, 7):
            proof = tree.inclusion_proof(i, n)
            for bit in range(10):
                other = n ^ (1 << bit)
                ok = verify_inclusion(LEAVES[i], i, other, proof, root)
                same = i < other and path_shape(i, other) == path_shape(i, n)
                assert ok == same, (i, n, other)
                accepted += ok
    assert accepted  # the inherent ambiguity really occurs, so the test is not vacuous


def test_every_sampled_bit_flip_breaks_a_consistency_proof(tree: MerkleTree) -> None:
    rng = random.Random(9162)
    pairs = [(m, n) for m, n in sample_pairs(rng, 150) if m > 0]
    for m, n in pairs:
        proof, old, new = tree.consistency_proof(m, n), mth(0, m), mth(0, n)
        for bit in rng.sample(range(256), 8):
            assert not verify_consistency(m, n, flip(old, bit), new, proof)
            assert not verify_consistency(m, n, old, flip(new, bit), proof)
            for k in range(len(proof)):
                mutated = proof[:k] + [flip(proof[k], bit)] + proof[k + 1 :]
                assert not verify_consistency(m, n, old, new, mutated)
        for bit in range(10):
            assert not verify_consistency(m ^ (1 << bit), n, old, new, proof), (m, n, bit)
            other = n ^ (1 << bit)
            same = other >= m and consistency_shape(m, other) == consistency_shape(m, n)
            assert verify_consistency(m, other, old, new, proof) == same, (m, n, other)


def test_garbage_proofs_are_rejected_without_raising() -> None:
    leaf, root = LEAVES[3], mth(0, 8)
    proof = naive_path(3, 0, 8)
    garbage = [None, "abc", b"short", [b"short"], [None], [proof[0] * 2], 42, {}]
    for bad in garbage:
        assert not verify_inclusion(leaf, 3, 8, bad, root)  # type: ignore[arg-type]
        assert not verify_consistency(3, 8, mth(0, 3), root, bad)  # type: ignore[arg-type]
    for index, size in [(-1, 8), (8, 8), (3, 0), (3, -8), (True, 8), (3.0, 8), ("3", 8)]:
        assert not verify_inclusion(leaf, index, size, proof, root)  # type: ignore[arg-type]
    assert not verify_inclusion(leaf[:31], 3, 8, proof, root)
    assert not verify_inclusion(leaf, 3, 8, proof, None)  # type: ignore[arg-type]
    assert not verify_inclusion(leaf, 3, 8, proof + [leaf], root)
    assert not verify_inclusion(leaf, 3, 8, proof[:-1], root)
    assert not verify_inclusion(leaf, 3, 8, proof[::-1], root)
    cproof = naive_subproof(3, 0, 8, True)
    assert not verify_consistency(8, 3, root, mth(0, 3), cproof)
    assert not verify_consistency(3, 8, mth(0, 3), root, [])
    assert not verify_consistency(3, 8, mth(0, 3), root, cproof + [leaf])
    assert not verify_consistency(3, 8, mth(0, 3), root, cproof[:-1])
    assert not verify_consistency(-1, 8, mth(0, 3), root, cproof)
    assert not verify_consistency(3, 3, mth(0, 3), mth(0, 3), [leaf])
    assert not verify_consistency(3, 3, mth(0, 3), root, [])
    assert verify_consistency(0, 8, EMPTY_ROOT, root, [])
    assert not verify_consistency(0, 8, leaf, root, [])
    assert not verify_consistency(0, 8, EMPTY_ROOT, root, [leaf])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.data())
def test_proofs_verify_for_arbitrary_larger_trees(n: int, data: st.DataObject) -> None:
    leaves = [leaf_hash(n.to_bytes(4, "big") + i.to_bytes(4, "big")) for i in range(n)]
    tree = MerkleTree(MemoryNodeStore())
    tree.extend(leaves)
    i = data.draw(st.integers(0, n - 1))
    m = data.draw(st.integers(0, n))
    assert verify_inclusion(leaves[i], i, n, tree.inclusion_proof(i), tree.root())
    assert verify_consistency(m, n, tree.root(m), tree.root(), tree.consistency_proof(m))


# --- incremental storage ---------------------------------------------------------------


class CountingStore(MemoryNodeStore):
    """A MemoryNodeStore that counts reads and batch writes."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0
        self.batches: list[int] = []

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return super().get(level, index)

    def put_many(self, nodes):  # type: ignore[no-untyped-def]
        nodes = list(nodes)
        self.batches.append(len(nodes))
        super().put_many(nodes)


def test_append_persists_the_leaf_and_exactly_the_perfect_subtrees_it_completes() -> None:
    tree = MerkleTree(MemoryNodeStore())
    assert tree.append(LEAVES[0]) == [(0, 0, LEAVES[0])]
    assert tree.append(LEAVES[1]) == [(0, 1, LEAVES[1]), (1, 0, mth(0, 2))]
    assert tree.append(LEAVES[2]) == [(0, 2, LEAVES[2])]
    assert tree.append(LEAVES[3]) == [(0, 3, LEAVES[3]), (1, 1, mth(2, 4)), (2, 0, mth(0, 4))]
    written: set[tuple[int, int, bytes]] = set()
    big = MerkleTree(MemoryNodeStore())
    for h in LEAVES[:200]:
        written.update(big.append(h))
    perfect = {(lv, ix, mth(ix << lv, (ix + 1) << lv))
               for lv in range(8) for ix in range(200 >> lv)}
    assert written == perfect
    assert len(big.store) == len(perfect)  # type: ignore[arg-type]


def test_extend_writes_one_batch_and_roots_read_only_log_n_nodes() -> None:
    store = CountingStore()
    tree = MerkleTree(store)
    tree.extend(LEAVES[:255])
    assert store.batches == [sum(1 for lv in range(8) for _ in range(255 >> lv))]
    store.gets = 0
    assert tree.root(200) == mth(0, 200)
    assert store.gets == bin(200).count("1")
    store.gets = 0
    reopened = MerkleTree(store, size=255)
    assert store.gets == 8 and reopened.root() == mth(0, 255)
    assert tree.extend([]) == [] and store.batches[-1] == store.batches[0]


def test_frontier_reports_its_nodes_and_rebuilds_from_the_store(tree: MerkleTree) -> None:
    frontier = CompactRange.from_store(203, tree.store.get)
    assert [(lv, ix) for lv, ix, _ in frontier.nodes()] == [(7, 0), (6, 2), (3, 24), (1, 100), (0, 202)]
    assert frontier.root() == mth(0, 203)
    with pytest.raises(ValueError):
        CompactRange(3, [LEAVES[0]])


def test_the_store_refuses_to_rewrite_history_and_reports_missing_nodes() -> None:
    store = MemoryNodeStore()
    store.put_many([(0, 0, LEAVES[0])])
    store.put_many([(0, 0, LEAVES[0])])  # idempotent
    with pytest.raises(NodeConflictError):
        store.put_many([(0, 0, LEAVES[1])])
    with pytest.raises(MissingNodeError):
        MerkleTree(store, size=2)


def test_a_failed_batch_write_leaves_the_tree_unchanged() -> None:
    store = MemoryNodeStore()
    tree = MerkleTree(store)
    tree.extend(LEAVES[:3])
    store.put_many([(0, 3, LEAVES[9])])  # somebody else wrote leaf 3
    with pytest.raises(NodeConflictError):
        tree.append(LEAVES[3])
    assert tree.size == 3 and tree.root() == mth(0, 3)


def test_out_of_range_requests_raise_value_error(tree: MerkleTree) -> None:
    for call in (lambda: tree.root(MAX + 1), lambda: tree.inclusion_proof(5, 5),
                 lambda: tree.consistency_proof(9, 8), lambda: tree.root(-1)):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError):
        CompactRange().append(b"short")
