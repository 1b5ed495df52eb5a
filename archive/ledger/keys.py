"""Ed25519 keys for checkpoint signing: generation, PEM files and C2SP note key strings.

Public key text forms accepted everywhere:
  * PEM ``-----BEGIN PUBLIC KEY-----`` (SubjectPublicKeyInfo);
  * C2SP signed-note verifier key ``<name>+<hex key id>+<base64(0x01 ‖ 32-byte key)>``.
Key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4].
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_TYPE = 0x01


class KeyFormatError(ValueError):
    """A key file or key string is malformed or of the wrong kind."""


@dataclass(frozen=True)
class VerifierKey:
    """A public key with the note key name it signs under."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def vkey(self) -> str:
        return format_vkey(self.name, self.public_key)


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    """The 32-byte RFC 8032 encoding of a public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid note key name (non-empty, no spaces, no '+')."""
    if not isinstance(name, str) or not name:
        raise KeyFormatError("key name must be a non-empty string")
    if "+" in name or any(ch.isspace() for ch in name) or any(ord(ch) < 0x20 for ch in name):
        raise KeyFormatError(f"key name {name!r} must not contain spaces, control characters or '+'")
    return name


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key."""
    material = check_key_name(name).encode("utf-8") + b"\n" + bytes((ED25519_TYPE,))
    return hashlib.sha256(material + raw_public_key(public_key)).digest()[:4]


def format_vkey(name: str, public_key: Ed25519PublicKey) -> str:
    """C2SP verifier key string ``<name>+<hex key id>+<base64(0x01 ‖ key)>``."""
    blob = base64.b64encode(bytes((ED25519_TYPE,)) + raw_public_key(public_key)).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{blob}"


def parse_vkey(text: str) -> VerifierKey:
    """Parse and check a C2SP verifier key string."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise KeyFormatError("verifier key must look like <name>+<hex id>+<base64 key>")
    name, hex_id, blob = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(blob, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"verifier key encoding is invalid: {exc}") from exc
    if len(hex_id) != 8 or len(raw) != 33 or raw[0] != ED25519_TYPE:
        raise KeyFormatError("verifier key is not a 32-byte Ed25519 key with a 4-byte id")
    key = VerifierKey(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
    if key.key_id != wanted:
        raise KeyFormatError(f"verifier key id {hex_id} does not match the key and name")
    return key


def load_public_key(
    source: str | bytes | Path | Ed25519PublicKey | VerifierKey,
) -> VerifierKey | Ed25519PublicKey:
    """Load a public key from a key object, PEM text/bytes, vkey text, raw 32 bytes, or a file.

    Returns a VerifierKey when the source names the key (vkey form), else the bare key.
    """
    if isinstance(source, (Ed25519PublicKey, VerifierKey)):
        return source
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes) and len(source) == 32:
        return Ed25519PublicKey.from_public_bytes(source)
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    if "-----BEGIN" in text:
        try:
            key = serialization.load_pem_public_key(text.encode("utf-8"))
        except ValueError as exc:
            raise KeyFormatError(f"unreadable PEM public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFormatError("PEM public key is not an Ed25519 key")
        return key
    return parse_vkey(text)


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Load an unencrypted PEM (PKCS#8) Ed25519 private key."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"unreadable PEM private key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError(f"{path} is not an Ed25519 private key")
    return key


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)


def generate_keypair(
    private_path: str | Path,
    public_path: str | Path,
    *,
    key_name: str | None = None,
) -> VerifierKey | Ed25519PublicKey:
    """Create a new Ed25519 key: private PEM (mode 0600) and public key file.

    The public file is PEM, or the C2SP vkey line when ``key_name`` is given.
    Refuses (FileExistsError) to overwrite either file.
    """
    private_path, public_path = Path(private_path), Path(public_path)
    if key_name is not None:
        check_key_name(key_name)
    for path in (private_path, public_path):
        if path.exists():
            raise FileExistsError(f"refusing to overwrite {path}")
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    if key_name is None:
        public_text = public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    else:
        public_text = (format_vkey(key_name, public_key) + "\n").encode("utf-8")
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_text, 0o644)
    return public_key if key_name is None else VerifierKey(key_name, public_key)
