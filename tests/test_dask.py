"""The Dask backend: laziness (nothing computes before the user asks), values and gradients
equal to the NumPy backend's, ``xgrad.compute`` / ``Tensor.compute`` / ``Tensor.persist``,
selection, and the clear errors for what dask cannot do.

Laziness is proved with a scheduler that raises: inside ``dask.config.set(scheduler=...)``
any computation fails the test, so building the forward and backward passes there shows
that they only build graphs.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import xgrad as mg  # noqa: E402
from op_table import ROWS, Row  # noqa: E402
from test_ops import cases  # noqa: E402
from xgrad._op import OPS  # noqa: E402
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


# -- the op table ---------------------------------------------------------------------------------
def _kind(r: Row) -> str | None:
    op = OPS.get(r.name.split(" ")[0])
    return op.kind if op is not None else None


LAZY_ROWS = [r for r in ROWS if _kind(r) in ("elementwise", "reduction")]


def _run(r: Row, arrays: list, params: dict, make: Any, w: np.ndarray | None) -> tuple:
    tensors = [mg.tensor(make(a)) for a in arrays]
    params = {k: make(v) if isinstance(v, np.ndarray) else v for k, v in params.items()}
    out = r.fn(*tensors, **params)
    grads: list = []
    if r.grad and w is not None:
        out.backward(make(w.astype(out.dtype)))
        grads = [t.grad for t in tensors]
    return out, grads


@pytest.mark.parametrize("r", LAZY_ROWS, ids=lambda r: r.name.replace(" ", "_"))
def test_op_table_rows_are_lazy_and_match_numpy(r: Row):
    assert not any(k in r.extra for k in ("tensor_params",))

    @settings(max_examples=2, deadline=None, derandomize=True, database=None)
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        expected = np.asarray(r.ref(*arrays, **params))
        w = np.random.default_rng(seed).uniform(-1, 1, size=expected.shape)
        ref_out, ref_grads = _run(r, arrays, params, np.asarray, w)
        with lazy():
            out, grads = _run(r, arrays, params, chunked, w)
            assert out.backend.name == "dask"
        got_out, *got_grads = mg.compute(out, *grads)
        np.testing.assert_allclose(got_out.numpy(), ref_out.numpy(), rtol=1e-12, atol=1e-12)
        for g, rg in zip(got_grads, ref_grads, strict=True):
            assert g.shape == rg.shape and g.dtype == rg.dtype
            np.testing.assert_allclose(g, rg, rtol=1e-12, atol=1e-12)

    check()


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
    assert bk.lazy and not bk.has_readonly and not bk.multi_device
    assert bk.devices() == ["cpu"]
    assert mg.backends.backend_of(da.ones(2)) is bk
    assert "dask" in mg.available_backends()
    with pytest.raises(ValueError, match="one device, 'cpu'"):
        mg.tensor([1.0], backend="dask", device="cuda")


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
    with pytest.raises(NotImplementedError, match="boolean-mask indexing.*dask"):
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
