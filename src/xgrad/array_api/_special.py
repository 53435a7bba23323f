"""``xp.special``: differentiable special functions that SciPy looks up on an array-API
namespace before falling back to NumPy (``scipy.special.expit(t)`` then computes on the tensor
and keeps its graph). Each is a composition of differentiable ops, written so that no branch
of a ``where`` produces an infinity or a NaN that the chain rule would turn into a NaN
gradient (the "double where" rule: make the unused branch's input safe first)."""

from __future__ import annotations

import types
from typing import Any

from ..ops import FUNCTIONS as F
from ._common import as_tensor, named

__all__ = ["special_module"]

_TABLE: dict[str, Any] = {}


def _public(fn: Any) -> Any:
    named(fn, fn.__name__)
    fn.__module__ = "xgrad.array_api.special"
    _TABLE[fn.__name__] = fn
    return fn


@_public
def expit(x: Any, /) -> Any:
    """The logistic sigmoid ``1 / (1 + exp(-x))``, as ``exp(-log(1 + exp(-x)))``: accurate
    in both tails (``expit(-40)`` is ``4.2e-18``, not 0)."""
    x = as_tensor(x)
    return F["exp"](-F["logaddexp"](0.0, -x))


@_public
def log_expit(x: Any, /) -> Any:
    """``log(expit(x)) = -log(1 + exp(-x))``, without overflow."""
    return -F["logaddexp"](0.0, -as_tensor(x))


@_public
def logit(x: Any, /) -> Any:
    """The inverse of ``expit``: ``log(x / (1 - x))``."""
    x = as_tensor(x)
    return F["log"](x) - F["log1p"](-x)


@_public
def entr(x: Any, /) -> Any:
    """``-x log(x)`` for ``x > 0``, 0 at 0, ``-inf`` below."""
    x = as_tensor(x)
    positive = x > 0
    safe = F["where"](positive, x, 1.0)
    inner = -safe * F["log"](safe)
    return F["where"](positive, inner, F["where"](x == 0, 0.0, -float("inf")))


@_public
def xlogy(x: Any, y: Any, /) -> Any:
    """``x * log(y)``, 0 where ``x`` is 0 (whatever ``y``).

    The derivative in ``x`` is ``log(y)``, also at ``x = 0`` (as JAX); where ``x = 0`` and
    ``y <= 0`` it is 0 (the logarithm has no value there to differentiate)."""
    x, y = as_tensor(x), as_tensor(y)
    undefined = F["logical_and"](x == 0, y <= 0)
    return x * F["log"](F["where"](undefined, 1.0, y)) + 0.0  # + 0.0: SciPy's +0 at x = 0


@_public
def xlog1py(x: Any, y: Any, /) -> Any:
    """``x * log1p(y)``, 0 where ``x`` is 0 (whatever ``y``).

    The derivative in ``x`` is ``log1p(y)``, also at ``x = 0``; where ``x = 0`` and
    ``y <= -1`` it is 0."""
    x, y = as_tensor(x), as_tensor(y)
    undefined = F["logical_and"](x == 0, y <= -1)
    return x * F["log1p"](F["where"](undefined, 0.0, y)) + 0.0


@_public
def erf(x: Any, /) -> Any:
    """The error function (an op of xgrad's table: exact derivative ``2/sqrt(pi)
    exp(-x^2)``)."""
    return F["erf"](as_tensor(x))


@_public
def erfc(x: Any, /) -> Any:
    """The complementary error function ``1 - erf(x)``, accurate in the upper tail."""
    return F["erfc"](as_tensor(x))


@_public
def ndtr(x: Any, /) -> Any:
    """The standard normal distribution function ``erfc(-x / sqrt(2)) / 2``."""
    return 0.5 * F["erfc"](as_tensor(x) * -0.7071067811865476)


_SQRT_HALF = 0.7071067811865476
_LOG_SQRT_PI = 0.5723649429247001
_LOG_HALF = -0.6931471805599453


@_public
def log_ndtr(x: Any, /) -> Any:
    """``log(ndtr(x))`` without underflow: far in the lower tail (``x <= -2 sqrt(2)``) from
    Laplace's continued fraction for ``erfc`` in log form (``log_ndtr(-40)`` is ``-804.6``),
    above 0 as ``log1p(-ndtr(-x))``."""
    x = as_tensor(x)
    z = x * -_SQRT_HALF  # ndtr(x) = erfc(z) / 2
    far = z >= 2.0
    zt = F["where"](far, z, 2.0)
    frac = zt
    for k in range(50, 0, -1):
        frac = zt + (k / 2) / frac
    tail = _LOG_HALF - zt * zt - (_LOG_SQRT_PI + F["log"](frac))
    positive = x > 0
    xp_ = F["where"](positive, x, 0.0)
    upper = F["log1p"](-0.5 * F["erfc"](xp_ * _SQRT_HALF))
    xm = F["where"](F["logical_or"](far, positive), 0.0, x)
    middle = F["log"](0.5 * F["erfc"](xm * -_SQRT_HALF))
    return F["where"](far, tail, F["where"](positive, upper, middle))


def special_module() -> types.ModuleType:
    mod = types.ModuleType("xgrad.array_api.special", __doc__)
    for name, fn in _TABLE.items():
        setattr(mod, name, fn)
    return mod
