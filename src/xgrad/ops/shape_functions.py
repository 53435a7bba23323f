"""The public shape functions (``reshape``, ``transpose``, ``concatenate``, ``where``,
``astype``, ...): views of tensors where MyGrad makes views, each put in the function table
(:data:`xgrad._registry.FUNCTIONS`).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

from .. import backends
from .._op import OPS
from .._registry import FUNCTIONS
from .._tensor import Tensor, _broadcast_shape
from .._views import Link, make_view
from ._public import (
    as_tensor_input,
    constant_result,
    ndim_of,
    norm_axes,
    norm_axis,
    run,
)
from ._public import (
    export as _export,
)
from .nondiff import NONDIFF, call_nondiff
from .shape import concat_op, stack_op


# -- shape ----------------------------------------------------------------------------------------
def _view_or_run(name: str, a: Any, params: dict, constant: bool | None) -> Tensor:
    """View ops return views of tensors (MyGrad's semantics), ``constant=`` or not: a
    ``constant=True`` view of a non-constant tensor shares its memory and writes but passes
    no gradient to it. A non-constant result of a constant tensor (``constant=False``) is a
    new leaf, not a view: as a view it would read its gradient from a base that has none.
    Arrays just run the op."""
    if isinstance(a, Tensor) and (constant is None or constant or not a._constant):
        out = make_view(a, Link(name, params))
        return constant_result(out, (a,)) if constant and not out._constant else out
    return run(OPS[name], (a,), params, constant)


def _shape_arg(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int) or hasattr(shape, "__index__"):
        return (int(shape),)
    return tuple(int(n) for n in shape)


def reshape(a: Any, newshape: Any, *, constant: bool | None = None) -> Tensor:
    """The same elements in a new shape (one dimension may be -1).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.reshape(xg.arange(6.0), (2, -1))
    Tensor([[0., 1., 2.],
            [3., 4., 5.]])
    """
    a = as_tensor_input(a)
    shp = _shape_arg(newshape)
    if shp.count(-1) > 1:
        raise ValueError("reshape: can only specify one unknown dimension (-1)")
    size = math.prod(a.shape)
    known = math.prod(n for n in shp if n != -1)
    if -1 in shp:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape a tensor of size {size} into shape {shp}")
        shp = tuple(size // known if n == -1 else n for n in shp)
    elif known != size:
        raise ValueError(f"cannot reshape a tensor of size {size} into shape {shp}")
    return _view_or_run("reshape", a, {"shape": shp}, constant)


def ravel(a: Any, *, constant: bool | None = None) -> Tensor:
    """The elements as a 1-D tensor: a view of a contiguous tensor, otherwise a copy (as
    ``numpy.ravel``)."""
    a = as_tensor_input(a)
    if isinstance(a, Tensor) and not a._backend.is_contiguous(a._data):
        out = run(OPS["reshape"], (a,), {"shape": (math.prod(a.shape),)}, constant)
        if a._backend.shares_memory(out._data, a._data):
            out._data = a._backend.xp.asarray(out._data, copy=True)
        return out
    return reshape(a, (-1,), constant=constant)


def broadcast_to(a: Any, shape: Any, *, constant: bool | None = None) -> Tensor:
    """``a`` broadcast to ``shape``; the gradient is summed back.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> xg.broadcast_to(x, (3, 2)).backward()
    >>> x.grad
    array([3., 3.])
    """
    a = as_tensor_input(a)
    shp = _shape_arg(shape)
    if _broadcast_shape(tuple(a.shape), shp) != shp:
        raise ValueError(f"cannot broadcast a tensor of shape {tuple(a.shape)} to {shp}")
    return _view_or_run("broadcast_to", a, {"shape": shp}, constant)


def expand_dims(a: Any, axis: Any, *, constant: bool | None = None) -> Tensor:
    """Insert size-1 axes at ``axis`` (an int or a tuple)."""
    a = as_tensor_input(a)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_nd = ndim_of(a) + len(axes)
    norm = norm_axes(tuple(axes), out_nd)
    return _view_or_run("expand_dims", a, {"axis": norm}, constant)


def squeeze(a: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Remove size-1 axes (all of them, or those in ``axis``)."""
    a = as_tensor_input(a)
    shp = tuple(a.shape)
    if axis is None:
        axes = tuple(i for i, n in enumerate(shp) if n == 1)
    else:
        axes = norm_axes(axis, len(shp))
        for i in axes:
            if shp[i] != 1:
                raise ValueError(
                    f"cannot select an axis to squeeze out which has size not equal to one "
                    f"(axis {i} has size {shp[i]})"
                )
    return _view_or_run("squeeze", a, {"axis": axes}, constant)


def permute_dims(a: Any, axes: Any, *, constant: bool | None = None) -> Tensor:
    """Permute the axes (the array-API name of ``transpose``)."""
    a = as_tensor_input(a)
    nd = ndim_of(a)
    perm = tuple(norm_axis(i, nd) for i in axes)
    if sorted(perm) != list(range(nd)):
        raise ValueError(f"axes {tuple(axes)} are not a permutation of {tuple(range(nd))}")
    return _view_or_run("permute_dims", a, {"axes": perm}, constant)


def transpose(a: Any, axes: Any = None, *, constant: bool | None = None) -> Tensor:
    """Permute the axes; reverse them when ``axes`` is ``None`` (``.T``)."""
    a = as_tensor_input(a)
    if axes is None:
        axes = tuple(range(ndim_of(a)))[::-1]
    return permute_dims(a, axes, constant=constant)


def matrix_transpose(x: Any, *, constant: bool | None = None) -> Tensor:
    """Swap the last two axes (``.mT``)."""
    x = as_tensor_input(x)
    nd = ndim_of(x)
    if nd < 2:
        raise ValueError("matrix_transpose needs at least two dimensions")
    return permute_dims(x, (*range(nd - 2), nd - 1, nd - 2), constant=constant)


def moveaxis(a: Any, source: Any, destination: Any, *, constant: bool | None = None) -> Tensor:
    """Move axes to new positions, keeping the order of the others."""
    a = as_tensor_input(a)
    nd = ndim_of(a)
    src = [norm_axis(s, nd) for s in (source if isinstance(source, (tuple, list)) else [source])]
    dst = [
        norm_axis(d, nd)
        for d in (destination if isinstance(destination, (tuple, list)) else [destination])
    ]
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same length")
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return permute_dims(a, order, constant=constant)


def swapaxes(a: Any, axis1: int, axis2: int, *, constant: bool | None = None) -> Tensor:
    """Interchange two axes."""
    a = as_tensor_input(a)
    nd = ndim_of(a)
    i, j = norm_axis(axis1, nd), norm_axis(axis2, nd)
    perm = list(range(nd))
    perm[i], perm[j] = perm[j], perm[i]
    return permute_dims(a, perm, constant=constant)


def flip(a: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes by default)."""
    a = as_tensor_input(a)
    return run(OPS["flip"], (a,), {"axis": norm_axes(axis, ndim_of(a))}, constant)


def roll(a: Any, shift: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Shift elements cyclically along ``axis`` (of the flattened array by default)."""
    a = as_tensor_input(a)
    if axis is None:  # the flattened array, shifted by the total (as NumPy)
        total = builtins.sum(shift) if isinstance(shift, (tuple, list)) else shift
        flat = run(OPS["roll"], (ravel(a),), {"shift": int(total), "axis": 0}, constant)
        return reshape(flat, a.shape)
    nd = ndim_of(a)
    if isinstance(axis, (tuple, list)):
        ax: Any = tuple(norm_axis(i, nd) for i in axis)
        sh: Any = tuple(shift) if isinstance(shift, (tuple, list)) else (int(shift),) * len(ax)
    else:
        ax, sh = norm_axis(axis, nd), int(shift)
    return run(OPS["roll"], (a,), {"shift": sh, "axis": ax}, constant)


def concatenate(
    arrays: Sequence[Any], axis: int | None = 0, *, constant: bool | None = None
) -> Tensor:
    """Join tensors along an existing axis (all flattened first when ``axis`` is ``None``).

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.tensor([1.0, 2.0]), xg.tensor([3.0])
    >>> (xg.concatenate([a, b]) * xg.tensor([1.0, 2.0, 3.0])).sum().backward()
    >>> a.grad, b.grad
    (array([1., 2.]), array([3.]))
    """
    items = [as_tensor_input(t) for t in arrays]
    if not items:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        items = [ravel(t) for t in items]
        axis = 0
    nd = ndim_of(items[0])
    ax = norm_axis(axis, nd)
    bounds = [0]
    for t in items:
        if ndim_of(t) != nd:
            raise ValueError("all the input arrays must have the same number of dimensions")
        bounds.append(bounds[-1] + t.shape[ax])
    return run(concat_op(len(items)), items, {"axis": ax, "bounds": tuple(bounds)}, constant)


def stack(arrays: Sequence[Any], axis: int = 0, *, constant: bool | None = None) -> Tensor:
    """Join tensors of one shape along a new axis."""
    items = [as_tensor_input(t) for t in arrays]
    if not items:
        raise ValueError("need at least one array to stack")
    shp = tuple(items[0].shape)
    if builtins.any(tuple(t.shape) != shp for t in items):
        raise ValueError("all input arrays must have the same shape")
    ax = norm_axis(axis, len(shp) + 1)
    return run(stack_op(len(items)), items, {"axis": ax}, constant)


def where(condition: Any, x: Any = None, y: Any = None, *, constant: bool | None = None) -> Any:
    """``x`` where ``condition`` is true, else ``y`` (differentiable in ``x`` and ``y``).

    With only ``condition``, the indices where it is true (``nonzero``), as NumPy.
    """
    if x is None and y is None:
        return call_nondiff(NONDIFF["nonzero"], (condition,), {})
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    if isinstance(condition, Tensor):
        condition = condition._data
    return run(OPS["where"], (condition, x, y), None, constant)


def astype(x: Any, dtype: Any, *, copy: bool = True, constant: bool | None = None) -> Tensor:
    """Cast to ``dtype``. Differentiable between floating-point dtypes (the gradient is cast
    back); a cast to an integer or boolean dtype gives a constant."""
    x = as_tensor_input(x)
    bk = x._backend if isinstance(x, Tensor) else None
    if bk is None:
        bk = backends.backend_of(x)
    dt = bk.dtype(dtype)
    if not copy and x.dtype == dt:
        return x if isinstance(x, Tensor) else Tensor(x, copy=False)
    if not bk.xp.isdtype(dt, "real floating"):
        constant = True
    return run(OPS["astype"], (x,), {"dtype": dt}, constant)


for _f in (
    reshape,
    ravel,
    broadcast_to,
    expand_dims,
    squeeze,
    permute_dims,
    transpose,
    matrix_transpose,
    moveaxis,
    swapaxes,
    flip,
    roll,
    concatenate,
    stack,
    where,
    astype,
):
    _export(_f)
FUNCTIONS["concat"] = concatenate
