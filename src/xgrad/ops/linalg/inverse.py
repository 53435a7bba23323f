"""Inverse, determinants, linear solve and pseudo-inverse: their ops and public functions."""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

from ..._nsbase import TensorNamespace
from ..._op import OPS, Op, register
from ..._tensor import Tensor
from .._public import as_tensor_input, constant_result, run
from ._helpers import (
    _T,
    _backend_of,
    _composite,
    _floating,
    _fn,
    _linalg_error,
    _matrix,
    _mm,
    _split,
    _unpack,
)
from ._tables import LINALG


# =============================================================================================
# inverse, determinants, solve
# =============================================================================================
def _inv_vjp(xp: Any, g: Any, y: Any) -> Any:
    yt = _T(xp, y)
    return -_mm(xp, yt, g, yt)


register(
    Op(
        "inv",
        ("a",),
        lambda xp, a: xp.linalg.inv(a),
        (_inv_vjp,),
        kind="linalg",
        jvp=lambda xp, t, y: -_mm(xp, y, t[0], y),
        doc="matrix inverse",
    )
)


def _inv_t(xp: Any, a: Any) -> Any:
    return _T(xp, xp.linalg.inv(a))


def _cofactor(xp: Any, a: Any) -> Any:
    """The cofactor matrix ``d det(a) / d a``, exact at singular matrices too.

    With ``a = U diag(s) Vh``: ``det(U) det(Vh) U diag(prod_{j != i} s_j) Vh``, which is
    ``det(a) inv(a).T`` wherever ``a`` is invertible. The products leave one factor out
    instead of dividing, so a zero singular value is fine. Recorded rules (the backward of
    ``create_graph=True``, and forward mode) use ``det(a) inv(a).T``: the SVD's own
    derivative is undefined at repeated singular values (the identity matrix), inv's is
    not."""
    if isinstance(xp, TensorNamespace):
        return xp.reshape(xp.linalg.det(a), (*tuple(a.shape[:-2]), 1, 1)) * _inv_t(xp, a)
    u, s, vh = xp.linalg.svd(a)
    n = s.shape[-1]
    off = xp.logical_not(xp.eye(n, dtype=xp.bool, device=a.device))
    others = xp.prod(xp.where(off, s[..., None, :], xp.ones_like(s)[..., None, :]), axis=-1)
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    return xp.reshape(sign, (*tuple(sign.shape), 1, 1)) * _mm(xp, u * others[..., None, :], vh)


def _det_vjp(xp: Any, g: Any, a: Any) -> Any:
    return xp.reshape(g, (*tuple(g.shape), 1, 1)) * _cofactor(xp, a)


def _det_jvp(xp: Any, t: Any, a: Any) -> Any:
    return xp.sum(_cofactor(xp, a) * t[0], axis=(-2, -1))


register(
    Op(
        "det",
        ("a",),
        lambda xp, a: xp.linalg.det(a),
        (_det_vjp,),
        kind="linalg",
        jvp=_det_jvp,
        doc="determinant",
    )
)

_SLOGDET_LAYOUT = ((), ())


def _slogdet_impl(xp: Any, a: Any) -> Any:
    sign, logabs = xp.linalg.slogdet(a)
    return xp.stack([xp.asarray(sign), xp.asarray(logabs)], axis=-1)


def _slogdet_vjp(xp: Any, g: Any, a: Any) -> Any:
    gl = _unpack(xp, g, _SLOGDET_LAYOUT)[1]  # the sign takes no gradient
    return xp.reshape(gl, (*tuple(gl.shape), 1, 1)) * _inv_t(xp, a)


def _slogdet_jvp(xp: Any, t: Any, a: Any) -> Any:
    dl = xp.sum(_inv_t(xp, a) * t[0], axis=(-2, -1))
    return xp.stack([xp.zeros_like(dl), dl], axis=-1)


register(
    Op(
        "slogdet",
        ("a",),
        _slogdet_impl,
        (_slogdet_vjp,),
        kind="linalg",
        jvp=_slogdet_jvp,
        doc="sign and log|det| packed along a last axis of length 2",
    )
)


def _solve2(xp: Any, a: Any, b: Any, vector: bool) -> Any:
    """``solve(a, b)``; ``vector``: ``b`` is a (batch of) vector(s), even when batched."""
    if vector:
        return xp.squeeze(xp.linalg.solve(a, xp.expand_dims(b, axis=-1)), axis=-1)
    return xp.linalg.solve(a, b)


def _solve_a(xp: Any, g: Any, a: Any, y: Any, *, vector: bool) -> Any:
    gb = _solve2(xp, _T(xp, a), g, vector)
    if vector:
        return -(xp.expand_dims(gb, axis=-1) * xp.expand_dims(y, axis=-2))
    return -xp.matmul(gb, _T(xp, y))


def _solve_jvp(xp: Any, t: Any, a: Any, y: Any, *, vector: bool) -> Any:
    ta, tb = t
    rhs = tb
    if ta is not None:
        if vector:
            ty = xp.squeeze(xp.matmul(ta, xp.expand_dims(y, axis=-1)), axis=-1)
        else:
            ty = xp.matmul(ta, y)
        rhs = -ty if rhs is None else rhs - ty
    return None if rhs is None else _solve2(xp, a, rhs, vector)


register(
    Op(
        "solve",
        ("a", "b"),
        lambda xp, a, b, *, vector: xp.linalg.solve(a, b),
        (_solve_a, lambda xp, g, a, *, vector: _solve2(xp, _T(xp, a), g, vector)),
        kind="linalg",
        jvp=_solve_jvp,
        doc="x with a @ x = b",
    )
)


# =============================================================================================
# pseudo-inverse
# =============================================================================================
def _pinv_vjp(xp: Any, g: Any, a: Any, y: Any, *, rtol: Any) -> Any:
    """Golub and Pereyra (1973), for a matrix of locally constant rank."""
    p, pt, gt = y, _T(xp, y), _T(xp, g)
    t1 = -_mm(xp, pt, g, pt)
    t2 = xp.matmul(gt - _mm(xp, a, p, gt), xp.matmul(p, pt))
    t3 = xp.matmul(xp.matmul(pt, p), gt - _mm(xp, gt, p, a))
    return t1 + t2 + t3


def _pinv_jvp(xp: Any, t: Any, a: Any, y: Any, *, rtol: Any) -> Any:
    p, pt, dat = y, _T(xp, y), _T(xp, t[0])
    t1 = -_mm(xp, p, t[0], p)
    t2 = xp.matmul(xp.matmul(p, pt), dat - _mm(xp, dat, a, p))
    t3 = xp.matmul(dat - _mm(xp, p, a, dat), xp.matmul(pt, p))
    return t1 + t2 + t3


register(
    Op(
        "pinv",
        ("a",),
        lambda xp, a, *, rtol: xp.linalg.pinv(a, rtol=rtol),
        (_pinv_vjp,),
        kind="linalg",
        jvp=_pinv_jvp,
        doc="Moore-Penrose pseudo-inverse",
    )
)


# =============================================================================================
# public functions: inverse, determinants, solve
# =============================================================================================
def inv(a: Any, *, constant: bool | None = None) -> Tensor:
    """Inverse of a (stack of) square matrices; singular ones raise ``LinAlgError``.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[2.0, 0.0], [0.0, 4.0]])
    >>> y = xg.linalg.inv(a)
    >>> y.sum().backward()
    >>> y, a.grad
    (Tensor([[0.5 , 0.  ],
            [0.  , 0.25]]), array([[-0.25  , -0.125 ],
           [-0.125 , -0.0625]]))
    """
    a, _, _ = _matrix(a, "inv", square=True)
    return run(OPS["inv"], (a,), None, constant)


def det(a: Any, *, constant: bool | None = None) -> Tensor:
    """Determinant of a (stack of) square matrices.

    The derivative is the cofactor matrix (``det(a) inv(a).T`` where ``a`` is invertible),
    exact at singular matrices too.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> y = xg.linalg.det(a)
    >>> y.backward()
    >>> y, a.grad
    (Tensor(-2.), array([[ 4., -3.],
           [-2.,  1.]]))
    >>> s = xg.tensor([[1.0, 2.0], [2.0, 4.0]])    # singular: the gradient is still defined
    >>> xg.linalg.det(s).backward()
    >>> s.grad.round(12) + 0.0
    array([[ 4., -2.],
           [-2.,  1.]])
    """
    a, _, _ = _matrix(a, "det", square=True)
    return run(OPS["det"], (a,), None, constant)


class SlogdetResult(NamedTuple):
    """``(sign, logabsdet)``, as NumPy's."""

    sign: Tensor
    logabsdet: Tensor


def slogdet(a: Any, *, constant: bool | None = None) -> SlogdetResult:
    """Sign and natural log of the absolute determinant; the sign is a constant.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[2.0, 0.0], [0.0, -3.0]])
    >>> sign, logabsdet = xg.linalg.slogdet(a)
    >>> logabsdet.backward()
    >>> sign, a.grad
    (Tensor(-1.), array([[ 0.5       ,  0.        ],
           [ 0.        , -0.33333333]]))
    """
    a, _, _ = _matrix(a, "slogdet", square=True)
    packed = run(OPS["slogdet"], (a,), None, constant)
    sign, logabsdet = _split(packed, _SLOGDET_LAYOUT)
    return SlogdetResult(constant_result(sign), logabsdet)


def solve(a: Any, b: Any, *, constant: bool | None = None) -> Tensor:
    """The solution ``x`` of ``a @ x = b``; ``b`` is a vector when it is 1-D, otherwise a
    (stack of) matrices (NumPy 2 and the array API).

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[2.0, 0.0], [0.0, 4.0]])
    >>> b = xg.tensor([1.0, 1.0])
    >>> x = xg.linalg.solve(a, b)
    >>> x.sum().backward()
    >>> x, b.grad
    (Tensor([0.5 , 0.25]), array([0.5 , 0.25]))
    """
    a, n, _ = _matrix(a, "solve", square=True)
    b = _floating(b, "solve")
    vector = len(b.shape) == 1
    if len(b.shape) == 0 or (b.shape[0] if vector else b.shape[-2]) != n:
        raise ValueError(
            f"solve: b of shape {tuple(b.shape)} does not match a of shape {tuple(a.shape)} "
            f"(b must be ({n},) or (..., {n}, K))"
        )
    return run(OPS["solve"], (a, b), {"vector": vector}, constant)


def pinv(
    a: Any,
    rcond: Any = None,
    hermitian: bool = False,
    *,
    rtol: Any = None,
    constant: bool | None = None,
) -> Tensor:
    """Moore-Penrose pseudo-inverse; singular values below ``rtol`` (or ``rcond``) times the
    largest are dropped. The derivative assumes the rank does not change near ``a``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.pinv(xg.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
    Tensor([[1. , 0. , 0. ],
            [0. , 0.5, 0. ]])
    """
    if hermitian:
        raise TypeError("pinv: hermitian=True is not supported for xgrad tensors")
    a, _, _ = _matrix(a, "pinv")
    tol = rtol if rtol is not None else rcond
    return run(OPS["pinv"], (a,), {"rtol": tol}, constant)


for _f in (inv, det, slogdet, solve, pinv):
    _f.__module__ = "xgrad.linalg"
    LINALG[_f.__name__] = _f


# =============================================================================================
# integer powers
# =============================================================================================
def matrix_power(a: Any, n: int, *, constant: bool | None = None) -> Tensor:
    """``a`` raised to the integer power ``n`` (a stack of square matrices), as
    :func:`numpy.linalg.matrix_power`: repeated squaring, through ``inv(a)`` for ``n < 0``;
    ``n = 0`` gives identity matrices (whose derivative is 0). Differentiable, as the
    products and the inverse it is made of.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 1.0], [0.0, 1.0]])
    >>> y = xg.linalg.matrix_power(a, 3)
    >>> y.sum().backward()
    >>> y, a.grad
    (Tensor([[1., 3.],
            [0., 1.]]), array([[ 6.,  3.],
           [10.,  6.]]))
    >>> xg.linalg.matrix_power(a, -2)
    Tensor([[ 1., -2.],
            [ 0.,  1.]])
    """
    try:
        k = operator.index(n)
    except TypeError:
        raise TypeError(f"matrix_power: the exponent must be an integer, got {n!r}") from None
    a = as_tensor_input(a)
    shape = tuple(a.shape)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise _linalg_error(a)(
            f"matrix_power: the last 2 dimensions must be square; got shape {shape}"
        )

    def build() -> Tensor:
        if k == 0:  # the identity, recorded as a function of a (a zero derivative)
            data = a._data if isinstance(a, Tensor) else a
            xp = _backend_of(a).xp
            eye = xp.broadcast_to(xp.eye(shape[-1], dtype=data.dtype, device=data.device), shape)
            keep = xp.ones(shape, dtype=xp.bool, device=data.device)
            return _fn("where")(keep, eye, a)
        base = inv(a) if k < 0 else a
        out = None
        m = abs(k)
        while True:
            if m & 1:
                out = base if out is None else _fn("matmul")(out, base)
            m >>= 1
            if not m:
                break
            base = _fn("matmul")(base, base)
        return _fn("positive")(out) if out is a else out  # a new tensor for n = 1

    return _composite(constant, build)


matrix_power.__module__ = "xgrad.linalg"
LINALG["matrix_power"] = matrix_power
