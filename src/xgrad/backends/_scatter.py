"""Scatter-add (and scatter-set) written against the array API standard alone.

The standard has no ``np.add.at``: integer-array assignment keeps one of several writes to the
same slot, so ``a[idx] += v`` drops duplicates (``array_api_extra.at(...).add`` has the same
flaw). Index gradients need every duplicate to count: ``x[[0, 0, 2]].sum()`` has gradient
``[2, 0, 1]``. This module sums duplicates exactly, with sorting, a segmented prefix sum of
``ceil(log2(m))`` static steps, and ``searchsorted``: no data-dependent Python loop and no
host synchronisation, so it runs unchanged on any device.
"""

from __future__ import annotations

import math
from typing import Any


def _on_device(xp: Any, values: Any, target: Any) -> Any:
    if hasattr(values, "shape"):
        return values
    return xp.asarray(values, dtype=target.dtype, device=target.device)


def _shift_right(xp: Any, a: Any, d: int, fill: Any) -> Any:
    """``a`` moved ``d`` places to the right along axis 0, padded with ``fill``."""
    pad = xp.full((d,), fill, dtype=a.dtype, device=a.device)
    return xp.concat([pad, a[: a.shape[0] - d]])


def segment_prefix_sum(xp: Any, keys: Any, values: Any) -> Any:
    """Running sums of ``values`` that restart at every change of ``keys`` (sorted, 1-D).

    The last element of each run of equal keys holds that run's total.
    """
    m = keys.shape[0]
    v = values
    d = 1
    while d < m:  # Hillis-Steele segmented scan: static number of steps
        same = xp.equal(keys, _shift_right(xp, keys, d, -1))
        v = v + xp.where(same, _shift_right(xp, v, d, 0), xp.zeros_like(v))
        d *= 2
    return v


def scatter_add_generic(xp: Any, target: Any, index: Any, values: Any) -> Any:
    """Return ``target`` with ``values`` added at ``target[index]``, duplicates accumulating.

    ``index`` is any key the backend's ``__getitem__`` accepts. The result is a new array.
    """
    sorted_ = _sorted_writes(xp, target, index, _on_device(xp, values, target))
    if sorted_ is None:
        return target
    lin_s, vals_s = sorted_
    sums = segment_prefix_sum(xp, lin_s, vals_s)
    hit, last = _last_write(xp, target, lin_s)
    dense = xp.where(hit, xp.take(sums, last), xp.zeros_like(xp.take(sums, last)))
    return target + xp.astype(xp.reshape(dense, target.shape), target.dtype)


def _sorted_writes(xp: Any, target: Any, index: Any, values: Any) -> tuple[Any, Any] | None:
    """The flat target positions that ``target[index]`` selects and the values written there,
    sorted stably by position (``None`` when nothing is selected)."""
    size = math.prod(target.shape)
    positions = xp.reshape(xp.arange(size, dtype=xp.int64, device=target.device), target.shape)
    picked = getitem(xp, positions, index)
    lin = xp.reshape(picked, (-1,))
    if lin.shape[0] == 0:
        return None
    vals = xp.reshape(xp.broadcast_to(values, picked.shape), (-1,))
    order = xp.argsort(lin, stable=True)
    return xp.take(lin, order), xp.take(vals, order)


def _last_write(xp: Any, target: Any, lin_s: Any) -> tuple[Any, Any]:
    """For every flat position of ``target``: whether it was written, and the index (in the
    sorted writes) of its last write (clipped into range where there was none)."""
    pos_all = xp.arange(math.prod(target.shape), dtype=xp.int64, device=target.device)
    last = xp.searchsorted(lin_s, pos_all, side="right") - 1
    last_c = xp.clip(last, 0, lin_s.shape[0] - 1)
    hit = xp.logical_and(last >= 0, xp.equal(xp.take(lin_s, last_c), pos_all))
    return hit, last_c


def scatter_set_generic(xp: Any, target: Any, index: Any, values: Any) -> Any:
    """Return a copy of ``target`` with ``target[index] = values`` (the last of duplicate
    writes wins, as in NumPy), for backends without integer-array ``__setitem__``."""
    values = xp.astype(_on_device(xp, values, target), target.dtype)
    sorted_ = _sorted_writes(xp, target, index, values)
    if sorted_ is None:
        return xp.asarray(target, copy=True)
    lin_s, vals_s = sorted_
    hit, last = _last_write(xp, target, lin_s)
    flat = xp.reshape(target, (-1,))
    return xp.reshape(xp.where(hit, xp.take(vals_s, last), flat), target.shape)


def getitem(xp: Any, x: Any, key: Any) -> Any:
    """``x[key]``, rewriting keys that mix integer arrays with other indices (which the array
    API does not allow) into pure integer-array keys."""
    items = key if isinstance(key, tuple) else (key,)
    arrays = [k for k in items if hasattr(k, "shape")]
    mixed = arrays and (
        len(arrays) != len(items)
        or (any(xp.isdtype(k.dtype, "bool") for k in arrays) and len(items) > 1)
    )
    if not mixed:
        return x[key]
    return x[canonical_key(xp, tuple(x.shape), items, x.device)]


def canonical_key(xp: Any, shape: tuple, key: tuple, device: Any) -> tuple:
    """An all-integer-array key selecting what NumPy's ``x[key]`` selects, in NumPy's order.

    The array API allows integer-array indices only on their own; NumPy mixes them with
    slices, integers, ``None``, ``...`` and boolean masks, with its placement rule for the
    broadcast advanced dimensions (in place if adjacent, else first). Every index becomes an
    integer array shaped to its output position, so the result has NumPy's shape exactly.
    """
    ndim = len(shape)
    consumed = 0
    for k in key:
        if k is None or k is Ellipsis:
            continue
        is_mask = hasattr(k, "dtype") and xp.isdtype(k.dtype, "bool")
        consumed += len(k.shape) if is_mask else 1
    expanded: list[Any] = []
    for k in key:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (ndim - consumed))
        else:
            expanded.append(k)
    if not any(k is Ellipsis for k in key):
        expanded.extend([slice(None)] * (ndim - consumed))
    items: list[tuple[str, Any]] = []  # ("slice", arange) | ("none", None) | ("adv", array)
    dim = 0
    for k in expanded:
        if k is None:
            items.append(("none", None))
        elif isinstance(k, slice):
            start, stop, step = k.indices(shape[dim])
            items.append(("slice", xp.arange(start, stop, step, device=device)))
            dim += 1
        elif isinstance(k, int):
            items.append(("adv", xp.asarray(k % shape[dim], device=device)))
            dim += 1
        elif xp.isdtype(k.dtype, "bool") and k.ndim == 0:
            # a 0-d mask (x[True], x[False]) indexes no axis: it adds an advanced dimension
            # of length 1 or 0, as NumPy's does
            items.append(("mask0", xp.nonzero(xp.reshape(k, (1,)))[0]))
        elif xp.isdtype(k.dtype, "bool"):
            for nz in xp.nonzero(k):
                items.append(("adv", nz))
                dim += 1
        else:
            items.append(("adv", xp.where(k < 0, k + shape[dim], k)))
            dim += 1
    adv = [i for i, (kind, _) in enumerate(items) if kind in ("adv", "mask0")]
    adv_shape = _broadcast_shapes([items[i][1].shape for i in adv])
    adjacent = adv == list(range(adv[0], adv[-1] + 1))
    rest = [i for i in range(len(items)) if i not in adv]
    if adjacent:
        layout = [i for i in rest if i < adv[0]] + ["ADV"] + [i for i in rest if i > adv[-1]]
    else:
        layout = ["ADV", *rest]
    out_shape: list[int] = []
    where: dict[Any, int] = {}
    for entry in layout:
        where[entry] = len(out_shape)
        if entry == "ADV":
            out_shape.extend(adv_shape)
        else:
            kind, value = items[entry]
            out_shape.append(1 if kind == "none" else value.shape[0])
    n_out = len(out_shape)
    int_key = []
    for i, (kind, value) in enumerate(items):
        if kind in ("none", "mask0"):
            continue
        if kind == "slice":
            s = [1] * n_out
            s[where[i]] = value.shape[0]
            int_key.append(xp.reshape(value, tuple(s)))
        else:
            a = xp.broadcast_to(value, adv_shape)
            p = where["ADV"]
            s = [1] * p + list(adv_shape) + [1] * (n_out - p - len(adv_shape))
            int_key.append(xp.reshape(a, tuple(s)))
    if any(kind == "mask0" for kind, _ in items):
        # the 0-d masks' dimensions exist only through broadcasting: spell the shape out
        full = tuple(out_shape)
        int_key = [xp.broadcast_to(k, full) for k in int_key]
    return tuple(int_key)


def _broadcast_shapes(shapes: list[tuple]) -> tuple:
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for s in shapes:
        for i, d in enumerate((1,) * (n - len(s)) + tuple(s)):
            if d != 1:
                if out[i] not in (1, d):
                    raise IndexError(
                        f"shape mismatch: indexing arrays could not be broadcast "
                        f"together with shapes {shapes}"
                    )
                out[i] = d
    return tuple(out)
