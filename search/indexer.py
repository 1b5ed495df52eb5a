"""The search index as one more projection of the event log.

For every event it re-derives the search documents of the record it touched from the
`history` read model (one document per version, with its record-time and valid-time
intervals), and writes them together with its tracking position in ONE Whoosh commit, so a
crash between the two is impossible and replays are harmless (ids are unique).

The index is a cache: when it fails to open or its schema version differs, it is built
again from the log into a fresh directory and swapped in.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from whoosh.index import Index

from archive.readmodels.base import LoggedEvent, Projection
from archive.readmodels.catalog import Catalog
from archive.readmodels.history import History
from archive.readmodels.replay import is_record_topic
from archive.values import stored_day, stored_instant
from archive.visibility import mark_of
from search.index import (
    SchemaMismatchError,
    open_index,
    read_meta,
    rebuild_into,
    swap_in,
    write_batch,
    write_bulk,
)
from search.query import SearchParams, SearchResult, search
from search.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)


def _utc(text: str | None) -> datetime | None:
    """History's fixed-width UTC text → the naive UTC datetimes the index stores."""
    return stored_instant(text).astimezone(UTC).replace(tzinfo=None) if text else None


def _day(text: str | None) -> datetime | None:
    """A stored day (or an instant's own day) → its naive midnight, as the index stores days."""
    return datetime.combine(stored_day(text), time.min) if text else None


def body_of(kind: str, content: dict[str, Any]) -> str:
    """The searchable text of a version, by kind."""
    if kind in ("agreement", "statement"):
        return str(content.get("text") or "")
    if kind == "news":
        parts = [
            content.get("kicker"),
            content.get("lede"),
            *content.get("paragraphs", []),
            *content.get("subheadings", []),
        ]
        parts += [d.get("text") for d in content.get("cited_documents", []) if isinstance(d, dict)]
        return "\n\n".join(p for p in parts if p)
    if kind == "meeting":
        parts = [content.get("organiser_name"), content.get("place")]
        for item in content.get("agenda", []):
            parts += [f"{item['number']} {item['title']}", item.get("proposal"), item.get("decision")]
        parts.append(content.get("minutes"))
        return "\n\n".join(p for p in parts if p)
    if kind == "person":
        roles = [f"{r['role']} {r.get('organisation_name') or ''}".strip() for r in content.get("roles", [])]
        return "\n".join([*content.get("names", []), *roles])
    return str(content.get("name") or content.get("title") or "")


def documents_for(
    record: dict[str, Any], versions: Sequence[dict[str, Any]], organisation_names: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every version's document (and ids to delete: none, every version stays for staff).

    Each version carries the visibility of the record as it stands NOW (archive.visibility):
    once a record is withdrawn, unpublished or screened, none of its versions can be found by
    the public at any known_at; staff still find every version, marked. A cancelled meeting
    stays public, marked by its status.
    """
    docs: list[dict[str, Any]] = []
    restricted = bool(record["restricted"])
    visibility = mark_of(record)
    for position, row in enumerate(versions):
        content, kind = row["content"], row["kind"]
        doc_id = f"{row['record_id']}:{row['version']}"
        following = versions[position + 1] if position + 1 < len(versions) else None
        doc: dict[str, Any] = {
            "id": doc_id,
            "record_id": row["record_id"],
            "version": row["version"],
            "kind": kind,
            "reference": content.get("reference"),
            "title": content.get("title") or "",
            "body": body_of(kind, content),
            "recorded_at": _utc(row["recorded_at"]),
            "superseded_at": _utc(following["recorded_at"]) if following else None,
            "date": _day(record.get("date") or row["valid_from"]),
            "restricted": restricted,
            "visibility": visibility,
            "status": content.get("status"),
            "language": content.get("language"),
        }
        if kind == "agreement":
            doc["valid_from"] = _day(row["valid_from"])
            doc["valid_to"] = _day(row["valid_to"])
            doc["retracted_at"] = _utc(row["superseded_at"])
        if kind == "statement":
            doc["speaker"] = content.get("speaker_name")
            doc["speaker_id"] = content.get("speaker_id")
            doc["party"] = content.get("party")
            doc["role"] = content.get("speaker_role")
            # A statement linked to an organisation by id only is filed under its name too, so the
            # organisation facet and filter (which work on names) count it.
            org_name = content.get("organisation_name") or (organisation_names or {}).get(
                content.get("organisation_id") or "")
            doc["organisation"] = [org_name] if org_name else None
            doc["organisation_ids"] = [content["organisation_id"]] if content.get("organisation_id") else None
        elif kind in ("news", "meeting"):
            name = content.get("organisation_name") or content.get("organiser_name")
            doc["organisation"] = [name] if name else None
        if kind == "person":
            doc["party"] = content.get("party")
            doc["names"] = list(content.get("names") or []) or None
        docs.append(doc)
    return docs, []


class SearchProjection(Projection):
    """Keeps the Whoosh index in step with the log (reads the record's versions from history)."""

    name = "search"
    # Events per batch at most while behind: a batch is one Whoosh commit holding its documents in
    # memory, so the index keeps the smaller batches it had before the record models' grew.
    max_batch_size = 4000

    def __init__(self, index_dir: Path, history: History, catalog: Catalog) -> None:
        self.index_dir = index_dir
        self.history = history
        self.catalog = catalog
        self._lock = threading.Lock()
        self.ix: Index = self._open()

    def _open(self) -> Index:
        try:
            return open_index(self.index_dir)
        except SchemaMismatchError as exc:
            log.warning("search index schema changed (%s): rebuilding from the log", exc)
        except Exception as exc:  # noqa: BLE001 - any unreadable index is rebuilt, it is a cache
            log.warning("search index at %s cannot be opened (%s): rebuilding from the log", self.index_dir, exc)
        return self._fresh()

    def _fresh(self) -> Index:
        """A new empty index in a fresh directory, swapped in for the old one."""
        fresh = self.index_dir.with_name(self.index_dir.name + ".new")
        rebuild_into(fresh).close()
        swap_in(fresh, self.index_dir)
        return open_index(self.index_dir)

    def position(self) -> int:
        return int(read_meta(self.ix).get("position", 0))

    def process(self, events: Sequence[LoggedEvent], up_to: int) -> None:
        touched = list(dict.fromkeys(e.originator_id for e in events if is_record_topic(e.topic)))
        records = self.catalog.by_ids(touched)
        versions = self.history.versions_of(touched)
        organisation_names = self._organisation_names(versions)
        docs: list[dict[str, Any]] = []
        deletes: list[str] = []
        for record_id in touched:
            record = records.get(record_id)
            if record is None:
                continue
            made, hidden = documents_for(record, versions.get(record_id, []), organisation_names)
            docs += made
            deletes += hidden
        with self._lock:
            # Old versions usually come back unchanged: write_batch compares
            # their stored fields and leaves identical documents alone.
            write_batch(
                self.ix, docs, deletes, {"position": str(up_to), "schema": str(SCHEMA_VERSION)},
                skip_unchanged=True,
            )

    def is_empty(self) -> bool:
        """No document, so no position either (the position is a document: a fresh index, see `_fresh`)."""
        return bool(self.ix.doc_count_all() == 0)

    def build(self, up_to: int, chunk: int = 1000) -> int:
        """Fill this (empty) index from the read models as they stand at `up_to`, in one commit.

        A rebuild's path: the read models are built first, so every record's documents can be
        derived once from its complete history (in the order the records were made) and loaded
        in bulk (search.writing.write_bulk: one segment, not one per batch of the log).
        Returns the number of documents written.
        """

        def documents() -> Iterator[dict[str, Any]]:
            ids = self.catalog.ids_in_order()
            for start in range(0, len(ids), chunk):
                part = ids[start : start + chunk]
                records, versions = self.catalog.by_ids(part), self.history.versions_of(part)
                names = self._organisation_names(versions)
                for record_id in part:
                    if record_id in records:
                        yield from documents_for(records[record_id], versions.get(record_id, []), names)[0]

        with self._lock:
            return write_bulk(self.ix, documents(), {"position": str(up_to), "schema": str(SCHEMA_VERSION)})

    def _organisation_names(self, versions: Mapping[str, Sequence[dict[str, Any]]]) -> dict[str, str]:
        """Names of the organisations statements link by id without naming them (one query)."""
        ids = sorted({
            str(row["content"]["organisation_id"]) for rows in versions.values() for row in rows
            if row["kind"] == "statement" and row["content"].get("organisation_id")
            and not row["content"].get("organisation_name")
        })
        return {rid: str(rec["title"]) for rid, rec in self.catalog.by_ids(ids).items() if rec.get("title")}

    def reset(self) -> None:
        with self._lock:
            self.ix.close()
            self.ix = self._fresh()

    def digest(self) -> str:
        """Hash of every stored document (without Whoosh's internal numbering)."""
        sha = hashlib.sha256()
        with self.ix.searcher() as searcher:
            docs = sorted((dict(fields) for fields in searcher.all_stored_fields()), key=lambda d: str(d.get("id")))
        for doc in docs:
            if doc.get("id") == "__meta__":
                continue
            sha.update(repr(sorted(doc.items())).encode())
        return sha.hexdigest()

    def query(self, params: SearchParams) -> SearchResult:
        return search(self.ix, params)

    def close(self) -> None:
        self.ix.close()
