"""The Dask backend: laziness (nothing computes before the user asks), values and gradients
equal to the NumPy backend's, ``xgrad.compute`` / ``Tensor.compute`` / ``Tensor.persist``,
selection, and the clear errors for what dask cannot do.

Laziness is proved with a scheduler that raises: inside ``dask.config.set(scheduler=...)``
any computation fails the test, so building the forward and backward passes there shows
that they only build graphs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

import xgrad as mg  # noqa: E402
from xgrad.errors import BackendUnavailableError  # noqa: E402

pytestmark = pytest.mark.selects_backend


class Computed(AssertionError):
    pass


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise Computed("dask computed something before the user asked for it")


def lazy() -> Any:
    """Inside this block, any dask computation raises."""
    return dask.config.set(scheduler=_refuse)


@contextlib.contextmanager
def counting():
    """Count the scheduler calls (each ``dask.compute`` is one)."""
    calls = []

    def get(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return dask.get(*args, **kwargs)

    with dask.config.set(scheduler=get):
        yield calls


def chunked(a: np.ndarray) -> Any:
    """``a`` as a dask array in (up to) two chunks along its first axis."""
    if a.ndim == 0:
        return da.from_array(a)
    return da.from_array(a, chunks=(max(1, -(-a.shape[0] // 2)), *a.shape[1:]))


def host(v: Any) -> np.ndarray:
    return np.asarray(v.compute() if hasattr(v, "compute") else v)


# -- laziness -------------------------------------------------------------------------------------
def test_the_issues_example_builds_graphs_only_and_matches_numpy():
    x0 = np.linspace(0.0, 10.0, 101)
    with lazy():
        x = mg.tensor(chunked(x0))
        assert x.backend.name == "dask"
        f = mg.sum(mg.sin(x) * mg.exp(-x / 3))
        f.backward()
        assert isinstance(x.grad, da.Array)
        repr(f), repr(x)  # printing does not compute
    value, grad = mg.compute(f, x.grad)
    n = mg.tensor(x0)
    fn = mg.sum(mg.sin(n) * mg.exp(-n / 3))
    fn.backward()
    assert value.backend.name == "numpy" and isinstance(value, mg.Tensor)
    assert isinstance(grad, np.ndarray)
    np.testing.assert_allclose(value.numpy(), fn.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad, n.grad, rtol=1e-12, atol=1e-12)


TUTORIAL = {
    "square": lambda x: x**2,
    "np.square": lambda x: np.square(x),
    "sin exp": lambda x: np.sin(x) * np.exp(-x / 3),
    "arctan sqrt": lambda x: (
        np.exp(np.arctan(82 * x**3 + np.log(x)))
        * np.sqrt(25 * x ** (1 / 22930) + 39 * np.exp(2 / x) - np.sin(x))
    ),
    "sinc": lambda x: mg.sinc(x) - x**2,
    "exp sin": lambda x: np.exp(np.sin(x)) * x**2,
}


@pytest.mark.parametrize("name", TUTORIAL)
def test_the_tutorials_functions_are_lazy_and_match_numpy(name):
    f = TUTORIAL[name]
    x0 = np.arange(1.0, 11.0)
    with lazy():
        x = mg.tensor(chunked(x0))
        y = f(x)
        y.backward()
    value, grad = mg.compute(y, x.grad)
    n = mg.tensor(x0)
    yn = f(n)
    yn.backward()
    np.testing.assert_allclose(value.numpy(), yn.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad, n.grad, rtol=1e-12)


def test_gradient_descent_stays_lazy():
    with lazy():
        x = mg.tensor(da.from_array(np.array(-1.5)))
        for _ in range(10):
            f = (x - 8.0) ** 2
            f.backward()
            x = x - 0.3 * x.grad
    assert x.compute().item() == pytest.approx(7.99900385)


def _mlp(xp_in: Any, w1: Any, b1: Any, w2: Any, labels: Any) -> Any:
    h = mg.nnet.relu(mg.matmul(xp_in, w1) + b1)
    return mg.nnet.softmax_crossentropy(mg.matmul(h, w2), labels)


def test_an_mlp_step_is_lazy_and_matches_numpy():
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(8, 5))
    params0 = [rng.normal(size=(5, 6)), rng.normal(size=(6,)), rng.normal(size=(6, 3))]
    labels = rng.integers(0, 3, size=8)
    with lazy():
        xs = mg.tensor(chunked(x0), constant=True)
        params = [mg.tensor(chunked(p)) for p in params0]
        loss = _mlp(xs, *params, mg.tensor(chunked(labels)))
        loss.backward()
        grads = [p.grad for p in params]
        assert all(isinstance(g, da.Array) for g in grads)
        stepped = [p - 0.1 * g for p, g in zip(params, grads, strict=True)]
    value, *got = mg.compute(loss, *grads, *stepped)
    ref = [mg.tensor(p) for p in params0]
    ref_loss = _mlp(mg.tensor(x0, constant=True), *ref, labels)
    ref_loss.backward()
    np.testing.assert_allclose(value.numpy(), ref_loss.numpy(), rtol=1e-12)
    for g, r in zip(got[:3], ref, strict=True):
        np.testing.assert_allclose(g, r.grad, rtol=1e-12, atol=1e-12)
    for s, r in zip(got[3:], ref, strict=True):
        assert s.backend.name == "numpy"
        np.testing.assert_allclose(s.numpy(), r.numpy() - 0.1 * r.grad, rtol=1e-12)


def test_integer_indexing_and_its_gradient_are_lazy():
    x0 = np.arange(6.0)
    with lazy():
        x = mg.tensor(chunked(x0))
        y = x[np.array([0, 0, 4])] * x[1:3].sum()
        y.sum().backward()
    n = mg.tensor(x0)
    yn = n[np.array([0, 0, 4])] * n[1:3].sum()
    yn.sum().backward()
    (grad,) = mg.compute(x.grad)
    np.testing.assert_allclose(grad, n.grad, rtol=1e-12)


# -- higher order, xgrad.func ---------------------------------------------------------------------
def _loss(x: Any, w: Any) -> Any:
    """A scalar through a matmul, a softmax, a slice, a reduction and elementwise ops."""
    h = mg.nnet.softmax(mg.tanh(mg.matmul(x, w)), axis=-1)
    return mg.sum(h[:, 1:] * mg.exp(-(x[:, :2] ** 2))) + mg.logsumexp(x * w[:, 0])


_RNG = np.random.default_rng(3)
X0, W0, V0 = _RNG.normal(size=(4, 3)), _RNG.normal(size=(3, 3)), _RNG.normal(size=(4, 3))


def _on_dask(v: Any) -> bool:
    return isinstance(v, da.Array) or (isinstance(v, mg.Tensor) and v.backend.name == "dask")


def _close(got: Any, expected: Any) -> None:
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    expected = expected.numpy() if isinstance(expected, mg.Tensor) else np.asarray(expected)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_create_graph_backward_is_lazy_and_its_second_derivative_matches_numpy():
    def second(make: Any) -> tuple:
        x, w = mg.tensor(make(X0)), mg.tensor(make(W0))
        _loss(x, w).backward(create_graph=True)
        gx, gw = x.grad, w.grad
        assert isinstance(gx, mg.Tensor) and not gx.constant
        mg.sum(gx * make(V0)).backward()  # x.grad, w.grad: Hessian-vector products
        return gx, gw, x.grad, w.grad

    expected = second(np.asarray)
    with lazy():
        got = second(chunked)
        assert all(_on_dask(g) for g in got)
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


def _transforms(make: Any, as_tensors: bool) -> list:
    """Every transform of xgrad.func on ``_loss`` (or its vector-valued part)."""
    from xgrad import func

    x, w, v = make(X0), make(W0), make(V0)
    if as_tensors:
        x, w = mg.tensor(x), mg.tensor(w)

    def vec(x: Any) -> Any:  # R^12 -> R^4
        return mg.sum(mg.sin(mg.matmul(x, w)), axis=-1)

    out, vjp_fn = func.vjp(vec, x)
    value, (gx, gw) = func.value_and_grad(_loss, argnums=(0, 1))(x, w)
    small = x[:2, :2]
    return [
        func.grad(_loss)(x, w),
        value,
        gx,
        gw,
        out,
        *vjp_fn(make(np.arange(4.0))),
        *func.jvp(vec, (x,), (v,)),
        func.hvp(lambda x: _loss(x, w), (x,), (v,)),
        func.grad(lambda x: mg.sum(func.grad(_loss)(x, w) * v))(x),  # reverse over reverse
        func.elementwise_grad(mg.tanh)(x),
        func.jacrev(vec)(x),
        func.jacfwd(vec)(x),
        func.hessian(lambda s: mg.sum(mg.tanh(s) ** 3))(small),
    ]


@pytest.mark.parametrize("as_tensors", [False, True], ids=["arrays", "tensors"])
def test_the_functional_api_is_lazy_and_matches_numpy(as_tensors: bool):
    """grad, value_and_grad, vjp, jvp, hvp, nested grad, elementwise_grad, jacrev, jacfwd and
    hessian on Dask inputs build graphs only: their results are Dask arrays (Dask-backed
    tensors for tensor inputs), and their values NumPy's."""
    with mg.use_backend("numpy"):
        expected = _transforms(np.asarray, as_tensors)
    with mg.use_backend("dask"), lazy():
        got = _transforms(chunked, as_tensors)
        kind = mg.Tensor if as_tensors else da.Array
        assert all(isinstance(g, kind) and _on_dask(g) for g in got), [type(g) for g in got]
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


# -- gradients follow the input's chunks ----------------------------------------------------------
def _layers(a: Any) -> list[str]:
    return [name.rsplit("-", 1)[0] for name in a.dask.layers]


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_a_reductions_gradient_has_the_inputs_chunks_without_a_rechunk(reduce):
    # The regression: sum's gradient (the seed broadcast to x's shape) was ONE chunk spanning
    # x, which the elementwise rules after it rechunked; that broke Dask's fusion, and at 3e8
    # elements the issue's example held 3 GB (a whole gradient) where 0.6 GB suffices.
    x0 = np.linspace(0.0, 10.0, 1_000)
    with lazy():
        x = mg.tensor(da.from_array(x0, chunks=100))
        f = getattr(mg, reduce)(mg.sin(x) * mg.exp(-x / 3))
        f.backward()
        g = x.grad
        assert g.chunks == x.data.chunks
        assert not [name for name in _layers(g) if name.startswith("rechunk")]
    ref = mg.tensor(x0)
    getattr(mg, reduce)(mg.sin(ref) * mg.exp(-ref / 3)).backward()
    np.testing.assert_allclose(host(g), ref.grad, rtol=1e-12)


def test_a_gradient_broadcast_along_some_axes_keeps_the_other_axes_chunks():
    x0 = np.arange(24.0).reshape(4, 6)
    x = mg.tensor(da.from_array(x0, chunks=(2, 3)))
    (mg.sum(x**2, axis=0, keepdims=True) * mg.tensor(da.ones((1, 6), chunks=(1, 3)))).sum(
        axis=1
    ).sum().backward()
    assert x.grad.chunks == ((2, 2), (3, 3))
    np.testing.assert_allclose(host(x.grad), 2 * x0)
    y = mg.tensor(da.from_array(x0, chunks=(2, 3)))
    mg.mean(y, axis=1).sum().backward()
    assert y.grad.chunks == ((2, 2), (3, 3))
    np.testing.assert_allclose(host(y.grad), np.full((4, 6), 1 / 6))


def _shared_tasks(g: Any, own: Any) -> set:
    """Tasks of ``g``'s graph, outside ``own``'s, that tasks of two or more chunks depend on."""
    from dask.core import get_dependencies

    graph = dict(g.__dask_graph__())
    blocks: dict = {}
    for key in graph:
        for dep in get_dependencies(graph, key):
            blocks.setdefault(dep, set()).add(key[1:] if isinstance(key, tuple) else ())
    mine = set(dict(own.__dask_graph__()))
    return {k for k, b in blocks.items() if len(b) > 1 and k not in mine}


@pytest.mark.parametrize("loss", ["sum", "scaled_mean"])
def test_no_gradient_chunk_waits_on_one_shared_seed_task(loss):
    # The regression: every chunk of sum's gradient depended on one tiny task (the seed,
    # reshaped); Dask's ordering then ran the forward pass over all chunks first, holding
    # their intermediates: 8.9 GB instead of 2.9 GB at 3e8 elements on 6 chunks (synchronous).
    # The one-element seed is now computed inside each gradient chunk.
    x0 = np.linspace(0.0, 10.0, 600)
    with lazy():
        x = mg.tensor(da.from_array(x0, chunks=100))
        y = mg.sin(x) * mg.exp(-x / 3)
        f = mg.sum(y) if loss == "sum" else 0.5 * mg.mean(y)
        f.backward()
        assert _shared_tasks(x.grad, x.data) == set()
    ref = mg.tensor(x0)
    yr = mg.sin(ref) * mg.exp(-ref / 3)
    (mg.sum(yr) if loss == "sum" else 0.5 * mg.mean(yr)).backward()
    np.testing.assert_allclose(host(x.grad), ref.grad, rtol=1e-12)


def test_a_seed_that_depends_on_real_work_is_computed_once():
    # sum(x) * sum(w): x's gradient is sum(w) broadcast, a reduction over w's chunks, which
    # must not be recomputed in every chunk of x's gradient
    x0, w0 = np.linspace(0.0, 1.0, 40), np.arange(30.0)
    x = mg.tensor(da.from_array(x0, chunks=10))
    w = mg.tensor(da.from_array(w0, chunks=10))
    (mg.sum(x) * mg.sum(w)).backward()
    assert _shared_tasks(x.grad, x.data)  # the total of w, computed once
    assert x.grad.chunks == x.data.chunks
    np.testing.assert_allclose(host(x.grad), np.full(40, w0.sum()))
    np.testing.assert_allclose(host(w.grad), np.full(30, x0.sum()))


def test_the_seed_is_not_multiplied_in():
    x0 = np.linspace(0.0, 10.0, 600)
    with lazy():
        x = mg.tensor(da.from_array(x0, chunks=100))
        mg.sum(mg.sin(x) * mg.exp(-x / 3)).backward()
        names = _layers(x.grad)
        # sin(x) exp(-x/3)'s two products by the seed are gone: s * e, e * cos(x) remain
        assert names.count("mul") == 2 and not [n for n in names if "ones" in n]
        assert type(x.grad) is da.Array  # a plain array reaches the user
    ref = mg.tensor(x0)
    mg.sum(mg.sin(ref) * mg.exp(-ref / 3)).backward()
    np.testing.assert_allclose(host(x.grad), ref.grad, rtol=1e-12)
    for leaf in (mg.tensor(da.arange(4.0, chunks=2)),):  # a leaf's own seed, handed over
        leaf.backward()
        assert type(leaf.grad) is da.Array and host(leaf.grad).tolist() == [1.0] * 4


def test_ones_times_an_array_is_the_array_only_where_that_is_exact():
    from xgrad.backends._dask import Ones

    bk = mg.backends.load("dask")
    ones = bk.ones_seed(da.zeros(4, chunks=2))
    assert isinstance(ones, Ones) and host(ones).tolist() == [1.0] * 4
    v = da.from_array(np.array([np.nan, -0.0, np.inf, 3.0]), chunks=2)
    for product in (ones * v, v * ones):
        assert product.name == v.name and product is not v and type(product) is da.Array
    big = da.arange(8.0, chunks=4).reshape(2, 4)
    assert (ones * big).name == big.name  # ones broadcast into the other's shape
    # anything else is a real product: another dtype, a smaller operand, a number
    assert (ones * v.astype(np.float32)).dtype == np.float64
    assert host(ones * da.from_array(np.array([2.0]))).tolist() == [2.0] * 4
    assert host(ones * 2.0).tolist() == [2.0] * 4
    assert isinstance(bk.xp.reshape(ones, (2, 2)), Ones)
    assert isinstance(bk.xp.broadcast_to(bk.xp.reshape(ones, (1, 4)), (3, 4)), Ones)
    # backward(create_graph=True) seeds with an ordinary tensor of ones
    x = mg.tensor(da.arange(1.0, 4.0, chunks=2))
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    g.sum().backward()
    np.testing.assert_allclose(host(x.grad), 6 * np.arange(1.0, 4.0))


def test_the_saved_shape_is_a_plain_tuple_to_every_other_use():
    from xgrad.backends._dask import ChunkedShape

    bk = mg.backends.load("dask")
    a = da.ones((4, 6), chunks=(2, 3))
    s = bk.saved_shape(a)
    assert isinstance(s, ChunkedShape) and s == (4, 6) and s.chunks == a.chunks
    assert hash(s) == hash((4, 6)) and s[1:] == (6,) and type(s[1:]) is tuple
    import pickle

    t = pickle.loads(pickle.dumps(s))
    assert t == s and t.chunks == s.chunks
    # what dask cannot broadcast it still refuses, and a plain shape keeps dask's own chunks
    with pytest.raises(ValueError):
        bk.xp.broadcast_to(a, ChunkedShape((4, 5), ((4,), (5,))))
    assert bk.xp.broadcast_to(da.ones((1, 6), chunks=(1, 3)), (4, 6)).chunks == ((4,), (3, 3))
    assert mg.backends.of_namespace(bk.xp) is bk
    import array_api_compat.dask.array as stock

    assert mg.backends.of_namespace(stock) is bk
    # unknown chunk sizes: the plain shape
    u = a[a[:, 0] > 0]
    assert type(bk.saved_shape(u)) is tuple


# -- compute, persist ----------------------------------------------------------------------------
def test_compute_shares_the_forward_in_one_pass():
    x = mg.tensor(chunked(np.linspace(0.0, 1.0, 8)))
    f = mg.sum(mg.tanh(x) ** 2)
    f.backward()
    with counting() as calls:
        value, grad = mg.compute(f, x.grad)
    assert len(calls) == 1
    assert isinstance(value, mg.Tensor) and isinstance(grad, np.ndarray)
    with counting() as calls:
        x.grad.compute(), f.compute()
    assert len(calls) == 2


def test_compute_returns_numpy_backed_results_and_leaves_the_rest_alone():
    x = mg.tensor(chunked(np.array([1.0, 2.0])))
    c = mg.tensor(chunked(np.array([1.0, 2.0])), constant=True)
    n = mg.tensor([3.0])
    arr = np.array([4.0])
    tx, tc, tn, a, d, s = mg.compute(x, c, n, arr, da.ones(2, chunks=1), 5)
    assert tx.backend.name == "numpy" and not tx.constant and tx.creator is None
    assert tc.constant
    assert tn is n and a is arr and s == 5
    assert type(d) is np.ndarray and d.tolist() == [1.0, 1.0]
    assert mg.compute() == ()
    assert n.compute() is n and n.persist() is n


def test_tensor_compute_and_persist():
    x = mg.tensor(chunked(np.arange(4.0)))
    y = x * 3
    with lazy():
        repr(y)
    p = y.persist()
    assert p.backend.name == "dask" and isinstance(p.data, da.Array)
    with lazy():  # persisted: computing it needs no scheduler run of the old graph
        (p**2).sum().backward()
    assert p.compute().tolist() == [0.0, 3.0, 6.0, 9.0]
    (g,) = mg.compute(p.grad)
    np.testing.assert_allclose(g, 2 * np.array([0.0, 3.0, 6.0, 9.0]))


# -- selection, the backend object ----------------------------------------------------------------
def test_selection_by_argument_and_use_backend():
    t = mg.tensor([1.0, 2.0], backend="dask")
    assert t.backend.name == "dask" and isinstance(t.data, da.Array)
    with mg.use_backend("dask"):
        z = mg.zeros((2, 3))
        o = mg.ones_like(z)
        assert mg.get_backend().name == "dask"
    assert z.backend.name == o.backend.name == "dask"
    assert z.device == "cpu" and t.device == "cpu"
    bk = mg.backends.load("dask")
    assert bk.lazy and not bk.has_readonly and bk.multi_device
    has_cupy = importlib.util.find_spec("cupy") is not None
    assert bk.devices() == (["cpu", "cuda"] if has_cupy else ["cpu"])  # NumPy, CuPy chunks
    assert mg.backends.backend_of(da.ones(2)) is bk
    assert "dask" in mg.available_backends()
    with pytest.raises(ValueError, match="devices are 'cpu'.*'cuda'.*got device='tpu'"):
        mg.tensor([1.0], backend="dask", device="tpu")
    with pytest.raises(ValueError, match="one dask worker per GPU.*LocalCUDACluster"):
        mg.tensor([1.0], backend="dask", device="cuda:1")


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_dask_of_cupy_without_cupy_says_what_to_install():
    for spec in ("cuda", "gpu"):
        with pytest.raises(BackendUnavailableError, match=r"dask-of-CuPy.*xgrad\[cuda12\]"):
            mg.tensor([1.0], backend="dask", device=spec)
    with pytest.raises(BackendUnavailableError, match="dask-of-CuPy"):
        mg.backends.load("dask").xp.zeros(3, device="cuda")  # as a derivative rule would ask


def test_selection_by_environment_variable():
    env = dict(os.environ, XGRAD_BACKEND="dask")
    code = "import xgrad as mg; t = mg.tensor([1.0]); print(t.backend.name, type(t.data).__name__)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["dask", "Array"]


def test_import_xgrad_does_not_import_dask():
    code = "import sys, xgrad; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_memory_guard_does_nothing_and_assignments_cannot_corrupt_a_graph():
    a = chunked(np.arange(3.0))
    x = mg.tensor(a)
    a[0] = 10.0  # dask rebinds the object a: the tensor made from it keeps its values
    y = x * x
    assert mg.backends.load("dask").lock([x.data]) is None
    d = x.data
    assert isinstance(d, da.Array) and d is not x.data
    d[1] = 100.0  # rebinding t.data's object changes neither x nor what y's graph saved
    y.backward()
    np.testing.assert_allclose(host(x.grad), [0.0, 2.0, 4.0])
    np.testing.assert_allclose(x.numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(host(d), [0.0, 100.0, 2.0])


def test_setitem_moves_and_the_remaining_hooks():
    x0 = np.arange(4.0)
    with lazy():
        x = mg.tensor(chunked(x0))
        v = mg.tensor(chunked(np.array([5.0, 6.0])))
        y = x * 1
        y[1:3] = v * 2
        y[np.array([0])] = v[:1]
        (y**2).sum().backward()
    n = mg.tensor(x0)
    nv = mg.tensor([5.0, 6.0])
    ny = n * 1
    ny[1:3] = nv * 2
    ny[np.array([0])] = nv[:1]
    (ny**2).sum().backward()
    gx, gv = mg.compute(x.grad, v.grad)
    np.testing.assert_allclose(gx, n.grad)
    np.testing.assert_allclose(gv, nv.grad)
    with lazy():
        assert x.to_device("cpu", backend="dask").backend.name == "dask"
    on_numpy = x.to_device("cpu", backend="numpy")  # an explicit move computes
    assert on_numpy.backend.name == "numpy" and on_numpy.numpy().tolist() == x0.tolist()
    bk = mg.backends.load("dask")
    assert bk.version() == dask.__version__
    assert isinstance(bk.fix_result(np.float64(1.0)), da.Array)
    assert bk.to_host(np.float64(2.0)) == 2.0
    target = da.zeros((2, 3), chunks=1)
    out = bk.slice_add(target, (slice(None), slice(1, 3)), da.ones((2, 2)))
    assert host(out).tolist() == [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]


# -- the clear errors ---------------------------------------------------------------------------
def test_a_missing_dask_names_the_extra(monkeypatch):
    from xgrad import backends
    from xgrad.backends import _dask

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(backends._loaded, "dask", raising=False)
    with pytest.raises(BackendUnavailableError, match=r'pip install "xgrad\[dask\]"'):
        backends.load("dask")
    with pytest.raises(BackendUnavailableError, match=r"xgrad\[dask\]"):
        _dask._import_dask()


def test_boolean_mask_indexing_raises_a_clear_error():
    x = mg.tensor(chunked(np.arange(4.0)))
    with pytest.raises(NotImplementedError, match=r"boolean mask \(x\[mask\]\).*dask"):
        x[x > 1.0]


def test_indexing_by_a_dask_integer_array_has_the_right_shape():
    # dask itself reports shape (4,) for this (its value is [0])
    bk = mg.backends.load("dask")
    with lazy():
        out = bk.getitem(da.arange(4), (da.from_array(np.array([0])),))
        two = bk.getitem(
            da.ones((3, 4), chunks=2), (slice(None), da.from_array(np.array([[1], [3]])))
        )
    assert out.shape == (1,) and host(out).tolist() == [0]
    assert two.shape == (3, 2, 1) == host(two).shape


def test_integer_array_assignments_dask_lacks_run_as_one_lazy_task():
    bk = mg.backends.load("dask")
    key = (np.array([[0, 1]]), da.from_array(np.array([[0, 2]])))
    with lazy():
        out = bk.scatter_set(da.zeros((3, 3), chunks=2), key, 1.0)
    assert out.chunks == ((2, 1), (2, 1))
    assert host(out).tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    with pytest.raises(NotImplementedError, match=r"setitem \(x\[key\] = v\).*unknown chunk"):
        a = da.arange(4.0, chunks=2)
        bk.scatter_set(a[a > 1.0], (np.array([0]),), 1.0)


def test_scatter_add_with_unknown_chunk_sizes_raises_a_clear_error():
    bk = mg.backends.load("dask")
    a = da.from_array(np.arange(4.0), chunks=2)
    unknown = a[a > 1.0]  # dask: unknown chunk sizes
    with pytest.raises(NotImplementedError, match="scatter_add.*unknown chunk sizes"):
        bk.scatter_add(da.zeros(4), (np.array([0, 1]),), unknown)


# -- linalg: NumPy's routines matrix by matrix ----------------------------------------------------
def _spd_stack(rng: Any, shape: tuple) -> np.ndarray:
    a = rng.normal(size=shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def test_linalg_runs_numpys_routines_per_matrix_lazily_on_any_chunks():
    """The backend's ``xp.linalg`` on stacks of matrices chunked along every axis (the
    matrix axes too): lazy, parallel over chunks of the batch, NumPy's values exactly."""
    import array_api_compat.numpy.linalg as nl

    dl = mg.backends.load("dask").xp.linalg
    rng = np.random.default_rng(1)
    c = rng.normal(size=(3, 3, 2))  # 3-vectors along axis 0
    host = {
        "a": _spd_stack(rng, (4, 3, 3)),
        "tall": rng.normal(size=(4, 5, 3)),
        "b": rng.normal(size=(4, 3, 2)),
        "v": rng.normal(size=3),
        "rtol": np.array([1e-15, 0.5, 1e-15, 0.9]),  # one per matrix
        "c": c,
        "d": np.broadcast_to(c[:, :1] ** 2, (3, 1, 2)),
    }
    cases = {
        "inv": lambda L, x: L.inv(x["a"]),
        "det": lambda L, x: L.det(x["a"]),
        "slogdet": lambda L, x: tuple(L.slogdet(x["a"])),
        "solve": lambda L, x: L.solve(x["a"], x["b"]),
        "solve (vector)": lambda L, x: L.solve(x["a"], x["v"]),
        "pinv": lambda L, x: L.pinv(x["tall"]),
        "pinv (rtol per matrix)": lambda L, x: L.pinv(x["tall"], rtol=x["rtol"]),
        "matrix_rank": lambda L, x: L.matrix_rank(x["tall"], rtol=x["rtol"]),
        "matrix_norm": lambda L, x: L.matrix_norm(x["tall"], ord=2, keepdims=True),
        "cholesky": lambda L, x: L.cholesky(x["a"]),
        "cholesky (upper)": lambda L, x: L.cholesky(x["a"], upper=True),
        "qr": lambda L, x: tuple(L.qr(x["tall"])),
        "qr (complete)": lambda L, x: tuple(L.qr(x["tall"], mode="complete")),
        "eigh": lambda L, x: tuple(L.eigh(x["a"])),
        "eigvalsh": lambda L, x: L.eigvalsh(x["a"]),
        "svd": lambda L, x: tuple(L.svd(x["tall"], full_matrices=False)),
        "svd (full)": lambda L, x: tuple(L.svd(x["tall"])),
        "svdvals": lambda L, x: L.svdvals(x["tall"]),
        "cross": lambda L, x: L.cross(x["c"][:, None], x["d"], axis=0),
    }
    with lazy():
        args = {k: da.from_array(v, chunks=2) for k, v in host.items()}
        got = {k: f(dl, args) for k, f in cases.items()}
        inv = got["inv"]
        assert len(inv.chunks[0]) > 1 and inv.chunks[1:] == ((3,), (3,))
    values = dict(zip(got, mg.compute(*got.values()), strict=True))
    for k, f in cases.items():
        expected = f(nl, host)
        got, expected = ((v if isinstance(v, tuple) else (v,)) for v in (values[k], expected))
        for g, e in zip(got, expected, strict=True):
            assert g.shape == e.shape and g.dtype == e.dtype, k
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12, err_msg=k)
    assert values["matrix_rank"].tolist() == [3, 2, 3, 1]  # the tolerance per matrix counts


def test_linalg_refuses_what_the_standard_refuses():
    dl = mg.backends.load("dask").xp.linalg
    with pytest.raises(ValueError, match="qr: mode must be 'reduced' or 'complete'"):
        dl.qr(da.ones((2, 2)), mode="r")
    with pytest.raises(ValueError, match="linalg.svd needs an array of at least 2 dim"):
        dl.svd(da.ones(3))
    with pytest.raises(ValueError, match="cross: axis -1 must have size 3"):
        dl.cross(da.ones((2, 4)), da.ones(4))
    with pytest.raises(ValueError, match="cross: axis 2 is out of range"):
        dl.cross(da.ones((3, 3)), da.ones(3), axis=2)


def test_empty_selections_write_nothing_lazily():
    # dask's own __setitem__ rejects an empty selection; xgrad writes nothing there
    with lazy():
        x = mg.tensor(chunked(np.arange(6.0).reshape(3, 2)))
        v = mg.tensor(chunked(np.zeros((0, 2))))
        y = x * 1
        y[3:] = 5.0
        y[1:1] = v
        z = y[2:] * 2  # then getitem's gradient into zeros, written where the key selects
        (mg.sum(y**2) + mg.sum(x[3:]) + mg.sum(z)).backward()
    gx, gv, vy = mg.compute(x.grad, v.grad, y)
    np.testing.assert_allclose(vy.numpy(), np.arange(6.0).reshape(3, 2))
    np.testing.assert_allclose(gx, 2 * np.arange(6.0).reshape(3, 2) + [[0, 0], [0, 0], [2, 2]])
    assert gv.shape == (0, 2)


def test_setitem_under_a_boolean_mask_is_lazy_and_the_values_gradient_raises_clearly():
    x0 = np.array([0.0, 1.0, 3.0, 1.0])
    mask0 = x0 > 0.5

    def run(make: Any) -> Any:
        x = mg.tensor(make(x0))
        y = x * 2
        y[make(mask0)] = make(np.array([5.0, 6.0, 7.0]))  # dask computes where these go
        y[make(~mask0)] = -1.0
        (y**2 * x).sum().backward()
        return y, x.grad

    expected = run(np.asarray)
    with lazy():
        got = run(chunked)
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)
    with lazy():
        v = mg.tensor(chunked(np.array([5.0, 6.0, 7.0])))
        y = mg.tensor(chunked(x0)) * 1
        y[chunked(mask0)] = v
        with pytest.raises(NotImplementedError, match="getitem with a boolean mask") as info:
            y.sum().backward()  # v's gradient is g[mask]: of a length dask does not know
    assert "the derivative of 'setitem'" in " ".join(getattr(info.value, "__notes__", []))


@pytest.mark.parametrize(
    "write",
    [
        lambda y, t: y.__setitem__(y > 5.0, 0.0),  # a mask over the whole 3-d array
        lambda y, t: y.__setitem__((t[..., 0] > 5.0).data, -1.0),  # over the first two axes
        lambda y, t: y.__setitem__(((t[..., 0] > 5.0).data, slice(1, None)), -1.0),
        lambda y, t: y.__setitem__((1, (t[0] > 5.0).data), 2.0),
    ],
    ids=["whole", "2-d of 3-d", "2-d and a slice", "int and 2-d"],
)
def test_setitem_of_a_number_under_a_multidimensional_mask_is_lazy_and_matches_numpy(write):
    # dask's __setitem__ reads a mask inside a tuple key as integer indices (IndexError)
    x0 = np.arange(1.0, 25.0).reshape(2, 3, 4)

    def run(make: Any) -> Any:
        t = mg.tensor(make(x0))
        y = t * 1.0
        write(y, t)
        (y**2 * t).sum().backward()
        return y, t.grad

    expected = run(np.asarray)
    with lazy():
        got = run(lambda a: da.from_array(a, chunks=(1, 2, 3)))
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


@pytest.mark.parametrize(
    ("shape", "new", "chunks"),
    [
        ((2, 3), (3, 2), 1),  # dask reshapes only by merging or splitting axes evenly
        ((6, 5, 4), (4, 5, 6), (2, 2, 3)),
        ((4, 6), (8, 3), 2),
        ((2, 3), (-1, 2), 1),
        ((2, 0, 4), (-1,), 1),  # and not at all with an empty axis
        ((0, 3), (3, 0), 1),
        ((2, 0), (0, 5), 1),
    ],
)
def test_reshape_takes_every_shape_lazily(shape: tuple, new: tuple, chunks: Any):
    x0 = np.arange(float(math.prod(shape))).reshape(shape)
    w = np.arange(x0.size, dtype=float).reshape(np.reshape(x0, new).shape) - 2.0

    def run(make: Any) -> tuple:
        x = mg.tensor(make(x0))
        y = mg.reshape(x, new)
        (y * make(w)).sum().backward()
        return y, x.grad

    expected = run(np.asarray)
    with lazy():
        got = run(lambda a: da.from_array(a, chunks=chunks))
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


@pytest.mark.parametrize(
    "key",
    [
        (1, slice(None, None, -2)),  # dask's setitem: IndexError for an int, then a step < 0
        (-1, slice(2, None, -2)),
        (None, 0, Ellipsis, slice(3, 0, -1)),  # and it takes no None
        (Ellipsis, -2),
        (slice(None, None, -1), 1),
    ],
    ids=str,
)
def test_basic_assignments_and_getitem_gradients_dask_gets_wrong(key: tuple):
    x0, v0 = np.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(3, 4)[key] + 100.0

    def run(make: Any) -> tuple:
        x, v = mg.tensor(make(x0)), mg.tensor(make(v0))
        y = x * 1
        y[key] = v
        (mg.sum(y**2) + mg.sum(x[key] * 3)).backward()  # x[key]'s gradient writes g at key
        return y, x.grad, v.grad

    expected = run(np.asarray)
    with lazy():
        got = run(chunked)
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


@pytest.mark.parametrize(("n", "m", "k"), [(3, 4, 0), (3, 4, 1), (2, 9, -1), (1, 7, 3), (4, 3, 2)])
def test_eye_with_more_columns_than_rows_computes(n: int, m: int, k: int):
    # dask's own eye(3, M=4) builds a graph with a block missing ("Missing dependency")
    with lazy():
        e = mg.eye(n, m, k=k, backend="dask")
    assert e.shape == (n, m)
    np.testing.assert_array_equal(e.numpy(), np.eye(n, m, k=k))


def test_gradients_through_unknown_chunk_sizes_raise_a_clear_error():
    # a least-squares loss on filtered rows (unknown row count, as after a dataframe's
    # to_dask_array()): dask's own errors were "cannot broadcast shape (nan,) to shape (nan,)",
    # "'float' object cannot be interpreted as an integer", "cannot convert float NaN"
    rng = np.random.default_rng(0)
    xs = da.from_array(rng.normal(size=(10, 3)), chunks=(5, 3))
    rows = xs[xs[:, 0] > -0.5]
    assert math.isnan(rows.shape[0])
    with lazy():
        for reduce in (mg.sum, mg.mean, mg.var, mg.prod):
            w = mg.tensor(da.from_array(rng.normal(size=3), chunks=3))
            loss = reduce(mg.matmul(mg.tensor(rows, constant=True), w))
            with pytest.raises(NotImplementedError, match=r"unknown chunk sizes.*compute_chunk"):
                loss.backward()
        t = mg.tensor(rows)
        with pytest.raises(NotImplementedError, match=r"slicing.*unknown.*compute_chunk_sizes"):
            t[1:3]
        with pytest.raises(NotImplementedError, match=r"integer array.*unknown chunk sizes"):
            t[np.array([0, 1])]
    value = mg.sum(t[:] * 2.0).compute()  # forward passes still work, lazily
    np.testing.assert_allclose(value.numpy(), 2 * rows.sum().compute())


def test_numpy_scalars_of_any_type_are_numbers_not_another_backends_data():
    # np.float64 was a number, but np.float32, np.int64 (np.prod(shape)) and xgrad.float32(...)
    # raised BackendMismatchError ("move one operand with t.to_device(...)")
    x0 = np.arange(6.0).reshape(2, 3)
    with lazy():
        t = mg.tensor(chunked(x0))
        y = (t / np.prod(t.shape)).sum() * mg.float32(2) + np.int32(1) - np.float16(0.5)
        y.backward()
    value, grad = mg.compute(y, t.grad)
    np.testing.assert_allclose(value.numpy(), x0.sum() / 3 + 0.5)
    np.testing.assert_allclose(grad, np.full((2, 3), 1 / 3))
    with pytest.raises(mg.errors.BackendMismatchError):
        t * np.array(2.0)  # a 0-d array is data, as before


def test_negative_log_likelihood_takes_numpy_weights_as_it_takes_numpy_labels():
    rng = np.random.default_rng(0)
    x0, labels, weights = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6), np.arange(1.0, 5.0)

    def run(make: Any) -> Any:
        x = mg.tensor(make(x0))
        loss = mg.nnet.negative_log_likelihood(mg.nnet.logsoftmax(x), labels, weights=weights)
        loss.backward()
        return loss, x.grad

    expected = run(np.asarray)
    with lazy():
        got = run(chunked)
    for g, e in zip(mg.compute(*got), expected, strict=True):
        _close(g, e)


# -- keys whose values are on the host; products' dtypes ------------------------------------------
def test_a_numpy_boolean_mask_indexes_lazily_as_its_nonzero_indices():
    """A host (NumPy) mask's values are known: ``x[mask]`` is ``x[mask.nonzero()]``, lazily,
    with gradients; only a Dask-array mask (values unknown) raises."""
    a = np.arange(12.0).reshape(3, 4)
    cols = np.array([True, False, True, True])
    for key in ((slice(None), cols), (a > 5,), (np.array([0, 2]), np.array([1, 1, 0, 0], bool))):
        with lazy():
            t = mg.tensor(chunked(a))
            y = t[key]
            (y * y).sum().backward()
            u = mg.tensor(chunked(a)) * 1.0
            u[key] = -1.0
        n = mg.tensor(a)
        yn = n[key]
        (yn * yn).sum().backward()
        un = n.copy()
        un[key] = -1.0
        got, grad, assigned = mg.compute(y, t.grad, u)
        np.testing.assert_array_equal(got.numpy(), yn.numpy())
        np.testing.assert_array_equal(grad, n.grad)
        np.testing.assert_array_equal(assigned.numpy(), un.numpy())


def test_an_out_of_bounds_numpy_index_raises_when_indexing_not_when_computing():
    t = mg.tensor(chunked(np.arange(3.0)))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 3"):
        t[np.array([0, 5])]
    m = mg.tensor(chunked(np.zeros((2, 4))))
    with pytest.raises(IndexError, match="index -5 is out of bounds for axis 1 with size 4"):
        m[..., [-5]]


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.bool_])
def test_products_keep_numpys_dtype_over_several_chunks(dtype: Any):
    """Regression: Dask sums a chunked contraction's parts with ``sum``, which made
    ``int32 @ int32`` an ``int64`` (and ``bool @ bool`` counts)."""
    a, b = np.ones((4, 3), dtype), np.ones((3, 2), dtype)
    with lazy():
        x, y = mg.tensor(chunked(a)), mg.tensor(da.from_array(b, chunks=2))
        outs = [mg.matmul(x, y), mg.tensordot(x, y, axes=1), mg.einsum("ij,jk->ik", x, y)]
    for got in mg.compute(*outs):
        want = np.matmul(a, b)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.numpy(), want)


def test_compute_traverses_lists_tuples_and_dicts_in_one_pass():
    x = mg.tensor(chunked(np.arange(4.0)))
    loss = (x**2).sum()
    loss.backward()
    with counting() as calls:
        (out,) = mg.compute({"loss": loss, "grads": [x.grad, (x.grad, 3)]})
    assert len(calls) == 1
    assert out["loss"].item() == 14.0 and out["grads"][1][1] == 3
    np.testing.assert_array_equal(out["grads"][0], [0.0, 2.0, 4.0, 6.0])
    assert isinstance(out["grads"][1], tuple) and isinstance(out["grads"][1][0], np.ndarray)


def test_dask_arrays_share_no_memory():
    """Regression: ``shares_memory`` raised TypeError on Dask. Immutable graphs share none:
    writing into a view rebinds it, and the base keeps its values."""
    t = mg.tensor(chunked(np.arange(4.0)))
    assert not mg.shares_memory(t, t[1:]) and not mg.may_share_memory(t, t[1:])
    d = t.data
    v = d[1:]
    v[0] = 100.0
    np.testing.assert_array_equal(mg.compute(d)[0], np.arange(4.0))


def test_an_index_tensor_of_another_backend_names_the_call_that_fixes_it():
    """Regression: the advice printed a placeholder (``<the dask operand's device>``)."""
    t = mg.tensor(chunked(np.arange(4.0)))
    with pytest.raises(mg.errors.BackendMismatchError) as info:
        t[mg.tensor(np.array([0, 2]))]
    assert "t.to_device('cpu', backend='dask')" in str(info.value)
    assert "<" not in str(info.value)
