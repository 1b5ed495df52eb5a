"""Ledger evidence for an extract, read from the live archive (see noark5/evidence.py)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from uuid import UUID

from archive import audit
from archive.export.noark5.evidence import LedgerHead, ProvenEvent
from archive.ledger.checkpoint import checkpoint_body
from archive.ledger.keys import KeyFormatError, format_vkey, load_private_key
from archive.ledger.leaf import event_leaf_hash
from archive.service import ArchiveService


class LedgerMismatchError(RuntimeError):
    """A stored event no longer hashes to its ledger leaf: the archive fails `protokoll verify`."""


class ArchiveEvidence:
    """Checkpoint and inclusion proofs from an open ArchiveService.

    The head is taken once, when the package's records have been written: the ledger is
    caught up first, so every version the export read has its leaf in the tree. With a signing
    key the head is signed and logged like `protokoll checkpoint`; without one it is written
    unsigned and the export says so.
    """

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self._head: LedgerHead | None = None

    def head(self) -> LedgerHead:
        if self._head is None:
            self._head = self._take_head()
        return self._head

    def _take_head(self) -> LedgerHead:
        settings = self.service.settings
        self.service.catch_up()
        key_path = settings.resolved_signing_key
        if key_path.exists():
            try:
                key = load_private_key(key_path)
            except KeyFormatError as exc:
                return self._unsigned(f"the signing key at {key_path} is unusable ({exc})")
            try:
                note = audit.checkpoint(self.service)
            except audit.AuditError as exc:  # e.g. an empty log: nothing to sign
                return self._unsigned(str(exc))
            size = int(note.split("\n", 2)[1])
            return LedgerHead(note, size, True, format_vkey(settings.ledger_origin, key.public_key()))
        return self._unsigned(f"no signing key at {key_path} (run `protokoll keygen`)")

    def _unsigned(self, reason: str) -> LedgerHead:
        size, root = self.service.ledger.head()
        return LedgerHead(checkpoint_body(self.service.settings.ledger_origin, size, root), size, False,
                          unsigned_reason=reason)

    def events(self, record_id: str, up_to_version: int | None, size: int) -> Sequence[ProvenEvent]:
        versions = [v for v in self.service.history.versions(record_id)
                    if up_to_version is None or v["version"] <= up_to_version]
        leaves = self.service.ledger.leaf_indexes([int(v["position"]) for v in versions])
        stored = {e.originator_version: e for e in self.service.archive.recorder.select_events(UUID(record_id))}
        out: list[ProvenEvent] = []
        for v in versions:
            leaf = leaves.get(int(v["position"]))
            event = stored.get(v["version"])
            if leaf is None or leaf >= size or event is None:
                continue  # recorded after the checkpoint: not in the tree it signs
            proof = self.service.ledger.inclusion_proof(leaf, size)
            # A row edited by hand may hold text where the application wrote bytes: prove what is there.
            raw: bytes | str = event.state
            state = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            proven = ProvenEvent(leaf, int(proof["notification_id"]), str(proof["originator_id"]),
                                 int(proof["originator_version"]), event.topic, state, tuple(proof["proof"]))
            recomputed = event_leaf_hash(proven.notification_id, proven.originator_id,
                                         proven.originator_version, proven.topic, proven.state)
            if recomputed != proof["leaf_hash"] or proven.originator_version != v["version"]:
                raise LedgerMismatchError(
                    f"leaf {leaf} ({record_id} v{v['version']}) does not match its stored event "
                    f"(leaf hash {base64.b64encode(proof['leaf_hash']).decode()}): run `protokoll verify`")
            out.append(proven)
        return out
