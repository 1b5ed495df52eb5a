"""Search benchmark (run on demand, not a test): search speed through the front door.

    bash scripts/setup.sh                      # installs the [bench] extra (wordfreq) too
    .venv/bin/python bench/search.py --n 10000  # a few minutes
    .venv/bin/python bench/search.py            # 100k records

One corpus and one query set from one seed (bench/corpus.py), for every engine:
  - `/api/search` over HTTP: `protokoll serve` (uvicorn) on 127.0.0.1, an httpx client, warm
    (every query run once before timing); anonymous, so the public filter applies;
  - SQLite FTS5 in-process on the same records (bm25 order, top 20 with a snippet, exact count,
    screened records left out as the public answer does; filters as columns; fuzzy expanded
    from the fts5vocab word list like an application would, prefix native);
  - raw Whoosh (LanguageAnalyzer("no"), MultifieldParser, top 20 + highlights + total) and the
    query layer (search.query.search) in-process.
Figures per query class: p50/p95 and HTTP p95 / FTS5 p95; page 2 of a query just run (p95);
the server's RSS after the run; write-to-searchable (POST a statement, then search until it is
found) p50 over HTTP and in-process (write_batch, then search).

How the server gets 100k records quickly and honestly: the documents are written straight into
the archive's search index (data/index) with search.index.write_bulk, the call `protokoll
rebuild` loads the index with (one segment), stamped at log position 0. Hits, snippets, totals
and facets are answered from the index alone (search.query reads stored fields and columns;
api/searching.py hydrates nothing from the catalog), so the search path is exactly the
production path; only opening a hit's record page would 404, which this bench does not do.
Statements posted for write-to-searchable go through the whole front door (event log, read
models, search projection).
The last line printed is `summary: http_p95/fts5_p95 max=<x> page2_p95_ms=<y> rss_mb=<z>`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name
# would shadow the `search` package; drop that entry (or use -m bench.search).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import Any

import httpx
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser

from bench.corpus import QUERY_CLASSES, Query, Vocabulary, corpus, queries, raw_index, within_one
from search.analysis import analyse, compound_parts_analyzer, stop_words
from search.index import open_index, write_batch, write_bulk
from search.query import SearchParams, clear_result_cache, search
from search.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile in ms (nearest rank)."""
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def by_class(qs: list[Query], fn: Callable[[Query], Any], rounds: int = 1) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {c: [] for c in QUERY_CLASSES}
    for _ in range(rounds):
        for q in qs:
            out[q.cls].append(timed(lambda q=q: fn(q)))
    return out


# ---------------------------------------------------------------- SQLite FTS5


class Fts5:
    """The peer: one FTS5 table with the filter values as unindexed columns."""

    def __init__(self, path: Path, docs: list[dict[str, Any]]) -> None:
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, party UNINDEXED,"
                        " speaker UNINDEXED, year UNINDEXED, restricted UNINDEXED,"
                        " tokenize='unicode61 remove_diacritics 0')")
        self.db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", (
            (d["id"], d["title"], d["body"], d.get("party"), d.get("speaker"), d["date"].year,
             int(d["restricted"])) for d in docs))
        self.db.commit()
        self.db.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(docs, row)")
        # The word list an application keeps for fuzzy matching (FTS5 has no fuzzy operator).
        self.words = [t for (t,) in self.db.execute("SELECT term FROM vocab ORDER BY term")]

    def match_text(self, q: Query) -> str:
        if q.fuzzy_word:
            return " OR ".join(f'"{w}"' for w in within_one(q.fuzzy_word, self.words)) or '"zzzznomatchzzzz"'
        return q.fts

    def run(self, q: Query, page: int = 1) -> tuple[int, list[tuple[str, str]]]:
        where, args = "docs MATCH ? AND restricted = 0", [self.match_text(q)]
        for column in ("party", "speaker", "year"):
            if getattr(q, column) is not None:
                where += f" AND {column} = ?"
                args.append(getattr(q, column))
        rows = self.db.execute(
            f"SELECT id, snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs WHERE {where}"
            f" ORDER BY bm25(docs, 0.0, 2.0, 1.0) LIMIT 20 OFFSET {(page - 1) * 20}", args).fetchall()
        (total,) = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()
        return int(total), rows


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "archive.cli", "serve", "--data-dir", str(data_dir),
                                "--port", str(port), "--log-level", "warning"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            try:
                if client.get(base + "/health").status_code < 500:
                    return process, base
            except httpx.TransportError:
                time.sleep(0.2)
    process.kill()
    raise RuntimeError("protokoll serve did not start")


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and its parts: RssAnon is the process's own memory (caches, analysis tables, the
    index's recently read blocks: search.segment_files); RssFile is mapped files, the program and
    its libraries. The index itself is read with pread, so its pages are the kernel's page cache
    (shared, dropped under pressure), as an SQLite database's are, not the server's."""
    wanted = ("VmRSS", "RssAnon", "RssFile")
    out = {name: float("nan") for name in wanted}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name = line.split(":")[0]
        if name in wanted:
            out[name] = int(line.split()[1]) / 1024
    return out


def token(data_dir: Path, role: str) -> str:
    out = subprocess.run([sys.executable, "-m", "archive.cli", "token", "create", "--role", role, "--name",
                          f"bench-{role}", "--data-dir", str(data_dir)], cwd=REPO, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    return out.split()[0]  # the token is the first thing printed


def http_params(q: Query, page: int = 1) -> dict[str, Any]:
    params: dict[str, Any] = {"q": q.q, "page": page}
    for name in ("party", "speaker", "year"):
        if getattr(q, name) is not None:
            params[name] = getattr(q, name)
    return params


def query_params(q: Query, facets: bool = True) -> SearchParams:
    return SearchParams(q=q.q, party=q.party, speaker=q.speaker, year=q.year, facets=facets)


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="records (default 100k; 10k takes a few minutes)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=1, help="timed passes over the query set per engine")
    ap.add_argument("--no-raw", action="store_true", help="skip raw Whoosh (saves its indexing time)")
    ap.add_argument("--dir", type=Path, default=None, help="keep the data here (default: a temporary folder)")
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="protokoll-bench-search-"))
    root.mkdir(parents=True, exist_ok=True)

    t = time.perf_counter()
    vocab = Vocabulary.load(stop=stop_words())
    docs = list(corpus(args.n, args.seed, vocab))
    qs = queries(docs, vocab, args.seed)
    words = sum(len(d["body"].split()) for d in docs)
    print(f"corpus     {len(docs)} records, {words / 1e6:.1f}M words, {len(qs)} queries, seed {args.seed},"
          f" made in {time.perf_counter() - t:.1f} s, in {root}")

    # Our index, in the archive's data directory (see the docstring), loaded as a rebuild loads it.
    data_dir = root / "archive"
    ix = open_index(data_dir / "index")
    analyse("Kommunene"), analyse("xyzqwe"), list(compound_parts_analyzer()("partnerskapsavtaler"))  # start-up
    t = time.perf_counter()
    write_bulk(ix, docs, {"position": "0", "schema": str(SCHEMA_VERSION)})
    ours_rate = len(docs) / (time.perf_counter() - t)

    t = time.perf_counter()
    fts = Fts5(root / "fts.db", docs)
    fts_rate = len(docs) / (time.perf_counter() - t)
    line = f"indexing   write_bulk {ours_rate:7.0f} docs/s | sqlite fts5 {fts_rate:7.0f} docs/s"

    raw_ix = None
    if not args.no_raw:
        raw_dir = root / "raw"
        raw_dir.mkdir(exist_ok=True)
        seconds = raw_index(str(raw_dir), docs)
        raw_ix = whoosh_index.open_dir(str(raw_dir))
        line += f" | raw whoosh {len(docs) / seconds:7.0f} docs/s"
    print(line)
    counts = {c: [fts.run(q)[0] for q in qs if q.cls == c] for c in QUERY_CLASSES}
    print("matches    fts5 median count per class: " + ", ".join(
        f"{c} {sorted(v)[len(v) // 2]}" for c, v in counts.items())
        + f" | common min {min(counts['common']) / len(docs):.0%} of records")

    # In-process: FTS5, raw Whoosh, the query layer.
    fts_t = by_class(qs, fts.run, 1)  # warm
    fts_t = by_class(qs, fts.run, args.rounds)
    inproc: dict[str, dict[str, list[float]]] = {"fts5": fts_t}
    if raw_ix is not None:
        parser = MultifieldParser(["title", "body"], raw_ix.schema)
        raw_searcher = raw_ix.searcher()

        def raw_one(q: Query) -> None:
            r = raw_searcher.search(parser.parse(q.q), limit=20)
            for hit in r:
                hit.highlights("body")
            len(r)

        by_class(qs, raw_one)
        inproc["raw whoosh"] = by_class(qs, raw_one, args.rounds)
    by_class(qs, lambda q: search(ix, query_params(q)))
    clear_result_cache(ix)  # timed uncached, like the HTTP pass (which runs after a write)
    inproc["query layer"] = by_class(qs, lambda q: search(ix, query_params(q)), args.rounds)
    inproc["query layer, no facets"] = by_class(qs, lambda q: search(ix, query_params(q, False)), args.rounds)
    ix.close()

    # Over HTTP: the archive's server on 127.0.0.1.
    process, base = start_server(data_dir)
    try:
        with httpx.Client(base_url=base, timeout=120) as client:

            def http_one(q: Query, page: int = 1) -> dict[str, Any]:
                r = client.get("/api/search", params=http_params(q, page))
                r.raise_for_status()
                return dict(r.json())

            by_class(qs, http_one)  # warm (fills the result cache too: timing repeats use new queries below)
            # Timed on a fresh server generation: a write bumps the index generation, so no timed
            # query is answered from the result cache of the warm-up pass.
            archivist = token(data_dir, "archivist")
            auth = {"Authorization": f"Bearer {archivist}"}

            def post_statement(word: str) -> None:
                body = {"text": f"Ny uttalelse om {word} i kommunestyret.", "said_at": "2024-05-02",
                        "speaker_name": "Kari Nordmann", "party": "Ap"}
                client.post("/api/statements", json=body, headers=auth).raise_for_status()

            def wait_found(word: str) -> None:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    if client.get("/api/search", params={"q": word}).json()["count"] >= 1:
                        return
                raise RuntimeError(f"{word} never became searchable")

            fresh_http: list[float] = []
            for i in range(20):
                word = f"zqxbench{i}ord"
                fresh_http.append(timed(lambda w=word: (post_statement(w), wait_found(w))))
            http_t = by_class(qs, http_one, args.rounds)
            page2: list[float] = []
            for q in qs:
                first = http_one(q)
                if first["count"] > 20:
                    page2.append(timed(lambda q=q: http_one(q, 2)))
            memory = memory_mb(process.pid)
            rss = memory["VmRSS"]
    finally:
        process.terminate()
        process.wait(timeout=30)

    print(f"{'search':10} {'p50 / p95 in ms':24} " + " ".join(f"{c:>15}" for c in QUERY_CLASSES))
    rows = {"http /api/search": http_t, **inproc}
    for name, runs in rows.items():
        print(f"{'':10} {name:24} " + " ".join(
            f"{pct(runs[c], 50):7.1f}/{pct(runs[c], 95):<7.1f}" for c in QUERY_CLASSES))
    ratios = {c: pct(http_t[c], 95) / pct(fts_t[c], 95) for c in QUERY_CLASSES}
    print(f"{'ratio':10} {'http p95 / fts5 p95':24} " + " ".join(f"{ratios[c]:14.1f}x" for c in QUERY_CLASSES)
          + "  (target <= 4x each)")
    if "raw whoosh" in inproc:
        layer = {c: pct(inproc["query layer"][c], 95) / pct(inproc["raw whoosh"][c], 95) for c in QUERY_CLASSES}
        print(f"{'ratio':10} {'layer p95 / raw whoosh':24} " + " ".join(f"{layer[c]:14.2f}x" for c in QUERY_CLASSES))
    page2_p95 = pct(page2, 95)
    print(f"page 2     p50 {pct(page2, 50):6.1f} ms p95 {page2_p95:6.1f} ms over {len(page2)} queries"
          " (target p95 <= 5 ms)")
    print(f"server     rss {rss:6.0f} MB after the run (target <= 400 MB at 100k): own memory (RssAnon)"
          f" {memory['RssAnon']:.0f} MB, mapped files (RssFile: program and libraries) {memory['RssFile']:.0f} MB")

    # In-process write-to-searchable on the same index (the server is gone; one writer again).
    ix = open_index(data_dir / "index")
    fresh: list[float] = []
    for i in range(20):
        word = f"zxq{i}novelle"
        doc = dict(docs[i], id=f"new{i}:1", record_id=f"new{i}", restricted=False, visibility="public",
                   body=f"Ny sak {word}.")

        def write_and_find(doc: dict[str, Any] = doc, word: str = word) -> None:
            write_batch(ix, [doc], [], {"position": "0", "schema": str(SCHEMA_VERSION)})
            assert search(ix, SearchParams(q=word)).total == 1

        fresh.append(timed(write_and_find))
    ix.close()
    print(f"freshness  write-to-searchable p50 in-process {pct(fresh, 50):6.1f} ms | over HTTP (POST a statement,"
          f" search until found) p50 {pct(fresh_http, 50):6.1f} ms (target p50 <= 25 ms)")
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)
    print(f"summary: http_p95/fts5_p95 max={max(ratios.values()):.1f} page2_p95_ms={page2_p95:.1f} rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
