"""Shared fixtures: where the shared seed/corpus lives, and how absence is handled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip a test for a missing tool or file, except under CI=true, where it fails."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder (seed, corpus-dev, schemas), never copied into the repo."""
    path = Path(os.environ.get("PROTOKOLL_SHARED_DIR", REPO.parent / "shared"))
    if not (path / "seed").is_dir():
        skip_or_fail(f"shared folder with seed/ not found at {path} (set PROTOKOLL_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def seed_text(shared_dir: Path) -> str:
    files = sorted((shared_dir / "seed").glob("*.txt"))
    if not files:
        skip_or_fail(f"no seed article in {shared_dir / 'seed'}")
    return files[0].read_text(encoding="utf-8")


# Backends --------------------------------------------------------------------------------

from collections.abc import Iterator  # noqa: E402

from tests.pgcluster import PgCluster  # noqa: E402


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster per test session (fails rather than skips under CI)."""
    try:
        cluster = PgCluster.start()
    except Exception as exc:  # noqa: BLE001 - reported as skip or failure below
        skip_or_fail(f"cannot start a PostgreSQL cluster: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings_factory(backend: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Builds Settings for the parametrised backend: a SQLite data dir or a fresh PG database."""
    from archive.config import Settings

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {"data_dir": tmp_path / "data", **overrides}
        if backend == "postgres":
            cluster = request.getfixturevalue("pg_cluster")
            values.setdefault("database_url", cluster.create_database())
        return Settings(**values)  # type: ignore[arg-type]

    return make
