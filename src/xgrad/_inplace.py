"""In-place operations with MyGrad's semantics.

``x *= y``, ``x[i] = v`` and ``out=`` are graph nodes: the new value is computed as an
ordinary op on the old one, then the tensor object ``x`` is pointed at the new value and its
node. Graphs recorded earlier keep the node (and the array) of the old value, so they are
unaffected, and ``x`` continues from there.

Everything that can go wrong (shape, dtype cast) is checked before anything changes, so a
failed in-place operation leaves the tensor and its graph as they were. Writing a value that
needs a gradient into a constant tensor makes the tensor non-constant: its new value depends
on that value, which gets its gradient (``xp.zeros(...)`` filled with ``a[i] = t``, as
array-API code builds results).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _views
from ._registry import FUNCTIONS
from ._tensor import Tensor, _broadcast_shape, make_tensor

__all__ = ["assign", "check_target", "live"]

_KIND = {"bool": 0, "integral": 1, "real floating": 2}
_FLOAT32 = "float32"
_FLOAT64 = "float64"


def _kind(xp: Any, dtype: Any) -> int:
    for name, k in _KIND.items():
        if xp.isdtype(dtype, name):
            return k
    return 3


def check_target(target: Tensor, args: Sequence[Any], opname: str) -> None:
    """Raise unless ``opname(*args)`` can be written into ``target`` (shape and dtype
    first: they are what a NumPy user expects to hear about)."""
    if not _trivial(target._data, args):
        _check_shape_and_cast(target, args, opname)


def _check_shape_and_cast(target: Tensor, args: Sequence[Any], opname: str) -> None:
    shape = tuple(target.shape)
    bshape: tuple | None = shape
    for a in args:
        s = getattr(a, "shape", None)
        if s is not None and bshape is not None:
            bshape = _broadcast_shape(bshape, tuple(s))
    if bshape != shape:
        raise ValueError(
            f"{opname}: the result cannot be written into a tensor of shape {shape}: the "
            "operands do not broadcast to that shape"
        )
    bk = target._backend
    xp = bk.xp
    datas = [a._data if isinstance(a, Tensor) else a for a in args]
    datas = [d for d in datas if hasattr(d, "dtype") or isinstance(d, (int, float, bool))]
    try:
        res = xp.result_type(*datas) if datas else target.dtype
    except TypeError as exc:
        raise TypeError(f"{opname}: {exc}") from None
    _check_cast(xp, res, target.dtype, opname)


def _check_cast(xp: Any, res: Any, dtype: Any, opname: str) -> None:
    if res == dtype:  # the common case, and a cheap test
        return
    if _kind(xp, res) > _kind(xp, dtype):
        raise TypeError(
            f"{opname}: cannot cast the result (dtype {res}) into a tensor of dtype "
            f"{dtype} in place (NumPy's 'same_kind' rule); use an out-of-place "
            "operation, or convert the tensor with astype first"
        )


def _trivial(tdata: Any, args: Sequence[Any]) -> bool:
    """The common case: every operand is the target's shape and dtype, or a Python number
    with a floating-point target."""
    shape, dtype = tdata.shape, tdata.dtype
    for a in args:
        if isinstance(a, Tensor):
            a = a._data
        if a.__class__ in (float, int):
            if a.__class__ is int or (dtype != _FLOAT32 and dtype != _FLOAT64):
                return False
            continue
        if getattr(a, "shape", None) != shape or getattr(a, "dtype", None) != dtype:
            return False
    return True


def live(t: Tensor) -> Tensor:
    """``t`` as the input of an in-place operation on it. A ``constant=True`` view of a
    non-constant tensor passes no gradient to its base when used, but a write through it must
    keep the base's history for the elements it does not change: the operation then reads the
    same view recorded from the base."""
    base = t._base
    if base is None or not t._constant or base._constant:
        return t
    value = base
    for link in t._vchain:
        value = link.apply(value)
    return value


def assign(target: Tensor, result: Any, opname: str = "in-place operation") -> Tensor:
    """Point ``target`` at ``result``'s value and graph node; return ``target``.

    The operands' dtypes were checked before the op ran; the result's is checked here too,
    since some ops make floats of integers (``x /= 2``, ``np.sqrt(x, out=x)``)."""
    _check_cast(target._backend.xp, result.dtype, target.dtype, opname)
    if isinstance(result, Tensor):
        if result.dtype != target.dtype:
            result = result.astype(target.dtype)
        if tuple(result.shape) != tuple(target.shape):
            result = FUNCTIONS["broadcast_to"](result, target.shape)
            result._data = target._backend.xp.asarray(result._data, copy=True)
    else:  # a plain array (constant targets and non-differentiable ops)
        xp = target._backend.xp
        if result.dtype != target.dtype:
            result = xp.astype(result, target.dtype)
        result = make_tensor(result, target._backend, None, True)
    _views.write(target, result)
    return target
