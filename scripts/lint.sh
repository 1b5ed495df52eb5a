#!/usr/bin/env bash
# The gates .ci/run applies before the tests; any finding fails. Both are configured in pyproject.toml
# (ruff: E,F,B,UP,SIM,I at 120 columns; mypy: strict, untyped libraries listed there) and pinned in its dev extra.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check archive search api tests bench
.venv/bin/mypy --strict archive search api
