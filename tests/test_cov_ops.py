"""The op table's less-travelled paths: argument errors (type and message), one-sided and
degenerate derivatives, long cumulative products, and einsum's parser."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.func import jvp


def _host(xb, t):
    return xb.host(t)


# -- manipulation and shape: argument errors ---------------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (
            lambda: xg.split(xg.tensor([1.0, 2.0, 3.0]), 2),
            ValueError,
            "array split does not result in an equal division",
        ),
        (
            lambda: xg.repeat(xg.tensor([1.0, 2.0, 3.0]), [1, 2]),
            ValueError,
            "repeat: 2 repeats for an axis of length 3",
        ),
        (
            lambda: xg.pad(xg.tensor([1.0, 2.0]), 1, mode="edge"),
            ValueError,
            "pad: only mode='constant' is supported, got mode='edge'",
        ),
        (
            lambda: xg.pad(xg.tensor([1.0, 2.0]), [(1, 2), (1, 1)]),
            ValueError,
            "pad: invalid pad_width [(1, 2), (1, 1)] for 1 dimensions",
        ),
        (
            lambda: xg.pad(xg.tensor([1.0]), 1, constant_values=[[1, 2], [3]]),
            ValueError,
            "pad: constant_values [[1, 2], [3]] is not rectangular",
        ),
        (
            lambda: xg.pad(xg.tensor([1.0]), 1, constant_values="a"),
            TypeError,
            "pad: constant_values must be numbers, got 'a'",
        ),
        (
            lambda: xg.take_along_axis(xg.tensor([[1.0, 2.0]]), np.array([0]), axis=1),
            ValueError,
            "take_along_axis: indices and arr must have the same number of dims",
        ),
        (
            lambda: xg.take_along_axis(
                xg.tensor([[1.0, 2.0], [3.0, 4.0]]), np.zeros((3, 1), int), axis=1
            ),
            ValueError,
            "take_along_axis: indices of shape (3, 1) do not broadcast against an array of shape "
            "(2, 2) (axis 0)",
        ),
        (
            lambda: xg.cumulative_sum(xg.tensor(1.0)),
            ValueError,
            "cumulative_sum: x must have at least one dimension",
        ),
        (
            lambda: xg.reshape(xg.tensor([1.0, 2.0, 3.0, 4.0]), (-1, -1)),
            ValueError,
            "reshape: can only specify one unknown dimension (-1)",
        ),
        (
            lambda: xg.reshape(xg.tensor([1.0, 2.0, 3.0, 4.0]), (-1, 3)),
            ValueError,
            "cannot reshape a tensor of size 4 into shape (-1, 3)",
        ),
        (
            lambda: xg.permute_dims(xg.tensor([[1.0]]), (0, 0)),
            ValueError,
            "axes (0, 0) are not a permutation of (0, 1)",
        ),
        (
            lambda: xg.matrix_transpose(xg.tensor([1.0])),
            ValueError,
            "matrix_transpose needs at least two dimensions",
        ),
        (
            lambda: xg.moveaxis(xg.tensor([[1.0]]), (0, 1), (0,)),
            ValueError,
            "moveaxis: source and destination must have the same length",
        ),
        (lambda: xg.concatenate([]), ValueError, "need at least one array to concatenate"),
        (
            lambda: xg.concatenate([xg.tensor([1.0]), xg.tensor([[1.0]])]),
            ValueError,
            "all the input arrays must have the same number of dimensions",
        ),
        (lambda: xg.stack([]), ValueError, "need at least one array to stack"),
        (
            lambda: xg.stack([xg.tensor([1.0]), xg.tensor([1.0, 2.0])]),
            ValueError,
            "all input arrays must have the same shape",
        ),
        (
            lambda: xg.where(xg.tensor([True]), xg.tensor([1.0])),
            ValueError,
            "where: give both x and y, or neither",
        ),
    ],
)
def test_argument_errors(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value) == message


def test_pad_with_numpy_scalars_as_values(xb):
    x = xg.tensor([1.0, 2.0])
    np.testing.assert_array_equal(
        _host(xb, xg.pad(x, 1, constant_values=np.float32(3))), [3, 1, 2, 3]
    )
    p = xg.pad(x, 1, constant_values=[np.float32(3), 4])
    np.testing.assert_array_equal(_host(xb, p), [3, 1, 2, 4])
    (p * xg.tensor([10.0, 1.0, 2.0, 10.0])).sum().backward()
    np.testing.assert_array_equal(_host(xb, x.grad), [1.0, 2.0])


def test_where_with_only_a_condition_gives_indices(xb):
    (idx,) = xg.where(xg.tensor([True, False, True]))
    np.testing.assert_array_equal(_host(xb, idx), [0, 2])


def test_concatenate_flattened_and_roll_over_several_axes(xb):
    a, b = xg.tensor([[1.0]]), xg.tensor([[2.0, 3.0]])
    c = xg.concatenate([a, b], axis=None)
    np.testing.assert_array_equal(_host(xb, c), [1.0, 2.0, 3.0])
    (c * xg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(_host(xb, b.grad), [[2.0, 3.0]])
    m = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    expected = np.roll([[1.0, 2.0], [3.0, 4.0]], (1, 1), axis=(0, 1))
    np.testing.assert_array_equal(_host(xb, xg.roll(m, (1, 1), axis=(0, 1))), expected)
    r = xg.roll(m, 1, axis=(0, 1))  # one shift for every axis
    np.testing.assert_array_equal(_host(xb, r), expected)
    (r * xg.tensor([[1.0, 0.0], [0.0, 0.0]])).sum().backward()
    np.testing.assert_array_equal(_host(xb, m.grad), [[0, 0], [0, 1]])  # r[0, 0] = m[1, 1]


def test_reshape_to_an_integer_shape(xb):
    x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert xg.reshape(x, 4).shape == (4,)
    assert xg.reshape(x, np.int64(4)).shape == (4,)


def test_cumulative_functions_in_a_dtype(xb):
    s = xg.cumulative_sum(xg.tensor([1, 2, 3], dtype="int8"), dtype="int64")
    assert s.dtype == xb.backend.dtype("int64")
    np.testing.assert_array_equal(_host(xb, s), [1, 3, 6])
    x = xg.tensor([1.0, 2.0, 3.0])
    p = xg.cumulative_prod(x, dtype="float32")
    assert p.dtype == xb.backend.dtype("float32")
    p.sum().backward()
    np.testing.assert_allclose(_host(xb, x.grad), [1 + 2 + 6, 1 + 3, 2])


def test_take_along_axis_flattened_and_broadcast(xb):
    np.testing.assert_array_equal(
        _host(xb, xg.take_along_axis(xg.tensor([3.0, 1.0, 2.0]), xg.tensor([1, 2]), axis=None)),
        [1.0, 2.0],
    )
    m = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    t = xg.take_along_axis(m, np.zeros((1, 1), dtype=int), axis=1)
    np.testing.assert_array_equal(_host(xb, t), [[1.0], [3.0]])
    t.sum().backward()
    np.testing.assert_array_equal(_host(xb, m.grad), [[1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(
        _host(xb, xg.take(xg.tensor([[1.0, 2.0], [3.0, 4.0]]), xg.tensor([1]), axis=0)),
        [[3.0, 4.0]],
    )


# -- cumulative products longer than the exact-matrix limit ------------------------------------
def _cumprod_jacobian(x):
    """J[j, k] = d cumprod(x)_j / d x_k = prod_{i <= j, i != k} x_i for k <= j."""
    n = x.size
    jac = np.zeros((n, n))
    for k in range(n):
        skip = x.copy()
        skip[k] = 1.0
        jac[k:, k] = np.cumprod(skip)[k:]
    return jac


@pytest.mark.parametrize("zeros", [(), (7,), (5, 900)])
def test_long_cumprod_gradient_and_jvp_with_zeros(xb, zeros):
    n = 1100  # beyond the exact O(n^2) matrix rule: the zero-counting formula
    rng = np.random.default_rng(0)
    values = 1.0 + 0.01 * rng.standard_normal(n)
    values[list(zeros)] = 0.0
    jac = _cumprod_jacobian(values)
    w = rng.standard_normal(n)
    x = xg.tensor(values)
    (xg.cumprod(x) * xg.tensor(w)).sum().backward()
    np.testing.assert_allclose(_host(xb, x.grad), w @ jac, rtol=1e-9, atol=1e-12)
    t = rng.standard_normal(n)
    _, tan = jvp(lambda a: xg.cumprod(a), (xg.tensor(values),), (xg.tensor(t),))
    np.testing.assert_allclose(_host(xb, tan), jac @ t, rtol=1e-9, atol=1e-12)


def test_long_cumprod_along_an_axis(xb):
    rng = np.random.default_rng(1)
    values = 1.0 + 0.01 * rng.standard_normal((2, 1030))
    values[0, 3] = 0.0
    x = xg.tensor(values)
    xg.cumprod(x, axis=1).sum().backward()
    for r in range(2):
        np.testing.assert_allclose(
            _host(xb, x.grad)[r], _cumprod_jacobian(values[r]).sum(axis=0), rtol=1e-9, atol=1e-12
        )


# -- elementwise: degenerate powers, one-sided clip, integer inputs ----------------------------
def test_power_with_exponent_one_and_zero(xb):
    x = xg.tensor([2.0, 0.0, -3.0])
    (x**1).sum().backward()
    np.testing.assert_array_equal(_host(xb, x.grad), [1.0, 1.0, 1.0])
    x = xg.tensor([2.0, 0.0, -3.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(_host(xb, x.grad), [0.0, 0.0, 0.0])


def test_power_of_a_number_base_zero_or_negative(xb):
    x = xg.tensor([2.0, 3.0])
    (0.0**x).sum().backward()
    np.testing.assert_array_equal(_host(xb, x.grad), [0.0, 0.0])  # d/dx 0**x = 0 for x > 0
    x = xg.tensor([2.0, 3.0])
    y = (-2.0) ** x
    np.testing.assert_array_equal(_host(xb, y), [4.0, -8.0])
    y.sum().backward()
    assert np.isnan(_host(xb, x.grad)).all()  # log(-2) is not real, as in NumPy


def test_clip_one_sided_in_forward_mode(xb):
    _, t = jvp(lambda a: xg.clip(a, None, 1.0), (xg.tensor([0.5, 2.0]),), (xg.tensor([1.0, 1.0]),))
    np.testing.assert_array_equal(_host(xb, t), [1.0, 0.0])
    _, t = jvp(lambda a: xg.clip(a, 0.0, None), (xg.tensor([-0.5, 2.0]),), (xg.tensor([3.0, 3.0]),))
    np.testing.assert_array_equal(_host(xb, t), [0.0, 3.0])
    lo, x = xg.tensor([0.0, 0.0]), xg.tensor([-1.0, 1.0])
    xg.clip(x, lo, None).sum().backward(create_graph=True)
    np.testing.assert_array_equal(_host(xb, lo.grad), [1.0, 0.0])
    np.testing.assert_array_equal(_host(xb, x.grad), [0.0, 1.0])


def test_erf_of_integers(xb):
    e = xg.erf(xg.tensor([0, 1]))
    assert e.dtype == xb.backend.dtype("float64")
    np.testing.assert_allclose(_host(xb, e), [0.0, 0.8427007929497149], rtol=1e-14)


def test_copysign_by_integers(np_only):
    # NumPy mixes the kinds (array_api_strict refuses float with int, as the standard)
    xb = np_only
    x = xg.tensor([1.0, -2.0])
    y = xg.copysign(x, xg.tensor([-1, 2]))
    np.testing.assert_array_equal(_host(xb, y), [-1.0, 2.0])
    y.sum().backward()
    np.testing.assert_array_equal(_host(xb, x.grad), [-1.0, -1.0])  # both signs flipped


# -- non-differentiable functions --------------------------------------------------------------
def test_nondiff_functions_of_host_data_use_the_selected_backend(xb):
    r = xg.isnan([1.0, float("nan")])
    assert isinstance(r, xb.backend.array_types)
    np.testing.assert_array_equal(_host(xb, r), [False, True])


def test_nondiff_functions_refuse_tensors_on_two_devices():
    pytest.importorskip("array_api_strict")
    with xg.use_backend("array_api_strict", device="device1"):
        a = xg.tensor([1.0])
        b = xg.tensor([1.0], device="device2")
    with pytest.raises(xg.errors.DeviceMismatchError) as exc:
        xg.equal(a, b)
    assert str(exc.value).startswith(
        "cannot combine tensors on devices 'device1' and 'device2' in equal (array_api_strict "
        "backend)"
    )


def test_isclose_equal_nan_array_equal_argsort_searchsorted(xb):
    nan = float("nan")
    a = xg.tensor([1.0, nan, 2.0])
    np.testing.assert_array_equal(
        _host(xb, xg.isclose(a, xg.tensor([1.0, nan, 3.0]))), [True, False, False]
    )
    np.testing.assert_array_equal(
        _host(xb, xg.isclose(a, xg.tensor([1.0, nan, 3.0]), equal_nan=True)), [True, True, False]
    )
    np.testing.assert_array_equal(
        _host(xb, xg.argsort(xg.tensor([[3.0, 1.0], [2.0, 0.0]]), axis=None)), [3, 1, 2, 0]
    )
    i = xg.searchsorted(xg.tensor([3.0, 1.0, 2.0]), xg.tensor([2.5]), sorter=xg.tensor([1, 2, 0]))
    np.testing.assert_array_equal(_host(xb, i), [2])


def test_array_equal_is_a_python_bool(np_only):
    # a Python bool needs the value on the host: a device backend would synchronise
    assert xg.array_equal(xg.tensor([1.0]), xg.tensor([1.0, 1.0])) is False
    assert xg.array_equal(xg.tensor([1.0, 2.0]), xg.tensor([1.0, 2.0])) is True
    assert (
        xg.allclose(xg.tensor([1.0, float("nan")]), xg.tensor([1.0, float("nan")]), equal_nan=True)
        is True
    )


# -- einsum: the parser's errors, out=, the generic contraction --------------------------------
@pytest.mark.parametrize(
    ("args", "exc", "message"),
    [
        (("i->i->i", [1.0]), ValueError, "einsum: subscripts 'i->i->i' contain more than one '->'"),
        (("i-i", [1.0]), ValueError, "einsum: invalid subscripts 'i-i'"),
        (("i",), ValueError, "einsum: at least one operand is required"),
    ],
)
def test_einsum_subscript_errors(args, exc, message):
    args = tuple(xg.tensor(a) if isinstance(a, list) else a for a in args)
    with pytest.raises(exc) as info:
        xg.einsum(*args)
    assert str(info.value) == message


def test_einsum_sublist_errors_and_forms():
    x = xg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"einsum: subscript 'x' is not an integer in \[0, 52\)"):
        xg.einsum(x, [0, "x"])
    with pytest.raises(ValueError, match=r"einsum: subscript 52 is not an integer in \[0, 52\)"):
        xg.einsum(x, [52])
    np.testing.assert_array_equal(xg.einsum(x, [Ellipsis], [Ellipsis]).numpy(), [1.0, 2.0])
    big = xg.tensor(np.ones((1,) * 53))
    with pytest.raises(ValueError, match="einsum: too many dimensions for the available subscript"):
        xg.einsum("...", big)


def test_einsum_out_must_be_a_tensor():
    x = xg.tensor([1.0, 2.0])
    with pytest.raises(TypeError) as exc:
        xg.einsum("i,i", x, x, out=np.zeros(()))
    assert str(exc.value) == "einsum(..., out=...): out must be an xgrad Tensor, got ndarray"


def test_einsum_sums_a_label_private_to_one_operand(xb):
    a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = xg.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]])
    y = xg.einsum("ij,jk->k", a, b)  # i appears in a alone: summed before the contraction
    np.testing.assert_allclose(_host(xb, y), np.einsum("ij,jk->k", _host(xb, a), _host(xb, b)))
    y.sum().backward()
    # d/da_ij = sum_k b_jk
    np.testing.assert_allclose(_host(xb, a.grad), [[3.0, 2.0], [3.0, 2.0]])
    np.testing.assert_allclose(_host(xb, b.grad), [[4.0] * 3, [6.0] * 3])


# -- linear algebra: refused arguments and constant= -------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (
            lambda a: xg.linalg.eigh(a[:2], UPLO="X"),
            ValueError,
            "eigh: UPLO argument must be 'L' or 'U'",
        ),
        (
            lambda a: xg.linalg.svd(a, hermitian=True),
            TypeError,
            "svd: hermitian=True is not supported for xgrad tensors",
        ),
        (
            lambda a: xg.linalg.pinv(a, hermitian=True),
            TypeError,
            "pinv: hermitian=True is not supported for xgrad tensors",
        ),
        (
            lambda a: xg.trace(a, out=xg.tensor(0.0)),
            TypeError,
            "trace: out= is not supported for xgrad tensors; use the returned tensor",
        ),
        (
            lambda a: xg.linalg.vector_norm(a, axis=(0, -2)),
            ValueError,
            "vector_norm: repeated axis in (0, -2)",
        ),
        (
            lambda a: xg.linalg.matrix_power(a[:2], 1.5),
            TypeError,
            "matrix_power: the exponent must be an integer, got 1.5",
        ),
        (
            lambda a: xg.linalg.solve(xg.eye(2), np.array([1 + 1j, 2])),
            TypeError,
            "solve: complex data is not supported; got dtype complex128",
        ),
        (
            lambda a: xg.tensordot(a, a, axes=3),
            ValueError,
            "tensordot: axes=3 needs both inputs to have at least 3 dimensions (they have 2 and 2)",
        ),
        (
            lambda a: xg.tensordot(a, a, axes=[0, 1, 2]),
            TypeError,
            "tensordot: axes must be an integer or a pair of sequences of axes, got [0, 1, 2]",
        ),
        (
            lambda a: xg.tensordot(a, a, axes=((0, 0), (0, 1))),
            ValueError,
            "tensordot: repeated axis in axes=((0, 0), (0, 1))",
        ),
        (
            lambda a: xg.dot(a, a.T, out=xg.zeros((3, 3))),
            TypeError,
            "dot: out= is not supported for xgrad tensors; use the returned tensor",
        ),
        (
            lambda a: xg.inner(xg.tensor([1.0, 2.0]), xg.tensor([1.0, 2.0, 3.0])),
            ValueError,
            "inner: shapes (2,) and (3,) not aligned along the last axis",
        ),
        (
            lambda a: xg.outer(a[0], a[1], out=xg.zeros((2, 2))),
            TypeError,
            "outer: out= is not supported for xgrad tensors; use the returned tensor",
        ),
        (
            lambda a: xg.multi_matmul([xg.ones((2, 2)), xg.ones(2), xg.ones((2, 2))]),
            ValueError,
            "multi_matmul: tensor 1 has 1 dimension(s); only the first and last may be 1-D, the "
            "others must be at least 2-D",
        ),
        (
            lambda a: xg.multi_matmul([xg.ones((2, 2)), xg.ones((3, 2))]),
            ValueError,
            "multi_matmul: tensors 0 and 1 are not aligned (2 != 3)",
        ),
    ],
)
def test_linalg_argument_errors(call, exc, message):
    a = xg.tensor([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(exc) as info:
        call(a)
    assert str(info.value) == message


def test_complete_qr_of_a_tall_matrix(xb):
    values = np.array([[3.0, 1.0], [1.0, 2.0], [0.0, 1.0]])
    q, r = xg.linalg.qr(xg.tensor(values, constant=True), mode="complete")
    assert q.shape == (3, 3) and r.shape == (3, 2) and q.constant and r.constant
    np.testing.assert_allclose(_host(xb, q) @ _host(xb, r), values, atol=1e-12)
    np.testing.assert_allclose(_host(xb, q).T @ _host(xb, q), np.eye(3), atol=1e-12)
    with pytest.raises(ValueError, match="qr: mode='complete' has no unique derivative"):
        xg.linalg.qr(xg.tensor(values), mode="complete")


def test_linalg_constant_flags(xb):
    s = xg.tensor([[3.0, 1.0], [1.0, 2.0]])
    w, v = xg.linalg.eigh(s, constant=True)
    assert w.constant and v.constant and s.grad is None
    c = xg.tensor([[3.0, 1.0], [1.0, 2.0]], constant=True)
    w, v = xg.linalg.eigh(c, constant=False)
    assert not w.constant and not v.constant
    np.testing.assert_allclose(_host(xb, w), np.linalg.eigvalsh([[3.0, 1.0], [1.0, 2.0]]))
    low = xg.linalg.cholesky(xg.tensor([[4.0, 1.0], [1.0, 3.0]], constant=True), constant=False)
    assert not low.constant
    np.testing.assert_allclose(_host(xb, low), [[2.0, 0.0], [0.5, np.sqrt(2.75)]])
    m = xg.matmul(s, s, constant=True)
    assert m.constant
    np.testing.assert_allclose(_host(xb, m), [[10.0, 5.0], [5.0, 5.0]])


def test_matmul_into_out(xb):
    a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    o = xg.zeros((2, 2))
    r = xg.matmul(a, a, out=o)
    assert r is o
    np.testing.assert_allclose(_host(xb, o), [[7.0, 10.0], [15.0, 22.0]])
    o.sum().backward()
    # d/da sum(a @ a) = ones @ a.T + a.T @ ones
    ones = np.ones((2, 2))
    expected = ones @ _host(xb, a).T + _host(xb, a).T @ ones
    np.testing.assert_allclose(_host(xb, a.grad), expected)


def test_dot_of_a_scalar_and_matrix_rank_with_tol(xb):
    s, v = xg.tensor(2.0), xg.tensor([1.0, 2.0])
    d = xg.dot(s, v)
    np.testing.assert_array_equal(_host(xb, d), [2.0, 4.0])
    d.sum().backward()
    assert float(_host(xb, s.grad)) == 3.0
    r = xg.linalg.matrix_rank(xg.tensor([[1.0, 0.0], [0.0, 1e-3]]), tol=1e-2)
    assert int(_host(xb, r)) == 1
