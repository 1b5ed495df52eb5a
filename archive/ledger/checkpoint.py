"""C2SP signed notes (c2sp.org/signed-note) and tlog checkpoints (c2sp.org/tlog-checkpoint).

A checkpoint is the signed note::

    <origin>\\n<tree size, decimal>\\n<base64 root hash>\\n[<extension line>\\n ...]
    \\n
    — <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>\\n

The Ed25519 signature covers the note text (the body including its final
newline, without the blank separator line). Only Ed25519 (type 0x01) keys are
supported; signatures by other keys are parsed and ignored on verification.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from archive.ledger.keys import (
    KeyFormatError,
    VerifierKey,
    check_key_name,
    key_id,
    load_public_key,
)
from archive.ledger.leaf import HASH_SIZE
from archive.ledger.merkle import verify_consistency

EM_DASH = "\u2014"
MAX_SIGNATURES = 100
_SIZE_RE = re.compile(r"0|[1-9][0-9]{0,19}")
_U64_MAX = 2**64 - 1


class CheckpointError(ValueError):
    """A checkpoint or signed note is malformed, not signed by the expected key, or forged."""


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a signed note."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{EM_DASH} {self.name} {blob}\n"


@dataclass(frozen=True)
class Checkpoint:
    """A parsed tree head; ``signatures`` are unverified unless returned by verify_checkpoint."""

    origin: str
    size: int
    root: bytes
    signatures: tuple[NoteSignature, ...] = ()
    extensions: tuple[str, ...] = field(default=())

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode("ascii")

    def body(self) -> str:
        return checkpoint_body(self.origin, self.size, self.root, self.extensions)


def _strict_b64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise CheckpointError(f"{what} is not valid base64: {text!r}") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise CheckpointError(f"{what} is not canonical base64: {text!r}")
    return raw


def _check_note_chars(text: str) -> None:
    bad = next((ch for ch in text if ord(ch) < 0x20 and ch != "\n"), None)
    if bad is not None:
        raise CheckpointError(f"note contains control character U+{ord(bad):04X}")


def checkpoint_body(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The checkpoint note text for a tree head."""
    if not isinstance(origin, str) or not origin or "\n" in origin:
        raise CheckpointError("origin must be a non-empty single line")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= _U64_MAX:
        raise CheckpointError(f"tree size must be an int in 0..2^64-1, got {size!r}")
    if not isinstance(root, bytes) or len(root) != HASH_SIZE:
        raise CheckpointError("root hash must be 32 bytes")
    for ext in extensions:
        if not ext or "\n" in ext:
            raise CheckpointError("extension lines must be non-empty single lines")
    lines = [origin, str(size), base64.b64encode(root).decode("ascii"), *extensions]
    text = "\n".join(lines) + "\n"
    _check_note_chars(text)
    return text


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse an (unsigned) checkpoint note text."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint body must end with a newline")
    _check_note_chars(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError(f"checkpoint body needs origin, size and root lines, got {len(lines)} line(s)")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointError("checkpoint origin line is empty")
    if not _SIZE_RE.fullmatch(size_text) or int(size_text) > _U64_MAX:
        raise CheckpointError(f"checkpoint tree size is not a canonical decimal: {size_text!r}")
    root = _strict_b64(root_text, "checkpoint root hash")
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"checkpoint root hash has {len(root)} bytes, expected {HASH_SIZE}")
    if any(not ext for ext in extensions):
        raise CheckpointError("checkpoint body contains an empty line")
    return Checkpoint(origin, int(size_text), root, (), tuple(extensions))


def split_note(note: str | bytes) -> tuple[str, tuple[NoteSignature, ...]]:
    """Split a signed note into its text and (unverified) signatures."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckpointError("signed note is not valid UTF-8") from exc
    if not isinstance(note, str):
        raise CheckpointError(f"signed note must be text, got {type(note).__name__}")
    _check_note_chars(note)
    if not note.endswith("\n"):
        raise CheckpointError("signed note must end with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise CheckpointError("signed note has no blank line before its signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block:
        raise CheckpointError("signed note has no signature lines")
    sigs = []
    for line in block[:-1].split("\n"):
        prefix = EM_DASH + " "
        parts = line[len(prefix) :].split(" ") if line.startswith(prefix) else []
        if len(parts) != 2:
            raise CheckpointError(f"malformed signature line: {line!r}")
        name, blob = parts
        try:
            check_key_name(name)
        except KeyFormatError as exc:
            raise CheckpointError(f"malformed signature line: {exc}") from exc
        raw = _strict_b64(blob, f"signature by {name}")
        if len(raw) < 5:
            raise CheckpointError(f"signature by {name} is too short")
        sigs.append(NoteSignature(name, raw[:4], raw[4:]))
        if len(sigs) > MAX_SIGNATURES:
            raise CheckpointError(f"signed note has more than {MAX_SIGNATURES} signatures")
    return text, tuple(sigs)


def sign_note(text: str, private_key: Ed25519PrivateKey, key_name: str) -> str:
    """Sign a note text (ending in newline) with an Ed25519 key."""
    if not text.endswith("\n") or text.endswith("\n\n") or text == "\n":
        raise CheckpointError("note text must be non-empty and end with exactly one newline")
    _check_note_chars(text)
    sig = NoteSignature(
        key_name, key_id(key_name, private_key.public_key()), private_key.sign(text.encode("utf-8"))
    )
    return text + "\n" + sig.line()


def _verifier(
    public_key: Ed25519PublicKey | VerifierKey | str | bytes | Path, key_name: str | None, default: str
) -> VerifierKey:
    try:
        loaded = load_public_key(public_key)
    except (KeyFormatError, ValueError) as exc:
        raise CheckpointError(f"unusable public key: {exc}") from exc
    if isinstance(loaded, VerifierKey):
        if key_name is not None and key_name != loaded.name:
            raise CheckpointError(f"key name {key_name!r} differs from the key's own name {loaded.name!r}")
        return loaded
    try:
        return VerifierKey(check_key_name(key_name if key_name is not None else default), loaded)
    except KeyFormatError as exc:
        raise CheckpointError(str(exc)) from exc


def open_note(
    note: str | bytes, key: VerifierKey
) -> tuple[str, tuple[NoteSignature, ...]]:
    """Verify a signed note against one trusted key; return its text and signatures."""
    text, sigs = split_note(note)
    wanted = key.key_id
    mine = [s for s in sigs if s.name == key.name and s.key_id == wanted]
    if not mine:
        seen = ", ".join(f"{s.name}/{s.key_id.hex()}" for s in sigs)
        raise CheckpointError(
            f"no signature by the trusted key {key.name}/{wanted.hex()} (found: {seen})"
        )
    for sig in mine:
        try:
            key.public_key.verify(sig.signature, text.encode("utf-8"))
        except InvalidSignature:
            raise CheckpointError(
                f"signature by {key.name}/{wanted.hex()} does not verify: the note was altered"
            ) from None
    return text, sigs


def sign_checkpoint(
    origin: str,
    size: int,
    root: bytes,
    private_key: Ed25519PrivateKey,
    key_name: str | None = None,
) -> str:
    """A signed checkpoint note; the key name defaults to the origin (C2SP recommendation)."""
    return sign_note(checkpoint_body(origin, size, root), private_key, key_name or origin)


def parse_checkpoint(text: str | bytes) -> Checkpoint:
    """Parse a signed checkpoint WITHOUT verifying signatures."""
    body, sigs = split_note(text)
    cp = parse_checkpoint_body(body)
    return Checkpoint(cp.origin, cp.size, cp.root, sigs, cp.extensions)


def verify_checkpoint(
    text: str | bytes,
    public_key: Ed25519PublicKey | VerifierKey | str | bytes | Path,
    key_name: str | None = None,
) -> Checkpoint:
    """Parse a checkpoint and check its signature by ``public_key`` under ``key_name``.

    ``key_name`` defaults to the name in a vkey string, else to the checkpoint origin.
    """
    cp = parse_checkpoint(text)
    open_note(text, _verifier(public_key, key_name, cp.origin))
    return cp


def check_extends(
    previous: Checkpoint, current: Checkpoint, proof: Sequence[bytes] | None = None
) -> None:
    """Raise CheckpointError unless ``current`` may follow ``previous`` in the same log.

    Same origin; the size never shrinks; equal sizes need equal roots; and when a
    consistency proof is given it must prove previous.root is a prefix of current.root.
    """
    if previous.origin != current.origin:
        raise CheckpointError(f"origin changed from {previous.origin!r} to {current.origin!r}")
    if current.size < previous.size:
        raise CheckpointError(f"tree size shrank from {previous.size} to {current.size}")
    if current.size == previous.size and current.root != previous.root:
        raise CheckpointError(f"two different roots for tree size {current.size} (fork)")
    if proof is not None and not verify_consistency(
        previous.size, current.size, previous.root, current.root, proof
    ):
        raise CheckpointError(
            f"consistency proof from size {previous.size} to {current.size} does not verify"
        )
