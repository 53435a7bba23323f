"""Linear-algebra ops.

Three tables are exported from here and merged by the package:

- ``PUBLIC``: functions exported at the top level (``xgrad.matmul``);
- ``LINALG``: the ``xgrad.linalg`` namespace (array-API ``linalg`` names plus NumPy's);
- ``NUMPY_DISPATCH``: NumPy callables, named by their path below ``numpy`` (``"linalg.inv"``),
  mapped to a function taking NumPy's signature, for ``__array_function__``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from ._core import OPS, Op, apply2, register
from ._public import run, ufunc_call

PUBLIC: dict[str, Callable[..., Any]] = {}
LINALG: dict[str, Callable[..., Any]] = {}
NUMPY_DISPATCH: dict[str, Callable[..., Any]] = {}


def _matmul_a(xp: Any, g: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:
        if a.ndim == 1:  # (k,) @ (k,) -> ()
            return g * b
        return xp.expand_dims(g, axis=-1) * b  # (..., m) -> (..., m, k)
    if a.ndim == 1:  # (k,) @ (..., k, n) -> (..., n)
        return xp.squeeze(xp.matmul(b, xp.expand_dims(g, axis=-1)), axis=-1)
    return xp.matmul(g, xp.matrix_transpose(b))


def _matmul_b(xp: Any, g: Any, a: Any, b: Any) -> Any:
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return xp.expand_dims(a, axis=-1) * xp.expand_dims(g, axis=-2)  # (..., k, n)
    if b.ndim == 1:  # (..., m, k) @ (k,) -> (..., m)
        return xp.squeeze(xp.matmul(xp.matrix_transpose(a), xp.expand_dims(g, axis=-1)), axis=-1)
    return xp.matmul(xp.matrix_transpose(a), g)


def _matmul(xp: Any, a: Any, b: Any) -> Any:
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: inputs must have at least one dimension; use * for scalars")
    return xp.matmul(a, b)


register(Op("matmul", ("a", "b"), _matmul, (_matmul_a, _matmul_b), kind="linalg", doc="a @ b"))


def matmul(x1: Any, x2: Any, out: Any = None, *, constant: bool | None = None) -> Tensor:
    """Matrix product (``@``), with NumPy's rules for 1-D operands and batch broadcasting.

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = xg.tensor([1.0, -1.0])
    >>> y = a @ b
    >>> y.backward()
    >>> y, a.grad
    (Tensor([-1., -1.]), array([[ 1., -1.],
           [ 1., -1.]]))
    """
    if out is not None:
        return ufunc_call(OPS["matmul"], (x1, x2), out, True, None, constant)
    if constant is None:
        return apply2(OPS["matmul"], x1, x2)
    return run(OPS["matmul"], (x1, x2), None, constant)


matmul.__module__ = "xgrad"
PUBLIC["matmul"] = matmul
LINALG["matmul"] = matmul
