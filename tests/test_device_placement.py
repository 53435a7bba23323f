"""Nothing leaves the device: the CPU proof of what ``ci/gpu.sh`` checks with a profiler.

On array_api_strict's ``device1`` every host synchronisation (``float``, ``bool``, ``int``,
``__index__``, conversion to NumPy) raises, so running a workload there proves it never copies
to the host; on CuPy the same tests run on the GPU. The workloads are the ones ``ci/gpu.sh``
profiles: the tutorial's pathological function and an MLP training step, plus the rest of
the tutorial.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad.func import grad, hvp


def _on_device(xb: Any, *arrays: Any) -> None:
    for a in arrays:
        assert a is not None
        assert isinstance(a, xb.backend.array_type), type(a)
        assert xb.backend.device_of(a) == xb.device


def test_pathological_function_stays_on_the_device(xb: Any) -> None:
    x = mg.arange(1.0, 11.0)
    fx = np.exp(np.arctan(82 * x**3 + np.log(x)))
    fx *= np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    fx.backward()
    _on_device(xb, x.grad, fx.grad, fx.data)
    np.testing.assert_allclose(
        mg.to_numpy(x.grad)[[0, -1]], [-74.4764313, -0.0317648949], rtol=1e-8
    )


def test_mlp_step_stays_on_the_device(xb: Any) -> None:
    rng = np.random.default_rng(0)
    # a constant tensor: array_api_strict's own arrays refuse tensors on their right (`a @ t`)
    x = mg.tensor(xb.array(rng.standard_normal((16, 8)).astype(np.float32)), constant=True)
    labels = xb.array(rng.integers(0, 3, 16))
    w1 = mg.tensor(rng.standard_normal((8, 5)).astype(np.float32))
    b1 = mg.zeros(5, dtype="float32")
    w2 = mg.tensor(rng.standard_normal((5, 3)).astype(np.float32))
    b2 = mg.zeros(3, dtype="float32")
    h = mg.nnet.relu(x @ w1 + b1)
    loss = mg.nnet.softmax_crossentropy(h @ w2 + b2, labels)
    loss.backward()
    for p in (w1, b1, w2, b2):
        _on_device(xb, p.grad)
        assert p.grad.dtype == p.dtype


def test_gradient_descent_stays_on_the_device(xb: Any) -> None:
    x = mg.Tensor(-1.5)
    for _ in range(10):
        f = (x - 8.0) ** 2
        f.backward()
        x = x - 0.3 * x.grad
    _on_device(xb, x.data)


def test_views_in_place_and_indexing_stay_on_the_device(xb: Any) -> None:
    w = mg.arange(8.0)
    y = w * 1.0
    y[2:5] *= 3.0
    y[[0, 0, 7]] = mg.tensor([1.0, 2.0, 3.0])
    v = y.reshape(2, 4).T
    v[0] += 1.0
    (y * y).sum().backward()
    _on_device(xb, w.grad, y.grad, v.grad)


def test_higher_order_and_functional_api_stay_on_the_device(xb: Any) -> None:
    x = mg.tensor([0.5, 1.5])
    (mg.sin(x) * x).sum().backward(create_graph=True)
    g = x.grad
    g.sum().backward()
    _on_device(xb, g.data, x.grad)
    _on_device(xb, grad(lambda t: (t**3).sum())(xb.array([1.0, 2.0])))
    _on_device(xb, hvp(lambda t: (t**3).sum(), (xb.array([1.0, 2.0]),), (xb.array([1.0, 0.0]),)))


@pytest.mark.parametrize("method", ["__float__", "__bool__", "__int__"])
def test_the_strict_guard_really_refuses_host_syncs(method: str) -> None:
    """Make sure the suite's guard is on: a proof that cannot fail would prove nothing."""
    t = mg.tensor(1.0, device="device1")
    with pytest.raises(RuntimeError, match="host"):
        getattr(t.data, method)()
    with pytest.raises(RuntimeError):
        np.asarray(t.data)
