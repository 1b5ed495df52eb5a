"""The catalog: the current state of every record, for lists, filters and pages."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from archive.readmodels.base import Change, RecordModel, loads
from archive.readmodels.db import Cursor
from archive.visibility import public_sql

PAGE_SIZE_MAX = 200
# What the public sees, as archive.visibility decides it (screened, withdrawn and unpublished
# records still exist for staff).
PUBLIC = public_sql("r")


@dataclass(frozen=True)
class CatalogFilter:
    kind: str | None = None
    organisation: str | None = None
    person: str | None = None
    year: int | None = None
    status: str | None = None
    include_restricted: bool = False  # False: the public view (see PUBLIC)
    page: int = 1
    page_size: int = 50


def links_of(view: dict[str, Any]) -> set[tuple[str, str]]:
    """The organisations and people a record is about, for filtering."""
    links: set[tuple[str, str]] = set()
    for party in view.get("parties") or []:
        if isinstance(party, str):
            links.add(("organisation", party))
    for name in ("organiser_id", "organisation_id"):
        if view.get(name):
            links.add(("organisation", view[name]))
    for role in view.get("roles") or []:
        if isinstance(role, dict) and role.get("organisation_id"):
            links.add(("organisation", role["organisation_id"]))
    if view.get("speaker_id"):
        links.add(("person", view["speaker_id"]))
    for participant in view.get("participants") or []:
        if isinstance(participant, dict) and participant.get("person_id"):
            links.add(("person", participant["person_id"]))
    return links


Link = tuple[str, str, str]  # a row of rm_record_links: (target_id, link_kind, record_id)

UPSERT = """INSERT INTO rm_records (id, kind, reference, title, status, restricted, date, year,
       version, created_at, updated_at, created_by, state)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (id) DO UPDATE SET title = excluded.title, status = excluded.status,
       restricted = excluded.restricted, date = excluded.date, year = excluded.year,
       version = excluded.version, updated_at = excluded.updated_at, state = excluded.state"""


class Catalog(RecordModel):
    name = "catalog"
    tables = ("rm_records", "rm_record_links")
    digest_queries = (
        "SELECT id, kind, reference, title, status, restricted, date, year, version, created_at, "
        "updated_at, created_by, state FROM rm_records ORDER BY id",
        "SELECT record_id, link_kind, target_id FROM rm_record_links ORDER BY record_id, link_kind, target_id",
    )

    def create(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_records (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, reference TEXT NOT NULL, title TEXT,
                status TEXT, restricted INTEGER NOT NULL, date TEXT, year INTEGER,
                version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                created_by TEXT, state TEXT NOT NULL)"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_records_kind ON rm_records (kind, date)")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_records_ref ON rm_records (reference)")
        # No query orders or filters by updated_at: an index on it only cost every write.
        cur.execute("DROP INDEX IF EXISTS rm_records_updated")
        # One b-tree, keyed by what the filters ask for (the person or organisation first): a new
        # record's links go next to the other records of the same people, not at random places
        # as a record id first put them (its index on the target was a second b-tree per link).
        # SQLite: every column is in the key, so WITHOUT ROWID keeps the rows in the key's b-tree.
        # Tables made before (record id first, with that index) stay as they are: the same SQL
        # works on both.
        without_rowid = "" if self.db.dialect == "postgres" else " WITHOUT ROWID"
        cur.execute(
            f"""CREATE TABLE IF NOT EXISTS rm_record_links (
                target_id TEXT NOT NULL, link_kind TEXT NOT NULL, record_id TEXT NOT NULL,
                PRIMARY KEY (target_id, link_kind, record_id)){without_rowid}"""
        )

    def apply(self, cur: Cursor, changes: Sequence[Change]) -> None:
        # Only the last state of each record in the batch matters to the catalog.
        latest: dict[str, Change] = {}
        created: dict[str, str] = {}
        for change in changes:
            rid = change.logged.originator_id
            latest[rid] = change
            if change.logged.originator_version == 1:
                created[rid] = change.logged.recorded_at
        rows: list[tuple[object, ...]] = []
        links: list[Link] = []
        relinked: list[tuple[str, set[tuple[str, str]]]] = []
        for rid, change in latest.items():
            rows.append(self._row(change, created.get(rid)))
            new = links_of(change.view)
            if rid in created:
                links += [(target, kind, rid) for kind, target in new]
            else:
                relinked.append((rid, new))
        if relinked:  # before the upsert: the links a record had are read from its stored state
            gone, gained = self._relink(cur, relinked)
            links += gained
            if gone:
                cur.executemany(
                    "DELETE FROM rm_record_links WHERE target_id = ? AND link_kind = ? AND record_id = ?", gone
                )
        cur.executemany(UPSERT, rows)
        if links:
            cur.executemany("INSERT INTO rm_record_links (target_id, link_kind, record_id) VALUES (?, ?, ?) "
                            "ON CONFLICT DO NOTHING", links)

    @staticmethod
    def _relink(cur: Cursor, relinked: Sequence[tuple[str, set[tuple[str, str]]]]) -> tuple[list[Link], list[Link]]:
        """The links records changed in this batch lose (rows to delete) and gain (rows to insert).
        A record's links are `links_of` its stored state (written with them, in the same
        transaction), so the links table needs no second index by record."""
        stored: dict[str, set[tuple[str, str]]] = {}
        for start in range(0, len(relinked), 500):
            ids = [rid for rid, _ in relinked[start : start + 500]]
            marks = ",".join("?" * len(ids))
            for row in cur.execute(f"SELECT id, state FROM rm_records WHERE id IN ({marks})", ids).fetchall():
                stored[row["id"]] = links_of(loads(row["state"]))
        gone: list[Link] = []
        gained: list[Link] = []
        for rid, new in relinked:
            old = stored.get(rid, set())
            gone += [(target, kind, rid) for kind, target in old - new]
            gained += [(target, kind, rid) for kind, target in new - old]
        return gone, gained

    def _row(self, change: Change, created_at: str | None) -> tuple[object, ...]:
        logged, view, when = change.logged, change.view, change.valid_from
        return (
            logged.originator_id,
            change.kind,
            view["reference"],
            view.get("title"),
            view.get("status"),
            int(bool(view.get("restricted"))),
            when,
            int(when[:4]) if when else None,
            view["version"],
            created_at or logged.recorded_at,
            logged.recorded_at,
            getattr(logged.event, "recorded_by", None),
            change.view_json,
        )

    # Queries ------------------------------------------------------------------------------

    def get(self, id_or_reference: str) -> dict[str, Any] | None:
        with self.db.read(snapshot=False) as cur:
            row = cur.execute(
                "SELECT * FROM rm_records WHERE id = ? OR reference = ? ORDER BY kind LIMIT 1",
                (id_or_reference, id_or_reference),
            ).fetchone()
        return _row(row) if row else None

    def list(self, flt: CatalogFilter) -> tuple[list[dict[str, Any]], int]:
        where: list[str] = ["1=1"]
        params: list[str | int] = []
        if flt.kind:
            where.append("r.kind = ?")
            params.append(flt.kind)
        if flt.status:
            where.append("r.status = ?")
            params.append(flt.status)
        if flt.year is not None:
            where.append("r.year = ?")
            params.append(flt.year)
        if not flt.include_restricted:
            where.append(PUBLIC)
        for kind, target in (("organisation", flt.organisation), ("person", flt.person)):
            if target:
                where.append(
                    "EXISTS (SELECT 1 FROM rm_record_links l WHERE l.record_id = r.id "
                    "AND l.link_kind = ? AND l.target_id = ?)"
                )
                params += [kind, target]
        clause = " AND ".join(where)
        size = max(1, min(flt.page_size, PAGE_SIZE_MAX))
        offset = (max(1, flt.page) - 1) * size
        with self.db.read() as cur:
            total = cur.execute(f"SELECT COUNT(*) AS n FROM rm_records r WHERE {clause}", params).fetchone()
            rows = cur.execute(
                f"SELECT r.* FROM rm_records r WHERE {clause} "
                "ORDER BY r.date DESC, r.reference DESC LIMIT ? OFFSET ?",
                [*params, size, offset],
            ).fetchall()
        return [_row(r) for r in rows], int(total["n"]) if total else 0

    def counts(self, include_restricted: bool = False) -> dict[str, int]:
        clause = "" if include_restricted else f"WHERE {public_sql()}"
        with self.db.read() as cur:
            rows = cur.execute(f"SELECT kind, COUNT(*) AS n FROM rm_records {clause} GROUP BY kind").fetchall()
        return {r["kind"]: int(r["n"]) for r in rows}

    # `builtins.list`: inside this class `list` names the method above.
    def recent(self, kind: str, limit: int = 10, include_restricted: bool = False) -> builtins.list[dict[str, Any]]:
        return self.list(
            CatalogFilter(kind=kind, include_restricted=include_restricted, page_size=limit)
        )[0]

    def ids_in_order(self) -> builtins.list[str]:
        """Every record's id, in the order the records were made (a rebuilt index's order)."""
        with self.db.read() as cur:
            rows = cur.execute("SELECT id FROM rm_records ORDER BY created_at, id").fetchall()
        return [r["id"] for r in rows]

    def by_ids(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self.db.read() as cur:
            rows = cur.execute(f"SELECT * FROM rm_records WHERE id IN ({marks})", list(ids)).fetchall()
        return {r["id"]: _row(r) for r in rows}


def _row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["restricted"] = bool(out["restricted"])
    out["state"] = loads(out["state"])
    return out
