"""Standalone auditor's verifier for a Protokoll ledger export (stdlib + cryptography only).

Run:  python -m archive.ledger.verifier EXPORT.jsonl [--checkpoint FILE ...]
          [--public-key FILE] [--key-name NAME] [--expected FILE] [--json]

Export format (JSON lines, UTF-8), one event per line in leaf order, then the ledger head::

    {"leaf_index": 0, "notification_id": 1, "originator_id": "<uuid>",
     "originator_version": 1, "topic": "<topic>", "state_b64": "<base64 of stored state>"}
    ...
    {"ledger": {"size": N, "root": "<base64 root of the first N leaves>"}}

What each kind of tampering reports (given a trusted signed checkpoint of size C):
  * UPDATE of an event at leaf i < C: root mismatch for every checkpoint with size > i.
  * DELETE of the event at leaf i < C: every later leaf shifts; roots mismatch (or the
    log is shorter than C); per-originator version gap is reported where detectable.
  * SWAP of leaves i < j < C: root mismatch; with expected leaves "swapped with leaf j".
  * INSERT of a forged event at leaf i < C: roots mismatch, leaves after i shift.
  * APPEND of a forged event at leaf >= C: consistent with the checkpoint — no
    checkpoint can reveal it. It is caught only if the archive's ledger did not record
    it (export holds more events than the ledger line's size; compare_leaves reports
    "extra"), or by a later checkpoint signed before the forgery.
With expected leaves (an earlier export or the ledger's stored leaf hashes) the exact
first differing leaf is named; with only checkpoint roots it is bracketed between the
largest matching and the smallest mismatching checkpoint size.

The export format itself (reading and writing its lines) is archive.ledger.export_format.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from archive.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    check_extends,
    parse_checkpoint,
    verify_checkpoint,
)
from archive.ledger.export_format import (
    Export,
    ExportedEvent,
    ExportFormatError,
    LedgerHead,
    export_line,
    hash_field,
    ledger_line,
    read_export,
)
from archive.ledger.keys import KeyFormatError, VerifierKey, load_public_key
from archive.ledger.leaf import LeafEncodingError
from archive.ledger.merkle import MemoryNodeStore, MerkleTree, verify_consistency

# The export format's names stay importable from here, where auditors' scripts found them.
__all__ = [
    "UNKNOWN_WITHOUT_EXPORT",
    "Export",
    "ExportedEvent",
    "ExportFormatError",
    "LeafMismatch",
    "LedgerHead",
    "VerificationReport",
    "compare_leaves",
    "export_line",
    "ledger_line",
    "main",
    "read_export",
    "verify_export",
    "verify_log",
]


UNKNOWN_WITHOUT_EXPORT = "first differing leaf unknown without an earlier export"


@dataclass(frozen=True)
class LeafMismatch:
    """The first position where recomputed and stored leaf hashes disagree."""

    index: int
    kind: str  # "changed" | "missing" (log shorter than stored) | "extra" (log longer)
    hint: str


def compare_leaves(
    recomputed: Sequence[bytes], stored: Sequence[bytes], *, prefix_ok: bool = False
) -> LeafMismatch | None:
    """First difference between the log's recomputed leaves and stored/expected ones.

    With ``prefix_ok`` a longer log is fine (``stored`` is an earlier snapshot);
    otherwise extra log leaves are reported (appended rows the ledger never recorded).
    """
    common = min(len(recomputed), len(stored))
    i = next((k for k in range(common) if recomputed[k] != stored[k]), None)
    if i is None:
        if len(recomputed) < len(stored):
            return LeafMismatch(
                common, "missing", f"log ends at {common} leaves but {len(stored)} were recorded (deleted?)"
            )
        if len(recomputed) > len(stored) and not prefix_ok:
            return LeafMismatch(
                common, "extra", f"log has {len(recomputed) - common} leaf(s) from {common} on that were never recorded"
            )
        return None
    rest_r, rest_s = recomputed[i:], stored[i:]
    if len(rest_s) > 1 and list(rest_r[: len(rest_s) - 1]) == list(rest_s[1 : len(rest_r) + 1]):
        return LeafMismatch(i, "changed", f"recorded leaf {i} is missing from the log (deleted)")
    if len(rest_r) > 1 and list(rest_r[1 : len(rest_s) + 1]) == list(rest_s[: len(rest_r) - 1]):
        return LeafMismatch(i, "changed", f"an unrecorded event was inserted at leaf {i}")
    position = {h: k for k, h in enumerate(stored)}
    j = position.get(recomputed[i])
    if j is not None and j > i and j < len(recomputed) and recomputed[j] == stored[i]:
        return LeafMismatch(i, "changed", f"leaves {i} and {j} are swapped")
    return LeafMismatch(i, "changed", f"the event at leaf {i} was altered")


@dataclass
class VerificationReport:
    """Outcome of verify_log; ok is True only when problems is empty."""

    ok: bool
    size: int
    root: str
    problems: list[str] = field(default_factory=list)
    first_bad: dict[str, Any] | None = None
    checkpoints_verified: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _describe(events: Sequence[ExportedEvent], index: int, reason: str) -> dict[str, Any]:
    event = events[index] if 0 <= index < len(events) else None
    return {
        "leaf_index": index,
        "notification_id": event.notification_id if event else None,
        "originator_id": event.originator_id if event else None,
        "originator_version": event.originator_version if event else None,
        "reason": reason,
    }


def _where(events: Sequence[ExportedEvent], index: int) -> str:
    if 0 <= index < len(events):
        e = events[index]
        return (
            f"leaf {index} (notification {e.notification_id}, "
            f"originator {e.originator_id} v{e.originator_version})"
        )
    return f"leaf {index} (beyond the end of the export)"


def _structure(events: Sequence[ExportedEvent], initial_version: int | None) -> list[str]:
    problems = []
    last_version: dict[str, int] = {}
    previous_nid = None
    for pos, e in enumerate(events):
        where = _where(events, pos)
        if e.leaf_index != pos:
            problems.append(f"{where}: leaf_index is {e.leaf_index} but it is event number {pos}")
        if previous_nid is not None and e.notification_id <= previous_nid:
            problems.append(f"{where}: notification id does not increase (previous {previous_nid})")
        previous_nid = e.notification_id
        before = last_version.get(e.originator_id)
        if before is None:
            if initial_version is not None and e.originator_version != initial_version:
                problems.append(
                    f"{where}: originator's first event has version {e.originator_version}, "
                    f"expected {initial_version} (earlier events missing?)"
                )
        elif e.originator_version != before + 1:
            problems.append(
                f"{where}: version {e.originator_version} follows version {before} "
                "of the same originator (gap, duplicate or reorder)"
            )
        last_version[e.originator_id] = e.originator_version
    return problems


def _resolve_key(public_key: Any, problems: list[str]) -> Ed25519PublicKey | VerifierKey | None:
    if public_key is None:
        return None
    try:
        return load_public_key(public_key)
    except (KeyFormatError, ValueError, OSError) as exc:
        problems.append(f"public key unusable: {exc}")
        return None


def verify_log(
    events: Iterable[ExportedEvent | Mapping[str, Any]],
    *,
    checkpoints: Sequence[str] = (),
    public_key: Ed25519PublicKey | VerifierKey | str | bytes | Path | None = None,
    key_name: str | None = None,
    ledger_root: bytes | str | None = None,
    ledger_size: int | None = None,
    expected_leaves: Sequence[bytes | str] | None = None,
    initial_version: int | None = 1,
) -> VerificationReport:
    """Recompute every leaf and root of an exported log and check it against the given anchors."""
    problems: list[str] = []
    findings: list[dict[str, Any]] = []
    evs: list[ExportedEvent] = []
    leaves: list[bytes] = []
    for pos, raw in enumerate(events):
        try:
            ev = raw if isinstance(raw, ExportedEvent) else ExportedEvent.from_json(raw)
            leaves.append(ev.leaf_hash())
            evs.append(ev)
        except (ExportFormatError, LeafEncodingError) as exc:
            problems.append(f"leaf {pos}: malformed event record: {exc}")
            first = {"leaf_index": pos, "notification_id": None, "originator_id": None,
                     "originator_version": None, "reason": f"malformed: {exc}"}
            return VerificationReport(False, pos, "", problems, first)
    n = len(evs)
    tree = MerkleTree(MemoryNodeStore())
    tree.extend(leaves)
    problems.extend(_structure(evs, initial_version))

    expected: list[bytes] | None = None
    if expected_leaves is not None:
        try:
            expected = [hash_field(h, f"expected leaf {k}") for k, h in enumerate(expected_leaves)]
        except ExportFormatError as exc:
            problems.append(f"expected leaves unusable: {exc}")
        mismatch = compare_leaves(leaves, expected, prefix_ok=True) if expected is not None else None
        if mismatch is not None:
            where = _where(evs, mismatch.index)
            problems.append(f"{where} differs from the expected leaves: {mismatch.hint}")
            findings.append(_describe(evs, mismatch.index, mismatch.hint))

    if ledger_size is not None or ledger_root is not None:
        size = n if ledger_size is None else ledger_size
        if size < n:
            reason = "not recorded by the archive's ledger (appended after the ledger head, or forged)"
            problems.append(
                f"export holds {n} events but the ledger covers only {size}: "
                f"{_where(evs, size)} onwards is {reason}"
            )
            findings.append(_describe(evs, size, reason))
        if size > n:
            problems.append(
                f"the ledger covers {size} leaves but the export holds only {n} events "
                "(events deleted or export truncated)"
            )
        elif ledger_root is not None:
            try:
                if tree.root(size) != hash_field(ledger_root, "ledger root"):
                    problems.append(f"ledger root mismatch for size {size}; {UNKNOWN_WITHOUT_EXPORT}")
            except ExportFormatError as exc:
                problems.append(str(exc))

    verified = _check_checkpoints(checkpoints, evs, tree, expected, public_key, key_name, problems, findings)
    first_bad = min(findings, key=lambda f: f["leaf_index"]) if findings else None
    root_b64 = base64.b64encode(tree.root()).decode("ascii")
    return VerificationReport(not problems, n, root_b64, problems, first_bad, verified)


def _check_checkpoints(
    texts: Sequence[str],
    evs: Sequence[ExportedEvent],
    tree: MerkleTree,
    expected: list[bytes] | None,
    public_key: Any,
    key_name: str | None,
    problems: list[str],
    findings: list[dict[str, Any]],
) -> int:
    """Check signatures, ordering, roots and consistency of the checkpoints; return how many verified."""
    if not texts:
        return 0
    key = _resolve_key(public_key, problems)
    n = tree.size
    valid: list[tuple[int, Checkpoint]] = []
    verified = 0
    for number, text in enumerate(texts, start=1):
        try:
            if key is None:
                cp = parse_checkpoint(text)
                problems.append(f"checkpoint {number}: signature not checked (no usable public key)")
            else:
                cp = verify_checkpoint(text, key, key_name)
                verified += 1
        except CheckpointError as exc:
            problems.append(f"checkpoint {number}: {exc}")
            continue
        valid.append((number, cp))

    for (na, a), (nb, b) in pairwise(valid):
        try:
            check_extends(a, b)
        except CheckpointError as exc:
            problems.append(f"checkpoint {nb} does not extend checkpoint {na}: {exc}")
            continue
        if b.size <= n and not verify_consistency(
            a.size, b.size, a.root, b.root, tree.consistency_proof(a.size, b.size)
        ):
            problems.append(
                f"checkpoints {na} -> {nb}: the exported log does not link them "
                f"(consistency proof from size {a.size} to {b.size} fails)"
            )

    expected_tree = None
    if expected is not None:
        expected_tree = MerkleTree(MemoryNodeStore())
        expected_tree.extend(expected)
    good = [cp.size for _, cp in valid if cp.size <= n and tree.root(cp.size) == cp.root]
    for number, cp in valid:
        if (
            expected_tree is not None
            and cp.size <= expected_tree.size
            and expected_tree.root(cp.size) != cp.root
        ):
            problems.append(
                f"checkpoint {number}: the expected leaves do not match its root; "
                "they are not a trustworthy reference"
            )
        if cp.size <= n and tree.root(cp.size) == cp.root:
            continue
        low = max((s for s in good if s < cp.size), default=0)
        end = min(cp.size, n + 1)
        if cp.size > n:
            head = (
                f"checkpoint {number}: size {cp.size} exceeds the exported log of {n} events "
                "(events deleted or export truncated)"
            )
        else:
            head = f"checkpoint {number}: root mismatch for size {cp.size}"
        if end - low == 1:
            problems.append(f"{head}; {_where(evs, low)} is the first differing leaf")
            reason = f"checkpoint {number}: size {low} matches, size {cp.size} does not"
            findings.append(_describe(evs, low, reason))
        elif expected is None:
            problems.append(f"{head}; {UNKNOWN_WITHOUT_EXPORT} (it lies in leaves [{low}, {end}))")
        else:
            problems.append(head)
    return verified


def _read_expected(path: Path) -> list[bytes]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lines and lines[0].lstrip().startswith("{"):
        return [e.leaf_hash() for e in read_export(lines).events]
    return [hash_field(line.strip(), f"{path} line {k}") for k, line in enumerate(lines, start=1)]


def verify_export(export: Export, **kwargs: Any) -> VerificationReport:
    """verify_log over a parsed export, using (and requiring) its final ledger line."""
    head = export.ledger
    report = verify_log(
        export.events,
        ledger_size=head.size if head else None,
        ledger_root=head.root if head else None,
        **kwargs,
    )
    if head is None:
        report.problems.append("export has no final ledger line (truncated export?)")
        report.ok = False
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print one line per problem; exit 0 when the export verifies, else 1."""
    parser = argparse.ArgumentParser(
        prog="python -m archive.ledger.verifier",
        description="Verify a Protokoll ledger export against signed checkpoints.",
    )
    parser.add_argument("export", type=Path, help="export file (JSON lines)")
    parser.add_argument("--checkpoint", type=Path, nargs="+", action="extend", default=[],
                        help="signed checkpoint file(s), oldest first")
    parser.add_argument("--public-key", type=Path, help="log public key: PEM or C2SP vkey line")
    parser.add_argument("--key-name", help="signing key name (default: vkey name, else checkpoint origin)")
    parser.add_argument("--expected", type=Path,
                        help="earlier export, or base64 leaf hashes one per line, to name the first bad leaf")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        with args.export.open(encoding="utf-8") as fh:
            export = read_export(fh)
        texts = [p.read_text(encoding="utf-8") for p in args.checkpoint]
        public_key = args.public_key.read_bytes() if args.public_key else None
        expected = _read_expected(args.expected) if args.expected else None
    except (OSError, ValueError) as exc:
        print(f"cannot read input: {exc}")
        return 1
    report = verify_export(
        export, checkpoints=texts, public_key=public_key, key_name=args.key_name, expected_leaves=expected
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for problem in report.problems:
            print(problem)
        if report.ok:
            print(f"OK: {report.size} leaves, root {report.root}, {report.checkpoints_verified} checkpoint(s) verified")
        else:
            where = f"; first bad leaf {report.first_bad['leaf_index']}" if report.first_bad else ""
            print(f"FAILED: {len(report.problems)} problem(s){where}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
