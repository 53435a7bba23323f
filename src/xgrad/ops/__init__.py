"""The op table, and the public functions derived from it.

Importing this package registers every row (``elementwise``, ``reductions``, ``linalg``,
``shape``, ``nondiff``) and builds one NumPy-style function per row. The NumPy dispatch
tables (:mod:`xgrad._interop`) and the test table are derived from the same registry.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

from .._tensor import Tensor
from . import elementwise, linalg, reductions  # noqa: F401  (register the rows)
from . import indexing as _indexing_rows  # noqa: F401
from . import nnet as _nnet_rows  # noqa: F401
from . import nondiff as _nondiff
from . import shape as _shape_rows  # noqa: F401
from ._core import OPS, Op, apply, apply1, apply2
from ._public import (
    as_tensor_input,
    binary_function,
    constant_result,
    ndim_of,
    norm_axes,
    norm_axis,
    run,
    ufunc_call,
    unary_function,
)
from .nondiff import NONDIFF, NonDiff, call_nondiff

__all__ = ["FUNCTIONS", "NONDIFF", "OPS", "Op", "apply", "apply1", "apply2"]

#: every public function, by name (what ``xgrad`` exports from here)
FUNCTIONS: dict[str, Any] = {}


def _export(fn: Any, *names: str) -> Any:
    for n in names or (fn.__name__,):
        FUNCTIONS[n] = fn
    return fn


# -- elementwise: generated, one per row (aliases share the function) ----------------------------
for _name, _op in list(OPS.items()):
    if _op.kind != "elementwise" or _op.name == "clip":
        continue
    if _op.name not in FUNCTIONS:
        FUNCTIONS[_op.name] = (unary_function if _op.nin == 1 else binary_function)(_op)
    FUNCTIONS[_name] = FUNCTIONS[_op.name]


def clip(
    a: Any,
    a_min: Any = None,
    a_max: Any = None,
    out: Any = None,
    *,
    constant: bool | None = None,
    min: Any = None,
    max: Any = None,
) -> Tensor:
    """``a`` limited to ``[a_min, a_max]``; either bound may be ``None`` (no limit on that
    side) and either may be a tensor. ``min=`` and ``max=`` are the array API's names for
    them. With both ``None`` the result is a copy of ``a``, as in NumPy 2.

    The derivative with respect to ``a`` is 1 strictly inside the bounds and 0 at a bound and
    beyond; a tensor bound gets the gradient of the elements clipped to it.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([-2.0, 0.5, 3.0])
    >>> y = xg.clip(x, -1, 1)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-1. ,  0.5,  1. ]), array([0., 1., 0.]))
    >>> x = xg.tensor([-2.0, 0.5, 3.0])
    >>> y = xg.clip(x, None, 1.0)       # one-sided
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-2. ,  0.5,  1. ]), array([1., 1., 0.]))
    """
    if (a_min is not None and min is not None) or (a_max is not None and max is not None):
        raise ValueError(
            "clip: pass each bound once (a_min and min=, or a_max and max=, name the same bound)"
        )
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    params = None
    if lo is None or hi is None:  # the missing bound's input is a placeholder, never read
        given = "none" if lo is None and hi is None else ("max" if lo is None else "min")
        params = {"bounds": given}
        lo = 0 if lo is None else lo
        hi = 0 if hi is None else hi
    if out is not None:
        return ufunc_call(OPS["clip"], (a, lo, hi), out, True, None, constant, params=params)
    return run(OPS["clip"], (a, lo, hi), params, constant)


_export(clip)


def divmod_(
    x1: Any, x2: Any, out: Any = None, *, constant: bool | None = None
) -> tuple[Any, Tensor]:
    """``(x1 // x2, x1 % x2)``, as :func:`numpy.divmod`: the quotient is a plain array (a
    rounding result, with no useful derivative), the remainder a differentiable tensor.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([5.0, -7.0])
    >>> q, r = divmod(x, 3.0)
    >>> r.backward()
    >>> q, r, x.grad
    (array([ 1., -3.]), Tensor([2., 2.]), array([1., 1.]))
    """
    if out is not None:
        raise TypeError(
            "divmod: out= is not supported for xgrad tensors (the quotient is a plain array, "
            "the remainder a tensor); use the returned (quotient, remainder)"
        )
    q = call_nondiff(NONDIFF["floor_divide"], (x1, x2), {}, check=False)
    return q, run(OPS["remainder"], (x1, x2), None, constant)


divmod_.__name__ = divmod_.__qualname__ = "divmod"
_export(divmod_)


def imag(val: Any) -> Tensor:
    """The imaginary part of real data: zeros of ``val``'s shape and dtype, a constant (its
    derivative is 0). xgrad refuses complex dtypes, so this is all ``imag`` can be.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.imag(xg.tensor([1.5, -2.0]))
    Tensor([0., 0.])
    """
    from .._creation import zeros_like

    return zeros_like(as_tensor_input(val), constant=True)


_export(imag)


def _fold(name: str, variables: tuple, constant: bool | None) -> Tensor:
    if len(variables) < 2:
        raise ValueError(f"{name}_sequence needs at least two inputs, got {len(variables)}")
    op = OPS[name]
    acc = variables[0]
    for v in variables[1:-1]:
        acc = run(op, (acc, v), None, True if constant else None)
    return run(op, (acc, variables[-1]), None, constant)


def add_sequence(*variables: Any, constant: bool | None = None) -> Tensor:
    """``a + b + ...`` of two or more broadcast-compatible tensors, arrays or numbers (as
    ``mygrad.add_sequence``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x, y = xg.tensor([1.0, 2.0]), xg.tensor([[10.0]])
    >>> out = xg.add_sequence(x, y, 100.0)
    >>> out.backward()
    >>> out, x.grad, y.grad
    (Tensor([[111., 112.]]), array([1., 1.]), array([[2.]]))
    """
    return _fold("add", variables, constant)


def multiply_sequence(*variables: Any, constant: bool | None = None) -> Tensor:
    """``a * b * ...`` of two or more broadcast-compatible tensors, arrays or numbers (as
    ``mygrad.multiply_sequence``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x, y = xg.tensor([1.0, 2.0]), xg.tensor([3.0, 4.0])
    >>> out = xg.multiply_sequence(x, y, 2.0)
    >>> out.sum().backward()
    >>> out, x.grad, y.grad
    (Tensor([ 6., 16.]), array([6., 8.]), array([2., 4.]))
    """
    return _fold("multiply", variables, constant)


_export(add_sequence)
_export(multiply_sequence)


# -- reductions ----------------------------------------------------------------------------------
def _reduce(name: str, x: Any, axis: Any, keepdims: bool, constant: Any, **extra: Any) -> Tensor:
    x = as_tensor_input(x)
    params = {"axis": norm_axes(axis, ndim_of(x)), "keepdims": bool(keepdims), **extra}
    return run(OPS[name], (x,), params, constant)


def sum(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """Sum over ``axis`` (an int, a tuple, or ``None`` for all).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> s = xg.sum(x, axis=0)
    >>> s.backward()
    >>> s, x.grad
    (Tensor([4., 6.]), array([[1., 1.],
           [1., 1.]]))
    """
    return _reduce("sum", x, axis, keepdims, constant)


def mean(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """Arithmetic mean over ``axis``."""
    return _reduce("mean", x, axis, keepdims, constant)


def prod(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """Product over ``axis``; its derivative is exact when elements are zero.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([2.0, 0.0, 5.0])
    >>> xg.prod(x).backward()
    >>> x.grad
    array([ 0., 10.,  0.])
    """
    return _reduce("prod", x, axis, keepdims, constant)


def var(
    x: Any,
    axis: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    constant: bool | None = None,
) -> Tensor:
    """Variance over ``axis``, dividing by ``N - ddof``."""
    return _reduce("var", x, axis, keepdims, constant, ddof=ddof)


def std(
    x: Any,
    axis: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    constant: bool | None = None,
) -> Tensor:
    """Standard deviation over ``axis``, dividing by ``N - ddof``.

    Where the standard deviation is 0 (equal values, or one value per slice as with
    ``axis=()``) its gradient is 0, the subgradient, not 0/0.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 3.0], [2.0, 2.0]])
    >>> xg.std(x, axis=1).sum().backward()
    >>> x.grad
    array([[-0.5,  0.5],
           [ 0. ,  0. ]])
    """
    return _reduce("std", x, axis, keepdims, constant, ddof=ddof)


def max(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """Maximum over ``axis``; tied elements share the gradient equally (as PyTorch and JAX).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 3.0, 3.0])
    >>> xg.max(x).backward()
    >>> x.grad
    array([0. , 0.5, 0.5])
    """
    return _reduce("max", x, axis, keepdims, constant)


def min(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """Minimum over ``axis``; tied elements share the gradient equally."""
    return _reduce("min", x, axis, keepdims, constant)


def _cumulative(name: str, x: Any, axis: Any, constant: Any) -> Tensor:
    x = as_tensor_input(x)
    ax = None if axis is None else norm_axis(axis, ndim_of(x))
    return run(OPS[name], (x,), {"axis": ax}, constant)


def cumsum(x: Any, axis: int | None = None, *, constant: bool | None = None) -> Tensor:
    """Running sum along ``axis`` (of the flattened array when ``axis`` is ``None``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> xg.cumsum(x).backward()
    >>> x.grad
    array([3., 2., 1.])
    """
    return _cumulative("cumsum", x, axis, constant)


def cumprod(x: Any, axis: int | None = None, *, constant: bool | None = None) -> Tensor:
    """Running product along ``axis``; its derivative is exact with zeros."""
    return _cumulative("cumprod", x, axis, constant)


for _f in (sum, mean, prod, var, std, max, min, cumsum, cumprod):
    _export(_f)
FUNCTIONS["amax"] = max
FUNCTIONS["amin"] = min


for _name, _fn in linalg.PUBLIC.items():
    FUNCTIONS[_name] = _fn


# -- shape ----------------------------------------------------------------------------------------
def _view_or_run(name: str, a: Any, params: dict, constant: bool | None) -> Tensor:
    """View ops return views of tensors (MyGrad's semantics), ``constant=`` or not: a
    ``constant=True`` view of a non-constant tensor shares its memory and writes but passes
    no gradient to it. A non-constant result of a constant tensor (``constant=False``) is a
    new leaf, not a view: as a view it would read its gradient from a base that has none.
    Arrays just run the op."""
    if isinstance(a, Tensor) and (constant is None or constant or not a._constant):
        from .._views import Link, make_view

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
    from .._tensor import _broadcast_shape

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
    from .shape import concat_op

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
    from .shape import stack_op

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
        from .. import backends

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

from . import manipulation as _manipulation  # noqa: E402  (composes the functions above)

FUNCTIONS.update(_manipulation.PUBLIC)


# -- non-differentiable functions --------------------------------------------------------------
def _nondiff_function(nd: NonDiff) -> Any:
    def fn(*args: Any, **kwargs: Any) -> Any:
        return call_nondiff(nd, args[: nd.nin], _nd_kwargs(nd, args[nd.nin :], kwargs))

    fn.__name__ = fn.__qualname__ = nd.name
    fn.__module__ = "xgrad"
    kind = (
        "Returns an array for constant tensors and raises NonDifferentiableError for "
        "tensors that need a gradient (its derivative is zero almost everywhere)."
        if nd.rounding
        else "Returns a plain array of the inputs' backend (not a Tensor)."
    )
    fn.__doc__ = f"{nd.name}: {nd.doc}.\n\nNot differentiable. {kind}\n"
    fn._xgrad_nondiff = nd
    return fn


def _nd_kwargs(nd: NonDiff, extra: tuple, kwargs: dict) -> dict:
    """Map NumPy's positional extras (``axis``, ``decimals``) and drop ``out=None``."""
    kwargs = {k: v for k, v in kwargs.items() if not (k == "out" and v is None)}
    if "out" in kwargs:
        raise TypeError(f"{nd.name}: out= is not supported; use the returned array")
    if extra:
        names = {"round": ("decimals",), "around": ("decimals",)}.get(nd.name, ("axis", "keepdims"))
        kwargs.update(zip(names, extra, strict=False))
    return kwargs


_nd_made: dict[int, Any] = {}
for _name, _nd in NONDIFF.items():
    if id(_nd) not in _nd_made:  # NumPy's signature where nondiff.py spells one out
        _nd_made[id(_nd)] = _nondiff.PUBLIC.get(_nd.name) or _nondiff_function(_nd)
    FUNCTIONS[_name] = _nd_made[id(_nd)]


# -- NumPy functions (not ufuncs) that dispatch to the function of the same name ---------------
# (ufuncs such as ``copysign`` and ``left_shift`` dispatch by name already; ``_interop`` reads
# this table, which op modules fill by NumPy path since they may not import NumPy)
linalg.NUMPY_DISPATCH.update(
    {
        _name: FUNCTIONS[_name]
        for _name in (
            "real",
            "imag",
            "isin",
            "searchsorted",
            "unique",
            "unique_all",
            "unique_counts",
            "unique_inverse",
            "unique_values",
            "meshgrid",
            "broadcast_arrays",
            "unstack",
        )
    }
)
