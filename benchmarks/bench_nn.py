"""Network-shaped benchmarks: an MLP training step and an in-place update loop.

* ``mlp_step``: one float32 forward + backward of a 784-256-10 MLP (ReLU, softmax
  cross-entropy) on a batch of 256, xgrad against the hand-written NumPy backward and MyGrad.
  Target: xgrad at most 1.1x the hand-written time.
* ``inplace_loop``: ``y[i] = 0.5 * y[i - 1] + w[i]`` for i = 1..999 on a 1,000-element
  tensor, then ``y.sum().backward()``; xgrad against MyGrad (the same user code). Target: at
  most 0.5x MyGrad's time.

* ``conv_nd``: forward + backward (both gradients) of a float32 2-d convolution, batch 32,
  3 -> 16 channels, 32 x 32 images, 3 x 3 filters, stride 1, padding 1; xgrad against MyGrad
  (the same user code) and PyTorch CPU eager (``torch.nn.functional.conv2d``) when PyTorch
  is installed. Target: at most 0.5x MyGrad's time.
* ``max_pool``: forward + backward of a 2 x 2, stride-2 max-pool of that convolution's output
  (32 x 16 x 32 x 32 float32); the same contenders. Target: at most 0.5x MyGrad's time.

Run ``python benchmarks/bench_nn.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import mygrad
import mygrad.nnet
import numpy as np

import xgrad

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import Prepare, case_result, cli, interleaved, run_selected


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- MLP step --------------------------------------------------------------------------------------
def _mlp_data(batch: int, sizes: Sequence[int], seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = sizes
    f32 = np.float32
    return {
        "x": rng.standard_normal((batch, n_in)).astype(f32),
        "y": rng.integers(0, n_out, size=batch),
        "w1": (rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(f32),
        "b1": np.zeros(n_hidden, dtype=f32),
        "w2": (rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)).astype(f32),
        "b2": np.zeros(n_out, dtype=f32),
    }


def mlp_step(mg: ModuleType, relu: Any, loss_fn: Any, params: list, x: Any, y: Any) -> Any:
    """Forward and backward of the MLP (identical user code for xgrad and MyGrad)."""
    w1, b1, w2, b2 = params
    h = relu(x @ w1 + b1)
    loss = loss_fn(h @ w2 + b2, y)
    loss.backward()
    return loss


def mlp_step_numpy(d: dict[str, np.ndarray]) -> tuple[Any, ...]:
    """The same step by hand: forward, loss, and the gradients of the four parameters."""
    x, y, w1, b1, w2, b2 = d["x"], d["y"], d["w1"], d["b1"], d["w2"], d["b2"]
    n = x.shape[0]
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0)
    z2 = h @ w2 + b2
    shifted = z2 - z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.mean(shifted[rows, y] - np.log(s[:, 0]))
    dz2 = e / s
    dz2[rows, y] -= 1
    dz2 /= n
    dw2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dz1 = dz2 @ w2.T
    dz1 *= z1 > 0
    dw1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, dw1, db1, dw2, db2


def _mlp_params(mg: ModuleType, d: dict[str, np.ndarray]) -> list:
    return [mg.tensor(d[k]) for k in ("w1", "b1", "w2", "b2")]


def _check_mlp(d: dict[str, np.ndarray]) -> None:
    ref = mlp_step_numpy(d)
    for mg, relu, loss_fn in _libraries():
        params = _mlp_params(mg, d)
        loss = mlp_step(mg, relu, loss_fn, params, d["x"], d["y"])
        np.testing.assert_allclose(float(loss.item()), ref[0], rtol=1e-4)
        for p, g in zip(params, ref[1:], strict=True):
            assert p.grad.dtype == np.float32, (mg.__name__, p.grad.dtype)
            np.testing.assert_allclose(p.grad, g, rtol=2e-3, atol=1e-5)


def _libraries() -> list[tuple[ModuleType, Any, Any]]:
    return [
        (xgrad, xgrad.nnet.relu, xgrad.nnet.softmax_crossentropy),
        (mygrad, mygrad.nnet.relu, mygrad.nnet.softmax_crossentropy),
    ]


def bench_mlp(quick: bool) -> dict[str, Any]:
    """Time of one MLP step (float32, batch 256, 784-256-10)."""
    batch, sizes = 256, (784, 256, 10)
    d = _mlp_data(batch, sizes)
    _check_mlp(d)
    rounds = 10 if quick else 200
    (xg, xrelu, xloss), (mgr, mrelu, mloss) = _libraries()
    xparams, mparams = _mlp_params(xg, d), _mlp_params(mgr, d)

    def step(mg: ModuleType, relu: Any, loss_fn: Any, params: list) -> Callable[[], Any]:
        return lambda: mlp_step(mg, relu, loss_fn, params, d["x"], d["y"])

    contenders: dict[str, Prepare] = {
        "xgrad": lambda: step(xg, xrelu, xloss, xparams),
        "NumPy": lambda: lambda: mlp_step_numpy(d),
        "MyGrad": lambda: step(mgr, mrelu, mloss, mparams),
    }
    timings = interleaved(contenders, rounds=rounds, warmup=5, block=10, max_seconds=90.0)
    targets = [("time", "xgrad", "NumPy", 1.1)]
    return {
        "benchmark": "mlp_step",
        "title": "MLP training step (float32, batch 256, 784-256-10, ReLU, softmax CE)",
        "description": (
            "`h = relu(x @ w1 + b1); loss = softmax_crossentropy(h @ w2 + b2, y); "
            "loss.backward()` with `xgrad.nnet` / `mygrad.nnet`; NumPy: the same forward and "
            "the four parameter gradients by hand (checked against both libraries)."
        ),
        "contenders": ["xgrad", "NumPy", "MyGrad"],
        "ratios": [["xgrad", "NumPy"], ["xgrad", "MyGrad"]],
        "time_unit": "ms",
        "cases": [case_result("batch 256", timings, targets=targets)],
    }


# -- in-place update loop --------------------------------------------------------------------------
def inplace_loop(mg: ModuleType, w: Any) -> Any:
    """y[i] = 0.5 * y[i - 1] + w[i], 999 in-place updates, then backward (user code)."""
    y = w * 1.0
    for i in range(1, w.shape[0]):
        y[i] = 0.5 * y[i - 1] + w[i]
    y.sum().backward()
    return w.grad


def inplace_reference(n: int) -> np.ndarray:
    """d(sum y)/dw for the recurrence: element j feeds y[k] with weight 0.5**(k - j), k >= j
    (w[0] also through y[0] = w[0])."""
    k = np.arange(n)
    return np.array([np.sum(0.5 ** (k[j:] - j)) for j in range(n)])


def bench_inplace(quick: bool) -> dict[str, Any]:
    """Time of the in-place update loop on a 1,000-element tensor."""
    n = 1000
    rounds = 3 if quick else 21
    data = np.random.default_rng(1).standard_normal(n)
    ref = inplace_reference(n)
    for mg in (xgrad, mygrad):
        np.testing.assert_allclose(inplace_loop(mg, mg.tensor(data)), ref, rtol=1e-12)

    def fresh(mg: ModuleType) -> Callable[[], Any]:
        w = mg.tensor(data)
        return lambda: inplace_loop(mg, w)

    contenders: dict[str, Prepare] = {
        "xgrad": lambda: fresh(xgrad),
        "MyGrad": lambda: fresh(mygrad),
    }
    timings = interleaved(contenders, rounds=rounds, warmup=1, max_seconds=120.0)
    return {
        "benchmark": "inplace_loop",
        "title": "In-place update loop: 999 `y[i] = 0.5 * y[i - 1] + w[i]`, then backward",
        "description": (
            "On a 1,000-element float64 tensor; the gradient with respect to `w` is checked "
            "against the closed form for both libraries."
        ),
        "contenders": ["xgrad", "MyGrad"],
        "ratios": [["xgrad", "MyGrad"]],
        "time_unit": "ms",
        "cases": [case_result("n=1,000", timings, targets=[("time", "xgrad", "MyGrad", 0.5)])],
    }


# -- convolution and pooling ----------------------------------------------------------------------
try:  # an optional contender
    import torch
    import torch.nn.functional as torch_f
except ImportError:
    torch = None


def _conv_data(seed: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    f32 = np.float32
    return {
        "x": rng.standard_normal((32, 3, 32, 32)).astype(f32),
        "w": (rng.standard_normal((16, 3, 3, 3)) / np.sqrt(27)).astype(f32),
        "g": rng.standard_normal((32, 16, 32, 32)).astype(f32),
    }


def _torch_note(result: dict[str, Any]) -> dict[str, Any]:
    if torch is None:
        _log("PyTorch: not installed")
        result["notes"] = ["PyTorch: not installed (the PyTorch CPU eager contender is skipped)"]
    return result


def _conv_step(conv: Any, mg: ModuleType, d: dict[str, np.ndarray]) -> Callable[[], Any]:
    x, w = mg.tensor(d["x"]), mg.tensor(d["w"])

    def step() -> Any:
        y = conv(x, w, stride=1, padding=1)
        y.backward(d["g"])
        return x.grad, w.grad

    return step


def _torch_conv_step(d: dict[str, np.ndarray]) -> Callable[[], Any]:
    x = torch.tensor(d["x"], requires_grad=True)
    w = torch.tensor(d["w"], requires_grad=True)
    g = torch.tensor(d["g"])

    def step() -> Any:
        y = torch_f.conv2d(x, w, stride=1, padding=1)
        y.backward(g)
        return x.grad, w.grad

    return step


def bench_conv(quick: bool) -> dict[str, Any]:
    """Forward + backward of conv_nd (float32, batch 32, 3 -> 16 channels, 32 x 32, 3 x 3)."""
    d = _conv_data()
    ref = _conv_step(mygrad.nnet.conv_nd, mygrad, d)()
    got = _conv_step(xgrad.nnet.conv_nd, xgrad, d)()
    for a, b in zip(got, ref, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-3)
    contenders: dict[str, Prepare] = {
        "xgrad": lambda: _conv_step(xgrad.nnet.conv_nd, xgrad, d),
        "MyGrad": lambda: _conv_step(mygrad.nnet.conv_nd, mygrad, d),
    }
    if torch is not None:
        contenders["PyTorch"] = lambda: _torch_conv_step(d)
    timings = interleaved(contenders, rounds=5 if quick else 30, warmup=2, max_seconds=90.0)
    ratios = [["xgrad", "MyGrad"]] + ([["xgrad", "PyTorch"]] if torch is not None else [])
    return _torch_note(
        {
            "benchmark": "conv_nd",
            "title": "conv_nd forward + backward (float32, 32 x 3 x 32 x 32, 16 filters 3 x 3)",
            "description": (
                "`y = conv_nd(x, w, stride=1, padding=1); y.backward(g)` with "
                "`xgrad.nnet.conv_nd` / `mygrad.nnet.conv_nd` (both gradients, checked "
                "against each other); PyTorch: `torch.nn.functional.conv2d`, CPU eager."
            ),
            "contenders": list(contenders),
            "ratios": ratios,
            "time_unit": "ms",
            "cases": [case_result("batch 32", timings, targets=[("time", "xgrad", "MyGrad", 0.5)])],
        }
    )


def _pool_step(mg: ModuleType, data: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    x = mg.tensor(data)

    def step() -> Any:
        y = mg.nnet.max_pool(x, (2, 2), 2)
        y.backward(g)
        return x.grad

    return step


def _torch_pool_step(data: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    x = torch.tensor(data, requires_grad=True)
    gt = torch.tensor(g)

    def step() -> Any:
        y = torch_f.max_pool2d(x, (2, 2), 2)
        y.backward(gt)
        return x.grad

    return step


def bench_pool(quick: bool) -> dict[str, Any]:
    """Forward + backward of a 2 x 2, stride-2 max_pool of the conv benchmark's output."""
    d = _conv_data()
    with xgrad.no_autodiff:
        data = xgrad.nnet.conv_nd(d["x"], d["w"], stride=1, padding=1).data
    g = np.random.default_rng(3).standard_normal((32, 16, 16, 16)).astype(np.float32)
    # no ties in the float32 conv output's windows: MyGrad's first-max rule and xgrad's
    # even split then agree
    np.testing.assert_allclose(_pool_step(xgrad, data, g)(), _pool_step(mygrad, data, g)())
    contenders: dict[str, Prepare] = {
        "xgrad": lambda: _pool_step(xgrad, data, g),
        "MyGrad": lambda: _pool_step(mygrad, data, g),
    }
    if torch is not None:
        contenders["PyTorch"] = lambda: _torch_pool_step(data, g)
    timings = interleaved(contenders, rounds=5 if quick else 30, warmup=2, max_seconds=60.0)
    ratios = [["xgrad", "MyGrad"]] + ([["xgrad", "PyTorch"]] if torch is not None else [])
    return _torch_note(
        {
            "benchmark": "max_pool",
            "title": "max_pool forward + backward (float32, 32 x 16 x 32 x 32, 2 x 2, stride 2)",
            "description": (
                "`y = max_pool(x, (2, 2), 2); y.backward(g)` on the conv benchmark's output, "
                "with `xgrad.nnet` / `mygrad.nnet` (gradients checked against each other); "
                "PyTorch: `torch.nn.functional.max_pool2d`, CPU eager."
            ),
            "contenders": list(contenders),
            "ratios": ratios,
            "time_unit": "ms",
            "cases": [case_result("batch 32", timings, targets=[("time", "xgrad", "MyGrad", 0.5)])],
        }
    )


BENCHMARKS: dict[str, Callable[[bool], dict[str, Any]]] = {
    "mlp_step": bench_mlp,
    "inplace_loop": bench_inplace,
    "conv_nd": bench_conv,
    "max_pool": bench_pool,
}


def main(quick: bool = False, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Run the network benchmarks (all, or those named in ``only``)."""
    return run_selected("bench_nn", BENCHMARKS, quick, only)


if __name__ == "__main__":
    cli(__doc__.splitlines()[0], BENCHMARKS, main)
