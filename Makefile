# The two commands of the README. Both run the idempotent setup first.
.PHONY: setup demo test lint lock clean-models

setup:
	@scripts/setup.sh

demo: setup
	@.venv/bin/kiosk demo

test: setup
	@scripts/test.sh

lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/mypy

# Rebuild requirements.lock from the direct pins in pyproject.toml (needs the network).
lock:
	@scripts/lock.sh

clean-models:
	@.venv/bin/kiosk models clean
