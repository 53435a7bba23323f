"""The standard's element-wise functions, over the op table.

Differentiable ones are the op-table rows themselves. The rounding functions (``floor``,
``round``, ``sign``, ``floor_divide``, ...) have derivative 0 almost everywhere, so here they
give constant tensors whatever their input (the MyGrad front door raises for tensors that
need a gradient instead, to catch a bug there); predicates, comparisons and bitwise functions
give constant boolean or integer tensors.
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..ops import FUNCTIONS, NONDIFF
from ..ops.nondiff import call_nondiff
from ._common import as_tensor, named, out

__all__ = ["FUNCTIONS_ELEMENTWISE"]

UNARY = (
    "abs acos acosh asin asinh atan atanh bitwise_invert ceil conj cos cosh exp expm1 floor "
    "imag isfinite isinf isnan log log1p log2 log10 logical_not negative positive real "
    "reciprocal round sign signbit sin sinh square sqrt tan tanh trunc"
).split()
BINARY = (
    "add atan2 bitwise_and bitwise_left_shift bitwise_or bitwise_right_shift bitwise_xor "
    "copysign divide equal floor_divide greater greater_equal hypot less less_equal logaddexp "
    "logical_and logical_or logical_xor maximum minimum multiply nextafter not_equal pow "
    "remainder subtract"
).split()
#: zero derivative almost everywhere: constant results here, whatever the input
ROUNDING = {"ceil", "floor", "round", "sign", "trunc", "floor_divide"}


def _impl(name: str) -> Any:
    if name in ROUNDING:
        nd = NONDIFF[name]
        return lambda *args: call_nondiff(nd, args, {}, check=False)
    return FUNCTIONS[name]


def _unary(name: str) -> Any:
    impl = _impl(name)

    def fn(x: Tensor, /) -> Tensor:
        return out(impl(as_tensor(x)))

    return named(fn, name, f"``{name}`` of each element (the array API standard's).")


def _binary(name: str) -> Any:
    impl = _impl(name)

    def fn(x1: Any, x2: Any, /) -> Tensor:
        return out(impl(as_tensor(x1), as_tensor(x2)))

    return named(fn, name, f"``{name}`` of each pair of elements (the array API standard's).")


def clip(x: Tensor, /, min: Any = None, max: Any = None) -> Tensor:
    """``x`` limited to ``[min, max]`` (either may be ``None``); a tensor bound gets the
    gradient of the elements clipped to it."""
    return out(FUNCTIONS["clip"](as_tensor(x), min=min, max=max))


named(clip, "clip", clip.__doc__ or "")


def _build() -> dict[str, Any]:
    table: dict[str, Any] = {}
    for name in UNARY:
        if name in FUNCTIONS or name in ROUNDING:
            table[name] = _unary(name)
    for name in BINARY:
        if name in FUNCTIONS or name in ROUNDING:
            table[name] = _binary(name)
    table["clip"] = clip
    return table


FUNCTIONS_ELEMENTWISE = _build()
