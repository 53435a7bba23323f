"""``xgrad.compile``: tracing, replay, the graph node, the tracing errors, the cache, and the
composition with ``xgrad.func`` (every op-table row is in ``test_compile_ops.py``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import xgrad as mg
from xgrad._compile import _program
from xgrad.errors import RetraceWarning, TracingError


def f_issue(x: Any, w: Any) -> Any:
    return mg.sum(mg.sin(x * w) * mg.exp(-x / 3))


def _pair(xb: Any, fn: Any, *arrays: np.ndarray) -> tuple:
    """(value, grads) of ``fn`` eagerly and compiled, on fresh tensors of ``xb``."""
    out = []
    for f in (fn, mg.compile(fn)):
        ts = [mg.tensor(xb.array(a)) for a in arrays]
        y = f(*ts)
        y.backward()
        out.append((y, [t.grad for t in ts]))
    return out[0], out[1]


def test_the_issues_example_matches_eager_on_every_backend(xb: Any) -> None:
    x0, w0 = np.linspace(0.0, 2.0, 7), np.array(1.5)
    (ey, eg), (cy, cg) = _pair(xb, f_issue, x0, w0)
    assert isinstance(cy, mg.Tensor) and cy.backend is xb.backend and cy.device == xb.device
    np.testing.assert_allclose(xb.host(cy), xb.host(ey), rtol=1e-14)
    for a, b in zip(cg, eg, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(xb.host(a), xb.host(b), rtol=1e-13, atol=1e-15)


def test_later_calls_replay_the_program_without_tracing() -> None:
    f = mg.compile(f_issue)
    for k in range(4):
        x, w = mg.tensor(np.linspace(0.0, 1.0 + k, 5)), mg.tensor(2.0 - k)
        y = f(x, w)
        y.backward()
        x2, w2 = mg.tensor(np.linspace(0.0, 1.0 + k, 5)), mg.tensor(2.0 - k)
        e = f_issue(x2, w2)
        e.backward()
        np.testing.assert_allclose(y.item(), e.item(), rtol=1e-14)
        np.testing.assert_allclose(x.grad, x2.grad, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(w.grad, w2.grad, rtol=1e-13, atol=1e-15)
    assert f.traces == 1


def test_the_call_is_one_node_of_the_eager_graph() -> None:
    f = mg.compile(f_issue)
    x, w = mg.tensor(np.linspace(0.0, 1.0, 5)), mg.tensor(2.0)
    y = f(x, w)
    assert y.creator.op.kind == "compiled"
    assert [p.op for p in y.creator.parents] == [None, None]  # the leaves x and w
    z = 3.0 * y + mg.sum(x)  # eager ops on either side of the compiled call
    z.backward()
    x2, w2 = mg.tensor(np.linspace(0.0, 1.0, 5)), mg.tensor(2.0)
    (3.0 * f_issue(x2, w2) + mg.sum(x2)).backward()
    np.testing.assert_allclose(x.grad, x2.grad, rtol=1e-13)
    np.testing.assert_allclose(w.grad, w2.grad, rtol=1e-13)


def test_retraces_on_new_shapes_dtypes_constant_flags_and_values() -> None:
    f = mg.compile(lambda x, k: x * k)
    f(mg.tensor([1.0, 2.0]), 2.0)
    f(mg.tensor([3.0, 4.0]), 2.0)
    assert f.traces == 1
    f(mg.tensor([1.0, 2.0, 3.0]), 2.0)  # shape
    f(mg.tensor([1.0, 2.0], dtype="float32"), 2.0)  # dtype
    f(mg.tensor([1.0, 2.0], constant=True), 2.0)  # constant flag
    y = f(mg.tensor([1.0, 2.0]), 3.0)  # a non-tensor argument, by value
    assert f.traces == 5
    np.testing.assert_array_equal(y.data, [3.0, 6.0])
    with mg.no_autodiff:  # the grad mode
        f(mg.tensor([1.0, 2.0]), 2.0)
    assert f.traces == 6


def test_float32_stays_float32_and_numpy2_promotion_is_kept() -> None:
    f = mg.compile(lambda x: mg.sum(mg.exp(x * 0.5) + 1))
    x = mg.tensor(np.ones(3, dtype=np.float32))
    y = f(x)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_the_cache_is_bounded_and_retracing_warns() -> None:
    f = mg.compile(lambda x: x * 2, cache_size=3, warn_after=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in range(1, 5):
            f(mg.tensor(np.ones(n)))
    assert len(f._cache) == 3
    with pytest.warns(RetraceWarning, match="traced 5 times"):
        f(mg.tensor(np.ones(5)))


@pytest.mark.parametrize(
    "body, what",
    [
        (lambda x: x if x > 0 else -x, "bool"),
        (lambda x: x * float(x), "float"),
        (lambda x: x * x.item(), "item"),
        (lambda x: mg.tensor(x.data * 2), ".data"),
        (lambda x: mg.tensor(np.asarray(x) * 2), "numpy.asarray"),
        (lambda x: x[: int(mg.sum(x))], "int"),
    ],
    ids=["if", "float", "item", "data", "asarray", "index"],
)
def test_asking_for_a_traced_value_raises_naming_the_line(body: Any, what: str) -> None:
    f = mg.compile(body)
    with pytest.raises(TracingError) as info:
        f(mg.tensor(2.0))
    msg = str(info.value)
    assert "test_compile.py" in msg and "xgrad.where" in msg


def test_random_numbers_inside_a_compiled_function_raise() -> None:
    f = mg.compile(lambda x: x + mg.random.rand(*x.shape))
    with pytest.raises(TracingError, match="random"):
        f(mg.tensor([1.0, 2.0]))


def test_a_closed_over_tensor_that_needs_a_gradient_raises() -> None:
    w = mg.tensor([1.0, 2.0])
    f = mg.compile(lambda x: mg.sum(x * w))
    with pytest.raises(TracingError, match="pass the tensor as an argument"):
        f(mg.tensor([3.0, 4.0]))


def test_closed_over_constants_and_tensors_made_inside_are_constants_of_the_program() -> None:
    c = mg.tensor([1.0, 2.0], constant=True)
    f = mg.compile(lambda x: mg.sum(x * c * mg.arange(1.0, 3.0)))
    x = mg.tensor([3.0, 4.0])
    f(x).backward()
    np.testing.assert_array_equal(x.grad, [1.0, 4.0])


def test_in_place_operations_and_views_inside_are_replayed() -> None:
    def g(x: Any) -> Any:
        y = x * 1.0
        y[1:] += y[:-1]  # an in-place write through a view
        y *= 2.0
        return y

    f = mg.compile(g)
    for k in range(2):
        x0 = np.arange(1.0, 5.0) * (k + 1)
        x1, x2 = mg.tensor(x0), mg.tensor(x0)
        a, b = f(x1), g(x2)
        np.testing.assert_array_equal(a.data, b.data)
        a.backward(np.arange(4.0))
        b.backward(np.arange(4.0))
        np.testing.assert_array_equal(x1.grad, x2.grad)


def test_backward_inside_the_function_the_tutorial_step() -> None:
    @mg.compile
    def step(x: Any) -> Any:
        f = (x - 8.0) ** 2
        f.backward()
        return x - 0.3 * x.grad

    x, xe = mg.tensor(-1.5), mg.tensor(-1.5)
    for _ in range(5):
        x = step(x)
        f = (xe - 8.0) ** 2
        f.backward()
        xe = xe - 0.3 * xe.grad
        assert x.item() == pytest.approx(xe.item(), rel=1e-15)
    assert step.traces == 1


def test_value_and_grad_compiled_is_one_program() -> None:
    def loss(w: Any, X: Any, y: Any) -> Any:
        return mg.mean((X @ w - y) ** 2)

    rng = np.random.default_rng(0)
    X, y, w = rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=3)
    vg = mg.compile(mg.func.value_and_grad(loss))
    v, g = vg(w, X, y)
    ev, eg = mg.func.value_and_grad(loss)(w, X, y)
    np.testing.assert_allclose(v.data, ev.data, rtol=1e-14)
    np.testing.assert_allclose(g.data, eg.data, rtol=1e-13)
    src = vg.source()
    assert "backward" not in src  # the arrays need no gradient: a forward program only


def test_composes_with_func_grad_hessian_and_jvp() -> None:
    cf = mg.compile(lambda x: mg.sum(mg.sin(x) * x**3))
    ef = lambda x: mg.sum(mg.sin(x) * x**3)
    x = mg.tensor([0.5, 1.5])
    np.testing.assert_allclose(mg.func.grad(cf)(x).data, mg.func.grad(ef)(x).data, rtol=1e-14)
    np.testing.assert_allclose(mg.func.hessian(cf)(x).data, mg.func.hessian(ef)(x).data, rtol=1e-13)
    t = mg.tensor([1.0, -1.0])
    for a, b in zip(mg.func.jvp(cf, (x,), (t,)), mg.func.jvp(ef, (x,), (t,)), strict=True):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14)


def test_higher_order_through_a_compiled_call_records_the_function_again() -> None:
    cf = mg.compile(lambda x: mg.sum(x**3))
    x = mg.tensor([1.0, 2.0])
    cf(x).backward(create_graph=True)
    g = x.grad
    np.testing.assert_array_equal(g.data, [3.0, 12.0])
    mg.sum(g).backward()
    np.testing.assert_array_equal(x.grad, [6.0, 12.0])


def test_several_outputs_and_pytrees() -> None:
    @mg.compile
    def f(params: dict, x: Any) -> tuple:
        h = mg.tanh(x @ params["w"] + params["b"])
        return {"out": mg.sum(h)}, h

    rng = np.random.default_rng(1)
    p = {"w": mg.tensor(rng.normal(size=(3, 2))), "b": mg.tensor(np.zeros(2))}
    x = mg.tensor(rng.normal(size=(4, 3)), constant=True)
    d, h = f(p, x)
    (d["out"] + mg.sum(h * 2.0)).backward()
    pe = {"w": mg.tensor(p["w"].data), "b": mg.tensor(np.zeros(2))}
    he = mg.tanh(x @ pe["w"] + pe["b"])
    (mg.sum(he) + mg.sum(he * 2.0)).backward()
    np.testing.assert_allclose(p["w"].grad, pe["w"].grad, rtol=1e-13)
    np.testing.assert_allclose(p["b"].grad, pe["b"].grad, rtol=1e-13)


def test_tutorial_functions_compiled() -> None:
    from test_dask import TUTORIAL  # the MyGrad tutorial's functions

    x0 = np.linspace(0.5, 3.0, 6)
    for name, fn in TUTORIAL.items():
        cf = mg.compile(fn)
        x1, x2 = mg.tensor(x0), mg.tensor(x0)
        a, b = cf(x1), fn(x2)
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14, err_msg=name)
        a.backward()
        b.backward()
        np.testing.assert_allclose(x1.grad, x2.grad, rtol=1e-13, err_msg=name)


def test_generated_source_holds_op_names_and_numbers_only() -> None:
    f = mg.compile(lambda x: mg.linalg.norm(x, ord="fro") * 2.5)
    f(mg.tensor(np.ones((2, 2))))
    src = f.source()
    assert "fro" not in src  # a user's string is a named constant, never text
    assert "2.5" in src


def test_buffer_reuse_never_writes_into_inputs_or_saved_values() -> None:
    f = mg.compile(lambda x: mg.sum(mg.exp(mg.sin(x) * 2.0) + x))
    x0 = np.linspace(0.0, 1.0, 6)
    x = mg.tensor(x0.copy())
    y = f(x)
    y.backward()
    np.testing.assert_array_equal(x.data, x0)
    assert "out=" in f.source()
    xe = mg.tensor(x0.copy())
    mg.sum(mg.exp(mg.sin(xe) * 2.0) + xe).backward()
    np.testing.assert_allclose(x.grad, xe.grad, rtol=1e-14)


# -- fusion (the CuPy code path, checked through its source and its NumPy form) -----------------
def test_fused_kernel_source_of_the_issues_function() -> None:
    vg = mg.compile(mg.func.value_and_grad(lambda x: mg.sum(mg.sin(x) * mg.exp(-x / 3))))
    saved = _program.FUSE_ON_NUMPY
    _program.FUSE_ON_NUMPY = True
    try:
        x0 = np.linspace(0.0, 10.0, 11)
        v, g = vg(x0)
    finally:
        _program.FUSE_ON_NUMPY = saved
    fused = vg._last.forward.fused
    kinds = [type(k).__name__ for k in fused]
    assert kinds == ["Reduction", "Group"]  # value: one reduction; gradient: one kernel
    red, grp = fused
    assert red.map_expr.count("sin(v0)") == 1 and "exp(" in red.map_expr
    assert grp.in_params == "double v0" and grp.out_params.startswith("double o")
    assert "cos(v0)" in grp.cuda_source and "((double)3.0)" in grp.cuda_source
    ev, eg = mg.func.value_and_grad(lambda x: mg.sum(mg.sin(x) * mg.exp(-x / 3)))(x0)
    np.testing.assert_allclose(v.data, ev.data, rtol=1e-14)
    np.testing.assert_allclose(g.data, eg.data, rtol=1e-14)


def test_float32_kernels_cast_their_literals() -> None:
    saved = _program.FUSE_ON_NUMPY
    _program.FUSE_ON_NUMPY = True
    try:
        f = mg.compile(lambda x: mg.exp(x * 0.1) + x)
        y = f(mg.tensor(np.ones(4, dtype=np.float32), constant=True))
    finally:
        _program.FUSE_ON_NUMPY = saved
    (grp,) = f._last.forward.fused
    assert "((float)0.1)" in grp.cuda_source and "double" not in grp.cuda_source
    assert y.dtype == np.float32


def test_compiled_on_dask_stays_lazy_and_matches_numpy() -> None:
    da = pytest.importorskip("dask.array")
    import dask

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("computed before the user asked")

    f = mg.compile(f_issue)
    with dask.config.set(scheduler=refuse):
        x = mg.tensor(da.linspace(0.0, 2.0, 9, chunks=4))
        w = mg.tensor(da.from_array(np.array(1.5)))
        y = f(x, w)
        y.backward()
    value, gx, gw = mg.compute(y, x.grad, w.grad)
    xe, we = mg.tensor(np.linspace(0.0, 2.0, 9)), mg.tensor(1.5)
    ye = f_issue(xe, we)
    ye.backward()
    np.testing.assert_allclose(value.data, ye.data, rtol=1e-14)
    np.testing.assert_allclose(gx, xe.grad, rtol=1e-13)
    np.testing.assert_allclose(gw, we.grad, rtol=1e-13)


def test_compiling_on_dask_never_reads_a_constants_values() -> None:
    # folding x * ones reads the constant's values: on Dask that computed a closed-over array
    # while tracing, and a raising scheduler could not see it (the check swallowed the error)
    da = pytest.importorskip("dask.array")
    import dask

    calls = []

    def count(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return dask.get(*args, **kwargs)

    c = mg.tensor(da.from_array(np.arange(1.0, 4.0), chunks=2), constant=True)
    f = mg.compile(lambda w: mg.sum(mg.sin(w * c) * mg.ones(3, backend="dask")))
    with dask.config.set(scheduler=count):
        w = mg.tensor(da.from_array(np.ones(3), chunks=2))
        y = f(w)
        y.backward()
    assert calls == []
    we = mg.tensor(np.ones(3))
    ye = mg.sum(mg.sin(we * np.arange(1.0, 4.0)))
    ye.backward()
    value, grad = mg.compute(y, w.grad)
    np.testing.assert_allclose(value.data, ye.data, rtol=1e-14)
    np.testing.assert_allclose(grad, we.grad, rtol=1e-14)
