"""Small helpers shared by derivative rules."""

from __future__ import annotations

from typing import Any

from .. import backends as _backends
from .._nsbase import TensorNamespace

__all__ = ["masked"]


def masked(xp: Any, cond: Any, g: Any) -> Any:
    """``g`` where ``cond`` is true and 0 elsewhere, the backend's fastest exact way.

    In tensor mode (``create_graph=True``) this is the differentiable ``where``.
    """
    if isinstance(xp, TensorNamespace):
        return xp.where(cond, g, 0.0)
    return _backends.of_namespace(xp).masked(cond, g)
