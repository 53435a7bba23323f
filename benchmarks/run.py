"""Run every benchmark module in ``benchmarks/`` and print their markdown tables.

A benchmark module is any ``benchmarks/*.py`` (not starting with ``_``, not this file) that
defines ``main(quick: bool) -> list[dict]``; the dicts are the results that
``_harness.format_results`` turns into tables.

Each module runs in a fresh Python process (its own command line, ``--json`` to a temporary
file), as if run alone: what one module imports and leaves on the heap (PyTorch, large
graphs, thousands of raw samples) does not slow down the next one's contenders unevenly.

Usage::

    python benchmarks/run.py              # full run (a few minutes)
    python benchmarks/run.py --quick      # well under a minute: fewer repeats, smaller n
    python benchmarks/run.py --json results.json
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import format_results, machine_info, write_json

_MAIN = re.compile(r"^def main\(quick: bool", re.MULTILINE)


def discover() -> list[str]:
    """Names of the benchmark modules: ``benchmarks/*.py`` that define ``main(quick, ...)``
    (found in the source: importing them here would load their dependencies for nothing)."""
    names = []
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_") or path.stem == "run":
            continue
        if _MAIN.search(path.read_text(encoding="utf-8")):
            names.append(path.stem)
    return names


def run_module(
    name: str, quick: bool, only: Sequence[str] = (), quiet: bool = False
) -> list[dict[str, Any]]:
    """Run one module (its benchmarks ``only``, default all) in a fresh interpreter and return
    its results. Progress goes to stderr, or nowhere if ``quiet`` (then shown on failure)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        cmd = [sys.executable, str(HERE / f"{name}.py"), "--json", str(out)]
        if only:
            cmd += ["--only", *only]
        if quick:
            cmd.append("--quick")
        err = subprocess.PIPE if quiet else None
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(cmd[1:])} failed" + (f":\n{done.stderr}" if quiet else ""))
        return json.loads(out.read_text(encoding="utf-8"))["results"]


def run_all(quick: bool, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run each discovered module, each in its own process, and return all results in order."""
    results: list[dict[str, Any]] = []
    for name in discover():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        module_results = run_module(name, quick)
        print(f"{name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        for r in module_results:
            r.setdefault("module", name)
        results.extend(module_results)
    return results


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run all xgrad benchmarks.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller n")
    parser.add_argument("--json", metavar="PATH", help="also write all results as JSON")
    parser.add_argument("--only", nargs="+", metavar="MODULE", help="run only these modules")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse(None)
    all_results = run_all(args.quick, args.only)
    print(format_results(all_results, machine_info()))
    if args.json:
        write_json(args.json, all_results)
