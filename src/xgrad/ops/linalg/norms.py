"""Norms: the ``vector_norm`` op (finite p-norms), and ``norm``, ``vector_norm`` and
``matrix_norm`` built on it and on the other ops (the nuclear and 2-norms use ``svdvals``).
"""

from __future__ import annotations

import math
from typing import Any

from ..._op import OPS, Op, register
from ..._tensor import Tensor
from .._public import norm_axis, run
from ..nondiff import NONDIFF, call_nondiff
from ._helpers import _composite, _expand_reduced, _floating, _fn, _index, _matrix, _public
from ._tables import LINALG
from .decompositions import svdvals


# =============================================================================================
# vector p-norms
# =============================================================================================
def _vnorm_weight(xp: Any, x: Any, ye: Any, p: float) -> Any:
    """d||x||_p / dx = sign(x) (|x| / ||x||)^(p-1); 0 where ||x|| = 0 (the subgradient, as
    ``abs`` at 0) and, for p < 1, where x = 0."""
    safe = xp.where(ye == 0, 1.0, ye)
    if p == 2:
        return x / safe
    if p == 1:
        return xp.sign(x)
    r = xp.abs(x) / safe
    return xp.where(r == 0, 1.0, r) ** (p - 1) * xp.sign(x)  # sign: a plain array, on the right


def _vnorm_vjp(xp: Any, g: Any, x: Any, y: Any, *, axis: Any, keepdims: bool, ord: float) -> Any:
    shape = tuple(x.shape)
    ge = _expand_reduced(xp, g, shape, axis, keepdims)
    ye = _expand_reduced(xp, y, shape, axis, keepdims)
    return ge * _vnorm_weight(xp, x, ye, ord)


def _vnorm_jvp(xp: Any, t: Any, x: Any, y: Any, *, axis: Any, keepdims: bool, ord: float) -> Any:
    ye = _expand_reduced(xp, y, tuple(x.shape), axis, keepdims)
    return xp.sum(t[0] * _vnorm_weight(xp, x, ye, ord), axis=axis, keepdims=keepdims)


register(
    Op(
        "vector_norm",
        ("x",),
        lambda xp, x, *, axis, keepdims, ord: xp.linalg.vector_norm(
            x, axis=axis, keepdims=keepdims, ord=ord
        ),
        (_vnorm_vjp,),
        kind="linalg",
        jvp=_vnorm_jvp,
        doc="p-norm over axes (finite p != 0); the zero vector gets the 0 subgradient",
    )
)


# =============================================================================================
# public functions: norms
# =============================================================================================
def _vector_p_norm(x: Any, p: float, axis: tuple | None, keepdims: bool) -> Tensor:
    params = {"axis": axis, "keepdims": bool(keepdims), "ord": float(p)}
    return run(OPS["vector_norm"], (x,), params, None)


def _vector_norm(x: Any, ord: Any, axis: tuple | None, keepdims: bool) -> Tensor:
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == math.inf:
        return _fn("max")(_fn("abs")(x), axis, keepdims)
    if ord == -math.inf:
        return _fn("min")(_fn("abs")(x), axis, keepdims)
    if ord == 0:  # the number of non-zero elements: piecewise constant
        nonzero = call_nondiff(NONDIFF["not_equal"], (x, 0), {}, check=False)
        return _fn("sum")(_fn("astype")(nonzero, x.dtype), axis, keepdims)
    return _vector_p_norm(x, 2.0 if ord is None else ord, axis, keepdims)


def _keep_axes(y: Tensor, shape: tuple, axes: tuple[int, ...]) -> Tensor:
    return _fn("reshape")(y, tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _matrix_norm(x: Any, ord: Any, row: int, col: int, keepdims: bool) -> Tensor:
    shape = tuple(x.shape)
    if ord in (None, "fro", "f"):
        return _vector_p_norm(x, 2.0, tuple(sorted((row, col))), keepdims)
    if ord in ("nuc", 2, -2):
        s = svdvals(_fn("moveaxis")(x, (row, col), (-2, -1)))
        y = {"nuc": _fn("sum"), 2: _fn("max"), -2: _fn("min")}[ord](s, -1)
    elif ord in (1, -1):
        red = _fn("max") if ord == 1 else _fn("min")
        y = red(_fn("sum")(_fn("abs")(x), row), col - 1 if col > row else col)
    elif ord in (math.inf, -math.inf):
        red = _fn("max") if ord == math.inf else _fn("min")
        y = red(_fn("sum")(_fn("abs")(x), col), row - 1 if row > col else row)
    else:
        raise ValueError("Invalid norm order for matrices.")
    return _keep_axes(y, shape, (row, col)) if keepdims else y


def norm(
    x: Any,
    ord: Any = None,
    axis: Any = None,
    keepdims: bool = False,
    *,
    nan_to_num: bool = True,
    constant: bool | None = None,
) -> Tensor:
    """Vector or matrix norm, as :func:`numpy.linalg.norm`.

    Vector norms (``axis`` an int, or a 1-D input): ``ord`` = ``None``/2 (Euclidean), 1,
    ``inf``, ``-inf``, 0 (the number of non-zeros, not differentiable) or any other power.
    Matrix norms (``axis`` a pair, or a 2-D input): ``'fro'``, ``'nuc'``, 1, -1, 2, -2,
    ``inf``, ``-inf``. With ``axis=None`` and ``ord=None`` the input is flattened.

    The Euclidean (and any p-) norm of a zero vector has the 0 subgradient, as ``abs`` at 0,
    where MyGrad gives NaN. (``nan_to_num`` is accepted for MyGrad compatibility: the
    gradient never has those NaNs.)

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([3.0, 4.0])
    >>> y = xg.linalg.norm(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor(5.), array([0.6, 0.8]))
    >>> z = xg.tensor([0.0, 0.0])
    >>> xg.linalg.norm(z).backward()
    >>> z.grad
    array([0., 0.])
    """
    del nan_to_num
    x = _floating(x, "norm")
    nd = len(x.shape)

    def build() -> Tensor:
        if axis is None:
            if ord is None or (ord in ("fro", "f") and nd == 2) or (ord == 2 and nd == 1):
                return _vector_p_norm(x, 2.0, None, keepdims)
            axes: tuple[int, ...] = tuple(range(nd))
        elif isinstance(axis, (tuple, list)):
            axes = tuple(axis)
        else:
            axes = (_index(axis, "norm: axis"),)
        if len(axes) == 1:
            return _vector_norm(x, ord, (norm_axis(axes[0], nd),), keepdims)
        if len(axes) == 2:
            row, col = norm_axis(axes[0], nd), norm_axis(axes[1], nd)
            if row == col:
                raise ValueError("Duplicate axes given.")
            return _matrix_norm(x, ord, row, col, keepdims)
        raise ValueError("Improper number of dimensions to norm.")

    return _composite(constant, build)


_public(norm, LINALG)
norm.__module__ = "xgrad.linalg"


def vector_norm(
    x: Any,
    /,
    *,
    axis: Any = None,
    keepdims: bool = False,
    ord: Any = 2,
    constant: bool | None = None,
) -> Tensor:
    """Vector norm over ``axis`` (all axes by default, flattened), as in the array API.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[3.0, -4.0], [0.0, 1.0]])
    >>> xg.linalg.vector_norm(x, axis=1, ord=1)
    Tensor([7., 1.])
    """
    x = _floating(x, "vector_norm")
    nd = len(x.shape)
    if axis is None:
        axes = None
    else:
        raw = axis if isinstance(axis, (tuple, list)) else (axis,)
        axes = tuple(sorted(norm_axis(a, nd) for a in raw))
        if len(set(axes)) != len(axes):
            raise ValueError(f"vector_norm: repeated axis in {axis!r}")
    return _composite(constant, lambda: _vector_norm(x, ord, axes, keepdims))


_public(vector_norm, LINALG)
vector_norm.__module__ = "xgrad.linalg"


def matrix_norm(
    x: Any, /, *, keepdims: bool = False, ord: Any = "fro", constant: bool | None = None
) -> Tensor:
    """Matrix norm of the matrices in the last two axes, as in the array API.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, -2.0], [3.0, 4.0]])
    >>> xg.linalg.matrix_norm(a, ord=1)
    Tensor(6.)
    """
    x, _, _ = _matrix(x, "matrix_norm")
    nd = len(x.shape)
    return _composite(constant, lambda: _matrix_norm(x, ord, nd - 2, nd - 1, keepdims))


_public(matrix_norm, LINALG)
matrix_norm.__module__ = "xgrad.linalg"
