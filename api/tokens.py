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
from datetime import datetime, timezone
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


def create_token(path: Path, role: Role, name: str | None = None) -> str:
    """Generate a token, append its hash to the file (mode 0600) and return the plain token."""
    if role is Role.PUBLIC:
        raise ValueError("the public role needs no token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {"tokens": []}
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
        raise ValueError(f"{path} is not a tokens file")
    data["tokens"].append(
        {
            "sha256": hash_token(token),
            "role": role.value,
            "name": name or f"{role.value}-{len(data['tokens']) + 1}",
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)
    return token
