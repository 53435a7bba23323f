"""The standard's ``linalg`` extension over xgrad's linear algebra (``xgrad.linalg``), with the
standard's signatures. ``eig``/``eigvals`` are left out: their results are complex."""

from __future__ import annotations

import types
from typing import Any

from ..ops.linalg import LINALG as L
from ._common import as_tensor, data, named, out

__all__ = ["linalg_module"]

_TABLE: dict[str, Any] = {}


def _public(fn: Any) -> Any:
    named(fn, fn.__name__)
    fn.__module__ = "xgrad.array_api.linalg"
    _TABLE[fn.__name__] = fn
    return fn


@_public
def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    """The Cholesky factor of symmetric positive-definite matrices."""
    return L["cholesky"](as_tensor(x), upper=upper)


@_public
def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The cross product of 3-vectors along ``axis``."""
    return L["cross"](as_tensor(x1), as_tensor(x2), axis=axis)


@_public
def det(x: Any, /) -> Any:
    """Determinants of the matrices in the last two axes."""
    return L["det"](as_tensor(x))


@_public
def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """Diagonals of the matrices in the last two axes."""
    return L["diagonal"](as_tensor(x), offset=offset)


@_public
def eigh(x: Any, /) -> Any:
    """Eigenvalues and eigenvectors of symmetric matrices (``eigenvalues``,
    ``eigenvectors``)."""
    return L["eigh"](as_tensor(x))


@_public
def eigvalsh(x: Any, /) -> Any:
    """Eigenvalues of symmetric matrices, ascending."""
    return L["eigvalsh"](as_tensor(x))


@_public
def inv(x: Any, /) -> Any:
    """Inverses of the matrices in the last two axes."""
    return L["inv"](as_tensor(x))


@_public
def matmul(x1: Any, x2: Any, /) -> Any:
    """The matrix product."""
    return L["matmul"](as_tensor(x1), as_tensor(x2))


@_public
def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """Matrix norms over the last two axes (``"fro"``, ``"nuc"``, ``1``, ``2``, ``inf``,
    ...)."""
    return L["matrix_norm"](as_tensor(x), keepdims=keepdims, ord=ord)


@_public
def matrix_power(x: Any, n: int, /) -> Any:
    """The ``n``-th power of square matrices (negative ``n``: of the inverse)."""
    return L["matrix_power"](as_tensor(x), n)


@_public
def matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    """The rank of matrices (a constant integer tensor)."""
    return out(L["matrix_rank"](as_tensor(x), rtol=data(rtol)))


@_public
def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes."""
    return L["matrix_transpose"](as_tensor(x))


@_public
def outer(x1: Any, x2: Any, /) -> Any:
    """The outer product of two vectors."""
    return L["outer"](as_tensor(x1), as_tensor(x2))


@_public
def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    """The Moore-Penrose pseudo-inverse."""
    return L["pinv"](as_tensor(x), rtol=data(rtol))


@_public
def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    """The QR decomposition (``Q``, ``R``)."""
    return L["qr"](as_tensor(x), mode)


@_public
def slogdet(x: Any, /) -> Any:
    """Sign and log of the absolute determinant (``sign``, ``logabsdet``)."""
    return L["slogdet"](as_tensor(x))


@_public
def solve(x1: Any, x2: Any, /) -> Any:
    """The solution ``x`` of ``x1 @ x = x2``."""
    return L["solve"](as_tensor(x1), as_tensor(x2))


@_public
def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    """The singular value decomposition (``U``, ``S``, ``Vh``)."""
    return L["svd"](as_tensor(x), full_matrices)


@_public
def svdvals(x: Any, /) -> Any:
    """The singular values, descending."""
    return L["svdvals"](as_tensor(x))


@_public
def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> Any:
    """Contract ``axes`` of ``x1`` and ``x2``."""
    return L["tensordot"](as_tensor(x1), as_tensor(x2), axes=axes)


@_public
def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """Traces of the matrices in the last two axes."""
    return L["trace"](as_tensor(x), offset=offset, dtype=dtype)


@_public
def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """The dot product of vectors along ``axis``."""
    return L["vecdot"](as_tensor(x1), as_tensor(x2), axis=axis)


@_public
def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """Vector norms over ``axis`` (all axes by default)."""
    return L["vector_norm"](as_tensor(x), axis=axis, keepdims=keepdims, ord=ord)


def linalg_module() -> types.ModuleType:
    """A fresh ``linalg`` module object (one per namespace, as the standard has it)."""
    mod = types.ModuleType("xgrad.array_api.linalg", __doc__)
    for name, fn in _TABLE.items():
        if name in ("cross", "matrix_power", "matrix_rank") and name not in L:
            continue
        setattr(mod, name, fn)
    return mod
