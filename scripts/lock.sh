#!/usr/bin/env bash
# Regenerate requirements.lock from pyproject.toml's pins in a scratch environment.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet "pip==26.3"
"$tmp/venv/bin/pip" install --quiet --no-deps -r requirements-nodeps.txt
"$tmp/venv/bin/pip" install --quiet ".[build,baselines,dev]"
{
  echo "# Full pinned environment, installed by scripts/setup.sh. Regenerate with: make lock"
  "$tmp/venv/bin/pip" freeze | grep -v -i -E '^(face-recognition==|egate)'
  grep -o 'setuptools==[0-9.]*' pyproject.toml
} > requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) pins"
