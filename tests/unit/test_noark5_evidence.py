"""The extract's ledger evidence, narrated: a signed checkpoint and a proof per document file,
checked offline; each kind of tampering is named by the file or leaf it hit.

The ledger here is an in-memory log (MemoryLedger) holding an event per record version, with
the real Merkle tree, leaf encoding and checkpoint signing; the integration test uses the
archive's own ledger. Schemas come from the shared folder (skip when absent, fail under CI).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from archive.export.model import (
    ExportAgendaItem,
    ExportAgreement,
    ExportArchive,
    ExportMeeting,
    ExportNews,
    ExportParticipant,
    ExportRecordVersion,
    ExportStatement,
)
from archive.export.noark5 import validate_package, write_package
from archive.export.noark5.evidence import (
    CHECKPOINT,
    CHECKPOINT_UNSIGNED,
    LEAVES,
    PROOFS,
    LedgerHead,
    ProvenEvent,
    bind_content,
    content_of,
)
from archive.export.noark5.verify_extract import verify_extract
from archive.ledger.checkpoint import checkpoint_body, sign_checkpoint
from archive.ledger.keys import format_vkey
from archive.ledger.leaf import event_leaf_hash
from archive.ledger.merkle import MemoryNodeStore, MerkleTree

UTC = UTC
ORIGIN = "arkiv.example.no/protokoll"


def rid(name: str) -> str:
    """A record id as the archive makes them (a UUID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{name}"))


class MemoryLedger:
    """A log of one event per record version (plus unrelated events in between), in a real
    RFC 9162 tree, signed with ``key`` (or unsigned without one)."""

    def __init__(self, archive: ExportArchive, key: Ed25519PrivateKey | None = None) -> None:
        self.key = key
        self.tree = MerkleTree(MemoryNodeStore())
        self.log: dict[str, list[ProvenEvent]] = {}
        for a in archive.agreements:  # type: ignore[attr-defined]
            for v in a.versions:
                self._append(a.id, {"title": v.title, "text": v.text})
        for m in archive.meetings:  # type: ignore[attr-defined]
            self._append(m.id, {"title": m.title, "start": m.start.isoformat() if m.start else None})
            for number, title, decision in m.agenda_items:
                self._append(m.id, {"number": number, "title": title})
                if decision is not None:
                    self._append(m.id, {"number": number, "decision": decision})
            if m.minutes_text is not None:
                self._append(m.id, {"text": m.minutes_text})
        for n in archive.news:  # type: ignore[attr-defined]
            for v in n.versions or [ExportRecordVersion(1, n.title, n.body, n.created_at, n.created_by, "created")]:
                self._append(n.id, {"title": v.title, "paragraphs": v.text.split("\n\n")})
        for s in archive.statements:  # type: ignore[attr-defined]
            self._append(s.id, {"text": s.text, "speaker": s.speaker_name})

    def _append(self, record_id: str, content: dict[str, object]) -> None:
        # An unrelated event (a person registered) first, so leaf indexes and versions differ.
        self._leaf(str(uuid.uuid4()), 1, "archive.domain:Person.Registered", {"name": "Kari"})
        version = len(self.log.get(record_id, [])) + 1
        self.log.setdefault(record_id, []).append(
            self._leaf(record_id, version, "archive.domain:Record.Changed", content))

    def _leaf(self, originator: str, version: int, topic: str, content: dict[str, object]) -> ProvenEvent:
        index = self.tree.size
        state = json.dumps(content, ensure_ascii=False).encode("utf-8")
        self.tree.append(event_leaf_hash(index + 1, originator, version, topic, state))
        return ProvenEvent(index, index + 1, originator, version, topic, state, ())

    def head(self) -> LedgerHead:
        size, root = self.tree.size, self.tree.root()
        if self.key is None:
            return LedgerHead(checkpoint_body(ORIGIN, size, root), size, False, unsigned_reason="no signing key")
        return LedgerHead(sign_checkpoint(ORIGIN, size, root, self.key), size, True,
                          format_vkey(ORIGIN, self.key.public_key()))

    def events(self, record_id: str, up_to_version: int | None, size: int) -> Sequence[ProvenEvent]:
        return [
            ProvenEvent(e.leaf_index, e.notification_id, e.originator_id, e.originator_version, e.topic, e.state,
                        tuple(self.tree.inclusion_proof(e.leaf_index, size)))
            for e in self.log.get(record_id, [])
            if (up_to_version is None or e.originator_version <= up_to_version) and e.leaf_index < size
        ]


def small_archive() -> ExportArchive:
    """An invented agreement with a revision, a meeting with a decision and minutes, a news
    item with two versions and a statement quoted in it."""
    at = datetime(2016, 3, 1, 9, tzinfo=UTC)
    agreement = ExportAgreement(
        rid("avtale"),
        "2016/0007",
        "Samarbeidsavtale om ferjedrift",
        ["Fjordby kommune"],
        "Gjeldende",
        at,
        "kari",
        versions=[
            ExportRecordVersion(
                1, "Samarbeidsavtale om ferjedrift", "Partene driver ferja sammen.", at, "kari", "created"
            ),
            ExportRecordVersion(
                2,
                "Samarbeidsavtale om ferjedrift",
                "Partene driver ferja sammen til 2020.",
                datetime(2016, 6, 1, tzinfo=UTC),
                "kari",
                "revised",
                "Ny periode",
                date(2016, 6, 1),
            ),
        ],
    )
    meeting = ExportMeeting(
        rid("møte"), "2016/0009", "Formannskapet", "Formannskapet i Fjordby", "Rådhuset",
        datetime(2016, 4, 5, 10, tzinfo=UTC), None,
        participants=[ExportParticipant("Ola Nordmann", "leder", True)],
        agenda_items=[ExportAgendaItem("12/16", "Ferjetilbudet", "Formannskapet anbefaler avtalen.")],
        minutes_text="Møtet ble satt kl. 10.", created_at=datetime(2016, 4, 5, 12, tzinfo=UTC), created_by="kari")
    news = ExportNews(
        rid("nyhet"), "2016/0010", "Ferja går videre", "Avtale inngått", "Ferja går videre\n\nAvtale inngått.",
        date(2016, 6, 2), None, datetime(2016, 6, 2, 8, tzinfo=UTC), "kari",
        versions=[ExportRecordVersion(1, "Ferja går videre", "Ferja går videre\n\nAvtale inngått.",
                                      datetime(2016, 6, 2, 8, tzinfo=UTC), "kari", "created"),
                  ExportRecordVersion(2, "Ferja går videre", "Ferja går videre\n\nAvtale inngått i juni.",
                                      datetime(2016, 6, 3, 8, tzinfo=UTC), "kari", "corrected")])
    statement = ExportStatement(
        rid("uttalelse"), "2016/0011", "Dette er en god dag for Fjordby.", "Ola Nordmann", "ordfører", "Sp",
        "Fjordby kommune", date(2016, 6, 2), rid("nyhet"), None, datetime(2016, 6, 2, 8, 5, tzinfo=UTC), "kari")
    return ExportArchive("Fjordby arkiv", "Fjordby kommune", "Protokoll", [agreement], [meeting], [news], [statement],
                         exported_at=datetime(2031, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="session")
def schemas(shared_dir: Path) -> Path:
    from tests.conftest import skip_or_fail

    root = shared_dir / "schemas"
    if not (root / "noark5-v5.0" / "arkivstruktur.xsd").is_file():
        skip_or_fail(f"Noark 5 schemas not found under {root}")
    return root


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def extract(tmp_path: Path, schemas: Path, key: Ed25519PrivateKey) -> Path:
    archive = small_archive()
    out = tmp_path / "uttrekk"
    write_package(archive, out, schemas, ledger=MemoryLedger(archive, key))
    return out


def proof_lines(extract: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (extract / PROOFS).read_text(encoding="utf-8").splitlines()]


def test_an_export_carries_a_signed_checkpoint_and_a_bound_proof_per_document(extract: Path, schemas: Path) -> None:
    # The package still validates against the unmodified schemas, the ledger files included in its checksums.
    assert validate_package(extract, schemas / "noark5-v5.0", schemas / "addml-v8.3") == []
    addml = (extract / "arkivuttrekk.xml").read_text(encoding="utf-8")
    for name in (CHECKPOINT, "ledger/public-key.vkey", LEAVES, PROOFS, "ledger/LESMEG.txt"):
        digest = hashlib.sha256((extract / name).read_bytes()).hexdigest()
        assert f"<value>{name}</value>" in addml and f"<value>{digest}</value>" in addml
    # Every document file has a proof, and every one's text follows from its events' states.
    documents = sorted(p.relative_to(extract).as_posix() for p in (extract / "DOKUMENT").rglob("*.txt"))
    proofs = proof_lines(extract)
    assert sorted(str(p["document"]) for p in proofs) == documents and len(documents) == 7
    assert all(p["content"] for p in proofs)
    # The decision document is the export's template around strings from two events.
    decision = next(p for p in proofs if "Vedtak" in (extract / str(p["document"])).read_text(encoding="utf-8"))
    assert {"literal": "\n\nVedtak:\n"} in decision["content"]  # type: ignore[operator]
    # Offline, with the key carried in the extract: everything verifies.
    report = verify_extract(extract)
    assert report.ok, report.problems
    assert (report.signed, report.documents, report.bound) == (True, 7, 7)


def test_verification_with_the_archives_own_key_and_with_a_stranger_key(
    extract: Path, key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    # The auditor's copy of the public key (PEM) verifies the checkpoint.
    pem = tmp_path / "arkiv.pub"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    assert verify_extract(extract, pem).ok
    # Another key does not: the checkpoint is named.
    pem.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    report = verify_extract(extract, pem)
    assert not report.ok and report.first_bad == CHECKPOINT


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_a_document_is_named(extract: Path) -> None:
    # Flip one byte in the second document file.
    name = str(proof_lines(extract)[1]["document"])
    flip(extract / name, 3)
    # The verifier names exactly that file.
    report = verify_extract(extract)
    assert report.first_bad == name and "SHA-256" in report.problems[0]


def test_a_flipped_byte_in_a_proof_is_named_by_its_leaf(extract: Path) -> None:
    # Flip one bit of the first hash in the third leaf's audit path.
    lines = (extract / LEAVES).read_text(encoding="utf-8").splitlines()
    leaf = json.loads(lines[2])
    raw = bytearray(base64.b64decode(leaf["audit_path"][0]))
    raw[0] ^= 0x01
    leaf["audit_path"][0] = base64.b64encode(bytes(raw)).decode()
    lines[2] = json.dumps(leaf)
    (extract / LEAVES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The verifier names that leaf first; the documents depending on it fail after it.
    report = verify_extract(extract)
    assert report.first_bad == f"leaf {leaf['leaf_index']} ({LEAVES} line 3)"
    assert any("is not proven" in p for p in report.problems[1:])


def test_a_changed_event_state_is_named_by_its_leaf(extract: Path) -> None:
    # Rewrite the stored state of the first leaf (a different text for version 1).
    lines = (extract / LEAVES).read_text(encoding="utf-8").splitlines()
    leaf = json.loads(lines[0])
    leaf["state_b64"] = base64.b64encode(b'{"title":"x","text":"Forfalsket."}').decode()
    lines[0] = json.dumps(leaf)
    (extract / LEAVES).write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Its recomputed leaf no longer leads to the signed root.
    report = verify_extract(extract)
    assert report.first_bad == f"leaf {leaf['leaf_index']} ({LEAVES} line 1)"


def test_a_flipped_byte_in_the_checkpoint_is_named(extract: Path) -> None:
    # Flip the last digit of the tree size in the signed note (a bigger or smaller tree).
    text = (extract / CHECKPOINT).read_bytes()
    flip(extract / CHECKPOINT, text.index(b"\n", text.index(b"\n") + 1) - 1)
    report = verify_extract(extract)
    assert report.first_bad == CHECKPOINT and "altered" in report.problems[0]


def test_a_forged_document_with_a_matching_checksum_is_caught_by_its_text(extract: Path) -> None:
    # Replace a document and update the checksum its proof lists, as a careful forger would.
    proofs = proof_lines(extract)
    target = extract / str(proofs[0]["document"])
    target.write_bytes(b"Partene driver ikke ferja.")
    proofs[0]["sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
    (extract / PROOFS).write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in proofs), encoding="utf-8")
    # The text no longer follows from the signed events.
    report = verify_extract(extract)
    assert report.first_bad == proofs[0]["document"] and "proven events" in report.problems[0]


def test_without_a_signing_key_the_export_says_so_and_proofs_lead_to_an_unsigned_head(
    tmp_path: Path, schemas: Path, key: Ed25519PrivateKey
) -> None:
    # Export with a ledger that has no signing key: the export does not fail, and warns.
    archive = small_archive()
    report = write_package(archive, tmp_path / "u", schemas, ledger=MemoryLedger(archive))
    assert any("UNSIGNED" in w for w in report.warnings)
    assert (tmp_path / "u" / CHECKPOINT_UNSIGNED).is_file() and not (tmp_path / "u" / CHECKPOINT).exists()
    # The proofs verify against the unsigned head, and the report says it is unsigned.
    result = verify_extract(tmp_path / "u")
    assert result.ok and not result.signed and any("UNSIGNED" in n for n in result.notes)
    # Asked to check it against a key, the verifier refuses the unsigned head.
    pem = tmp_path / "arkiv.pub"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    refused = verify_extract(tmp_path / "u", pem)
    assert not refused.ok and refused.first_bad == CHECKPOINT_UNSIGNED


def test_content_pieces_only_glue_the_exports_own_literals() -> None:
    # A news text made of two paragraphs from one event and the paragraph separator.
    event = ProvenEvent(4, 5, rid("n"), 1, "t", json.dumps({"paragraphs": ["Første.", "Andre."]}).encode(), ())
    pieces, why = bind_content("Første.\n\nAndre.", [event])
    assert why is None and pieces == [{"leaf": 4, "pointer": "/paragraphs/0"}, {"literal": "\n\n"},
                                      {"leaf": 4, "pointer": "/paragraphs/1"}]
    assert content_of(pieces, {4: {"paragraphs": ["Første.", "Andre."]}}) == "Første.\n\nAndre."
    # Text the events never held cannot be bound, and a forged literal is refused.
    assert bind_content("Tredje.", [event]) == (None, "the text is not made of strings from the record's event states")
    with pytest.raises(ValueError, match="not one of the export's glue texts"):
        content_of([{"literal": "Forfalsket"}], {})
