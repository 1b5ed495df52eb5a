#!/usr/bin/env bash
# Create .venv (if missing) and install Protokoll with its test, dev (ruff, mypy, stubs) and bench (wordfreq) dependencies, pinned in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,dev,bench]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
