"""Run one benchmark several times, each in a fresh process, and summarise its target ratios.

On a shared machine a single run's ratio moves by a few percent with the load of the
neighbours; a target that sits close to its limit needs the spread, not one number.

Usage::

    python benchmarks/repeat.py bench_nn mlp_step --runs 10
    python benchmarks/repeat.py bench_cpu pathological --runs 5 --quick

Prints one line per run and, per target, the median of the runs' ratios, their range and how
many runs met the target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import run_module


def run_once(module: str, benchmark: str, quick: bool) -> list[dict]:
    """The targets of one run of ``module --only benchmark`` in a fresh interpreter."""
    results = run_module(module, quick, only=(benchmark,), quiet=True)
    return [t for r in results for case in r["cases"] for t in case["targets"]]


def repeat_main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="benchmark module, e.g. bench_nn")
    parser.add_argument("benchmark", help="benchmark name within it, e.g. mlp_step")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seen: dict[tuple[str, str, float], list[float]] = {}
    for i in range(args.runs):
        targets = run_once(args.module, args.benchmark, args.quick)
        if not targets:
            sys.exit(f"{args.module} {args.benchmark}: this benchmark has no targets to repeat")
        line = []
        for t in targets:
            key = (t["case"], t["what"], t["limit"])
            seen.setdefault(key, []).append(t["value"])
            line.append(f"{t['case']}: {t['what']} = {t['value']:.3f}")
        print(f"run {i + 1}/{args.runs}: " + "; ".join(line), flush=True)
    print()
    for (case, what, limit), values in seen.items():
        met = sum(v <= limit for v in values)
        print(
            f"{case}: {what} <= {limit}: median {statistics.median(values):.3f}, "
            f"range {min(values):.3f}-{max(values):.3f}, met in {met} of {len(values)} runs"
        )


if __name__ == "__main__":
    repeat_main()
