"""The auditor's verifier against a synthetic 40-event log and the ways it can be tampered with.

Story: the archive recorded 40 events and signed checkpoints at sizes 10, 25 and 40.
Later somebody edits the event table directly. Each test plays one kind of edit and
checks what an auditor holding the export, the checkpoints and the public key sees.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import random
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.ledger.checkpoint import sign_checkpoint
from archive.ledger.keys import format_vkey
from archive.ledger.merkle import MemoryNodeStore, MerkleTree, root_from_leaves
from archive.ledger.verifier import (
    UNKNOWN_WITHOUT_EXPORT,
    Export,
    ExportedEvent,
    ExportFormatError,
    LedgerHead,
    compare_leaves,
    export_line,
    ledger_line,
    main,
    read_export,
    verify_export,
    verify_log,
)

REPO = Path(__file__).resolve().parents[2]
ORIGIN = "protokoll.test/ledger"
KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()


def make_log(n: int = 40) -> list[ExportedEvent]:
    """Events of five records, with notification-id gaps like a real sequence."""
    rng = random.Random(40)
    records = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(5)]
    versions: dict[str, int] = {}
    events = []
    for i in range(n):
        oid = records[i % 5] if i < 10 else rng.choice(records)
        versions[oid] = versions.get(oid, 0) + 1
        topic = "archive.domain:Record.Registered" if versions[oid] == 1 else "archive.domain:Record.Amended"
        events.append(ExportedEvent(i, 1 + i + i // 7, oid, versions[oid], topic, rng.randbytes(24)))
    return events


LOG = make_log()
LEAVES = [e.leaf_hash() for e in LOG]


def tree_of(leaves: list[bytes]) -> MerkleTree:
    tree = MerkleTree(MemoryNodeStore())
    tree.extend(leaves)
    return tree


ORIGINAL = tree_of(LEAVES)
CHECKPOINTS = [sign_checkpoint(ORIGIN, s, ORIGINAL.root(s), KEY) for s in (10, 25, 40)]


def renumber(events: list[ExportedEvent]) -> list[ExportedEvent]:
    """The exporter numbers leaves by position in notification order."""
    return [dataclasses.replace(e, leaf_index=i) for i, e in enumerate(events)]


def audit(events: list[ExportedEvent], **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("checkpoints", CHECKPOINTS)
    kwargs.setdefault("public_key", PUBLIC)
    return verify_log(events, **kwargs)


def test_the_untouched_log_verifies_against_all_checkpoints_and_the_ledger_head() -> None:
    report = audit(LOG, ledger_size=40, ledger_root=ORIGINAL.root())
    assert report.ok, report.problems
    assert report.size == 40 and report.checkpoints_verified == 3
    assert report.root == base64.b64encode(ORIGINAL.root()).decode()
    assert report.first_bad is None


def test_update_of_one_state_is_bracketed_by_checkpoints_and_named_with_an_earlier_export() -> None:
    tampered = list(LOG)
    tampered[17] = dataclasses.replace(LOG[17], state=b"rewritten minutes")
    report = audit(tampered)
    assert not report.ok and report.first_bad is None
    assert any(
        p.startswith(f"checkpoint 2: root mismatch for size 25; {UNKNOWN_WITHOUT_EXPORT} (it lies in leaves [10, 25))")
        for p in report.problems
    ), report.problems
    assert not any(p.startswith("checkpoint 1:") for p in report.problems)  # size 10 still matches
    # The log no longer links the old checkpoint to the newer ones.
    assert "checkpoints 1 -> 2: the exported log does not link them" in report.problems[0]

    named = audit(tampered, expected_leaves=LEAVES)
    assert named.first_bad == {
        "leaf_index": 17, "notification_id": LOG[17].notification_id,
        "originator_id": LOG[17].originator_id, "originator_version": LOG[17].originator_version,
        "reason": "the event at leaf 17 was altered",
    }


def test_dense_checkpoints_pinpoint_the_first_bad_leaf_without_an_export() -> None:
    every_size = [sign_checkpoint(ORIGIN, s, ORIGINAL.root(s), KEY) for s in range(1, 41)]
    tampered = list(LOG)
    tampered[17] = dataclasses.replace(LOG[17], topic="archive.domain:Record.Deleted")
    report = audit(tampered, checkpoints=every_size)
    assert report.first_bad is not None and report.first_bad["leaf_index"] == 17
    assert report.first_bad["notification_id"] == LOG[17].notification_id


def test_delete_of_one_event_shifts_every_later_leaf_and_names_the_deleted_position() -> None:
    tampered = renumber(LOG[:17] + LOG[18:])
    report = audit(tampered)
    assert not report.ok
    assert any("checkpoint 3: size 40 exceeds the exported log of 39 events" in p for p in report.problems)
    assert any("checkpoint 2: root mismatch for size 25" in p for p in report.problems)
    # The deleted record's history now has a hole, visible without any checkpoint.
    gap = [p for p in report.problems if f"follows version {LOG[17].originator_version - 1}" in p]
    assert gap and LOG[17].originator_id in gap[0]

    named = audit(tampered, expected_leaves=LEAVES)
    assert named.first_bad is not None
    assert named.first_bad["leaf_index"] == 17
    assert named.first_bad["notification_id"] == LOG[18].notification_id  # what now sits there
    assert "recorded leaf 17 is missing from the log (deleted)" in named.first_bad["reason"]


def test_swapping_two_rows_is_named_as_a_swap() -> None:
    reordered = list(LOG)
    reordered[12], reordered[20] = LOG[20], LOG[12]
    report = audit(renumber(reordered), expected_leaves=LEAVES)
    assert report.first_bad is not None and report.first_bad["leaf_index"] == 12
    assert report.first_bad["reason"] == "leaves 12 and 20 are swapped"
    assert any("notification id does not increase" in p for p in report.problems)


def test_swapping_contents_between_two_notification_ids_is_an_alteration_of_the_earlier() -> None:
    swapped = list(LOG)
    swapped[12] = dataclasses.replace(LOG[20], leaf_index=12, notification_id=LOG[12].notification_id)
    swapped[20] = dataclasses.replace(LOG[12], leaf_index=20, notification_id=LOG[20].notification_id)
    report = audit(swapped, expected_leaves=LEAVES)
    assert report.first_bad is not None and report.first_bad["leaf_index"] == 12
    assert report.first_bad["reason"] == "the event at leaf 12 was altered"
    assert any("checkpoint 2: root mismatch for size 25" in p for p in report.problems)


def test_a_forged_event_inserted_before_the_checkpoint_end_breaks_it() -> None:
    forged = ExportedEvent(0, LOG[6].notification_id + 1, LOG[0].originator_id, 99, "x:Forged", b"!")
    assert forged.notification_id < LOG[7].notification_id  # fits a sequence gap
    tampered = renumber(LOG[:7] + [forged] + LOG[7:])
    report = audit(tampered)
    assert any(f"checkpoint 1: root mismatch for size 10; {UNKNOWN_WITHOUT_EXPORT} (it lies in leaves [0, 10))" in p
               for p in report.problems)
    named = audit(tampered, expected_leaves=LEAVES)
    assert named.first_bad is not None and named.first_bad["leaf_index"] == 7
    assert named.first_bad["notification_id"] == forged.notification_id
    assert named.first_bad["reason"] == "an unrecorded event was inserted at leaf 7"


def test_a_forged_append_after_the_last_checkpoint_is_only_caught_by_the_ledger() -> None:
    forged = ExportedEvent(40, LOG[-1].notification_id + 1, str(uuid.uuid4()), 1, "x:Forged", b"!")
    tampered = LOG + [forged]
    # The checkpoints alone cannot see it: the grown log is a valid extension of them.
    assert audit(tampered).ok
    # The ledger head exported with the log still says 40 leaves: the 41st was never recorded.
    report = audit(tampered, ledger_size=40, ledger_root=ORIGINAL.root())
    assert not report.ok
    assert report.first_bad is not None and report.first_bad["leaf_index"] == 40
    assert report.first_bad["notification_id"] == forged.notification_id
    assert "not recorded by the archive's ledger" in report.first_bad["reason"]
    # The same comparison against the ledger table's stored leaves:
    mismatch = compare_leaves([e.leaf_hash() for e in tampered], LEAVES)
    assert mismatch is not None and (mismatch.index, mismatch.kind) == (40, "extra")
    # Had the ledger projection absorbed the forged row, nothing here could tell.
    absorbed = root_from_leaves([e.leaf_hash() for e in tampered])
    assert audit(tampered, ledger_size=41, ledger_root=absorbed).ok


def test_compare_leaves_reports_missing_tail_and_accepts_a_grown_log_as_prefix() -> None:
    assert compare_leaves(LEAVES, LEAVES) is None
    assert compare_leaves(LEAVES + [LEAVES[0]], LEAVES, prefix_ok=True) is None
    missing = compare_leaves(LEAVES[:39], LEAVES)
    assert missing is not None and (missing.index, missing.kind) == (39, "missing")


def test_checkpoint_trouble_is_reported_per_checkpoint() -> None:
    impostor = sign_checkpoint(ORIGIN, 25, ORIGINAL.root(25), Ed25519PrivateKey.generate())
    report = audit(LOG, checkpoints=[impostor])
    assert report.problems[0].startswith("checkpoint 1: no signature by the trusted key")

    report = audit(LOG, checkpoints=[CHECKPOINTS[1], CHECKPOINTS[0]])
    assert any("tree size shrank from 25 to 10" in p for p in report.problems)

    fork = sign_checkpoint(ORIGIN, 25, ORIGINAL.root(24), KEY)  # the log equivocated
    report = audit(LOG, checkpoints=[CHECKPOINTS[1], fork])
    assert any("two different roots for tree size 25" in p for p in report.problems)
    assert any("checkpoint 2: root mismatch for size 25" in p for p in report.problems)

    report = audit(LOG, public_key=None)
    assert report.problems == [f"checkpoint {i}: signature not checked (no usable public key)" for i in (1, 2, 3)]

    report = audit(LOG, public_key=format_vkey(ORIGIN, PUBLIC))
    assert report.ok and report.checkpoints_verified == 3

    report = audit(LOG, checkpoints=["not a checkpoint"])
    assert report.problems == ["checkpoint 1: signed note must end with a newline"]


def test_expected_leaves_that_disagree_with_a_checkpoint_are_flagged_as_untrustworthy() -> None:
    tampered = list(LOG)
    tampered[3] = dataclasses.replace(LOG[3], state=b"x")
    recomputed = [e.leaf_hash() for e in tampered]  # e.g. a ledger re-projected after tampering
    report = audit(tampered, expected_leaves=recomputed)
    assert any("expected leaves do not match its root" in p for p in report.problems)


def test_structure_checks_catch_a_record_whose_first_events_are_missing() -> None:
    report = verify_log(LOG[5:], initial_version=1)
    assert not report.ok
    assert any("leaf_index is 5 but it is event number 0" in p for p in report.problems)
    assert any("first event has version 2, expected 1" in p for p in report.problems)
    assert verify_log(renumber(LOG[5:]), initial_version=None).ok


def test_malformed_records_stop_the_audit_at_that_leaf() -> None:
    rows = [e.to_json() for e in LOG[:3]]
    rows[1]["state_b64"] = "***"
    report = verify_log(rows)
    assert not report.ok and report.first_bad is not None and report.first_bad["leaf_index"] == 1
    rows[1] = dict(LOG[1].to_json(), originator_id="not-a-uuid")
    assert verify_log(rows).first_bad["leaf_index"] == 1  # type: ignore[index]


# --- export format and CLI ------------------------------------------------------------


def write_export(path: Path, events: list[ExportedEvent], size: int, root: bytes) -> Path:
    path.write_text("".join(export_line(e) + "\n" for e in events) + ledger_line(size, root) + "\n")
    return path


def test_the_export_format_round_trips_and_is_plain_json_lines(tmp_path: Path) -> None:
    path = write_export(tmp_path / "export.jsonl", LOG, 40, ORIGINAL.root())
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    assert list(first) == ["leaf_index", "notification_id", "originator_id", "originator_version", "topic", "state_b64"]
    assert json.loads(lines[-1]) == {"ledger": {"size": 40, "root": base64.b64encode(ORIGINAL.root()).decode()}}
    export = read_export(lines)
    assert export.events == LOG and export.ledger == LedgerHead(40, ORIGINAL.root())
    hex_row = dict(first, state_hex=LOG[0].state.hex())
    del hex_row["state_b64"]
    assert ExportedEvent.from_json(hex_row) == LOG[0]


@pytest.mark.parametrize(
    "lines, message",
    [
        (["{not json"], "line 1"),
        ([export_line(LOG[0]), '{"leaf_index": 1}'], "line 2: .*state_b64"),
        ([ledger_line(0, bytes(32)), export_line(LOG[0])], "line 2: data after the final ledger line"),
        (['{"ledger": {"size": 1, "root": "AAAA"}}'], "ledger root must be 32 bytes"),
        ([json.dumps(dict(LOG[0].to_json(), notification_id=-1))], "notification_id must be a non-negative"),
    ],
)
def test_malformed_exports_name_the_line(lines: list[str], message: str) -> None:
    with pytest.raises(ExportFormatError, match=message):
        read_export(lines)


def test_an_export_without_its_ledger_line_is_treated_as_truncated() -> None:
    report = verify_export(Export(LOG, None))
    assert report.problems == ["export has no final ledger line (truncated export?)"]


def test_cli_exits_0_on_a_clean_export_and_1_naming_the_first_bad_leaf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cps = []
    for k, text in enumerate(CHECKPOINTS):
        cps.append(tmp_path / f"cp{k}.txt")
        cps[-1].write_text(text)
    vkey = tmp_path / "log.vkey"
    vkey.write_text(format_vkey(ORIGIN, PUBLIC) + "\n")
    clean = write_export(tmp_path / "clean.jsonl", LOG, 40, ORIGINAL.root())
    args = ["--checkpoint", *map(str, cps), "--public-key", str(vkey)]

    assert main([str(clean), *args]) == 0
    assert capsys.readouterr().out.startswith("OK: 40 leaves")

    tampered = list(LOG)
    tampered[17] = dataclasses.replace(LOG[17], state=b"rewritten")
    bad = write_export(tmp_path / "bad.jsonl", tampered, 40, ORIGINAL.root())
    assert main([str(bad), *args, "--expected", str(clean)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("FAILED:") and out[-1].endswith("first bad leaf 17")
    assert any("leaf 17 (notification" in line and "altered" in line for line in out)

    hashes = tmp_path / "leaves.txt"
    hashes.write_text("".join(base64.b64encode(h).decode() + "\n" for h in LEAVES))
    assert main([str(bad), *args, "--expected", str(hashes), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["first_bad"]["leaf_index"] == 17

    assert main([str(tmp_path / "missing.jsonl")]) == 1
    assert "cannot read input" in capsys.readouterr().out


def test_the_verifier_runs_standalone_without_the_archive_or_eventsourcing(tmp_path: Path) -> None:
    probe = (
        "import sys, archive.ledger.verifier\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('eventsourcing', 'psycopg', 'orjson')\n"
        "       or (m.startswith('archive') and m != 'archive' and not m.startswith('archive.ledger'))]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    export = write_export(tmp_path / "e.jsonl", LOG, 40, ORIGINAL.root())
    run = subprocess.run([sys.executable, "-m", "archive.ledger.verifier", str(export)],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
