"""Names MyGrad programs use beyond the math: NumPy's dtypes and constants (which MyGrad
re-exports), type queries, memory queries, ``copyto`` and MyGrad's global memory-guard
switches.

The dtypes are NumPy's own scalar types (``xgrad.float32 is numpy.float32``, as in MyGrad);
``astype``, ``tensor(..., dtype=...)`` and the creation functions accept them on every
backend, as the same dtype of that library (a dtype the library lacks, such as
``longdouble`` on array_api_strict, raises ``TypeError`` naming it).

This module is part of the NumPy interop layer, with ``_interop`` (the protocols): with the
backends, the only modules that name NumPy, because what they expose is NumPy's.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from . import _inplace
from . import backends as _backends
from ._creation import astensor, full_like
from ._memguard import GUARD
from ._op import OPS, apply
from ._tensor import Tensor
from .ops import FUNCTIONS

__all__ = [
    # dtypes
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool_",
    "intp",
    "uintp",
    "double",
    "single",
    "half",
    "longdouble",
    # constants
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
    "euler_gamma",
    # functions
    "result_type",
    "can_cast",
    "min_scalar_type",
    "shares_memory",
    "may_share_memory",
    "copyto",
    "turn_memory_guarding_off",
    "turn_memory_guarding_on",
    "shape",
    "isnat",
    "bincount",
]

float16 = np.float16
float32 = np.float32
float64 = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
uint16 = np.uint16
uint32 = np.uint32
uint64 = np.uint64
bool_ = np.bool_
intp = np.intp
uintp = np.uintp
double = np.double
single = np.single
half = np.half
longdouble = np.longdouble

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None
euler_gamma = 0.5772156649015329


# -- type queries ------------------------------------------------------------------------------
def result_type(*arrays_and_dtypes: Any) -> np.dtype:
    """``numpy.result_type``, with tensors standing for their data (as in MyGrad).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.result_type(xg.tensor([1, 2], dtype="int8"), 1.0)
    dtype('float64')
    >>> xg.result_type(xg.tensor([1.0], dtype=xg.float32), 1.0)
    dtype('float32')
    """
    return np.result_type(*arrays_and_dtypes)


def can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    """``numpy.can_cast``, with a tensor standing for its data (as in MyGrad).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.can_cast(xg.tensor([1.0]), xg.float32), xg.can_cast(xg.int8, xg.float32)
    (False, True)
    """
    return np.can_cast(from_, to, casting)


def min_scalar_type(a: Any) -> np.dtype:
    """``numpy.min_scalar_type``, with a tensor standing for its data (as in MyGrad).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.min_scalar_type(xg.tensor(3)), xg.min_scalar_type(xg.tensor([1.0, 2.0]))
    (dtype('uint8'), dtype('float64'))
    """
    return np.min_scalar_type(a)


# -- memory queries ----------------------------------------------------------------------------
def _same_backend(a: Any, b: Any) -> tuple[Any, Any, Any] | None:
    da = a._data if isinstance(a, Tensor) else a
    db = b._data if isinstance(b, Tensor) else b
    bk = _backends.backend_of(da)
    if bk is None or _backends.backend_of(db) is not bk:
        return None  # a list or number is copied first; two libraries keep separate memory
    return bk, da, db


def shares_memory(a: Any, b: Any, /, max_work: int | None = None) -> bool:
    """Whether two tensors or arrays share memory, exactly (``numpy.shares_memory``; on
    every backend).

    A view of a tensor (``x[1:]``, ``x.T``) shares its memory. Objects of two libraries, lists
    and numbers share none. ``max_work`` bounds NumPy's effort, as there.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.arange(6.0)
    >>> xg.shares_memory(x, x[2:]), xg.shares_memory(x[::2], x[1::2]), xg.shares_memory(x, x + 1)
    (True, False, False)
    """
    found = _same_backend(a, b)
    if found is None:
        return False
    bk, da, db = found
    return bk.memory_overlap(da, db, max_work)


def may_share_memory(a: Any, b: Any, /, max_work: int | None = None) -> bool:
    """Whether two tensors or arrays might share memory: their memory bounds overlap
    (``numpy.may_share_memory``; on every backend, through the backend's ``shares_memory``
    hook, which answers True where the library cannot tell).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.arange(6.0)
    >>> xg.may_share_memory(x[::2], x[1::2]), xg.may_share_memory(x, x + 1)
    (True, False)
    """
    found = _same_backend(a, b)
    if found is None:
        return False
    bk, da, db = found
    return bk.memory_overlap(da, db, 0 if max_work is None else max_work)


# -- copyto ----------------------------------------------------------------------------------
def _np_dtype(dtype: Any) -> np.dtype:
    """NumPy's dtype for a backend's dtype (array_api_strict's are objects of its own)."""
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])


def _check_casting(src: Any, dst_dtype: Any, casting: str) -> None:
    """Raise as ``numpy.copyto`` does when ``src`` may not be cast to ``dst_dtype`` under
    ``casting`` (NumPy decides, on empty stand-ins: no data moves)."""
    if isinstance(src, (bool, int, float)):
        probe = src  # a Python scalar is "weak": its kind counts, not a dtype
    elif hasattr(src, "dtype"):
        probe = np.empty(0, dtype=_np_dtype(src.dtype))
    else:  # a list, with the dtype NumPy would give it
        probe = np.empty(0, dtype=np.asarray(src).dtype)
    try:
        np.copyto(np.empty(0, dtype=_np_dtype(dst_dtype)), probe, casting=casting)
    except TypeError as exc:
        raise TypeError(f"copyto: {exc}") from None


def copyto(dst: Any, src: Any, casting: str = "same_kind", where: Any = True) -> None:
    """Write ``src`` (broadcast, cast under ``casting``) into ``dst`` where ``where`` is
    true, in place, as ``numpy.copyto``.

    Into a tensor this is a differentiable in-place write with xgrad's in-place semantics
    (those of ``dst[...] = value``): ``dst`` continues from a new graph node, the
    gradient reaches ``src`` for the elements written and the old value of ``dst`` for the
    others, graphs recorded before are unaffected, and views of ``dst`` see the write.
    Writing a value that needs a gradient into a constant tensor makes it non-constant. Into
    a plain array the data is copied and no graph is involved (as MyGrad does for every
    target).

    Examples
    --------
    >>> import xgrad as xg
    >>> x, s = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0, 30.0])
    >>> y = 2 * x
    >>> xg.copyto(y, s, where=[True, False, True])
    >>> y
    Tensor([10.,  4., 30.])
    >>> (y * xg.tensor([1.0, 2.0, 3.0])).sum().backward()
    >>> x.grad, s.grad
    (array([0., 4., 0.]), array([1., 0., 3.]))
    """
    if casting not in ("no", "equiv", "safe", "same_kind", "unsafe"):
        raise ValueError(
            "copyto: casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' "
            f"(got {casting!r})"
        )
    if isinstance(where, Tensor):
        where = where._data
    if not isinstance(dst, Tensor):
        _copy_into_array(dst, src, casting, where)
        return
    bk = dst._backend
    _check_casting(src._data if isinstance(src, Tensor) else src, dst.dtype, casting)
    if where is False:
        return
    value = src
    if not isinstance(value, (Tensor, bool, int, float)) and not isinstance(value, bk.array_types):
        value = bk.asarray(value, device=dst.device)  # a list, or another library's scalar
    if isinstance(value, (bool, int, float)):
        value = full_like(dst, value, constant=True)
    elif value.dtype != dst.dtype:
        value = FUNCTIONS["astype"](value, dst.dtype)
    if where is not True:
        if not isinstance(where, bk.array_types):
            where = bk.asarray(where, device=dst.device)
        value = FUNCTIONS["where"](where, value, dst)
    if not isinstance(value, Tensor):  # a plain array: a constant
        value = astensor(value, constant=True)
    if value is src or value._data is getattr(src, "_data", src):
        # a recorded copy: dst must neither share src's memory nor stand in for src's node
        value = FUNCTIONS["astype"](value, dst.dtype, copy=True)
    _inplace.check_target(dst, (value,), "copyto")
    _inplace.assign(dst, value, "copyto")


def _copy_into_array(dst: Any, src: Any, casting: str, where: Any) -> None:
    """``copyto`` into a plain array of a backend: the data only."""
    if isinstance(src, Tensor):
        src = src._data
    if isinstance(dst, np.ndarray):
        np.copyto(dst, src, casting=casting, where=where)
        return
    bk = _backends.backend_of(dst)
    if bk is None:
        raise TypeError(f"copyto: dst must be a Tensor or an array, got {type(dst).__name__}")
    _check_casting(src, dst.dtype, casting)
    if where is False:
        return
    xp = bk.xp
    if not isinstance(src, bk.array_types):
        src = bk.asarray(src, device=bk.device_of(dst))
    value = xp.broadcast_to(xp.astype(src, dst.dtype), tuple(dst.shape))
    if where is not True:
        if not isinstance(where, bk.array_types):
            where = bk.asarray(where, device=bk.device_of(dst))
        value = xp.where(where, value, dst)
    dst[...] = value


# -- MyGrad's global memory-guard switches -------------------------------------------------
def turn_memory_guarding_off() -> None:
    """Stop locking the arrays that new graphs save, globally (MyGrad's switch); blocks under
    ``with xgrad.mem_guard_on:`` still lock theirs.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.turn_memory_guarding_off()
    >>> xg.mem_guard_active()
    False
    >>> xg.turn_memory_guarding_on()
    >>> xg.mem_guard_active()
    True
    """
    GUARD.on = False


def turn_memory_guarding_on() -> None:
    """Lock the arrays that new graphs save again, globally (the default; MyGrad's switch).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.turn_memory_guarding_on()
    >>> xg.mem_guard_active()
    True
    """
    GUARD.on = True


# -- shape, isnat, bincount (MyGrad re-exports NumPy's) ----------------------------------------
def shape(a: Any) -> tuple[int, ...]:
    """The shape of a tensor, an array or nested sequences, as ``numpy.shape``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.shape(xg.tensor([[1.0, 2.0, 3.0]])), xg.shape(2.0), xg.shape([[1], [2]])
    ((1, 3), (), (2, 1))
    """
    if isinstance(a, Tensor) or _backends.backend_of(a) is not None:
        return tuple(a.shape)
    return np.shape(a)


def isnat(
    x: Any,
    /,
    out: Any = None,
    *,
    where: Any = True,
    casting: str = "same_kind",
    order: str = "K",
    dtype: Any = None,
    subok: bool = True,
    signature: Any = None,
) -> Any:
    """Where a datetime or timedelta array is NaT, as ``numpy.isnat`` (MyGrad's re-export).

    Tensors hold numbers only, so a tensor raises NumPy's ``TypeError``, as in MyGrad; NumPy
    datetime arrays give NumPy's boolean array.

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> xg.isnat(np.array(["2026-12-03", "NaT"], dtype="datetime64[D]"))
    array([False,  True])
    """
    if isinstance(x, Tensor):
        raise TypeError(
            "ufunc 'isnat' is only defined for np.datetime64 and np.timedelta64; a tensor holds "
            f"numbers (dtype {x.dtype}), never datetimes"
        )
    kwargs = {"where": where, "casting": casting, "order": order, "subok": subok}
    if dtype is not None:
        kwargs["dtype"] = dtype
    if signature is not None:
        kwargs["signature"] = signature
    return np.isnat(x, out, **kwargs)


def bincount(x: Any, /, weights: Any = None, minlength: int = 0) -> Any:
    """Count each value of the non-negative integers ``x`` (or sum ``weights`` per value), as
    ``numpy.bincount``: entry ``i`` of the result is the number (or total weight) of the
    elements equal to ``i``; its length is ``max(max(x) + 1, minlength)``.

    The counts are a plain array of ``x``'s backend (not differentiable: MyGrad's). Weights
    given as a tensor that needs a gradient give a differentiable Tensor (beyond MyGrad,
    which returns an array): the derivative of entry ``i`` in ``weights[j]`` is 1 where
    ``x[j] == i``. The length reads ``max(x)``: a device synchronisation on a GPU.

    Parameters
    ----------
    x : 1-d array, tensor or sequence of non-negative ints
    weights : array, tensor or sequence, optional
        Same shape as ``x``.
    minlength : int
        A minimum length of the result.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.bincount([0, 1, 1, 3])
    array([1, 2, 0, 1])
    >>> w = xg.tensor([0.5, 1.0, 2.0])
    >>> totals = xg.bincount([0, 2, 2], weights=w, minlength=4)
    >>> (totals * xg.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    >>> totals, w.grad
    (Tensor([0.5, 0. , 3. , 0. ]), array([  1., 100., 100.]))
    """
    bk = (
        x._backend
        if isinstance(x, Tensor)
        else _backends.backend_of(x) or _backends.backend_of(weights) or _backends.current()[0]
    )
    if isinstance(weights, Tensor):
        bk = weights._backend
    idx = x._data if isinstance(x, Tensor) else x
    if not isinstance(idx, bk.array_types):
        idx = np.asarray(idx)
        if idx.size == 0:
            idx = idx.astype(np.int64)
        idx = bk.asarray(idx, device=_device_of(weights, bk))
    xp = bk.xp
    if len(idx.shape) != 1:
        raise ValueError(f"bincount: x must be 1-dimensional, got shape {tuple(idx.shape)}")
    if not xp.isdtype(idx.dtype, "integral"):
        raise TypeError(
            f"bincount: x must hold non-negative integers, got dtype {idx.dtype}; cast it with "
            "astype(int) if its values are whole numbers"
        )
    if operator.index(minlength) < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    n = int(minlength)
    if idx.shape[0]:
        if int(xp.min(idx)) < 0:
            raise ValueError("bincount: x must have no negative elements")
        n = max(n, int(xp.max(idx)) + 1)
    if weights is None:
        ones = xp.ones(idx.shape, dtype=bk.dtype("int64"), device=bk.device_of(idx))
        return bk.scatter_add(xp.zeros((n,), dtype=ones.dtype, device=ones.device), (idx,), ones)
    w = weights
    if not isinstance(w, Tensor):
        if not isinstance(w, bk.array_types):
            w = bk.asarray(np.asarray(w, dtype=np.float64), device=bk.device_of(idx))
        w = astensor(w, constant=True)
    if tuple(w.shape) != tuple(idx.shape):
        raise ValueError(
            f"bincount: weights must have the shape of x, {tuple(idx.shape)}; got {tuple(w.shape)}"
        )
    if not xp.isdtype(w.dtype, "real floating"):
        w = w.astype(bk.dtype("float64"))
    out = apply(OPS["scatter_add"], (w,), {"key": (idx,), "shape": (n,)})
    return out if not out.constant else out._data


def _device_of(weights: Any, bk: Any) -> Any:
    if isinstance(weights, Tensor):
        return weights.device
    if weights is not None and isinstance(weights, bk.array_types):
        return bk.device_of(weights)
    return _backends.current()[1] if _backends.current()[0] is bk else None
