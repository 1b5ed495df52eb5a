"""HTTP benchmark (not a test): the app's record page, record JSON and search, next to a bare
FastAPI route that reads one SQLite row, all measured in the same run.

    .venv/bin/python -m bench.http [--requests 2000] [--concurrency 8]

Both servers run as uvicorn subprocesses on 127.0.0.1 over the same sample data; load comes
from httpx in threads with a bounded number of requests. Prints requests/s, p50 and p99, and
each route's throughput as a ratio of the baseline (target for record JSON: >= 0.8).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name shadows the
# standard library's `http` package (httpx needs http.client): take the folder off.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DB_ENV = "PROTOKOLL_BENCH_DB"


def baseline_app():  # type: ignore[no-untyped-def]
    """The baseline: one async route, one SQLite row, JSON out (uvicorn --factory bench.http:baseline_app)."""
    import json

    from fastapi import FastAPI, Response

    app = FastAPI()
    conn = sqlite3.connect(os.environ[DB_ENV], check_same_thread=False)

    @app.get("/row/{ref:path}")
    async def row(ref: str) -> Response:
        found = conn.execute("SELECT * FROM rm_records WHERE id = ? OR reference = ?", (ref, ref)).fetchone()
        return Response(json.dumps(found, default=str), media_type="application/json")

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([*args, "--port", str(port)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    with httpx.Client(transport=httpx.HTTPTransport(retries=3)) as client:
        while time.monotonic() < deadline:
            try:
                client.get(base + "/openapi.json")
                return process, base
            except httpx.TransportError:
                continue
    process.kill()
    raise RuntimeError(f"{args} did not start")


def measure(url: str, requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    with httpx.Client(limits=httpx.Limits(max_connections=concurrency)) as client:
        for _ in range(20):  # warm up
            client.get(url).raise_for_status()

        def one(_i: int) -> float:
            t0 = time.perf_counter()
            client.get(url).raise_for_status()
            return time.perf_counter() - t0

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = list(pool.map(one, range(requests)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": requests / elapsed, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    opts = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="protokoll-bench-"))
    env = {**os.environ, "PYTHONPATH": str(REPO), DB_ENV: str(data_dir / "readmodels.sqlite")}
    cli = [sys.executable, "-m", "archive.cli"]
    subprocess.run([*cli, "sample", "--data-dir", str(data_dir)], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    ref = sqlite3.connect(data_dir / "readmodels.sqlite").execute(
        "SELECT reference FROM rm_records WHERE kind = 'agreement' AND restricted = 0 LIMIT 1").fetchone()[0]
    app, app_url = start([*cli, "serve", "--data-dir", str(data_dir), "--log-level", "warning"], env)
    base, base_url = start([sys.executable, "-m", "uvicorn", "--factory", "bench.http:baseline_app",
                            "--log-level", "warning"], env)
    try:
        results = {
            "baseline (1 SQLite row)": measure(f"{base_url}/row/{ref}", opts.requests, opts.concurrency),
            "record JSON": measure(f"{app_url}/api/records/{ref}", opts.requests, opts.concurrency),
            "record page": measure(f"{app_url}/r/{ref}", opts.requests, opts.concurrency),
            "search": measure(f"{app_url}/api/search?q=avtale", min(opts.requests, 500), opts.concurrency),
        }
    finally:
        for process in (app, base):
            process.terminate()
            process.wait(timeout=20)
    baseline = results["baseline (1 SQLite row)"]["rps"]
    print(f"{'route':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'× baseline':>11}")
    for name, r in results.items():
        print(f"{name:26} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['rps'] / baseline:11.2f}")


if __name__ == "__main__":
    main()
