"""Regression tests for a user audit of MyGrad compatibility: NumPy's ``*_like`` functions
and type/memory queries on tensors, one-sided ``clip``, ``pad`` with per-side and tensor
``constant_values``, ``std``/``var`` gradients where the statistic is 0, and the names MyGrad
programs use (dtypes, constants, ``add_sequence``, ``copyto``, ...)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import mygrad
import numpy as np
import pytest

import xgrad as xg
from conftest import skip_on_dask

X = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.75]])


def _t(xb: Any, a: Any, **kw: Any) -> xg.Tensor:
    return xg.tensor(xb.array(np.asarray(a)), **kw)


# -- 1. NumPy's *_like functions and type queries on tensors -----------------------------------
LIKE = [np.zeros_like, np.ones_like, np.empty_like]


@pytest.mark.parametrize("like", LIKE, ids=lambda f: f.__name__)
def test_numpy_like_functions_return_tensors_on_the_tensors_backend(xb: Any, like: Any) -> None:
    x = _t(xb, X)
    out = like(x)
    assert isinstance(out, xg.Tensor)
    assert out.shape == x.shape and out.dtype == x.dtype
    assert out.backend is xb.backend and out.device == xb.device
    assert not out.constant  # like MyGrad: a float result of a non-constant tensor
    assert like(x, shape=(3,)).shape == (3,)
    assert like(x, xb.backend.dtype("float32")).dtype == xb.backend.dtype("float32")
    if like is not np.empty_like:
        expected = 0.0 if like is np.zeros_like else 1.0
        np.testing.assert_array_equal(xb.host(out), np.full(X.shape, expected))


def test_numpy_full_like_returns_a_tensor(xb: Any) -> None:
    x = _t(xb, X)
    out = np.full_like(x, 2.5)
    assert isinstance(out, xg.Tensor) and out.device == xb.device
    np.testing.assert_array_equal(xb.host(out), np.full(X.shape, 2.5))
    out = np.full_like(_t(xb, [1, 2]), 2.5)  # an integer prototype truncates, as NumPy
    np.testing.assert_array_equal(xb.host(out), [2, 2])


@pytest.mark.parametrize("like", [*LIKE, np.full_like], ids=lambda f: f.__name__)
def test_like_functions_take_constant_and_dtype_as_mygrad(np_only: Any, like: Any) -> None:
    args = (3.0,) if like is np.full_like else ()
    cases = [
        (X, {}, {}),
        (X, {"constant": True}, {}),
        ([1, 2, 3], {}, {}),
        (X, {}, {"dtype": np.float32}),
        ([1, 2, 3], {}, {"dtype": np.float32}),
        (X, {"constant": True}, {"dtype": np.float32}),
    ]
    for data, tensor_kw, like_kw in cases:
        ours = like(xg.tensor(data, **tensor_kw), *args, **like_kw)
        theirs = like(mygrad.tensor(data, **tensor_kw), *args, **like_kw)
        assert ours.constant is theirs.constant, (data, tensor_kw, like_kw)
        assert ours.dtype == theirs.dtype
        assert ours.shape == theirs.shape
        # xgrad's own functions follow the same rule
        own = getattr(xg, like.__name__)(xg.tensor(data, **tensor_kw), *args, **like_kw)
        assert own.constant is theirs.constant


def test_like_functions_reject_numpy_options_they_cannot_honour(np_only: Any) -> None:
    x = xg.tensor(X)
    with pytest.raises(TypeError, match="order='F' is not supported"):
        np.zeros_like(x, order="F")
    with pytest.raises(TypeError, match=r"subok=False .*tensor\.data"):
        np.ones_like(x, subok=False)
    with pytest.raises(TypeError, match="order='F'"):
        np.full_like(x, 1.0, order="F")
    with pytest.raises(ValueError):
        np.zeros_like(x, device="cuda")  # the numpy backend has one device
    assert isinstance(np.zeros_like(x, order="C", subok=True, device="cpu"), xg.Tensor)


def test_type_queries_see_the_tensors_data(xb: Any) -> None:
    f32 = _t(xb, X).astype("float32")
    i8 = _t(xb, [1, 2]).astype("int8")
    for fn in (np.result_type, xg.result_type):
        assert fn(f32, 1.0) == np.float32
        assert fn(i8, 1.0) == np.float64
        assert fn(i8, np.int16) == np.int16
        assert fn(f32, i8) == np.result_type(np.float32, np.int8)
    for fn in (np.can_cast, xg.can_cast):
        assert not fn(_t(xb, X), np.float32)
        assert fn(_t(xb, X), np.float32, "same_kind")
        assert fn(i8, np.float32)
    assert xg.min_scalar_type(f32) == np.min_scalar_type(np.zeros(2, np.float32))


def test_min_scalar_type_of_a_0d_tensor(np_only: Any) -> None:
    assert np.min_scalar_type(xg.tensor(3)) == np.uint8
    assert xg.min_scalar_type(xg.tensor(-300)) == np.int16
    assert np.min_scalar_type(xg.tensor(3)) == np.min_scalar_type(mygrad.tensor(3))


def test_memory_queries_on_tensors_and_arrays(xb: Any) -> None:
    skip_on_dask(xb, "immutable graphs share no memory (tests/test_dask.py)")
    x = _t(xb, np.arange(6.0))
    for shares in (np.shares_memory, xg.shares_memory):
        assert shares(x, x[2:])
        assert shares(x[2:], x)
        assert not shares(x[::2], x[1::2])  # interleaved: no common element
        assert not shares(x, x + 1)
        assert not shares(x, _t(xb, np.arange(6.0)))
    for may in (np.may_share_memory, xg.may_share_memory):
        assert may(x, x[2:])
        assert may(x[::2], x[1::2])  # the bounds overlap
        assert not may(x, x + 1)
    assert xg.shares_memory(x, x.data) and xg.shares_memory(x.data, x[1:].data)
    assert not xg.shares_memory(x, [0.0, 1.0]) and not xg.may_share_memory(x, 1.0)


def test_memory_queries_compare_with_mygrad(np_only: Any) -> None:
    for lib in (xg, mygrad):
        x = lib.tensor(np.arange(6.0))
        assert np.shares_memory(x, x[1:]) and lib.shares_memory(x, x[1:])
        assert np.may_share_memory(x, x[1:]) and lib.may_share_memory(x, x[1:])
        assert not np.shares_memory(x, lib.tensor([1.0]))


def test_unsupported_function_message_points_to_data_and_issues() -> None:
    with pytest.raises(TypeError) as info:
        np.histogram(xg.tensor([1.0, 2.0]))
    message = str(info.value)
    assert "numpy.histogram" in message
    assert "tensor.data" in message and "open an issue" in message
    assert "derivative" not in message


# -- 2. one-sided clip -----------------------------------------------------------------------
def _clip_spellings() -> list[Any]:
    return [
        lambda x: xg.clip(x, None, 2.0),
        lambda x: np.clip(x, None, 2.0),
        lambda x: x.clip(None, 2.0),
        lambda x: np.clip(x, max=2.0),
        lambda x: xg.clip(x, max=2.0),
    ]


@pytest.mark.parametrize("spelling", range(5))
def test_clip_with_only_an_upper_bound(xb: Any, spelling: int) -> None:
    data = np.array([1.0, 2.5, -3.0, 4.0])
    x = _t(xb, data)
    y = _clip_spellings()[spelling](x)
    assert isinstance(y, xg.Tensor) and y.device == xb.device
    np.testing.assert_array_equal(xb.host(y), np.clip(data, None, 2.0))
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 0.0, 1.0, 0.0])


def test_clip_with_only_a_lower_bound(xb: Any) -> None:
    data = np.array([1.0, 2.5, -3.0, 4.0])
    for clip in (
        lambda x: xg.clip(x, 0.0, None),
        lambda x: np.clip(x, 0.0, None),
        lambda x: np.clip(x, min=0.0),
        lambda x: x.clip(0.0),
    ):
        x = _t(xb, data)
        y = clip(x)
        np.testing.assert_array_equal(xb.host(y), np.clip(data, 0.0, None))
        y.backward()
        np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0, 0.0, 1.0])


def test_one_sided_clip_with_a_tensor_bound_and_out(xb: Any) -> None:
    x, hi = _t(xb, [1.0, 2.0, 3.0]), _t(xb, 2.5)
    y = xg.clip(x, None, hi)
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0, 0.0])
    assert xb.host(hi.grad) == 1.0
    x = _t(xb, [1.0, 2.0, 3.0])
    out = _t(xb, [0.0, 0.0, 0.0])
    np.clip(x, None, 2.0, out=out)
    np.testing.assert_array_equal(xb.host(out), [1.0, 2.0, 2.0])
    out.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 0.0, 0.0])
    ints = _t(xb, [1, 5, 9])
    np.testing.assert_array_equal(xb.host(xg.clip(ints, None, 4)), [1, 4, 4])


def test_clip_without_bounds_is_a_copy_as_in_numpy_2(xb: Any) -> None:
    # NumPy 2 (and MyGrad) return the values unchanged when both bounds are None
    data = np.array([1.0, 2.0])
    np.testing.assert_array_equal(np.clip(data, None, None), data)
    for clip in (lambda x: xg.clip(x, None, None), lambda x: np.clip(x, None, None)):
        x = _t(xb, data)
        y = clip(x)
        assert y is not x
        np.testing.assert_array_equal(xb.host(y), data)
        y.backward()
        np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0])


def test_clip_argument_errors_match_numpy(np_only: Any) -> None:
    x, a = xg.tensor([1.0, 2.0]), np.array([1.0, 2.0])
    for target in (x, a):
        with pytest.raises(TypeError, match="a_max"):
            np.clip(target, 1.0)
        with pytest.raises(ValueError, match="forbidden"):
            np.clip(target, 1.0, 2.0, max=3.0)
    with pytest.raises(ValueError, match="each bound once"):
        xg.clip(x, 1.0, min=0.0)
    with pytest.raises(TypeError, match="dtype"):
        np.clip(x, 0.0, 1.0, dtype=np.float32)


# -- 3. pad ------------------------------------------------------------------------------------
PAD_VALUES = [
    3.0,
    (5.0, 6.0),
    ((1.0, 2.0), (3.0, 4.0)),
    [[1.0], [2.0]],
    [[7.0, 8.0]],
    [9.0],
]


@pytest.mark.parametrize("values", PAD_VALUES, ids=str)
def test_pad_takes_every_form_of_constant_values_numpy_does(xb: Any, values: Any) -> None:
    widths = ((1, 2), (2, 1))
    expected = np.pad(X, widths, constant_values=values)
    for pad in (xg.pad, np.pad):
        x = _t(xb, X)
        y = pad(x, widths, constant_values=values)
        np.testing.assert_array_equal(xb.host(y), expected)
        y.backward(xb.array(np.ones(expected.shape)))
        np.testing.assert_array_equal(xb.host(x.grad), np.ones(X.shape))


def test_pad_1d_with_a_before_and_after_value(xb: Any) -> None:
    x = _t(xb, [1.0, 2.0])
    y = np.pad(x, (1, 2), constant_values=(5.0, 6.0))
    np.testing.assert_array_equal(xb.host(y), [5.0, 1.0, 2.0, 6.0, 6.0])


def _numeric_value_grad(values: np.ndarray, widths: Any, w: np.ndarray) -> np.ndarray:
    g = np.zeros_like(values)
    for idx in np.ndindex(values.shape):
        hi, lo = values.copy(), values.copy()
        hi[idx] += 0.5
        lo[idx] -= 0.5
        g[idx] = np.sum(
            w * (np.pad(X, widths, constant_values=hi) - np.pad(X, widths, constant_values=lo))
        )
    return g


@pytest.mark.parametrize(
    "values",
    [
        np.array(3.0),
        np.array([5.0, 6.0]),
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        np.array([[1.0], [2.0]]),
    ],
    ids=lambda v: str(v.shape),
)
def test_pad_constant_values_tensor_receives_its_gradient(xb: Any, values: np.ndarray) -> None:
    widths = ((1, 2), (2, 1))
    expected = np.pad(X, widths, constant_values=values)
    w = np.random.default_rng(0).standard_normal(expected.shape)
    x, c = _t(xb, X), _t(xb, values)
    y = xg.pad(x, widths, constant_values=c)
    np.testing.assert_array_equal(xb.host(y), expected)
    y.backward(xb.array(w))
    # each value's gradient: the upstream gradient summed over the cells it filled (in the
    # corners the later axis' value wins, as in NumPy)
    np.testing.assert_allclose(xb.host(c.grad), _numeric_value_grad(values, widths, w))
    np.testing.assert_allclose(xb.host(x.grad), w[1:3, 2:5])


def test_pad_counts_the_corners_for_the_later_axis(np_only: Any) -> None:
    c = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    xg.pad(xg.zeros((2, 2)), 1, constant_values=c).sum().backward()
    # axis 0 fills one row above and below, without the corners (axis 1 takes those):
    # 2 cells each; axis 1 fills a column left and right, corners included: 4 cells each
    np.testing.assert_array_equal(c.grad, [[2.0, 2.0], [4.0, 4.0]])


def test_pad_with_a_tensor_value_through_numpy(np_only: Any) -> None:
    x, c = xg.tensor([1.0, 2.0]), xg.tensor([5.0, 6.0])
    y = np.pad(x, (1, 2), constant_values=c)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [5.0, 1.0, 2.0, 6.0, 6.0])
    np.testing.assert_array_equal(c.grad, [1.0, 2.0])


def test_pad_never_drops_a_values_gradient(xb: Any) -> None:
    ints = _t(xb, [1, 2])
    with pytest.raises(ValueError, match="constant_values needs a gradient"):
        xg.pad(ints, 1, constant_values=_t(xb, 2.0))
    # a constant value is fine: cast as NumPy does; a plain array is a constant
    y = xg.pad(ints, 1, constant_values=xb.array(np.array([5.0, 6.0])))
    np.testing.assert_array_equal(xb.host(y), [5, 1, 2, 6])
    const = _t(xb, [1.0, 2.0], constant=True)
    assert xg.pad(const, 1, constant_values=xb.array(np.array([5.0, 6.0]))).constant
    y = xg.pad(ints, 1, constant_values=_t(xb, 2.0, constant=True))
    np.testing.assert_array_equal(xb.host(y), [2, 1, 2, 2])
    np.testing.assert_array_equal(
        xb.host(xg.pad(ints, 1, constant_values=2.7)),
        np.pad(np.array([1, 2]), 1, constant_values=2.7),
    )


def test_pad_rejects_constant_values_of_the_wrong_shape(np_only: Any) -> None:
    with pytest.raises(ValueError, match="constant_values"):
        xg.pad(xg.tensor(X), 1, constant_values=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="constant_values"):
        xg.pad(xg.tensor(X), 1, constant_values=xg.tensor([1.0, 2.0, 3.0]))


# -- 4. std / var where the statistic is 0 --------------------------------------------------
@pytest.mark.parametrize("name", ["std", "var"])
@pytest.mark.parametrize("ddof", [0, 1])
def test_std_var_over_no_axes(xb: Any, name: str, ddof: int) -> None:
    x = _t(xb, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # ddof=1 over one element: nan
        y = getattr(xg, name)(x, axis=(), ddof=ddof)
        y.backward(xb.array(np.ones(X.shape)))
    expected = getattr(np, name)(X, axis=(), ddof=ddof) if ddof == 0 else None
    if expected is not None:
        np.testing.assert_array_equal(xb.host(y), expected)
        np.testing.assert_array_equal(xb.host(x.grad), np.zeros(X.shape))
    else:  # over one element with ddof=1 the statistic is NaN (0/0), and so is its gradient
        assert np.isnan(xb.host(y)).all() and np.isnan(xb.host(x.grad)).all()


@pytest.mark.parametrize("name", ["std", "var"])
def test_std_var_gradient_matches_mygrad_over_no_axes(name: str) -> None:
    for ddof in (0,):  # ddof=1: MyGrad's gradient is 0, xgrad's NaN (docs/semantics.md)
        x, m = xg.tensor(X), mygrad.tensor(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            getattr(xg, name)(x, axis=(), ddof=ddof).sum().backward()
            getattr(mygrad, name)(m, axis=(), ddof=ddof).sum().backward()
        np.testing.assert_array_equal(x.grad, m.grad)


@pytest.mark.parametrize("ddof", [0, 1, 0.5])
def test_std_gradient_is_finite_wherever_the_std_is(xb: Any, ddof: float) -> None:
    data = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])  # the first row's std is 0
    for axis in (1, None, (0, 1)):
        x = _t(xb, data)
        y = xg.std(x, axis=axis, ddof=ddof)
        y.backward(xb.array(np.ones(np.shape(xb.host(y)))))
        grad = xb.host(x.grad)
        assert np.all(np.isfinite(grad)), (axis, grad)
        if axis == 1:
            np.testing.assert_array_equal(grad[0], [0.0, 0.0, 0.0])  # the subgradient 0
            n = 3
            centred = data[1] - data[1].mean()
            np.testing.assert_allclose(grad[1], centred / ((n - ddof) * np.std(data[1], ddof=ddof)))
    x = _t(xb, [[3.0], [5.0]])
    xg.var(x, axis=1, ddof=0).sum().backward()  # one element per slice
    np.testing.assert_array_equal(xb.host(x.grad), [[0.0], [0.0]])


def test_var_grad_with_ddof_at_least_n_is_not_silently_finite() -> None:
    # N - ddof <= 0: NumPy's statistic is inf/nan; the gradient does not pretend otherwise
    x = xg.tensor([1.0, 2.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = xg.var(x, ddof=5)
        y.backward()
    assert not np.isfinite(y.item())
    assert not np.all(np.isfinite(x.grad))


# -- 5. names MyGrad programs use ----------------------------------------------------------
DTYPE_NAMES = (
    "float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool_ intp "
    "uintp double single half longdouble"
).split()


def test_dtype_aliases_and_constants_are_mygrads() -> None:
    for name in DTYPE_NAMES:
        assert getattr(xg, name) is getattr(np, name) is getattr(mygrad, name), name
    for name in ("pi", "e", "inf", "euler_gamma"):
        assert getattr(xg, name) == getattr(mygrad, name), name
    assert math.isnan(xg.nan) and xg.newaxis is None
    assert xg.tensor([1.0, 2.0])[:, xg.newaxis].shape == (2, 1)
    for name in ("result_type", "can_cast", "min_scalar_type", "shares_memory", "copyto"):
        assert name in xg.__all__


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_aliases_work_on_every_backend_or_raise_clearly(xb: Any, name: str) -> None:
    dt = getattr(xg, name)
    makers = [
        lambda: xg.tensor([1, 0], dtype=dt),
        lambda: xg.zeros(2, dtype=dt),
        lambda: xg.full(2, 1, dtype=dt),
        lambda: xg.arange(2, dtype=dt),
        lambda: xg.zeros_like(xg.tensor([1.0]), dtype=dt),
        lambda: xg.tensor([1.0, 0.0]).astype(dt),
    ]
    try:
        native = xb.backend.dtype(dt)
    except TypeError as exc:  # a dtype the library lacks (float16, longdouble on strict)
        assert xb.name != "numpy"
        assert "has no dtype" in str(exc)
        for make in makers:
            with pytest.raises(TypeError, match="has no dtype"):
                make()
        return
    assert native == xb.backend.dtype(np.dtype(dt).name)
    for make in makers:
        out = make()
        assert out.dtype == native and out.device == xb.device
    if xb.name == "numpy":
        assert xg.tensor([1.0]).astype(dt).dtype == np.dtype(dt)


def test_memory_guarding_switches(np_only: Any) -> None:
    try:
        xg.turn_memory_guarding_off()
        assert not xg.mem_guard_active()
        a = np.array([1.0, 2.0])
        y = xg.tensor(2.0) * a  # a is saved for the gradient, but stays writable
        assert a.flags.writeable
        with xg.mem_guard_on:  # a block can still ask for the guard, as in MyGrad
            b = np.array([1.0, 2.0])
            z = xg.tensor(2.0) * b
            assert not b.flags.writeable
        del y, z
    finally:
        xg.turn_memory_guarding_on()
    assert xg.mem_guard_active()


def test_add_and_multiply_sequence_match_mygrad(np_only: Any) -> None:
    data = [np.array([1.0, 2.0]), np.array([[-1.0], [3.0]]), np.array(0.5)]
    for ours_fn, theirs_fn in (
        (xg.add_sequence, mygrad.add_sequence),
        (xg.multiply_sequence, mygrad.multiply_sequence),
    ):
        ours = [xg.tensor(d) for d in data]
        theirs = [mygrad.tensor(d) for d in data]
        a, b = ours_fn(*ours), theirs_fn(*theirs)
        np.testing.assert_allclose(a.data, b.data)
        a.sum().backward()
        b.sum().backward()
        for o, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(o.grad, t.grad)
        assert ours_fn(1, 2, 3).item() == theirs_fn(1, 2, 3).item()
        assert ours_fn(data[0], [3.0, 4.0]).constant
        assert ours_fn(*ours, constant=True).constant
        for few in ((), (ours[0],)):
            with pytest.raises(ValueError, match="at least two"):
                ours_fn(*few)


def test_copyto_is_a_differentiable_in_place_write(xb: Any) -> None:
    x, s = _t(xb, [1.0, 2.0, 3.0]), _t(xb, [10.0, 20.0, 30.0])
    y = 2 * x
    before = y * 1  # a graph recorded before the write keeps the old value
    np.copyto(y, s, where=xb.array(np.array([True, False, True])))
    np.testing.assert_array_equal(xb.host(y), [10.0, 4.0, 30.0])
    np.testing.assert_array_equal(xb.host(before), [2.0, 4.0, 6.0])
    (y * _t(xb, [1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 4.0, 0.0])
    np.testing.assert_array_equal(xb.host(s.grad), [1.0, 0.0, 3.0])


def test_copyto_broadcasts_scalars_and_writes_through_views(xb: Any) -> None:
    d, s = _t(xb, [[1.0, 2.0], [3.0, 4.0]]), _t(xb, 5.0)
    xg.copyto(d, s)
    np.testing.assert_array_equal(xb.host(d), np.full((2, 2), 5.0))
    d.sum().backward()
    assert xb.host(s.grad) == 4.0
    base = _t(xb, [[1.0, 2.0], [3.0, 4.0]])
    row = base[0]
    xg.copyto(row, [9.0, 8.0])
    np.testing.assert_array_equal(xb.host(base), [[9.0, 8.0], [3.0, 4.0]])
    e = _t(xb, [1.0, 2.0])
    xg.copyto(e, 7)
    np.testing.assert_array_equal(xb.host(e), [7.0, 7.0])


def test_copyto_checks_casting_shape_and_constant_targets(xb: Any) -> None:
    ints = _t(xb, [1, 2, 3])
    with pytest.raises(TypeError, match="same_kind"):
        xg.copyto(ints, _t(xb, [1.5, 2.0, 3.0]))
    with pytest.raises(TypeError, match="same_kind"):
        xg.copyto(ints, 2.5)
    xg.copyto(ints, _t(xb, [1.5, 2.0, 3.0]), casting="unsafe")
    np.testing.assert_array_equal(xb.host(ints), [1, 2, 3])
    with pytest.raises(ValueError, match="casting must be one of"):
        xg.copyto(ints, 1, casting="bogus")
    with pytest.raises(ValueError, match="broadcast"):
        xg.copyto(_t(xb, [1.0, 2.0]), _t(xb, [1.0, 2.0, 3.0]))
    const = _t(xb, [1.0, 2.0], constant=True)
    xg.copyto(const, xb.array(np.array([3.0, 4.0])))  # a constant value: still constant
    np.testing.assert_array_equal(xb.host(const), [3.0, 4.0])
    assert const.constant
    src = _t(xb, [5.0, 6.0])
    xg.copyto(const, src)  # a value needing a gradient: the target now depends on it
    assert not const.constant
    const.backward()
    np.testing.assert_array_equal(xb.host(src.grad), [1.0, 1.0])


def test_copyto_into_a_plain_array(xb: Any) -> None:
    dst = xb.array(np.zeros(3))
    xg.copyto(dst, _t(xb, [1.0, 2.0, 3.0]), where=xb.array(np.array([True, False, True])))
    np.testing.assert_array_equal(xb.host(dst), [1.0, 0.0, 3.0])


def test_copyto_matches_numpy_and_mygrad_on_arrays(np_only: Any) -> None:
    ours, theirs = np.zeros(3), np.zeros(3)
    np.copyto(ours, xg.tensor([1.0, 2.0, 3.0]))
    np.copyto(theirs, mygrad.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(ours, theirs)
    for lib in (xg, mygrad):
        with pytest.raises(TypeError):
            lib.copyto(lib.tensor([1, 2, 3]), lib.tensor([1.5, 2.0, 3.0]))


def test_tensor_moveaxis_method(xb: Any) -> None:
    x = _t(xb, np.arange(24.0).reshape(2, 3, 4))
    y = x.moveaxis(0, -1)
    np.testing.assert_array_equal(xb.host(y), np.moveaxis(np.arange(24.0).reshape(2, 3, 4), 0, -1))
    assert x.moveaxis([0, 1], [-1, -2]).shape == (4, 3, 2)
    y.backward(xb.array(np.ones((3, 4, 2))))
    np.testing.assert_array_equal(xb.host(x.grad), np.ones((2, 3, 4)))
    m = mygrad.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert m.moveaxis(0, -1).shape == y.shape
