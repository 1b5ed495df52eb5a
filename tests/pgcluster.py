"""A throwaway PostgreSQL cluster for tests, started from the machine's own binaries.

`initdb` refuses to run as root, so as root the cluster runs as the `postgres` user on a
directory that user owns; unprivileged, it runs as the current user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def find_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgCluster:
    bin_dir: Path
    base: Path
    port: int
    run_as: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, capture_output=True, timeout=120)

    @classmethod
    def start(cls) -> PgCluster:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL binaries (initdb) found under /usr/lib/postgresql/*/bin")
        base = Path(tempfile.mkdtemp(prefix="protokoll-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
            os.chmod(base, 0o700)
            run_as = ["runuser", "-u", "postgres", "--"]
        cluster = cls(bin_dir, base, _free_port(), run_as)
        cluster._run(
            str(bin_dir / "initdb"), "-D", str(cluster.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        options = f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        cluster._run(
            str(bin_dir / "pg_ctl"), "-D", str(cluster.data), "-o", options, "-w", "-l", str(base / "log"), "start"
        )
        return cluster

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
