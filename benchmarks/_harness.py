"""Shared utilities for xgrad's benchmarks: interleaved timing, peak memory, tables, JSON.

Methodology (the same for every benchmark):

* **Interleaving.** The contenders run in turn (A, B, C, A, B, C, ...), so slow drifts of a
  shared, noisy machine (other jobs, frequency scaling, thermal state) hit all of them alike.
* **Per-call samples.** Every call is timed on its own with :func:`time.perf_counter`; its
  setup (a fresh input tensor, since ``backward()`` consumes the graph) runs outside the timer.
  We report the **median** (the typical cost) and the **min** (the least disturbed run) of
  the samples, and compute ratios from the medians (min-based ratios are shown alongside).
* **Warm-up** calls run first and are discarded.
* **Garbage collector.** ``gc.collect()`` runs before each measured block and the collector is
  disabled during the block (restored afterwards), so no collection lands in a timed call.
* **Peak memory** of one call: :mod:`tracemalloc` is started after the inputs exist, one call
  runs, and the traced peak (minus the traced size at start) is the answer. NumPy reports its
  data buffers to tracemalloc, so this counts array data as well as Python objects.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Prepare",
    "Timing",
    "case_result",
    "cli",
    "run_selected",
    "format_results",
    "interleaved",
    "machine_info",
    "markdown_table",
    "peak_memory",
    "ratio",
    "write_json",
]

#: A contender: called outside the timer, it returns the zero-argument callable to time
#: (so the setup of one repetition, such as creating a fresh input tensor, is not timed).
Prepare = Callable[[], Callable[[], object]]


@dataclass
class Timing:
    """The per-call times (seconds) of one contender, divided by ``per_call`` if given."""

    name: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median per-call time in seconds."""
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        """The smallest per-call time in seconds."""
        return min(self.samples)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary: median, min, number of samples and the samples themselves."""
        return {
            "median_s": self.median,
            "min_s": self.min,
            "n_samples": len(self.samples),
            "samples_s": self.samples,
        }


def interleaved(
    contenders: Mapping[str, Prepare],
    *,
    rounds: int,
    warmup: int = 2,
    per_call: int = 1,
    block: int = 1,
    max_seconds: float | None = None,
    min_rounds: int = 5,
) -> dict[str, Timing]:
    """Time ``contenders`` interleaved: one call of each per round.

    The order rotates from round to round, so no contender is always the one that runs
    first after a garbage collection (with cold caches) or right after a particular rival.

    Parameters
    ----------
    contenders
        name -> prepare function; ``prepare()`` runs untimed and returns the callable to time.
    rounds
        Number of measured rounds (samples per contender).
    warmup
        Unmeasured rounds run first.
    per_call
        Each sample is divided by this (e.g. the number of steps a call runs), so the reported
        times are per step.
    block
        Rounds per measured block: ``gc.collect()`` runs before each block and the collector
        stays disabled during it. Use more than 1 for very short calls, where a collection
        before every round would dominate the run time.
    max_seconds
        Stop early (after at least ``min_rounds`` rounds) once this much wall time is spent.

    Returns
    -------
    dict
        name -> :class:`Timing` with one sample per measured round.
    """
    names = list(contenders)
    timings = {name: Timing(name) for name in names}
    perf = time.perf_counter
    for _ in range(warmup):
        for name in names:
            contenders[name]()()
    start = perf()
    done = 0
    gc_was_enabled = gc.isenabled()
    try:
        while done < rounds:
            gc.collect()
            gc.disable()
            try:
                for _ in range(min(block, rounds - done)):
                    k = done % len(names)
                    for name in names[k:] + names[:k]:
                        fn = contenders[name]()
                        t0 = perf()
                        out = fn()
                        t1 = perf()
                        del out  # freeing the result is not part of the timed call
                        timings[name].samples.append((t1 - t0) / per_call)
                    done += 1
            finally:
                if gc_was_enabled:
                    gc.enable()
            if max_seconds is not None and done >= min_rounds and perf() - start > max_seconds:
                break
    finally:
        if gc_was_enabled:
            gc.enable()
    return timings


def peak_memory(prepare: Prepare, *, warmup: bool = True) -> int:
    """Peak bytes allocated during one call of ``prepare()()``, measured with tracemalloc.

    The inputs are created (by ``prepare()``) before tracing starts; the result of the call is
    kept alive until the peak has been read, so it is counted (a gradient is part of the answer).
    """
    if warmup:
        prepare()()
    fn = prepare()
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if gc_was_enabled:
            gc.enable()
    del out
    return peak - base


def ratio(a: float, b: float) -> float:
    """``a / b``, or ``nan`` when ``b`` is zero."""
    return a / b if b else float("nan")


def case_result(
    case: str,
    timings: dict[str, Timing],
    memory: dict[str, int] | None = None,
    targets: Sequence[tuple[str, str, str, float]] = (),
) -> dict[str, Any]:
    """One table case: timings, optional peak memory, and targets.

    ``targets`` holds ``(kind, a, b, limit)`` with kind ``"time"`` (median ratio a/b) or
    ``"memory"`` (peak ratio a/b); a target is met when the ratio is at most ``limit``.
    """
    out: dict[str, Any] = {
        "case": case,
        "time": {name: t.as_dict() for name, t in timings.items()},
        "memory_bytes": memory,
        "targets": [],
    }
    for kind, a, b, limit in targets:
        if kind == "time":
            value = ratio(timings[a].median, timings[b].median)
            what = f"time {a}/{b} (median)"
        else:
            assert memory is not None
            value = ratio(memory[a], memory[b])
            what = f"peak memory {a}/{b}"
        out["targets"].append(
            {"case": case, "what": what, "limit": limit, "value": value, "met": value <= limit}
        )
    return out


# -- machine information ----------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas_info() -> str:
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # BLAS info is a nicety; never fail a benchmark over it
        return "unknown"


def _version(module: str) -> str:
    try:
        mod = __import__(module)
        return str(getattr(mod, "__version__", "?"))
    except ImportError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    """CPU model and count, Python, NumPy (and its BLAS), xgrad and MyGrad versions."""
    return {
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "blas": _blas_info(),
        "xgrad": _version("xgrad"),
        "mygrad": _version("mygrad"),
        "platform": platform.platform(),
    }


def machine_line(info: Mapping[str, Any] | None = None) -> str:
    """One line describing the machine, for the top of a report."""
    i = dict(info or machine_info())
    return (
        f"Machine: {i['cpu']} ({i['cpu_count']} CPUs), Python {i['python']}, "
        f"NumPy {i['numpy']} (BLAS: {i['blas']}), xgrad {i['xgrad']}, MyGrad {i['mygrad']}"
    )


# -- tables ---------------------------------------------------------------------------------------
def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured markdown table; the first column left-aligned, the rest right."""
    cols = len(headers)
    widths = [max(len(str(r[c])) for r in [headers, *rows]) for c in range(cols)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for c, cell in enumerate(cells):
            text = str(cell)
            out.append(text.ljust(widths[c]) if c == 0 else text.rjust(widths[c]))
        return "| " + " | ".join(out) + " |"

    sep = (
        "| "
        + " | ".join(("-" * (w - 1) + ":") if c else "-" * w for c, w in enumerate(widths))
        + " |"
    )
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9}


def _pick_unit(seconds: float) -> str:
    for unit in ("s", "ms", "µs"):
        if seconds >= _TIME_UNITS[unit]:
            return unit
    return "ns"


def _fmt(x: float) -> str:
    if x != x:  # nan
        return "n/a"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _fmt_mem(nbytes: int) -> str:
    mb = nbytes / 1e6
    if mb >= 10:
        return f"{mb:.0f}"
    if mb >= 0.1:
        return f"{mb:.1f}"
    return f"{mb:.3f}"


def _fmt_target(x: float) -> str:
    """A target's value: two decimals, or two significant digits below 0.01 (a relative
    error of 1e-13 must not read 0.00)."""
    return f"{x:.2f}" if x == 0 or abs(x) >= 0.01 or x != x else f"{x:.1e}"


def format_result(result: Mapping[str, Any]) -> str:
    """Markdown for one benchmark result (see ``bench_cpu.py`` for the dict's layout).

    Times are shown as ``median (min)``; ratios as ``median-based (min-based)``.
    """
    names: list[str] = result["contenders"]
    pairs: list[list[str]] = result["ratios"]
    headers = ["case", "metric", *names, *(f"{a}/{b}" for a, b in pairs)]
    rows = []
    for case in result["cases"]:
        t = case["time"]
        unit = result.get("time_unit") or _pick_unit(t[names[0]]["median_s"])
        scale = _TIME_UNITS[unit]
        cells = [f"{_fmt(t[n]['median_s'] / scale)} ({_fmt(t[n]['min_s'] / scale)})" for n in names]
        rcells = [
            f"{_fmt(ratio(t[a]['median_s'], t[b]['median_s']))} "
            f"({_fmt(ratio(t[a]['min_s'], t[b]['min_s']))})"
            for a, b in pairs
        ]
        per = result.get("time_per", "call")
        rows.append([case["case"], f"time/{per} [{unit}] median (min)", *cells, *rcells])
        mem = case.get("memory_bytes")
        if mem:
            rows.append(
                [
                    case["case"],
                    "peak memory [MB]",
                    *(_fmt_mem(mem[n]) for n in names),
                    *(_fmt(ratio(mem[a], mem[b])) for a, b in pairs),
                ]
            )
    out = [f"### {result['title']}", ""]
    if result.get("description"):
        out += [result["description"], ""]
    out.append(markdown_table(headers, rows))
    targets = [tgt for case in result["cases"] for tgt in case.get("targets", [])]
    if targets:
        out.append("")
        for tgt in targets:
            status = "MET" if tgt["met"] else "NOT MET"
            out.append(
                f"- Target ({tgt['case']}): {tgt['what']} <= {tgt['limit']:g}: "
                f"{_fmt_target(tgt['value'])} -> **{status}**"
            )
    for note in result.get("notes", []):
        out.append(f"- Note: {note}")
    return "\n".join(out)


def format_results(results: Sequence[Mapping[str, Any]], info: Mapping[str, Any] | None) -> str:
    """The machine line followed by one markdown section per result."""
    parts = [machine_line(info), ""]
    for r in results:
        parts += [format_result(r), ""]
    return "\n".join(parts)


def write_json(path: str | os.PathLike[str], results: Sequence[Mapping[str, Any]]) -> None:
    """Write ``{"machine": ..., "argv": ..., "results": [...]}`` to ``path`` as JSON."""
    payload = {"machine": machine_info(), "argv": sys.argv, "results": list(results)}
    Path(path).write_text(json.dumps(payload, indent=1, allow_nan=True) + "\n", encoding="utf-8")


# -- running a benchmark module --------------------------------------------------------------------
def run_selected(
    module: str,
    benchmarks: Mapping[str, Callable[[bool], dict[str, Any]]],
    quick: bool,
    only: Sequence[str] | None,
) -> list[dict[str, Any]]:
    """Run the named benchmarks of a module (all when ``only`` is empty), logging to stderr."""
    results = []
    for name, bench in benchmarks.items():
        if only and name not in only:
            continue
        print(f"{module}: {name}{' (quick)' if quick else ''}", file=sys.stderr, flush=True)
        results.append(bench(quick))
    return results


def cli(
    description: str,
    benchmarks: Mapping[str, Any],
    main: Callable[[bool, Sequence[str] | None], list[dict[str, Any]]],
) -> None:
    """The command line every benchmark module shares: ``[--quick] [--json PATH] [--only]``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller n")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--only", nargs="+", choices=sorted(benchmarks), help="run only these")
    args = parser.parse_args()
    results = main(args.quick, args.only)
    print(format_results(results, machine_info()))
    if args.json:
        write_json(args.json, results)
