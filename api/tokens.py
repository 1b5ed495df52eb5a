"""Bearer tokens: only SHA-256 hashes are stored, in a JSON file named by the settings.

File format: ``{"tokens": [{"sha256": "...", "role": "archivist", "name": "...", "created_at": "..."}]}``.
The plain token is printed once by `protokoll token create` and never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.auth import Role

TOKEN_PREFIX = "pk_"


@dataclass(frozen=True)
class TokenEntry:
    sha256: str
    role: Role
    name: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Maps token hashes to roles; re-reads the file when it changes (no restart after `token create`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: list[TokenEntry] = []

    def _load(self) -> list[TokenEntry]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return []
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._entries = _read_entries(self.path)
                self._stamp = stamp
            return self._entries

    def lookup(self, token: str) -> TokenEntry | None:
        if not token or len(token) > 512:
            return None
        digest = hash_token(token)
        found = None
        # Compare against every entry in constant time per entry: no early exit on a match.
        for entry in self._load():
            if hmac.compare_digest(entry.sha256, digest):
                found = entry
        return found


def _read_entries(path: Path) -> list[TokenEntry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # an unreadable file grants nothing
    entries = []
    for item in data.get("tokens", []) if isinstance(data, dict) else []:
        try:
            role = Role(item["role"])
            digest = str(item["sha256"]).lower()
        except (KeyError, ValueError, TypeError):
            continue
        if role is Role.PUBLIC or len(digest) != 64:
            continue
        entries.append(TokenEntry(digest, role, str(item.get("name") or role.value)))
    return entries


@dataclass(frozen=True)
class TokenListing:
    """What `protokoll token list` shows of a token: never the token, only a short hash prefix."""

    hash_prefix: str
    role: str
    name: str
    created_at: str


def list_tokens(path: Path) -> list[TokenListing]:
    """Every token in the file, oldest first."""
    return [
        TokenListing(str(item.get("sha256", ""))[:12], str(item.get("role", "")), str(item.get("name", "")),
                     str(item.get("created_at", "")))
        for item in _read_document(path)["tokens"]
        if isinstance(item, dict)
    ]


def revoke_token(path: Path, which: str) -> list[TokenListing]:
    """Remove the tokens whose name equals `which` or whose hash starts with it (at least 8 hex digits).

    Returns what was removed; the server re-reads the file, so a revoked token stops working at once.
    """
    which = which.strip()
    data = _read_document(path)
    kept, removed = [], []
    for item in data["tokens"]:
        digest = str(item.get("sha256", "")) if isinstance(item, dict) else ""
        name = str(item.get("name", "")) if isinstance(item, dict) else ""
        by_hash = len(which) >= 8 and digest.startswith(which.lower())
        if which and (name == which or by_hash):
            removed.append(TokenListing(digest[:12], str(item.get("role", "")), name, str(item.get("created_at", ""))))
        else:
            kept.append(item)
    if removed:
        data["tokens"] = kept
        _write_document(path, data)
    return removed


def _read_document(path: Path) -> dict[str, list[dict[str, str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"tokens": []}
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
        raise ValueError(f"{path} is not a tokens file")
    return data


def _write_document(path: Path, data: dict[str, list[dict[str, str]]]) -> None:
    """Write atomically with mode 0600: a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def create_token(path: Path, role: Role, name: str | None = None) -> str:
    """Generate a token, append its hash to the file (mode 0600) and return the plain token."""
    if role is Role.PUBLIC:
        raise ValueError("the public role needs no token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    data = _read_document(path)
    data["tokens"].append(
        {
            "sha256": hash_token(token),
            "role": role.value,
            "name": name or f"{role.value}-{len(data['tokens']) + 1}",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    _write_document(path, data)
    return token
