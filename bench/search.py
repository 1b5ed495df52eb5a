"""Search benchmark (run on demand, not a test).

    .venv/bin/python bench/search.py --n 5000
    .venv/bin/python bench/search.py            # 100k records

Prints, from one run on one generated corpus: raw Whoosh bulk indexing vs
search.index.write_batch; raw Whoosh search (MultifieldParser + highlights)
vs search.query.search p50/p95 on the same queries; SQLite FTS5 as a peer;
write-to-searchable latency for a new record and for a revision on the big
index; and ratios against the raw-Whoosh baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name
# would shadow the `search` package; drop that entry (or use -m bench.search).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import MultifieldParser

from search.index import open_index, write_batch
from search.query import SearchParams, search

STEMS = [
    "kommune",
    "fylke",
    "region",
    "avtale",
    "partnerskap",
    "ordfører",
    "styre",
    "råd",
    "møte",
    "sak",
    "vedtak",
    "plan",
    "utvalg",
    "budsjett",
    "skole",
    "helse",
    "vei",
    "samarbeid",
    "tjeneste",
    "leder",
    "kontor",
    "økonomi",
    "areal",
    "bolig",
    "næring",
    "utvikling",
    "kultur",
    "miljø",
    "klima",
    "energi",
    "vann",
    "avløp",
    "brann",
    "beredskap",
    "barnehage",
    "omsorg",
    "sykehjem",
    "barn",
    "ungdom",
    "idrett",
    "bibliotek",
    "kirke",
    "havn",
    "trafikk",
    "politi",
    "lege",
    "representant",
    "medlem",
    "parti",
    "gruppe",
    "valg",
    "rapport",
    "revisjon",
    "kontroll",
    "høring",
    "forslag",
    "protokoll",
    "referat",
    "dokument",
    "arkiv",
    "lov",
    "forskrift",
    "strategi",
    "tiltak",
    "prosjekt",
    "tilskudd",
    "skatt",
    "eiendom",
    "bygg",
    "senter",
    "sentrum",
    "selskap",
    "stiftelse",
    "forening",
    "innbygger",
    "prioritering",
    "investering",
]
SUFFIXES = ["", "", "", "en", "et", "er", "ene", "a", "ar", "ane"]
GLUE = [
    "i",
    "på",
    "om",
    "for",
    "med",
    "til",
    "av",
    "og",
    "det",
    "som",
    "er",
    "ikke",
    "skal",
    "vil",
    "kan",
    "har",
    "fra",
    "etter",
    "ved",
]
NAMES = ["Roger Ryberg", "Kari Hansen", "Ola Olsen", "Per Larsen", "Anne Johansen", "Nina Pedersen",
         "Lars Nilsen", "Eva Andersen", "Jon Berg", "Siri Haugen"]
PARTIES = ["Ap", "H", "Sp", "FrP", "SV", "KrF", "V", "MDG", "R"]
ORGS = ["Ringerike kommune", "Hole kommune", "Buskerud fylkeskommune", "Lier kommune", "Modum kommune"]
KINDS = ["agreement", "meeting", "statement", "news"]
QUERIES = ["ordfører", "budsjett", "samarbeid", "kommune", "avtale", "skole helse", "møte vedtak",
           "barnehage", "klima", "bolig utvikling", "tilskudd", "høring forslag", "region", "brann",
           "sykehjem", "vann avløp", "kultur", "idrett", "strategi", "prosjekt"]


def word(rng: random.Random) -> str:
    if rng.random() < 0.25:  # compounds with a linking s
        return rng.choice(STEMS) + rng.choice(["", "s"]) + rng.choice(STEMS) + rng.choice(SUFFIXES)
    return rng.choice(STEMS) + rng.choice(SUFFIXES)


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(GLUE) if rng.random() < 0.35 else word(rng) for _ in range(n))


def corpus(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    base = datetime(2010, 1, 1)
    for i in range(n):
        when = base + timedelta(days=rng.randrange(5000))
        yield dict(
            id=f"r{i}:1", record_id=f"r{i}", version=1, kind=rng.choice(KINDS),
            reference=f"{when.year}/{i:04d}", title=sentence(rng, rng.randint(4, 8)).capitalize(),
            body=". ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 6))) + ".",
            speaker=rng.choice(NAMES), party=rng.choice(PARTIES), organisation=[rng.choice(ORGS)],
            date=when, recorded_at=when, restricted=rng.random() < 0.02,
        )


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def raw_schema() -> Schema:
    ana = LanguageAnalyzer("no")
    return Schema(id=ID(unique=True, stored=True), record_id=ID(stored=True),
                  version=NUMERIC(int, stored=True), kind=KEYWORD(stored=True),
                  reference=ID(stored=True), title=TEXT(analyzer=ana, stored=True),
                  body=TEXT(analyzer=ana, stored=True), speaker=TEXT(stored=True),
                  party=KEYWORD(stored=True, lowercase=True), organisation=KEYWORD(stored=True, commas=True),
                  date=DATETIME(stored=True, sortable=True), recorded_at=DATETIME(stored=True),
                  restricted=BOOLEAN(stored=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=100, help="timed searches per engine")
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="protokoll-bench-"))
    docs = list(corpus(args.n, args.seed))
    print(f"corpus: {len(docs)} records, seed {args.seed}, in {root}")

    # Indexing: raw Whoosh (LanguageAnalyzer("no"), one writer, one commit).
    raw_dir = root / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    raw_ix = whoosh_index.create_in(str(raw_dir), raw_schema())
    t = time.perf_counter()
    w = raw_ix.writer(limitmb=256)
    for d in docs:
        w.add_document(**{k: (",".join(v) if isinstance(v, list) else v) for k, v in d.items()})
    w.commit()
    raw_rate = len(docs) / (time.perf_counter() - t)

    # Indexing: our pipeline (analysis + parts + derived fields), batches of 5000.
    ix = open_index(root / "ours")
    from search.analysis import analyse, compound_parts_analyzer
    # One-off start-up, not throughput: load the nb lemma dictionary, the nn
    # one (only consulted for words nb does not know) and the compound lexicon.
    analyse("Kommunene"), analyse("xyzqwe"), list(compound_parts_analyzer()("partnerskapsavtaler"))
    t = time.perf_counter()
    for start in range(0, len(docs), 5000):
        write_batch(ix, docs[start:start + 5000], [], {"position": str(start + 5000)})
    ours_rate = len(docs) / (time.perf_counter() - t)
    print(f"indexing   raw whoosh {raw_rate:8.0f} docs/s | write_batch {ours_rate:8.0f} docs/s"
          f" | ratio {ours_rate / raw_rate:.2f}x (target >= 1.0x)")

    # Search: raw Whoosh parse + top 20 + highlights vs search.query.search.
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
    parser = MultifieldParser(["title", "body"], raw_ix.schema)
    raw_searcher = raw_ix.searcher()

    # Baseline: plain searcher.search(q, limit=20) + body highlights on one
    # open searcher, plus the exact total (our layer reports it; with a limit
    # Whoosh skips blocks, so len() runs the query again).
    def raw_one(q: str, total: bool = True) -> None:
        r = raw_searcher.search(parser.parse(q), limit=20)
        for hit in r:
            hit.highlights("body")
        if total:
            len(r)

    def ours_one(q: str, facets: bool = True) -> None:
        search(ix, SearchParams(q=q, facets=facets))

    for q in QUERIES:  # warm caches for both
        raw_one(q), ours_one(q)
    runs = {
        "raw": [timed(lambda q=q: raw_one(q), 1)[0] for q in queries],
        "raw_nototal": [timed(lambda q=q: raw_one(q, False), 1)[0] for q in queries],
        "ours": [timed(lambda q=q: ours_one(q), 1)[0] for q in queries],
        "ours_nofacets": [timed(lambda q=q: ours_one(q, False), 1)[0] for q in queries],
    }
    raw_t, ours_t = runs["raw"], runs["ours"]
    for label, key in (("raw whoosh top20+highlights+total", "raw"),
                       ("raw whoosh top20+highlights (no total)", "raw_nototal"),
                       ("query layer, total, no facets", "ours_nofacets"),
                       ("query layer, total + 5 facets", "ours")):
        print(f"search     {label:40s} p50 {pct(runs[key], 50):6.1f} ms p95 {pct(runs[key], 95):6.1f} ms")
    print(f"search     p95 ratio query layer (facets) / raw (total) {pct(ours_t, 95) / pct(raw_t, 95):.2f}x"
          f" (target <= 1.2x)")
    for ours_key, raw_key in (("ours", "raw_nototal"), ("ours_nofacets", "raw"), ("ours_nofacets", "raw_nototal")):
        print(f"search     ratio {ours_key} / {raw_key}: p50 {pct(runs[ours_key], 50) / pct(runs[raw_key], 50):.2f}x"
              f" p95 {pct(runs[ours_key], 95) / pct(runs[raw_key], 95):.2f}x")

    # Peer: SQLite FTS5 on the same corpus.
    db = sqlite3.connect(str(root / "fts.db"))
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61 remove_diacritics 0')"
    )
    t = time.perf_counter()
    db.executemany("INSERT INTO docs VALUES (?,?,?)", ((d["id"], d["title"], d["body"]) for d in docs))
    db.commit()
    fts_rate = len(docs) / (time.perf_counter() - t)

    def fts_one(q: str) -> None:
        db.execute("SELECT id, snippet(docs, 2, '<mark>', '</mark>', '…', 12) FROM docs WHERE docs MATCH ?"
                   " ORDER BY bm25(docs) LIMIT 20", (q,)).fetchall()
        db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (q,)).fetchone()

    fts_t = [timed(lambda q=q: fts_one(q), 1)[0] for q in queries]
    print(f"peer       sqlite fts5 {fts_rate:8.0f} docs/s | search p50 {pct(fts_t, 50):6.1f} ms"
          f" p95 {pct(fts_t, 95):6.1f} ms (no stemming, exact words)")

    # Write-to-searchable on the big index: write_batch, then the first search that finds it.
    new_lat, rev_lat = [], []
    for i in range(20):
        token = f"zxq{i}novelle"
        doc = dict(docs[i % len(docs)], id=f"new{i}:1", record_id=f"new{i}", restricted=False,
                   body=f"Ny sak {token}.")
        t = time.perf_counter()
        write_batch(ix, [doc], [], {"position": f"n{i}"})
        found = search(ix, SearchParams(q=token))
        assert found.total == 1, (found.total, found.parsed_query, found.error, doc.get("restricted"))
        new_lat.append(time.perf_counter() - t)
        # A revision: version 1 is superseded, version 2 added, in one commit.
        old = dict(doc, superseded_at=datetime.utcnow(), current=False)
        rev = dict(doc, id=f"new{i}:2", version=2, body=f"Revidert {token}x.")
        t = time.perf_counter()
        write_batch(ix, [old, rev], [], {"position": f"r{i}"})
        assert search(ix, SearchParams(q=f"{token}x")).total == 1
        rev_lat.append(time.perf_counter() - t)
    print(f"freshness  new record p50 {statistics.median(new_lat) * 1000:6.1f} ms"
          f" | revision p50 {statistics.median(rev_lat) * 1000:6.1f} ms (target p50 <= 25 ms)")
    raw_searcher.close()
    db.close()
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
