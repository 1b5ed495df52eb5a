"""kill -9 during an import and during serving, ten times each: nothing acknowledged is lost.

Both scenarios run the real thing in a child process (`protokoll import`, `protokoll serve`) and
SIGKILL it at staggered points chosen by watching what it has done (lines it printed, the event
log's head, the read models' positions, answers a client received), never by sleeping. After
each kill: both SQLite files pass `PRAGMA integrity_check`; everything acknowledged before the kill
is in the archive; the work can be finished or retried without duplicates; the read models reach
the log head; and (for the import) a rebuild yields the digests the live read models had.
"""

from __future__ import annotations

import csv
import json
import os
import queue
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PROTOKOLL, free_port, wait_until_healthy

ROUNDS = 10
DOCUMENTS = 30
WAIT_SECONDS = 120  # the bound on every wait for a condition; reaching it fails the test
PAUSE = 0.003  # how long one wait on the child process lasts between two looks at its progress
ENV = {**os.environ, "PYTHONPATH": str(REPO), "PROTOKOLL_WRITE_RATE_PER_MINUTE": "1000000"}

# --- invented documents --------------------------------------------------------------------

PLACES = ["Nordby", "Sørvik", "Austdal", "Vestfjell", "Lia", "Bakken", "Elvetun", "Storå", "Fjellheim", "Havnes"]
PEOPLE = [("Kari Nordmann", "Ap"), ("Ola Berg", "H"), ("Siri Lund", "Sp"), ("Jonas Aas", "SV"), ("Per Strand", "FrP")]
TOPICS = ["ny brannstasjon", "gang- og sykkelveg", "fibernett", "skolebuss", "omsorgsboliger", "kulturhus"]


def _news(n: int) -> str:
    place, topic = PLACES[n % len(PLACES)], TOPICS[n % len(TOPICS)]
    name, party = PEOPLE[n % len(PEOPLE)]
    return (f"{place} får {topic} nummer {n}\n\nPublisert {1 + n % 27:02d}.03.2021\n\n"
            f"Kommunestyret i {place} vedtok torsdag å bruke {n + 2} millioner kroner på {topic}.\n\n"
            f"– Dette har innbyggerne ventet lenge på, sier ordfører {name} ({party}).\n\n"
            f"Arbeidet starter til høsten og skal være ferdig i {2022 + n % 3}.\n")


def _minutes(n: int) -> str:
    place, topic = PLACES[n % len(PLACES)], TOPICS[n % len(TOPICS)]
    present = "\n".join(f"{name} ({party})" for name, party in PEOPLE[:4])
    absent = f"{PEOPLE[4][0]} ({PEOPLE[4][1]})"
    return (f"{place} kommune\nMøteprotokoll for Formannskapet\n\nDato: {1 + n % 27:02d}.04.2021\n"
            f"Tid: kl. 10.00 - 12.00\nSted: Rådhuset, møterom {n}\n\nTil stede:\n{present}\n\n"
            f"Forfall:\n{absent}\n\nSaksliste\n\n"
            f"PS {n}/21 Godkjenning av protokoll\nVedtak:\nProtokollen ble enstemmig godkjent.\n\n"
            f"PS {n + 1}/21 {topic.capitalize()}\nForslag til vedtak:\nKommunen bevilger {n + 1} millioner kroner.\n"
            f"Vedtak:\nKommunen bevilger {n + 1} millioner kroner. Vedtatt mot 1 stemme (SV).\n")


def write_documents(folder: Path) -> Path:
    """Thirty small invented sources: every third a set of minutes, the others news articles."""
    folder.mkdir(parents=True)
    for n in range(DOCUMENTS):
        name, text = (f"{n:02d}-protokoll.txt", _minutes(n)) if n % 3 == 0 else (f"{n:02d}-nyhet.txt", _news(n))
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- looking at an archive from outside ----------------------------------------------------


def _query(path: Path, sql: str) -> Any:
    """One value read through a read-only connection (None while the file or table is not there yet)."""
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            row = db.execute(sql).fetchone()
    except sqlite3.OperationalError:
        return None  # created but not yet given its tables
    return row[0] if row else None


def log_head(data_dir: Path) -> int:
    return int(_query(data_dir / "events.sqlite", "SELECT max(rowid) FROM stored_events") or 0)


def read_models_floor(data_dir: Path) -> int:
    """The lowest position any SQLite read model has stored (0 before they have one)."""
    return int(_query(data_dir / "readmodels.sqlite", "SELECT min(position) FROM rm_tracking") or 0)


def integrity(data_dir: Path) -> str:
    """`PRAGMA integrity_check` of both SQLite files, 'ok' when both say so."""
    results = []
    for name in ("events.sqlite", "readmodels.sqlite"):
        if not (data_dir / name).exists():
            continue  # killed before it was created: nothing to be corrupt
        with sqlite3.connect(data_dir / name, timeout=30) as db:
            rows = [r[0] for r in db.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            results.append(f"{name}: {'; '.join(rows)[:300]}")
    return "; ".join(results) or "ok"


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PROTOKOLL, *args, "--data-dir", str(data_dir)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env=ENV)


def kill_when(process: subprocess.Popen[str], reached: Callable[[], bool]) -> bool:
    """SIGKILL `process` once `reached()` holds; False if it exited by itself first."""
    waited = 0.0
    while not reached():
        try:
            process.wait(timeout=PAUSE)  # the pause between two looks, ended early by an exit
            return False
        except subprocess.TimeoutExpired:
            waited += PAUSE
            if waited >= WAIT_SECONDS:
                process.kill()
                raise AssertionError(f"the kill point was not reached in {WAIT_SECONDS} s") from None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return process.returncode == -signal.SIGKILL


def read_lines(stream: Any, into: queue.Queue[str]) -> threading.Thread:
    """Collect a child's output lines as they come (a thread, so the parent can watch other things)."""

    def pump() -> None:
        for line in stream:
            into.put(line)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


# --- 1. kill -9 during `protokoll import` --------------------------------------------------


@dataclass
class ImportKillPoint:
    """Where a round kills the import: after `lines` output lines, or once a position is reached."""

    label: str
    lines: int = 0
    log_share: float = 0.0  # of the events a complete import stores
    read_models_share: float = 0.0


IMPORT_KILL_POINTS = [
    ImportKillPoint("first file stored", log_share=0.001),
    ImportKillPoint("log at 15%", log_share=0.15),
    ImportKillPoint("log at 35%", log_share=0.35),
    ImportKillPoint("log at 55%", log_share=0.55),
    ImportKillPoint("log at 75%", log_share=0.75),
    ImportKillPoint("log at 95%", log_share=0.95),
    ImportKillPoint("log complete", log_share=1.0),
    ImportKillPoint("read models at 50%", read_models_share=0.5),
    ImportKillPoint("after 1 reported file", lines=1),
    ImportKillPoint("after 20 reported files", lines=20),
]
assert len(IMPORT_KILL_POINTS) == ROUNDS


def _reports(lines: list[str]) -> list[dict[str, Any]]:
    """The per-file objects among complete `--json` lines (a line cut by the kill is not a report)."""
    reports = []
    for line in lines:
        if not line.endswith("\n"):
            continue
        data = json.loads(line)
        if "file" in data:
            reports.append(data)
    return reports


def _record_ids(reports: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each file's own records (people and organisations are listed only by the file that created them)."""
    shared = ("person", "organisation")
    return {r["file"]: sorted(rec["id"] for rec in r["records"] if rec["kind"] not in shared) for r in reports}


def catalog(data_dir: Path, into: Path) -> set[tuple[str, ...]]:
    """Every record the catalog lists (id, kind, reference, version), through `protokoll export csv`."""
    done = cli(data_dir, "export", "csv", "catalog", str(into))
    assert done.returncode == 0, done.stderr
    with into.open(encoding="utf-8", newline="") as rows:
        return {(r["id"], r["kind"], r["reference"], r["version"]) for r in csv.DictReader(rows)}


def test_kill9_during_import(tmp_path: Path, figures: Callable[[str], None]) -> None:
    folder = write_documents(tmp_path / "kilder")
    # Given what an uninterrupted import of the folder stores (its records and the log's length),
    clean = tmp_path / "clean"
    done = cli(clean, "import", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    clean_records = _record_ids(_reports(done.stdout.splitlines(keepends=True)))
    assert len(clean_records) == DOCUMENTS
    clean_head = log_head(clean)
    assert clean_head > DOCUMENTS
    clean_catalog = catalog(clean, tmp_path / "clean.csv")
    killed = acknowledged = lost = events_seen = events_missing = converged = digests_equal = 0
    problems: list[str] = []
    for round_no, point in enumerate(IMPORT_KILL_POINTS):
        data_dir = tmp_path / f"round-{round_no}"
        # when an import of the same folder into an empty archive is killed at this round's point,
        # (its stderr goes to a file: an undrained pipe could fill and stall it before the kill point)
        with (tmp_path / f"round-{round_no}.stderr").open("w") as errors:
            process = subprocess.Popen([*PROTOKOLL, "import", str(folder), "--json", "--data-dir", str(data_dir)],
                                       cwd=REPO, stdout=subprocess.PIPE, stderr=errors, text=True, env=ENV)
        lines: queue.Queue[str] = queue.Queue()
        pump = read_lines(process.stdout, lines)
        seen = [0]

        def reached(point: ImportKillPoint = point, data_dir: Path = data_dir, seen: list[int] = seen,
                    lines: queue.Queue[str] = lines) -> bool:
            if point.lines:
                return lines.qsize() >= point.lines
            if point.read_models_share:
                return read_models_floor(data_dir) >= point.read_models_share * clean_head
            seen[0] = log_head(data_dir)  # what the log held when last looked at: committed
            return seen[0] >= point.log_share * clean_head

        killed += kill_when(process, reached)
        pump.join(timeout=30)
        printed = [lines.get() for _ in range(lines.qsize())]
        acked = {r["file"]: r for r in _reports(printed) if r["status"] in ("created", "updated", "unchanged")}
        acknowledged += len(acked)
        # both SQLite files are intact,
        checked = integrity(data_dir)
        if checked != "ok":
            problems.append(f"round {round_no} ({point.label}): integrity {checked}")
        # every event seen committed is still in the log,
        events_seen += seen[0]
        after_kill = log_head(data_dir)
        events_missing += max(0, seen[0] - after_kill)
        # a second run finishes the work: every file created or unchanged, and every file the killed
        # run reported is unchanged (its records survived), with the same records as the clean run,
        rerun = cli(data_dir, "import", str(folder), "--json")
        assert rerun.returncode == 0, f"round {round_no} ({point.label}): {rerun.stderr[-2000:]}"
        again = _reports(rerun.stdout.splitlines(keepends=True))
        statuses = {r["file"]: r["status"] for r in again}
        assert set(statuses.values()) <= {"created", "unchanged"}, (point.label, statuses)
        lost_here = [f for f in acked if statuses.get(f) != "unchanged"]
        lost += len(lost_here)
        if lost_here:
            problems.append(f"round {round_no} ({point.label}): reported before the kill, then not in the archive: "
                            f"{lost_here}")
        assert _record_ids(again) == clean_records, f"round {round_no} ({point.label}): records differ"
        # and no event was stored twice: the log is as long as the clean import's.
        assert log_head(data_dir) == clean_head, (point.label, log_head(data_dir), clean_head)
        # The catalog lists the same records, versions and references as the clean archive's.
        assert catalog(data_dir, tmp_path / f"round-{round_no}.csv") == clean_catalog, point.label
        # Every read model reaches the log head,
        status = cli(data_dir, "status", "--json")
        assert status.returncode == 0, status.stdout + status.stderr
        state = json.loads(status.stdout)
        at_head = all(m["position"] == state["head"] and m["error"] is None for m in state["read_models"].values())
        converged += at_head and not state["stopped"]
        # and rebuilding them from the log gives the digests the live ones had.
        rebuilt = cli(data_dir, "rebuild", "--json")
        same = rebuilt.returncode == 0 and all(v["same"] for v in json.loads(rebuilt.stdout).values())
        digests_equal += same
        if not same:
            problems.append(f"round {round_no} ({point.label}): rebuild {rebuilt.stdout[-1500:]}"
                            f" {rebuilt.stderr[-500:]}")
    figures(f"kill9 import: rounds={ROUNDS} killed_mid_run={killed}/{ROUNDS} acknowledged_files={acknowledged} "
            f"lost={lost} events_seen_committed={events_seen} events_missing={events_missing} "
            f"integrity={'ok' if not any('integrity' in p for p in problems) else 'FAILED'} "
            f"converged={converged}/{ROUNDS} digests_equal={digests_equal}/{ROUNDS}")
    assert not problems, "\n".join(problems)
    assert lost == 0 and events_missing == 0
    assert converged == ROUNDS and digests_equal == ROUNDS
    assert killed >= ROUNDS // 2, f"only {killed} kills landed before the import ended"


# --- 2. kill -9 of a serving `protokoll serve` ---------------------------------------------


@dataclass
class Write:
    key: str
    body: dict[str, Any]
    status: int = 0
    answer: dict[str, Any] = field(default_factory=dict)


class Client(threading.Thread):
    """Posts statements one after another, each with its own Idempotency-Key, until the server dies."""

    def __init__(self, base_url: str, token: str, round_no: int) -> None:
        super().__init__(daemon=True)
        self.base_url, self.round_no = base_url, round_no
        self.headers = {"Authorization": f"Bearer {token}"}
        self.lock = threading.Lock()
        self.acknowledged: list[Write] = []  # answered 2xx
        self.refused: list[Write] = []  # answered anything else (none expected)
        self.in_flight: Write | None = None  # sent (or being sent) when the connection broke

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=60) as http:
            n = 0
            while True:
                write = Write(f"kill9-{self.round_no}-{n}", {
                    "text": f"Drepetest runde {self.round_no} skriv {n}: kommunen trenger flere lærlingplasser.",
                    "said_at": "2021-03-04", "speaker_name": "Kari Nordmann", "party": "Sp"})
                with self.lock:
                    self.in_flight = write
                try:
                    response = http.post("/api/statements", json=write.body,
                                         headers={**self.headers, "Idempotency-Key": write.key})
                except httpx.TransportError:
                    return  # the server was killed: this write's fate is unknown to the client
                write.status, write.answer = response.status_code, response.json()
                with self.lock:
                    self.in_flight = None
                    (self.acknowledged if 200 <= response.status_code < 300 else self.refused).append(write)
                n += 1

    def acked(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def last_position(self) -> int:
        with self.lock:
            return max((w.answer["position"] for w in self.acknowledged), default=0)


def start_server(data_dir: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    """`protokoll serve` on a free port, healthy; its log goes to `log` (a pipe nobody reads could fill)."""
    port = free_port()
    with log.open("w") as errors:
        process = subprocess.Popen(
            [*PROTOKOLL, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
             "--log-level", "warning"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors, text=True, env=ENV)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
    except RuntimeError as exc:
        process.kill()
        process.wait(timeout=30)
        raise RuntimeError(f"{exc}; its log ends: {log.read_text()[-3000:]}") from None
    return process, base_url


def kill_point(client: Client, answers: int, data_dir: Path, start: int, *, after_save: bool) -> Callable[[], bool]:
    """Kill once `answers` writes were acknowledged, and (`after_save`) the next one's events are stored."""

    def reached() -> bool:
        if client.acked() < answers:
            return False
        return not after_save or log_head(data_dir) > max(client.last_position(), start)

    return reached


def wait_converged(http: httpx.Client, process: subprocess.Popen[str]) -> bool:
    """Wait (bounded) until /health says ok with every read model at the log head."""
    waited = 0.0
    while waited < WAIT_SECONDS:
        health = http.get("/health").json()
        positions = {m["position"] for m in health["read_models"].values()}
        if health["status"] == "ok" and positions == {health["head"]}:
            return True
        try:
            process.wait(timeout=0.05)  # the pause between two looks; an exit ends it
            return False
        except subprocess.TimeoutExpired:
            waited += 0.05
    return False


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[str]]]:
    """The servers a test started; any still running when it ends (a failed assertion) is killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_kill9_while_serving_writes(
    tmp_path: Path, servers: list[subprocess.Popen[str]], figures: Callable[[str], None]
) -> None:
    data_dir = tmp_path / "data"
    made = cli(data_dir, "token", "create", "--role", "archivist", "--name", "arkivar-drepetest")
    assert made.returncode == 0, made.stderr
    token = made.stdout.split()[0]
    every_ack: list[Write] = []  # across all rounds
    retried: list[Write] = []  # in-flight writes, retried after the restart
    lost = converged = stored_unanswered = replayed = created_on_retry = duplicates = unsearchable = 0
    problems: list[str] = []
    pending: tuple[Write, int] | None = None  # last round's in-flight write and the log head before it
    for round_no in range(ROUNDS + 1):
        # Given a server (re)started on the archive the previous round's kill left,
        process, base_url = start_server(data_dir, tmp_path / f"serve-{round_no}.log")
        servers.append(process)
        with httpx.Client(base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http:
            # its read models reach the log head,
            converged += wait_converged(http, process) if round_no else 0
            if pending is not None:
                # the write in flight at the kill, retried with its key, is stored once: a replay if it
                # had been stored before the kill (same record), else created now,
                write, head_before = pending
                was_stored = log_head(data_dir) > head_before
                stored_unanswered += was_stored
                again = http.post("/api/statements", json=write.body, headers={"Idempotency-Key": write.key})
                assert 200 <= again.status_code < 300, again.text
                is_replay = again.headers.get("Idempotent-Replayed") == "true"
                replayed += is_replay
                created_on_retry += not is_replay
                if is_replay != was_stored:
                    problems.append(f"round {round_no - 1}: in-flight {write.key} stored={was_stored} but "
                                    f"retry replayed={is_replay} ({again.status_code} {again.text[:200]})")
                write.status, write.answer = again.status_code, again.json()
                retried.append(write)
            # every write acknowledged so far (and every retried one) is readable by its id,
            for write in every_ack + retried:
                got = http.get(f"/api/records/{write.answer['id']}")
                if got.status_code != 200 or got.json()["state"].get("text") != write.body["text"]:
                    lost += 1
                    problems.append(f"{write.key} acknowledged {write.status} as {write.answer.get('reference')}, "
                                    f"then {got.status_code} {got.text[:200]}")
            # and no statement was stored twice.
            listed = http.get("/api/records", params={"kind": "statement", "page_size": 200}).json()
            duplicates += listed["count"] - len(every_ack) - len(retried)
            # The search index, at the head too, finds each of them once.
            found = http.get("/api/search", params={"q": "drepetest", "page_size": 1}).json()
            if found["stale"] or found["count"] != len(every_ack) + len(retried):
                unsearchable += 1
                problems.append(f"round {round_no}: search found {found['count']} of "
                                f"{len(every_ack) + len(retried)} statements (stale={found['stale']})")
            if round_no == ROUNDS:
                break  # the last start only checks the tenth kill
            # When a client writes and the server is killed after a staggered number of answers,
            client = Client(base_url, token, round_no)
            client.start()
            head_at_start = log_head(data_dir)
            # right after an answer (the next write is just being sent) in even rounds, and in odd ones
            # once the next write's events are in the log (saved, perhaps not yet answered),
            reached = kill_point(client, 1 + round_no, data_dir, head_at_start, after_save=round_no % 2 == 1)
            kill_when(process, reached)
            client.join(timeout=60)
            assert not client.is_alive()
        assert not client.refused, [(w.status, w.answer) for w in client.refused]
        every_ack += client.acknowledged
        if client.in_flight is not None:
            pending = (client.in_flight, max(client.last_position(), head_at_start))
        else:
            pending = None
        # both SQLite files are intact after the kill.
        checked = integrity(data_dir)
        if checked != "ok":
            problems.append(f"round {round_no}: integrity {checked}")
    process.terminate()
    process.wait(timeout=30)
    figures(f"kill9 serve: rounds={ROUNDS} acknowledged={len(every_ack)} lost={lost} "
            f"in_flight={len(retried)} (stored_unanswered={stored_unanswered} replayed={replayed} "
            f"created_on_retry={created_on_retry}) duplicates={duplicates} search_mismatches={unsearchable} "
            f"integrity={'ok' if not any('integrity' in p for p in problems) else 'FAILED'} "
            f"converged={converged}/{ROUNDS}")
    assert not problems, "\n".join(problems)
    assert lost == 0 and duplicates == 0 and converged == ROUNDS
