#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest (offscreen Qt, data from KIOSK_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
export KIOSK_DATA="${KIOSK_DATA:-$(cd .. && pwd)/shared/data}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export KIOSK_REQUIRE_DATA=1   # under make test, missing data is a failure, never a skip
echo "[test] ruff"; .venv/bin/ruff check .
echo "[test] mypy"; .venv/bin/mypy
echo "[test] pytest"; .venv/bin/python -m pytest "$@"
