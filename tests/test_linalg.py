"""The linear-algebra family beyond what the op-test table can draw.

- einsum in all its forms (traces, diagonals, ``...``, broadcasting, several operands, the
  interleaved form) and norms of every order, forward against NumPy and gradients against
  float64 central finite differences, on every backend (array_api_strict has no ``einsum``,
  so there the generic pairwise contraction runs);
- decompositions on tall, wide and batched inputs;
- every op's JVP rule: against the finite-difference directional derivative, and
  ``<u, J t> == <J^T u, t>`` with the VJP rules;
- second derivatives (``backward(create_graph=True)``, rules running on tensors) against
  finite differences of first derivatives;
- NumPy dispatch and errors.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import xgrad as xg
from op_table_linalg import _rect_np, _spd_np, _square_np
from xgrad._engine import _unbroadcast
from xgrad._op import Op, _rule_needs
from xgrad.ops import OPS
from xgrad.ops.einsum import einsum_op

cnp = xg.backends.load("numpy").xp  # the NumPy backend's array-API namespace

RNG_SEED = 1234


def _rng(*key: Any) -> np.random.Generator:
    # crc32, not hash(): str hashes change from process to process, and the data with them
    return np.random.default_rng([RNG_SEED, *(zlib.crc32(str(k).encode()) for k in key)])


def _numeric_grads(
    ref: Callable[..., Any], arrays: list[np.ndarray], w: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    """Central differences of ``sum(w * ref(*arrays))`` with respect to every array."""
    grads = []
    for i, a in enumerate(arrays):
        x = np.array(a, dtype=np.float64)
        g = np.zeros_like(x)
        args = list(arrays)
        for idx in np.ndindex(x.shape):
            orig = x[idx]
            h = eps * max(1.0, abs(orig))
            x[idx] = orig + h
            args[i] = x
            fp = np.sum(w * ref(*args))
            x[idx] = orig - h
            fm = np.sum(w * ref(*args))
            x[idx] = orig
            g[idx] = (fp - fm) / (2 * h)
        grads.append(g)
    return grads


def check(
    xb: Any,
    fn: Callable[..., Any],
    ref: Callable[..., Any],
    arrays: list[np.ndarray],
    *,
    grad: bool = True,
    tol: float = 1e-5,
) -> None:
    """Forward against NumPy and gradients against finite differences, on backend ``xb``."""
    expected = np.asarray(ref(*arrays), dtype=np.float64)
    tensors = [xg.tensor(xb.array(a)) for a in arrays]
    out = fn(*tensors)
    assert isinstance(out, xg.Tensor)
    assert out.backend is xb.backend and out.device == xb.device
    got = xb.host(out)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9)
    if not grad:
        return
    w = _rng("w", expected.shape).uniform(-1, 1, size=expected.shape)
    out.backward(xb.array(w))
    for i, (t, g) in enumerate(zip(tensors, _numeric_grads(ref, arrays, w), strict=True)):
        assert t.grad is not None, f"input {i} got no gradient"
        np.testing.assert_allclose(xb.host(t.grad), g, rtol=tol, atol=tol, err_msg=f"input {i}")


# =============================================================================================
# einsum
# =============================================================================================
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij", [(2, 3)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("ii,jj->", [(2, 2), (3, 3)]),
    ("i,i", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ijk,jil->kl", [(2, 3, 4), (3, 2, 2)]),
    ("aBc,Acb", [(2, 3, 2), (2, 2, 3)]),
    ("ba,cb", [(2, 3), (2, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),
    ("...ij,jk", [(2, 2, 3), (3, 2)]),
    ("i...,i", [(2, 3), (2,)]),
    ("...", [(2, 3)]),
    ("i...->...", [(2, 3, 2)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("ij,kj->ik", [(2, 1), (3, 4)]),
    ("ij,j->i", [(2, 3), (1,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
    ("ij,jk,ki", [(2, 3), (3, 2), (2, 2)]),
    ("ab,bc,cd,de->ae", [(2, 2), (2, 3), (3, 2), (2, 2)]),
    ("ii,ij,j->", [(2, 2), (2, 3), (3,)]),
]


@pytest.mark.parametrize("subscripts,shapes", EINSUM, ids=[s for s, _ in EINSUM])
def test_einsum(subscripts: str, shapes: list, xb: Any) -> None:
    rng = _rng(subscripts)
    arrays = [rng.uniform(-1, 1, size=s) for s in shapes]
    check(
        xb,
        lambda *ts: xg.einsum(subscripts, *ts),
        lambda *a: np.einsum(subscripts, *a),
        arrays,
    )


def test_einsum_interleaved(xb: Any) -> None:
    rng = _rng("interleaved")
    a, b = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3, 4))
    check(
        xb,
        lambda x, y: xg.einsum(x, [0, 1], y, [1, 2], [0, 2]),
        lambda x, y: np.einsum(x, [0, 1], y, [1, 2], [0, 2]),
        [a, b],
    )
    check(
        xb,
        lambda x: xg.einsum(x, [Ellipsis, 1, 1]),
        lambda x: np.einsum(x, [Ellipsis, 1, 1]),
        [rng.uniform(-1, 1, (2, 3, 3))],
    )


def test_einsum_out(xb: Any) -> None:
    a = xg.tensor(xb.array(np.array([[1.0, 2.0], [3.0, 4.0]])))
    out = xg.tensor(xb.array(np.zeros(2)))
    res = xg.einsum("ij->i", a, out=out)
    assert res is out
    np.testing.assert_allclose(xb.host(out), [3.0, 7.0])
    (out * xb.array(np.array([1.0, 2.0]))).sum().backward()
    np.testing.assert_allclose(xb.host(a.grad), [[1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match="shape"):
        xg.einsum("ij->j", a, out=xg.tensor(xb.array(np.zeros(3))))


def test_einsum_constant_and_arrays(xb: Any) -> None:
    a = xb.array(np.arange(4.0).reshape(2, 2))
    out = xg.einsum("ij,jk->ik", a, a)
    assert isinstance(out, xg.Tensor) and out.constant
    t = xg.tensor(a)
    assert xg.einsum("ii", t, constant=True).constant
    assert not xg.einsum("ii", a, constant=False).constant  # MyGrad's rule: a new leaf


@pytest.mark.parametrize(
    "subscripts,shapes,match",
    [
        ("ij,jk->ik", [(2, 3)], "operand"),
        ("ij->ii", [(2, 2)], "more than once"),
        ("ij->k", [(2, 2)], "does not appear"),
        ("ij,jk", [(2, 3), (4, 2)], "broadcast"),
        ("ij", [(2, 3, 4)], "dimension"),
        ("i1", [(2, 3)], "invalid subscript"),
        ("...i->i", [(2, 3)], "ellipsis"),
        ("ii", [(2, 3)], "don't match"),
        ("i.j", [(2, 3)], "ellipsis"),
    ],
)
def test_einsum_errors(subscripts: str, shapes: list, match: str) -> None:
    arrays = [xg.tensor(np.ones(s)) for s in shapes]
    with pytest.raises(ValueError, match=match):
        xg.einsum(subscripts, *arrays)


# =============================================================================================
# norms
# =============================================================================================
VECTOR_ORDS = [None, 2, 1, 3, 0.5, -1, math.inf, -math.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), (-1, True), (0, True)])
def test_vector_norms(ord: Any, axis: Any, keepdims: bool, xb: Any) -> None:
    x = _rng("vnorm", ord, axis).normal(size=(3, 4))
    if ord is not None and ord < 1:  # |x|^(p-1) blows up at 0: finite differences need room
        x = np.sign(x) * (0.3 + np.abs(x))
    if axis is None:  # numpy.linalg.norm is a matrix norm for 2-D input and axis=None
        x = x[0]
    check(
        xb,
        lambda t: xg.linalg.norm(t, ord, axis, keepdims),
        lambda a: np.linalg.norm(a, ord, axis, keepdims),
        [x],
    )


@pytest.mark.parametrize("ord", [2, 1, 3, math.inf, -math.inf, 0])
@pytest.mark.parametrize("axis", [None, 1, (0, 2), (-1, 0)])
def test_vector_norm_array_api(ord: Any, axis: Any, xb: Any) -> None:
    x = _rng("vector_norm", ord, axis).normal(size=(2, 3, 2))
    check(
        xb,
        lambda t: xg.linalg.vector_norm(t, axis=axis, keepdims=True, ord=ord),
        lambda a: np.linalg.vector_norm(a, axis=axis, keepdims=True, ord=ord),
        [x],
        grad=ord != 0,  # the number of non-zeros: a constant
    )


MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis,keepdims", [((0, 1), False), ((2, 0), True), ((-1, -2), False)])
def test_matrix_norms(ord: Any, axis: Any, keepdims: bool, xb: Any) -> None:
    x = _rng("mnorm", ord, axis).normal(size=(3, 2, 4))
    check(
        xb,
        lambda t: xg.linalg.norm(t, ord, axis, keepdims),
        lambda a: np.linalg.norm(a, ord, axis, keepdims),
        [x],
    )


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, 2, -math.inf])
def test_matrix_norm_array_api(ord: Any, xb: Any) -> None:
    x = _rng("matrix_norm", ord).normal(size=(2, 3, 3))
    check(
        xb,
        lambda t: xg.linalg.matrix_norm(t, ord=ord, keepdims=True),
        lambda a: np.linalg.matrix_norm(a, ord=ord, keepdims=True),
        [x],
    )


def test_norm_of_2d_with_ord(xb: Any) -> None:
    x = _rng("2d").normal(size=(3, 3))
    for ord in ("fro", "nuc", 1, 2, -math.inf):
        check(xb, lambda t, o=ord: xg.linalg.norm(t, o), lambda a, o=ord: np.linalg.norm(a, o), [x])


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: xg.linalg.norm(t),
        lambda t: xg.linalg.norm(t, axis=-1),
        lambda t: xg.linalg.norm(t, 3, axis=0),
        lambda t: xg.linalg.norm(t, 0.5, axis=0),
        lambda t: xg.linalg.norm(t, "fro"),
        lambda t: xg.linalg.vector_norm(t, keepdims=True),
        lambda t: xg.linalg.matrix_norm(t),
        lambda t: np.linalg.norm(t),
    ],
)
def test_norm_of_zero_has_zero_gradient(fn: Callable[..., Any], xb: Any) -> None:
    """The L2 / p-norm of the zero vector: the 0 subgradient, never NaN (MyGrad gives NaN)."""
    x = xg.tensor(xb.array(np.zeros((2, 3))))
    y = fn(x)
    (y * 2.0).sum().backward()
    g = xb.host(x.grad)
    assert np.all(np.isfinite(g)) and np.all(g == 0)


def test_norm_rows_some_zero(xb: Any) -> None:
    x = xg.tensor(xb.array(np.array([[0.0, 0.0], [3.0, 4.0]])))
    xg.linalg.norm(x, axis=1).backward()
    np.testing.assert_allclose(xb.host(x.grad), [[0.0, 0.0], [0.6, 0.8]])


def test_norm_ord_zero_is_constant(xb: Any) -> None:
    x = xg.tensor(xb.array(np.array([0.0, 2.0, -1.0])))
    y = xg.linalg.norm(x, 0)
    assert xb.host(y) == 2.0 and y.constant


@pytest.mark.parametrize(
    "call,error",
    [
        (lambda t: xg.linalg.norm(t, "fro", axis=0), ValueError),
        (lambda t: xg.linalg.norm(t, 3, axis=(0, 1)), ValueError),
        (lambda t: xg.linalg.norm(t, axis=(0, 0)), ValueError),
        (lambda t: xg.linalg.norm(xg.reshape(t, (1, 2, 3)), 2), ValueError),
    ],
)
def test_norm_errors(call: Callable[..., Any], error: type) -> None:
    with pytest.raises(error):
        call(xg.tensor(np.ones((2, 3))))


# =============================================================================================
# products, diagonals
# =============================================================================================
def test_multi_matmul(xb: Any) -> None:
    rng = _rng("multi")
    shapes = [(3,), (3, 5), (5, 2), (2, 4), (4,)]
    arrays = [rng.uniform(-1, 1, s) for s in shapes]
    check(xb, lambda *ts: xg.multi_matmul(ts), lambda *a: np.linalg.multi_dot(a), arrays)
    check(
        xb,
        lambda *ts: xg.multi_matmul(ts),
        lambda *a: np.linalg.multi_dot(a),
        [rng.uniform(-1, 1, s) for s in [(4, 3), (3, 1), (1, 5)]],
    )


def test_products_n_d(xb: Any) -> None:
    rng = _rng("products")
    a, b = rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (3, 4, 2))
    check(xb, xg.dot, np.dot, [a, b])
    check(xb, xg.inner, np.inner, [a, rng.uniform(-1, 1, (2, 4))])
    check(
        xb,
        lambda x, y: xg.tensordot(x, y, axes=([1, 2], [0, 1])),
        lambda x, y: np.tensordot(x, y, axes=([1, 2], [0, 1])),
        [a, b],
    )
    check(
        xb, lambda x, y: xg.tensordot(x, y, 1), lambda x, y: np.tensordot(x, y, 1), [a, b[..., 0].T]
    )
    check(
        xb,
        lambda x, y: xg.vecdot(x, y, axis=-2),
        lambda x, y: np.vecdot(x, y, axis=-2),
        [a, rng.uniform(-1, 1, (3, 4))],
    )
    check(xb, xg.linalg.outer, np.linalg.outer, [a[0, 0], b[0, 0]])
    check(xb, xg.linalg.trace, np.linalg.trace, [a[:, :, :3]])
    check(
        xb,
        lambda x: xg.linalg.diagonal(x, offset=-1),
        lambda x: np.linalg.diagonal(x, offset=-1),
        [a],
    )


def test_product_errors() -> None:
    a = xg.tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape-mismatch"):
        xg.tensordot(a, a, axes=([1], [1, 0]))
    with pytest.raises(ValueError, match="shape-mismatch"):
        xg.tensordot(a, a, axes=([1], [0]))
    with pytest.raises(ValueError, match="not aligned"):
        xg.dot(a, a)
    with pytest.raises(ValueError):
        xg.vdot(a, xg.tensor(np.ones(4)))
    with pytest.raises(ValueError, match="one-dimensional"):
        xg.linalg.outer(a, a)
    with pytest.raises(ValueError, match="at least two"):
        xg.multi_matmul([a])
    with pytest.raises(ValueError, match="two dimensions"):
        xg.diagonal(xg.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="cannot be the same"):
        xg.diagonal(a, 0, 1, -1)
    with pytest.raises(ValueError, match="vecdot"):
        xg.vecdot(a, xg.tensor(np.ones(2)))


# =============================================================================================
# decompositions and solvers on more shapes
# =============================================================================================
def _sym(a: np.ndarray) -> np.ndarray:
    return (a + np.swapaxes(a, -1, -2)) / 2


def _sign_fix_np(u: np.ndarray) -> np.ndarray:
    """Column signs chosen by the first row (sign-invariant outputs for the tests)."""
    return u * np.sign(u[..., :1, :])


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (2, 3, 3), (3, 1)])
def test_qr_shapes(shape: tuple, xb: Any) -> None:
    x = _rng("qr", shape).uniform(0.1, 1, shape)

    def f(t: Any) -> Any:
        q, r = xg.linalg.qr(0.1 * t + xb.array(_rect_np(np.zeros(shape))))
        return xg.concatenate([xg.reshape(q, (-1,)), xg.reshape(r, (-1,))])

    def f_np(a: np.ndarray) -> np.ndarray:
        q, r = np.linalg.qr(_rect_np(a))
        return np.concatenate([q.ravel(), r.ravel()])

    check(xb, f, f_np, [x])


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (2, 3, 3)])
def test_svd_shapes(shape: tuple, xb: Any) -> None:
    x = _rng("svd", shape).uniform(0.1, 1, shape)
    c = np.linspace(0.5, 1.5, min(shape[-2:]))

    def f(t: Any) -> Any:
        u, s, vh = xg.linalg.svd(0.1 * t + xb.array(_rect_np(np.zeros(shape))), False)
        parts = [s, u * u, (u * xb.array(c)) @ vh]
        return xg.concatenate([xg.reshape(p, (-1,)) for p in parts])

    def f_np(a: np.ndarray) -> np.ndarray:
        u, s, vh = np.linalg.svd(_rect_np(a), False)
        return np.concatenate([p.ravel() for p in (s, u * u, (u * c) @ vh)])

    check(xb, f, f_np, [x])


@pytest.mark.parametrize("shape", [(4, 2), (2, 3), (2, 4, 3)])
def test_svd_full_matrices_ignores_the_extra_vectors_gradient(shape: tuple, xb: Any) -> None:
    """NumPy's default full_matrices=True: the leading min(m, n) vectors are differentiable
    (the same gradient as the reduced SVD); the rest span a complement in an arbitrary basis,
    and gradients reaching them are ignored, as PyTorch does."""
    a = _rng("svdfull", shape).normal(size=shape)
    k = min(shape[-2:])
    cu = xb.array(_rng("cu", shape).uniform(-1, 1, (*shape[:-1], k)))
    cv = xb.array(_rng("cv", shape).uniform(-1, 1, (*shape[:-2], k, shape[-1])))

    def loss(full: bool) -> Any:
        t = xg.tensor(xb.array(a))
        u, s, vh = xg.linalg.svd(t, full_matrices=full)
        assert u.shape[-1] == (shape[-2] if full else k)
        assert vh.shape[-2] == (shape[-1] if full else k)
        lead_u, lead_vh = u[..., :, :k], vh[..., :k, :]
        (s.sum() + (lead_u * lead_u * cu).sum() + (lead_vh * lead_vh * cv).sum()).backward()
        return xb.host(t.grad)

    np.testing.assert_allclose(loss(True), loss(False), rtol=1e-10, atol=1e-12)
    t = xg.tensor(xb.array(a))
    u, s, vh = xg.linalg.svd(t)
    np.testing.assert_allclose(xb.host(s), np.linalg.svd(a)[1])
    (u[..., :, k:].sum() + vh[..., k:, :].sum()).backward()
    np.testing.assert_array_equal(xb.host(t.grad), np.zeros(shape))
    # the JVP rule is the VJP rule's adjoint for the full layout too (extra tangents are 0)
    m, n = shape[-2:]
    params = {"layout": ((m, m), (k,), (n, n))}
    y = np.asarray(OPS["svd"]._impl(cnp, a, **params))
    tangent = _rng("svdfull-t", shape).uniform(-1, 1, shape)
    jt = np.asarray(_call_rule(OPS["svd"], OPS["svd"].jvp, (tangent,), [a], y, params))
    ct = _rng("svdfull-c", shape).uniform(-1, 1, y.shape)
    vt = np.asarray(_call_rule(OPS["svd"], OPS["svd"].vjps[0], ct, [a], y, params))
    np.testing.assert_allclose(np.sum(ct * jt), np.sum(vt * tangent), rtol=1e-9)


def test_svd_values(xb: Any) -> None:
    a = _rng("svdvals").normal(size=(4, 2))
    u, s, _ = xg.linalg.svd(xg.tensor(xb.array(a)), constant=True)
    assert u.shape == (4, 4) and u.constant
    np.testing.assert_allclose(xb.host(s), np.linalg.svd(a)[1])
    check(xb, lambda x: xg.linalg.svd(x, compute_uv=False), lambda x: np.linalg.svdvals(x), [a])
    # repeated singular values: svdvals and the nuclear norm stay finite
    eye = xg.tensor(xb.array(np.eye(3)))
    xg.linalg.norm(eye, "nuc").backward()
    np.testing.assert_allclose(xb.host(eye.grad), np.eye(3))


def test_eigh_uplo_and_repeated(xb: Any) -> None:
    x = _rng("eighU").normal(size=(3, 3))
    check(
        xb,
        lambda t: xg.linalg.eigh(0.5 * (t + t.mT), UPLO="U").eigenvalues,
        lambda a: np.linalg.eigh(_sym(a), UPLO="U").eigenvalues,
        [x],
    )
    eye = xg.tensor(xb.array(2.0 * np.eye(3)))
    xg.linalg.eigvalsh(eye).sum().backward()
    np.testing.assert_allclose(xb.host(eye.grad), np.eye(3))


def test_cholesky_upper(xb: Any) -> None:
    x = _rng("cholU").uniform(-1, 1, (2, 3, 3))
    check(
        xb,
        lambda t: xg.linalg.cholesky(0.5 * (t + t.mT) + xb.array(4.0 * np.eye(3)), upper=True),
        lambda a: np.linalg.cholesky(_sym(a) + 4.0 * np.eye(3), upper=True),
        [x],
    )


def test_solve_shapes(xb: Any) -> None:
    rng = _rng("solve")
    a = rng.uniform(-1, 1, (2, 3, 3))
    for shape in ((3,), (3, 2), (4, 1, 3, 2)):
        b = rng.uniform(-1, 1, shape)
        check(
            xb,
            lambda x, y: xg.linalg.solve(x + xb.array(4.0 * np.eye(3)), y),
            lambda x, y: np.linalg.solve(x + 4.0 * np.eye(3), y),
            [a, b],
        )
    with pytest.raises(ValueError, match="does not match"):
        xg.linalg.solve(xg.tensor(a), xg.tensor(np.ones(4)))


def test_pinv_and_determinants(xb: Any) -> None:
    rng = _rng("pinv")
    for shape in ((4, 2), (2, 4)):
        check(xb, xg.linalg.pinv, np.linalg.pinv, [_rect_np(rng.uniform(-1, 1, shape))])
    a = _square_np(rng.uniform(-1, 1, (2, 3, 3)))
    check(xb, xg.linalg.det, np.linalg.det, [a])
    sign, logabs = xg.linalg.slogdet(xg.tensor(xb.array(-a)))
    assert sign.constant and not logabs.constant
    np.testing.assert_allclose(xb.host(sign), np.linalg.slogdet(-a)[0])


@pytest.mark.parametrize(
    "a",
    [
        [[1.0, 2.0], [2.0, 4.0]],
        [[0.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]],
        np.zeros((3, 3)),
        [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]],
    ],
)
def test_det_gradient_is_the_cofactor_matrix_at_singular_matrices(a: Any, xb: Any) -> None:
    a = np.asarray(a, dtype=np.float64)

    def cofactor(m: np.ndarray) -> np.ndarray:
        n = m.shape[-1]
        out = np.empty_like(m)
        for i in range(n):
            for j in range(n):
                minor = np.delete(np.delete(m, i, axis=-2), j, axis=-1)
                out[..., i, j] = (-1) ** (i + j) * np.linalg.det(minor)
        return out

    t = xg.tensor(xb.array(a))
    xg.linalg.det(t).sum().backward()
    np.testing.assert_allclose(xb.host(t.grad), cofactor(a), atol=1e-12)


def test_singular_and_bad_shapes(xb: Any) -> None:
    singular = xg.tensor(xb.array(np.array([[1.0, 2.0], [2.0, 4.0]])))
    assert xb.host(xg.linalg.det(singular)) == 0.0
    # (on Dask the error comes when the values are computed, by xb.host)
    with pytest.raises(np.linalg.LinAlgError):
        xb.host(xg.linalg.inv(singular))
    with pytest.raises(np.linalg.LinAlgError):
        xb.host(xg.linalg.solve(singular, xb.array(np.ones(2))))
    rect = xg.tensor(xb.array(np.ones((2, 3))))
    for fn in (xg.linalg.inv, xg.linalg.det, xg.linalg.cholesky, xg.linalg.eigh):
        with pytest.raises(ValueError, match="square"):
            fn(rect)
    with pytest.raises(ValueError, match="two-dimensional"):
        xg.linalg.det(xg.tensor(xb.array(np.ones(3))))
    with pytest.raises(TypeError, match="raw"):
        xg.linalg.qr(rect, mode="raw")
    with pytest.raises(ValueError, match="mode='reduced'"):
        xg.linalg.qr(xg.tensor(xb.array(np.ones((3, 2)))), mode="complete")


def test_integer_input_becomes_float() -> None:
    y = xg.linalg.inv(np.array([[2, 0], [0, 4]]))
    assert y.dtype == np.float64 and y.constant
    np.testing.assert_allclose(y.numpy(), [[0.5, 0], [0, 0.25]])


# =============================================================================================
# JVP rules, called directly on NumPy arrays
# =============================================================================================
def _call_rule(op: Op, rule: Any, first: Any, arrays: list, y: Any, params: dict) -> Any:
    values = []
    for need in _rule_needs(rule, op.name):
        if need == "y":
            values.append(y)
        elif need.endswith("_shape"):
            values.append(tuple(arrays[op.inputs.index(need[:-6])].shape))
        else:
            values.append(arrays[op.inputs.index(need)])
    return rule(cnp, first, *values, **params)


def _layout_eigh(n: int) -> dict:
    return {"layout": ((n,), (n, n))}


def _layout_qr(m: int, n: int) -> dict:
    k = min(m, n)
    return {"layout": ((m, k), (k, n))}


def _layout_svd(m: int, n: int) -> dict:
    k = min(m, n)
    return {"layout": ((m, k), (k,), (k, n))}


def _jvp_cases() -> list:
    r = _rng("jvp")

    def u(*s: int) -> np.ndarray:
        return r.uniform(-1, 1, s)

    sq = _square_np(u(3, 3))
    return [
        ("matmul", [u(3, 4), u(4, 2)], {}, False),
        ("matmul", [u(4), u(2, 4, 3)], {}, False),
        ("matmul", [u(2, 1, 3), u(3)], {}, False),
        ("tensordot", [u(2, 3, 4), u(4, 3, 2)], {"axes": ((1, 2), (1, 0))}, False),
        ("vecdot", [u(2, 3), u(3)], {"axis": -1}, False),
        ("vector_norm", [u(3, 4)], {"axis": (1,), "keepdims": False, "ord": 2.0}, False),
        ("vector_norm", [u(3, 4)], {"axis": None, "keepdims": True, "ord": 3.0}, False),
        ("vector_norm", [u(3, 4)], {"axis": (0,), "keepdims": True, "ord": 1.0}, False),
        ("vector_norm", [u(3, 4)], {"axis": (0, 1), "keepdims": False, "ord": 0.5}, False),
        ("diagonal", [u(2, 3, 4)], {"offset": 1, "axis1": 2, "axis2": 0}, False),
        ("diag_embed", [u(2, 3)], {"offset": -1, "n": 4, "m": 3}, False),
        ("slice_last", [u(2, 5)], {"start": 1, "stop": 4}, False),
        ("pad_last", [u(2, 3)], {"before": 2, "after": 1}, False),
        ("inv", [sq], {}, False),
        ("det", [sq], {}, False),
        ("slogdet", [-sq], {}, False),
        ("solve", [sq, u(3, 2)], {"vector": False}, False),
        ("solve", [_square_np(u(2, 3, 3)), u(3)], {"vector": True}, False),
        ("pinv", [_rect_np(u(4, 3))], {"rtol": None}, False),
        ("pinv", [_rect_np(u(2, 4))], {"rtol": None}, False),
        ("cholesky", [_spd_np(u(3, 3))], {}, True),
        ("eigh", [_spd_np(u(2, 3, 3))], _layout_eigh(3), True),
        ("qr", [_rect_np(u(4, 3))], _layout_qr(4, 3), False),
        ("qr", [_rect_np(u(3, 5))], _layout_qr(3, 5), False),
        ("qr", [_rect_np(u(3, 3))], _layout_qr(3, 3), False),
        ("svd", [_rect_np(u(4, 3))], _layout_svd(4, 3), False),
        ("svd", [_rect_np(u(2, 4))], _layout_svd(2, 4), False),
        ("svd", [_rect_np(u(2, 3, 3))], _layout_svd(3, 3), False),
        ("einsum", [u(2, 3), u(3, 4)], {"spec": (("ij", "jk"), "ki")}, False),
        ("einsum3", [u(2, 3), u(3), u(3, 2)], {"spec": (("ij", "j", "jk"), "ik")}, False),
        ("einsum1", [u(2, 3)], {"spec": (("ij",), "ji")}, False),
    ]


JVP_CASES = _jvp_cases()


def _op(name: str) -> Op:
    if name.startswith("einsum"):
        return einsum_op(int(name[6:] or 2))
    return OPS[name]


def _align(name: str, y: np.ndarray, y0: np.ndarray, params: dict) -> np.ndarray:
    """Eigen- and singular-vector signs of a perturbed decomposition, matched to ``y0``."""
    if name not in ("eigh", "svd"):
        return y
    layout = params["layout"]
    batch = y.shape[:-1]
    sizes = [math.prod(s) for s in layout]
    bounds = np.cumsum([0, *sizes])
    parts = [
        y[..., a:b].reshape(batch + s) for a, b, s in zip(bounds, bounds[1:], layout, strict=False)
    ]
    ref = [
        y0[..., a:b].reshape(batch + s) for a, b, s in zip(bounds, bounds[1:], layout, strict=False)
    ]
    cols = 1 if name == "eigh" else 0  # eigenvectors / left singular vectors
    sign = np.sign(np.sum(parts[cols] * ref[cols], axis=-2, keepdims=True))
    parts[cols] = parts[cols] * sign
    if name == "svd":
        parts[2] = parts[2] * np.swapaxes(sign, -1, -2)
    return np.concatenate([p.reshape(*batch, -1) for p in parts], axis=-1)


@pytest.mark.parametrize(
    "name,arrays,params,symmetric", JVP_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(JVP_CASES)]
)
def test_jvp(name: str, arrays: list, params: dict, symmetric: bool) -> None:
    op = _op(name)
    assert op.jvp is not None, f"{name} has no JVP rule"
    rng = _rng("tangent", name)

    def forward(*xs: np.ndarray) -> np.ndarray:
        return np.asarray(op._impl(cnp, *xs, **params))

    y = forward(*arrays)
    tangents = [rng.uniform(-1, 1, a.shape) for a in arrays]
    if symmetric:
        tangents = [_sym(t) for t in tangents]
    jt = np.asarray(_call_rule(op, op.jvp, tuple(tangents), arrays, y, params))
    assert jt.shape == y.shape
    h = 1e-6
    plus = forward(*(a + h * t for a, t in zip(arrays, tangents, strict=True)))
    minus = forward(*(a - h * t for a, t in zip(arrays, tangents, strict=True)))
    fd = (_align(name, plus, y, params) - _align(name, minus, y, params)) / (2 * h)
    np.testing.assert_allclose(jt, fd, rtol=1e-5, atol=1e-6)
    # adjoint: <u, J t> = sum_i <J_i^T u, t_i>
    ct = rng.uniform(-1, 1, y.shape)
    lhs = np.sum(ct * jt)
    rhs = 0.0
    for i, rule in enumerate(op.vjps):
        gi = _call_rule(op, rule, ct, arrays, y, params)
        gi = _unbroadcast(cnp, np.asarray(gi), arrays[i].shape)
        rhs += np.sum(gi * tangents[i])
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-10)
    # a tangent for only some inputs
    if len(arrays) > 1:
        partial = (tangents[0],) + (None,) * (len(arrays) - 1)
        jp = np.asarray(_call_rule(op, op.jvp, partial, arrays, y, params))
        assert jp.shape == y.shape


@pytest.mark.parametrize(
    "name,arrays,params,symmetric", JVP_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(JVP_CASES)]
)
def test_jvp_on_tensors(name: str, arrays: list, params: dict, symmetric: bool, xb: Any) -> None:
    """Forward mode runs the JVP rules with xgrad's namespace and tangents that are tensors."""
    op = _op(name)
    rng = _rng("tangent-tensor", name)
    y = np.asarray(op._impl(cnp, *arrays, **params))
    tangents = [rng.uniform(-1, 1, a.shape) for a in arrays]
    if symmetric:
        tangents = [_sym(t) for t in tangents]
    expected = np.asarray(_call_rule(op, op.jvp, tuple(tangents), arrays, y, params))
    ns = xg._xp.namespace(xb.backend)

    def tensor(a: np.ndarray) -> Any:
        return xg.tensor(xb.array(a))

    got = _call_rule_ns(
        ns, op, tuple(tensor(t) for t in tangents), [tensor(a) for a in arrays], tensor(y), params
    )
    assert isinstance(got, xg.Tensor)
    np.testing.assert_allclose(xb.host(got), expected, rtol=1e-10, atol=1e-12)


def _call_rule_ns(ns: Any, op: Op, t: tuple, arrays: list, y: Any, params: dict) -> Any:
    values = []
    for need in op.jvp_args:
        if need == "y":
            values.append(y)
        elif need.endswith("_shape"):
            values.append(tuple(arrays[op.inputs.index(need[:-6])].shape))
        else:
            values.append(arrays[op.inputs.index(need)])
    return op.jvp(ns, t, *values, **params)


# =============================================================================================
# second derivatives: the rules run on tensors (backward(create_graph=True))
# =============================================================================================
def _on(t: Any, arr: np.ndarray) -> Any:
    """``arr`` on the backend and device of tensor ``t``."""
    return t.backend.asarray(arr, device=t.device)


def _second_cases() -> list:
    r = _rng("second")

    def u(*s: int) -> np.ndarray:
        return r.uniform(-1, 1, s)

    def flat(*parts: Any) -> Any:
        return xg.concatenate([xg.reshape(p, (-1,)) for p in parts])

    c3 = np.linspace(0.5, 1.5, 3)
    return [
        ("matmul", lambda a, b: a @ b, [u(2, 3), u(3)]),
        ("einsum", lambda a, b, c: xg.einsum("ij,jk,kk->i", a, b, c), [u(2, 3), u(3, 2), u(2, 2)]),
        ("tensordot", lambda a, b: xg.tensordot(a, b, ([0], [1])), [u(3, 2), u(2, 3)]),
        ("vecdot", lambda a, b: xg.vecdot(a, b, axis=0), [u(3, 2), u(3, 2)]),
        ("trace", lambda a: xg.trace(a * a, 1), [u(3, 4)]),
        ("diagonal", lambda a: xg.diagonal(a, -1, 1, 0) ** 2, [u(3, 4)]),
        ("norm", lambda a: xg.linalg.norm(a, axis=0), [u(3, 2)]),
        ("norm3", lambda a: xg.linalg.norm(a, 3, axis=1), [u(3, 2)]),
        ("nuc", lambda a: xg.linalg.norm(a, "nuc"), [_rect_np(u(3, 2))]),
        ("inv", xg.linalg.inv, [_square_np(u(3, 3))]),
        ("det", xg.linalg.det, [_square_np(u(3, 3))]),
        ("slogdet", lambda a: xg.linalg.slogdet(a).logabsdet, [_square_np(u(3, 3))]),
        ("solve", xg.linalg.solve, [_square_np(u(3, 3)), u(3)]),
        ("cholesky", lambda a: xg.linalg.cholesky(0.5 * (a + a.mT)), [_spd_np(u(3, 3))]),
        ("qr", lambda a: flat(*xg.linalg.qr(a)), [_rect_np(u(3, 2))]),
        ("qr-wide", lambda a: flat(*xg.linalg.qr(a)), [_rect_np(u(2, 3))]),
        (
            "eigh",
            lambda a: flat(
                *(lambda w, v: (w, (v * _on(a, c3)) @ v.mT))(*xg.linalg.eigh(0.5 * (a + a.mT)))
            ),
            [_spd_np(u(3, 3))],
        ),
        (
            "svd",
            lambda a: flat(
                *(lambda u_, s, vh: (s, (u_ * _on(a, c3[:2])) @ vh))(*xg.linalg.svd(a, False))
            ),
            [_rect_np(u(3, 2))],
        ),
        ("pinv", xg.linalg.pinv, [_rect_np(u(3, 2))]),
    ]


SECOND = _second_cases()


def _grads(xb: Any, fn: Callable[..., Any], arrays: list, w: np.ndarray) -> list[np.ndarray]:
    tensors = [xg.tensor(xb.array(a)) for a in arrays]
    fn(*tensors).backward(xb.array(w))
    return [xb.host(t.grad) for t in tensors]


@pytest.mark.parametrize("name,fn,arrays", SECOND, ids=[c[0] for c in SECOND])
def test_second_derivative(name: str, fn: Callable[..., Any], arrays: list, xb: Any) -> None:
    rng = _rng("hvp", name)
    tensors = [xg.tensor(xb.array(a)) for a in arrays]
    out = fn(*tensors)
    w = rng.uniform(-1, 1, out.shape)
    vs = [rng.uniform(-1, 1, a.shape) for a in arrays]
    out.backward(xb.array(w), create_graph=True)
    first = [t.grad for t in tensors]
    assert all(isinstance(g, xg.Tensor) for g in first)
    expected_first = _grads(xb, fn, arrays, w)
    for g, e in zip(first, expected_first, strict=True):
        np.testing.assert_allclose(xb.host(g), e, rtol=1e-10, atol=1e-12)
    total = None
    for g, v in zip(first, vs, strict=True):
        term = (g * xb.array(v)).sum()
        total = term if total is None else total + term
    total.backward()
    h = 1e-5
    plus = _grads(xb, fn, [a + h * v for a, v in zip(arrays, vs, strict=True)], w)
    minus = _grads(xb, fn, [a - h * v for a, v in zip(arrays, vs, strict=True)], w)
    for t, p, m in zip(tensors, plus, minus, strict=True):
        np.testing.assert_allclose(xb.host(t.grad), (p - m) / (2 * h), rtol=1e-5, atol=1e-6)


# =============================================================================================
# NumPy dispatch
# =============================================================================================
def test_numpy_dispatch_returns_tensors(np_only: Any) -> None:
    rng = _rng("dispatch")
    a = xg.tensor(_square_np(rng.uniform(-1, 1, (3, 3))))
    v = xg.tensor(rng.uniform(-1, 1, 3))
    results = {
        "einsum": np.einsum("ij,j->i", a, v),
        "einsum trace": np.einsum("ii", a),
        "einsum interleaved": np.einsum(a, [0, 1], v, [1], [0]),
        "dot": np.dot(a, v),
        "vdot": np.vdot(v, v),
        "inner": np.inner(a, v),
        "outer": np.outer(v, v),
        "tensordot": np.tensordot(a, a),
        "trace": np.trace(a),
        "diagonal": np.diagonal(a, 1),
        "matmul": np.matmul(a, v),
        "linalg.norm": np.linalg.norm(v),
        "linalg.vector_norm": np.linalg.vector_norm(a, axis=0),
        "linalg.matrix_norm": np.linalg.matrix_norm(a, ord="nuc"),
        "linalg.inv": np.linalg.inv(a),
        "linalg.det": np.linalg.det(a),
        "linalg.slogdet": np.linalg.slogdet(a).logabsdet,
        "linalg.solve": np.linalg.solve(a, v),
        "linalg.cholesky": np.linalg.cholesky(a @ a.mT),
        "linalg.qr": np.linalg.qr(a).R,
        "linalg.eigh": np.linalg.eigh(a @ a.mT).eigenvectors,
        "linalg.eigvalsh": np.linalg.eigvalsh(a @ a.mT),
        "linalg.svd": np.linalg.svd(a).S,
        "linalg.svdvals": np.linalg.svdvals(a),
        "linalg.pinv": np.linalg.pinv(a),
        "linalg.multi_dot": np.linalg.multi_dot([v, a, a, v]),
        "linalg.matmul": np.linalg.matmul(a, a),
        "linalg.matrix_transpose": np.linalg.matrix_transpose(a),
        "linalg.vecdot": np.linalg.vecdot(a, v),
        "linalg.outer": np.linalg.outer(v, v),
        "linalg.tensordot": np.linalg.tensordot(a, a, axes=1),
        "linalg.diagonal": np.linalg.diagonal(a),
        "linalg.trace": np.linalg.trace(a),
    }
    for what, r in results.items():
        assert isinstance(r, xg.Tensor), what
        assert not r.constant, what
    np.linalg.norm(np.einsum("ij,jk->ik", a, a) @ v).backward()
    assert a.grad is not None and v.grad is not None


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda a: np.dot(a, a, out=np.empty((2, 2))), "out"),
        (lambda a: np.einsum("ij->ji", a, dtype=np.float32), "dtype"),
        (lambda a: np.einsum("ij->ji", a, out=np.empty((2, 2))), "out"),
        (lambda a: np.trace(a, out=np.empty(())), "out"),
        (lambda a: np.outer(a, a, out=np.empty((4, 4))), "out"),
        (lambda a: np.linalg.svd(a, hermitian=True), "hermitian"),
        (lambda a: np.linalg.pinv(a, hermitian=True), "hermitian"),
        (lambda a: np.linalg.multi_dot([a, a], out=np.empty((2, 2))), "out"),
        (lambda a: np.linalg.qr(a, mode="raw"), "raw"),
    ],
)
def test_numpy_dispatch_unsupported_arguments(call: Callable[..., Any], name: str) -> None:
    a = xg.tensor([[2.0, 1.0], [1.0, 3.0]])
    with pytest.raises(TypeError, match=name):
        call(a)
