"""Shape ops: reshape, transposes, broadcasting, joining, flipping, ``where`` and ``astype``.

Their derivative rules only move gradient entries around (the inverse reshape, the inverse
permutation, the slice of a concatenation), so they are exact.
"""

from __future__ import annotations

import functools
from typing import Any

from .._op import Op, register
from ._util import masked, truth


def _shape_op(name: str, impl: Any, vjp: Any, *aliases: str, doc: str = "") -> Op:
    return register(Op(name, ("x",), impl, (vjp,), kind="shape", jvp="linear", doc=doc), *aliases)


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(perm)), key=perm.__getitem__))


def _reshape_back(xp: Any, g: Any, x_shape: tuple, **_: Any) -> Any:
    return xp.reshape(g, x_shape)


_shape_op(
    "reshape",
    lambda xp, x, *, shape: xp.reshape(x, shape),
    _reshape_back,
    doc="the same data with a new shape",
)
_shape_op(
    "broadcast_to",
    lambda xp, x, *, shape: xp.broadcast_to(x, shape),
    lambda xp, g, **_: g,  # the engine sums the gradient back to x's shape
    doc="x repeated along new or size-1 axes",
)
_shape_op(
    "expand_dims",
    lambda xp, x, *, axis: _expand_dims(xp, x, axis),
    _reshape_back,
    doc="insert size-1 axes",
)
_shape_op(
    "squeeze",
    lambda xp, x, *, axis: xp.squeeze(x, axis=axis),
    _reshape_back,
    doc="remove size-1 axes",
)
_shape_op(
    "permute_dims",
    lambda xp, x, *, axes: xp.permute_dims(x, axes),
    lambda xp, g, *, axes: xp.permute_dims(g, _inverse(axes)),
    doc="permute the axes",
)
_shape_op(
    "flip",
    lambda xp, x, *, axis: xp.flip(x, axis=axis),
    lambda xp, g, *, axis: xp.flip(g, axis=axis),
    doc="reverse the order of elements along axes",
)
_shape_op(
    "roll",
    lambda xp, x, *, shift, axis: xp.roll(x, shift, axis=axis),
    lambda xp, g, *, shift, axis: xp.roll(g, _neg(shift), axis=axis),
    doc="shift elements cyclically along axes",
)
_shape_op(
    "astype",
    lambda xp, x, *, dtype: xp.astype(x, dtype),
    lambda xp, g, **_: g,  # the engine casts the gradient back to x's dtype
    doc="cast to another dtype",
)


def _neg(shift: Any) -> Any:
    return tuple(-s for s in shift) if isinstance(shift, tuple) else -shift


def _expand_dims(xp: Any, x: Any, axis: tuple[int, ...]) -> Any:
    """Insert size-1 axes at the (normalised, sorted) positions ``axis``."""
    shape = list(x.shape)
    for a in axis:
        shape.insert(a, 1)
    return xp.reshape(x, tuple(shape))


# -- where ----------------------------------------------------------------------------------------
register(
    Op(
        "where",
        ("cond", "a", "b"),
        lambda xp, cond, a, b: xp.where(truth(xp, cond), a, b),
        (
            None,
            lambda xp, g, cond: masked(xp, truth(xp, cond), g),
            lambda xp, g, cond: masked(xp, xp.logical_not(truth(xp, cond)), g),
        ),
        kind="shape",
        jvp="linear",
        doc="a where cond is true, b elsewhere",
    )
)


# -- joining: one op per number of inputs --------------------------------------------------------
def _take_along(xp: Any, g: Any, axis: int, start: int, stop: int) -> Any:
    key = (slice(None),) * axis + (slice(start, stop), ...)
    return g[key]


@functools.cache
def concat_op(n: int) -> Op:
    """The concatenation of ``n`` arrays (the gradient of each is its slice of ``g``)."""

    def rule(i: int) -> Any:
        def vjp(xp: Any, g: Any, *, axis: int, bounds: tuple[int, ...]) -> Any:
            return _take_along(xp, g, axis, bounds[i], bounds[i + 1])

        return vjp

    def impl(xp: Any, *arrays: Any, axis: int, bounds: tuple[int, ...]) -> Any:
        return xp.concat(arrays, axis=axis)

    return Op(
        "concat",
        tuple(f"x{i}" for i in range(n)),
        impl,
        tuple(rule(i) for i in range(n)),
        kind="join",
        jvp="linear",
        doc="join arrays along an existing axis",
    )


@functools.cache
def stack_op(n: int) -> Op:
    """The stacking of ``n`` arrays along a new axis."""

    def rule(i: int) -> Any:
        def vjp(xp: Any, g: Any, *, axis: int) -> Any:
            key = (slice(None),) * axis + (i, ...)
            return g[key]

        return vjp

    def impl(xp: Any, *arrays: Any, axis: int) -> Any:
        return xp.stack(arrays, axis=axis)

    return Op(
        "stack",
        tuple(f"x{i}" for i in range(n)),
        impl,
        tuple(rule(i) for i in range(n)),
        kind="join",
        jvp="linear",
        doc="join arrays along a new axis",
    )


register(concat_op(2), "concatenate")
register(stack_op(2))


# -- pad, tril/triu, repeat ---------------------------------------------------------------------
def _pad(xp: Any, x: Any, *, pad_width: tuple, value: Any) -> Any:
    """``value``: one number, or a (before, after) pair per axis (a later axis' value wins
    where the padded regions of two axes overlap, as in NumPy)."""
    shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad_width, strict=True))
    if isinstance(value, tuple):
        out = xp.empty(shape, dtype=x.dtype, device=x.device)
        for i, ((lo, _), (before, after), n) in enumerate(
            zip(pad_width, value, x.shape, strict=True)
        ):
            pre = (slice(None),) * i
            out[(*pre, slice(0, lo), ...)] = before
            out[(*pre, slice(lo + n, None), ...)] = after
    else:
        out = xp.full(shape, value, dtype=x.dtype, device=x.device)
    out[_centre(x.shape, pad_width)] = x
    return out


def _centre(shape: tuple, pad_width: tuple) -> tuple:
    return tuple(slice(lo, lo + n) for n, (lo, _) in zip(shape, pad_width, strict=True))


register(
    Op(
        "pad",
        ("x",),
        _pad,
        (lambda xp, g, x_shape, *, pad_width, value: g[_centre(x_shape, pad_width)],),
        kind="shape",
        jvp=lambda xp, t, *, pad_width, value: xp.pad(t[0], pad_width, constant_values=0.0),
        doc="x surrounded by a constant (NumPy's pad, mode='constant')",
    )
)
register(
    Op(
        "tril",
        ("x",),
        lambda xp, x, *, k: xp.tril(x, k=k),
        (lambda xp, g, *, k: xp.tril(g, k=k),),
        kind="shape",
        jvp="linear",
        doc="the lower triangle (elements above the k-th diagonal set to 0)",
    )
)
register(
    Op(
        "triu",
        ("x",),
        lambda xp, x, *, k: xp.triu(x, k=k),
        (lambda xp, g, *, k: xp.triu(g, k=k),),
        kind="shape",
        jvp="linear",
        doc="the upper triangle (elements below the k-th diagonal set to 0)",
    )
)


def _repeat(xp: Any, x: Any, *, repeats: int, axis: int) -> Any:
    return xp.repeat(x, repeats, axis=axis)


def _repeat_vjp(xp: Any, g: Any, x_shape: tuple, *, repeats: int, axis: int) -> Any:
    """Each element was copied ``repeats`` times in a row: sum those copies."""
    shape = (*x_shape[:axis], x_shape[axis], repeats, *x_shape[axis + 1 :])
    return xp.sum(xp.reshape(g, shape), axis=axis + 1)


register(
    Op(
        "repeat",
        ("x",),
        _repeat,
        (_repeat_vjp,),
        kind="shape",
        jvp="linear",
        doc="each element repeated along an axis",
    )
)
