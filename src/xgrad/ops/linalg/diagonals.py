"""Diagonals and traces (the public functions over the private ``diagonal`` op), and the
array API's ``linalg.diagonal``, ``linalg.trace`` and ``linalg.matrix_transpose``.
"""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .._public import as_tensor_input, norm_axis, run
from ._helpers import _DIAGONAL, _composite, _fn, _index, _public
from ._tables import LINALG, PUBLIC


# =============================================================================================
# public functions: diagonals and traces
# =============================================================================================
def diagonal(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, *, constant: bool | None = None
) -> Tensor:
    """The diagonal over ``axis1`` and ``axis2``, as :func:`numpy.diagonal`: those axes are
    removed and the diagonal becomes the last axis; ``offset`` > 0 is above the main one.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> d = xg.diagonal(a, offset=1)
    >>> d.backward()
    >>> d, a.grad
    (Tensor([2.]), array([[0., 1.],
           [0., 0.]]))
    """
    a = as_tensor_input(a)
    nd = len(a.shape)
    if nd < 2:
        raise ValueError("diagonal requires an array of at least two dimensions")
    ax1, ax2 = norm_axis(axis1, nd, "axis1"), norm_axis(axis2, nd, "axis2")
    if ax1 == ax2:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    params = {"offset": _index(offset, "diagonal: offset"), "axis1": ax1, "axis2": ax2}
    return run(_DIAGONAL, (a,), params, constant)


_public(diagonal, PUBLIC)


def _linalg_diagonal(x: Any, /, *, offset: int = 0, constant: bool | None = None) -> Tensor:
    """The diagonals of the matrices in the last two axes (array API ``linalg.diagonal``).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.diagonal(xg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([1., 4.])
    """
    return diagonal(x, offset, -2, -1, constant=constant)


def trace(
    a: Any,
    offset: int = 0,
    axis1: int = 0,
    axis2: int = 1,
    dtype: Any = None,
    out: Any = None,
    *,
    constant: bool | None = None,
) -> Tensor:
    """Sum along a diagonal, as :func:`numpy.trace`.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> t = xg.trace(a)
    >>> t.backward()
    >>> t, a.grad
    (Tensor(5.), array([[1., 0.],
           [0., 1.]]))
    """
    if out is not None:
        raise TypeError("trace: out= is not supported for xgrad tensors; use the returned tensor")
    a = as_tensor_input(a)

    def build() -> Tensor:
        x = a if dtype is None else _fn("astype")(a, dtype)
        return _fn("sum")(diagonal(x, offset, axis1, axis2), -1)

    return _composite(constant, build)


_public(trace, PUBLIC)


def _linalg_trace(
    x: Any, /, *, offset: int = 0, dtype: Any = None, constant: bool | None = None
) -> Tensor:
    """Traces of the matrices in the last two axes (array API ``linalg.trace``).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.trace(xg.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
    Tensor([5.])
    """
    return trace(x, offset, -2, -1, dtype, constant=constant)


def _matrix_transpose(x: Any, /, *, constant: bool | None = None) -> Tensor:
    """Swap the last two axes (array API ``linalg.matrix_transpose``).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linalg.matrix_transpose(xg.tensor([[1.0, 2.0]]))
    Tensor([[1.],
            [2.]])
    """
    return _fn("matrix_transpose")(x, constant=constant)


for _name, _f in (
    ("diagonal", _linalg_diagonal),
    ("trace", _linalg_trace),
    ("matrix_transpose", _matrix_transpose),
):
    _f.__name__ = _f.__qualname__ = _name
    _f.__module__ = "xgrad.linalg"
    LINALG[_name] = _f
