"""``xgrad.array_api``: the standard's functions over tensors (values and gradients), its
``linalg`` extension, creation functions' passes through tensors and the inspection API, on
every backend."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg


def _ns(xb):
    return xg.tensor([0.0]).__array_namespace__()


def _fd(f, a, h=1e-6):
    """Central differences of the scalar NumPy function ``f`` at ``a``."""
    a = np.asarray(a, dtype=float)
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[i] = h
        g[i] = (f(a + e) - f(a - e)) / (2 * h)
    return g


def _grad(xb, fn, values):
    x = xg.tensor(values)
    fn(x).backward()
    return xb.host(x.grad)


A = [[1.0, 2.0, 3.0], [4.0, 0.5, 2.0]]
S = [[2.0, 1.0], [1.0, 3.0]]  # symmetric positive definite


# -- reductions, statistics, cumulative ------------------------------------------------------
def test_prod_value_and_gradient(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    p = xp.prod(x, axis=1)
    np.testing.assert_allclose(xb.host(p), [6.0, 4.0])
    p.sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), [[6.0, 3.0, 2.0], [1.0, 8.0, 2.0]])


def test_prod_in_a_dtype(xb):
    xp = _ns(xb)
    p = xp.prod(xg.tensor([2, 3, 4], dtype="int32"), dtype=xp.float64)
    assert p.dtype == xp.float64
    assert xb.host(p) == 24.0


def test_var_with_correction(xb):
    xp = _ns(xb)
    v = xp.var(xg.tensor(A), axis=1, correction=1)
    np.testing.assert_allclose(xb.host(v), np.var(np.array(A), axis=1, ddof=1))
    g = _grad(xb, lambda x: xp.var(x, correction=0), [1.0, 2.0, 6.0])
    # d/dx_i mean((x - m)^2) = 2 (x_i - m) / n
    np.testing.assert_allclose(g, 2 * (np.array([1.0, 2.0, 6.0]) - 3.0) / 3)


def test_cumulative_prod_include_initial_and_gradient(xb):
    xp = _ns(xb)
    c = xp.cumulative_prod(xg.tensor(A), axis=1, include_initial=True)
    np.testing.assert_allclose(xb.host(c), [[1, 1, 2, 6], [1, 4, 2, 4]])
    g = _grad(xb, lambda x: xp.sum(xp.cumulative_prod(x)), [2.0, 3.0, 5.0])
    np.testing.assert_allclose(g, _fd(lambda a: np.cumprod(a).sum(), [2.0, 3.0, 5.0]), rtol=1e-6)


def test_diff_with_prepend(xb):
    xp = _ns(xb)
    d = xp.diff(xg.tensor(A), axis=1, prepend=xp.zeros((2, 1)))
    np.testing.assert_allclose(xb.host(d), [[1.0, 1.0, 1.0], [4.0, -3.5, 1.5]])
    g = _grad(xb, lambda x: xp.sum(xp.diff(x, n=2) * xp.asarray([1.0, 10.0])), [1.0, 4.0, 9.0, 2.0])
    # second differences: x0 - 2 x1 + x2, x1 - 2 x2 + x3
    np.testing.assert_allclose(g, [1.0, -2.0 + 10.0, 1.0 - 20.0, 10.0])


# -- searching, sets ---------------------------------------------------------------------------
def test_argmin_and_count_nonzero_are_constant_tensors(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    i = xp.argmin(x, axis=1)
    assert isinstance(i, xg.Tensor) and i.constant
    np.testing.assert_array_equal(xb.host(i), [0, 1])
    np.testing.assert_array_equal(xb.host(xp.argmin(x, axis=0, keepdims=True)), [[0, 1, 1]])
    n = xp.count_nonzero(x - 1.0)
    assert isinstance(n, xg.Tensor) and int(xb.host(n)) == 5
    np.testing.assert_array_equal(xb.host(xp.count_nonzero(x - 2.0, axis=0)), [2, 1, 1])


def test_nonzero_of_a_0d_tensor_is_refused(xb):
    xp = _ns(xb)
    with pytest.raises(ValueError, match="nonzero: x must have at least one dimension"):
        xp.nonzero(xp.asarray(1.0))


def test_unique_functions(xb):
    xp = _ns(xb)
    x = xp.asarray([3, 1, 3, 2])
    u = xp.unique_all(x)
    assert type(u).__name__ == "UniqueAllResult"
    np.testing.assert_array_equal(xb.host(u.values), [1, 2, 3])
    np.testing.assert_array_equal(xb.host(u.indices), [1, 3, 0])
    np.testing.assert_array_equal(xb.host(u.inverse_indices), [2, 0, 2, 1])
    np.testing.assert_array_equal(xb.host(u.counts), [1, 1, 2])
    c = xp.unique_counts(x)
    assert c._fields == ("values", "counts")
    np.testing.assert_array_equal(xb.host(c.counts), [1, 1, 2])
    inv = xp.unique_inverse(x)
    assert inv._fields == ("values", "inverse_indices")
    values, inverse = xb.host(inv.values), xb.host(inv.inverse_indices)
    np.testing.assert_array_equal(values[inverse], [3, 1, 3, 2])
    assert all(isinstance(t, xg.Tensor) and t.constant for t in (*u, *c, *inv))


# -- manipulation ------------------------------------------------------------------------------
def test_concat_flattened_and_flip(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    c = xp.concat([x, x * 2.0], axis=None)
    assert c.shape == (12,)
    c.sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), np.full((2, 3), 3.0))
    np.testing.assert_allclose(xb.host(xp.flip(xg.tensor(A), axis=0)), np.flip(A, axis=0))
    g = _grad(xb, lambda t: xp.sum(xp.flip(t) * xp.asarray([1.0, 2.0, 3.0])), [5.0, 6.0, 7.0])
    np.testing.assert_allclose(g, [3.0, 2.0, 1.0])


def test_repeat_with_array_counts(xb):
    xp = _ns(xb)
    x = xg.tensor([1.0, 2.0, 3.0])
    r = xp.repeat(x, xp.asarray([1, 0, 2]))
    np.testing.assert_allclose(xb.host(r), [1.0, 3.0, 3.0])
    r.sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), [1.0, 0.0, 2.0])
    np.testing.assert_allclose(xb.host(xp.repeat(x, xp.asarray(2))), [1, 1, 2, 2, 3, 3])
    counts = xg.tensor([2, 1, 1])
    np.testing.assert_allclose(xb.host(xp.repeat(x, counts)), [1, 1, 2, 3])


def test_roll_stack_tile_unstack(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    np.testing.assert_allclose(xb.host(xp.roll(x, 1, axis=1)), np.roll(A, 1, axis=1))
    st = xp.stack([x[0], x[1]], axis=1)
    np.testing.assert_allclose(xb.host(st), np.array(A).T)
    np.testing.assert_allclose(xb.host(xp.tile(x[0], (2,))), [1, 2, 3, 1, 2, 3])
    rows = xp.unstack(x, axis=0)
    assert isinstance(rows, tuple) and len(rows) == 2
    np.testing.assert_allclose(xb.host(rows[1]), A[1])
    y = xg.tensor(A)
    (xp.tile(y, (1, 2)).sum() + (xp.unstack(y, axis=1)[2] * 5.0).sum()).backward()
    np.testing.assert_allclose(xb.host(y.grad), [[2, 2, 7], [2, 2, 7]])


def test_take_needs_an_axis_beyond_1d_and_take_along_axis(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    with pytest.raises(ValueError, match="take: axis is required for arrays of more than one"):
        xp.take(x, xp.asarray([0]))
    t = xp.take_along_axis(x, xp.asarray([[0], [1]]), axis=1)
    np.testing.assert_allclose(xb.host(t), [[1.0], [0.5]])
    t.sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), [[1, 0, 0], [0, 1, 0]])


# -- linear algebra in the main namespace, triangles, grids ------------------------------------
def test_matmul_and_tensordot(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    m = xp.matmul(x, xp.matrix_transpose(x))
    np.testing.assert_allclose(xb.host(m), np.array(A) @ np.array(A).T)
    td = xp.tensordot(x, x, axes=2)
    assert float(xb.host(td)) == pytest.approx(float(np.sum(np.array(A) ** 2)))
    td.backward()
    np.testing.assert_allclose(xb.host(x.grad), 2 * np.array(A))


def test_tril_triu(xb):
    xp = _ns(xb)
    x = xg.tensor(A)
    np.testing.assert_allclose(xb.host(xp.tril(x)), np.tril(A))
    np.testing.assert_allclose(xb.host(xp.triu(x, k=1)), np.triu(A, k=1))
    (xp.triu(x, k=1).sum() + 2.0 * xp.tril(x, k=-1).sum()).backward()
    np.testing.assert_allclose(xb.host(x.grad), [[0, 1, 1], [2, 0, 1]])


def test_meshgrid_and_broadcast_shapes(xb):
    xp = _ns(xb)
    a, b = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0])
    gi, gj = xp.meshgrid(a, b, indexing="ij")
    assert gi.shape == gj.shape == (3, 2)
    np.testing.assert_allclose(xb.host(gj), [[10, 20]] * 3)
    (gi * gj).sum().backward()
    np.testing.assert_allclose(xb.host(a.grad), [30.0] * 3)
    np.testing.assert_allclose(xb.host(b.grad), [6.0] * 2)
    gx, _ = xp.meshgrid(a, b)  # "xy"
    assert gx.shape == (2, 3)
    assert xp.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert xp.broadcast_shapes() == ()


# -- the linalg extension ----------------------------------------------------------------------
def test_linalg_cholesky_both_triangles(xb):
    L = _ns(xb).linalg
    low = L.cholesky(xg.tensor(S))
    np.testing.assert_allclose(xb.host(low), np.linalg.cholesky(S))
    np.testing.assert_allclose(
        xb.host(L.cholesky(xg.tensor(S), upper=True)), np.linalg.cholesky(S).T
    )
    g = _grad(xb, lambda x: L.cholesky(x)[1, 1], S)
    # chol(S)[1, 1] = sqrt(S11 - S10**2 / S00) for a lower-triangle read
    fd = _fd(lambda a: np.sqrt(a[1, 1] - a[1, 0] ** 2 / a[0, 0]), S)
    np.testing.assert_allclose(g[1, 1], fd[1, 1], rtol=1e-6)
    np.testing.assert_allclose(g[0, 0], fd[0, 0], rtol=1e-6)
    np.testing.assert_allclose(g[1, 0] + g[0, 1], fd[1, 0], rtol=1e-6)


def test_linalg_cross_det_inv_solve(xb):
    xp = _ns(xb)
    L = xp.linalg
    np.testing.assert_allclose(
        xb.host(L.cross(xp.asarray([1.0, 0.0, 0.0]), xp.asarray([0.0, 1.0, 0.0]))), [0, 0, 1]
    )
    u = xg.tensor([1.0, 2.0, 3.0])
    L.cross(u, xp.asarray([0.0, 0.0, 1.0]))[0].backward()  # u1 * 1 - u2 * 0
    np.testing.assert_allclose(xb.host(u.grad), [0.0, 1.0, 0.0])
    assert float(xb.host(L.det(xg.tensor(S)))) == pytest.approx(5.0)
    np.testing.assert_allclose(_grad(xb, L.det, S), [[3.0, -1.0], [-1.0, 2.0]])  # det * inv.T
    np.testing.assert_allclose(xb.host(L.inv(xg.tensor(S))), np.linalg.inv(S))
    g = _grad(xb, lambda x: L.inv(x).sum(), S)
    np.testing.assert_allclose(g, _fd(lambda a: np.linalg.inv(a).sum(), S), rtol=1e-6)
    b = xg.tensor([1.0, 2.0])
    L.solve(xg.tensor(S), b).sum().backward()
    np.testing.assert_allclose(xb.host(b.grad), np.linalg.solve(np.array(S).T, [1.0, 1.0]))


def test_linalg_diagonal_trace_matrix_transpose(xb):
    L = _ns(xb).linalg
    x = xg.tensor(A)
    np.testing.assert_allclose(xb.host(L.diagonal(x, offset=1)), [2.0, 2.0])
    assert float(xb.host(L.trace(x))) == pytest.approx(1.5)
    assert float(xb.host(L.trace(x, offset=1))) == pytest.approx(4.0)
    L.trace(x, offset=1).backward()
    np.testing.assert_allclose(xb.host(x.grad), [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(xb.host(L.matrix_transpose(xg.tensor(A))), np.array(A).T)


def test_linalg_eigh_and_eigvalsh(xb):
    L = _ns(xb).linalg
    w, v = L.eigh(xg.tensor(S))
    np.testing.assert_allclose(xb.host(w), np.linalg.eigvalsh(S))
    vh = xb.host(v)
    np.testing.assert_allclose(np.array(S) @ vh, vh * xb.host(w), atol=1e-12)
    g = _grad(xb, lambda x: L.eigvalsh(x)[1], S)
    # d lambda / dS = v v^T for the eigenvector v of lambda
    top = np.linalg.eigh(S)[1][:, 1]
    np.testing.assert_allclose(g, np.outer(top, top), atol=1e-12)


def test_linalg_norm_power_rank_pinv(xb):
    L = _ns(xb).linalg
    x = xg.tensor(S)
    assert float(xb.host(L.matrix_norm(x, ord=1))) == pytest.approx(4.0)
    np.testing.assert_allclose(xb.host(L.matrix_norm(x, keepdims=True)), [[np.sqrt(15.0)]])
    np.testing.assert_allclose(xb.host(L.matrix_power(x, -1)), np.linalg.inv(S))
    np.testing.assert_allclose(xb.host(L.matrix_power(x, 3)), np.linalg.matrix_power(S, 3))
    r = L.matrix_rank(x)
    assert isinstance(r, xg.Tensor) and r.constant and int(xb.host(r)) == 2
    # singular values 3.618 and 1.382: rtol=0.5 drops the smaller one
    assert int(xb.host(L.matrix_rank(x, rtol=0.5))) == 1
    np.testing.assert_allclose(xb.host(L.pinv(xg.tensor(A))), np.linalg.pinv(A), atol=1e-12)
    np.testing.assert_allclose(
        xb.host(L.pinv(xg.tensor([[1.0, 0.0], [0.0, 1e-12]]), rtol=1e-6)), [[1.0, 0.0], [0.0, 0.0]]
    )
    g = _grad(xb, lambda t: L.matrix_norm(t), S)  # Frobenius: S / |S|
    np.testing.assert_allclose(g, np.array(S) / np.sqrt(15.0))


def test_linalg_outer_qr_slogdet_svdvals(xb):
    L = _ns(xb).linalg
    a, b = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0, 5.0])
    o = L.outer(a, b)
    np.testing.assert_allclose(xb.host(o), np.outer([1, 2], [3, 4, 5]))
    o.sum().backward()
    np.testing.assert_allclose(xb.host(a.grad), [12.0, 12.0])
    q, r = L.qr(xg.tensor(A).mT)
    np.testing.assert_allclose(xb.host(q) @ xb.host(r), np.array(A).T, atol=1e-12)
    np.testing.assert_allclose(xb.host(q).T @ xb.host(q), np.eye(2), atol=1e-12)
    sign, logdet = L.slogdet(xg.tensor(S))
    assert float(xb.host(sign)) == 1.0
    assert float(xb.host(logdet)) == pytest.approx(np.log(5.0))
    np.testing.assert_allclose(_grad(xb, lambda t: L.slogdet(t)[1], S), np.linalg.inv(S).T)
    np.testing.assert_allclose(xb.host(L.svdvals(xg.tensor(A))), np.linalg.svd(A)[1])
    g = _grad(xb, lambda t: L.svdvals(t).sum(), A)
    np.testing.assert_allclose(g, _fd(lambda m: np.linalg.svd(m)[1].sum(), A), rtol=1e-5)


def test_linalg_matmul_tensordot_vecdot(xb):
    L = _ns(xb).linalg
    x = xg.tensor(S)
    np.testing.assert_allclose(xb.host(L.matmul(x, x)), np.array(S) @ np.array(S))
    np.testing.assert_allclose(xb.host(L.tensordot(x, x, axes=1)), np.array(S) @ np.array(S))
    v = L.vecdot(x, x, axis=0)
    np.testing.assert_allclose(xb.host(v), [5.0, 10.0])
    v.sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), 2 * np.array(S))


# -- creation functions and tensors ------------------------------------------------------------
def test_asarray_passes_a_tensor_through_or_casts_copies(xb):
    xp = _ns(xb)
    x = xg.tensor([1.0, 2.0])
    assert xp.asarray(x) is x
    assert xp.asarray(x, device=x.device) is x
    f32 = xp.asarray(x, dtype=xp.float32)
    assert f32.dtype == xp.float32 and not f32.constant
    c = xp.asarray(x, copy=True)
    assert c is not x and not c.constant
    (f32.sum() * 2.0 + (c * c).sum()).backward()
    np.testing.assert_allclose(xb.host(x.grad), [4.0, 6.0])
    with pytest.raises(ValueError, match=r"asarray\(\.\.\., copy=False\): a dtype change needs"):
        xp.asarray(x, dtype=xp.float32, copy=False)
    with pytest.raises(TypeError, match="asarray: complex numbers are not supported yet"):
        xp.asarray(1 + 2j)


def test_asarray_moves_a_tensor_between_devices_and_keeps_the_graph(xb):
    xp = _ns(xb)
    other = [d for d in xb.backend.devices() if d != xb.device]
    if not other:
        pytest.skip("the backend has one device")
    x = xg.tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"copy=False\): the data is on another device"):
        xp.asarray(x, device=other[0], copy=False)
    y = xp.asarray(x, device=other[0], copy=True)
    assert y.device == other[0]
    (y * y).sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), [2.0, 4.0])


def test_asarray_of_a_numpy_array_for_another_library_refuses_copy_false():
    strict = pytest.importorskip("array_api_strict")
    xps = xg.array_api.namespace("array_api_strict")
    with pytest.raises(ValueError, match=r"copy=False\): the data belongs to another library"):
        xps.asarray(np.ones(2), copy=False, device=strict.Device("device1"))
    t = xps.asarray(np.ones(2), device=strict.Device("device1"))
    assert t.backend.name == "array_api_strict" and t.constant


def test_asarray_stacks_nested_lists_of_tensors_differentiably(xb):
    xp = _ns(xb)
    x, y = xg.tensor([1.0, 2.0]), xg.tensor(3.0)
    m = xp.asarray([[x[0] * y, 2.0], [x[1], y]])
    np.testing.assert_allclose(xb.host(m), [[3.0, 2.0], [2.0, 3.0]])
    (m * xp.asarray([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
    np.testing.assert_allclose(xb.host(x.grad), [3.0, 100.0])
    assert float(xb.host(y.grad)) == pytest.approx(1.0 + 1000.0)
    e = xp.asarray([[], xg.tensor([])])
    assert e.shape == (2, 0)
    i = xp.asarray([xg.tensor(1.0, dtype="float32"), xg.tensor(2.5)])  # promoted to one dtype
    assert i.dtype == xp.float64
    np.testing.assert_allclose(xb.host(i), [1.0, 2.5])


def test_like_functions_and_full_like_on_a_device(xb):
    xp = _ns(xb)
    x = xg.tensor([[1.0, 2.0]])
    z = xp.zeros_like(x, device=xb.device)
    assert z.shape == (1, 2) and z.constant and z.device == xb.device
    np.testing.assert_array_equal(xb.host(z), [[0.0, 0.0]])
    o = xp.ones_like(x, dtype=xp.int32, device=xb.device)
    assert o.dtype == xp.int32
    f = xp.full_like(x, 7.0, device=xb.device)
    np.testing.assert_array_equal(xb.host(f), [[7.0, 7.0]])
    f2 = xp.full_like(x, 3, dtype=xp.int64)
    assert f2.dtype == xp.int64 and f2.constant


def test_from_dlpack_and_astype_to_a_device(xb):
    xp = _ns(xb)
    x = xg.tensor([1.0, 2.0])
    assert xp.from_dlpack(x) is x
    d = xp.from_dlpack(xb.array([3.0, 4.0]))
    assert isinstance(d, xg.Tensor) and d.constant
    np.testing.assert_array_equal(xb.host(d), [3.0, 4.0])
    y = xp.astype(x, xp.float32, device=xb.device)
    assert y.dtype == xp.float32 and y.device == xb.device
    y.sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [1.0, 1.0])


def test_dtype_functions_take_tensors(xb):
    xp = _ns(xb)
    x = xg.tensor([1.0], dtype="float32")
    assert xp.can_cast(x, xp.float64) and not xp.can_cast(xp.float64, xp.int32)
    fi = xp.finfo(x)
    assert fi.bits == 32 and fi.eps == pytest.approx(np.finfo(np.float32).eps)
    assert fi.dtype == xp.float32 and isinstance(fi.max, float)
    assert xp.iinfo(xg.tensor([1], dtype="int8")).max == 127
    assert xp.iinfo(xp.int16).min == -32768
    assert xp.isdtype(xp.float32, "real floating") and not xp.isdtype(xp.int8, "real floating")
    assert xp.result_type(x, xp.float64) == xp.float64
    assert xp.result_type(xg.tensor([1], dtype="int8"), xg.tensor([1], dtype="int16")) == xp.int16


def test_the_inspection_api(xb):
    xp = _ns(xb)
    info = xp.__array_namespace_info__()
    assert repr(info) == f"<xgrad.array_api info for the {xb.backend.name!r} backend>"
    assert info.capabilities() == {
        "boolean indexing": True,
        "data-dependent shapes": True,
        "max dimensions": 64,
    }
    assert info.default_device() == xb.device
    assert xb.device in info.devices()
    defaults = info.default_dtypes()
    assert defaults["real floating"] == xp.float64 and defaults["complex floating"] is None
    assert defaults["integral"] == defaults["indexing"] == xp.int64
    assert set(info.dtypes(kind="real floating")) == {"float32", "float64"}
    assert set(info.dtypes(kind=("complex floating", "bool"))) == {"bool"}
    assert info.dtypes(kind="complex floating") == {}
    assert set(info.dtypes()) >= {"bool", "int8", "uint64", "float64"}
    assert "complex64" not in info.dtypes()


# -- what the functions take besides tensors ---------------------------------------------------
def test_backend_arrays_become_constant_tensors(xb):
    xp = _ns(xb)
    p = xp.prod(xb.array([2.0, 3.0]))
    assert isinstance(p, xg.Tensor) and p.constant and p.backend is xb.backend
    assert float(xb.host(p)) == 6.0
    e = xp.exp(xb.array([0.0]))
    assert isinstance(e, xg.Tensor) and e.constant
    m = xp.isnan(xb.array([0.0, 1.0]))
    assert isinstance(m, xg.Tensor) and m.constant
    np.testing.assert_array_equal(xb.host(m), [False, False])
    z = xp.zeros_like([1.0, 2.0])  # host data for a like-function: this namespace's backend
    assert z.backend is xb.backend and z.shape == (2,)


def test_numbers_and_other_objects():
    import xgrad.array_api as xp

    with pytest.raises(TypeError, match="xgrad.array_api: complex numbers are not supported yet"):
        xp.sum(1 + 2j)
    with pytest.raises(TypeError) as exc:
        xp.sum("abc")
    assert str(exc.value) == (
        "xgrad.array_api: expected a Tensor, an array or a Python number, got str"
    )
