"""The ledger evidence an extract carries: a checkpoint, inclusion proofs, document bindings.

Beyond the Noark 5 standard, so a depot can check decades later, offline and with nothing but
the extract and the archive's public key, that each document file is what the archive
published. Files (all listed with SHA-256 in arkivuttrekk.xml, dataObject "ledger")::

    ledger/checkpoint.txt          C2SP tlog-checkpoint signed by the archive's Ed25519 key
    ledger/checkpoint-unsigned.txt ... or, when the archive has no signing key, the bare
                                   checkpoint body (origin, size, root) and no signature line
    ledger/public-key.vkey         the signing key as a C2SP verifier key (absent if unsigned)
    ledger/leaves.jsonl            one line per log event a document depends on
    ledger/proofs.jsonl            one line per document file
    ledger/LESMEG.txt              this format, in words, for a reader without Protokoll

leaves.jsonl line: ``leaf_index``, ``notification_id``, ``originator_id``,
``originator_version``, ``topic``, ``state_b64`` (the event's stored state, exactly as stored)
and ``audit_path`` (base64 hashes, RFC 9162 §2.1.3 PATH(leaf_index, tree), leaf side first).
The leaf is ``SHA-256(0x00 ‖ leaf_data)`` with ``leaf_data = 0x01 ‖ u64be(notification_id) ‖
uuid(originator_id) ‖ u64be(originator_version) ‖ u32be(len(topic)) ‖ topic ‖
SHA-256(state)`` (archive/ledger/leaf.py), and the audit path leads from it to the
checkpoint's root for the checkpoint's tree size.

proofs.jsonl line: ``document`` (path in the extract), ``sha256`` (hex, of the file's bytes),
``dokumentobjekt`` (its systemID in arkivstruktur.xml), ``record_id``, ``version`` (the
record version the file shows, null when it shows the record as exported), ``leaf_index``
(the event that recorded that version), ``leaves`` (every event of the record up to that
version: its state is the fold of them) and ``content``: how the file's text follows from
those events' states — a list of pieces, each ``{"leaf": i, "pointer": "/json/pointer"}``
(the string at that RFC 6901 pointer in the event's state read as JSON) or
``{"literal": s}`` with ``s`` one of :data:`LITERALS` (the export's fixed glue, such as
"\\n\\n" between a news item's paragraphs). The UTF-8 bytes of the concatenated pieces are the
document file. ``content`` is null, with ``unbound`` saying why, when the text cannot be
shown to follow from the states (e.g. an encrypted state, or text the export had to repair).
"""

from __future__ import annotations

import base64
import heapq
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

LEDGER_DIR = "ledger"
CHECKPOINT = f"{LEDGER_DIR}/checkpoint.txt"
CHECKPOINT_UNSIGNED = f"{LEDGER_DIR}/checkpoint-unsigned.txt"
PUBLIC_KEY = f"{LEDGER_DIR}/public-key.vkey"
LEAVES = f"{LEDGER_DIR}/leaves.jsonl"
PROOFS = f"{LEDGER_DIR}/proofs.jsonl"
README = f"{LEDGER_DIR}/LESMEG.txt"
FORMAT = "protokoll-noark5-ledger/1"
# The only literal text a document may add to strings taken from event states: the glue of
# the export's own templates (news paragraphs, a decision document, nothing else).
LITERALS = ("\n\n", "Sak ", ": ", "\n\nVedtak:\n", "\n")
_PREFIX = 4  # state strings are indexed by their first characters


@dataclass(frozen=True)
class ProvenEvent:
    """One stored event with its inclusion proof in the tree the checkpoint signs."""

    leaf_index: int
    notification_id: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes
    audit_path: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "leaf_index": self.leaf_index,
            "notification_id": self.notification_id,
            "originator_id": self.originator_id,
            "originator_version": self.originator_version,
            "topic": self.topic,
            "state_b64": base64.b64encode(self.state).decode("ascii"),
            "audit_path": [base64.b64encode(h).decode("ascii") for h in self.audit_path],
        }


@dataclass(frozen=True)
class LedgerHead:
    """The tree head the proofs lead to: a signed note, or (no key) the bare note body."""

    note: str
    size: int
    signed: bool
    public_key: str | None = None  # C2SP verifier key line when signed
    unsigned_reason: str | None = None


class LedgerEvidence(Protocol):
    """Where the proofs come from (the live archive, or a test's own log)."""

    def head(self) -> LedgerHead: ...

    def events(self, record_id: str, up_to_version: int | None, size: int) -> Sequence[ProvenEvent]:
        """The record's events (versions 1..up_to_version, all if None) among the first
        ``size`` leaves, in version order, each with its audit path for tree ``size``."""
        ...


@dataclass(frozen=True)
class DocumentEntry:
    """A document file written into the package and the record version it shows."""

    path: str
    sha256: str
    dokumentobjekt: str
    record_id: str
    version: int | None


@dataclass
class EvidenceSummary:
    files: list[str] = field(default_factory=list)
    documents: int = 0
    leaves: int = 0
    bound: int = 0
    signed: bool = False


# --------------------------------------------------------------------------- content binding


def _pointer_part(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def state_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON state with its RFC 6901 pointer."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from state_strings(item, f"{pointer}/{_pointer_part(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from state_strings(item, f"{pointer}/{index}")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901: the value at ``pointer``; KeyError when there is none."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(document, dict):
            document = document[part]
        elif isinstance(document, list) and part.isdigit() and (part == "0" or not part.startswith("0")):
            document = document[int(part)]
        else:
            raise KeyError(pointer)
    return document


def decode_state(state: bytes) -> Any:
    """The stored state read as JSON, or None when it is not JSON (compressed, encrypted)."""
    try:
        return json.loads(state.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def bind_content(text: str, events: Sequence[ProvenEvent]) -> tuple[list[dict[str, Any]] | None, str | None]:
    """Pieces whose concatenation is ``text`` (see the module docstring), or (None, why).

    A shortest-path search over positions of the text: a state string or a literal leads from
    one position to the next; the path with the fewest literal characters (then pieces) wins.
    Later events come first, so a value a correction replaced is taken from the correction.
    """
    by_prefix: dict[str, list[tuple[str, int, str]]] = {}
    short: dict[str, tuple[int, str]] = {}
    readable = 0
    for event in reversed(events):
        decoded = decode_state(event.state)
        if decoded is None:
            continue
        readable += 1
        for pointer, value in state_strings(decoded):
            if not value:
                continue
            if len(value) < _PREFIX:
                short.setdefault(value, (event.leaf_index, pointer))
            else:
                by_prefix.setdefault(value[:_PREFIX], []).append((value, event.leaf_index, pointer))
    if not readable:
        return None, "no event state is readable as JSON (compressed or encrypted)"
    for bucket in by_prefix.values():
        bucket.sort(key=lambda c: -len(c[0]))
    goal = len(text)
    # (literal characters, pieces, position); best[pos] = (cost, previous pos, piece)
    best: dict[int, tuple[tuple[int, int], int, dict[str, Any] | None]] = {0: ((0, 0), -1, None)}
    queue: list[tuple[int, int, int]] = [(0, 0, 0)]
    done: set[int] = set()
    while queue:
        literal_chars, pieces, pos = heapq.heappop(queue)
        if pos in done:
            continue
        done.add(pos)
        if pos == goal:
            break
        steps: list[tuple[int, dict[str, Any], int]] = []
        seen_values: set[str] = set()
        for value, leaf, pointer in by_prefix.get(text[pos:pos + _PREFIX], ()):
            if value not in seen_values and text.startswith(value, pos):
                seen_values.add(value)
                steps.append((len(value), {"leaf": leaf, "pointer": pointer}, 0))
        for width in range(1, _PREFIX):
            hit = short.get(text[pos:pos + width])
            if hit is not None:
                steps.append((width, {"leaf": hit[0], "pointer": hit[1]}, 0))
        for literal in LITERALS:
            if text.startswith(literal, pos):
                steps.append((len(literal), {"literal": literal}, len(literal)))
        for width, piece, cost in steps:
            nxt, new = pos + width, (literal_chars + cost, pieces + 1)
            if nxt not in best or new < best[nxt][0]:
                best[nxt] = (new, pos, piece)
                heapq.heappush(queue, (new[0], new[1], nxt))
    if goal not in best:
        return None, "the text is not made of strings from the record's event states"
    out: list[dict[str, Any]] = []
    pos = goal
    while pos > 0:
        _, previous, step = best[pos]
        if step is None:  # only position 0 has no step leading to it
            break
        out.append(step)
        pos = previous
    return out[::-1], None


def content_of(pieces: Sequence[Mapping[str, Any]], states: Mapping[int, Any]) -> str:
    """The text the pieces describe; ValueError naming the first piece that does not resolve."""
    parts: list[str] = []
    for number, piece in enumerate(pieces):
        if set(piece) == {"literal"}:
            if piece["literal"] not in LITERALS:
                raise ValueError(f"piece {number}: literal {piece['literal']!r} is not one of the export's glue texts")
            parts.append(piece["literal"])
            continue
        leaf, pointer = piece.get("leaf"), piece.get("pointer")
        if set(piece) != {"leaf", "pointer"} or not isinstance(leaf, int) or not isinstance(pointer, str):
            raise ValueError(f"piece {number} is neither a literal nor a leaf and pointer")
        if leaf not in states:
            raise ValueError(f"piece {number}: leaf {leaf} is not among the document's proven leaves")
        try:
            value = resolve_pointer(states[leaf], pointer)
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"piece {number}: leaf {leaf} has nothing at {pointer}") from None
        if not isinstance(value, str):
            raise ValueError(f"piece {number}: leaf {leaf} at {pointer} is not a string")
        parts.append(value)
    return "".join(parts)


# --------------------------------------------------------------------------- writing


def write_evidence(
    out_dir: Path, evidence: LedgerEvidence, documents: Iterable[DocumentEntry], warnings: list[str]
) -> EvidenceSummary:
    """Write ledger/ into the package; the summary lists the files for arkivuttrekk.xml.

    Documents come grouped by record (the order they were written), so each record's events
    are fetched once; a leaf shared by several documents is written once.
    """
    head = evidence.head()
    summary = EvidenceSummary(signed=head.signed)
    ledger = out_dir / LEDGER_DIR
    ledger.mkdir(exist_ok=True)
    checkpoint = CHECKPOINT if head.signed else CHECKPOINT_UNSIGNED
    (out_dir / checkpoint).write_bytes(head.note.encode("utf-8"))
    summary.files.append(checkpoint)
    if head.signed and head.public_key:
        (out_dir / PUBLIC_KEY).write_bytes((head.public_key.strip() + "\n").encode("utf-8"))
        summary.files.append(PUBLIC_KEY)
    if not head.signed:
        warnings.append(f"{head.unsigned_reason or 'no signing key'}: the ledger proofs lead to an UNSIGNED "
                        f"tree head ({CHECKPOINT_UNSIGNED}); they show the documents are in the log, "
                        "not that the archive vouched for it")
    written: set[int] = set()
    unbound: list[str] = []
    cached: tuple[str, int | None, Sequence[ProvenEvent]] | None = None
    with (out_dir / LEAVES).open("w", encoding="utf-8", newline="\n") as leaves_out, \
            (out_dir / PROOFS).open("w", encoding="utf-8", newline="\n") as proofs_out:
        for doc in documents:
            if cached is None or cached[:2] != (doc.record_id, doc.version):
                cached = (doc.record_id, doc.version, evidence.events(doc.record_id, doc.version, head.size))
            events = cached[2]
            for event in events:
                if event.leaf_index not in written:
                    written.add(event.leaf_index)
                    leaves_out.write(json.dumps(event.to_json(), separators=(",", ":")) + "\n")
            entry: dict[str, Any] = {
                "document": doc.path, "sha256": doc.sha256, "dokumentobjekt": doc.dokumentobjekt,
                "record_id": doc.record_id, "version": doc.version,
                "leaf_index": events[-1].leaf_index if events else None,
                "leaves": [e.leaf_index for e in events],
            }
            if not events:
                entry.update(content=None, unbound="the record's events are not in the signed tree")
            else:
                text = (out_dir / doc.path).read_bytes().decode("utf-8")
                pieces, why = bind_content(text, events)
                entry.update(content=pieces, unbound=why)
            if entry["content"] is None:
                unbound.append(f"{doc.path}: {entry['unbound']}")
            else:
                summary.bound += 1
            proofs_out.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
            summary.documents += 1
    summary.leaves = len(written)
    summary.files += [LEAVES, PROOFS]
    if unbound:
        warnings.append(f"{len(unbound)} document file(s) not derivable from their events' states "
                        f"(first: {unbound[0]})")
    (out_dir / README).write_bytes(readme_text(head, summary).encode("utf-8"))
    summary.files.append(README)
    return summary


def readme_text(head: LedgerHead, summary: EvidenceSummary) -> str:
    """LESMEG.txt: how to check the extract without Protokoll."""
    state = ("signert med arkivets Ed25519-nøkkel (public-key.vkey; sammenlign med nøkkelen arkivet "
             "har publisert)" if head.signed else
             "IKKE SIGNERT: arkivet hadde ingen signeringsnøkkel da uttrekket ble laget")
    doc = (__doc__ or "").split("\n\n", 2)[2]
    return (
        f"Loggbevis for dette arkivuttrekket ({FORMAT})\n\n"
        f"Sjekkpunktet (treets størrelse {head.size}) er {state}.\n"
        f"{summary.documents} dokumentfiler, {summary.leaves} logghendelser, "
        f"{summary.bound} dokumentfiler bundet til hendelsenes innhold.\n"
        "Kontroll med Protokoll: protokoll verify-extract <uttrekk> [--public-key FIL]\n\n"
        "Format (English):\n\n" + doc
    )
