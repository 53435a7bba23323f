"""Small helpers shared by derivative rules."""

from __future__ import annotations

from typing import Any

from .. import backends as _backends
from .._nsbase import TensorNamespace

__all__ = ["masked", "max_last", "positive_part", "sum_last"]


def masked(xp: Any, cond: Any, g: Any) -> Any:
    """``g`` where ``cond`` is true and 0 elsewhere, the backend's fastest exact way.

    In tensor mode (``create_graph=True``) this is the differentiable ``where``.
    """
    if isinstance(xp, TensorNamespace):
        return xp.where(cond, g, 0.0)
    return _backends.of_namespace(xp).masked(cond, g)


def positive_part(xp: Any, x: Any) -> Any:
    """``max(x, 0)``, the backend's fastest exact way (forward passes only: raw arrays)."""
    return _backends.of_namespace(xp).positive_part(x)


def max_last(xp: Any, x: Any) -> Any:
    """``xp.max(x, axis=-1, keepdims=True)``, the backend's fastest way."""
    if isinstance(xp, TensorNamespace):
        return xp.max(x, axis=-1, keepdims=True)
    return _backends.of_namespace(xp).max_last(x)


def sum_last(xp: Any, x: Any) -> Any:
    """``xp.sum(x, axis=-1, keepdims=True)``, the backend's fastest way."""
    if isinstance(xp, TensorNamespace):
        return xp.sum(x, axis=-1, keepdims=True)
    return _backends.of_namespace(xp).sum_last(x)
