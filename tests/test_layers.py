"""xgrad.nnet.layers beyond the op-test table: MyGrad's conv_nd and max_pool on random inputs
(values and both gradients), a loop reference, ties, second derivatives (a gradient penalty),
sliding_window_view, and the errors for bad arguments."""

from __future__ import annotations

from typing import Any

import mygrad
import numpy as np
import pytest

import xgrad as xg
from op_table_conv import conv_ref
from xgrad.nnet import avg_pool, conv_nd, max_pool, sliding_window_view

CONV_CASES = [  # x shape, filter shape, stride, padding, dilation
    ((2, 3, 9), (4, 3, 3), 2, 1, 1),
    ((1, 2, 9), (2, 2, 2), 3, 0, 2),
    ((2, 3, 7, 8), (4, 3, 3, 2), (2, 1), (1, 0), (1, 2)),
    ((3, 1, 6, 6), (2, 1, 2, 2), 2, 0, 1),
    ((1, 2, 5, 4, 6), (2, 2, 2, 1, 3), 1, (0, 1, 2), (1, 2, 1)),
]


def _loop_conv(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple, dilation: tuple):
    """The definition, one output position at a time."""
    n = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    kernel = w.shape[2:]
    grid = tuple(
        (xp.shape[2 + i] - (kernel[i] - 1) * dilation[i] - 1) // stride[i] + 1 for i in range(n)
    )
    out = np.zeros((x.shape[0], w.shape[0], *grid))
    for pos in np.ndindex(grid):
        key = tuple(
            slice(g * s, g * s + (k - 1) * d + 1, d)
            for g, s, k, d in zip(pos, stride, kernel, dilation, strict=True)
        )
        window = xp[(slice(None), slice(None), *key)]  # (N, C, *W)
        out[(slice(None), slice(None), *pos)] = np.tensordot(
            window, w, axes=(list(range(1, n + 2)), list(range(1, n + 2)))
        )
    return out


def _tuple(v: Any, n: int) -> tuple:
    return (v,) * n if isinstance(v, int) else tuple(v)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_nd_matches_mygrad_and_the_definition(case: tuple) -> None:
    xs, ws, stride, padding, dilation = case
    rng = np.random.default_rng(len(xs) + sum(ws))
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    kw = {"stride": stride, "padding": padding, "dilation": dilation}
    mx, mw = mygrad.tensor(x), mygrad.tensor(w)
    my = mygrad.nnet.conv_nd(mx, mw, **kw)
    g = rng.standard_normal(my.shape)
    my.backward(g)
    tx, tw = xg.tensor(x), xg.tensor(w)
    ty = conv_nd(tx, tw, **kw)
    ty.backward(g)
    n = x.ndim - 2
    tup = [_tuple(v, n) for v in (stride, padding, dilation)]
    np.testing.assert_allclose(ty.data, my.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ty.data, _loop_conv(x, w, *tup), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ty.data, conv_ref(x, w, *tup), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tx.grad, mx.grad, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tw.grad, mw.grad, rtol=1e-12, atol=1e-12)
    assert ty.dtype == np.float64 and ty.data.flags.c_contiguous


@pytest.mark.parametrize(
    "shape, pool, stride",
    [((2, 3, 8, 6), (2, 2), 2), ((3, 7), (3,), 2), ((2, 6, 5, 7), (3, 2, 3), (1, 1, 2))],
)
def test_max_pool_matches_mygrad(shape: tuple, pool: tuple, stride: Any) -> None:
    rng = np.random.default_rng(len(shape))
    x = rng.standard_normal(shape)  # continuous values: no ties, where the rules differ
    mx = mygrad.tensor(x)
    my = mygrad.nnet.max_pool(mx, pool, stride)
    g = rng.standard_normal(my.shape)
    my.backward(g)
    tx = xg.tensor(x)
    ty = max_pool(tx, pool, stride)
    ty.backward(g)
    np.testing.assert_array_equal(ty.data, my.data)
    np.testing.assert_allclose(tx.grad, mx.grad, rtol=1e-14, atol=0)


def test_float32_stays_float32(xb: Any) -> None:
    f32 = xb.backend.dtype("float32")
    x = xg.tensor(xb.array(np.ones((2, 3, 6, 6)), dtype=f32))
    w = xg.tensor(xb.array(np.ones((4, 3, 3, 3)), dtype=f32))
    y = max_pool(conv_nd(x, w, stride=1, padding=1), (2, 2), 2)
    z = avg_pool(y, (3, 3), 3)
    assert y.dtype == z.dtype == x.dtype
    z.sum().backward()
    assert x.grad.dtype == w.grad.dtype == x.dtype
    assert xb.host(x.grad).shape == (2, 3, 6, 6)


def test_max_pool_ties_split_evenly(xb: Any) -> None:
    x = xg.tensor(xb.array([[1.0, 5.0, 3.0, 3.0], [5.0, 5.0, 0.0, 2.0]]))
    y = max_pool(x, (2, 2), 2)
    y.backward()
    np.testing.assert_array_equal(xb.host(y), [[5.0, 3.0]])
    # a three-way tie in the first window, a two-way one in the second
    np.testing.assert_allclose(xb.host(x.grad), [[0, 1 / 3, 0.5, 0.5], [1 / 3, 1 / 3, 0, 0]])
    # overlapping windows add up their shares
    x = xg.tensor(xb.array([0.0, 4.0, 1.0, 4.0]))
    max_pool(x, (2,), 1).backward()  # windows [0, 4], [4, 1], [1, 4]
    np.testing.assert_allclose(xb.host(x.grad), [0, 2, 0, 1])


def test_max_pool_nan_shares_among_the_nans() -> None:
    x = xg.tensor([[1.0, np.nan, 3.0, np.nan], [np.nan, 0.0, 2.0, 1.0]])
    y = max_pool(x, (2, 2), 2)
    y.backward()
    assert np.isnan(y.data).all()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0, 1], [0.5, 0, 0, 0]])


def test_constant_and_array_inputs() -> None:
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = xg.tensor(np.ones((1, 1, 2, 2)))
    y = conv_nd(x, w, stride=2)
    assert isinstance(y, xg.Tensor) and not y.constant
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, [[[[20.0, 24.0], [36.0, 40.0]]]])
    assert conv_nd(x, w, stride=2, constant=True).constant
    assert max_pool(x, (2, 2), 2).constant
    assert avg_pool(xg.tensor(x), (2, 2), 2, constant=True).constant
    out = avg_pool(np.arange(6).reshape(2, 3), (3,), 1)  # integers: averaged in float64
    np.testing.assert_array_equal(out.data, [[1.0], [4.0]])


def _penalty(xb: Any, x: np.ndarray, w: np.ndarray, u: np.ndarray, kw: dict) -> tuple:
    """d/dw of ||d <u, conv(x, w)> / dx||^2, by a graph of the backward pass."""
    tx = xg.tensor(xb.array(x))
    tw = xg.tensor(xb.array(w))
    y = conv_nd(tx, tw, **kw)
    (y * xg.tensor(xb.array(u), constant=True)).sum().backward(create_graph=True)
    dx = tx.grad
    penalty = (dx**2).sum()
    penalty.backward()
    return xb.host(penalty), xb.host(tw.grad)


def test_gradient_penalty_second_derivative(xb: Any) -> None:
    rng = np.random.default_rng(5)
    kw = {"stride": (2, 1), "padding": 1, "dilation": (1, 2)}
    x = rng.standard_normal((1, 2, 6, 5))
    w = rng.standard_normal((2, 2, 2, 2))
    y = conv_ref(x, w, (2, 1), (1, 1), (1, 2))
    u = rng.standard_normal(y.shape)

    def penalty_np(w: np.ndarray) -> float:
        # <u, conv(x, w)> is linear in x: its gradient is the column of d/dx_j for each j
        grad = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[j] = 1.0
            grad[j] = np.sum(u * conv_ref(e, w, (2, 1), (1, 1), (1, 2)))
        return float(np.sum(grad**2))

    value, dw = _penalty(xb, x, w, u, kw)
    assert value == pytest.approx(penalty_np(w), rel=1e-10)
    fd = np.zeros_like(w)
    h = 1e-5
    for j in np.ndindex(w.shape):
        e = np.zeros_like(w)
        e[j] = h
        fd[j] = (penalty_np(w + e) - penalty_np(w - e)) / (2 * h)
    np.testing.assert_allclose(dw, fd, rtol=1e-6, atol=1e-6)


def test_pools_second_derivatives_in_the_output_gradient(xb: Any) -> None:
    """The pools' VJPs are linear in g (their second derivative in x is 0): a gradient of a
    function of x.grad reaches the seed tensor."""
    x = xg.tensor(xb.array(np.arange(12.0).reshape(3, 4) ** 1.5))
    for pool in (max_pool, avg_pool):
        seed = xg.tensor(xb.array(np.arange(1.0, 4.0).reshape(3, 1)))
        y = pool(x, (2,), 2)
        (y * seed).sum().backward(create_graph=True)
        (x.grad**2).sum().backward()
        # x.grad is seed * a on m elements per row: d/dseed of m a^2 seed^2 is 2 m a^2 seed
        m, a = (2, 1.0) if pool is max_pool else (4, 0.5)
        np.testing.assert_allclose(xb.host(seed.grad), 2 * m * a**2 * np.arange(1.0, 4.0)[:, None])


# -- sliding_window_view -----------------------------------------------------------------------
SWV_CASES = [
    ((6, 6), (3, 2), (2, 2), None),
    ((2, 10), (3,), 2, 3),
    ((2, 3, 7, 9), (2, 3), (1, 2), (3, 2)),
    ((5,), (5,), 1, None),
]


@pytest.mark.parametrize("shape, window, step, dilation", SWV_CASES)
def test_sliding_window_view_matches_mygrad(shape: tuple, window: tuple, step: Any, dilation: Any):
    arr = np.arange(np.prod(shape)).reshape(shape)
    want = mygrad.sliding_window_view(arr, window, step, dilation)
    got = sliding_window_view(arr, window, step, dilation)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, want)
    assert np.shares_memory(got, arr) and not got.flags.writeable
    assert xg.sliding_window_view is sliding_window_view is xg.nnet.layers.utils.sliding_window_view


def test_sliding_window_view_other_backends_and_tensors(xb: Any) -> None:
    arr = np.arange(56.0).reshape(2, 4, 7)
    want = mygrad.sliding_window_view(arr, (2, 3), (2, 1), (1, 2))
    got = sliding_window_view(xb.array(arr), (2, 3), (2, 1), (1, 2))
    assert isinstance(got, xb.backend.array_types)
    np.testing.assert_array_equal(xb.host(got), want)
    got = sliding_window_view(xg.tensor(xb.array(arr)), (2, 3), (2, 1), (1, 2))
    assert not isinstance(got, xg.Tensor)  # not differentiable: a plain array
    np.testing.assert_array_equal(xb.host(got), want)


def test_sliding_window_view_errors_match_mygrad() -> None:
    arr = np.zeros((4, 5))
    for args in [
        (3, 1),  # window_shape not a sequence
        ((2, 0), 1),  # not positive
        ((2, 2), 1.5),  # step not an integer or a sequence
        ((2, 2), 1, 1.5),  # dilation not an integer or a sequence
    ]:
        with pytest.raises(TypeError) as want:
            mygrad.sliding_window_view(arr, *args)
        with pytest.raises(TypeError) as got:
            sliding_window_view(arr, *args)
        assert str(got.value).split(",")[0] == str(want.value).split(",")[0]
    for args in [
        ((1, 2, 2), 1),  # more window axes than arr has
        ((2, 2), (1, 0)),  # step not positive
        ((5, 2), 1),  # does not fit
        ((2, 2), 1, (1, 0)),  # dilation not positive
        ((2, 2), 1, (4, 1)),  # the dilated window does not fit
    ]:
        with pytest.raises(ValueError) as want:
            mygrad.sliding_window_view(arr, *args)
        with pytest.raises(ValueError) as got:
            sliding_window_view(arr, *args)
        assert str(got.value)[:20] == str(want.value)[:20]
    # MyGrad checks window * dilation against the axis; the window spans (window - 1) *
    # dilation + 1 elements, so xgrad takes every window that fits
    with pytest.raises(ValueError, match="dilated window"):
        mygrad.sliding_window_view(np.arange(5), (3,), 1, 2)
    np.testing.assert_array_equal(sliding_window_view(np.arange(5), (3,), 1, 2), [[0, 2, 4]])


# -- bad input ---------------------------------------------------------------------------------
def _mygrad_error(fn: Any, *args: Any, **kwargs: Any) -> BaseException:
    try:
        fn(*args, **kwargs)
    except Exception as e:  # AssertionError included: MyGrad asserts on some arguments
        return e
    raise AssertionError("MyGrad accepted it")


@pytest.mark.parametrize(
    "xs, ws, kw, match",
    [
        ((2, 3), (4, 3), {"stride": 1}, "at least three dimensions"),
        ((2, 3, 5), (4, 3, 2, 2), {"stride": 1}, "same dimensionality"),
        ((2, 3, 5), (4, 2, 2), {"stride": 1}, r"`x.shape\[1\]` \(3\) must match"),
        ((2, 3, 5), (4, 3, 2), {"stride": 2}, "Stride and kernel dimensions are incompatible"),
        ((2, 3, 5), (4, 3, 7), {"stride": 1}, "Stride and kernel dimensions are incompatible"),
        ((2, 3, 5, 5), (4, 3, 2, 2), {"stride": (1, 1, 1)}, "one value per convolved axis"),
        ((2, 3, 5), (4, 3, 2), {"stride": 0}, "at least 1"),
        ((2, 3, 5), (4, 3, 2), {"stride": 1, "padding": -1}, "at least 0"),
        ((2, 3, 5), (4, 3, 2), {"stride": 1, "dilation": 0}, "at least 1"),
    ],
)
def test_conv_nd_bad_shapes_raise_value_error(xs: tuple, ws: tuple, kw: dict, match: str) -> None:
    x, w = np.zeros(xs), np.zeros(ws)
    with pytest.raises(ValueError, match=match):
        conv_nd(x, w, **kw)
    want = _mygrad_error(mygrad.nnet.conv_nd, x, w, **kw)
    # MyGrad raises ValueError for the shapes and asserts on the argument values
    assert isinstance(want, (ValueError, AssertionError))


def test_conv_nd_non_integer_arguments_raise_type_error() -> None:
    x, w = np.zeros((1, 1, 4)), np.zeros((1, 1, 2))
    for kw in ({"stride": 1.5}, {"stride": "1"}, {"stride": 1, "padding": (0.5,)}):
        with pytest.raises(TypeError, match="must be an integer or a sequence"):
            conv_nd(x, w, **kw)
    assert conv_nd(x, w, stride=np.int64(2), padding=[1], dilation=(np.int32(1),)).shape == (
        1,
        1,
        3,
    )


def test_pool_errors() -> None:
    x = np.zeros((2, 5, 6))
    for fn in (max_pool, avg_pool):
        with pytest.raises(ValueError, match="Pooling dimensions: \\(2, 2\\)") as e:
            fn(x, (2, 2), 2)
        assert str(e.value).startswith("Stride and kernel dimensions are incompatible")
        assert isinstance(_mygrad_error(mygrad.nnet.max_pool, x, (2, 2), 2), ValueError)
        with pytest.raises(ValueError, match="cannot exceed the dimensionality"):
            fn(x, (1, 1, 1, 1), 1)
        with pytest.raises(TypeError, match="`pool` must be a sequence of positive integers"):
            fn(x, 2, 1)
        with pytest.raises(TypeError, match="`pool` must be a sequence of positive integers"):
            fn(x, (2, 0), 1)
        with pytest.raises(ValueError, match="one value per pooled axis"):
            fn(x, (1, 2), (1, 2, 3))
        with pytest.raises(ValueError, match="at least 1"):
            fn(x, (1, 2), 0)
        with pytest.raises(ValueError, match="incompatible"):
            fn(x, (7,), 1)  # larger than the axis
    assert max_pool(x, np.array([5, 3]), (1, 3)).shape == (2, 1, 2)
