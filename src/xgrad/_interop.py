"""The NumPy protocols: ``np.exp(tensor)`` returns a Tensor.

``__array_ufunc__`` and ``__array_function__`` look the NumPy callable up in tables derived
from the op table (a NumPy ufunc or function with the name of an xgrad function maps to it),
plus a few signature adapters where NumPy's positional order differs (``np.sum`` takes
``dtype`` third). Anything not in the tables raises ``TypeError`` naming the function.

This module and the backends are the only places that name NumPy itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import _creation
from ._interop_names import _np_dtype, copyto, may_share_memory, shares_memory
from ._tensor import Tensor
from ._ufuncs import ufunc_method
from .ops import FUNCTIONS
from .ops.linalg import NUMPY_DISPATCH
from .ops.ufunc import ufunc as _ufunc

__all__ = ["array_function", "array_ufunc"]

_NO_VALUE = getattr(np, "_NoValue", None)


def _unsupported(what: str, instead: str | None = None) -> TypeError:
    hint = (
        f"use {instead}"
        if instead
        else "apply it to tensor.data (a plain array; no gradient flows through it), or open "
        "an issue asking for it"
    )
    return TypeError(f"{what} is not supported for xgrad tensors: {hint}")


# -- ufuncs ----------------------------------------------------------------------------------------
_UFUNCS: dict[Any, Callable[..., Any]] = {}
for _name, _fn in FUNCTIONS.items():
    _uf = getattr(np, _name, None)
    if isinstance(_uf, np.ufunc):
        _UFUNCS[_uf] = _fn

_UFUNC_KWARGS = {"out", "where", "dtype"}


def _tensor_array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any):
    if method == "__call__" and not kwargs:
        fn = _UFUNCS.get(ufunc)
        if fn is not None:
            return fn(*inputs)
    return array_ufunc(ufunc, method, inputs, kwargs)


def _tensor_array_function(self: Tensor, func: Any, types: Any, args: tuple, kwargs: dict):
    return array_function(func, types, args, kwargs)


def array_ufunc(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_ufunc__``: ``np.exp(t)`` and friends."""
    name = f"numpy.{ufunc.__name__}"
    fn = _UFUNCS.get(ufunc)
    if method != "__call__":  # reduce, accumulate, outer, reduceat, at: the ufunc object's
        if isinstance(fn, _ufunc) and hasattr(fn, method):
            return ufunc_method(fn, method, inputs, kwargs)
        raise _unsupported(f"{name}.{method}")
    if fn is None:
        raise _unsupported(name)
    if getattr(fn, "_xgrad_nondiff", None) is not None:
        out = kwargs.pop("out", None)
        if out is not None and any(o is not None for o in out):
            raise TypeError(f"{name}: out= is not supported for a non-differentiable ufunc")
        _reject(kwargs, name, allowed=())
        return fn(*inputs)
    _reject(kwargs, name, allowed=_UFUNC_KWARGS)
    return fn(*inputs, **kwargs)


_NUMPY_DEFAULTS = {"casting": "same_kind", "order": "K", "subok": True, "where": True}


def _reject(kwargs: dict, name: str, allowed: Any) -> None:
    """Refuse keywords xgrad cannot honour; drop NumPy's defaults passed explicitly (some
    callers spell them out), so the xgrad function never sees them."""
    for key, value in list(kwargs.items()):
        if key in allowed:
            continue
        if (key in _NUMPY_DEFAULTS and value == _NUMPY_DEFAULTS[key]) or (
            key == "dtype" and value is None
        ):
            del kwargs[key]  # NumPy's default, passed explicitly
            continue
        raise TypeError(f"{name}: the keyword {key}={value!r} is not supported for xgrad tensors")


# -- array functions ---------------------------------------------------------------------------
def _no(name: str, **values: Any) -> None:
    """Raise if any NumPy-only argument was given a non-default value."""
    for key, value in values.items():
        if value is not None and value is not _NO_VALUE:
            raise TypeError(f"numpy.{name}: {key}= is not supported for xgrad tensors")


def _reduction(fname: str) -> Callable[..., Any]:
    def adapter(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        keepdims: Any = False,
        initial: Any = None,
        where: Any = None,
    ) -> Any:
        _no(fname, dtype=dtype, out=out, initial=initial, where=None if where is True else where)
        return FUNCTIONS[fname](a, axis, bool(keepdims) if keepdims is not _NO_VALUE else False)

    return adapter


def _stat(fname: str) -> Callable[..., Any]:
    def adapter(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        ddof: float = 0,
        keepdims: Any = False,
        *,
        where: Any = None,
        mean: Any = None,
        correction: Any = None,
    ) -> Any:
        _no(fname, dtype=dtype, out=out, where=None if where is True else where, mean=mean)
        if correction is not None and correction is not _NO_VALUE:
            ddof = correction
        keep = bool(keepdims) if keepdims is not _NO_VALUE else False
        return FUNCTIONS[fname](a, axis, ddof, keep)

    return adapter


def _minmax(fname: str) -> Callable[..., Any]:
    def adapter(
        a: Any,
        axis: Any = None,
        out: Any = None,
        keepdims: Any = False,
        initial: Any = None,
        where: Any = None,
    ) -> Any:
        _no(fname, out=out, initial=initial, where=None if where is True else where)
        return FUNCTIONS[fname](a, axis, bool(keepdims) if keepdims is not _NO_VALUE else False)

    return adapter


def _cumulative(fname: str) -> Callable[..., Any]:
    def adapter(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
        _no(fname, dtype=dtype, out=out)
        return FUNCTIONS[fname](a, axis)

    return adapter


def _reshape(
    a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: Any = None
) -> Any:
    if order != "C":
        raise TypeError("numpy.reshape: only order='C' is supported for xgrad tensors")
    return FUNCTIONS["reshape"](a, shape if shape is not None else newshape)


def _clip(
    a: Any,
    a_min: Any = _NO_VALUE,
    a_max: Any = _NO_VALUE,
    out: Any = None,
    *,
    min: Any = _NO_VALUE,
    max: Any = _NO_VALUE,
    **kwargs: Any,
) -> Any:
    if a_min is _NO_VALUE and a_max is _NO_VALUE:  # NumPy's own argument checks
        a_min = None if min is _NO_VALUE else min
        a_max = None if max is _NO_VALUE else max
    elif a_min is _NO_VALUE or a_max is _NO_VALUE:
        missing = "a_min" if a_min is _NO_VALUE else "a_max"
        raise TypeError(f"clip() missing 1 required positional argument: {missing!r}")
    elif min is not _NO_VALUE or max is not _NO_VALUE:
        raise ValueError(
            "numpy.clip: passing the min= or max= keyword argument when a_min and a_max are "
            "given is forbidden"
        )
    _reject(kwargs, "numpy.clip", allowed=())
    return FUNCTIONS["clip"](a, a_min, a_max, out=out)


def _concatenate(
    arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: Any = "same_kind"
) -> Any:
    _no("concatenate", out=out, dtype=dtype)
    return FUNCTIONS["concatenate"](arrays, axis)


def _stack(
    arrays: Any, axis: int = 0, out: Any = None, *, dtype: Any = None, casting: Any = "same_kind"
) -> Any:
    _no("stack", out=out, dtype=dtype)
    return FUNCTIONS["stack"](arrays, axis)


def _round(a: Any, decimals: int = 0, out: Any = None) -> Any:
    _no("round", out=out)
    return FUNCTIONS["round"](a, decimals)


def _nondiff_axis(fname: str) -> Callable[..., Any]:
    def adapter(
        a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = False, where: Any = None
    ) -> Any:
        _no(fname, out=out, where=None if where is True else where)
        return FUNCTIONS[fname](a, axis, bool(keepdims) if keepdims is not _NO_VALUE else False)

    return adapter


def _argsort(
    a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None
) -> Any:
    _no("argsort", order=order)
    return FUNCTIONS["argsort"](a, axis)


def _take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    _no("take", out=out, mode=None if mode == "raise" else mode)
    return FUNCTIONS["take"](a, indices, axis)


def _sort(
    a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None
) -> Any:
    _no("sort", order=order)
    return FUNCTIONS["sort"](a, axis)


def _shape(a: Any) -> tuple:
    return tuple(a.shape)


def _ndim(a: Any) -> int:
    return len(a.shape)


def _size(a: Any, axis: Any = None) -> int:
    return a.size if axis is None else a.shape[axis]


# -- creation and type queries -----------------------------------------------------------------
def _like_options(fname: str, order: Any, subok: Any) -> None:
    if order not in ("K", "A", "C"):
        raise TypeError(
            f"numpy.{fname}: order={order!r} is not supported for xgrad tensors (their data "
            "is always C-contiguous); leave order at its default"
        )
    if subok is not True:
        raise TypeError(
            f"numpy.{fname}: subok={subok!r} is not supported for xgrad tensors (the result is "
            f"a Tensor); call numpy.{fname}(tensor.data) for a plain array"
        )


def _like(fname: str) -> Callable[..., Any]:
    maker = getattr(_creation, fname)

    def adapter(
        prototype: Any,
        dtype: Any = None,
        order: Any = "K",
        subok: Any = True,
        shape: Any = None,
        *,
        device: Any = None,
    ) -> Any:
        _like_options(fname, order, subok)
        return maker(prototype, dtype, shape, device=device)

    return adapter


def _full_like(
    a: Any,
    fill_value: Any,
    dtype: Any = None,
    order: Any = "K",
    subok: Any = True,
    shape: Any = None,
    *,
    device: Any = None,
) -> Any:
    _like_options("full_like", order, subok)
    return _creation.full_like(a, fill_value, dtype, shape, device=device)


def _as_numpy_operand(x: Any) -> Any:
    """A tensor as NumPy's type queries see it: its array on the numpy backend (exactly what
    MyGrad passes), elsewhere its dtype (the answer never depends on the values there)."""
    if isinstance(x, Tensor):
        return x._data if isinstance(x._data, np.ndarray) else _np_dtype(x.dtype)
    return x


def _result_type(*arrays_and_dtypes: Any) -> np.dtype:
    return np.result_type(*(_as_numpy_operand(a) for a in arrays_and_dtypes))


def _can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    return np.can_cast(_as_numpy_operand(from_), _np_dtype(to), casting)


def _min_scalar_type(a: Any) -> np.dtype:
    if isinstance(a, Tensor) and not isinstance(a._data, np.ndarray):
        if a.ndim:
            return _np_dtype(a.dtype)  # NumPy returns an array's own dtype
        raise TypeError(
            "numpy.min_scalar_type of a 0-d tensor on another backend than numpy needs its "
            "value on the host: call numpy.min_scalar_type(tensor.item())"
        )
    return np.min_scalar_type(_as_numpy_operand(a))


def _shares_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    return shares_memory(a, b, max_work=max_work)


def _may_share_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    return may_share_memory(a, b, max_work=max_work)


def _copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    copyto(dst, src, casting=casting, where=where)


_FUNCTIONS: dict[Any, Callable[..., Any]] = {
    np.zeros_like: _like("zeros_like"),
    np.ones_like: _like("ones_like"),
    np.empty_like: _like("empty_like"),
    np.full_like: _full_like,
    np.result_type: _result_type,
    np.can_cast: _can_cast,
    np.min_scalar_type: _min_scalar_type,
    np.shares_memory: _shares_memory,
    np.may_share_memory: _may_share_memory,
    np.copyto: _copyto,
    np.sum: _reduction("sum"),
    np.mean: _reduction("mean"),
    np.prod: _reduction("prod"),
    np.var: _stat("var"),
    np.std: _stat("std"),
    np.max: _minmax("max"),
    np.min: _minmax("min"),
    np.amax: _minmax("max"),
    np.amin: _minmax("min"),
    np.cumsum: _cumulative("cumsum"),
    np.cumprod: _cumulative("cumprod"),
    np.reshape: _reshape,
    np.clip: _clip,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.round: _round,
    np.around: _round,
    np.argmax: _nondiff_axis("argmax"),
    np.argmin: _nondiff_axis("argmin"),
    np.any: _nondiff_axis("any"),
    np.all: _nondiff_axis("all"),
    np.argsort: _argsort,
    np.take: _take,
    np.sort: _sort,
    np.shape: _shape,
    np.ndim: _ndim,
    np.size: _size,
}
# NumPy functions whose signature matches the xgrad function of the same name
for _name in (
    "sinc",
    "transpose",
    "squeeze",
    "expand_dims",
    "broadcast_to",
    "moveaxis",
    "swapaxes",
    "flip",
    "roll",
    "where",
    "ravel",
    "fix",
    "isclose",
    "allclose",
    "array_equal",
    "nonzero",
    "count_nonzero",
    "permute_dims",
    "matrix_transpose",
    "concat",
    "cumulative_sum",
    "cumulative_prod",
    "astype",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "hstack",
    "vstack",
    "split",
    "repeat",
    "tile",
    "pad",
    "tril",
    "triu",
    "take_along_axis",
    "diff",
):
    _np = getattr(np, _name, None)
    if _np is not None and _name in FUNCTIONS and _np not in _FUNCTIONS:
        _FUNCTIONS[_np] = FUNCTIONS[_name]


def _numpy_attr(path: str) -> Any:
    obj: Any = np
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _register_dispatch() -> None:
    """NumPy functions that op modules declared by name (they may not import NumPy)."""
    for path, adapter in NUMPY_DISPATCH.items():
        func = _numpy_attr(path)
        if func is not None:
            _FUNCTIONS[func] = adapter


_register_dispatch()

_SUGGEST = {
    "dot": "xgrad.matmul or the @ operator",
    "copy": "tensor.copy() (a disconnected copy) or xgrad.positive (a graph node)",
    "asarray": "tensor.data (on the numpy backend) or tensor.numpy()",
}


def array_function(func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_function__``: ``np.sum(t)`` and friends."""
    adapter = _FUNCTIONS.get(func)
    if adapter is None:
        name = getattr(func, "__name__", repr(func))
        module = getattr(func, "__module__", "numpy") or "numpy"
        raise _unsupported(f"{module}.{name}", _SUGGEST.get(name))
    return adapter(*args, **kwargs)


def register_function(numpy_func: Any, adapter: Callable[..., Any]) -> None:
    """Add a NumPy function to the dispatch table (used by later op modules)."""
    _FUNCTIONS[numpy_func] = adapter


Tensor.__array_ufunc__ = _tensor_array_ufunc
Tensor.__array_function__ = _tensor_array_function
