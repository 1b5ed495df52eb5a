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
