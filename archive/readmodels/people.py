"""People and organisations: who they are, their roles and parties over time, who said what."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from archive.readmodels.base import Change, RecordModel, dumps, loads
from archive.readmodels.db import Cursor, ReadDatabase
from archive.readmodels.replay import LoadRecord
from archive.visibility import public_sql

TOPICS = ("archive.domain:Person", "archive.domain:Organisation", "archive.domain:Statement", "archive.domain:Record.")


def name_key(name: str) -> str:
    """How names are matched: NFC, case-folded, single spaces, no full stops after initials."""
    text = unicodedata.normalize("NFC", name).casefold().replace(".", " ")
    return " ".join(text.split())


class People(RecordModel):
    """`load` gives a record as it stood at a version (the event store's): where a changed
    statement's row is, under the speaker it had before the batch."""

    name = "people"
    tables = ("rm_people", "rm_person_names", "rm_organisations", "rm_person_statements")
    digest_queries = (
        "SELECT * FROM rm_people ORDER BY person_id",
        "SELECT * FROM rm_person_names ORDER BY name_key, person_id",
        "SELECT * FROM rm_organisations ORDER BY org_id",
        "SELECT * FROM rm_person_statements ORDER BY person_id, statement_id",
    )

    def __init__(self, db: ReadDatabase, load: LoadRecord) -> None:
        super().__init__(db)
        self.load = load

    def create(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_people (
                person_id TEXT PRIMARY KEY, reference TEXT, name TEXT NOT NULL, party TEXT,
                names TEXT NOT NULL, parties TEXT NOT NULL, roles TEXT NOT NULL,
                restricted INTEGER NOT NULL, version INTEGER NOT NULL)"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_person_names (
                name_key TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (name_key, person_id))"""
        )
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_organisations (
                org_id TEXT PRIMARY KEY, reference TEXT, name TEXT NOT NULL, name_key TEXT NOT NULL,
                organisation_kind TEXT, restricted INTEGER NOT NULL)"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_organisations_name ON rm_organisations (name_key)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_person_statements (
                person_id TEXT NOT NULL, statement_id TEXT NOT NULL, reference TEXT, said_at TEXT,
                text TEXT NOT NULL, role TEXT, party TEXT, status TEXT, restricted INTEGER NOT NULL,
                PRIMARY KEY (person_id, statement_id))"""
        )
        # A changed statement's row is found by its key, its earlier speaker read from the event
        # store (`_earlier_rows`): an index by statement id cost every new statement a write at a
        # random place (~5 µs an event in a 100k catch-up) to serve the rare change.
        cur.execute("DROP INDEX IF EXISTS rm_person_statements_sid")

    def apply(self, cur: Cursor, changes: Sequence[Change]) -> None:
        latest: dict[str, Change] = {}
        first: dict[str, int] = {}  # each record's first version in this batch
        for c in changes:
            if c.logged.topic.startswith(TOPICS):
                rid = c.logged.originator_id
                latest[rid] = c
                first.setdefault(rid, c.logged.originator_version)
        people, names, organisations = [], [], []
        restated, statements = [], []
        for rid, change in latest.items():
            record = change.view
            if change.kind == "person":
                people.append(self._person_row(rid, record))
                names += [(key, rid) for key in sorted({name_key(n) for n in record["names"]})]
            elif change.kind == "organisation":
                organisations.append(
                    (rid, record["reference"], record["name"], name_key(record["name"]),
                     record["organisation_kind"], int(record["restricted"]))
                )
            elif change.kind == "statement":
                if first[rid] > 1:
                    restated.append((rid, first[rid] - 1))
                if record["speaker_id"]:
                    statements.append(
                        (record["speaker_id"], rid, record["reference"], record["said_at"], record["text"],
                         record["speaker_role"], record["party"], record["status"], int(record["restricted"]))
                    )
        # One statement per table and batch (on PostgreSQL every statement is a round trip).
        if people:
            cur.executemany(
                """INSERT INTO rm_people (person_id, reference, name, party, names, parties, roles, restricted,
                   version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET
                   name = excluded.name, party = excluded.party, names = excluded.names,
                   parties = excluded.parties, roles = excluded.roles, restricted = excluded.restricted,
                   version = excluded.version""",
                people,
            )
            cur.executemany("DELETE FROM rm_person_names WHERE person_id = ?", [(row[0],) for row in people])
            cur.executemany("INSERT INTO rm_person_names (name_key, person_id) VALUES (?, ?)", names)
        if organisations:
            cur.executemany(
                """INSERT INTO rm_organisations (org_id, reference, name, name_key, organisation_kind, restricted)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET name = excluded.name,
                   name_key = excluded.name_key, restricted = excluded.restricted""",
                organisations,
            )
        if restated:
            cur.executemany("DELETE FROM rm_person_statements WHERE person_id = ? AND statement_id = ?",
                            self._earlier_rows(restated))
        if statements:
            cur.executemany(
                """INSERT INTO rm_person_statements (person_id, statement_id, reference, said_at,
                   text, role, party, status, restricted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                statements,
            )

    def _earlier_rows(self, restated: Sequence[tuple[str, int]]) -> list[tuple[str, str]]:
        """The keys of the rows statements changed in this batch had: (speaker, statement) as of
        the version before the batch, the one this model wrote last."""
        rows = []
        for rid, version in restated:
            earlier = self.load(rid, version)
            speaker = getattr(earlier, "speaker_id", None)
            if speaker:
                rows.append((speaker, rid))
        return rows

    @staticmethod
    def _person_row(pid: str, person: dict[str, Any]) -> tuple[object, ...]:
        return (
            pid,
            person["reference"],
            person["name"],
            person["party"],
            dumps(person["names"]),
            dumps(person["parties"]),
            dumps(person["roles"]),
            int(person["restricted"]),
            person["version"],
        )

    # Queries ------------------------------------------------------------------------------

    def person(self, person_id: str) -> dict[str, Any] | None:
        with self.db.read() as cur:
            row = cur.execute(
                "SELECT * FROM rm_people WHERE person_id = ? OR reference = ?", (person_id, person_id)
            ).fetchone()
        if row is None:
            return None
        out = dict(row)
        for name in ("names", "parties", "roles"):
            out[name] = loads(out[name])
        out["restricted"] = bool(out["restricted"])
        return out

    def find_people(self, name: str) -> list[str]:
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT person_id FROM rm_person_names WHERE name_key = ? ORDER BY person_id", (name_key(name),)
            ).fetchall()
        return [r["person_id"] for r in rows]

    def people_with_surname(self, surname: str) -> list[dict[str, Any]]:
        """Candidates for matching another form of a name (same last word)."""
        key = name_key(surname)
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT DISTINCT p.person_id, p.name, p.names, p.party, p.roles FROM rm_person_names n "
                "JOIN rm_people p ON p.person_id = n.person_id WHERE n.name_key = ? OR n.name_key LIKE ? "
                "ORDER BY p.person_id",
                (key, f"% {key}"),
            ).fetchall()
        return [{**r, "names": loads(r["names"]), "roles": loads(r["roles"])} for r in rows]

    def people_with_roles(self) -> list[dict[str, Any]]:
        """Everyone who holds or held a role (name, roles with their organisation and dates),
        for resolving a role word ("sier fylkesordføreren") to the one person in that role."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT person_id, name, roles FROM rm_people WHERE roles <> '[]' ORDER BY person_id"
            ).fetchall()
        return [{**r, "roles": loads(r["roles"])} for r in rows]

    def organisation(self, org_id: str) -> dict[str, Any] | None:
        with self.db.read() as cur:
            row = cur.execute(
                "SELECT * FROM rm_organisations WHERE org_id = ? OR reference = ?", (org_id, org_id)
            ).fetchone()
        return dict(row) if row else None

    def organisations_named(self, name: str) -> list[dict[str, Any]]:
        """Organisations whose name matches `name` the way names are matched (case, spaces, full stops)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT * FROM rm_organisations WHERE name_key = ? ORDER BY reference", (name_key(name),)
            ).fetchall()
        return [dict(row) for row in rows]

    def statements(self, person_id: str, include_restricted: bool = False) -> list[dict[str, Any]]:
        # The public sees a statement while archive.visibility says it is public now.
        clause = "" if include_restricted else f"AND {public_sql()}"
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT * FROM rm_person_statements WHERE person_id = ? {clause} "
                "ORDER BY said_at DESC, reference DESC",
                (person_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def list_people(self, limit: int = 500) -> list[dict[str, Any]]:
        with self.db.read() as cur:
            rows = cur.execute("SELECT * FROM rm_people ORDER BY name LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]
