"""Dask benchmarks: xgrad on the ``dask`` backend against a hand-written dask.array gradient.

Each contender builds the lazy graphs of a forward pass and its gradient and computes the
value and the gradient together, in one ``dask.compute`` call (``xgrad.compute`` does that
for xgrad); the timed call includes building the graphs. The hand-written contender writes
the forward and the analytic derivative with ``dask.array`` functions, reusing intermediates,
as a competent person would. Values and gradients are checked against each other once.

* ``threaded``: the MyGrad tutorial's pathological function (``x = arange(1, n + 1)``) and
  ``sum(sin(x) * exp(-x / 3))`` (``x = linspace(0, 10, n)``) at n = 10^8 in chunks of 10^7,
  on dask's threaded scheduler.
* ``cluster``: the same on a ``distributed.LocalCluster`` of two worker processes (one thread
  each), started and closed inside the benchmark.
* ``big`` / ``big_cluster`` (only when named with ``--only``; ``--quick`` shrinks them): the
  issue's 3e9-element example, ``sum(sin(x) * exp(-x / 3))`` on
  ``linspace(0, 10, 3e9, chunks=5e7)`` (24 GB per array, more than this machine's memory),
  value and gradient norm computed chunk by chunk. Reports the time and the peak memory of
  the whole process tree (RSS of this process and its children, sampled every 50 ms), and
  compares value and norm with a chunked NumPy reference to 1e-9 relative; then the same
  with chunks of 2.5e7 (peak memory follows the chunk size: about six chunks per thread).

Run ``python benchmarks/bench_dask.py [--quick] [--json PATH] [--only NAME ...]``.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import dask
import dask.array as da
import numpy as np
import psutil

import xgrad as mg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Prepare, Timing, case_result, cli, interleaved, run_selected

CONTENDERS = ["xgrad", "dask"]
RATIOS = [["xgrad", "dask"]]
TIME_LIMIT = 1.25  # the target: xgrad within 1.25x of the hand-written dask gradient
MEMORY_LIMIT = 4e9  # the 3e9 example's target: peak memory of the process tree under 4 GB
REL_TOL = 1e-9  # ... and value and gradient norm within 1e-9 of the NumPy reference


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- the functions ---------------------------------------------------------------------------
def xgrad_pathological(x: mg.Tensor) -> mg.Tensor:
    """The tutorial's user code (NumPy ufuncs on tensors): forward and backward (lazy)."""
    fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
    fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    fx.backward()
    return fx


def dask_pathological(x: da.Array) -> tuple[da.Array, da.Array]:
    """f = A S with A = exp(arctan(u)), u = 82 x^3 + log x, S = sqrt(v),
    v = 25 x^(1/22930) + 39 exp(2/x) - sin x; df/dx = A (S u' / (1 + u^2) + v' / (2 S)),
    u' = 246 x^2 + 1/x, v' = (25/22930) x^(1/22930) / x - 78 exp(2/x) / x^2 - cos x."""
    inv = 1 / x
    x2 = x * x
    u = 82 * x2 * x + da.log(x)
    a = da.exp(da.arctan(u))
    p = x ** (1 / 22930)
    e2 = da.exp(2 * inv)
    s = da.sqrt(25 * p + 39 * e2 - da.sin(x))
    f = a * s
    du = 246 * x2 + inv
    dv = (25 / 22930) * p * inv - 78 * e2 * inv * inv - da.cos(x)
    df = a * (s * du / (1 + u * u) + dv / (2 * s))
    return f, df


def xgrad_sum_sin_exp(x: mg.Tensor) -> mg.Tensor:
    """The issue's user code: f = sum(sin(x) exp(-x/3)) and its backward (lazy)."""
    f = mg.sum(mg.sin(x) * mg.exp(-x / 3))
    f.backward()
    return f


def dask_sum_sin_exp(x: da.Array) -> tuple[da.Array, da.Array]:
    """By hand: f = sum(s e), df/dx = e (cos x - s / 3), s = sin x, e = exp(-x/3)."""
    s = da.sin(x)
    e = da.exp(-x / 3)
    return da.sum(s * e), e * (da.cos(x) - s / 3)


FUNCTIONS = {
    "pathological": (xgrad_pathological, dask_pathological),
    "sum_sin_exp": (xgrad_sum_sin_exp, dask_sum_sin_exp),
}


def _inputs(name: str, n: int, chunk: int) -> da.Array:
    if name == "pathological":
        return da.arange(1.0, n + 1.0, chunks=chunk)
    return da.linspace(0.0, 10.0, n, chunks=chunk)


def _prepare(name: str, n: int, chunk: int) -> dict[str, Prepare]:
    """The contenders. Untimed: a fresh input (a tensor for xgrad: backward() consumes its
    graph). Timed: building the graphs, and computing value and gradient in one pass."""
    xfn, dfn = FUNCTIONS[name]

    def xgrad_call() -> Callable[[], object]:
        x = mg.tensor(_inputs(name, n, chunk))

        def call() -> object:
            f = xfn(x)
            return mg.compute(f, x.grad)

        return call

    def dask_call() -> Callable[[], object]:
        x = _inputs(name, n, chunk)
        return lambda: dask.compute(*dfn(x))

    return {"xgrad": xgrad_call, "dask": dask_call}


def _graphs(name: str, which: str, n: int, chunk: int) -> list[da.Array]:
    """The dask arrays a contender computes: value and gradient."""
    xfn, dfn = FUNCTIONS[name]
    if which == "dask":
        return list(dfn(_inputs(name, n, chunk)))
    x = mg.tensor(_inputs(name, n, chunk))
    return [xfn(x).data, x.grad]


def _task_counts(name: str, n: int, chunk: int) -> str:
    """Tasks of both contenders' graphs for value + gradient, before and after dask's
    optimisation (fusion), as ``dask.compute`` builds them."""
    from dask.base import collections_to_expr

    parts = []
    for which in CONTENDERS:
        arrs = _graphs(name, which, n, chunk)
        raw = len(collections_to_expr(arrs, optimize_graph=False).__dask_graph__())
        opt = len(collections_to_expr(arrs, optimize_graph=True).__dask_graph__())
        parts.append(f"{which} {raw} tasks ({opt} after dask's optimisation)")
    return "; ".join(parts)


def _sci(n: int) -> str:
    """``100000000`` -> ``1e8``."""
    e = int(math.log10(n))
    m = n / 10**e
    return f"{m:g}e{e}"


def _values(out: tuple) -> list[np.ndarray]:
    return [np.asarray(v.numpy() if isinstance(v, mg.Tensor) else v) for v in out]


def _check(contenders: dict[str, Prepare]) -> dict[str, float]:
    """One call of each contender (the warm-up round), whose values and gradients must agree;
    returns the time of each call."""
    times, outs = {}, {}
    for name, prep in contenders.items():
        fn = prep()
        t0 = time.perf_counter()
        outs[name] = _values(fn())
        times[name] = time.perf_counter() - t0
    for got, want, what in zip(outs["xgrad"], outs["dask"], ("value", "gradient"), strict=True):
        # an absolute floor where the gradient cancels to ~1e-8 (cos x - sin(x) / 3 at its
        # zeros): the two formulas round differently there
        atol = 1e-12 * float(np.max(np.abs(want)))
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=atol, err_msg=what)
    return times


def _bench_1e8(quick: bool, scheduler: str) -> dict[str, Any]:
    n, chunk, rounds = (1_000_000, 100_000, 3) if quick else (100_000_000, 10_000_000, 5)
    cases, notes = [], []
    for name in FUNCTIONS:
        _log(f"  {name} n={n:,} ({scheduler})")
        contenders = _prepare(name, n, chunk)
        _check(contenders)  # the warm-up round
        timings = interleaved(contenders, rounds=rounds, warmup=0)
        cases.append(
            case_result(
                f"{name} n={_sci(n)}", timings, targets=[("time", "xgrad", "dask", TIME_LIMIT)]
            )
        )
        notes.append(f"{name}: {_task_counts(name, n, chunk)}")
    return {
        "cases": cases,
        "contenders": CONTENDERS,
        "ratios": RATIOS,
        "time_unit": "s",
        "description": (
            f"Build the graphs of the forward pass and the gradient, and compute the value and "
            f"the gradient in one `dask.compute` (xgrad: `mg.compute(f, x.grad)`); n = {n:,} "
            f"float64 in chunks of {chunk:,}. `pathological`: the MyGrad tutorial's function "
            "on `arange(1, n + 1)` (value and gradient are n-arrays); `sum_sin_exp`: "
            "`sum(sin(x) * exp(-x / 3))` on `linspace(0, 10, n)`. One warm-up round (its "
            "results checked against each other: rtol 1e-10, atol 1e-12 of the largest), "
            f"then {rounds} interleaved rounds."
        ),
        "notes": notes,
    }


def bench_threaded(quick: bool) -> dict[str, Any]:
    """n = 1e8 on dask's threaded scheduler (one thread per core)."""
    with dask.config.set(scheduler="threads"):
        out = _bench_1e8(quick, "threads")
    out["benchmark"] = "threaded"
    out["title"] = "xgrad on dask vs a hand-written dask gradient: threaded scheduler"
    return out


@contextmanager
def local_cluster() -> Iterator[Any]:
    """A LocalCluster of two worker processes, one thread each, as the default scheduler."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def bench_cluster(quick: bool) -> dict[str, Any]:
    """n = 1e8 on a distributed.LocalCluster (two worker processes)."""
    with local_cluster():
        out = _bench_1e8(quick, "LocalCluster")
    out["benchmark"] = "cluster"
    out["title"] = (
        "xgrad on dask vs a hand-written dask gradient: LocalCluster (2 worker processes)"
    )
    n = 1_000_000 if quick else 100_000_000
    out["notes"].append(
        f"the value and gradient arrays (pathological: 2 x {n * 8 / 1e6:,.0f} MB) travel from "
        "the workers to this process in every call, for both contenders alike"
    )
    return out


# -- the 3e9-element example --------------------------------------------------------------------
def _tree_rss() -> int:
    """RSS of this process and all its descendants (LocalCluster's nannies and workers)."""
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with suppress(psutil.Error):  # a worker that just exited
            total += child.memory_info().rss
    return total


@contextmanager
def peak_tree_memory(interval: float = 0.05) -> Iterator[dict[str, int]]:
    """Sample :func:`_tree_rss` every ``interval`` seconds in a thread; ``out["peak"]`` is the
    largest sum seen (``out["start"]`` the first)."""
    out = {"start": _tree_rss(), "peak": 0}
    out["peak"] = out["start"]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            out["peak"] = max(out["peak"], _tree_rss())
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        stop.set()
        thread.join()
        out["peak"] = max(out["peak"], _tree_rss())


def big_xgrad(n: int, chunk: int) -> tuple[float, float]:
    """The issue's example, as written there."""
    x = mg.tensor(da.linspace(0, 10, n, chunks=chunk))
    f = mg.sum(mg.sin(x) * mg.exp(-x / 3))
    f.backward()
    value, gnorm = mg.compute(f, mg.linalg.norm(x.grad))
    return float(value.item()), float(gnorm.item())


def big_dask(n: int, chunk: int) -> tuple[float, float]:
    """The same by hand with dask.array."""
    x = da.linspace(0, 10, n, chunks=chunk)
    s = da.sin(x)
    e = da.exp(-x / 3)
    value, gnorm = dask.compute(da.sum(s * e), da.linalg.norm(e * (da.cos(x) - s / 3)))
    return float(value), float(gnorm)


def big_reference(n: int, chunk: int, threads: int = 2) -> tuple[float, float]:
    """Chunked NumPy in float64: the same chunks of linspace(0, 10, n), each chunk's sum and
    sum of squared gradients by NumPy's pairwise summation, the chunk totals by ``math.fsum``."""
    step = 10.0 / (n - 1)

    def piece(lo: int) -> tuple[float, float]:
        hi = min(lo + chunk, n)
        x = np.linspace(lo * step, (hi - 1) * step, hi - lo)
        s = np.sin(x)
        e = np.exp(-x / 3)
        value = float(np.sum(s * e))
        g = e * (np.cos(x) - s / 3)
        return value, float(np.sum(g * g))

    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(piece, range(0, n, chunk)))
    return math.fsum(v for v, _ in parts), math.sqrt(math.fsum(q for _, q in parts))


def _big_case(n: int, chunk: int, where: str) -> tuple[dict[str, Any], dict[str, list]]:
    """One call of each contender at ``n``, ``chunk``: time, peak memory of the process tree,
    and the targets (peak memory; value and gradient norm against the NumPy reference)."""
    runs: dict[str, Callable[[int, int], tuple[float, float]]] = {
        "xgrad": big_xgrad,
        "dask": big_dask,
        "NumPy ref": big_reference,
    }
    timings, memory, results = {}, {}, {}
    for name, fn in runs.items():
        _log(f"  big n={_sci(n)} chunks={_sci(chunk)} {name} ({where})")
        with peak_tree_memory() as mem:
            t0 = time.perf_counter()
            results[name] = fn(n, chunk)
            elapsed = time.perf_counter() - t0
        timings[name] = Timing(name, [elapsed])
        memory[name] = mem["peak"]
        peak, start = mem["peak"] / 1e9, mem["start"] / 1e9
        value, gnorm = results[name]
        _log(
            f"    {elapsed:.1f} s, peak {peak:.2f} GB (at start {start:.2f}), {value!r}, {gnorm!r}"
        )
    ref_value, ref_norm = results["NumPy ref"]
    case = f"n={_sci(n)}, chunks={_sci(chunk)}"
    out = case_result(case, timings, memory)
    targets = out["targets"]
    for name in ("xgrad", "dask"):
        value, gnorm = results[name]
        for what, got, want in (("value", value, ref_value), ("gradient norm", gnorm, ref_norm)):
            rel = abs(got - want) / abs(want)
            targets.append(
                {
                    "case": case,
                    "what": f"{name}: relative error of the {what} vs NumPy",
                    "limit": REL_TOL,
                    "value": rel,
                    "met": rel <= REL_TOL,
                }
            )
        targets.append(
            {
                "case": case,
                "what": f"{name}: peak memory of the process tree [GB]",
                "limit": MEMORY_LIMIT / 1e9,
                "value": memory[name] / 1e9,
                "met": memory[name] <= MEMORY_LIMIT,
            }
        )
    return out, {k: list(v) for k, v in results.items()}


def _bench_big(quick: bool, where: str) -> dict[str, Any]:
    """The issue's chunks (5e7: 400 MB each), then chunks half as large."""
    n, chunks = (
        (30_000_000, (500_000, 250_000)) if quick else (3_000_000_000, (50_000_000, 25_000_000))
    )
    cases, results = [], {}
    for chunk in chunks:
        case, res = _big_case(n, chunk, where)
        cases.append(case)
        results[case["case"]] = res
    return {
        "contenders": ["xgrad", "dask", "NumPy ref"],
        "ratios": RATIOS,
        "time_unit": "s",
        "cases": cases,
        "description": (
            f"`x = mg.tensor(da.linspace(0, 10, {n:_}, chunks={chunks[0]:_})); "
            "f = mg.sum(mg.sin(x) * mg.exp(-x / 3)); f.backward(); "
            "value, gnorm = mg.compute(f, mg.linalg.norm(x.grad))` "
            f"(one array is {n * 8 / 1e9:.1f} GB), and the same with chunks of {chunks[1]:_}; "
            "dask: the same by hand (`e * (cos(x) - sin(x) / 3)`, `da.linalg.norm`); NumPy "
            "ref: a loop over the same chunks (two threads), pairwise sums per chunk and "
            "`math.fsum` over chunks. One call each, in this order; peak memory is the RSS of "
            "the whole process tree (this process and its workers), sampled every 50 ms."
        ),
        "results": results,
    }


def bench_big(quick: bool) -> dict[str, Any]:
    """The 3e9-element example on the threaded scheduler."""
    with dask.config.set(scheduler="threads"):
        out = _bench_big(quick, "threads")
    out["benchmark"] = "big"
    out["title"] = "The 3e9-element example: threaded scheduler"
    return out


def bench_big_cluster(quick: bool) -> dict[str, Any]:
    """The 3e9-element example on a LocalCluster of two worker processes."""
    with local_cluster():
        out = _bench_big(quick, "LocalCluster")
    out["benchmark"] = "big_cluster"
    out["title"] = "The 3e9-element example: LocalCluster (2 worker processes)"
    return out


BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "threaded": bench_threaded,
    "cluster": bench_cluster,
    "big": bench_big,
    "big_cluster": bench_big_cluster,
}
#: what a plain run (and ``--quick``) runs: the 3e9 runs take minutes each, so they run only
#: when named (``--only big``)
DEFAULT = ("threaded", "cluster")


def main(quick: bool = False, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run the dask benchmarks (``threaded`` and ``cluster``, or those named in ``only``)."""
    return run_selected("bench_dask", BENCHMARKS, quick, only or DEFAULT)


if __name__ == "__main__":
    cli(__doc__.splitlines()[0], BENCHMARKS, main)
