"""Forward and gradient tests for every row of the op-test table, on every backend.

Forward: xgrad's result equals the NumPy reference (float64, on the host).
Gradient: for a random output weighting ``w``, ``f.backward(w)`` gives, for every input, the
float64 central finite difference of ``sum(w * ref(...))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xgrad as xg
from conftest import DASK_RAISES, skip_on_dask
from op_table import ROWS, Row, _domains
from xgrad.func import jvp, vjp
from xgrad.testing import check_grads

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3, 4)),
    ((2, 2, 3), (2, 3, 1)),
    ((1, 2, 3), (4, 3, 2)),
    ((3,), (2, 3, 2)),
    ((2, 2, 3), (3,)),
]


@st.composite
def cases(draw: Any, r: Row) -> tuple[list[np.ndarray], dict]:
    """Inputs (host float64 arrays) and parameters for one row."""
    if r.shapes == "broadcast":
        shapes = list(
            draw(
                hnp.mutually_broadcastable_shapes(
                    num_shapes=r.nargs, min_dims=r.min_dims, max_dims=r.max_dims, max_side=4
                )
            ).input_shapes
        )
    elif r.shapes == "matmul":
        shapes = list(draw(st.sampled_from(MATMUL_SHAPES)))
    else:
        shape = draw(
            hnp.array_shapes(
                min_dims=r.min_dims, max_dims=r.max_dims, min_side=r.min_side, max_side=4
            )
        )
        shapes = [shape] * r.nargs
    arrays = []
    for shape, (lo, hi) in zip(shapes, _domains(r), strict=True):
        elements = st.floats(lo, hi, allow_nan=False, allow_subnormal=False)
        if r.extra.get("zeros"):
            elements = st.one_of(st.just(0.0), elements)
        a = draw(hnp.arrays(np.float64, shape, elements=elements, unique=r.distinct))
        if r.distinct and a.size > 1:
            assume(np.min(np.diff(np.sort(a.ravel()))) > r.gap)
        arrays.append(a)
    params = draw(r.params(tuple(shapes[0]))) if r.params else {}
    if r.avoid is not None:
        assume(np.all(np.abs(r.avoid(*arrays)) > r.gap))
    return arrays, params


def _to_device(xb: Any, v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return xb.array(v)
    if isinstance(v, tuple):
        return tuple(_to_device(xb, e) for e in v)
    return v


def _device_params(xb: Any, params: dict, tensors: dict | None = None) -> dict:
    out = {k: _to_device(xb, v) for k, v in params.items()}
    out.update(tensors or {})
    return out


def _tensor_params(r: Row, xb: Any, params: dict) -> dict:
    """Parameters the row wants as differentiable tensors (e.g. setitem's value)."""
    return {
        k: xg.tensor(xb.array(np.asarray(params[k], dtype=np.float64)))
        for k in r.extra.get("tensor_params", ())
    }


def _numeric_grad(r: Row, arrays: list, params: dict, i: int, w: np.ndarray) -> np.ndarray:
    eps = r.extra.get("fd_eps", 1e-6)
    x = arrays[i].copy()
    g = np.zeros_like(x)
    args = list(arrays)
    for idx in np.ndindex(x.shape):
        orig = x[idx]
        h = eps * max(1.0, abs(orig))
        x[idx] = orig + h
        args[i] = x
        fp = np.sum(w * np.asarray(r.ref(*args, **params), dtype=np.float64))
        x[idx] = orig - h
        fm = np.sum(w * np.asarray(r.ref(*args, **params), dtype=np.float64))
        x[idx] = orig
        g[idx] = (fp - fm) / (2 * h)
    return g


def _numeric_param_grad(r: Row, arrays: list, params: dict, name: str, w: np.ndarray):
    p = dict(params)
    x = np.array(params[name], dtype=np.float64)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        orig = x[idx]
        h = 1e-6 * max(1.0, abs(orig))
        vals = []
        for sign in (1, -1):
            x[idx] = orig + sign * h
            p[name] = x
            vals.append(np.sum(w * np.asarray(r.ref(*arrays, **p), dtype=np.float64)))
        x[idx] = orig
        g[idx] = (vals[0] - vals[1]) / (2 * h)
    return g


def _ids(r: Row) -> str:
    return r.name.replace(" ", "_")


def _skip_raising_on_dask(r: Row, xb: Any) -> None:
    if r.name in DASK_RAISES:
        skip_on_dask(xb, f"{r.name!r} raises there, as tests/test_dask_ops.py checks")


@pytest.mark.parametrize("r", ROWS, ids=_ids)
def test_forward(r: Row, xb: Any) -> None:
    _skip_raising_on_dask(r, xb)

    @settings(max_examples=15 if xb.name == "numpy" else 6, deadline=None)
    @given(data=cases(r))
    def check(data: Any) -> None:
        arrays, params = data
        expected = r.ref(*arrays, **params)
        tensors = [xg.tensor(xb.array(a)) for a in arrays]
        out = r.fn(*tensors, **_device_params(xb, params, _tensor_params(r, xb, params)))
        assert isinstance(out, xg.Tensor)
        got = xb.host(out)
        assert got.shape == np.shape(expected)
        np.testing.assert_allclose(got, expected, rtol=max(r.rtol, 1e-7), atol=r.atol)
        assert out.backend is xb.backend
        assert out.device == xb.device

    check()


@pytest.mark.parametrize("r", [r for r in ROWS if r.grad], ids=_ids)
def test_gradient(r: Row, xb: Any) -> None:
    _skip_raising_on_dask(r, xb)

    @settings(max_examples=15 if xb.name == "numpy" else 6, deadline=None)
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        expected_out = np.asarray(r.ref(*arrays, **params))
        w = np.random.default_rng(seed).uniform(-1, 1, size=expected_out.shape)
        tensors = [xg.tensor(xb.array(a)) for a in arrays]
        tparams = _tensor_params(r, xb, params)
        out = r.fn(*tensors, **_device_params(xb, params, tparams))
        out.backward(xb.array(w, dtype=out.dtype))
        for name, t in tparams.items():
            expected = _numeric_param_grad(r, arrays, params, name, w)
            np.testing.assert_allclose(
                xb.host(t.grad), expected, rtol=1e-5, atol=1e-5, err_msg=name
            )
        for i, t in enumerate(tensors):
            expected = _numeric_grad(r, arrays, params, i, w)
            got = xb.host(t.grad)
            assert got is not None, f"input {i} got no gradient"
            assert got.shape == arrays[i].shape
            assert t.grad.dtype == t.dtype
            tol = r.extra.get("grad_rtol", 1e-5)
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=f"input {i}")

    check()


def _as_function(r: Row, xb: Any, params: dict) -> tuple[Any, list[str]]:
    """The row as a function of all its differentiable inputs (arrays first, then the
    parameters the row takes as tensors)."""
    names = list(r.extra.get("tensor_params", ()))
    fixed = _device_params(xb, {k: v for k, v in params.items() if k not in names})

    def f(*xs: Any) -> Any:
        n = len(xs) - len(names)
        return r.fn(*xs[:n], **fixed, **dict(zip(names, xs[n:], strict=True)))

    return f, names


@pytest.mark.parametrize("r", [r for r in ROWS if r.grad], ids=_ids)
def test_second_order_and_forward_mode(r: Row, xb: Any) -> None:
    """Every op's derivative is itself differentiable (create_graph=True), and its
    forward-mode rule agrees with finite differences: xgrad.testing.check_grads, order 2."""
    _skip_raising_on_dask(r, xb)

    @settings(max_examples=3 if xb.name == "numpy" else 2, deadline=None)
    @given(data=cases(r))
    def check(data: Any) -> None:
        arrays, params = data
        f, names = _as_function(r, xb, params)
        args = [xb.array(a) for a in arrays] + [
            xb.array(np.asarray(params[k], dtype=np.float64)) for k in names
        ]
        tol = r.extra.get("grad_rtol", 1e-5)
        eps = r.extra.get("fd_eps", 1e-6)
        check_grads(
            f,
            *args,
            order=2,
            modes=("rev", "fwd"),
            max_full=8,
            n_projections=2,
            rtol=tol,
            atol=tol,
            eps=eps,
        )

    check()


@pytest.mark.parametrize("r", [r for r in ROWS if r.grad], ids=_ids)
def test_jvp_agrees_with_vjp(r: Row, xb: Any) -> None:
    """<u, J v> from the op's JVP rule equals <J^T u, v> from its VJP rules."""
    _skip_raising_on_dask(r, xb)

    @settings(max_examples=4 if xb.name == "numpy" else 2, deadline=None)
    @given(data=cases(r), seed=st.integers(0, 2**32 - 1))
    def check(data: Any, seed: int) -> None:
        arrays, params = data
        f, names = _as_function(r, xb, params)
        host = list(arrays) + [np.asarray(params[k], dtype=np.float64) for k in names]
        rng = np.random.default_rng(seed)
        v = [rng.standard_normal(np.shape(a)) for a in host]
        args = [xb.array(a) for a in host]
        out, tangent = jvp(f, tuple(args), tuple(xb.array(t) for t in v))
        u = rng.standard_normal(np.shape(xb.host(out)))
        _, vjp_fn = vjp(f, *args)
        cot = vjp_fn(xb.array(u))
        lhs = float(np.sum(u * xb.host(tangent)))
        rhs = sum(float(np.sum(xb.host(c) * t)) for c, t in zip(cot, v, strict=True))
        tol = r.extra.get("grad_rtol", 1e-9)
        assert lhs == pytest.approx(rhs, rel=tol, abs=tol * max(1.0, abs(lhs)))

    check()
