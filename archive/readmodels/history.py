"""History: one row per version of every record, on two time axes.

Valid time (`valid_from`/`valid_to`, dates) is when a version was true in the world;
record time (`recorded_at`/`superseded_at`, instants) is when the archive held it. A
revision ends the previous version's valid period (and remembers when that became known,
`valid_to_recorded_at`); a correction supersedes the version it corrects in record time and
keeps its valid period. So `as_of(valid_at=..., known_at=...)` can answer both "what did the
agreement say on D?" and "what did the archive say on T about D?".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from archive.domain import require_date, require_instant
from archive.exceptions import InvalidCommand
from archive.readmodels.base import Change, RecordModel, dumps, iso_utc, loads
from archive.readmodels.db import Cursor
from archive.readmodels.revisions import revision_of_version, revision_view

COLUMNS = (
    "record_id, version, kind, event_type, revision, valid_from, valid_to, valid_to_recorded_at, "
    "recorded_at, superseded_at, recorded_by, reason, source, content, position"
)


class History(RecordModel):
    name = "history"
    tables = ("rm_history",)
    digest_queries = (f"SELECT {COLUMNS} FROM rm_history ORDER BY record_id, version",)

    def create(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_history (
                record_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
                event_type TEXT NOT NULL, revision INTEGER, valid_from TEXT, valid_to TEXT,
                valid_to_recorded_at TEXT, recorded_at TEXT NOT NULL, superseded_at TEXT,
                recorded_by TEXT, reason TEXT, source TEXT, content TEXT NOT NULL,
                position BIGINT NOT NULL, PRIMARY KEY (record_id, version))"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_history_position ON rm_history (position)")

    def apply(self, cur: Cursor, changes: Sequence[Change]) -> None:
        rows: list[tuple[object, ...]] = []
        for change in changes:
            rows.append(self._record_version(cur, change, rows))
        self._insert(cur, rows)

    def _insert(self, cur: Cursor, rows: list[tuple[object, ...]]) -> None:
        if rows:
            cur.executemany(
                f"INSERT INTO rm_history ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)", rows
            )
            rows.clear()

    def _record_version(self, cur: Cursor, change: Change, pending: list[tuple[object, ...]]) -> tuple[object, ...]:
        """The new version's row; earlier rows are updated in place (pending ones written first)."""
        logged, view = change.logged, change.view
        if logged.originator_version > 1 and pending:
            self._insert(cur, pending)  # updates below must see every earlier row
        event, kind, rid, now = logged.event, change.kind, logged.originator_id, logged.recorded_at
        etype = logged.event_type
        valid_from, valid_to, vtra, revision = change.valid_from, None, None, None
        content = view
        if kind == "agreement":
            if etype == "Corrected":
                corrected = revision_of_version(view, event.corrects_version)
                if corrected is None:
                    raise InvalidCommand(f"stored correction names no revision: {rid} v{logged.originator_version}")
                old = self._open_row_of_revision(cur, rid, corrected["number"])
                content = revision_view(view, corrected)
                revision = corrected["number"]
                if old is not None:
                    valid_from, valid_to, vtra = old["valid_from"], old["valid_to"], old["valid_to_recorded_at"]
                    self._supersede(cur, rid, old["version"], now)
            elif etype in ("Registered", "Revised"):
                if etype == "Revised":
                    self._end_open_periods(cur, rid, view["effective_from"], now)
                revision = view["revisions"][-1]["number"]
                content = revision_view(view, view["revisions"][-1])
                valid_from = view["effective_from"]
            elif etype == "Terminated":
                self._end_open_periods(cur, rid, view["effective_to"], now)
                revision = view["revisions"][-1]["number"]
                valid_from = view["effective_to"]
            else:  # screening and other administrative changes: same valid period, new record time
                old = self._latest_current(cur, rid)
                if old is not None:
                    revision = old["revision"]
                    base = loads(old["content"])
                    base.update({k: content[k] for k in ("restricted", "restriction_basis", "public_title", "version")})
                    content = base
                    valid_from, valid_to, vtra = old["valid_from"], old["valid_to"], old["valid_to_recorded_at"]
                    self._supersede(cur, rid, old["version"], now)
        elif kind == "news" and etype == "Updated" and valid_from is not None:
            # An update published on a known day is a new version in the world: it ends the
            # previous version's valid period (as an agreement's revision does), and the earlier
            # version stays what the archive holds for the days before it.
            self._end_open_periods(cur, rid, valid_from, now)
        elif kind == "news" and logged.originator_version > 1:
            # Corrections, screening, an update of unknown date: a new record-time version of
            # the latest one, keeping its end of valid time.
            old = self._latest_current(cur, rid)
            if old is not None:
                valid_to, vtra = old["valid_to"], old["valid_to_recorded_at"]
                self._supersede(cur, rid, old["version"], now)
        elif logged.originator_version > 1:
            cur.execute(
                "UPDATE rm_history SET superseded_at = ? WHERE record_id = ? AND superseded_at IS NULL",
                (now, rid),
            )
        source = getattr(event, "source", None)
        return (
                rid,
                view["version"],
                kind,
                etype,
                revision,
                valid_from,
                valid_to,
                vtra,
                now,
                getattr(event, "recorded_by", None),
                getattr(event, "reason", None),
                dumps(source) if source else None,
                change.view_json if content is view else dumps(content),
                logged.position,
            )

    def _end_open_periods(self, cur: Cursor, rid: str, end: str | None, now: str) -> None:
        cur.execute(
            "UPDATE rm_history SET valid_to = ?, valid_to_recorded_at = ? "
            "WHERE record_id = ? AND superseded_at IS NULL AND valid_to IS NULL",
            (end, now, rid),
        )

    def _supersede(self, cur: Cursor, rid: str, version: int, now: str) -> None:
        cur.execute(
            "UPDATE rm_history SET superseded_at = ? WHERE record_id = ? AND version = ?",
            (now, rid, version),
        )

    def _open_row_of_revision(self, cur: Cursor, rid: str, revision: int) -> dict[str, Any] | None:
        return cur.execute(
            "SELECT * FROM rm_history WHERE record_id = ? AND revision = ? AND superseded_at IS NULL "
            "AND event_type <> 'Terminated' ORDER BY version DESC LIMIT 1",
            (rid, revision),
        ).fetchone()

    def _latest_current(self, cur: Cursor, rid: str) -> dict[str, Any] | None:
        return cur.execute(
            "SELECT * FROM rm_history WHERE record_id = ? AND superseded_at IS NULL "
            "ORDER BY version DESC LIMIT 1",
            (rid,),
        ).fetchone()

    # Queries ------------------------------------------------------------------------------

    def versions(self, record_id: str) -> list[dict[str, Any]]:
        return self.versions_of([record_id]).get(record_id, [])

    def versions_of(self, record_ids: Sequence[str], chunk: int = 500) -> dict[str, list[dict[str, Any]]]:
        """Every version of each record, in version order: one query per `chunk` records."""
        found: dict[str, list[dict[str, Any]]] = {}
        with self.db.read() as cur:
            for start in range(0, len(record_ids), chunk):
                ids = list(record_ids[start : start + chunk])
                marks = ",".join("?" * len(ids))
                rows = cur.execute(
                    f"SELECT {COLUMNS} FROM rm_history WHERE record_id IN ({marks}) ORDER BY record_id, version", ids
                ).fetchall()
                for r in rows:
                    found.setdefault(r["record_id"], []).append(_row(r))
        return found

    def version(self, record_id: str, version: int) -> dict[str, Any] | None:
        with self.db.read() as cur:
            row = cur.execute(
                f"SELECT {COLUMNS} FROM rm_history WHERE record_id = ? AND version = ?",
                (record_id, version),
            ).fetchone()
        return _row(row) if row else None

    def changes(self, record_id: str) -> list[dict[str, Any]]:
        """Field-by-field changes after registration (Noark 5's endringslogg), from the versions."""
        rows = self.versions(record_id)
        out: list[dict[str, Any]] = []
        for index, row in enumerate(rows[1:], start=1):
            before = _predecessor(rows[:index], row)
            if before is None:
                continue
            for name in sorted(set(row["content"]) | set(before["content"])):
                if name in UNCOMPARED:
                    continue
                old, new = before["content"].get(name), row["content"].get(name)
                if old != new:
                    out.append(
                        {
                            "version": row["version"],
                            "field": name,
                            "old": old,
                            "new": new,
                            "changed_by": row["recorded_by"],
                            "changed_at": row["recorded_at"],
                            "reason": row["reason"],
                            "event_type": row["event_type"],
                            "kind": CHANGE_KINDS.get(row["event_type"], "change"),
                            "corrects_version": before["version"] if row["event_type"] == "Corrected" else None,
                        }
                    )
        return out

    def as_of(
        self,
        record_id: str,
        *,
        valid_at: date | str | None = None,
        known_at: datetime | str | None = None,
    ) -> dict[str, Any] | None:
        """The version in force on `valid_at` as the archive knew it at `known_at` (default: now)."""
        known = _instant(known_at) if known_at is not None else "9999-12-31T23:59:59.999999Z"
        valid = _day(valid_at) if valid_at is not None else None
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {COLUMNS} FROM rm_history WHERE record_id = ? AND recorded_at <= ? "
                "AND (superseded_at IS NULL OR superseded_at > ?) ORDER BY version",
                (record_id, known, known),
            ).fetchall()
        if valid is not None:
            rows = [
                r
                for r in rows
                if (r["valid_from"] is None or r["valid_from"] <= valid)
                and (
                    r["valid_to"] is None
                    or r["valid_to"] > valid
                    or (r["valid_to_recorded_at"] or "") > known
                )
            ]
            rows.sort(key=lambda r: (r["valid_from"] or "", r["version"]))
        return _row(rows[-1]) if rows else None


UNCOMPARED = frozenset({"version", "revisions", "id", "kind", "revision", "key"})
CHANGE_KINDS = {
    "Corrected": "correction",
    "Revised": "revision",
    "Updated": "revision",
    "Terminated": "termination",
    "Restricted": "restriction",
    "Released": "release",
    "Withdrawn": "withdrawal",
    "Unpublished": "unpublishing",
    "Cancelled": "cancellation",
}


def _predecessor(earlier: list[dict[str, Any]], row: dict[str, Any]) -> dict[str, Any] | None:
    """What a version changed: a correction, the version of the same revision it replaced."""
    if row["event_type"] == "Corrected" and row["revision"] is not None:
        same = [r for r in earlier if r["revision"] == row["revision"] and r["event_type"] != "Terminated"]
        if same:
            return same[-1]
    return earlier[-1] if earlier else None


def _instant(value: datetime | str) -> str:
    text = value if isinstance(value, str) else value.isoformat()
    return iso_utc(datetime.fromisoformat(require_instant(text, "known_at")))


def _day(value: date | str) -> str:
    return require_date(value if isinstance(value, str) else value.isoformat(), "valid_at")


def _row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["content"] = loads(out["content"])
    out["source"] = loads(out["source"]) if out["source"] else None
    return out
