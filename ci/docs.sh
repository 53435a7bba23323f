#!/usr/bin/env bash
# The README's documentation command: a fresh virtual environment, xgrad with its docs extra,
# the site built with warnings as errors (-W, --keep-going to report them all) and nitpicky
# cross-references (-n). The site is docs/_build/html/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv && .venv/bin/pip install -q -e ".[docs]" \
  && .venv/bin/python -m sphinx -W --keep-going -n -b html docs docs/_build/html
