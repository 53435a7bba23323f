"""Shared pieces of the array-API front door: turning inputs into tensors and results into
tensors, and making functions with the standard's exact signatures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import backends as _backends
from .._tensor import Tensor, make_tensor

__all__ = ["as_tensor", "backend_of", "data", "named", "out"]


def backend_of(*xs: Any) -> Any:
    """The backend of the first tensor or backend array among ``xs`` (``None``: none is)."""
    for x in xs:
        if isinstance(x, Tensor):
            return x._backend
        bk = _backends.backend_of(x)
        if bk is not None:
            return bk
    return None


def as_tensor(x: Any, like: Any = None) -> Any:
    """A tensor for ``x``: tensors as they are, backend arrays as constant tensors around the
    same memory, Python numbers left as they are (the standard's scalar operands)."""
    if isinstance(x, Tensor) or x.__class__ in (int, float, bool):
        return x
    bk = _backends.backend_of(x)
    if bk is not None:
        return make_tensor(x, bk, None, True)
    if isinstance(x, complex):
        raise TypeError("xgrad.array_api: complex numbers are not supported yet")
    if like is not None:
        return make_tensor(like.asarray(x), like, None, True)
    raise TypeError(
        f"xgrad.array_api: expected a Tensor, an array or a Python number, got {type(x).__name__}"
    )


def out(value: Any) -> Any:
    """A result as the namespace gives it: plain backend arrays (the non-differentiable
    functions' results) become constant tensors; tuples and lists element by element."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (tuple, list)):
        made = [out(v) for v in value]
        return type(value)(made) if type(value) in (tuple, list) else type(value)(*made)
    bk = _backends.backend_of(value)
    if bk is not None:
        return make_tensor(value, bk, None, True)
    return value


def data(x: Any) -> Any:
    """The backend array of a tensor (other values as they are): for functions whose result
    does not depend on ``x`` differentiably (dtype queries, indices)."""
    return x._data if isinstance(x, Tensor) else x


def named(fn: Callable[..., Any], name: str, doc: str = "") -> Callable[..., Any]:
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "xgrad.array_api"
    if doc:
        fn.__doc__ = doc
    return fn
