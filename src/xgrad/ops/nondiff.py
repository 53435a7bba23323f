"""Functions with no useful derivative. They return plain arrays of the inputs' backend.

Two families, as MyGrad and SEMANTICS.md define them:

- *predicates and index results* (comparisons, logical ops, ``isnan``, ``argmax``, ...)
  accept any tensor and return a boolean or integer array;
- the *rounding family* (``floor``, ``sign``, ``round``, ``floor_divide``, ...)
  returns an array for constant tensors and raises
  :class:`~xgrad.errors.NonDifferentiableError` for tensors that need a gradient: its
  derivative is zero almost everywhere, so silently returning it would hide a bug.

Inside derivative rules run on tensors (``backward(create_graph=True)``) both families return
arrays without raising: there the zero derivative is exactly what is wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import backends as _backends
from .._tensor import Tensor
from ..errors import NonDifferentiableError
from ._core import coerce
from ._util import truth

__all__ = ["NONDIFF", "NonDiff", "call_nondiff"]


class NonDiff:
    """A non-differentiable function: ``impl(xp, *arrays, **kwargs) -> array``."""

    __slots__ = ("doc", "impl", "name", "nin", "rounding")

    def __init__(self, name: str, impl: Any, nin: int, rounding: bool, doc: str = "") -> None:
        self.name = name
        self.impl = impl
        self.nin = nin
        self.rounding = rounding
        self.doc = doc

    def __repr__(self) -> str:
        return f"<xgrad non-differentiable {self.name}>"


NONDIFF: dict[str, NonDiff] = {}


def _reg(
    name: str, impl: Any = None, nin: int = 1, rounding: bool = False, *aliases: str, doc: str = ""
) -> NonDiff:
    nd = NonDiff(name, impl or name, nin, rounding, doc)
    NONDIFF[name] = nd
    for a in aliases:
        NONDIFF[a] = nd
    return nd


def call_nondiff(nd: NonDiff, args: tuple, kwargs: dict, *, check: bool = True) -> Any:
    """Run ``nd`` on tensors/arrays/scalars and return a backend array."""
    bk = None
    ref = None
    for a in args:
        if isinstance(a, Tensor):
            if check and nd.rounding and not a._constant:
                raise NonDifferentiableError(
                    f"{nd.name} has no useful derivative (it is zero almost everywhere), and "
                    "it was given a tensor that needs a gradient. Apply it to the data "
                    f"(xgrad.{nd.name}(t.data)) or to a constant tensor "
                    "(xgrad.tensor(t, constant=True)) to get an array."
                )
            if bk is None:
                bk, ref = a._backend, a._data
            elif a._backend is not bk:
                devs = (bk.device_of(ref), a.device)
                raise _backends.mismatch_error(bk, a._backend, nd.name, devices=devs)
    if bk is None:
        for a in args:
            bk = _backends.backend_of(a)
            if bk is not None:
                ref = a
                break
        else:
            bk, dev = _backends.current()
            args = tuple(
                bk.asarray(a, device=dev) if not isinstance(a, (int, float)) or i == 0 else a
                for i, a in enumerate(args)
            )
            ref = args[0]
    datas = []
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            if bk.multi_device and bk.device_of(d) != bk.device_of(ref):
                raise _backends.device_mismatch_error(
                    bk, bk.device_of(ref), bk.device_of(d), nd.name
                )
            datas.append(d)
        else:
            datas.append(a if a is ref else coerce(bk, a, ref, nd.name))
    impl = nd.impl
    xp = bk.xp
    out = (
        getattr(xp, impl)(*datas, **kwargs) if isinstance(impl, str) else impl(xp, *datas, **kwargs)
    )
    if isinstance(out, tuple):
        return tuple(o if o.__class__ is bk.array_type else bk.fix_result(o) for o in out)
    if isinstance(out, (bool, int, float)):
        return out
    return out if out.__class__ is bk.array_type else bk.fix_result(out)


def _round(xp: Any, x: Any, decimals: int = 0) -> Any:
    if decimals == 0:
        return xp.round(x)
    scale = 10.0**decimals  # NumPy's own method for decimals != 0
    return xp.round(x * scale) / scale


def _isclose(
    xp: Any, a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> Any:
    close = xp.abs(a - b) <= atol + rtol * xp.abs(b)
    close = xp.logical_or(close, a == b)  # infinities of the same sign
    if equal_nan:
        close = xp.logical_or(close, xp.logical_and(xp.isnan(a), xp.isnan(b)))
    return close


def _allclose(
    xp: Any, a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> bool:
    return bool(xp.all(_isclose(xp, a, b, rtol, atol, equal_nan)))


def _array_equal(xp: Any, a: Any, b: Any) -> bool:
    if tuple(a.shape) != tuple(b.shape):
        return False
    return bool(xp.all(a == b))


def _argfn(name: str) -> Callable[..., Any]:
    def impl(xp: Any, x: Any, axis: int | None = None, keepdims: bool = False) -> Any:
        return getattr(xp, name)(x, axis=axis, keepdims=keepdims)

    return impl


def _argsort(xp: Any, x: Any, axis: int = -1, kind: Any = None, stable: bool = True) -> Any:
    if axis is None:
        x, axis = xp.reshape(x, (-1,)), 0
    return xp.argsort(x, axis=axis, stable=stable)


def _nonzero(xp: Any, x: Any) -> tuple:
    return tuple(xp.nonzero(x))


def _count_nonzero(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.count_nonzero(x, axis=axis, keepdims=keepdims)


def _any(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.any(x, axis=axis, keepdims=keepdims)


def _all(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.all(x, axis=axis, keepdims=keepdims)


def _logical(name: str) -> Callable[..., Any]:
    def impl(xp: Any, *args: Any) -> Any:
        return getattr(xp, name)(*(truth(xp, a) for a in args))

    return impl


# comparisons and logic: arrays for any input
for _name in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
    _reg(_name, nin=2, doc="elementwise comparison, a boolean array")
for _name in ("logical_and", "logical_or", "logical_xor"):
    _reg(_name, _logical(_name), 2, doc="elementwise logic on truth values, a boolean array")
_reg("logical_not", _logical("logical_not"), doc="elementwise logical not, a boolean array")
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    _reg(_name, nin=2, doc="elementwise bitwise operation on integers or booleans")
_reg("bitwise_invert", None, 1, False, "invert", "bitwise_not", doc="~x for integers or booleans")
for _name in ("isnan", "isinf", "isfinite", "signbit"):
    _reg(_name, doc="elementwise predicate, a boolean array")
_reg("isclose", _isclose, 2, doc="elementwise |a - b| <= atol + rtol |b|, a boolean array")
_reg("allclose", _allclose, 2, doc="whether every element is close (a Python bool)")
_reg("array_equal", _array_equal, 2, doc="same shape and elements (a Python bool)")
_reg("argmax", _argfn("argmax"), doc="index of the first maximum")
_reg("argmin", _argfn("argmin"), doc="index of the first minimum")
_reg("argsort", _argsort, doc="indices that sort the array (stable)")
_reg("nonzero", _nonzero, doc="indices of the non-zero elements, one array per axis")
_reg("count_nonzero", _count_nonzero, doc="number of non-zero elements")
_reg("any", _any, doc="whether any element is true")
_reg("all", _all, doc="whether every element is true")

# the rounding family: arrays for constants, an error for tensors needing a gradient
for _name in ("floor", "ceil", "trunc", "sign"):
    _reg(_name, rounding=True, doc="rounding: derivative zero almost everywhere")
_reg("rint", lambda xp, x: xp.round(x), 1, True, doc="round half to even")
_reg("round", _round, 1, True, "around", doc="round to the given number of decimals")
_reg("fix", lambda xp, x: xp.trunc(x), 1, True, doc="round towards zero")
_reg("floor_divide", nin=2, rounding=True, doc="a // b")
