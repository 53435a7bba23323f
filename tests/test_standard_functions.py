"""The array API standard's functions that xgrad added with NumPy's names: the cases the
op-test table and the non-differentiable table do not reach (signed zeros, parameters,
generic fallbacks, errors, NumPy dispatch), on every backend."""

from __future__ import annotations

import types
from typing import Any

import numpy as np
import pytest

import xgrad as xg
from conftest import skip_on_dask
from xgrad.ops import nondiff


def _t(xb: Any, a: Any, **kw: Any) -> xg.Tensor:
    return xg.tensor(xb.array(np.asarray(a)), **kw)


class _Without:
    """A namespace without some functions: forces the generic fallbacks."""

    def __init__(self, xp: Any, *hidden: str) -> None:
        self._xp = xp
        self._hidden = set(hidden)

    def __getattr__(self, name: str) -> Any:
        if name in self._hidden:
            raise AttributeError(name)
        return getattr(self._xp, name)


# -- copysign, nextafter ----------------------------------------------------------------------
def test_copysign_derivative_follows_the_sign_bits(xb: Any) -> None:
    mag = [0.0, -0.0, 0.0, -0.0, 2.0, -2.0, 3.0]
    sgn = [1.0, 1.0, -1.0, -1.0, -1.0, 1.0, -0.0]
    x, s = _t(xb, mag), _t(xb, sgn)
    y = xg.copysign(x, s)
    np.testing.assert_array_equal(np.signbit(xb.host(y)), np.signbit(np.copysign(mag, sgn)))
    y.backward()
    # kept: +1, flipped: -1 (a zero's side is its sign bit); no gradient through the sign
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, -1.0, -1.0, 1.0, -1.0, -1.0, -1.0])
    np.testing.assert_array_equal(xb.host(s.grad), np.zeros(7))


@pytest.mark.parametrize("sign, expected", [(1.0, [1.0, -1.0]), (-0.0, [-1.0, 1.0]), (-3, [-1, 1])])
def test_copysign_with_a_python_number(xb: Any, sign: float, expected: list) -> None:
    x = _t(xb, [2.0, -0.0])
    y = xg.copysign(x, sign)
    np.testing.assert_array_equal(xb.host(y), np.copysign([2.0, -0.0], sign))
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), expected)


def test_copysign_second_derivative_is_zero(xb: Any) -> None:
    x = _t(xb, [1.5, -2.0])
    xg.copysign(x, -1.0).sum().backward(create_graph=True)
    g = x.grad
    assert isinstance(g, xg.Tensor)
    np.testing.assert_array_equal(xb.host(g), [-1.0, 1.0])
    g.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 0.0])


def test_nextafter_moves_one_ulp_with_derivative_one(xb: Any) -> None:
    a = np.array([1.0, 2.0, -1.0], dtype=np.float32)
    b = np.array([2.0, 0.0, -1.0], dtype=np.float32)
    x, to = _t(xb, a), _t(xb, b)
    y = xg.nextafter(x, to)
    assert y.dtype == x.dtype
    np.testing.assert_array_equal(xb.host(y), np.nextafter(a, b))
    y.backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(xb.host(to.grad), [0.0, 0.0, 0.0])


# -- real, conj, imag --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["real", "conj", "conjugate"])
def test_real_and_conj_copy_real_data(xb: Any, name: str) -> None:
    x = _t(xb, [1.5, -2.0])
    y = getattr(xg, name)(x)
    assert isinstance(y, xg.Tensor) and y is not x and not y.constant
    assert not xg.shares_memory(y, x)
    (y * _t(xb, [3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [3.0, 4.0])
    assert xg.conjugate is xg.conj


def test_real_shares_no_memory_on_numpy(np_only: Any) -> None:
    x = xg.tensor([1.0, 2.0])
    y = xg.real(x)
    y.data[0] = 5.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_imag_is_constant_zeros(xb: Any, dtype: str) -> None:
    x = _t(xb, np.array([[1, -2, 3]], dtype=dtype))
    z = xg.imag(x)
    assert z.constant and z.dtype == x.dtype and z.shape == (1, 3)
    assert z.device == x.device
    np.testing.assert_array_equal(xb.host(z), np.zeros((1, 3)))


def test_real_imag_conj_dispatch_from_numpy(np_only: Any) -> None:
    x = xg.tensor([1.0, -2.0])
    for fn in (np.real, np.imag, np.conj, np.conjugate):
        assert isinstance(fn(x), xg.Tensor), fn
    assert np.imag(x).constant and not np.real(x).constant


# -- shifts ------------------------------------------------------------------------------------
def test_shifts(xb: Any) -> None:
    i = np.array([1, -8, 5])
    t = _t(xb, i)
    assert xg.bitwise_left_shift is xg.left_shift
    assert xg.bitwise_right_shift is xg.right_shift
    out = xg.left_shift(t, 2)
    assert not isinstance(out, xg.Tensor)
    np.testing.assert_array_equal(xb.host(out), i << 2)
    np.testing.assert_array_equal(xb.host(xg.right_shift(t, _t(xb, [0, 1, 2]))), i >> [0, 1, 2])
    np.testing.assert_array_equal(xb.host(xg.bitwise_left_shift(1, t[2:])), [32])
    np.testing.assert_array_equal(xb.host(np.right_shift(t, 1)), i >> 1)


# -- isin --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "element, test, invert",
    [
        ([1.0, 2.0, np.nan, -0.0], [0.0, 2.0, np.nan], False),
        ([[1, 2], [3, 4]], [4, 1, 9], True),
        ([1.0, 2.0], [], False),
        ([[5, 6]], [[6], [7]], False),
    ],
)
def test_isin(xb: Any, element: list, test: list, invert: bool) -> None:
    e = np.asarray(element)
    tst = np.asarray(test, dtype=e.dtype)
    out = xg.isin(_t(xb, e), _t(xb, tst), invert=invert)
    assert not isinstance(out, xg.Tensor)
    np.testing.assert_array_equal(xb.host(out), np.isin(e, tst, invert=invert))
    generic = nondiff._isin_generic(xb.xp, xb.array(e), xb.array(tst), invert)
    np.testing.assert_array_equal(xb.host(generic), np.isin(e, tst, invert=invert))


def test_isin_scalars_lists_and_tensors_needing_a_gradient(xb: Any) -> None:
    x = _t(xb, [1.0, 2.0, 3.0])  # not constant: a predicate still answers
    np.testing.assert_array_equal(xb.host(xg.isin(x, [3.0, 1.0])), [True, False, True])
    assert bool(xb.host(xg.isin(2.0, x)))
    np.testing.assert_array_equal(xb.host(xg.isin(x, 2.0)), [False, True, False])


def test_isin_numpy_keywords(np_only: Any) -> None:
    x = xg.tensor([1, 2, 3])
    out = np.isin(x, [2], assume_unique=True, kind="sort")
    np.testing.assert_array_equal(out, [False, True, False])


# -- searchsorted ------------------------------------------------------------------------------
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("use_sorter", [False, True])
def test_searchsorted(xb: Any, side: str, use_sorter: bool) -> None:
    a = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    v = np.array([[2.0, 0.0], [5.0, 6.0], [2.5, 1.0]])
    sorter = np.argsort(a, kind="stable") if use_sorter else None
    base = a if use_sorter else np.sort(a)
    expected = np.searchsorted(base, v, side=side, sorter=sorter)
    s = None if sorter is None else xb.array(sorter)
    got = xg.searchsorted(_t(xb, base), _t(xb, v), side=side, sorter=s)
    np.testing.assert_array_equal(xb.host(got), expected)
    generic = nondiff._searchsorted_generic(xb.xp, xb.array(base), xb.array(v), side, s)
    np.testing.assert_array_equal(xb.host(generic), expected)


def test_searchsorted_scalar_lists_and_errors(xb: Any) -> None:
    a = _t(xb, [1.0, 2.0, 3.0])
    out = xg.searchsorted(a, 2.0)
    assert out.shape == ()
    np.testing.assert_array_equal(xb.host(out), 1)
    np.testing.assert_array_equal(xb.host(xg.searchsorted(a, 2, side="right")), 2)
    np.testing.assert_array_equal(
        xb.host(xg.searchsorted(_t(xb, [3.0, 1.0, 2.0]), [2.5], sorter=[1, 2, 0])), [2]
    )
    with pytest.raises(ValueError, match="side"):
        xg.searchsorted(a, 2.0, side="middle")
    with pytest.raises(ValueError, match="1-D"):
        xg.searchsorted(_t(xb, [[1.0]]), 2.0)


def test_searchsorted_generic_edges(xb: Any) -> None:
    for a in ([], [1.0], [1.0, 1.0, 1.0]):
        arr = np.asarray(a, dtype=np.float64)
        v = np.array([0.0, 1.0, 2.0])
        for side in ("left", "right"):
            got = nondiff._searchsorted_generic(xb.xp, xb.array(arr), xb.array(v), side, None)
            np.testing.assert_array_equal(xb.host(got), np.searchsorted(arr, v, side=side))


# -- unique ------------------------------------------------------------------------------------
_FLAGS = {"return_index": True, "return_inverse": True, "return_counts": True}


def _check_same(got: Any, expected: Any, xb: Any) -> None:
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert not isinstance(g, xg.Tensor)
            np.testing.assert_array_equal(xb.host(g), e)
    else:
        assert not isinstance(got, xg.Tensor)
        np.testing.assert_array_equal(xb.host(got), expected)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_unique_with_axis(xb: Any, axis: Any) -> None:
    x = np.array([[1.0, 2.0, 1.0], [1.0, 2.0, 1.0], [0.0, 5.0, 0.0], [1.0, 2.0, 1.0]])
    _check_same(xg.unique(_t(xb, x), axis=axis, **_FLAGS), np.unique(x, axis=axis, **_FLAGS), xb)
    _check_same(xg.unique(_t(xb, x), axis=axis), np.unique(x, axis=axis), xb)
    _check_same(
        xg.unique(_t(xb, x), return_counts=True, axis=axis),
        np.unique(x, return_counts=True, axis=axis),
        xb,
    )


@pytest.mark.parametrize("equal_nan", [True, False])
def test_unique_nans(xb: Any, equal_nan: bool) -> None:
    x = np.array([np.nan, 2.0, np.nan, 1.0, 2.0, np.nan])
    got = xg.unique(_t(xb, x), equal_nan=equal_nan, **_FLAGS)
    _check_same(got, np.unique(x, equal_nan=equal_nan, **_FLAGS), xb)


#: why the generic (array-API-only) unique is not run on Dask
_GENERIC_UNIQUE = (
    "the array-API-only sort needs the lengths nonzero() gives, unknown before computing; "
    "the dask backend runs NumPy's unique in one task instead (tests/test_dask_nondiff.py)"
)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("axis", [None, 0, 1, 2])
def test_generic_unique_matches_numpy(xb: Any, seed: int, axis: Any) -> None:
    """The array-API-only sort behind ``unique`` on array_api_strict, on every backend."""
    skip_on_dask(xb, _GENERIC_UNIQUE)
    x = np.random.default_rng(seed).integers(0, 2, size=(3, 4, 2)).astype(np.float64)
    if seed == 3:
        x[0, 0, 0] = x[1, 2, 1] = np.nan
    values, index, inverse, counts = nondiff._sorted_unique(xb.xp, xb.array(x), axis, True)
    _check_same((values, index, inverse, counts), np.unique(x, axis=axis, **_FLAGS), xb)


def test_generic_unique_of_empty_and_0d(xb: Any) -> None:
    skip_on_dask(xb, _GENERIC_UNIQUE)
    for x in (np.zeros((0,)), np.array(3.0)):
        got = nondiff._sorted_unique(xb.xp, xb.array(x), None, True)
        _check_same(tuple(got), np.unique(x, **_FLAGS), xb)


@pytest.mark.parametrize("name", ["unique_all", "unique_counts", "unique_inverse", "unique_values"])
def test_unique_array_api_results(xb: Any, name: str) -> None:
    x = np.array([[3.0, np.nan, 1.0], [3.0, np.nan, 2.0]])
    expected = getattr(np, name)(x)
    got = getattr(xg, name)(_t(xb, x))
    if name != "unique_values":
        assert got._fields == expected._fields  # the namespace's namedtuple
    _check_same(tuple(got) if name != "unique_values" else got, expected, xb)
    skip_on_dask(xb, _GENERIC_UNIQUE)
    # the generic fallback, for a namespace without these functions
    impl = nondiff.NONDIFF[name].impl
    fallback = impl(_Without(xb.xp, name, "unique"), xb.array(x))
    if name != "unique_values":
        assert fallback._fields == expected._fields
        fallback = tuple(fallback)
        expected = tuple(expected)
    _check_same(fallback, expected, xb)


def test_unique_is_not_differentiable_but_accepts_any_tensor(xb: Any) -> None:
    x = _t(xb, [2.0, 1.0, 2.0])
    np.testing.assert_array_equal(xb.host(xg.unique(x)), [1.0, 2.0])
    with pytest.raises(ValueError):
        xg.unique(x, axis=1)


# -- unstack, broadcasting, meshgrid -----------------------------------------------------------
def test_unstack(xb: Any) -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    x = _t(xb, a)
    for axis in (0, 1, -1):
        parts = xg.unstack(x, axis=axis)
        assert isinstance(parts, tuple)
        for p, e in zip(parts, np.unstack(a, axis=axis), strict=True):
            np.testing.assert_array_equal(xb.host(p), e)
    with pytest.raises(ValueError):
        xg.unstack(_t(xb, 1.0))
    with pytest.raises(IndexError):
        xg.unstack(x, axis=3)


@pytest.mark.parametrize(
    "shapes",
    [((2, 1), (3,), 1), ((),), (), ((0, 1), (1, 4)), (5, (5,)), ((1, 2, 1), (3, 1, 1), (4,))],
)
def test_broadcast_shapes(shapes: tuple) -> None:
    assert xg.broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)


def test_broadcast_shapes_errors() -> None:
    with pytest.raises(ValueError, match=r"arg 0 with shape \(2, 1\) and arg 2 with shape"):
        xg.broadcast_shapes((2, 1), (3,), (4, 1))
    with pytest.raises(ValueError, match="negative"):
        xg.broadcast_shapes((-1,))


def test_broadcast_arrays(xb: Any) -> None:
    x, y = _t(xb, [1.0, 2.0]), _t(xb, [[10.0], [20.0], [30.0]])
    bx, by = xg.broadcast_arrays(x, y)
    assert bx.shape == by.shape == (3, 2)
    (bx * by).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [60.0, 60.0])
    np.testing.assert_array_equal(xb.host(y.grad), [[3.0], [3.0], [3.0]])
    assert xg.broadcast_arrays() == ()
    with pytest.raises(ValueError, match="shape mismatch"):
        xg.broadcast_arrays(x, _t(xb, [1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="subok"):
        xg.broadcast_arrays(x, subok=True)


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
def test_meshgrid_matches_numpy(xb: Any, indexing: str, sparse: bool) -> None:
    a, b, c = np.arange(3.0), np.arange(2.0) + 10, np.array([[7.0, 8.0]])
    grids = xg.meshgrid(_t(xb, a), _t(xb, b), _t(xb, c), indexing=indexing, sparse=sparse)
    assert isinstance(grids, tuple)
    for g, e in zip(grids, np.meshgrid(a, b, c, indexing=indexing, sparse=sparse), strict=True):
        assert g.shape == e.shape
        np.testing.assert_array_equal(xb.host(g), e)
    assert xg.meshgrid() == ()
    (only,) = xg.meshgrid(_t(xb, [[1.0, 2.0]]))
    assert only.shape == (2,)
    with pytest.raises(ValueError, match="indexing"):
        xg.meshgrid(_t(xb, a), indexing="yx")


def test_meshgrid_copies_unless_asked_not_to(np_only: Any) -> None:
    x, y = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0])
    gx, _ = xg.meshgrid(x, y)
    gx[0, 0] = 5.0  # a new tensor: writable, and x is unchanged
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])
    vx, _ = xg.meshgrid(x, y, copy=False)
    assert np.shares_memory(vx.data, x.data)
    with pytest.raises(ValueError):
        vx[0, 0] = 5.0  # a broadcast view, read-only as NumPy's


def test_numpy_dispatch_of_the_grid_and_set_functions(np_only: Any) -> None:
    x, y = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0])
    for r in (*np.meshgrid(x, y), *np.broadcast_arrays(x, y[:1]), *np.unstack(x)):
        assert isinstance(r, xg.Tensor) and not r.constant
    assert isinstance(np.unique(x), np.ndarray)
    assert np.unique_all(x).counts.tolist() == [1, 1, 1]
    np.testing.assert_array_equal(np.searchsorted(x, y), [3, 3])


# -- linalg: cross, matrix_power, matrix_rank --------------------------------------------------
def test_cross_values_broadcasting_and_axes(xb: Any) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(3, 1))
    for axis in (1, -2):  # inputs of one rank: NumPy's axis
        got = xg.linalg.cross(_t(xb, a), _t(xb, rng.normal(size=(2, 3, 1))), axis=axis)
        assert got.shape == (2, 3, 4)
    bb = np.broadcast_to(b, (3, 4))
    expected = np.linalg.cross(a, np.broadcast_to(bb, a.shape), axis=1)
    # a negative axis counts from the end of both inputs, a non-negative one in the broadcast
    # shape (as vecdot; the array API leaves non-negative axes unspecified)
    for axis in (1, -2):
        got = xg.linalg.cross(_t(xb, a), _t(xb, bb), axis=axis)
        np.testing.assert_allclose(xb.host(got), expected)
    got = xg.linalg.cross(_t(xb, a.transpose(0, 2, 1)), _t(xb, b[:, 0]))
    np.testing.assert_allclose(xb.host(got), np.linalg.cross(a.transpose(0, 2, 1), b[:, 0]))


def test_cross_errors(xb: Any) -> None:
    with pytest.raises(ValueError, match="3 elements"):
        xg.linalg.cross(_t(xb, [1.0, 2.0]), _t(xb, [1.0, 2.0]))
    with pytest.raises(IndexError):
        xg.linalg.cross(_t(xb, [1.0, 2.0, 3.0]), _t(xb, [1.0, 2.0, 3.0]), axis=-2)
    with pytest.raises(ValueError, match="at least one"):
        xg.linalg.cross(_t(xb, 1.0), _t(xb, [1.0, 2.0, 3.0]))


def test_matrix_power_zero_and_one(xb: Any) -> None:
    a = _t(xb, [[[2.0, 1.0], [0.0, 3.0]]])
    eye = xg.linalg.matrix_power(a, 0)
    assert not eye.constant
    np.testing.assert_array_equal(xb.host(eye), [np.eye(2)])
    eye.sum().backward()
    np.testing.assert_array_equal(xb.host(a.grad), np.zeros((1, 2, 2)))
    one = xg.linalg.matrix_power(a, 1)
    assert one is not a
    np.testing.assert_array_equal(xb.host(one), xb.host(a))
    c = xg.linalg.matrix_power(a, 3, constant=True)
    assert c.constant


def test_matrix_power_dtypes_and_errors(xb: Any) -> None:
    i = np.array([[1, 1], [0, 1]])
    p = xg.linalg.matrix_power(_t(xb, i), 5)
    assert p.dtype == xb.backend.dtype("int64")
    np.testing.assert_array_equal(xb.host(p), np.linalg.matrix_power(i, 5))
    q = xg.linalg.matrix_power(_t(xb, i), -2)
    np.testing.assert_allclose(xb.host(q), np.linalg.matrix_power(i, -2))
    with pytest.raises(TypeError, match="integer"):
        xg.linalg.matrix_power(_t(xb, i), 1.5)
    with pytest.raises(ValueError, match="square"):
        xg.linalg.matrix_power(_t(xb, [[1.0, 2.0]]), 2)
    with pytest.raises(ValueError, match="square"):
        xg.linalg.matrix_power(_t(xb, [1.0, 2.0]), 2)


@pytest.mark.parametrize(
    "kwargs", [{}, {"tol": 0.5}, {"rtol": 0.1}, {"rtol": np.array([0.1, 0.9])}, {"tol": 2.5}]
)
def test_matrix_rank(xb: Any, kwargs: dict) -> None:
    a = np.array([[[1.0, 2.0], [2.0, 4.0]], [[3.0, 0.0], [0.0, 1.0]]])
    kw = {k: xb.array(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    got = xg.linalg.matrix_rank(_t(xb, a), **kw)
    assert not isinstance(got, xg.Tensor)
    np.testing.assert_array_equal(xb.host(got), np.linalg.matrix_rank(a, **kwargs))


def test_matrix_rank_other_inputs(xb: Any) -> None:
    np.testing.assert_array_equal(xb.host(xg.linalg.matrix_rank(_t(xb, np.eye(3, dtype=int)))), 3)
    np.testing.assert_array_equal(xb.host(xg.linalg.matrix_rank(_t(xb, [0.0, 0.0]))), 0)
    np.testing.assert_array_equal(xb.host(xg.linalg.matrix_rank(_t(xb, [0.0, 2.0]))), 1)
    with pytest.raises(TypeError, match="hermitian"):
        xg.linalg.matrix_rank(_t(xb, np.eye(2)), hermitian=True)
    with pytest.raises(ValueError, match="not both"):
        xg.linalg.matrix_rank(_t(xb, np.eye(2)), tol=1.0, rtol=1.0)


def test_linalg_numpy_dispatch(np_only: Any) -> None:
    a = xg.tensor([[2.0, 1.0], [1.0, 3.0]])
    v, w = xg.tensor([1.0, 0.0, 0.0]), xg.tensor([0.0, 1.0, 0.0])
    c = np.linalg.cross(v, w)
    assert isinstance(c, xg.Tensor) and not c.constant
    p = np.linalg.matrix_power(a, -1)
    assert isinstance(p, xg.Tensor) and not p.constant
    assert np.linalg.matrix_rank(a) == 2
    (c.sum() + p.sum()).backward()
    assert v.grad is not None and a.grad is not None


def test_tensor_namespace_has_the_new_functions(xb: Any) -> None:
    """What derivative rules see under ``create_graph=True``."""
    from xgrad._xp import namespace

    ns = namespace(xb.backend)
    for name in (
        "copysign",
        "nextafter",
        "real",
        "conj",
        "imag",
        "bitwise_left_shift",
        "bitwise_right_shift",
        "isin",
        "searchsorted",
        "unique_values",
        "meshgrid",
        "broadcast_arrays",
        "broadcast_shapes",
        "unstack",
    ):
        assert callable(getattr(ns, name)), name
    for name in ("cross", "matrix_power", "matrix_rank"):
        assert callable(getattr(ns.linalg, name)), name
    t = _t(xb, [1, 2, 3])
    out = ns.isin(t, _t(xb, [2]), invert=True)
    np.testing.assert_array_equal(xb.host(out), [True, False, True])
    out = ns.searchsorted(_t(xb, [1.0, 2.0]), _t(xb, [1.5]), side="right")
    np.testing.assert_array_equal(xb.host(out), [1])


def test_namespace_proxy_hides_functions() -> None:
    proxy = _Without(types.SimpleNamespace(isin=1, sort=2), "isin")
    assert not hasattr(proxy, "isin") and proxy.sort == 2
