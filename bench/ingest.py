"""Ingest benchmark (run on demand, not a test).

Prints, from one run on the same machine:
  * raw SQLite inserts of the same number of rows (baseline for the storage floor),
  * plain eventsourcing saves of the archive's events (100 aggregates per save),
  * the floor under any SQLite projection of that log: the three rows per event the read
    models need at the least, written from the raw payloads with no domain code,
  * the archive's read models catching up over that log (catalog, history, people),
    with and without the ledger,
as events/s and as ratios against the baselines.

    .venv/bin/python bench/ingest.py [--events 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.config import Settings  # noqa: E402
from archive.domain import Agreement, Person, Statement  # noqa: E402
from archive.readmodels.base import Projection  # noqa: E402
from archive.readmodels.runner import ProjectionRunner  # noqa: E402
from archive.service import ArchiveService  # noqa: E402

WORDS = ("samarbeid fylkeskommune kommuneregion ordfører avtale møte vedtak utvikling region "
         "planstrategi samferdsel næring kompetanse dialog").split()


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def raw_sqlite(n: int, directory: Path) -> float:
    conn = sqlite3.connect(directory / "raw.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, originator_id TEXT, version INT, topic TEXT, state BLOB)")
    rows = [(f"{i:032x}", 1, "t", os.urandom(200)) for i in range(n)]
    start = time.perf_counter()
    for i in range(0, n, 100):
        with conn:
            conn.executemany("INSERT INTO e (originator_id, version, topic, state) VALUES (?, ?, ?, ?)", rows[i:i + 100])
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


def fill(service: ArchiveService, n: int, seed: int = 7) -> float:
    """n events through eventsourcing saves, 100 aggregates per save; returns events/s."""
    rng = random.Random(seed)
    app = service.archive
    people = [Person(key=f"p{i}", reference=f"2016/P{i:04d}", name=f"Person {i}", recorded_by="bench") for i in range(50)]
    app.save(*people)
    count = len(people)
    start = time.perf_counter()
    batch = []
    i = 0
    while count < n:
        if i % 10 == 0:
            ag = Agreement(key=f"a{i}", reference=f"2016/A{i:05d}", title=sentence(rng, 5), parties=["x"],
                           text=sentence(rng), effective_from="2016-01-01", recorded_by="bench")
            ag.revise(effective_from="2016-09-01", reason="bench", text=sentence(rng), recorded_by="bench")
            batch.append(ag)
            count += 2
        else:
            person = people[i % len(people)]
            st = Statement(key=f"s{i}", reference=f"2016/S{i:05d}", text=sentence(rng), speaker_id=str(person.id),
                           speaker_name=person.name, speaker_role="ordfører", party="Ap", organisation_id=None,
                           organisation_name=None, said_at="2016-02-11", recorded_by="bench")
            batch.append(st)
            count += 1
        i += 1
        if len(batch) == 100:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    return n / (time.perf_counter() - start)


class NullProjection(Projection):
    """Tracks nothing and writes nothing: what following the log costs by itself."""

    name = "null"

    def __init__(self) -> None:
        self._position = 0

    def position(self) -> int:
        return self._position

    def process(self, events, up_to):  # type: ignore[no-untyped-def]
        self._position = up_to

    def reset(self) -> None:
        self._position = 0

    def digest(self) -> str:
        return ""


def storage_floor(service: ArchiveService, directory: Path, batch_size: int = 2000) -> float:
    """The floor under any projection of this log into SQLite, measured on the same events.

    Reads the log as the runner does, parses each payload with orjson (no domain objects, no
    domain rules), and writes the three rows the read models need per event at the least:
    a history row holding the full state, a catalog upsert, a ledger leaf with its hash —
    one transaction per batch, NORMAL sync, as the read models do.
    """
    import hashlib

    import orjson

    conn = sqlite3.connect(directory / "floor.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE h (rid TEXT, v INT, etype TEXT, recorded_at TEXT, content TEXT, position INT, "
                 "PRIMARY KEY (rid, v))")
    conn.execute("CREATE TABLE c (id TEXT PRIMARY KEY, version INT, updated_at TEXT, state TEXT)")
    conn.execute("CREATE TABLE l (leaf INTEGER PRIMARY KEY, nid INT, rid TEXT, v INT, hash BLOB)")
    recorder = service.archive.recorder
    head = int(recorder.max_notification_id() or 0)
    states: dict[str, dict] = {}
    position = 0
    start = time.perf_counter()
    while True:
        batch = recorder.select_notifications(start=position, limit=batch_size, inclusive_of_start=False)
        if not batch:
            break
        hist, cat, leaves = [], {}, []
        for n in batch:
            rid = str(n.originator_id)
            payload = orjson.loads(n.state)
            state = states.setdefault(rid, {})
            state.update(payload)
            content = orjson.dumps(state, default=str).decode()
            stamp = str(payload.get("timestamp"))
            hist.append((rid, n.originator_version, n.topic, stamp, content, n.id))
            cat[rid] = (rid, n.originator_version, stamp, content)
            leaves.append((n.id - 1, n.id, rid, n.originator_version, hashlib.sha256(b"\x00" + n.state).digest()))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO h VALUES (?, ?, ?, ?, ?, ?)", hist)
        conn.executemany("INSERT INTO c VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                         "version = excluded.version, updated_at = excluded.updated_at, state = excluded.state",
                         list(cat.values()))
        conn.executemany("INSERT INTO l VALUES (?, ?, ?, ?, ?)", leaves)
        conn.execute("COMMIT")
        position = batch[-1].id
    elapsed = time.perf_counter() - start
    conn.close()
    return head / elapsed


def catch_up(service: ArchiveService, projections: list, batch_size: int = 500) -> float:
    for p in projections:
        p.reset()
    runner = ProjectionRunner("bench", service.archive.recorder, service.archive.mapper.to_domain_event,
                              projections, batch_size=batch_size)
    head = runner.head()
    start = time.perf_counter()
    runner.catch_up()
    return head / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    n = args.events
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        raw = raw_sqlite(n, directory)
        service = ArchiveService(Settings(data_dir=directory / "data"), search=False)
        saves = fill(service, n)
        head = service.runner.head()
        full = service.records
        results = {
            "floor: raw rows, no domain (see storage_floor)": storage_floor(service, directory),
            "runner + decode only (null projection)": catch_up(service, [NullProjection()]),
        }
        saved_models = list(full.models)
        full.models.clear()
        results["runner + decode + domain replay (no models)"] = catch_up(service, [full])
        full.models.extend(saved_models)
        # Alternate the two configurations and keep each one's best run, so that cache warmth
        # and machine noise do not decide the ledger's cost.
        with_ledger, without = [], []
        for _ in range(4):  # four rounds each: single runs vary by ±15% on this VM
            with_ledger.append(catch_up(service, [full]))
            full.models.remove(service.ledger)
            without.append(catch_up(service, [full]))
            full.models.append(service.ledger)
        results["catalog+history+people+ledger"] = max(with_ledger)
        results["catalog+history+people"] = max(without)
        service.close()
        # End to end: saves with the read models following in the background, until caught up.
        live = ArchiveService(Settings(data_dir=directory / "live"), search=False)
        live.start()
        start = time.perf_counter()
        fill(live, n)
        live.wait(live.runner.head(), timeout=3600)
        results["end to end (saves + read models live)"] = n / (time.perf_counter() - start)
        live.close()
    print(f"events in log: {head}")
    print(f"{'raw SQLite inserts (100 rows/txn, FULL sync)':48} {raw:>10,.0f} events/s   1.00x")
    print(f"{'eventsourcing saves (100 aggregates/save)':48} {saves:>10,.0f} events/s   {saves / raw:.2f}x raw")
    for name, rate in results.items():
        print(f"{'catch-up ' + name:48} {rate:>10,.0f} events/s   {rate / raw:.2f}x raw   {rate / saves:.2f}x saves")
    if True:
        ratio = results["catalog+history+people+ledger"] / results["catalog+history+people"]
        print(f"ledger cost: pipeline with ledger = {ratio:.2f}x pipeline without (target >= 0.9x)")
    print("target: catch-up of the non-search read models >= 50,000 events/s")


if __name__ == "__main__":
    main()
