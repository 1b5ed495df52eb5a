"""Signed checkpoints: the C2SP note format, Ed25519 keys, and the ways a checkpoint can lie."""

from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.ledger.checkpoint import (
    EM_DASH,
    Checkpoint,
    CheckpointError,
    check_extends,
    checkpoint_body,
    open_note,
    parse_checkpoint,
    sign_checkpoint,
    sign_note,
    split_note,
    verify_checkpoint,
)
from archive.ledger.keys import (
    KeyFormatError,
    VerifierKey,
    format_vkey,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    parse_vkey,
)
from archive.ledger.leaf import leaf_hash
from archive.ledger.merkle import MemoryNodeStore, MerkleTree

ORIGIN = "protokoll.example.no/ledger"
ROOT = hashlib.sha256(b"some root").digest()

# The reference example of golang.org/x/mod/sumdb/note (the signed-note reference code).
GO_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def signed(key: Ed25519PrivateKey) -> str:
    return sign_checkpoint(ORIGIN, 42, ROOT, key)


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    go_key = Ed25519PrivateKey.from_private_bytes(GO_SEED)
    assert format_vkey("PeterNeumann", go_key.public_key()) == GO_VKEY
    assert key_id("PeterNeumann", go_key.public_key()).hex() == "c74f20a3"
    note = sign_note(GO_TEXT, go_key, "PeterNeumann")
    assert note == f"{GO_TEXT}\n{EM_DASH} PeterNeumann {GO_SIG}\n"
    text, sigs = open_note(note, parse_vkey(GO_VKEY))
    assert text == GO_TEXT and sigs[0].key_id.hex() == "c74f20a3"


def test_a_checkpoint_round_trips_with_the_exact_c2sp_layout(key: Ed25519PrivateKey, signed: str) -> None:
    body, signature = signed.split("\n\n")
    assert body + "\n" == f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert signature.startswith(f"{EM_DASH} {ORIGIN} ") and signature.endswith("\n")
    raw = base64.b64decode(signature.split(" ")[2])
    assert raw[:4] == key_id(ORIGIN, key.public_key()) and len(raw) == 68
    cp = verify_checkpoint(signed, key.public_key(), ORIGIN)
    assert (cp.origin, cp.size, cp.root) == (ORIGIN, 42, ROOT)
    assert cp.body() == body + "\n" and cp.root_b64 == base64.b64encode(ROOT).decode()
    # The key name defaults to the origin; a vkey string carries its own name.
    assert verify_checkpoint(signed, key.public_key()) == cp
    assert verify_checkpoint(signed, format_vkey(ORIGIN, key.public_key())) == cp
    assert parse_checkpoint(signed) == cp


def test_an_empty_tree_checkpoint_is_size_zero(key: Ed25519PrivateKey) -> None:
    cp = verify_checkpoint(sign_checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest(), key), key.public_key())
    assert cp.size == 0


@pytest.mark.parametrize(
    "old, new",
    [("\n42\n", "\n43\n"), (f"{ORIGIN}\n", "protokoll.example.no/other\n"),
     (base64.b64encode(ROOT).decode(), base64.b64encode(ROOT[::-1]).decode())],
)
def test_any_change_to_the_body_breaks_the_signature(key: Ed25519PrivateKey, signed: str, old: str, new: str) -> None:
    tampered = signed.replace(old, new, 1)
    assert tampered != signed
    with pytest.raises(CheckpointError, match="does not verify|no signature"):
        verify_checkpoint(tampered, key.public_key(), ORIGIN)


def test_a_wrong_key_or_wrong_name_finds_no_trusted_signature(key: Ed25519PrivateKey, signed: str) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(CheckpointError, match="no signature by the trusted key"):
        verify_checkpoint(signed, other.public_key(), ORIGIN)
    with pytest.raises(CheckpointError, match="no signature by the trusted key"):
        verify_checkpoint(signed, key.public_key(), "someone.else/log")


def test_a_forged_signature_under_the_right_name_and_key_id_is_rejected(key: Ed25519PrivateKey) -> None:
    body = checkpoint_body(ORIGIN, 42, ROOT)
    forged_sig = Ed25519PrivateKey.generate().sign(body.encode())
    blob = base64.b64encode(key_id(ORIGIN, key.public_key()) + forged_sig).decode()
    forged = f"{body}\n{EM_DASH} {ORIGIN} {blob}\n"
    with pytest.raises(CheckpointError, match="does not verify"):
        verify_checkpoint(forged, key.public_key())


def test_signatures_by_other_keys_are_ignored_so_witnesses_can_cosign(key: Ed25519PrivateKey, signed: str) -> None:
    witness = Ed25519PrivateKey.generate()
    witness_line = sign_note(checkpoint_body(ORIGIN, 42, ROOT), witness, "witness.example").split("\n\n")[1]
    cosigned = signed + witness_line
    assert len(parse_checkpoint(cosigned).signatures) == 2
    assert verify_checkpoint(cosigned, key.public_key()).size == 42
    assert verify_checkpoint(cosigned, witness.public_key(), "witness.example").size == 42


def _resign(key: Ed25519PrivateKey, body: str) -> str:
    sig = key.sign(body.encode())
    blob = base64.b64encode(key_id(ORIGIN, key.public_key()) + sig).decode()
    return f"{body}\n{EM_DASH} {ORIGIN} {blob}\n"


@pytest.mark.parametrize(
    "body, message",
    [
        (f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()[:-2]}\n", "base64"),
        (f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode().replace('=', '')}\n", "base64"),
        (f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n", "31 bytes"),
        (f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n", "canonical decimal"),
        (f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n", "canonical decimal"),
        (f"{ORIGIN}\n4 2\n{base64.b64encode(ROOT).decode()}\n", "canonical decimal"),
        (f"{ORIGIN}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n", "canonical decimal"),
        (f"{ORIGIN}\n42\n", "origin, size and root"),
        (f"\n42\n{base64.b64encode(ROOT).decode()}\n", "origin line is empty"),
    ],
)
def test_malformed_bodies_are_rejected_with_a_clear_message(
    key: Ed25519PrivateKey, body: str, message: str
) -> None:
    # Validly signed, so only the body rules can reject them.
    with pytest.raises(CheckpointError, match=message):
        verify_checkpoint(_resign(key, body), key.public_key())


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda s: s.replace("\n\n", "\n"), "no blank line"),
        (lambda s: s.split("\n\n")[0] + "\n\n", "no signature lines"),
        (lambda s: s[:-1], "end with a newline"),
        (lambda s: s.replace(EM_DASH, "-"), "malformed signature line"),
        (lambda s: s.replace(f"{EM_DASH} {ORIGIN} ", f"{EM_DASH} {ORIGIN}  "), "malformed signature line"),
        (lambda s: s[:-3] + "!!\n", "base64"),
        (lambda s: s.replace("\n42\n", "\r\n42\n"), "control character"),
        (lambda s: s.replace(f"{EM_DASH} {ORIGIN} ", f"{EM_DASH} a+b "), "must not contain"),
        (lambda s: s.split(EM_DASH)[0] + f"{EM_DASH} {ORIGIN} AAAA\n", "too short"),
        (lambda s: s.encode("utf-8")[:-5] + b"\xff\n", "UTF-8"),
    ],
)
def test_malformed_notes_are_rejected_with_a_clear_message(signed: str, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CheckpointError, match=message):
        parse_checkpoint(mangle(signed))


def test_a_flipped_bit_in_the_signature_is_rejected(key: Ed25519PrivateKey, signed: str) -> None:
    text, (sig,) = split_note(signed)
    for byte in (0, 31, 63):
        bad = bytearray(sig.signature)
        bad[byte] ^= 0x10
        note = text + "\n" + type(sig)(sig.name, sig.key_id, bytes(bad)).line()
        with pytest.raises(CheckpointError, match="does not verify"):
            verify_checkpoint(note, key.public_key())


def test_successive_checkpoints_must_grow_consistently(key: Ed25519PrivateKey) -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(20)]
    tree = MerkleTree(MemoryNodeStore())
    tree.extend(leaves)
    cp10 = verify_checkpoint(sign_checkpoint(ORIGIN, 10, tree.root(10), key), key.public_key())
    cp20 = verify_checkpoint(sign_checkpoint(ORIGIN, 20, tree.root(20), key), key.public_key())
    check_extends(cp10, cp20, tree.consistency_proof(10, 20))
    check_extends(cp10, cp10)
    with pytest.raises(CheckpointError, match="shrank from 20 to 10"):
        check_extends(cp20, cp10)
    fork = Checkpoint(ORIGIN, 20, leaves[0])
    with pytest.raises(CheckpointError, match="two different roots for tree size 20"):
        check_extends(cp20, fork)
    # A root for size 20 that does not extend the size-10 tree has no valid proof.
    rewritten = MerkleTree(MemoryNodeStore())
    rewritten.extend(leaves[:3] + [leaf_hash(b"forged")] + leaves[4:])
    with pytest.raises(CheckpointError, match="does not verify"):
        check_extends(cp10, Checkpoint(ORIGIN, 20, rewritten.root()), rewritten.consistency_proof(10))
    with pytest.raises(CheckpointError, match="origin changed"):
        check_extends(cp10, Checkpoint("elsewhere", 20, cp20.root))


def test_checkpoint_body_refuses_values_that_would_frame_a_different_checkpoint() -> None:
    for origin, size, root in [("evil\n999", 1, ROOT), ("", 1, ROOT), (ORIGIN, -1, ROOT),
                               (ORIGIN, True, ROOT), (ORIGIN, 1, ROOT[:16])]:
        with pytest.raises(CheckpointError):
            checkpoint_body(origin, size, root)  # type: ignore[arg-type]


# --- keys -----------------------------------------------------------------------------


def test_generate_keypair_writes_a_private_pem_0600_and_refuses_to_overwrite(tmp_path: Path) -> None:
    private, public = tmp_path / "log.key", tmp_path / "log.pub"
    pub = generate_keypair(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    before = private.read_bytes()
    with pytest.raises(FileExistsError):
        generate_keypair(private, tmp_path / "other.pub")
    assert private.read_bytes() == before and not (tmp_path / "other.pub").exists()
    signed = sign_checkpoint(ORIGIN, 1, ROOT, load_private_key(private))
    assert verify_checkpoint(signed, public.read_text()).size == 1
    assert verify_checkpoint(signed, public).size == 1
    assert load_public_key(public) == pub


def test_generate_keypair_can_write_the_public_key_as_a_c2sp_vkey(tmp_path: Path) -> None:
    vkey_path = tmp_path / "log.vkey"
    made = generate_keypair(tmp_path / "log.key", vkey_path, key_name=ORIGIN)
    assert isinstance(made, VerifierKey)
    line = vkey_path.read_text().strip()
    assert line == made.vkey() and line.startswith(f"{ORIGIN}+{made.key_id.hex()}+")
    signed = sign_checkpoint(ORIGIN, 3, ROOT, load_private_key(tmp_path / "log.key"))
    assert verify_checkpoint(signed, vkey_path).size == 3
    with pytest.raises(CheckpointError, match="differs from the key's own name"):
        verify_checkpoint(signed, line, "other.name")


@pytest.mark.parametrize(
    "vkey",
    [
        GO_VKEY.replace("c74f20a3", "c74f20a4"),
        GO_VKEY.replace("+ARpc", "+AZpc"),
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
    ],
)
def test_malformed_or_mismatched_verifier_keys_are_rejected(vkey: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_vkey(vkey)


def test_an_unusable_public_key_is_a_checkpoint_error(signed: str) -> None:
    with pytest.raises(CheckpointError, match="unusable public key"):
        verify_checkpoint(signed, "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")


def test_a_vkey_whose_base64_contains_plus_signs_still_parses() -> None:
    # Found by a flaky run: the key blob may contain '+', the separator of the vkey fields.
    seed = next(
        bytes([i]) * 32
        for i in range(256)
        if "+" in format_vkey("n", Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32).public_key()).split("+", 2)[2]
    )
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert parse_vkey(format_vkey("n", public)).public_key == public
