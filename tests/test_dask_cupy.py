"""dask-of-CuPy: the Dask backend on device ``"cuda"`` (chunks of CuPy arrays). Runs only
where CuPy and a GPU are (``ci/gpu.sh``); each test builds its graphs inside ``lazy()`` (a
scheduler that raises), computes once, and compares with the NumPy backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import xgrad as mg  # noqa: E402
from test_dask import lazy  # noqa: E402

try:
    mg.backends.load("cupy")
    import cupy
except Exception:  # no CuPy, or no GPU
    pytest.skip("dask-of-CuPy needs CuPy and a CUDA GPU", allow_module_level=True)

pytestmark = pytest.mark.selects_backend


def on_numpy(a: Any, **kwargs: Any) -> Any:
    """A NumPy-backend tensor for the reference results, whatever ``XGRAD_BACKEND`` says."""
    return mg.tensor(a, backend="numpy", **kwargs)


def is_gpu(a: Any) -> bool:
    return isinstance(a._meta, cupy.ndarray)


def gpu_chunked(a: np.ndarray) -> Any:
    """``a`` as a dask array of CuPy chunks, two along its first axis."""
    c = cupy.asarray(a)
    if a.ndim == 0:
        return da.from_array(c)
    return da.from_array(c, chunks=(max(1, -(-a.shape[0] // 2)), *a.shape[1:]))


def test_a_dask_array_of_cupy_chunks_is_on_cuda():
    x = mg.tensor(gpu_chunked(np.arange(4.0)))
    assert x.backend.name == "dask" and x.device == "cuda"
    h = mg.tensor([1.0, 2.0], backend="dask", device="cuda")
    assert h.device == "cuda" and isinstance(h.data._meta, cupy.ndarray)
    with pytest.raises(ValueError, match="device"):
        x + mg.tensor(da.arange(4.0, chunks=2))  # cpu chunks with cuda chunks


def test_the_issues_example_stays_on_the_gpu():
    x0 = np.linspace(0.0, 10.0, 101)
    with lazy():
        x = mg.tensor(gpu_chunked(x0))
        f = mg.sum(mg.sin(x) * mg.exp(-x / 3))
        f.backward()
        assert isinstance(x.grad._meta, cupy.ndarray)
    value, grad = mg.compute(f, x.grad)
    assert value.backend.name == "cupy" and isinstance(grad, cupy.ndarray)
    n = on_numpy(x0)
    mg.sum(mg.sin(n) * mg.exp(-n / 3)).backward()
    np.testing.assert_allclose(grad.get(), n.grad, rtol=1e-12)


def test_rules_that_create_arrays_and_scatter_add():
    a = np.arange(1.0, 13.0).reshape(4, 3)
    idx = np.array([0, 2, 2])

    def f(x: Any) -> Any:
        y = mg.mean(x, axis=0).sum() + (x[idx] ** 2).sum() + mg.max(x) + mg.prod(x[:, 0])
        return y + mg.sum(mg.clip(x, 2.0, 9.0)) + mg.sum(mg.cumulative_prod(x, axis=1))

    with lazy():
        x = mg.tensor(gpu_chunked(a))
        assert is_gpu(x[idx].data)
        f(x).backward()
        assert is_gpu(x.grad)
    (g,) = mg.compute(x.grad)
    n = on_numpy(a)
    f(n).backward()
    np.testing.assert_allclose(g.get(), n.grad, rtol=1e-12)


def test_the_seed_of_a_sum_is_on_the_gpu():
    with lazy():
        x = mg.tensor(gpu_chunked(np.arange(6.0)))
        mg.sum(x).backward()
        assert is_gpu(x.grad)
    np.testing.assert_array_equal(mg.compute(x.grad)[0].get(), np.ones(6))


def test_linalg_and_moving_between_devices():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=(3, 2))
    with lazy():
        x = mg.tensor(gpu_chunked(a))
        y = mg.linalg.solve(x, mg.tensor(gpu_chunked(b)))
        mg.sum(y * y).backward()
        back = x.to_device("cpu")
        assert back.device == "cpu" and isinstance(back.data._meta, np.ndarray)
    got, grad = mg.compute(y, x.grad)
    n = on_numpy(a)
    ny = mg.linalg.solve(n, on_numpy(b))
    mg.sum(ny * ny).backward()
    np.testing.assert_allclose(got.numpy(), ny.numpy(), rtol=1e-10)
    np.testing.assert_allclose(grad.get(), n.grad, rtol=1e-10)


def test_an_mlp_step():
    rng = np.random.default_rng(0)
    X, W1, W2 = rng.normal(size=(8, 5)), rng.normal(size=(5, 6)), rng.normal(size=(6, 3))
    labels = rng.integers(0, 3, size=8)

    def step(make: Any, lab: Any) -> tuple:
        x, w1, w2 = mg.tensor(make(X), constant=True), mg.tensor(make(W1)), mg.tensor(make(W2))
        loss = mg.nnet.softmax_crossentropy(mg.matmul(mg.nnet.relu(mg.matmul(x, w1)), w2), lab)
        loss.backward()
        return loss, w1.grad, w2.grad

    with lazy():
        got = step(gpu_chunked, gpu_chunked(labels))
    got = mg.compute(*got)
    with mg.use_backend("numpy"):
        want = step(np.asarray, labels)
    for g, w in zip(got, want, strict=True):
        g = g.numpy() if isinstance(g, mg.Tensor) else g.get()
        w = w.numpy() if isinstance(w, mg.Tensor) else w
        np.testing.assert_allclose(g, w, rtol=1e-10)


def test_unique_on_cupy_chunks():
    u = np.array([3.0, 1.0, 3.0, 2.0])
    with lazy():
        values, counts = mg.unique(mg.tensor(gpu_chunked(u)), return_counts=True)
    got = mg.compute(values, counts)
    want = np.unique(u, return_counts=True)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(cupy.asnumpy(g), w)
