#!/usr/bin/env bash
# The README's test command: a fresh virtual environment, xgrad with its test extra, the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]" && .venv/bin/python -m pytest -n auto
