"""Ingest benchmark (run on demand, not a test).

Prints, from one run on the same machine:
  * raw SQLite inserts of the same number of rows (baseline for the storage floor),
  * plain eventsourcing saves of the archive's events (100 aggregates per save),
  * the floor under any SQLite projection of that log: the three rows per event the read
    models need at the least, written from the raw payloads with no domain code,
  * the archive's read models catching up over that log (catalog, history, people),
    with and without the ledger,
  * sustained ingest: the same saves with the read models following live, in a thread and in
    a projector process (PROTOKOLL_PROJECTOR=process), against plain saves (alternated rounds),
  * create latency through the command people use (`Archive.record_statement`, one save per
    create) as the 10th, 1,000th, 10,000th and 100,000th record of its year: the cost of a
    write must not grow with the archive (see archive/references.py),
  * `protokoll rebuild` (read models and search index) on an archive of --rebuild-records
    records against raw Whoosh bulk-indexing the same texts (see rebuild_vs_raw_whoosh),
as events/s and as ratios against the baselines. The last line is the summary of issue 15.

    .venv/bin/python bench/ingest.py [--events 100000] [--max-records 100000] [--samples 300]
                                     [--rebuild-records 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where bench/http.py would shadow
# the standard library's http (and bench/search.py the search package): drop it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.application import Archive  # noqa: E402
from archive.config import Settings  # noqa: E402
from archive.domain import Agreement, Person, Statement  # noqa: E402
from archive.readmodels.base import Projection  # noqa: E402
from archive.readmodels.records import SharedReplay  # noqa: E402
from archive.readmodels.runner import ProjectionRunner  # noqa: E402
from archive.service import ArchiveService  # noqa: E402

CREATE_LEVELS = (10, 1_000, 10_000, 100_000)

WORDS = [
    "samarbeid",
    "fylkeskommune",
    "kommuneregion",
    "ordfører",
    "avtale",
    "møte",
    "vedtak",
    "utvikling",
    "region",
    "planstrategi",
    "samferdsel",
    "næring",
    "kompetanse",
    "dialog",
]


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
            conn.executemany(
                "INSERT INTO e (originator_id, version, topic, state) VALUES (?, ?, ?, ?)", rows[i : i + 100]
            )
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


def fill(service: ArchiveService, n: int, seed: int = 7) -> float:
    """n events through eventsourcing saves, 100 aggregates per save; returns events/s."""
    rng = random.Random(seed)
    app = service.archive
    people = [
        Person(key=f"p{i}", reference=f"2016/P{i:04d}", name=f"Person {i}", recorded_by="bench") for i in range(50)
    ]
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


def _fill_year(app: Archive, year: int, count: int, batch: int = 500) -> None:
    """`count` statements of `year` through `record_statement`, `batch` per unit of work.

    The unit of work is the importers' own path (one save per file), so filling 100k records
    takes about a minute instead of one fsync per record.
    """
    done = 0
    while done < count:
        with app.unit_of_work():
            for _ in range(min(batch, count - done)):
                app.record_statement(text=f"Fyllsitat {year} nummer {done}.", said_at=f"{year}-03-01",
                                     speaker_name="Kari Nordmann", recorded_by="bench")
                done += 1


def create_latency(directory: Path, levels: list[int], samples: int) -> tuple[dict[int, float], dict[int, float]]:
    """p50 of one `Archive.record_statement` (its own save) as the n-th record of its year.

    Each level has its own year, filled to n-1 records beforehand by the same process (a
    running server); the timed creates of all levels are interleaved round by round, so
    machine noise hits every level alike. For the smallest level every sample gets a fresh
    year (the timed create is exactly its n-th record); the larger levels grow by `samples`
    during the run, a small fraction of n. Also returned: the first create of each level's
    year after a restart (the process has to find the year's next number in the log).
    """
    settings = Settings(data_dir=directory / "create")
    smallest = min(levels)
    years = {n: 2000 + i for i, n in enumerate(levels) if n != smallest}
    small_years = [1800 + i for i in range(samples + 1)]
    times: dict[int, list[float]] = {n: [] for n in levels}

    def timed_create(app: Archive, year: int, text: str) -> float:
        start = time.perf_counter()
        app.record_statement(text=text, said_at=f"{year}-06-01", speaker_name="Ola Nordmann", recorded_by="bench")
        return time.perf_counter() - start

    with ArchiveService(settings, search=False) as service:
        for year in small_years:
            _fill_year(service.archive, year, smallest - 1)
        for n, year in years.items():
            _fill_year(service.archive, year, n - 1)
        for r in range(samples):
            for n in levels:
                times[n].append(
                    timed_create(service.archive, small_years[r] if n == smallest else years[n], f"Målt sitat {r}.")
                )
    with ArchiveService(settings, search=False) as service:
        cold = {
            n: timed_create(service.archive, small_years[-1] if n == smallest else years[n], "Etter omstart.") * 1000
            for n in levels
        }
    return {n: statistics.median(t) * 1000 for n, t in times.items()}, cold


def sustained_ingest(directory: Path, n: int, rounds: int = 3) -> tuple[float, dict[str, float]]:
    """Plain saves vs the same saves with the read models following live, until caught up.

    Following live two ways: in a thread of the saving process (`projector = "thread"`, the
    default) and in a projector process on the other core (`projector = "process"`,
    archive.readmodels.process). Each into fresh archives, alternated round by round, best of
    each kept: single runs vary by ±30% on a shared VM, which would decide the ratio by luck.
    """
    plain: list[float] = []
    live: dict[str, list[float]] = {"thread": [], "process": []}
    for r in range(rounds):
        with ArchiveService(Settings(data_dir=directory / f"plain{r}"), search=False) as service:
            plain.append(fill(service, n))
        for mode, rates in live.items():
            settings = Settings(data_dir=directory / f"live-{mode}{r}", projector=mode)
            with ArchiveService(settings, search=False) as service:
                service.start()
                start = time.perf_counter()
                fill(service, n)
                service.wait(service.runner.head(), timeout=3600)
                rates.append(n / (time.perf_counter() - start))
    return max(plain), {mode: max(rates) for mode, rates in live.items()}


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


class ReplayOnly(NullProjection):
    """The shared replay and nothing else: what the record models' replay costs (new statements'
    views built from their events, every other event replayed by the domain)."""

    name = "replay"

    def __init__(self, service: ArchiveService) -> None:
        super().__init__()
        self.replay = SharedReplay(service.archive.record_at)

    def process(self, events, up_to):  # type: ignore[no-untyped-def]
        self.replay.changes(events)
        self._position = up_to

    def reset(self) -> None:
        super().reset()
        self.replay.forget()


def storage_floor(service: ArchiveService, path: Path, batch_size: int = 2000) -> float:
    """The floor under any projection of this log into SQLite, measured on the same events.

    Reads the log as the runner does, parses each payload with orjson (no domain objects, no
    domain rules), and writes the three rows the read models need per event at the least:
    a history row holding the full state, a catalog upsert, a ledger leaf with its hash —
    one transaction per batch, NORMAL sync, as the read models do.
    """
    import hashlib

    import orjson

    conn = sqlite3.connect(path, isolation_level=None)
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


def rebuild_vs_raw_whoosh(directory: Path, n: int, seed: int = 7) -> tuple[float, float]:
    """Seconds `protokoll rebuild` takes (read models and search index, as an operator runs it)
    on an archive of `n` records, and seconds raw Whoosh takes to bulk-index the same texts.

    The records are bench/corpus.py's documents (Bokmål word frequencies, lengths per kind:
    1-3 sentences up to 10k words) recorded as statements through `record_statement` (500 per
    unit of work); the archive's index is brought to the head first, so the timed command does
    the rebuild only. Raw Whoosh indexes the same texts with LanguageAnalyzer("no") in one
    writer and one commit (bench/corpus.raw_index, as bench/search.py does).
    """
    import subprocess

    from bench.corpus import Vocabulary, corpus, raw_index
    from search.analysis import stop_words

    docs = list(corpus(n, seed, Vocabulary.load(stop=stop_words())))
    data_dir = directory / "rebuild"
    with ArchiveService(Settings(data_dir=data_dir), search=True) as service:
        app = service.archive
        for start in range(0, n, 500):
            with app.unit_of_work():
                for d in docs[start : start + 500]:
                    app.record_statement(text=d["body"], said_at=d["date"].date().isoformat(),
                                         speaker_name=d.get("speaker") or "Kari Nordmann", party=d.get("party"),
                                         recorded_by="bench")
        service.catch_up()
    repo = Path(__file__).resolve().parents[1]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "archive.cli", "rebuild", "--data-dir", str(data_dir)], check=True,
                   cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)}, stdout=subprocess.DEVNULL)
    rebuild_seconds = time.perf_counter() - start
    raw_dir = directory / "raw-whoosh"
    raw_dir.mkdir()
    return rebuild_seconds, raw_index(str(raw_dir), docs)


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
    parser.add_argument("--max-records", type=int, default=100_000,
                        help="largest year size for the create latency (levels 10, 1k, 10k, 100k up to this)")
    parser.add_argument("--samples", type=int, default=300, help="timed creates per level")
    parser.add_argument("--rebuild-records", type=int, default=100_000,
                        help="records in the archive `protokoll rebuild` is timed on (default 100k, ~20 min; at"
                             " 2,000 process start-up is a third of the time)")
    args = parser.parse_args()
    n = args.events
    levels = [level for level in CREATE_LEVELS if level <= args.max_records] or [CREATE_LEVELS[0]]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        raw = raw_sqlite(n, directory)
        service = ArchiveService(Settings(data_dir=directory / "data"), search=False)
        saves = fill(service, n)
        head = service.runner.head()
        records = list(service.records)  # one projection per model, the record models sharing one replay
        no_ledger = [p for p in records if p.name != "ledger"]
        results = {
            "runner + decode only (null projection)": catch_up(service, [NullProjection()]),
        }
        results["runner + decode + replay (no models)"] = catch_up(service, [ReplayOnly(service)])
        # Alternate the floor and the two configurations and keep each one's best run, so that
        # cache warmth and machine noise decide neither the ratio to the floor nor the ledger's
        # cost: single runs of the floor vary from 16k to 27k events/s on this VM.
        floors, with_ledger, without = [], [], []
        for r in range(4):
            floors.append(storage_floor(service, directory / f"floor{r}.sqlite"))
            with_ledger.append(catch_up(service, records))
            without.append(catch_up(service, no_ledger))
        results = {"floor: raw rows, no domain (see storage_floor)": max(floors), **results}
        results["catalog+history+people+ledger"] = max(with_ledger)
        results["catalog+history+people"] = max(without)
        service.close()
        # End to end: saves with the read models following in the background, until caught up.
        plain_saves, live = sustained_ingest(directory, n)
        results["end to end (saves + read models live in a thread)"] = live["thread"]
        results["end to end (saves + read models live in a process)"] = live["process"]
        create, cold = create_latency(directory, levels, args.samples)
        rebuild_seconds, raw_seconds = rebuild_vs_raw_whoosh(directory, args.rebuild_records)
    print(f"events in log: {head}")
    print(f"{'raw SQLite inserts (100 rows/txn, FULL sync)':48} {raw:>10,.0f} events/s   1.00x")
    print(f"{'eventsourcing saves (100 aggregates/save)':48} {saves:>10,.0f} events/s   {saves / raw:.2f}x raw")
    for name, rate in results.items():
        print(f"{'catch-up ' + name:48} {rate:>10,.0f} events/s   {rate / raw:.2f}x raw   {rate / saves:.2f}x saves")
    if True:
        ratio = results["catalog+history+people+ledger"] / results["catalog+history+people"]
        print(f"ledger cost: pipeline with ledger = {ratio:.2f}x pipeline without (target >= 0.9x)")
    print("target: catch-up of the non-search read models >= 50,000 events/s")
    floor = results["floor: raw rows, no domain (see storage_floor)"]
    catchup_floor = results["catalog+history+people+ledger"] / floor
    print(f"catch-up of catalog+history+people+ledger = {catchup_floor:.2f}x the storage floor (target >= 0.6x)")
    live_thread = live["thread"] / plain_saves
    live_saves = live["process"] / plain_saves
    print(f"sustained ingest: saves with read models live in a thread = {live_thread:.2f}x plain saves, in a projector"
          f" process (PROTOKOLL_PROJECTOR=process) = {live_saves:.2f}x ({plain_saves:,.0f} events/s, best of 3"
          " alternated rounds each; target >= 0.7x; the summary's live/saves is the projector process's)")
    for level, p50 in create.items():
        print(f"create p50 (Archive.record_statement) as record {level:>7,} of its year {p50:8.2f} ms   "
              f"{p50 / create[levels[0]]:.2f}x at {levels[0]}   (first after a restart {cold[level]:.2f} ms)")
    largest = levels[-1]
    flat = create[largest] / create[levels[0]]
    if largest != CREATE_LEVELS[-1]:
        print(f"note: --max-records capped the create levels at {largest:,}; the ratio below is at {largest:,}")
    print(f"create p50 at {largest:,} = {flat:.2f}x create p50 at {levels[0]} (target <= 1.2x)")
    rebuild_raw = rebuild_seconds / raw_seconds
    print(f"protokoll rebuild of {args.rebuild_records:,} records (search index included) {rebuild_seconds:7.1f} s; "
          f"raw Whoosh bulk-indexing the same texts {raw_seconds:7.1f} s: {rebuild_raw:.2f}x (target <= 1.2x)")
    print(f"summary: catchup/floor={catchup_floor:.2f} rebuild/raw_whoosh={rebuild_raw:.2f} "
          f"create_p50_100k/create_p50_10={flat:.2f} live/saves={live_saves:.2f}")


if __name__ == "__main__":
    main()
