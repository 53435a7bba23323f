"""Small helpers shared by derivative rules."""

from __future__ import annotations

from typing import Any

from .. import backends as _backends
from .._nsbase import TensorNamespace
from .._op import OPS, apply
from ..backends._base import sliding_windows as _plain_windows
from ..backends._dtypes import dtype_is

__all__ = [
    "masked",
    "max_keepdims",
    "positive_part",
    "sliding_windows",
    "sum_keepdims",
    "tie_split",
    "truth",
]


def masked(xp: Any, cond: Any, g: Any) -> Any:
    """``g`` where ``cond`` is true and 0 elsewhere, the backend's fastest exact way.

    In tensor mode (``create_graph=True``, and while :func:`xgrad.compile` traces) this is
    the recorded op ``masked`` (registered in :mod:`.elementwise`), which runs the same
    backend function and is differentiable in ``g``.
    """
    if isinstance(xp, TensorNamespace):
        return apply(OPS["masked"], (cond, g))
    return _backends.of_namespace(xp).masked(cond, g)


def tie_split(xp: Any, wins: Any, tie: Any, g: Any) -> Any:
    """``g`` where ``wins``, ``g / 2`` where ``tie``, 0 elsewhere, the backend's fastest exact
    way (a tie of ``maximum``/``minimum`` split evenly, as PyTorch and JAX)."""
    if isinstance(xp, TensorNamespace):
        return xp.where(wins, g, xp.where(tie, g * 0.5, 0.0))
    return _backends.of_namespace(xp).tie_split(wins, tie, g)


def sliding_windows(xp: Any, x: Any, window: tuple, stride: tuple, dilation: tuple) -> Any:
    """The windows of ``x`` over its trailing axes, shape ``(*lead, *window, *grid)``, the
    backend's fastest way (a strided view on NumPy; stacked slices on tensors)."""
    if isinstance(xp, TensorNamespace):
        return _plain_windows(xp, x, window, stride, dilation)
    return _backends.of_namespace(xp).sliding_windows(x, window, stride, dilation)


def positive_part(xp: Any, x: Any) -> Any:
    """``max(x, 0)``, the backend's fastest exact way (forward passes only: raw arrays)."""
    return _backends.of_namespace(xp).positive_part(x)


def max_keepdims(xp: Any, x: Any, axis: int = -1) -> Any:
    """``xp.max(x, axis=axis, keepdims=True)``, the backend's fastest way for the last axis."""
    if axis in (-1, x.ndim - 1) and not isinstance(xp, TensorNamespace):
        return _backends.of_namespace(xp).max_last(x)
    return xp.max(x, axis=axis, keepdims=True)


def sum_keepdims(xp: Any, x: Any, axis: int = -1) -> Any:
    """``xp.sum(x, axis=axis, keepdims=True)``, the backend's fastest way for the last axis."""
    if axis in (-1, x.ndim - 1) and not isinstance(xp, TensorNamespace):
        return _backends.of_namespace(xp).sum_last(x)
    return xp.sum(x, axis=axis, keepdims=True)


def truth(xp: Any, a: Any) -> Any:
    """NumPy's truth value of numbers (nonzero is true) as booleans, which is all the array
    API takes for conditions and logical functions."""
    if isinstance(a, (bool, int, float)):
        return bool(a)
    return a if dtype_is(xp, a.dtype, "bool") else a != 0
