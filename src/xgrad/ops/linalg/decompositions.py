"""Matrix decompositions: Cholesky, QR, the symmetric eigendecomposition and the SVD, their
ops (several outputs packed along a last axis) and public functions.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ... import backends as _backends
from ..._op import OPS, Op, register
from ..._tensor import Tensor
from .._public import as_tensor_input, run
from ..einsum import call_op
from ..nondiff import NonDiff, call_nondiff
from ._helpers import (
    _PAD_LAST,
    _T,
    _cols,
    _composite,
    _fn,
    _gap_recip,
    _grid,
    _matrix,
    _mm,
    _native,
    _needs_grad,
    _pack,
    _safe_recip,
    _split,
    _sym,
    _unpack,
)
from ._tables import LINALG


# =============================================================================================
# Cholesky
# =============================================================================================
def _phi(xp: Any, x: Any) -> Any:
    """The lower triangle of ``x`` with its diagonal halved."""
    n = x.shape[-1]
    r, c = _grid(xp, x, n, n)
    return xp.where(r > c, x, xp.where(r == c, x * 0.5, 0.0))


def _cholesky_vjp(xp: Any, g: Any, y: Any) -> Any:
    """Murray (2016): sym(L^-T Phi(L^T G) L^-1)."""
    linv = xp.linalg.inv(y)
    return _sym(xp, _mm(xp, _T(xp, linv), _phi(xp, xp.matmul(_T(xp, y), g)), linv))


def _cholesky_jvp(xp: Any, t: Any, y: Any) -> Any:
    linv = xp.linalg.inv(y)
    return xp.matmul(y, _phi(xp, _mm(xp, linv, _sym(xp, t[0]), _T(xp, linv))))


register(
    Op(
        "cholesky",
        ("a",),
        lambda xp, a: xp.linalg.cholesky(a),
        (_cholesky_vjp,),
        kind="linalg",
        jvp=_cholesky_jvp,
        doc="lower Cholesky factor (symmetric derivative)",
    )
)


# =============================================================================================
# QR (reduced)
# =============================================================================================
def _qr_impl(xp: Any, a: Any, *, layout: tuple) -> Any:
    q, r = xp.linalg.qr(a)
    return _pack(xp, [q, r], tuple(a.shape[:-2]))


def _copy_upper(xp: Any, b: Any) -> Any:
    """The symmetric matrix with ``b``'s upper triangle (and diagonal)."""
    n = b.shape[-1]
    r, c = _grid(xp, b, n, n)
    return xp.where(r > c, _T(xp, b), b)


def _qr_square_vjp(xp: Any, q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """m >= n: (gQ + Q copy_upper(gR R^T - Q^T gQ)) R^-T."""
    b = xp.matmul(gr, _T(xp, r)) - xp.matmul(_T(xp, q), gq)
    x = gq + xp.matmul(q, _copy_upper(xp, b))
    return _T(xp, xp.linalg.solve(r, _T(xp, x)))


def _qr_square_jvp(xp: Any, q: Any, r: Any, da: Any) -> tuple[Any, Any]:
    dar = _T(xp, xp.linalg.solve(_T(xp, r), _T(xp, da)))  # dA R^-1
    mm = xp.matmul(_T(xp, q), dar)
    n = mm.shape[-1]
    row, col = _grid(xp, mm, n, n)
    low = xp.where(row > col, mm, 0.0)
    m_c = mm - (low - _T(xp, low))  # M - C, C = Q^T dQ (antisymmetric)
    return dar - xp.matmul(q, m_c), xp.matmul(m_c, r)


def _qr_vjp(xp: Any, g: Any, y: Any, *, layout: tuple) -> Any:
    (m, _), (_, n) = layout
    q, r = _unpack(xp, y, layout)
    gq, gr = _unpack(xp, g, layout)
    if m >= n:
        return _qr_square_vjp(xp, q, r, gq, gr)
    # wide: A = [X | Y] with X = Q R1 square and Y = Q R2
    r1, r2, gr1, gr2 = (
        _cols(xp, r, 0, m),
        _cols(xp, r, m, n),
        _cols(xp, gr, 0, m),
        _cols(xp, gr, m, n),
    )
    y_part = xp.matmul(q, r2)
    gx = _qr_square_vjp(xp, q, r1, gq + xp.matmul(y_part, _T(xp, gr2)), gr1)
    return xp.concat([gx, xp.matmul(q, gr2)], axis=-1)


def _qr_jvp(xp: Any, t: Any, y: Any, *, layout: tuple) -> Any:
    (m, _), (_, n) = layout
    q, r = _unpack(xp, y, layout)
    da = t[0]
    if m >= n:
        dq, dr = _qr_square_jvp(xp, q, r, da)
    else:
        r1, r2 = _cols(xp, r, 0, m), _cols(xp, r, m, n)
        dq, dr1 = _qr_square_jvp(xp, q, r1, _cols(xp, da, 0, m))
        dr2 = xp.matmul(_T(xp, dq), xp.matmul(q, r2)) + xp.matmul(_T(xp, q), _cols(xp, da, m, n))
        dr = xp.concat([dr1, dr2], axis=-1)
    return _pack(xp, [dq, dr], tuple(y.shape[:-1]))


register(
    Op(
        "qr",
        ("a",),
        _qr_impl,
        (_qr_vjp,),
        kind="linalg",
        jvp=_qr_jvp,
        doc="reduced QR decomposition, Q and R packed along a last axis",
    )
)


# =============================================================================================
# symmetric eigendecomposition
# =============================================================================================
def _eigh_impl(xp: Any, a: Any, *, layout: tuple) -> Any:
    w, v = xp.linalg.eigh(a)
    return _pack(xp, [w, v], tuple(a.shape[:-2]))


def _eigh_vjp(xp: Any, g: Any, y: Any, *, layout: tuple) -> Any:
    """sym(V (diag(gw) + F o (V^T gV)) V^T), F_ij = 1 / (w_j - w_i)."""
    w, v = _unpack(xp, y, layout)
    gw, gv = _unpack(xp, g, layout)
    inner = xp.matmul(v, _gap_recip(xp, w) * xp.matmul(_T(xp, v), gv))
    inner = inner + v * xp.expand_dims(gw, axis=-2)
    return _sym(xp, xp.matmul(inner, _T(xp, v)))


def _eigh_jvp(xp: Any, t: Any, y: Any, *, layout: tuple) -> Any:
    w, v = _unpack(xp, y, layout)
    p = _mm(xp, _T(xp, v), _sym(xp, t[0]), v)
    dv = xp.matmul(v, _gap_recip(xp, w) * p)
    return _pack(xp, [xp.linalg.diagonal(p), dv], tuple(y.shape[:-1]))


register(
    Op(
        "eigh",
        ("a",),
        _eigh_impl,
        (_eigh_vjp,),
        kind="linalg",
        jvp=_eigh_jvp,
        doc="eigenvalues and eigenvectors of a symmetric matrix, packed along a last axis",
    )
)


# =============================================================================================
# singular value decomposition (reduced, or full with the extra vectors' gradient ignored)
# =============================================================================================
def _svd_impl(xp: Any, a: Any, *, layout: tuple) -> Any:
    (_, mu), (k,), (nv, _) = layout
    u, s, vh = xp.linalg.svd(a, full_matrices=mu > k or nv > k)
    return _pack(xp, [u, s, vh], tuple(a.shape[:-2]))


def _reduced(xp: Any, parts: list, layout: tuple) -> tuple[Any, Any, Any]:
    """U, S, Vh of a (possibly full) packed SVD cut to the ``k = min(m, n)`` leading
    vectors: the rest of a full decomposition is an arbitrary basis of the complement, and
    its gradient is ignored (as PyTorch does)."""
    u, s, vh = parts
    (_, mu), (k,), (nv, _) = layout
    if mu > k:
        u = _cols(xp, u, 0, k)
    if nv > k:
        vh = _T(xp, _cols(xp, _T(xp, vh), 0, k))
    return u, s, vh


def _svd_vjp(xp: Any, g: Any, y: Any, *, layout: tuple) -> Any:
    """Townsend (2016), with V^T = Vh and F_ij = 1 / (s_j^2 - s_i^2)."""
    (m, _), (k,), (_, n) = layout
    u, s, vh = _reduced(xp, _unpack(xp, y, layout), layout)
    gu, gs, gvh = _reduced(xp, _unpack(xp, g, layout), layout)
    f = _gap_recip(xp, s * s)
    ut_gu = xp.matmul(_T(xp, u), gu)
    v_gv = xp.matmul(vh, _T(xp, gvh))  # V^T (dL/dV)
    s_row, s_col = xp.expand_dims(s, axis=-2), xp.expand_dims(s, axis=-1)
    core = (f * (ut_gu - _T(xp, ut_gu))) * s_row + s_col * (f * (v_gv - _T(xp, v_gv)))
    left = xp.matmul(u, core) + u * xp.expand_dims(gs, axis=-2)
    s_inv = _safe_recip(xp, s)
    if m > k:  # (I - U U^T) gU S^-1
        left = left + (gu - xp.matmul(u, ut_gu)) * xp.expand_dims(s_inv, axis=-2)
    out = xp.matmul(left, vh)
    if n > k:  # U S^-1 gVh (I - V V^T)
        right = gvh - xp.matmul(xp.matmul(gvh, _T(xp, vh)), vh)
        out = out + xp.matmul(u, xp.expand_dims(s_inv, axis=-1) * right)
    return out


def _svd_jvp(xp: Any, t: Any, y: Any, *, layout: tuple) -> Any:
    (m, mu), (k,), (nv, n) = layout
    u, s, vh = _reduced(xp, _unpack(xp, y, layout), layout)
    v = _T(xp, vh)
    da = t[0]
    p = _mm(xp, _T(xp, u), da, v)
    f = _gap_recip(xp, s * s)
    s_row, s_col = xp.expand_dims(s, axis=-2), xp.expand_dims(s, axis=-1)
    du = xp.matmul(u, f * (p * s_row + s_col * _T(xp, p)))
    dv = xp.matmul(v, f * (s_col * p + _T(xp, p) * s_row))
    s_inv = xp.expand_dims(_safe_recip(xp, s), axis=-2)
    if m > k:
        du = du + (xp.matmul(da, v) - xp.matmul(u, p)) * s_inv
    if n > k:
        dv = dv + (xp.matmul(_T(xp, da), u) - xp.matmul(v, _T(xp, p))) * s_inv
    if mu > k:  # the extra vectors of a full decomposition: tangent 0 (gradient ignored)
        du = call_op(xp, _PAD_LAST, du, before=0, after=mu - k)
    if nv > k:
        dv = call_op(xp, _PAD_LAST, dv, before=0, after=nv - k)
    return _pack(xp, [du, xp.linalg.diagonal(p), _T(xp, dv)], tuple(y.shape[:-1]))


register(
    Op(
        "svd",
        ("a",),
        _svd_impl,
        (_svd_vjp,),
        kind="linalg",
        jvp=_svd_jvp,
        doc="reduced SVD, U, S and Vh packed along a last axis",
    )
)


# =============================================================================================
# public functions: decompositions
# =============================================================================================
def cholesky(a: Any, /, *, upper: bool = False, constant: bool | None = None) -> Tensor:
    """Cholesky factor of a symmetric positive-definite matrix (lower, or upper with
    ``upper=True``). Only one triangle is read; the gradient is the symmetric one.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[4.0, 2.0], [2.0, 5.0]])
    >>> xg.linalg.cholesky(a)
    Tensor([[2., 0.],
            [1., 2.]])
    """
    a, _, _ = _matrix(a, "cholesky", square=True)

    def build() -> Tensor:
        low = run(OPS["cholesky"], (a,), None, None)
        return _fn("matrix_transpose")(low) if upper else low

    return _composite(constant, build)


class QRResult(NamedTuple):
    """``(Q, R)``, as NumPy's."""

    Q: Tensor
    R: Tensor


def qr(a: Any, mode: str = "reduced", *, constant: bool | None = None) -> QRResult | Tensor:
    """QR decomposition, as :func:`numpy.linalg.qr`.

    Differentiable for ``mode='reduced'`` (and ``'r'``, and ``'complete'`` when the input has
    no more rows than columns): the derivative needs a full-rank input (``R``'s leading square
    block invertible). ``mode='complete'`` on a tall matrix has no unique derivative; it
    works only on constants.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[3.0, 1.0], [4.0, 2.0]])
    >>> q, r = xg.linalg.qr(a)
    >>> r.shape, q.shape
    ((2, 2), (2, 2))
    """
    if mode not in ("reduced", "complete", "r"):
        raise TypeError(f"qr: mode={mode!r} is not supported for xgrad tensors")
    a, m, n = _matrix(a, "qr")
    if mode == "complete" and m > n:
        if _needs_grad(a, constant):
            raise ValueError(
                "qr: mode='complete' has no unique derivative for a matrix with more rows than "
                "columns; use mode='reduced'"
            )
        return QRResult(*_native(a, lambda xp, d: tuple(xp.linalg.qr(d, mode="complete")), True))
    k = min(m, n)
    layout = ((m, k), (k, n))
    packed = run(OPS["qr"], (a,), {"layout": layout}, constant)
    q, r = _split(packed, layout)
    return r if mode == "r" else QRResult(q, r)


class EighResult(NamedTuple):
    """``(eigenvalues, eigenvectors)``, as NumPy's."""

    eigenvalues: Tensor
    eigenvectors: Tensor


def eigh(a: Any, UPLO: str = "L", *, constant: bool | None = None) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix.

    Only the ``UPLO`` triangle is read; the gradient is the symmetric one. The eigenvector
    derivative assumes distinct eigenvalues (pairs of equal eigenvalues contribute 0).

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[2.0, 1.0], [1.0, 2.0]])
    >>> w, v = xg.linalg.eigh(a)
    >>> w.sum().backward()
    >>> w, a.grad
    (Tensor([1., 3.]), array([[1., 0.],
           [0., 1.]]))
    """
    if UPLO not in ("L", "U"):
        raise ValueError("eigh: UPLO argument must be 'L' or 'U'")
    a, n, _ = _matrix(a, "eigh", square=True)
    layout = ((n,), (n, n))

    def build() -> EighResult:
        x = _fn("matrix_transpose")(a) if UPLO == "U" else a
        return EighResult(*_split(run(OPS["eigh"], (x,), {"layout": layout}, None), layout))

    return _composite(constant, build)


def eigvalsh(a: Any, UPLO: str = "L", *, constant: bool | None = None) -> Tensor:
    """Eigenvalues (ascending) of a symmetric matrix; differentiable everywhere.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.eigvalsh(xg.tensor([[2.0, 1.0], [1.0, 2.0]]))
    Tensor([1., 3.])
    """
    return eigh(a, UPLO, constant=constant).eigenvalues


class SVDResult(NamedTuple):
    """``(U, S, Vh)``, as NumPy's."""

    U: Tensor
    S: Tensor
    Vh: Tensor


def svd(
    a: Any,
    full_matrices: bool = True,
    compute_uv: bool = True,
    hermitian: bool = False,
    *,
    constant: bool | None = None,
) -> SVDResult | Tensor:
    """Singular value decomposition ``a = U @ (S[..., None] * Vh)``, as NumPy's.

    Differentiable. With ``full_matrices=True`` (NumPy's default) and a non-square input,
    the vectors beyond the first ``min(m, n)`` are an arbitrary basis of a complement: as in
    PyTorch, gradients that reach them are ignored. The singular-vector derivative assumes
    distinct, non-zero singular values (ties and zeros contribute 0).

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[3.0, 0.0], [0.0, -2.0]])
    >>> u, s, vh = xg.linalg.svd(a, full_matrices=False)
    >>> s.sum().backward()
    >>> s, a.grad
    (Tensor([3., 2.]), array([[ 1.,  0.],
           [ 0., -1.]]))
    """
    if hermitian:
        raise TypeError("svd: hermitian=True is not supported for xgrad tensors")
    if not compute_uv:
        return svdvals(a, constant=constant)
    a, m, n = _matrix(a, "svd")
    k = min(m, n)
    mu, nv = (m, n) if full_matrices else (k, k)
    layout = ((m, mu), (k,), (nv, n))
    packed = run(OPS["svd"], (a,), {"layout": layout}, constant)
    return SVDResult(*_split(packed, layout))


def svdvals(x: Any, /, *, constant: bool | None = None) -> Tensor:
    """Singular values (descending); differentiable everywhere (``U @ Vh`` at distinct ones).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.svdvals(xg.tensor([[3.0, 0.0], [0.0, -4.0]]))
    Tensor([4., 3.])
    """
    return svd(x, full_matrices=False, constant=constant).S


for _f in (cholesky, qr, eigh, eigvalsh, svd, svdvals):
    _f.__module__ = "xgrad.linalg"
    LINALG[_f.__name__] = _f


# =============================================================================================
# rank
# =============================================================================================
def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """The rank of a (stack of) matrices: the number of singular values above a threshold,
    as :func:`numpy.linalg.matrix_rank` (the array API's ``matrix_rank(x, /, *, rtol=None)``
    too). The threshold is ``tol`` (absolute) if given, else ``rtol`` times the largest
    singular value, ``rtol`` defaulting to ``max(M, N)`` times the dtype's machine epsilon.

    Not differentiable: returns an integer array of the input's backend (not a Tensor). A
    1-D input has rank 1 unless it is all zeros, as in NumPy.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.matrix_rank(xg.tensor([[1.0, 2.0], [2.0, 4.0]]))
    array(1)
    >>> xg.linalg.matrix_rank(xg.tensor([[[1.0, 0.0], [0.0, 1e-3]]]), tol=1e-2)
    array([1])
    """
    if hermitian:
        raise TypeError("matrix_rank: hermitian=True is not supported for xgrad tensors")
    if tol is not None and rtol is not None:
        raise ValueError("matrix_rank: give tol or rtol, not both")
    x = as_tensor_input(A)
    tol, rtol = (v._data if isinstance(v, Tensor) else v for v in (tol, rtol))
    nd = NonDiff("matrix_rank", _rank, 1, False)
    return call_nondiff(nd, (x,), {"tol": tol, "rtol": rtol}, check=False)


def _rank(xp: Any, data: Any, tol: Any = None, rtol: Any = None) -> Any:
    bk = _backends.of_namespace(xp)
    if len(data.shape) < 2:
        out = xp.astype(xp.any(data != 0), xp.int64)
        return out if out.__class__ is bk.array_type else bk.fix_result(out)
    if not xp.isdtype(data.dtype, "real floating"):
        data = xp.astype(data, xp.float64)
    if tol is None and hasattr(xp.linalg, "matrix_rank"):
        out = xp.linalg.matrix_rank(data, rtol=rtol)
    else:
        s = xp.linalg.svdvals(data)
        if tol is None:
            m, n = data.shape[-2:]
            rtol = max(m, n) * xp.finfo(data.dtype).eps if rtol is None else rtol
            tol = xp.max(s, axis=-1, keepdims=True) * _trailing(xp, rtol)
        else:
            tol = _trailing(xp, tol)
        out = xp.count_nonzero(s > tol, axis=-1)
    return out if out.__class__ is bk.array_type else bk.fix_result(out)


def _trailing(xp: Any, v: Any) -> Any:
    """A per-matrix threshold (a number, or an array over the batch) against the last axis
    of the singular values."""
    return xp.expand_dims(v, axis=-1) if hasattr(v, "shape") else v


matrix_rank.__module__ = "xgrad.linalg"
LINALG["matrix_rank"] = matrix_rank
