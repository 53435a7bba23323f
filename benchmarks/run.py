"""Run every benchmark module in ``benchmarks/`` and print their markdown tables.

A benchmark module is any ``benchmarks/*.py`` (not starting with ``_``, not this file) that
defines ``main(quick: bool) -> list[dict]``; the dicts are the results that
``_harness.format_results`` turns into tables.

Usage::

    python benchmarks/run.py              # full run (a few minutes)
    python benchmarks/run.py --quick      # well under a minute: fewer repeats, smaller n
    python benchmarks/run.py --json results.json
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import format_results, machine_info, write_json


def discover() -> list[str]:
    """Names of the benchmark modules: ``benchmarks/*.py`` that define ``main``."""
    names = []
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_") or path.stem == "run":
            continue
        module = importlib.import_module(path.stem)
        if callable(getattr(module, "main", None)):
            names.append(path.stem)
    return names


def run_all(quick: bool, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run each discovered module's ``main(quick)`` and return all results in order."""
    results: list[dict[str, Any]] = []
    for name in discover():
        if only and name not in only:
            continue
        main = importlib.import_module(name).main
        if "quick" not in inspect.signature(main).parameters:
            raise TypeError(f"benchmarks/{name}.py: main() must accept `quick`")
        t0 = time.perf_counter()
        module_results = main(quick=quick)
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
