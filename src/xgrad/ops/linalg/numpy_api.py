"""NumPy's signatures of the linear-algebra functions, for ``__array_function__``: the
``NUMPY_DISPATCH`` entries (and ``einsum`` in ``PUBLIC``).
"""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from ..einsum import einsum
from ._helpers import _no_numpy_arg
from ._tables import LINALG, NUMPY_DISPATCH, PUBLIC
from .decompositions import cholesky, eigh, eigvalsh, matrix_rank, qr, svd, svdvals
from .diagonals import diagonal, trace
from .inverse import det, inv, matrix_power, pinv, slogdet, solve
from .norms import matrix_norm, norm, vector_norm
from .products import _multi_dot, cross, dot, inner, matmul, outer, tensordot, vdot, vecdot


# =============================================================================================
# NumPy's signatures, for __array_function__
# =============================================================================================
def _np_einsum(
    *operands: Any,
    out: Any = None,
    optimize: Any = False,
    dtype: Any = None,
    order: str = "K",
    casting: str = "safe",
) -> Tensor:
    _no_numpy_arg("einsum", out=out, dtype=dtype)
    if order != "K" or casting != "safe":
        raise TypeError("numpy.einsum: order= and casting= are not supported for xgrad tensors")
    if not operands:
        raise TypeError("numpy.einsum: no subscripts given")
    return einsum(operands[0], *operands[1:])


def _np_dot(a: Any, b: Any, out: Any = None) -> Tensor:
    _no_numpy_arg("dot", out=out)
    return dot(a, b)


def _np_outer(a: Any, b: Any, out: Any = None) -> Tensor:
    _no_numpy_arg("outer", out=out)
    return outer(a, b)


def _np_trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Tensor:
    _no_numpy_arg("trace", out=out)
    return trace(a, offset, axis1, axis2, dtype)


def _np_svd(
    a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Any:
    _no_numpy_arg("linalg.svd", hermitian=hermitian)
    return svd(a, full_matrices, compute_uv)


def _np_pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Tensor:
    _no_numpy_arg("linalg.pinv", hermitian=hermitian)
    return pinv(a, rcond, rtol=rtol)


def _np_qr(a: Any, mode: str = "reduced") -> Any:
    return qr(a, mode)


NUMPY_DISPATCH.update(
    {
        "einsum": _np_einsum,
        "dot": _np_dot,
        "vdot": vdot,
        "inner": inner,
        "outer": _np_outer,
        "tensordot": tensordot,
        "trace": _np_trace,
        "diagonal": diagonal,
        "linalg.norm": norm,
        "linalg.vector_norm": vector_norm,
        "linalg.matrix_norm": matrix_norm,
        "linalg.inv": inv,
        "linalg.det": det,
        "linalg.slogdet": slogdet,
        "linalg.solve": solve,
        "linalg.cholesky": cholesky,
        "linalg.qr": _np_qr,
        "linalg.eigh": eigh,
        "linalg.eigvalsh": eigvalsh,
        "linalg.svd": _np_svd,
        "linalg.svdvals": svdvals,
        "linalg.pinv": _np_pinv,
        "linalg.multi_dot": _multi_dot,
        "linalg.matmul": matmul,
        "linalg.matrix_transpose": LINALG["matrix_transpose"],
        "linalg.vecdot": vecdot,
        "linalg.outer": LINALG["outer"],
        "linalg.tensordot": LINALG["tensordot"],
        "linalg.diagonal": LINALG["diagonal"],
        "linalg.trace": LINALG["trace"],
        "linalg.cross": cross,
        "linalg.matrix_power": matrix_power,
        "linalg.matrix_rank": matrix_rank,
    }
)

PUBLIC["einsum"] = einsum
