"""History: one row per version of every record, on two time axes.

Valid time (`valid_from`/`valid_to`, dates) is when a version was true in the world;
record time (`recorded_at`/`superseded_at`, instants) is when the archive held it. A
revision ends the previous version's valid period (and remembers when that became known,
`valid_to_recorded_at`); a correction supersedes the version it corrects in record time and
keeps its valid period. So `as_of(valid_at=..., known_at=...)` can answer both "what did the
agreement say on D?" and "what did the archive say on T about D?".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import singledispatchmethod
from typing import Any

from archive.domain import Agreement, NewsUpdate, Record, require_date, require_instant
from archive.exceptions import InvalidCommand
from archive.readmodels.base import Change, RecordModel, dumps, iso_utc, loads
from archive.readmodels.db import Cursor
from archive.readmodels.revisions import revision_of_version, revision_view
from archive.values import stored_instant

COLUMNS = (
    "record_id, version, kind, event_type, revision, valid_from, valid_to, valid_to_recorded_at, "
    "recorded_at, superseded_at, recorded_by, reason, source, content, position"
)


# Where a row's values stand (COLUMNS' order), for updates made to rows not yet written.
VALID_TO, VALID_TO_RECORDED_AT, SUPERSEDED_AT = 6, 7, 9
INSERT = f"INSERT INTO rm_history ({COLUMNS}) VALUES ({', '.join('?' * 15)})"


class _Pending:
    """A batch's rows not yet written, so that a record's later versions need not write them first.

    An update of a record's earlier rows (a revision ending valid periods, a later version
    superseding) is made to its pending rows in memory, and in the table too unless every row
    of the record is pending (it was created in this batch). A read of earlier rows (a
    correction's, screening's) writes every pending row first. All rows go in with one
    executemany at the end of the batch: not one per record changed twice, as before.
    """

    def __init__(self, cur: Cursor) -> None:
        self.cur = cur
        self.rows: list[list[object]] = []
        self.of: dict[str, list[list[object]]] = {}
        self.born: set[str] = set()  # records whose every row is pending

    def add(self, rid: str, row: list[object], created: bool) -> None:
        self.rows.append(row)
        self.of.setdefault(rid, []).append(row)
        if created:
            self.born.add(rid)

    def update(self, rid: str, sql: str, params: tuple[object, ...], matches: Callable[[list[object]], bool],
               values: dict[int, object]) -> None:
        """`sql` (an UPDATE of this record's rows) on the table and, as `matches`/`values`, on pending rows."""
        if rid not in self.born:
            self.cur.execute(sql, params)
        for row in self.of.get(rid, ()):
            if matches(row):
                for index, value in values.items():
                    row[index] = value

    def read(self) -> Cursor:
        """The cursor, once every pending row is in the table."""
        self.flush()
        return self.cur

    def flush(self) -> None:
        if self.rows:
            self.cur.executemany(INSERT, self.rows)
        self.rows, self.of, self.born = [], {}, set()


@dataclass
class _NewVersion:
    """The row a new version gets; the handler for its event class fills in what differs."""

    pending: _Pending
    change: Change
    valid_from: str | None
    content: dict[str, Any]
    valid_to: str | None = None
    valid_to_recorded_at: str | None = None
    revision: int | None = None

    @property
    def rid(self) -> str:
        return self.change.logged.originator_id

    @property
    def number(self) -> int:
        return self.change.logged.originator_version

    @property
    def now(self) -> str:
        return self.change.logged.recorded_at

    @property
    def view(self) -> dict[str, Any]:
        return self.change.view


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
        # No read selects or orders history by position: an index on it only cost every write.
        cur.execute("DROP INDEX IF EXISTS rm_history_position")

    def apply(self, cur: Cursor, changes: Sequence[Change]) -> None:
        pending = _Pending(cur)
        for change in changes:
            logged = change.logged
            pending.add(logged.originator_id, self._record_version(pending, change), logged.originator_version == 1)
        pending.flush()

    def _record_version(self, pending: _Pending, change: Change) -> list[object]:
        """The new version's row; earlier rows of the record are updated in place (see _Pending)."""
        logged = change.logged
        row = _NewVersion(pending, change, valid_from=change.valid_from, content=change.view)
        _handler(type(logged.event))(self, logged.event, row)
        event = logged.event
        source = getattr(event, "source", None)
        return [
            row.rid,
            change.view["version"],
            change.kind,
            logged.event_type,
            row.revision,
            row.valid_from,
            row.valid_to,
            row.valid_to_recorded_at,
            row.now,
            None,  # superseded_at: set by a later version
            getattr(event, "recorded_by", None),
            getattr(event, "reason", None),
            dumps(source) if source else None,
            change.view_json if row.content is change.view else dumps(row.content),
            logged.position,
        ]

    # One handler per event class: where the new version sits on both time axes, and what it
    # does to the rows before it.

    @singledispatchmethod
    def _place(self, event: object, row: _NewVersion) -> None:
        """Any other record's later version supersedes its current rows in record time."""
        self._supersede_current(row)

    def _supersede_current(self, row: _NewVersion) -> None:
        if row.number > 1:
            row.pending.update(
                row.rid,
                "UPDATE rm_history SET superseded_at = ? WHERE record_id = ? AND superseded_at IS NULL",
                (row.now, row.rid),
                lambda r: r[SUPERSEDED_AT] is None,
                {SUPERSEDED_AT: row.now},
            )

    @_place.register
    def _agreement_registered(self, event: Agreement.Registered, row: _NewVersion) -> None:
        """The first revision, valid from the agreement's `effective_from`."""
        self._open_revision(row)

    @_place.register
    def _agreement_revised(self, event: Agreement.Revised, row: _NewVersion) -> None:
        """A new revision ends the valid period of the one before and starts its own."""
        self._end_open_periods(row.pending, row.rid, row.view["effective_from"], row.now)
        self._open_revision(row)

    def _open_revision(self, row: _NewVersion) -> None:
        latest = row.view["revisions"][-1]
        row.revision = latest["number"]
        row.content = revision_view(row.view, latest)
        row.valid_from = row.view["effective_from"]

    @_place.register
    def _agreement_terminated(self, event: Agreement.Terminated, row: _NewVersion) -> None:
        """The agreement ends: open valid periods end on `effective_to`, from which this version holds."""
        self._end_open_periods(row.pending, row.rid, row.view["effective_to"], row.now)
        row.revision = row.view["revisions"][-1]["number"]
        row.valid_from = row.view["effective_to"]

    @_place.register
    def _agreement_corrected(self, event: Agreement.Corrected, row: _NewVersion) -> None:
        """A correction replaces the version of the revision it corrects, keeping its valid period."""
        corrected = revision_of_version(row.view, event.corrects_version)
        if corrected is None:
            raise InvalidCommand(f"stored correction names no revision: {row.rid} v{row.number}")
        old = self._open_row_of_revision(row.pending, row.rid, corrected["number"])
        row.content = revision_view(row.view, corrected)
        row.revision = corrected["number"]
        if old is not None:
            row.valid_from, row.valid_to = old["valid_from"], old["valid_to"]
            row.valid_to_recorded_at = old["valid_to_recorded_at"]
            self._supersede(row.pending, row.rid, old["version"], row.now)

    @_place.register
    def _screened(self, event: Record.Restricted | Record.Released, row: _NewVersion) -> None:
        """Screening events are `Record`'s, the same class for every kind: an agreement's or a news
        update's keeps its valid period (as their other administrative changes do); any other
        kind's supersedes its current rows."""
        if row.change.kind == "agreement":
            self._agreement_changed(row)
        elif row.change.kind == "news":
            self._news_changed(event, row)
        else:
            self._supersede_current(row)

    def _agreement_changed(self, row: _NewVersion) -> None:
        """Screening and other administrative changes: same revision and valid period, new record time.
        They change the agreement as it stands now, the current row latest in valid time, which is not
        the latest version after a correction of an earlier revision."""
        old = self._latest_in_valid_time(row.pending, row.rid)
        if old is not None:
            row.revision = old["revision"]
            base = loads(old["content"])
            base.update({k: row.view[k] for k in ("restricted", "restriction_basis", "public_title", "version",
                                                  "revisions")})
            row.content = base
            row.valid_from, row.valid_to = old["valid_from"], old["valid_to"]
            row.valid_to_recorded_at = old["valid_to_recorded_at"]
            self._supersede(row.pending, row.rid, old["version"], row.now)

    @_place.register
    def _news_updated(self, event: NewsUpdate.Updated, row: _NewVersion) -> None:
        """An update published on a known day is a new version in the world: it ends the previous
        version's valid period (as an agreement's revision does), and the earlier version stays
        what the archive holds for the days before it. One of unknown date is a change like any other."""
        if row.valid_from is None:
            self._news_changed(event, row)
        else:
            self._end_open_periods(row.pending, row.rid, row.valid_from, row.now)

    @_place.register
    def _news_changed(self, event: NewsUpdate.Event, row: _NewVersion) -> None:
        """Corrections, screening, an update of unknown date: a new record-time version of the
        latest one, keeping its end of valid time."""
        if row.number == 1:
            return
        old = self._latest_current(row.pending, row.rid)
        if old is not None:
            row.valid_to, row.valid_to_recorded_at = old["valid_to"], old["valid_to_recorded_at"]
            self._supersede(row.pending, row.rid, old["version"], row.now)

    def _end_open_periods(self, pending: _Pending, rid: str, end: str | None, now: str) -> None:
        pending.update(
            rid,
            "UPDATE rm_history SET valid_to = ?, valid_to_recorded_at = ? "
            "WHERE record_id = ? AND superseded_at IS NULL AND valid_to IS NULL",
            (end, now, rid),
            lambda r: r[SUPERSEDED_AT] is None and r[VALID_TO] is None,
            {VALID_TO: end, VALID_TO_RECORDED_AT: now},
        )

    def _supersede(self, pending: _Pending, rid: str, version: int, now: str) -> None:
        pending.update(
            rid,
            "UPDATE rm_history SET superseded_at = ? WHERE record_id = ? AND version = ?",
            (now, rid, version),
            lambda r: r[1] == version,
            {SUPERSEDED_AT: now},
        )

    def _open_row_of_revision(self, pending: _Pending, rid: str, revision: int) -> dict[str, Any] | None:
        return pending.read().execute(
            "SELECT * FROM rm_history WHERE record_id = ? AND revision = ? AND superseded_at IS NULL "
            "AND event_type <> 'Terminated' ORDER BY version DESC LIMIT 1",
            (rid, revision),
        ).fetchone()

    def _latest_in_valid_time(self, pending: _Pending, rid: str) -> dict[str, Any] | None:
        return pending.read().execute(
            "SELECT * FROM rm_history WHERE record_id = ? AND superseded_at IS NULL "
            "ORDER BY valid_from DESC, version DESC LIMIT 1",
            (rid,),
        ).fetchone()

    def _latest_current(self, pending: _Pending, rid: str) -> dict[str, Any] | None:
        return pending.read().execute(
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


def _handler(event_class: type) -> Callable[[History, Any, _NewVersion], None]:
    """History's `_place` handler for an event class, looked up by class (as `self._place(...)`
    would, without building a bound wrapper on every call)."""
    place: Any = vars(History)["_place"]  # the singledispatchmethod itself
    handler: Callable[[History, Any, _NewVersion], None] = place.dispatcher.dispatch(event_class)
    return handler


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
    """known_at checked as a command's instant would be (offset required), as history's UTC text."""
    text = value if isinstance(value, str) else value.isoformat()
    return iso_utc(stored_instant(require_instant(text, "known_at")))


def _day(value: date | str) -> str:
    return require_date(value if isinstance(value, str) else value.isoformat(), "valid_at")


def _row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["content"] = loads(out["content"])
    out["source"] = loads(out["source"]) if out["source"] else None
    return out
