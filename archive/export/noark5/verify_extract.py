"""verify_extract: check an extract's ledger evidence offline (format: evidence.py).

Needs nothing but the extract and, ideally, the archive's public key obtained elsewhere:
the checkpoint's signature, every leaf recomputed from its stored state and led by its audit
path to the checkpoint's root, and every document file's SHA-256 and text against its proof.
Problems are listed in that order, so the first one names the first bad file or leaf.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.export.noark5.evidence import (
    CHECKPOINT,
    CHECKPOINT_UNSIGNED,
    LEAVES,
    PROOFS,
    PUBLIC_KEY,
    content_of,
    decode_state,
)
from archive.export.noark5.ids import DOCUMENT_DIR
from archive.ledger.checkpoint import Checkpoint, CheckpointError, parse_checkpoint_body, verify_checkpoint
from archive.ledger.keys import KeyFormatError, VerifierKey, key_id, load_public_key
from archive.ledger.leaf import HASH_SIZE, LeafEncodingError, event_leaf_hash
from archive.ledger.merkle import verify_inclusion


@dataclass
class ExtractVerification:
    problems: list[str] = field(default_factory=list)
    first_bad: str | None = None  # the file or leaf named by the first problem
    notes: list[str] = field(default_factory=list)
    signed: bool = False
    size: int = 0
    root: str = ""
    leaves: int = 0
    documents: int = 0
    bound: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, where: str, message: str) -> None:
        if self.first_bad is None:
            self.first_bad = where
        self.problems.append(f"{where}: {message}")


def _lines(path: Path, name: str, report: ExtractVerification) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        report.fail(name, f"cannot be read ({exc.strerror})")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                report.fail(f"{name} line {number}", "not a JSON object")
                continue
            if not isinstance(obj, dict):
                report.fail(f"{name} line {number}", "not a JSON object")
                continue
            yield number, obj


def _b64_hash(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not a base64 string")
    raw = base64.b64decode(value.encode("ascii"), validate=True)
    if len(raw) != HASH_SIZE:
        raise ValueError(f"{len(raw)} bytes, not {HASH_SIZE}")
    return raw


def _checkpoint(extract: Path, public_key: Path | None, report: ExtractVerification) -> Checkpoint | None:
    signed, unsigned = extract / CHECKPOINT, extract / CHECKPOINT_UNSIGNED
    if signed.is_file():
        text = signed.read_bytes()
        key_file = public_key or extract / PUBLIC_KEY
        try:
            key: VerifierKey | Any = load_public_key(key_file.read_bytes())
        except OSError:
            report.fail(str(key_file), "no public key to check the checkpoint with")
            return None
        except (KeyFormatError, ValueError) as exc:
            report.fail(str(key_file), f"not a usable public key ({exc})")
            return None
        try:
            cp = verify_checkpoint(text, key)
        except CheckpointError as exc:
            report.fail(CHECKPOINT, str(exc))
            return None
        report.signed = True
        name = key.name if isinstance(key, VerifierKey) else cp.origin
        source = "the given key" if public_key else f"the key carried in the extract ({PUBLIC_KEY})"
        ident = (key.key_id if isinstance(key, VerifierKey) else key_id(name, key)).hex()
        report.notes.append(f"checkpoint signed by {name}/{ident}, checked with {source}")
        if public_key is None:
            report.notes.append("a key carried in the extract proves integrity, not origin: "
                                "compare its id with the archive's published key or pass --public-key")
        return cp
    if unsigned.is_file():
        if public_key is not None:
            report.fail(CHECKPOINT_UNSIGNED, "the checkpoint is not signed, so it cannot be checked "
                        "against the given key")
            return None
        try:
            cp = parse_checkpoint_body(unsigned.read_bytes().decode("utf-8"))
        except (CheckpointError, UnicodeDecodeError) as exc:
            report.fail(CHECKPOINT_UNSIGNED, str(exc))
            return None
        report.notes.append("UNSIGNED tree head: the proofs show each document is in the archive's "
                            "log as exported, but nothing shows the archive vouched for that log")
        return cp
    report.fail(CHECKPOINT, "the extract carries no checkpoint (ledger/ is missing)")
    return None


def _uuid(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _check_leaves(extract: Path, cp: Checkpoint, report: ExtractVerification) -> dict[int, tuple[str | None, Any]]:
    """Verify every leaf; return the originator and decoded state (None if not JSON) of each good one."""
    states: dict[int, tuple[str | None, Any]] = {}
    for number, obj in _lines(extract / LEAVES, LEAVES, report):
        where = f"leaf {obj.get('leaf_index')} ({LEAVES} line {number})"
        try:
            index = obj["leaf_index"]
            state = base64.b64decode(str(obj["state_b64"]).encode("ascii"), validate=True)
            leaf = event_leaf_hash(obj["notification_id"], obj["originator_id"], obj["originator_version"],
                                   obj["topic"], state)
            path = [_b64_hash(h) for h in obj["audit_path"]]
        except (KeyError, TypeError, ValueError, binascii.Error, LeafEncodingError) as exc:
            report.fail(where, f"malformed ({exc})")
            continue
        if not isinstance(index, int) or isinstance(index, bool):
            report.fail(where, "leaf_index is not an integer")
            continue
        if not verify_inclusion(leaf, index, cp.size, path, cp.root):
            report.fail(where, f"the audit path does not lead from the recomputed leaf to the "
                        f"checkpoint's root (tree size {cp.size})")
            continue
        states[index] = (_uuid(obj["originator_id"]), decode_state(state))
        report.leaves += 1
    return states


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_documents(extract: Path, states: dict[int, tuple[str | None, Any]],
                     report: ExtractVerification) -> set[str]:
    covered: set[str] = set()
    unbound: list[str] = []
    root = extract.resolve()
    for number, obj in _lines(extract / PROOFS, PROOFS, report):
        name = obj.get("document")
        if not isinstance(name, str) or not name.startswith(f"{DOCUMENT_DIR}/"):
            report.fail(f"{PROOFS} line {number}", "names no document file")
            continue
        covered.add(name)
        path = (extract / name).resolve()
        if root not in path.parents or not path.is_file():
            report.fail(name, "listed in the proofs but not in the extract")
            continue
        report.documents += 1
        if _sha256(path) != obj.get("sha256"):
            report.fail(name, "its SHA-256 differs from the one its proof lists")
            continue
        leaves = obj.get("leaves")
        if not isinstance(leaves, list) or not all(isinstance(i, int) for i in leaves):
            report.fail(name, f"{PROOFS} line {number}: leaves is not a list of leaf indexes")
            continue
        missing = [i for i in leaves if i not in states]
        if missing:
            report.fail(name, f"leaf {missing[0]} it depends on is not proven")
            continue
        record = _uuid(obj.get("record_id"))
        foreign = [i for i in leaves if record is None or states[i][0] != record]
        if foreign:
            report.fail(name, f"leaf {foreign[0]} is not an event of its record {obj.get('record_id')}")
            continue
        pieces = obj.get("content")
        if pieces is None:
            unbound.append(f"{name} ({obj.get('unbound') or 'no reason given'})")
            continue
        try:
            text = content_of(pieces, {i: states[i][1] for i in leaves})
        except (ValueError, TypeError, AttributeError) as exc:
            report.fail(name, f"its content pieces do not resolve: {exc}")
            continue
        if text.encode("utf-8") != path.read_bytes():
            report.fail(name, "its text differs from what the proven events' states give")
            continue
        report.bound += 1
    if unbound:
        report.notes.append(f"{len(unbound)} document file(s) proven by checksum only, their text not "
                            f"derived from the events (first: {unbound[0]})")
    return covered


def verify_extract(extract: Path, public_key: Path | None = None) -> ExtractVerification:
    """Check the ledger evidence of the extract in ``extract`` (see the module docstring)."""
    extract = Path(extract)
    report = ExtractVerification()
    cp = _checkpoint(extract, public_key, report)
    if cp is None:
        return report
    report.size, report.root = cp.size, cp.root_b64
    states = _check_leaves(extract, cp, report)
    covered = _check_documents(extract, states, report)
    documents = extract / DOCUMENT_DIR
    on_disk = sorted(p.relative_to(extract).as_posix() for p in documents.rglob("*") if p.is_file()) \
        if documents.is_dir() else []
    for name in on_disk:
        if name not in covered:
            report.fail(name, f"a document file without a proof in {PROOFS}")
    return report
