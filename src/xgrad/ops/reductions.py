"""Reductions and cumulative ops: sum, mean, prod, var, std, max, min, cumsum, cumprod.

``axis`` reaches the rules normalised to ``None`` or a tuple of non-negative ints (cumulative
ops: ``None`` or one int). ``max``/``min`` share the gradient equally among the elements equal
to the extreme value, as PyTorch and JAX do; ``prod`` and ``cumprod`` are exact
when the input contains zeros (no division by zero).
"""

from __future__ import annotations

import math
from typing import Any

from .. import backends as _backends
from .._op import Op, register
from ..backends._dtypes import dtype_is


def _expand(xp: Any, g: Any, x_shape: tuple, axis: tuple | None, keepdims: bool) -> Any:
    """Give ``g`` (a reduction's output gradient) size-1 axes where ``x`` was reduced."""
    if keepdims:
        return g
    if axis is None:
        return xp.reshape(g, (1,) * len(x_shape))
    return xp.reshape(g, tuple(1 if i in axis else n for i, n in enumerate(x_shape)))


def _count(x_shape: tuple, axis: tuple | None) -> int:
    if axis is None:
        return math.prod(x_shape)
    return math.prod(x_shape[i] for i in axis)


def _to_last(xp: Any, x: Any, axis: tuple | None) -> tuple[Any, tuple, tuple[int, ...]]:
    """Move the reduced axes to the end and merge them: returns (x2d, moved_shape, perm)."""
    nd = len(x.shape)
    axes = tuple(range(nd)) if axis is None else axis
    perm = tuple(i for i in range(nd) if i not in axes) + tuple(axes)
    xt = xp.permute_dims(x, perm) if perm != tuple(range(nd)) else x
    lead = tuple(xt.shape[: nd - len(axes)])
    k = math.prod(xt.shape[nd - len(axes) :])
    return xp.reshape(xt, (*lead, k)), tuple(xt.shape), perm


def _from_last(xp: Any, v: Any, moved_shape: tuple, perm: tuple[int, ...]) -> Any:
    v = xp.reshape(v, moved_shape)
    if perm == tuple(range(len(perm))):
        return v
    inverse = tuple(sorted(range(len(perm)), key=perm.__getitem__))
    return xp.permute_dims(v, inverse)


# -- sum / mean ------------------------------------------------------------------------------------
def _sum(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    return xp.sum(x, axis=axis, keepdims=keepdims)


def _sum_vjp(xp: Any, g: Any, x_shape: tuple, *, axis: Any, keepdims: bool) -> Any:
    return xp.broadcast_to(_expand(xp, g, x_shape, axis, keepdims), x_shape)


def _floating(xp: Any, x: Any) -> Any:
    """Integer or boolean data as float64, as NumPy's mean, var and std compute them (the
    standard's functions take floating data only)."""
    return x if dtype_is(xp, x.dtype, "real floating") else xp.astype(x, xp.float64)


def _mean(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    return xp.mean(_floating(xp, x), axis=axis, keepdims=keepdims)


def _mean_vjp(xp: Any, g: Any, x_shape: tuple, *, axis: Any, keepdims: bool) -> Any:
    n = _count(x_shape, axis)
    return xp.broadcast_to(_expand(xp, g, x_shape, axis, keepdims) / n, x_shape)


# -- var / std -----------------------------------------------------------------------------------
def _var(xp: Any, x: Any, *, axis: Any, keepdims: bool, ddof: float) -> Any:
    return xp.var(_floating(xp, x), axis=axis, keepdims=keepdims, correction=ddof)


def _std(xp: Any, x: Any, *, axis: Any, keepdims: bool, ddof: float) -> Any:
    return xp.std(_floating(xp, x), axis=axis, keepdims=keepdims, correction=ddof)


def _dof(n: int, ddof: float) -> float:
    """``N - ddof``, never negative (NumPy clamps it to 0: the statistic is then inf/nan)."""
    return n - ddof if n - ddof > 0 else 0.0


def _constant_statistic(xp: Any, g: Any, x: Any, axis: Any, keepdims: bool, ddof: float) -> Any:
    """The gradient of a variance over one element: 0 where it is 0 for every x (``ddof <
    1``); NaN where it is NaN (``N - ddof <= 0``: NumPy's 0/0), as a finite difference sees
    it and as NaN propagates through arithmetic."""
    zero = xp.zeros_like(x)
    if ddof < 1:
        return zero
    return zero + _expand(xp, g, tuple(x.shape), axis, keepdims) * math.nan


def _var_vjp(xp: Any, g: Any, x: Any, *, axis: Any, keepdims: bool, ddof: float) -> Any:
    n = _count(tuple(x.shape), axis)
    if n == 1:  # one element per slice (axis=()): the variance is 0 (or nan) for every x
        return _constant_statistic(xp, g, x, axis, keepdims, ddof)
    centred = x - xp.mean(x, axis=axis, keepdims=True)
    return _expand(xp, g, tuple(x.shape), axis, keepdims) * (2 * centred) / _dof(n, ddof)


def _std_vjp(xp: Any, g: Any, x: Any, y: Any, *, axis: Any, keepdims: bool, ddof: float) -> Any:
    """``centred / ((N - ddof) std)``; where the std is 0 (a slice of equal values, where
    ``centred`` is 0 too) the subgradient 0 is used, as for ``abs`` at 0, not 0/0."""
    shape = tuple(x.shape)
    n = _count(shape, axis)
    if n == 1:
        return _constant_statistic(xp, g, x, axis, keepdims, ddof)
    centred = x - xp.mean(x, axis=axis, keepdims=True)
    ge = _expand(xp, g, shape, axis, keepdims)
    ye = _expand(xp, y, shape, axis, keepdims)
    return ge * centred / (_dof(n, ddof) * xp.where(ye == 0, 1.0, ye))


# -- prod ------------------------------------------------------------------------------------------
def _prod(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    return xp.prod(x, axis=axis, keepdims=keepdims)


def _prod_vjp(xp: Any, g: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    """d prod / d x_i = product of all the other elements: exclusive products from the left
    and from the right, so zeros need no division."""
    if axis == ():
        return g
    x2, moved, perm = _to_last(xp, x, axis)
    left = xp.cumulative_prod(x2, axis=-1, include_initial=True)[..., :-1]
    right = xp.flip(
        xp.cumulative_prod(xp.flip(x2, axis=-1), axis=-1, include_initial=True)[..., :-1],
        axis=-1,
    )
    others = _from_last(xp, left * right, moved, perm)
    return _expand(xp, g, tuple(x.shape), axis, keepdims) * others


# -- max / min -------------------------------------------------------------------------------------
def _max(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    return xp.max(x, axis=axis, keepdims=keepdims)


def _min(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    return xp.min(x, axis=axis, keepdims=keepdims)


def _extreme_vjp(xp: Any, g: Any, x: Any, y: Any, *, axis: Any, keepdims: bool) -> Any:
    """Equal shares of the gradient among the elements equal to the extreme value (as PyTorch
    and JAX), so ``max`` of ``[x, x]`` moves with ``x`` at rate 1; a NaN extreme is shared by
    the NaNs of its slice."""
    if axis == ():
        return g
    shape = tuple(x.shape)
    hit = xp.logical_or(x == _expand(xp, y, shape, axis, keepdims), x != x)
    count = xp.sum(xp.astype(hit, x.dtype), axis=axis, keepdims=True)
    return xp.where(hit, _expand(xp, g, shape, axis, keepdims) / count, 0.0)


# -- cumulative ops --------------------------------------------------------------------------------
def _flat_axis(xp: Any, x: Any, axis: int | None) -> tuple[Any, int]:
    if axis is None:
        return xp.reshape(x, (-1,)), 0
    return x, axis


def _cumsum(xp: Any, x: Any, *, axis: int | None) -> Any:
    x, ax = _flat_axis(xp, x, axis)
    return xp.cumulative_sum(x, axis=ax)


def _rev_cumsum(xp: Any, v: Any, ax: int) -> Any:
    return xp.flip(xp.cumulative_sum(xp.flip(v, axis=ax), axis=ax), axis=ax)


def _cumsum_vjp(xp: Any, g: Any, x_shape: tuple, *, axis: int | None) -> Any:
    ax = 0 if axis is None else axis
    return xp.reshape(_rev_cumsum(xp, g, ax), x_shape)


def _cumprod(xp: Any, x: Any, *, axis: int | None) -> Any:
    x, ax = _flat_axis(xp, x, axis)
    return xp.cumulative_prod(x, axis=ax)


#: axes up to this long get the exact polynomial derivative of cumprod (O(n^2) memory)
CUMPROD_EXACT_MAX = 1024


def _cumprod_matrix(xp: Any, x_last: Any) -> tuple[Any, Any]:
    """For x along its last axis: L_j, the product of the elements before j, and the matrix
    R[j, k] = prod of x_i for j < i <= k (0 for k < j). Then d y_k / d x_j = L_j R[j, k]
    exactly, zeros included, and every higher derivative is a polynomial too."""
    n = x_last.shape[-1]
    idx = xp.arange(n, device=x_last.device)
    after = xp.expand_dims(idx, axis=0) > xp.expand_dims(idx, axis=1)  # [j, i]: i > j
    lower = xp.expand_dims(idx, axis=0) < xp.expand_dims(idx, axis=1)  # [j, k]: k < j
    factors = xp.where(after, xp.expand_dims(x_last, axis=-2), 1.0)
    r = xp.where(lower, 0.0, xp.cumulative_prod(factors, axis=-1))
    left = xp.cumulative_prod(x_last, axis=-1, include_initial=True)[..., :-1]
    return left, r


def _cumprod_vjp(xp: Any, g: Any, x: Any, y: Any, *, axis: int | None) -> Any:
    """Exact with zeros. Short axes: g . d y / d x from the product matrix. Long axes (O(n)
    memory): along the axis, with z the position of the first zero, revcumsum(g*y)/x before z,
    revcumsum(g*y') at z (y' skipping that zero), 0 after; exact to first order only."""
    shape = tuple(x.shape)
    x, ax = _flat_axis(xp, x, axis)
    g = xp.reshape(g, tuple(x.shape))
    if x.shape[ax] <= CUMPROD_EXACT_MAX:
        left, r = _cumprod_matrix(xp, xp.moveaxis(x, ax, -1))
        gl = xp.expand_dims(xp.moveaxis(g, ax, -1), axis=-1)
        out = left * xp.squeeze(xp.matmul(r, gl), axis=-1)
        return xp.reshape(xp.moveaxis(out, -1, ax), shape)
    zero = x == 0
    zeros_so_far = xp.cumulative_sum(xp.astype(zero, xp.int64), axis=ax)
    before = zeros_so_far == 0
    first = xp.logical_and(zero, zeros_so_far == 1)
    term_before = _rev_cumsum(xp, g * y, ax) / xp.where(before, x, 1.0)
    skip_first = xp.cumulative_prod(xp.where(first, 1.0, x), axis=ax)
    term_first = _rev_cumsum(xp, g * skip_first, ax)
    out = xp.where(before, term_before, xp.where(first, term_first, 0.0))
    return xp.reshape(out, shape)


def reduction(name: str, impl: Any, vjp: Any, *aliases: str, doc: str = "") -> Op:
    return register(Op(name, ("x",), impl, (vjp,), kind="reduction", doc=doc), *aliases)


reduction("sum", _sum, _sum_vjp, doc="sum of elements over the given axes")
reduction("mean", _mean, _mean_vjp, doc="arithmetic mean over the given axes")
reduction("prod", _prod, _prod_vjp, doc="product of elements over the given axes")
reduction("var", _var, _var_vjp, doc="variance (ddof: delta degrees of freedom)")
reduction("std", _std, _std_vjp, doc="standard deviation (ddof: delta degrees of freedom)")
reduction("max", _max, _extreme_vjp, "amax", doc="maximum; ties share the gradient equally")
reduction("min", _min, _extreme_vjp, "amin", doc="minimum; ties share the gradient equally")
register(
    Op(
        "cumsum",
        ("x",),
        _cumsum,
        (_cumsum_vjp,),
        kind="cumulative",
        jvp="linear",
        doc="running sum",
    )
)


def _cumprod_jvp(xp: Any, t: tuple, x: Any, y: Any, *, axis: int | None) -> Any:
    """Exact with zeros (see :func:`_cumprod_vjp`): ``(t * L) @ R`` on short axes; on long
    ones y * cumsum(t / x) before the first zero, the zero's own tangent times the product
    skipping it up to the second zero, then 0."""
    (tx,) = t
    x, ax = _flat_axis(xp, x, axis)
    tx = xp.reshape(tx, tuple(x.shape))
    if x.shape[ax] <= CUMPROD_EXACT_MAX:
        left, r = _cumprod_matrix(xp, xp.moveaxis(x, ax, -1))
        tl = xp.expand_dims(xp.moveaxis(tx, ax, -1) * left, axis=-2)
        out = xp.squeeze(xp.matmul(tl, r), axis=-2)
        return xp.moveaxis(out, -1, ax)
    zero = x == 0
    zeros_so_far = xp.cumulative_sum(xp.astype(zero, xp.int64), axis=ax)
    before = zeros_so_far == 0
    first = xp.logical_and(zero, zeros_so_far == 1)
    term_before = y * xp.cumulative_sum(tx / xp.where(before, x, 1.0), axis=ax)
    skip_first = xp.cumulative_prod(xp.where(first, 1.0, x), axis=ax)
    term_one = xp.cumulative_sum(xp.where(first, tx, 0.0), axis=ax) * skip_first
    return xp.where(before, term_before, xp.where(zeros_so_far == 1, term_one, 0.0))


register(
    Op(
        "cumprod",
        ("x",),
        _cumprod,
        (_cumprod_vjp,),
        kind="cumulative",
        jvp=_cumprod_jvp,
        doc="running product",
    )
)


# -- logsumexp ---------------------------------------------------------------------------------
def _logsumexp(xp: Any, x: Any, *, axis: Any, keepdims: bool) -> Any:
    """log(sum(exp(x))) without overflow: the maximum is factored out first."""
    m = xp.max(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0.0)
    y = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return y
    return xp.reshape(y, tuple(n for i, n in enumerate(y.shape) if not _reduced(i, axis)))


def _reduced(i: int, axis: Any) -> bool:
    return axis is None or i in axis


def _logsumexp_vjp(xp: Any, g: Any, x: Any, y: Any, *, axis: Any, keepdims: bool) -> Any:
    shape = tuple(x.shape)
    ye = _expand(xp, y, shape, axis, keepdims)
    return _expand(xp, g, shape, axis, keepdims) * xp.exp(x - ye)


reduction("logsumexp", _logsumexp, _logsumexp_vjp, doc="log(sum(exp(x))), computed stably")


# the sum over leading axes that un-broadcasts a bias's gradient, as an op of its own: a
# recorded backward (create_graph, xgrad.compile) then runs the backend's way, as the array
# mode does (a matrix-vector product with ones on NumPy: faster, and the same bits)
register(
    Op(
        "sum_leading",
        ("x",),
        lambda xp, x, *, lead: _backends.of_namespace(xp).sum_leading(x, lead),
        (lambda xp, g, x_shape, *, lead: xp.broadcast_to(g, x_shape),),
        kind="rule",  # not a public function: the engine applies it
        jvp="linear",
        doc="the sum over the first `lead` axes",
    )
)
