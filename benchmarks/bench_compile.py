"""``xgrad.compile`` against hand-written NumPy derivatives, eager xgrad and MyGrad.

Each workload runs side by side in one process (interleaved, ratios of medians):

* ``seed_small``: the MyGrad tutorial's pathological ("seed") function at n = 10, forward
  + gradient: ``mg.compile(mg.func.value_and_grad(sum . f))`` called on the array, and the
  compiled ``f`` with ``y.backward()`` outside. Target: <= 1.3x hand-written NumPy.
* ``descent``: the tutorial's gradient-descent step compiled (``f = (x - 8) ** 2;
  f.backward(); x = x - 0.3 * x.grad`` inside one compiled function), per step. Target:
  <= 0.25x MyGrad.
* ``seed_large`` (n = 1e6) and ``sum_sin_exp`` (n = 1e7): time and peak memory, compiled
  value-and-gradient against the hand-written NumPy. Target: <= 1.0x on both.
* ``mlp``: the 784-256-10 float32 MLP step (batch 256) compiled as value-and-gradient of the
  loss in its four parameters. Target: <= 1.0x hand-written NumPy.

Run ``python benchmarks/bench_compile.py [--quick] [--json PATH] [--only NAME ...]``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import mygrad
import numpy as np

import xgrad as mg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Prepare, case_result, cli, interleaved, peak_memory, run_selected
from bench_cpu import descend, descend_numpy, pathological_numpy, sum_sin_exp_numpy
from bench_nn import _mlp_data, mlp_step_numpy


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- the functions, written once as user code ---------------------------------------------------
def seed(x: Any) -> Any:
    """The tutorial's pathological function (elementwise)."""
    fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
    fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    return fx


def seed_sum(x: Any) -> Any:
    return mg.sum(seed(x))


def sin_exp(x: Any) -> Any:
    return mg.sum(mg.sin(x) * mg.exp(-x / 3))


def mlp_loss(w1: Any, b1: Any, w2: Any, b2: Any, x: Any, y: Any) -> Any:
    h = mg.nnet.relu(x @ w1 + b1)
    return mg.nnet.softmax_crossentropy(h @ w2 + b2, y)


@mg.compile
def descent_step(x: Any) -> Any:
    f = (x - 8.0) ** 2
    f.backward()
    return x - 0.3 * x.grad


def descend_compiled(steps: int) -> Any:
    x = mg.tensor(-1.5)
    for _ in range(steps):
        x = descent_step(x)
    return x


def _eager_grad(fn: Callable[[Any], Any], xv: np.ndarray) -> Callable[[], Any]:
    def run() -> Any:
        x = mg.tensor(xv)
        fn(x).backward()
        return x.grad

    return run


def _compiled_backward(cf: Any, xv: np.ndarray) -> Callable[[], Any]:
    def run() -> Any:
        x = mg.tensor(xv)
        cf(x).backward()
        return x.grad

    return run


CONTENDERS = ["compiled", "NumPy", "eager"]
RATIOS = [["compiled", "NumPy"], ["compiled", "eager"]]


def bench_seed_small(quick: bool) -> dict[str, Any]:
    n = 10
    xv = np.arange(1.0, n + 1.0)
    vg = mg.compile(mg.func.value_and_grad(seed_sum))
    cf = mg.compile(seed)
    ref = pathological_numpy(xv)[1]
    np.testing.assert_allclose(vg(xv)[1].data, ref, rtol=1e-10)
    np.testing.assert_allclose(_compiled_backward(cf, xv)(), ref, rtol=1e-10)
    contenders: dict[str, Prepare] = {
        "compiled": lambda: functools.partial(vg, xv),
        "compiled f + backward": lambda: _compiled_backward(cf, xv),
        "NumPy": lambda: functools.partial(pathological_numpy, xv),
        "eager": lambda: _eager_grad(seed, xv),
    }
    rounds = 300 if quick else 5_000
    timings = interleaved(contenders, rounds=rounds, warmup=3, block=100, max_seconds=60.0)
    targets = [
        ("time", "compiled", "NumPy", 1.3),
        ("time", "compiled f + backward", "NumPy", 1.3),
    ]
    return {
        "benchmark": "seed_small",
        "title": "Seed (pathological) function, n = 10, forward + gradient",
        "description": (
            "`compiled`: `mg.compile(mg.func.value_and_grad(lambda x: mg.sum(f(x))))(x)` on "
            "the array; `compiled f + backward`: `y = mg.compile(f)(x); y.backward()` on a "
            "fresh tensor; NumPy: forward and analytic derivative by hand."
        ),
        "contenders": list(contenders),
        "ratios": [
            ["compiled", "NumPy"],
            ["compiled f + backward", "NumPy"],
            ["compiled", "eager"],
        ],
        "cases": [case_result(f"n={n}", timings, targets=targets)],
    }


def bench_descent(quick: bool) -> dict[str, Any]:
    steps = 2_000 if quick else 10_000
    assert abs(descend_compiled(60).item() - 8.0) < 1e-6
    contenders: dict[str, Prepare] = {
        "compiled": lambda: functools.partial(descend_compiled, steps),
        "eager": lambda: functools.partial(descend, mg, steps),
        "MyGrad": lambda: functools.partial(descend, mygrad, steps),
        "NumPy": lambda: functools.partial(descend_numpy, steps),
    }
    timings = interleaved(contenders, rounds=5 if quick else 21, warmup=1, per_call=steps)
    return {
        "benchmark": "descent",
        "title": "Tutorial gradient-descent step, compiled (0-d tensor)",
        "description": (
            "the step `f = (x - 8.0) ** 2; f.backward(); x = x - 0.3 * x.grad` as one "
            f"compiled function; {steps:,} steps per call, time per step."
        ),
        "contenders": list(contenders),
        "ratios": [["compiled", "MyGrad"], ["compiled", "eager"], ["compiled", "NumPy"]],
        "time_unit": "µs",
        "time_per": "step",
        "cases": [
            case_result(f"{steps:,} steps", timings, targets=[("time", "compiled", "MyGrad", 0.25)])
        ],
    }


def _large(name: str, fn: Callable, ref: Callable, xv: np.ndarray, rounds: int) -> dict:
    vg = mg.compile(mg.func.value_and_grad(fn))
    v, g = vg(xv)
    _, rg = ref(xv)
    np.testing.assert_allclose(g.data, rg, rtol=1e-10)
    del v, g, rg
    contenders: dict[str, Prepare] = {
        "compiled": lambda: functools.partial(vg, xv),
        "NumPy": lambda: functools.partial(ref, xv),
        "eager": lambda: _eager_grad(fn, xv),
    }
    timings = interleaved(contenders, rounds=rounds, warmup=1, max_seconds=120.0)
    memory = {k: peak_memory(p, warmup=False) for k, p in contenders.items()}
    targets = [("time", "compiled", "NumPy", 1.0), ("memory", "compiled", "NumPy", 1.0)]
    return case_result(f"n={xv.size:,}", timings, memory, targets)


def bench_seed_large(quick: bool) -> dict[str, Any]:
    n = 100_000 if quick else 1_000_000
    case = _large("seed", seed_sum, pathological_numpy, np.arange(1.0, n + 1.0), 5 if quick else 31)
    return {
        "benchmark": "seed_large",
        "title": "Seed function, n = 1e6, compiled value and gradient",
        "description": "`mg.compile(mg.func.value_and_grad(lambda x: mg.sum(f(x))))(x)`.",
        "contenders": CONTENDERS,
        "ratios": RATIOS,
        "cases": [case],
    }


def bench_sum_sin_exp(quick: bool) -> dict[str, Any]:
    n = 1_000_000 if quick else 10_000_000
    xv = np.random.default_rng(0).uniform(-10.0, 10.0, size=n)
    case = _large("sum_sin_exp", sin_exp, sum_sin_exp_numpy, xv, 5 if quick else 21)
    return {
        "benchmark": "sum_sin_exp_compiled",
        "title": "sum(sin(x) exp(-x/3)), n = 1e7 float64, compiled value and gradient",
        "description": "`mg.compile(mg.func.value_and_grad(f))(x)`; NumPy by hand.",
        "contenders": CONTENDERS,
        "ratios": RATIOS,
        "cases": [case],
    }


def bench_mlp(quick: bool) -> dict[str, Any]:
    d = _mlp_data(256, (784, 256, 10))
    vg = mg.compile(mg.func.value_and_grad(mlp_loss, argnums=(0, 1, 2, 3)))
    params = [d[k] for k in ("w1", "b1", "w2", "b2")]
    loss, grads = vg(*params, d["x"], d["y"])
    ref = mlp_step_numpy(d)
    np.testing.assert_allclose(loss.item(), ref[0], rtol=1e-4)
    for g, r in zip(grads, ref[1:], strict=True):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g.data, r, rtol=2e-3, atol=1e-5)

    def eager() -> Any:
        ps = [mg.tensor(p) for p in params]
        mlp_loss(*ps, d["x"], d["y"]).backward()
        return [p.grad for p in ps]

    contenders: dict[str, Prepare] = {
        "compiled": lambda: functools.partial(vg, *params, d["x"], d["y"]),
        "NumPy": lambda: functools.partial(mlp_step_numpy, d),
        "eager": lambda: eager,
    }
    timings = interleaved(
        contenders, rounds=10 if quick else 200, warmup=5, block=10, max_seconds=90.0
    )
    return {
        "benchmark": "mlp_compiled",
        "title": "MLP step (float32, batch 256, 784-256-10), compiled value and gradients",
        "description": (
            "`mg.compile(mg.func.value_and_grad(loss, argnums=(0, 1, 2, 3)))` of `h = "
            "relu(x @ w1 + b1); softmax_crossentropy(h @ w2 + b2, y)`; NumPy by hand."
        ),
        "contenders": CONTENDERS,
        "ratios": RATIOS,
        "cases": [case_result("batch 256", timings, targets=[("time", "compiled", "NumPy", 1.0)])],
    }


BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "seed_small": bench_seed_small,
    "descent": bench_descent,
    "seed_large": bench_seed_large,
    "sum_sin_exp": bench_sum_sin_exp,
    "mlp": bench_mlp,
}


def main(quick: bool = False, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run the compile benchmarks (all, or those named in ``only``)."""
    return run_selected("bench_compile", BENCHMARKS, quick, only)


if __name__ == "__main__":
    cli(__doc__.splitlines()[0], BENCHMARKS, main)
