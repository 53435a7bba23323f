"""Linear-algebra ops: matmul (and ``@``)."""

from __future__ import annotations

from typing import Any

from ._core import Op, register


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
