"""The public shape functions (``reshape``, ``transpose``, ``concatenate``, ``where``,
``astype``, ...): views of tensors where MyGrad makes views, each put in the function table
(:data:`xgrad._registry.FUNCTIONS`).
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

from .. import _inplace, backends
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
    shp = resolve_shape(math.prod(a.shape), newshape)
    return _view_or_run("reshape", a, {"shape": shp}, constant)


def resolve_shape(size: int, newshape: Any) -> tuple[int, ...]:
    """``newshape`` (an int or ints, one of them possibly -1) for ``size`` elements, with the
    -1 worked out; NumPy's ``ValueError`` when it does not fit."""
    shp = _shape_arg(newshape)
    if shp.count(-1) > 1:
        raise ValueError("reshape: can only specify one unknown dimension (-1)")
    known = math.prod(n for n in shp if n != -1)
    if -1 in shp:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape a tensor of size {size} into shape {shp}")
        return tuple(size // known if n == -1 else n for n in shp)
    if known != size:
        raise ValueError(f"cannot reshape a tensor of size {size} into shape {shp}")
    return shp


def ravel(a: Any, *, constant: bool | None = None) -> Tensor:
    """The elements as a 1-D tensor: a view of a contiguous tensor, otherwise a copy (as
    ``numpy.ravel``).

    Parameters
    ----------
    a : Tensor or array_like
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        1-D, of ``a.size`` elements in C order.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> r = xg.ravel(x)
    >>> r, r.base is x
    (Tensor([1., 2., 3., 4.]), True)
    >>> r = xg.ravel(x.T)               # not contiguous: a copy
    >>> r, r.base is None
    (Tensor([1., 3., 2., 4.]), True)
    """
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
    """Insert size-1 axes at ``axis`` (an int or a tuple, positions in the result); a view.

    Parameters
    ----------
    a : Tensor or array_like
    axis : int or tuple of ints
        Where the new axes go, counted in the result (negative from its end).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> xg.expand_dims(x, 0)
    Tensor([[1., 2.]])
    >>> xg.expand_dims(x, (0, 2)).shape, xg.expand_dims(x, -1).shape
    ((1, 2, 1), (2, 1))
    """
    a = as_tensor_input(a)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out_nd = ndim_of(a) + len(axes)
    norm = norm_axes(tuple(axes), out_nd)
    return _view_or_run("expand_dims", a, {"axis": norm}, constant)


def squeeze(a: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Remove size-1 axes (all of them, or those in ``axis``); a view.

    Parameters
    ----------
    a : Tensor or array_like
    axis : int or tuple of ints, optional
        The axes to remove; each must have length 1 (``ValueError`` otherwise).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.zeros((1, 3, 1))
    >>> xg.squeeze(x).shape, xg.squeeze(x, axis=0).shape
    ((3,), (3, 1))
    >>> xg.squeeze(x, axis=1)
    Traceback (most recent call last):
    ...
    ValueError: cannot select an axis to squeeze out ... (axis 1 has size 3)
    """
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
    """Permute the axes (the array-API name of ``transpose``): axis ``i`` of the result is
    axis ``axes[i]`` of ``a``; a view.

    Parameters
    ----------
    a : Tensor or array_like
    axes : sequence of ints
        A permutation of ``range(a.ndim)`` (negative axes allowed).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.permute_dims(xg.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    a = as_tensor_input(a)
    nd = ndim_of(a)
    perm = tuple(norm_axis(i, nd) for i in axes)
    if sorted(perm) != list(range(nd)):
        raise ValueError(f"axes {tuple(axes)} are not a permutation of {tuple(range(nd))}")
    return _view_or_run("permute_dims", a, {"axes": perm}, constant)


def transpose(a: Any, *axes: Any, constant: bool | None = None, **kwargs: Any) -> Tensor:
    """Permute the axes; reverse them when ``axes`` is ``None`` (``.T``). The result is a
    view: writing into it writes into ``a``. The axes may be given as MyGrad takes them
    (``transpose(a, 1, 0)``) or as NumPy does (``transpose(a, (1, 0))``, ``axes=(1, 0)``).

    Parameters
    ----------
    a : Tensor or array_like
    axes : sequence of ints, optional
        A permutation of ``range(a.ndim)``; reversed axes by default.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> y = xg.transpose(x)
    >>> y
    Tensor([[1., 4.],
            [2., 5.],
            [3., 6.]])
    >>> y[0, 1] = -4.0
    >>> x
    Tensor([[ 1.,  2.,  3.],
            [-4.,  5.,  6.]])
    >>> xg.transpose(xg.zeros((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    if kwargs:
        if set(kwargs) != {"axes"} or axes:
            raise TypeError(
                f"transpose() got unexpected arguments {sorted(kwargs)}: give the axes "
                "positionally, transpose(a, 1, 0), or as axes=(1, 0)"
            )
        axes = (kwargs["axes"],)
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    a = as_tensor_input(a)
    if axes is None or axes == ():
        axes = tuple(range(ndim_of(a)))[::-1]
    return permute_dims(a, axes, constant=constant)


def matrix_transpose(x: Any, *, constant: bool | None = None) -> Tensor:
    """Swap the last two axes (``.mT``): a stack of matrices, each transposed; a view.

    Parameters
    ----------
    x : Tensor or array_like
        At least 2-D.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.matrix_transpose(xg.zeros((5, 2, 3))).shape
    (5, 3, 2)
    >>> xg.matrix_transpose(xg.tensor([[1.0, 2.0]]))
    Tensor([[1.],
            [2.]])
    """
    x = as_tensor_input(x)
    nd = ndim_of(x)
    if nd < 2:
        raise ValueError("matrix_transpose needs at least two dimensions")
    return permute_dims(x, (*range(nd - 2), nd - 1, nd - 2), constant=constant)


def moveaxis(a: Any, source: Any, destination: Any, *, constant: bool | None = None) -> Tensor:
    """Move axes to new positions, keeping the order of the others; a view.

    Parameters
    ----------
    a : Tensor or array_like
    source : int or sequence of ints
        The axes to move.
    destination : int or sequence of ints
        Their positions in the result (as many as ``source``).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.zeros((2, 3, 4))
    >>> xg.moveaxis(x, 0, -1).shape
    (3, 4, 2)
    >>> xg.moveaxis(x, [0, 1], [-1, -2]).shape
    (4, 3, 2)
    """
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
    """Interchange two axes; a view.

    Parameters
    ----------
    a : Tensor or array_like
    axis1, axis2 : int
        The two axes.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.swapaxes(xg.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    >>> xg.swapaxes(xg.tensor([[1.0, 2.0, 3.0]]), 0, 1)
    Tensor([[1.],
            [2.],
            [3.]])
    """
    a = as_tensor_input(a)
    nd = ndim_of(a)
    i, j = norm_axis(axis1, nd), norm_axis(axis2, nd)
    perm = list(range(nd))
    perm[i], perm[j] = perm[j], perm[i]
    return permute_dims(a, perm, constant=constant)


def flip(a: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes by default); the gradient is
    flipped back.

    Parameters
    ----------
    a : Tensor or array_like
    axis : int or tuple of ints, optional
        The axes to reverse; all of them by default.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> xg.flip(x)
    Tensor([[4., 3.],
            [2., 1.]])
    >>> xg.flip(x, axis=1)
    Tensor([[2., 1.],
            [4., 3.]])
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> (xg.flip(x) * xg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    array([100.,  10.,   1.])
    """
    a = as_tensor_input(a)
    return run(OPS["flip"], (a,), {"axis": norm_axes(axis, ndim_of(a))}, constant)


def roll(a: Any, shift: Any, axis: Any = None, *, constant: bool | None = None) -> Tensor:
    """Shift elements cyclically along ``axis`` (of the flattened array by default); the
    gradient is shifted back.

    Parameters
    ----------
    a : Tensor or array_like
    shift : int or tuple of ints
        Places to shift by (towards higher indices); a tuple gives one shift per axis.
    axis : int or tuple of ints, optional
        The axes to roll; by default the flattened array, reshaped back.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0, 4.0])
    >>> y = xg.roll(x, 1)
    >>> (y * xg.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    >>> y, x.grad
    (Tensor([4., 1., 2., 3.]), array([  10.,  100., 1000.,    1.]))
    >>> x = xg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> xg.roll(x, 1)                   # the flattened array, reshaped back
    Tensor([[6., 1., 2.],
            [3., 4., 5.]])
    >>> xg.roll(x, -1, axis=1)
    Tensor([[2., 3., 1.],
            [5., 6., 4.]])
    """
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
    tensors: Sequence[Any],
    axis: int | None = 0,
    out: Any = None,
    dtype: Any = None,
    *,
    constant: bool | None = None,
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
    items = [as_tensor_input(t) for t in tensors]
    if not items:
        raise ValueError("need at least one array to concatenate")
    if dtype is not None:
        items = [FUNCTIONS["astype"](t, dtype) for t in items]
    if out is not None:
        return _into(out, concatenate(items, axis, constant=constant), "concatenate")
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


def stack(
    tensors: Sequence[Any], axis: int = 0, out: Any = None, *, constant: bool | None = None
) -> Tensor:
    """Join tensors of one shape along a new axis; each input gets its slice of the gradient.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        At least one, all of the same shape.
    axis : int, optional
        The new axis' position in the result (0 by default).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        One dimension more than the inputs.

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0])
    >>> s = xg.stack([a, b], axis=1)
    >>> (s * xg.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
    >>> s
    Tensor([[1., 3.],
            [2., 4.]])
    >>> a.grad, b.grad
    (array([  1., 100.]), array([  10., 1000.]))
    """
    items = [as_tensor_input(t) for t in tensors]
    if not items:
        raise ValueError("need at least one array to stack")
    if out is not None:
        return _into(out, stack(items, axis, constant=constant), "stack")
    shp = tuple(items[0].shape)
    if builtins.any(tuple(t.shape) != shp for t in items):
        raise ValueError("all input arrays must have the same shape")
    ax = norm_axis(axis, len(shp) + 1)
    return run(stack_op(len(items)), items, {"axis": ax}, constant)


def where(condition: Any, x: Any = None, y: Any = None, *, constant: bool | None = None) -> Any:
    """``x`` where ``condition`` is true, else ``y`` (differentiable in ``x`` and ``y``).

    With only ``condition``, the indices where it is true (``nonzero``), as NumPy.

    Parameters
    ----------
    condition : Tensor or array_like of bool
        Not differentiated.
    x, y : Tensor, array_like or number, optional
        The values where ``condition`` is true and false; broadcast together with it.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, or tuple of arrays
        The chosen values; with ``condition`` alone, one index array per dimension.

    Examples
    --------
    >>> import xgrad as xg
    >>> x, y = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0, 30.0])
    >>> w = xg.where(x > 1.5, x, y)
    >>> w.backward()
    >>> w, x.grad, y.grad
    (Tensor([10.,  2.,  3.]), array([0., 1., 1.]), array([1., 0., 0.]))
    >>> xg.where(xg.tensor([0, 3, 0, 5]))
    (array([1, 3]),)
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
    back); a cast to an integer or boolean dtype gives a constant. ``copy=False`` returns
    ``x`` itself when it already has ``dtype``.

    Parameters
    ----------
    x : Tensor or array_like
    dtype : data-type
        The target dtype (``"float32"``, ``float``, ``np.int64``, a backend dtype, ...).
    copy : bool, optional
        ``False`` skips the copy when ``x`` already has ``dtype``.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.5, -2.5])
    >>> y = xg.astype(x, "float32")
    >>> (y * 2).sum().backward()
    >>> y, x.grad, x.grad.dtype
    (Tensor([ 1.5, -2.5], dtype=float32), array([2., 2.]), dtype('float64'))
    >>> z = xg.astype(x, "int64")       # truncated, as NumPy
    >>> z, z.constant
    (Tensor([ 1, -2]), True)
    >>> xg.astype(x, "float64", copy=False) is x
    True
    """
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


def _into(out: Any, result: Tensor, name: str) -> Tensor:
    """``out=`` of ``concatenate``/``stack``: the result written into the tensor ``out``
    (an in-place update, recorded as MyGrad records it)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}: out must be an xgrad Tensor, got {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        raise ValueError(
            f"{name}: out has shape {tuple(out.shape)}, the result {tuple(result.shape)}"
        )
    return _inplace.assign(out, result, name)
