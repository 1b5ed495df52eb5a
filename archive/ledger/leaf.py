"""Canonical leaf encoding and the RFC 6962 / RFC 9162 leaf and node hashes.

This encoding is part of the public audit format: an auditor must be able to
re-implement it from this docstring alone.

    leaf_data = 0x01                                   format version, 1 byte
              ‖ uint64_be(notification_id)             8 bytes
              ‖ uuid_bytes(originator_id)              16 bytes (RFC 4122 big-endian)
              ‖ uint64_be(originator_version)          8 bytes
              ‖ uint32_be(len(topic_utf8)) ‖ topic_utf8
              ‖ SHA-256(state)                         32 bytes

    leaf_hash(d)    = SHA-256(0x00 ‖ d)
    node_hash(l, r) = SHA-256(0x01 ‖ l ‖ r)

Every field has a fixed width except the topic, which is length-prefixed, so
the encoding is injective. ``state`` is the event state exactly as stored
(possibly compressed and/or encrypted): it is hashed as given, never decoded.
"""

from __future__ import annotations

import hashlib
import uuid

LEAF_FORMAT_VERSION = 1
HASH_SIZE = 32
_U64_MAX = 2**64 - 1


class LeafEncodingError(ValueError):
    """A field cannot be put in the canonical leaf encoding."""


def _u64(name: str, value: int) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LeafEncodingError(f"{name} must be an int, got {type(value).__name__}")
    if not 0 <= value <= _U64_MAX:
        raise LeafEncodingError(f"{name} out of range for uint64: {value}")
    return value.to_bytes(8, "big")


def _uuid_bytes(value: str | uuid.UUID) -> bytes:
    if isinstance(value, uuid.UUID):
        return value.bytes
    if not isinstance(value, str):
        raise LeafEncodingError(f"originator_id must be a UUID string, got {type(value).__name__}")
    try:
        return uuid.UUID(value).bytes
    except ValueError as exc:
        raise LeafEncodingError(f"originator_id is not a UUID: {value!r}") from exc


def leaf_data(
    notification_id: int,
    originator_id: str | uuid.UUID,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """Canonical bytes of one stored event (see the module docstring)."""
    if not isinstance(topic, str):
        raise LeafEncodingError(f"topic must be a str, got {type(topic).__name__}")
    if not isinstance(state, (bytes, bytearray, memoryview)):
        raise LeafEncodingError(f"state must be bytes, got {type(state).__name__}")
    topic_bytes = topic.encode("utf-8")
    return b"".join(
        (
            bytes((LEAF_FORMAT_VERSION,)),
            _u64("notification_id", notification_id),
            _uuid_bytes(originator_id),
            _u64("originator_version", originator_version),
            len(topic_bytes).to_bytes(4, "big"),
            topic_bytes,
            hashlib.sha256(bytes(state)).digest(),
        )
    )


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 leaf hash: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def event_leaf_hash(
    notification_id: int,
    originator_id: str | uuid.UUID,
    originator_version: int,
    topic: str,
    state: bytes,
) -> bytes:
    """leaf_hash(leaf_data(...)): the Merkle leaf of one stored event."""
    return leaf_hash(leaf_data(notification_id, originator_id, originator_version, topic, state))
