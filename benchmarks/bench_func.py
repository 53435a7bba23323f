"""Higher-order benchmarks: Hessians and Hessian-vector products against PyTorch's torch.func.

* ``hessian_rosenbrock``: the full Hessian of the Rosenbrock function of 100 variables,
  ``xgrad.func.hessian`` (forward-over-reverse) and ``jacrev(jacrev(f))`` against
  ``torch.func.hessian`` (which vectorises its inner loop with ``vmap``).
* ``hvp_rosenbrock``: one Hessian-vector product on 1,000,000 variables, ``xgrad.func.hvp``
  against ``torch.func.jvp(torch.func.grad(f), ...)``.
* ``backward_overhead``: the plain ``backward()`` of the tutorial's pathological function
  (n = 10) timed against ``backward(create_graph=True)``, showing what higher-order support
  costs when it is not used (nothing) and when it is.

PyTorch runs on the CPU in float64 with its default threads; it is skipped when not installed.
Run ``python benchmarks/bench_func.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import xgrad
from xgrad.func import hessian, hvp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Prepare, case_result, cli, interleaved, run_selected

try:
    import torch
    import torch.func as tfunc
except ImportError:  # the benchmark still runs xgrad alone
    torch = None


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rosenbrock(x: Any) -> Any:
    """The Rosenbrock function (user code: runs on xgrad tensors and on torch tensors)."""
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def _contenders_torch(fn: Callable[[Any], Any], x: np.ndarray) -> dict[str, Prepare]:
    if torch is None:
        return {}
    xt = torch.tensor(x, dtype=torch.float64)
    return {"PyTorch": lambda: lambda: fn(xt)}


def bench_hessian(quick: bool) -> dict[str, Any]:
    """The 100x100 Hessian of Rosenbrock."""
    n = 100
    x = np.random.default_rng(0).uniform(-1, 1, n)
    h = hessian(rosenbrock)(x)
    if torch is not None:
        ht = tfunc.hessian(rosenbrock)(torch.tensor(x, dtype=torch.float64)).numpy()
        np.testing.assert_allclose(h, ht, rtol=1e-10, atol=1e-8)
    fwd_rev = hessian(rosenbrock, mode="fwd-rev")
    np.testing.assert_allclose(fwd_rev(x), h, rtol=1e-10, atol=1e-8)
    contenders: dict[str, Prepare] = {
        "xgrad hessian": lambda: lambda: hessian(rosenbrock)(x),
        "xgrad fwd-over-rev": lambda: lambda: fwd_rev(x),
        **_contenders_torch(tfunc.hessian(rosenbrock) if torch else None, x),
    }
    timings = interleaved(contenders, rounds=3 if quick else 11, warmup=1, max_seconds=120.0)
    names = list(contenders)
    ratios = [[a, "PyTorch"] for a in names[:2]] if torch is not None else []
    return {
        "benchmark": "hessian_rosenbrock",
        "title": "Hessian of the Rosenbrock function, 100 variables (float64, CPU)",
        "description": (
            "`xgrad.func.hessian(f)(x)` (reverse-over-reverse: the gradient recorded once, "
            "then 100 backward passes through it) and `hessian(f, mode='fwd-rev')` (100 JVPs "
            "of the gradient, each re-running it), against `torch.func.hessian(f)(x)`, which "
            "vectorises its 100 passes with vmap. Results checked equal."
        ),
        "contenders": names,
        "ratios": ratios,
        "time_unit": "ms",
        "cases": [case_result("n=100", timings)],
    }


def bench_hvp(quick: bool) -> dict[str, Any]:
    """One Hessian-vector product on a million variables."""
    n = 100_000 if quick else 1_000_000
    rng = np.random.default_rng(1)
    x, v = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    got = hvp(rosenbrock, (x,), (v,))
    contenders: dict[str, Prepare] = {"xgrad": lambda: lambda: hvp(rosenbrock, (x,), (v,))}
    if torch is not None:
        xt = torch.tensor(x, dtype=torch.float64)
        vt = torch.tensor(v, dtype=torch.float64)

        def torch_hvp() -> Any:
            return tfunc.jvp(tfunc.grad(rosenbrock), (xt,), (vt,))[1]

        np.testing.assert_allclose(got, torch_hvp().numpy(), rtol=1e-10, atol=1e-8)
        contenders["PyTorch"] = lambda: torch_hvp
    timings = interleaved(contenders, rounds=3 if quick else 15, warmup=1, max_seconds=120.0)
    return {
        "benchmark": "hvp_rosenbrock",
        "title": f"Hessian-vector product of Rosenbrock, {n:,} variables (float64, CPU)",
        "description": (
            "`xgrad.func.hvp(f, (x,), (v,))` (a JVP of the gradient) against "
            "`torch.func.jvp(torch.func.grad(f), (x,), (v,))`; results checked equal."
        ),
        "contenders": list(contenders),
        "ratios": [["xgrad", "PyTorch"]] if torch is not None else [],
        "time_unit": "ms",
        "cases": [case_result(f"n={n:,}", timings)],
    }


def bench_backward_overhead(quick: bool) -> dict[str, Any]:
    """The cost of recording the backward pass, and that plain backward pays nothing for it."""

    def run(create_graph: bool) -> Callable[[], Any]:
        x = xgrad.arange(1.0, 11.0)

        def call() -> Any:
            fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
            fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
            fx.backward(create_graph=create_graph)
            return x.grad

        return call

    contenders: dict[str, Prepare] = {
        "backward()": lambda: run(False),
        "backward(create_graph=True)": lambda: run(True),
    }
    timings = interleaved(
        contenders, rounds=200 if quick else 2000, warmup=5, block=100, max_seconds=60.0
    )
    return {
        "benchmark": "backward_overhead",
        "title": "The pathological function at n = 10: plain vs recorded backward",
        "description": "Forward + backward; the recorded one runs every rule as tensor ops.",
        "contenders": list(contenders),
        "ratios": [["backward(create_graph=True)", "backward()"]],
        "time_unit": "µs",
        "cases": [case_result("n=10", timings)],
    }


BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "hessian_rosenbrock": bench_hessian,
    "hvp_rosenbrock": bench_hvp,
    "backward_overhead": bench_backward_overhead,
}


def main(quick: bool = False, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run the higher-order benchmarks (all, or those named in ``only``)."""
    return run_selected("bench_func", BENCHMARKS, quick, only)


if __name__ == "__main__":
    cli(__doc__.splitlines()[0], BENCHMARKS, main)
