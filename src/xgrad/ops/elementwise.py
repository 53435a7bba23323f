"""Elementwise ops: one row each, forward with ``xp`` and one derivative rule per input.

Rules follow IEEE arithmetic: the derivative of ``sqrt`` at 0 is ``inf``, of ``log`` at 0 is
``-inf``, with NumPy's warnings and never an exception. At kinks the rule picks the 0
subgradient (``abs`` and ``relu`` at 0, ``clip`` at a bound); ``maximum``/``minimum`` split a tie
evenly between the two sides, as PyTorch and JAX do.
"""

from __future__ import annotations

import math
from typing import Any

from .. import backends as _backends
from .._op import Op, register
from ..backends._dtypes import dtype_is
from ._util import masked, tie_split

LN2 = math.log(2.0)
LN10 = math.log(10.0)
PI = math.pi
_PY_NUMBER = (int, float)


def unary(name: str, vjp: Any, impl: Any = None, *aliases: str, doc: str = "") -> Op:
    """Register a one-input elementwise op; ``impl`` defaults to ``xp.<name>``."""
    return register(Op(name, ("x",), impl or name, (vjp,), doc=doc), *aliases)


def binary(name: str, vjp_a: Any, vjp_b: Any, impl: Any = None, *aliases: str, doc: str = ""):
    """Register a two-input elementwise op (broadcasting; the engine un-broadcasts)."""
    return register(Op(name, ("a", "b"), impl or name, (vjp_a, vjp_b), doc=doc), *aliases)


# -- forward helpers for functions the array API standard does not have ------------------------
def _fallback(name: str, generic: Any) -> Any:
    """Use ``xp.<name>`` where the backend has it (NumPy, CuPy), else the generic formula."""

    def impl(xp: Any, x: Any) -> Any:
        fn = getattr(xp, name, None)
        return fn(x) if fn is not None else generic(xp, x)

    return impl


def _safe_recip(xp: Any, x: Any) -> Any:
    """1/x with x == 0 replaced by 1 (callers mask those entries)."""
    return 1.0 / xp.where(x == 0, 1.0, x)


def _sinc(xp: Any, x: Any) -> Any:
    y = PI * xp.where(x == 0, 1.0e-20, x)  # NumPy's own trick: sin(y)/y -> 1 at 0
    return xp.sin(y) / y


def _cbrt(xp: Any, x: Any) -> Any:
    return xp.sign(x) * xp.abs(x) ** (1.0 / 3.0)


def _arccot(xp: Any, x: Any) -> Any:
    return xp.where(x == 0, PI / 2, xp.atan(_safe_recip(xp, x)))


# -- rules that need more than one line --------------------------------------------------------
def _pow_base(xp: Any, g: Any, a: Any, b: Any) -> Any:
    if b.__class__ in _PY_NUMBER:
        if b == 2:
            return g * (2 * a)
        if b == 1:
            return g
        if b == 0:
            return xp.zeros_like(g)
        return g * (b * a ** (b - 1))
    # 0 * 0**-1 would be nan: the derivative of a**0 is 0 even at a = 0 (masked only there, so
    # the mixed second derivative d/db of b * a**(b - 1) stays right elsewhere); the base is
    # 1 there, so 0**-1 is never computed (it warned of a division by zero)
    tie = xp.logical_and(b == 0, a == 0)
    return xp.where(tie, 0.0, g * (b * xp.where(tie, 1.0, a) ** (b - 1)))


def _pow_exponent(xp: Any, g: Any, y: Any, a: Any) -> Any:
    if a.__class__ in _PY_NUMBER:
        if a > 0:
            return g * (y * math.log(a))
        return xp.zeros_like(g) if a == 0 else g * (y * math.nan)
    zero = a == 0
    return xp.where(zero, 0.0, g * (y * xp.log(xp.where(zero, 1.0, a))))


def _sinc_vjp(xp: Any, g: Any, x: Any, y: Any) -> Any:
    """(cos(pi x) - sinc(x)) / x, from its Taylor series near 0 (where the formula cancels
    catastrophically, and where a masked constant would break higher derivatives)."""
    small = xp.abs(x) < 1e-3
    z = PI * PI * x * x
    series = x * (PI * PI) * (-1.0 / 3.0 + z * (1.0 / 30.0 - z / 840.0))
    return g * xp.where(small, series, (xp.cos(PI * x) - y) * _safe_recip(xp, x))


# ``bounds`` (a parameter, absent when both are given) says which bounds a call has: "min",
# "max" or "none"; the missing bound's input is then a placeholder that is never read.
def _clip_bounds(lo: Any, hi: Any, bounds: str) -> tuple[Any, Any]:
    return (None if bounds in ("max", "none") else lo), (None if bounds in ("min", "none") else hi)


def _clip_x(xp: Any, g: Any, x: Any, lo: Any, hi: Any, *, bounds: str = "both") -> Any:
    lo, hi = _clip_bounds(lo, hi, bounds)
    if lo is None and hi is None:
        return g
    if lo is None:
        keep = x < hi
    elif hi is None:
        keep = x > lo
    else:
        keep = xp.logical_and(x > lo, x < hi)
    return masked(xp, keep, g)


def _clip_lo(xp: Any, g: Any, x: Any, lo: Any, hi: Any, *, bounds: str = "both") -> Any:
    lo, hi = _clip_bounds(lo, hi, bounds)
    if lo is None:
        return None
    below = x < lo
    if hi is not None:  # where lo > hi, NumPy's clip returns hi
        below = xp.logical_and(below, lo < hi)
    return masked(xp, below, g)


def _clip_hi(xp: Any, g: Any, x: Any, lo: Any, hi: Any, *, bounds: str = "both") -> Any:
    lo, hi = _clip_bounds(lo, hi, bounds)
    if hi is None:
        return None
    above = x > hi
    if lo is not None:
        above = xp.logical_or(above, lo > hi)
    return masked(xp, above, g)


def _fmod(xp: Any, a: Any, b: Any) -> Any:
    fn = getattr(xp, "fmod", None)  # NumPy and CuPy; the standard has only remainder
    if fn is not None:
        return fn(a, b)
    # from the (exact) remainder, which has the sign of b: fmod has the sign of a; not
    # a - b * trunc(a / b), whose rounded quotient is off by one at exact multiples
    r = xp.remainder(a, b)
    flip = xp.logical_and(r != 0, (r < 0) != (a < 0))
    return xp.where(flip, r - b, r)


def _fmod_divisor(xp: Any, g: Any, y: Any, a: Any, b: Any) -> Any:
    """d fmod(a, b) / d b = -trunc(a / b), the integer quotient; read from the exact
    remainder (a - y is a multiple of b), not from a rounded a / b."""
    return -(g * xp.round((a - y) / b))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(PI)


def _erf_parts(xp: Any, x: Any) -> tuple[Any, Any, Any]:
    """``(small, erf on |x| < 2, erfc(|x|) for |x| >= 2)``, with ``xp`` only, to float64's
    precision (1e-15 against ``math.erf``): below 2 the series
    ``2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (1 3 5 ... (2n+1))`` (positive terms, no
    cancellation), above it Laplace's continued fraction for ``erfc``. Each branch reads a
    safe input where the other one is used."""
    if not dtype_is(xp, x.dtype, "real floating"):
        x = xp.astype(x, xp.float64)
    ax = xp.abs(x)
    small = ax < 2.0
    xs = xp.where(small, x, 0.0)
    x2 = xs * xs
    term = xs
    total = xs
    for n in range(1, 40):
        term = term * (2.0 * x2) / (2 * n + 1)
        total = total + term
    series = _TWO_OVER_SQRT_PI * xp.exp(-x2) * total
    xl = xp.where(small, 2.0, ax)
    frac = xl
    for k in range(50, 0, -1):
        frac = xl + (k / 2) / frac
    tail = xp.exp(-xl * xl) / (math.sqrt(PI) * frac)
    return small, series, tail


def _erf(xp: Any, x: Any) -> Any:
    small, series, tail = _erf_parts(xp, x)
    return xp.where(small, series, xp.where(x < 0, tail - 1.0, 1.0 - tail))


def _erfc(xp: Any, x: Any) -> Any:
    small, series, tail = _erf_parts(xp, x)
    return xp.where(small, 1.0 - series, xp.where(x < 0, 2.0 - tail, tail))


def _logaddexp2(xp: Any, a: Any, b: Any) -> Any:
    fn = getattr(xp, "logaddexp2", None)
    return fn(a, b) if fn is not None else xp.logaddexp(a * LN2, b * LN2) / LN2


def _clip(xp: Any, x: Any, lo: Any, hi: Any, *, bounds: str = "both") -> Any:
    lo, hi = _clip_bounds(lo, hi, bounds)
    if x.__class__ in _PY_NUMBER:  # clip(2.0, array, ...): the array bound sets the dtype
        ref = lo if hasattr(lo, "shape") else hi
        x = xp.asarray(x, dtype=xp.result_type(x, ref), device=ref.device)
    if lo is None and hi is None:
        return xp.asarray(x, copy=True)
    return xp.clip(x, lo, hi)


# -- arithmetic ------------------------------------------------------------------------------------
binary("add", lambda xp, g: g, lambda xp, g: g, doc="a + b")
binary("subtract", lambda xp, g: g, lambda xp, g: -g, doc="a - b")
binary("multiply", lambda xp, g, b: g * b, lambda xp, g, a: g * a, doc="a * b")
binary(
    "divide",
    lambda xp, g, b: g / b,
    lambda xp, g, y, b: -(g * y) / b,
    "divide",
    "true_divide",
    doc="a / b",
)
binary("power", _pow_base, _pow_exponent, lambda xp, a, b: a**b, "pow", doc="a ** b")
binary(
    "maximum",
    lambda xp, g, a, b: tie_split(xp, a > b, a == b, g),
    lambda xp, g, a, b: tie_split(xp, b > a, a == b, g),
    doc="elementwise larger value; at a tie each side gets half the gradient",
)
binary(
    "minimum",
    lambda xp, g, a, b: tie_split(xp, a < b, a == b, g),
    lambda xp, g, a, b: tie_split(xp, b < a, a == b, g),
    doc="elementwise smaller value; at a tie each side gets half the gradient",
)
binary(
    "arctan2",
    lambda xp, g, a, b: g * b / (a * a + b * b),
    lambda xp, g, a, b: -(g * a) / (a * a + b * b),
    "atan2",
    "atan2",
    doc="angle of the point (b, a): arctan(a / b) in the right quadrant",
)
binary(
    "logaddexp",
    lambda xp, g, y, a: g * xp.exp(a - y),
    lambda xp, g, y, b: g * xp.exp(b - y),
    doc="log(exp(a) + exp(b)), without overflow",
)
binary(
    "logaddexp2",
    lambda xp, g, y, a: g * xp.pow(2.0, a - y),
    lambda xp, g, y, b: g * xp.pow(2.0, b - y),
    lambda xp, a, b: _logaddexp2(xp, a, b),
    doc="log2(2**a + 2**b)",
)
binary(
    "hypot",
    lambda xp, g, y, a: g * a / y,
    lambda xp, g, y, b: g * b / y,
    doc="sqrt(a**2 + b**2)",
)

# a - b * q for an integer quotient q that is constant between its jumps (as PyTorch)
binary(
    "remainder",
    lambda xp, g: g,
    lambda xp, g, a, b: -(g * xp.floor_divide(a, b)),
    "remainder",
    "mod",
    doc="a % b with the sign of b (Python's %); derivatives 1 and -(a // b)",
)
binary(
    "fmod",
    lambda xp, g: g,
    _fmod_divisor,
    lambda xp, a, b: _fmod(xp, a, b),
    doc="C's fmod: the remainder with the sign of a; derivatives 1 and -trunc(a / b)",
)

register(
    Op("clip", ("x", "lo", "hi"), _clip, (_clip_x, _clip_lo, _clip_hi), doc="x limited to [lo, hi]")
)

unary(
    "erf",
    lambda xp, g, x: g * (_TWO_OVER_SQRT_PI * xp.exp(-(x * x))),
    _erf,
    doc="the error function (2/sqrt(pi)) integral of exp(-t^2) from 0 to x",
)
unary(
    "erfc",
    lambda xp, g, x: g * (-_TWO_OVER_SQRT_PI * xp.exp(-(x * x))),
    _erfc,
    doc="the complementary error function 1 - erf(x), accurate where erf is near 1",
)

# -- one-input ------------------------------------------------------------------------------------
unary("negative", lambda xp, g: -g, doc="-x")
unary("positive", lambda xp, g: g, doc="+x")
unary(
    "reciprocal",
    lambda xp, g, y: g * -(y * y),
    lambda xp, x: xp.reciprocal(x) if hasattr(xp, "reciprocal") else 1.0 / x,
    doc="1 / x",
)
unary("square", lambda xp, g, x: g * (2 * x), doc="x ** 2")
unary("sqrt", lambda xp, g, y: g / (2 * y), doc="square root; derivative inf at 0")
unary("cbrt", lambda xp, g, y: g / (3 * (y * y)), _fallback("cbrt", _cbrt), doc="cube root")
unary(
    "absolute",
    lambda xp, g, x: g * xp.sign(x),
    "abs",
    "abs",
    doc="``|x|``; derivative 0 at 0",
)
unary("exp", lambda xp, g, y: g * y, doc="e ** x")
unary("exp2", lambda xp, g, y: g * (y * LN2), lambda xp, x: xp.pow(2.0, x), doc="2 ** x")
unary("expm1", lambda xp, g, y: g * (y + 1), doc="exp(x) - 1, accurate near 0")
unary("log", lambda xp, g, x: g / x, doc="natural logarithm; derivative 1/x")
unary("log2", lambda xp, g, x: g / (x * LN2), doc="base-2 logarithm")
unary("log10", lambda xp, g, x: g / (x * LN10), doc="base-10 logarithm")
unary("log1p", lambda xp, g, x: g / (1 + x), doc="log(1 + x), accurate near 0")
unary("sin", lambda xp, g, x: g * xp.cos(x), doc="sine")
unary("cos", lambda xp, g, x: g * -xp.sin(x), doc="cosine")
unary("tan", lambda xp, g, y: g * (1 + y * y), doc="tangent")
unary("arcsin", lambda xp, g, x: g / xp.sqrt(1 - x * x), "asin", "asin", doc="inverse sine")
unary("arccos", lambda xp, g, x: -g / xp.sqrt(1 - x * x), "acos", "acos", doc="inverse cosine")
unary("arctan", lambda xp, g, x: g / (1 + x * x), "atan", "atan", doc="inverse tangent")
unary("sinh", lambda xp, g, x: g * xp.cosh(x), doc="hyperbolic sine")
unary("cosh", lambda xp, g, x: g * xp.sinh(x), doc="hyperbolic cosine")
unary("tanh", lambda xp, g, y: g * (1 - y * y), doc="hyperbolic tangent")
unary("arcsinh", lambda xp, g, x: g / xp.sqrt(x * x + 1), "asinh", "asinh", doc="inverse sinh")
unary("arccosh", lambda xp, g, x: g / xp.sqrt(x * x - 1), "acosh", "acosh", doc="inverse cosh")
unary("arctanh", lambda xp, g, x: g / (1 - x * x), "atanh", "atanh", doc="inverse tanh")
unary("sinc", _sinc_vjp, _fallback("sinc", _sinc), doc="normalised sinc: sin(pi x) / (pi x)")
unary("sec", lambda xp, g, x, y: g * (y * xp.tan(x)), lambda xp, x: 1 / xp.cos(x), doc="1/cos")
unary("csc", lambda xp, g, x, y: g * -(xp.cos(x) * y * y), lambda xp, x: 1 / xp.sin(x), doc="1/sin")
unary("cot", lambda xp, g, y: g * -(1 + y * y), lambda xp, x: 1 / xp.tan(x), doc="1/tan")
unary("sech", lambda xp, g, x, y: g * -(y * xp.tanh(x)), lambda xp, x: 1 / xp.cosh(x), doc="1/cosh")
unary(
    "csch",
    lambda xp, g, x, y: g * -(xp.cosh(x) * y * y),
    lambda xp, x: 1 / xp.sinh(x),
    doc="1/sinh",
)
unary("coth", lambda xp, g, y: g * (1 - y * y), lambda xp, x: 1 / xp.tanh(x), doc="1/tanh")
unary(
    "arcsec",
    lambda xp, g, x: g / (xp.abs(x) * xp.sqrt(x * x - 1)),
    lambda xp, x: xp.acos(1 / x),
    doc="inverse secant: arccos(1/x)",
)
unary(
    "arccsc",
    lambda xp, g, x: -g / (xp.abs(x) * xp.sqrt(x * x - 1)),
    lambda xp, x: xp.asin(1 / x),
    doc="inverse cosecant: arcsin(1/x)",
)
unary(
    "arccot",
    lambda xp, g, x: -g / (1 + x * x),
    _arccot,
    doc="inverse cotangent: arctan(1/x), pi/2 at 0",
)
unary(
    "arccsch",
    lambda xp, g, x: -g / (xp.abs(x) * xp.sqrt(1 + x * x)),
    lambda xp, x: xp.asinh(1 / x),
    doc="inverse csch: arcsinh(1/x)",
)
unary(
    "arccoth",
    lambda xp, g, x: g / (1 - x * x),
    lambda xp, x: xp.atanh(1 / x),
    doc="inverse coth: arctanh(1/x)",
)


# -- the array API's sign, ulp and complex-part functions on real data -------------------------
def _sign_negative(xp: Any, v: Any) -> Any:
    """Whether ``v`` carries a negative sign: the sign bit for floats (so ``-0.0`` and ``-nan``
    count as negative), ``v < 0`` for integers; a Python bool for a Python number."""
    if isinstance(v, (int, float)):  # Python numbers (and NumPy's float64 scalars)
        return math.copysign(1.0, v) < 0
    if xp.isdtype(v.dtype, "real floating"):
        return xp.signbit(v)
    return v < 0


def _copysign_x1(xp: Any, g: Any, a: Any, b: Any) -> Any:
    """+1 where ``x1`` keeps its sign, -1 where it is flipped, read from the sign bits (so a
    zero takes the side its sign bit names: ``copysign(+0.0, 1)`` has derivative +1 and
    ``copysign(-0.0, 1)`` has -1, the one-sided derivatives of ``|x|`` there)."""
    flip_b = _sign_negative(xp, b)
    neg_a = _sign_negative(xp, a)
    if flip_b is True:
        flip = xp.logical_not(neg_a)
    elif flip_b is False:
        flip = neg_a
    else:
        flip = xp.logical_xor(neg_a, flip_b)
    return xp.where(flip, -g, g)


def _zero(xp: Any, g: Any) -> Any:
    """The derivative of a piecewise-constant dependence (0 almost everywhere)."""
    return xp.zeros_like(g)


def _copy(xp: Any, x: Any) -> Any:
    """``x`` itself as a new array: ``real`` and ``conj`` of real data."""
    return xp.asarray(x, copy=True)


binary(
    "copysign",
    _copysign_x1,
    _zero,
    doc="``|a|`` with the sign of b; derivative +1 in a where a keeps its sign bit, -1 where it "
    "is flipped, 0 in b",
)
binary(
    "nextafter",
    lambda xp, g: g,
    _zero,
    doc="the next floating-point value after a towards b; derivative 1 in a, 0 in b",
)
unary(
    "real",
    lambda xp, g: g,
    _copy,
    doc="the real part: a copy of x for real data (xgrad refuses complex dtypes)",
)
unary(
    "conj",
    lambda xp, g: g,
    _copy,
    "conjugate",
    doc="the complex conjugate: a copy of x for real data (xgrad refuses complex dtypes)",
)


# ``g`` where ``cond`` holds, 0 elsewhere: the kink derivatives' workhorse (relu, abs, clip) as
# an op of its own, so that a recorded derivative (create_graph, xgrad.compile) runs the
# backend's fast exact way as the array-mode rules do (NumPy's where mispredicts its branches
# on random masks, ten times slower than a multiply)
register(
    Op(
        "masked",
        ("cond", "x"),
        lambda xp, cond, x: _backends.of_namespace(xp).masked(cond, x),
        (None, lambda xp, g, cond: masked(xp, cond, g)),
        kind="rule",  # not a public function: derivative rules apply it
        jvp="linear",
        doc="g where cond holds, 0 elsewhere",
    )
)
