"""Convolution and pooling rows: ``conv_nd``, ``max_pool`` and ``avg_pool``.

Layouts. The last ``n`` axes of ``x`` are the spatial ones (``(N, C, X0, ...)`` for a
convolution, any leading axes for pooling). A window of shape ``W`` placed with stride ``s``
and dilation ``d`` fits ``G = (X - (W - 1) * d - 1) // s + 1`` times along an axis (the
public functions check that it fits exactly, as MyGrad does). The window at offset ``k``
(one of ``K = prod(W)``) reads the strided slice ``x[..., k*d : k*d + (G-1)*s + 1 : s]``.

- ``conv_nd`` is im2col: the windows of the zero-padded input, shape ``(N, C, *W, *G)`` (the
  backend's ``sliding_windows``: a strided view on NumPy, stacked slices elsewhere), reshaped
  to columns ``(N, C*K, prod(G))``, times the filters ``(F, C*K)``: one BLAS product per
  batch, whose result is already ``(N, F, *G)``. Its VJP for the filters is
  ``sum_n g[n] @ cols[n]^T``, for the input ``w^T @ g`` scattered back window by window
  (col2im, ``K`` strided slice-adds), then cropped. It is bilinear: its JVP is two convs.
- ``max_pool`` and ``avg_pool`` reduce the ``K`` strided slices elementwise (faster than a
  reduction over a strided view); their VJPs scatter ``g`` back to each slice, the max's to
  the elements equal to the maximum, a tie split evenly (as ``max``).

The rules call only ``xp``: on tensors (``create_graph=True``) the windows are stacked slices
and the scatter is the same slices, spread by the stride and padded with zeros (pure ops, no
in-place writes), so every derivative is differentiable again.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import Any

from .. import backends as _backends
from .._nsbase import TensorNamespace
from .._op import Op, apply, register
from ..backends._dtypes import dtype_is
from ._util import masked, sliding_windows

__all__: list[str] = []


# -- shared pieces -------------------------------------------------------------------------------
def _grid(spatial: tuple, window: tuple, stride: tuple, dilation: tuple) -> tuple:
    return tuple(
        (x - (w - 1) * d - 1) // s + 1
        for x, w, s, d in zip(spatial, window, stride, dilation, strict=True)
    )


def _offsets(window: tuple) -> Iterable[tuple]:
    return itertools.product(*(range(w) for w in window))


def _at(k: tuple, grid: tuple, stride: tuple, dilation: tuple, lead: int) -> tuple:
    """The key of the strided slice that the window offset ``k`` reads."""
    return (slice(None),) * lead + tuple(
        slice(i * d, i * d + (g - 1) * s + 1, s)
        for i, g, s, d in zip(k, grid, stride, dilation, strict=True)
    )


def _zeros(xp: Any, shape: tuple, like: Any) -> Any:
    return xp.zeros(shape, dtype=like.dtype, device=like.device)


def _pad(xp: Any, x: Any, pads: tuple) -> Any:
    """``x`` with ``(before, after)`` zeros on each of its trailing ``len(pads)`` axes."""
    if not any(lo or hi for lo, hi in pads):
        return x
    lead = x.ndim - len(pads)
    if isinstance(xp, TensorNamespace):  # differentiable: concatenate blocks of zeros
        for i, (lo, hi) in enumerate(pads):
            ax = lead + i
            shape = tuple(x.shape)
            blocks = [x]
            if lo:
                blocks.insert(0, _zeros(xp, (*shape[:ax], lo, *shape[ax + 1 :]), x))
            if hi:
                blocks.append(_zeros(xp, (*shape[:ax], hi, *shape[ax + 1 :]), x))
            if len(blocks) > 1:
                x = xp.concat(blocks, axis=ax)
        return x
    shape = tuple(x.shape)
    out = _zeros(
        xp,
        shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(shape[lead:], pads, strict=True)),
        x,
    )
    out[
        (slice(None),) * lead
        + tuple(slice(lo, lo + n) for n, (lo, _) in zip(shape[lead:], pads, strict=True))
    ] = x
    return out


def _spread(xp: Any, a: Any, stride: tuple, lead: int) -> Any:
    """``a`` with ``s - 1`` zeros between neighbours along each trailing axis (stride ``s``):
    the transpose of a strided slice, as pure ops (for tensors)."""
    for i, s in enumerate(stride):
        if s == 1:
            continue
        ax = lead + i
        shape = tuple(a.shape)
        g = shape[ax]
        z = xp.zeros_like(a)
        a = xp.reshape(
            xp.stack([a] + [z] * (s - 1), axis=ax + 1), (*shape[:ax], g * s, *shape[ax + 1 :])
        )
        a = a[(slice(None),) * ax + (slice(0, (g - 1) * s + 1),) + (...,)]
    return a


def _add_windows(
    xp: Any, parts: Iterable[Any], shape: tuple, window: tuple, stride: tuple, dilation: tuple
) -> Any:
    """col2im: the transpose of reading the ``K`` strided slices. ``parts`` holds one array
    per window offset (in :func:`_offsets` order), each of the grid's shape; the result, of
    ``shape``, is their sum, each added where its slice reads."""
    lead = len(shape) - len(window)
    grid = _grid(shape[lead:], window, stride, dilation)
    if isinstance(xp, TensorNamespace):
        total = None
        for k, part in zip(_offsets(window), parts, strict=True):
            part = _spread(xp, part, stride, lead)
            pads = tuple(
                (i * d, n - i * d - ((g - 1) * s + 1))
                for i, n, g, s, d in zip(k, shape[lead:], grid, stride, dilation, strict=True)
            )
            part = _pad(xp, part, pads)
            total = part if total is None else total + part
        return total
    bk = _backends.of_namespace(xp)
    out = None
    for k, part in zip(_offsets(window), parts, strict=True):
        if out is None:
            out = _zeros(xp, shape, part)
        bk.slice_add(out, _at(k, grid, stride, dilation, lead), part)
    return out


# -- conv_nd -------------------------------------------------------------------------------------
def _columns(xp: Any, x: Any, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple):
    """im2col: the windows of the padded ``x`` as ``(N, C*K, prod(grid))``, and the grid."""
    padded = _pad(xp, x, tuple((p, p) for p in padding))
    win = sliding_windows(xp, padded, kernel, stride, dilation)  # (N, C, *W, *G)
    n = len(kernel)
    grid = tuple(win.shape[2 + n :])
    cols = xp.reshape(win, (x.shape[0], x.shape[1] * math.prod(kernel), math.prod(grid)))
    return cols, grid


def _conv(xp: Any, x: Any, w: Any, *, stride: tuple, padding: tuple, dilation: tuple) -> Any:
    f = w.shape[0]
    cols, grid = _columns(xp, x, tuple(w.shape[2:]), stride, padding, dilation)
    y = xp.matmul(xp.reshape(w, (f, cols.shape[1])), cols)  # (F, CK) @ (N, CK, P)
    return xp.reshape(y, (x.shape[0], f, *grid))


def _conv_vjp_x(
    xp: Any, g: Any, w: Any, x_shape: tuple, *, stride: tuple, padding: tuple, dilation: tuple
) -> Any:
    n, c = x_shape[:2]
    f = w.shape[0]
    kernel = tuple(w.shape[2:])
    k = math.prod(kernel)
    grid = tuple(g.shape[2:])
    g2 = xp.reshape(g, (n, f, math.prod(grid)))
    gcols = xp.matmul(xp.matrix_transpose(xp.reshape(w, (f, c * k))), g2)  # (N, CK, P)
    gcols = xp.reshape(gcols, (n, c, k, *grid))
    padded = (n, c, *(s + 2 * p for s, p in zip(x_shape[2:], padding, strict=True)))
    parts = (gcols[:, :, i, ...] for i in range(k))
    dx = _add_windows(xp, parts, padded, kernel, stride, dilation)
    if any(padding):
        inner = (slice(p, p + s) for s, p in zip(x_shape[2:], padding, strict=True))
        dx = dx[(slice(None), slice(None), *inner)]
    return dx


def _conv_vjp_w(
    xp: Any, g: Any, x: Any, w_shape: tuple, *, stride: tuple, padding: tuple, dilation: tuple
) -> Any:
    cols, grid = _columns(xp, x, tuple(w_shape[2:]), stride, padding, dilation)
    g2 = xp.reshape(g, (x.shape[0], w_shape[0], math.prod(grid)))
    dw = xp.sum(xp.matmul(g2, xp.matrix_transpose(cols)), axis=0)  # sum_n (F, P) @ (P, CK)
    return xp.reshape(dw, w_shape)


def _conv_jvp(xp: Any, t: tuple, x: Any, w: Any, **params: Any) -> Any:
    # bilinear: the tangent is conv(tx, w) + conv(x, tw), two more rows of the table
    out = None
    if t[0] is not None:
        out = apply(CONV, (t[0], w), params)
    if t[1] is not None:
        term = apply(CONV, (x, t[1]), params)
        out = term if out is None else out + term
    return out


CONV = register(
    Op(
        "conv_nd",
        ("x", "w"),
        _conv,
        (_conv_vjp_x, _conv_vjp_w),
        kind="layer",
        jvp=_conv_jvp,
        doc="N-d cross-correlation of (N, C, *X) with filters (F, C, *W): (N, F, *G)",
    )
)


# -- pooling -------------------------------------------------------------------------------------
def _slices(x: Any, pool: tuple, stride: tuple, grid: tuple) -> Iterable[Any]:
    lead = x.ndim - len(pool)
    ones = (1,) * len(pool)
    return (x[_at(k, grid, stride, ones, lead)] for k in _offsets(pool))


def _pool_grid(x_shape: tuple, pool: tuple, stride: tuple) -> tuple:
    return _grid(x_shape[len(x_shape) - len(pool) :], pool, stride, (1,) * len(pool))


def _max_pool(xp: Any, x: Any, *, pool: tuple, stride: tuple) -> Any:
    slices = iter(_slices(x, pool, stride, _pool_grid(tuple(x.shape), pool, stride)))
    first = next(slices)
    y = None
    for s in slices:
        y = xp.maximum(first if y is None else y, s)  # NaN propagates
    return xp.asarray(first, copy=True) if y is None else y  # never a view of x


def _hits(xp: Any, x: Any, y: Any, pool: tuple, stride: tuple, dtype: Any) -> tuple[list, Any]:
    """Per window offset, where that slice holds its window's maximum (a NaN maximum: the
    NaNs), and how many of the window's elements do (the tie count, at least 1)."""
    hits = []
    count = None
    for s in _slices(x, pool, stride, _pool_grid(tuple(x.shape), pool, stride)):
        h = xp.logical_or(s == y, s != s)
        hits.append(h)
        c = xp.astype(h, dtype)
        count = c if count is None else count + c
    return hits, count


def _max_pool_vjp(xp: Any, g: Any, x: Any, y: Any, *, pool: tuple, stride: tuple) -> Any:
    hits, count = _hits(xp, x, y, pool, stride, g.dtype)
    share = g / count if len(hits) > 1 else g
    parts = (masked(xp, h, share) for h in hits)
    return _add_windows(xp, parts, tuple(x.shape), pool, stride, (1,) * len(pool))


def _max_pool_jvp(xp: Any, t: tuple, x: Any, y: Any, *, pool: tuple, stride: tuple) -> Any:
    hits, count = _hits(xp, x, y, pool, stride, t[0].dtype)
    total = None
    grid = tuple(y.shape[y.ndim - len(pool) :])
    for h, s in zip(hits, _slices(t[0], pool, stride, grid), strict=True):
        term = xp.where(h, s, 0.0)
        total = term if total is None else total + term
    return total / count if len(hits) > 1 else total


def _avg_pool(xp: Any, x: Any, *, pool: tuple, stride: tuple) -> Any:
    if not dtype_is(xp, x.dtype, "real floating"):  # the mean of integers: float64
        x = xp.astype(x, xp.float64)
    total = None
    for s in _slices(x, pool, stride, _pool_grid(tuple(x.shape), pool, stride)):
        total = s if total is None else total + s
    return total / math.prod(pool)  # a new array even for a 1-element window


def _avg_pool_vjp(xp: Any, g: Any, x_shape: tuple, *, pool: tuple, stride: tuple) -> Any:
    k = math.prod(pool)
    share = g / k
    return _add_windows(xp, (share for _ in range(k)), x_shape, pool, stride, (1,) * len(pool))


register(
    Op(
        "max_pool",
        ("x",),
        _max_pool,
        (_max_pool_vjp,),
        kind="layer",
        jvp=_max_pool_jvp,
        doc="the maximum of each window over the trailing axes; ties share the gradient",
    )
)
register(
    Op(
        "avg_pool",
        ("x",),
        _avg_pool,
        (_avg_pool_vjp,),
        kind="layer",
        jvp="linear",
        doc="the mean of each window over the trailing axes",
    )
)
