"""NumPy's array-manipulation functions, built from the op table's rows.

Each function here is a short composition of differentiable rows (views, ``concatenate``,
``getitem``, ``pad``, ...), so its derivative is exact by construction; each has its own row
in the op-test table. Functions whose derivative deserves a dedicated rule (``pad``,
``tril``, ``repeat``, ``logsumexp``) are rows of their own.
"""

from __future__ import annotations

import builtins
import itertools
import operator
from collections.abc import Sequence
from typing import Any

from .. import backends
from .._creation import astensor, full_like, zeros_like
from .._engine import no_autodiff
from .._op import OPS
from .._registry import FUNCTIONS
from .._tensor import Tensor
from ._public import (
    as_tensor_input,
    constant_result,
    ndim_of,
    nonconstant_result,
    norm_axes,
    norm_axis,
    run,
)
from .nondiff import NONDIFF, NonDiff, call_nondiff

__all__ = ["PUBLIC"]

PUBLIC: dict[str, Any] = {}


def _export(fn: Any) -> Any:
    fn.__module__ = "xgrad"
    PUBLIC[fn.__name__] = fn
    return fn


def _f(name: str) -> Any:
    return FUNCTIONS[name]


def _tensor(x: Any) -> Tensor:
    x = as_tensor_input(x)
    return x if isinstance(x, Tensor) else Tensor(x, copy=False)


# -- dimensions ----------------------------------------------------------------------------------
def _atleast(arys: tuple, shape_of: Any, constant: bool | None = None) -> Any:
    out = []
    for a in arys:
        t = _tensor(a)
        shp = shape_of(tuple(t.shape))
        if shp == tuple(t.shape) and constant is None:
            out.append(t)
        else:
            out.append(_f("reshape")(t, shp, constant=constant))
    return out[0] if len(out) == 1 else out


@_export
def atleast_1d(*arys: Any, constant: bool | None = None) -> Any:
    """Views with at least one dimension (one tensor for one input, else a list).

    Parameters
    ----------
    *arys : Tensor or array_like
        Inputs that already have enough dimensions are returned as they are.

    Returns
    -------
    Tensor or list of Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor(5.0)
    >>> y = xg.atleast_1d(x)
    >>> y, y.base is x
    (Tensor([5.]), True)
    >>> xg.atleast_1d(1.0, [2.0, 3.0])
    [Tensor([1.]), Tensor([2., 3.])]
    """
    return _atleast(arys, lambda s: s if len(s) >= 1 else (1,), constant)


@_export
def atleast_2d(*arys: Any, constant: bool | None = None) -> Any:
    """Views with at least two dimensions (a 1-D ``(n,)`` becomes ``(1, n)``).

    Parameters
    ----------
    *arys : Tensor or array_like
        Inputs that already have enough dimensions are returned as they are.

    Returns
    -------
    Tensor or list of Tensor
        One tensor for one input, else a list.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = xg.atleast_2d(x)
    >>> y
    Tensor([[1., 2.]])
    >>> y[0, 0] = 9.0                   # a view: writes reach x
    >>> x
    Tensor([9., 2.])
    """
    return _atleast(arys, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s, constant)


@_export
def atleast_3d(*arys: Any, constant: bool | None = None) -> Any:
    """Views with at least three dimensions (``(n,)`` -> ``(1, n, 1)``, ``(m, n)`` ->
    ``(m, n, 1)``), as NumPy.

    Parameters
    ----------
    *arys : Tensor or array_like
        Inputs that already have enough dimensions are returned as they are.

    Returns
    -------
    Tensor or list of Tensor
        One tensor for one input, else a list.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.atleast_3d(xg.tensor([1.0, 2.0])).shape, xg.atleast_3d(xg.zeros((2, 3))).shape
    ((1, 2, 1), (2, 3, 1))
    """

    def shape(s: tuple) -> tuple:
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1, s[0], 1)
        if len(s) == 2:
            return (*s, 1)
        return s

    return _atleast(arys, shape, constant)


# -- joining and splitting -------------------------------------------------------------------------
@_export
def hstack(tup: Sequence[Any], *, constant: bool | None = None) -> Tensor:
    """Join along the second axis (the first for 1-D inputs).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.hstack([xg.tensor([1.0]), xg.tensor([2.0, 3.0])])
    Tensor([1., 2., 3.])
    """
    items = [atleast_1d(t) for t in tup]
    axis = 0 if items and items[0].ndim == 1 else 1
    return _f("concatenate")(items, axis, constant=constant)


@_export
def vstack(tup: Sequence[Any], *, constant: bool | None = None) -> Tensor:
    """Join along the first axis, after making 1-D inputs rows.

    Parameters
    ----------
    tup : sequence of Tensor or array_like
        Shapes that agree past the first axis (a 1-D input of length ``n`` counts as
        ``(1, n)``).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        At least 2-D.

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.tensor([1.0, 2.0]), xg.tensor([[3.0, 4.0], [5.0, 6.0]])
    >>> v = xg.vstack([a, b])
    >>> v.backward()
    >>> v
    Tensor([[1., 2.],
            [3., 4.],
            [5., 6.]])
    >>> a.grad
    array([1., 1.])
    """
    return _f("concatenate")([atleast_2d(t) for t in tup], 0, constant=constant)


@_export
def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """Split into views along ``axis``, at indices or into equal sections.

    Examples
    --------
    >>> import xgrad as xg
    >>> a, b = xg.split(xg.arange(4.0), 2)
    >>> a, b
    (Tensor([0., 1.]), Tensor([2., 3.]))
    """
    t = _tensor(ary)
    ax = norm_axis(axis, t.ndim)
    n = t.shape[ax]
    if isinstance(indices_or_sections, int) or hasattr(indices_or_sections, "__index__"):
        sections = operator.index(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError("array split does not result in an equal division")
        bounds = [i * (n // sections) for i in range(sections + 1)]
    else:
        bounds = [0, *(builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections), n]
    pre = (slice(None),) * ax
    return [
        t[(*pre, slice(lo, builtins.max(lo, hi)), ...)] for lo, hi in itertools.pairwise(bounds)
    ]


@_export
def unstack(x: Any, /, *, axis: int = 0) -> tuple[Tensor, ...]:
    """The slices of ``x`` along ``axis``, as a tuple of views (the array API's and NumPy's
    ``unstack``, the inverse of ``stack``); each slice's gradient lands in its place.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> a, b = xg.unstack(x, axis=1)
    >>> (a * 10.0 + b).sum().backward()
    >>> a, b, x.grad
    (Tensor([1., 3.]), Tensor([2., 4.]), array([[10.,  1.],
           [10.,  1.]]))
    """
    t = _tensor(x)
    if t.ndim == 0:
        raise ValueError("unstack: the input must have at least one dimension")
    ax = norm_axis(axis, t.ndim)
    pre = (slice(None),) * ax
    return tuple(t[(*pre, i, ...)] for i in range(t.shape[ax]))


# -- broadcasting and grids ------------------------------------------------------------------
@_export
def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that arrays of ``shapes`` broadcast to (an int stands for a 1-D shape), as
    :func:`numpy.broadcast_shapes`; ``ValueError`` when they do not broadcast.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.broadcast_shapes((2, 1), (3,), 1)
    (2, 3)
    """
    norm = [(operator.index(s),) if hasattr(s, "__index__") else tuple(s) for s in shapes]
    nd = builtins.max((len(s) for s in norm), default=0)
    out = [1] * nd
    owner = [0] * nd  # the argument that set each axis
    for k, s in enumerate(norm):
        for i, n in enumerate(s, start=nd - len(s)):
            n = operator.index(n)
            if n < 0:
                raise ValueError("negative dimensions are not allowed")
            if n == 1 or n == out[i]:
                continue
            if out[i] == 1:
                out[i], owner[i] = n, k
                continue
            j = owner[i]
            raise ValueError(
                "shape mismatch: objects cannot be broadcast to a single shape. Mismatch is "
                f"between arg {j} with shape {norm[j]} and arg {k} with shape {s}."
            )
    return tuple(out)


@_export
def broadcast_arrays(*args: Any, subok: bool = False) -> tuple[Tensor, ...]:
    """The inputs broadcast against each other, as views (:func:`numpy.broadcast_arrays`);
    each gradient is summed back to its input's shape.

    Examples
    --------
    >>> import xgrad as xg
    >>> x, y = xg.tensor([1.0, 2.0]), xg.tensor([[10.0], [20.0], [30.0]])
    >>> bx, by = xg.broadcast_arrays(x, y)
    >>> bx.shape, by.shape
    ((3, 2), (3, 2))
    >>> (bx * by).sum().backward()
    >>> x.grad, y.grad
    (array([60., 60.]), array([[3.],
           [3.],
           [3.]]))
    """
    if subok:
        raise TypeError("broadcast_arrays: subok=True is not supported (the results are Tensors)")
    items = [_tensor(a) for a in args]
    shape = broadcast_shapes(*(tuple(t.shape) for t in items))
    return tuple(_f("broadcast_to")(t, shape) for t in items)


@_export
def meshgrid(
    *xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy"
) -> tuple[Tensor, ...]:
    """Coordinate grids from coordinate vectors, as :func:`numpy.meshgrid` (the array API's
    ``meshgrid(*arrays, indexing=...)`` too): ``indexing="xy"`` (Cartesian: the first two
    axes swapped) or ``"ij"`` (matrix); N-D inputs are flattened first.

    Each grid is the reshaped input broadcast to the common shape, so its gradient is summed
    back along the repeated axes. With ``copy=True`` (NumPy's default) the grids are new
    tensors; ``copy=False`` returns broadcast views, read-only as NumPy's, and
    ``sparse=True`` the reshaped inputs alone (views that broadcast against each other).

    Examples
    --------
    >>> import xgrad as xg
    >>> x, y = xg.tensor([1.0, 2.0, 3.0]), xg.tensor([10.0, 20.0])
    >>> gx, gy = xg.meshgrid(x, y)
    >>> gx
    Tensor([[1., 2., 3.],
            [1., 2., 3.]])
    >>> (gx * gy).sum().backward()
    >>> x.grad, y.grad
    (array([30., 30., 30.]), array([6., 6.]))
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    items = [_tensor(x) for x in xi]
    nd = len(items)
    shapes = [[1] * nd for _ in items]
    for i, s in enumerate(shapes):
        s[i] = -1
    if indexing == "xy" and nd > 1:
        shapes[0][:2] = [1, -1]
        shapes[1][:2] = [-1, 1]
    out = [_f("reshape")(t, tuple(s)) for t, s in zip(items, shapes, strict=True)]
    if not sparse:
        out = list(broadcast_arrays(*out))
    if copy:
        out = [_f("positive")(t) for t in out]
    return tuple(out)


# -- repetition and padding ------------------------------------------------------------------------
@_export
def repeat(
    a: Any, repeats: Any, axis: int | None = None, *, constant: bool | None = None
) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element) along ``axis``
    (of the flattened array by default); each element's gradient sums over its copies.

    Parameters
    ----------
    a : Tensor or array_like
    repeats : int or sequence of ints
        One count for every element, or one per element along ``axis``.
    axis : int, optional
        The axis to repeat along; by default ``a`` is flattened first.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> r = xg.repeat(x, [1, 3])        # one count per element
    >>> r.backward()
    >>> r, x.grad
    (Tensor([1., 2., 2., 2.]), array([1., 3.]))
    >>> xg.repeat(xg.tensor([[1.0, 2.0], [3.0, 4.0]]), 2, axis=0)
    Tensor([[1., 2.],
            [1., 2.],
            [3., 4.],
            [3., 4.]])
    """
    t = _tensor(a)
    if axis is None or t.ndim == 0:  # a 0-d tensor repeats as a 1-d one, as in NumPy
        ax = 0 if axis is None else norm_axis(axis, t.ndim)
        t = _f("ravel")(t)
    else:
        ax = norm_axis(axis, t.ndim)
    if not isinstance(repeats, int) and not (
        hasattr(repeats, "__index__") and not hasattr(repeats, "shape")
    ):
        counts = [operator.index(r) for r in repeats]
        if len(counts) == 1:  # one count for every element
            repeats = counts[0]
        else:
            if len(counts) != t.shape[ax]:
                raise ValueError(
                    f"repeat: {len(counts)} repeats for an axis of length {t.shape[ax]}"
                )
            index = [i for i, c in enumerate(counts) for _ in range(c)]
            if constant:
                with no_autodiff:
                    return constant_result(take(t, index, axis=ax), (t,))
            out = take(t, index, axis=ax)
            return nonconstant_result(out) if constant is False else out
    return run(OPS["repeat"], (t,), {"repeats": operator.index(repeats), "axis": ax}, constant)


@_export
def tile(A: Any, reps: Any) -> Tensor:
    """``A`` repeated ``reps`` times along each axis (broadcast, then reshaped); the
    gradient sums over the copies.

    Parameters
    ----------
    A : Tensor or array_like
    reps : int or sequence of ints
        Copies along each axis; with fewer entries than ``A.ndim`` they apply to the last
        axes, with more, ``A`` gains leading axes (as NumPy).

    Returns
    -------
    Tensor
        ``max(A.ndim, len(reps))``-D.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> t = xg.tile(x, (2, 2))
    >>> t.backward()
    >>> t
    Tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    >>> x.grad
    array([4., 4.])
    """
    t = _tensor(A)
    reps = (reps,) if isinstance(reps, int) else tuple(int(r) for r in reps)
    nd = builtins.max(len(reps), t.ndim)
    reps = (1,) * (nd - len(reps)) + reps
    shape = (1,) * (nd - t.ndim) + tuple(t.shape)
    t = _f("reshape")(t, shape)
    expanded = _f("reshape")(t, tuple(d for n in shape for d in (1, n)))
    big = _f("broadcast_to")(
        expanded, tuple(d for r, n in zip(reps, shape, strict=True) for d in (r, n))
    )
    return _f("reshape")(big, tuple(r * n for r, n in zip(reps, shape, strict=True)))


@_export
def pad(
    array: Any,
    pad_width: Any,
    mode: str = "constant",
    *,
    constant_values: Any = 0,
    constant: bool | None = None,
) -> Tensor:
    """Pad with constants (NumPy's ``mode="constant"``); the gradient is the centre of ``g``.

    ``constant_values`` is what NumPy accepts: one value, a ``(before, after)`` pair for every
    axis, or one pair per axis (where the padded regions of two axes overlap, the later axis'
    value wins, as in NumPy). It may be a tensor: its gradient is the sum of the upstream
    gradient over the cells it filled.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.pad(xg.tensor([1.0, 2.0]), 1)
    Tensor([0., 1., 2., 0.])
    >>> xg.pad(xg.tensor([1.0, 2.0]), (1, 2), constant_values=(5.0, 6.0))
    Tensor([5., 1., 2., 6., 6.])
    >>> c = xg.tensor([5.0, 6.0])
    >>> xg.pad(xg.tensor([1.0, 2.0]), (1, 2), constant_values=c).sum().backward()
    >>> c.grad
    array([1., 2.])
    """
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
    t = _tensor(array)
    nd = t.ndim
    pw = pad_width
    if isinstance(pw, int):
        widths = ((pw, pw),) * nd
    else:
        pw = tuple(pw)
        if pw and isinstance(pw[0], int):
            pair = (pw[0], pw[1] if len(pw) > 1 else pw[0])
            widths = (pair,) * nd
        else:
            widths = tuple((int(p[0]), int(p[-1])) for p in (pw * nd if len(pw) == 1 else pw))
    if len(widths) != nd or builtins.any(lo < 0 or hi < 0 for lo, hi in widths):
        raise ValueError(f"pad: invalid pad_width {pad_width!r} for {nd} dimensions")
    bk = t._backend
    cv = constant_values
    if isinstance(cv, Tensor) or (
        not isinstance(cv, (int, float)) and isinstance(cv, bk.array_types)
    ):  # values that live on the device (no synchronisation to read them)
        return _pad_with_array(t, widths, cv, constant)
    if hasattr(cv, "tolist"):  # NumPy data for another backend: host values
        cv = cv.tolist()
    pairs = _value_pairs(cv, nd)
    if not bk.xp.isdtype(t.dtype, "real floating"):  # NumPy casts the values unsafely
        cast = bool if bk.xp.isdtype(t.dtype, "bool") else int
        pairs = tuple((cast(b), cast(a)) for b, a in pairs)
    distinct = {v for pair in pairs for v in pair}
    value: Any = pairs if len(distinct) > 1 else (distinct.pop() if distinct else 0)
    return run(OPS["pad"], (t,), {"pad_width": widths, "value": value}, constant)


def _nested(v: Any) -> tuple[tuple[int, ...], list]:
    """The shape and the flattened elements of a number or nested sequence of numbers."""
    if isinstance(v, (list, tuple)):
        parts = [_nested(e) for e in v]
        shapes = {p[0] for p in parts}
        if len(shapes) > 1:
            raise ValueError(f"pad: constant_values {v!r} is not rectangular")
        inner = shapes.pop() if shapes else ()
        return (len(v), *inner), [e for p in parts for e in p[1]]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"pad: constant_values must be numbers, got {v!r}") from None
    return (), [v]


def _pairs_shape(shape: tuple[int, ...], size: int, nd: int) -> tuple[int, int]:
    """How NumPy's ``_as_pairs`` reads ``constant_values`` of ``shape``: as (1, 1), (1, 2),
    (nd, 1) or (nd, 2) values broadcast to one (before, after) pair per axis."""
    if len(shape) < 3 and size == 1:
        return (1, 1)
    if len(shape) < 3 and size == 2 and shape != (2, 1):
        return (1, 2)
    rows, cols = (1, 1, *shape)[-2:] if len(shape) <= 2 else (-1, -1)
    if rows not in (1, nd) or cols not in (1, 2):
        raise ValueError(
            f"pad: constant_values of shape {shape} cannot be broadcast to ({nd}, 2) "
            "(one (before, after) pair per axis)"
        )
    return rows, cols


def _value_pairs(cv: Any, nd: int) -> tuple[tuple[Any, Any], ...]:
    shape, flat = _nested(cv)
    rows, cols = _pairs_shape(shape, len(flat), nd)
    return tuple(
        (flat[(i if rows > 1 else 0) * cols], flat[(i if rows > 1 else 0) * cols + cols - 1])
        for i in range(nd)
    )


def _pad_with_array(t: Tensor, widths: tuple, cv: Any, constant: bool | None) -> Tensor:
    """``pad`` with array or tensor values: ``pad(t, 0) + v[owner]``, where ``owner`` maps
    each padded cell to the (axis, side) value that fills it (a gather, whose gradient sums
    the upstream gradient over each value's cells)."""
    bk = t._backend
    xp = bk.xp
    nd = t.ndim
    if isinstance(cv, Tensor):
        v = cv
    else:  # a plain array: a constant, like any array operand
        v = astensor(cv, constant=True)
    if v._backend is not bk:
        raise backends.mismatch_error(bk, v._backend, "pad")
    if not xp.isdtype(t.dtype, "real floating") and not v._constant:
        raise ValueError(
            "pad: constant_values needs a gradient but the padded tensor has the "
            f"non-float dtype {t.dtype}, so it could not flow back; pad a float tensor"
        )
    if v.dtype != t.dtype:
        v = _f("astype")(v, t.dtype)
    size = 1
    for n in v.shape:
        size *= n
    rows, cols = _pairs_shape(tuple(v.shape), size, nd)
    v = _f("reshape")(v, (rows, cols))
    v = _f("ravel")(_f("broadcast_to")(v, (nd, 2)))
    padded = run(OPS["pad"], (t,), {"pad_width": widths, "value": 0}, None)
    shape = tuple(padded.shape)
    owner = xp.full(shape, 2 * nd, dtype=xp.int64, device=t.device)
    for i, ((lo, hi), n) in enumerate(zip(widths, t.shape, strict=True)):
        pre = (slice(None),) * i
        if lo:
            owner[(*pre, slice(0, lo), ...)] = 2 * i
        if hi:
            owner[(*pre, slice(lo + n, None), ...)] = 2 * i + 1
    owner[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, t.shape, strict=True))] = 2 * nd
    zero = zeros_like(v, shape=(1,), constant=True)
    fill = _f("concatenate")([v, zero])[owner]
    return run(OPS["add"], (padded, fill), None, constant)


@_export
def tril(m: Any, k: int = 0, *, constant: bool | None = None) -> Tensor:
    """The lower triangle of the last two axes (above the ``k``-th diagonal set to 0); the
    zeroed elements get no gradient.

    Parameters
    ----------
    m : Tensor or array_like
        At least 2-D; a stack of matrices is processed matrix by matrix.
    k : int, optional
        The diagonal above which to zero: 0 the main one, positive above it, negative below.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    >>> xg.tril(x).backward()
    >>> x.grad
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]])
    >>> xg.tril(x, k=-1)
    Tensor([[0., 0., 0.],
            [4., 0., 0.],
            [7., 8., 0.]])
    """
    return run(OPS["tril"], (_tensor(m),), {"k": int(k)}, constant)


@_export
def triu(m: Any, k: int = 0, *, constant: bool | None = None) -> Tensor:
    """The upper triangle of the last two axes (below the ``k``-th diagonal set to 0); the
    zeroed elements get no gradient.

    Parameters
    ----------
    m : Tensor or array_like
        At least 2-D; a stack of matrices is processed matrix by matrix.
    k : int, optional
        The diagonal below which to zero: 0 the main one, positive above it, negative below.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    >>> xg.triu(x).backward()
    >>> x.grad
    array([[1., 1., 1.],
           [0., 1., 1.],
           [0., 0., 1.]])
    >>> xg.triu(x, k=1)
    Tensor([[0., 2., 3.],
            [0., 0., 6.],
            [0., 0., 0.]])
    """
    return run(OPS["triu"], (_tensor(m),), {"k": int(k)}, constant)


# -- gathering ---------------------------------------------------------------------------------
@_export
def take(a: Any, indices: Any, axis: int | None = None) -> Tensor:
    """Elements at ``indices`` along ``axis`` (of the flattened array by default); repeated
    indices accumulate in the gradient.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> xg.take(x, [0, 0, 2]).sum().backward()
    >>> x.grad
    array([2., 0., 1.])
    """
    t = _tensor(a)
    if axis is None:
        t = _f("ravel")(t)
        axis = 0
    ax = norm_axis(axis, t.ndim)
    return t[(slice(None),) * ax + (_index_array(t, indices), ...)]


def _index_array(t: Tensor, indices: Any) -> Any:
    if isinstance(indices, Tensor):
        return indices
    bk = t._backend
    if isinstance(indices, bk.array_types):
        return indices
    return bk.asarray(indices, dtype=bk.dtype("int64"), device=t.device)


_BROADCAST_INDEX = NonDiff(
    "broadcast_index", lambda xp, a, shape: xp.broadcast_to(a, shape), 1, False
)


@_export
def take_along_axis(arr: Any, indices: Any, axis: int | None) -> Tensor:
    """``arr`` picked along ``axis`` by ``indices`` (shaped like ``arr`` except on ``axis``),
    as ``numpy.take_along_axis``; argsort results index this way. Repeated indices
    accumulate in the gradient.

    Parameters
    ----------
    arr : Tensor or array_like
    indices : array_like of ints
        As many dimensions as ``arr``; broadcast against it on every axis but ``axis``.
    axis : int or None
        The axis to pick along; ``None`` treats ``arr`` as flattened.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> x = xg.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    >>> xg.take_along_axis(x, xg.argsort(x, axis=1), axis=1)
    Tensor([[1., 2., 3.],
            [0., 4., 5.]])
    >>> y = xg.take_along_axis(x, np.array([[1, 1], [2, 0]]), axis=1)
    >>> y.backward()
    >>> y
    Tensor([[1., 1.],
            [4., 0.]])
    >>> x.grad
    array([[0., 2., 0.],
           [1., 0., 1.]])
    """
    t = _tensor(arr)
    idx = indices._data if isinstance(indices, Tensor) else _index_array(t, indices)
    if axis is None:
        if len(idx.shape) != 1:
            raise ValueError(
                "take_along_axis: with axis=None (arr flattened), indices must be 1-d, got "
                f"shape {tuple(idx.shape)}; pass an axis, or flatten the indices"
            )
        return take(t, idx)
    nd = t.ndim
    ax = norm_axis(axis, nd)
    if len(idx.shape) != nd:
        raise ValueError("take_along_axis: indices and arr must have the same number of dims")
    # NumPy broadcasts the index against arr on every other axis
    out_shape = []
    for i in range(nd):
        n, m = t.shape[i], idx.shape[i]
        if i == ax or n == m or n == 1:
            out_shape.append(m)
        elif m == 1:
            out_shape.append(n)
        else:
            raise ValueError(
                f"take_along_axis: indices of shape {tuple(idx.shape)} do not broadcast "
                f"against an array of shape {tuple(t.shape)} (axis {i})"
            )
    shape = tuple(out_shape)
    xp = t._backend.xp
    key = []
    for i in range(nd):
        if i == ax:  # through call_nondiff: the index may be computed (xgrad.compile)
            key.append(call_nondiff(_BROADCAST_INDEX, (idx,), {"shape": shape}, check=False))
        else:
            r = xp.arange(t.shape[i], device=t.device)
            if t.shape[i] == 1:
                r = xp.zeros(1, dtype=r.dtype, device=t.device)
            dims = [1] * nd
            dims[i] = r.shape[0]
            key.append(xp.broadcast_to(xp.reshape(r, tuple(dims)), shape))
    return t[tuple(key)]


# -- sorting and differences -------------------------------------------------------------------
@_export
def sort(a: Any, axis: int | None = -1) -> Tensor:
    """Sorted along ``axis`` (stable); the gradient goes back to each value's old place.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([3.0, 1.0, 2.0])
    >>> y = xg.sort(x)
    >>> (y * xg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> y, x.grad
    (Tensor([1., 2., 3.]), array([100.,   1.,  10.]))
    """
    t = _tensor(a)
    if axis is None:
        t = _f("ravel")(t)
        axis = 0
    ax = norm_axis(axis, t.ndim)
    order = call_nondiff(NONDIFF["argsort"], (t,), {"axis": ax, "stable": True}, check=False)
    return take_along_axis(t, order, ax)


@_export
def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
    """The ``n``-th discrete difference along ``axis``, as ``numpy.diff``; ``prepend`` and
    ``append`` are joined to ``a`` first (a number is broadcast across ``axis``).

    Parameters
    ----------
    a : Tensor or array_like
    n : int, optional
        How many times to take the difference (1 by default).
    axis : int, optional
        The axis along which to difference (the last by default).
    prepend, append : Tensor, array_like or number, optional
        Values joined before and after ``a`` along ``axis``; tensors get their gradients.

    Returns
    -------
    Tensor
        ``n`` shorter than the joined input along ``axis``.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 4.0, 9.0, 16.0])
    >>> d = xg.diff(x)
    >>> (d * xg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> d, x.grad
    (Tensor([3., 5., 7.]), array([ -1.,  -9., -90., 100.]))
    >>> xg.diff(x, n=2), xg.diff(x, prepend=0.0)
    (Tensor([2., 2.]), Tensor([1., 3., 5., 7.]))
    """
    t = _tensor(a)
    ax = norm_axis(axis, t.ndim)

    def edge(e: Any) -> Tensor:
        e = _tensor(e)
        if e.ndim == 0:
            shape = list(t.shape)
            shape[ax] = 1
            e = _f("broadcast_to")(e, tuple(shape))
        return e

    parts = [edge(prepend)] if prepend is not None else []
    parts.append(t)
    if append is not None:
        parts.append(edge(append))
    if len(parts) > 1:
        t = _f("concatenate")(parts, ax)
    pre = (slice(None),) * ax
    for _ in range(n):
        t = t[(*pre, slice(1, None), ...)] - t[(*pre, slice(None, -1), ...)]
    return t


def _cumulative(name: str, x: Any, axis: int | None, dtype: Any, include_initial: bool) -> Tensor:
    """The array API's running sum or product: ``axis`` is required beyond one dimension,
    the result is computed in ``dtype`` (the input cast first, the result after: NumPy sums
    small integers in a wider one), ``include_initial`` starts with 0 or 1."""
    t = _tensor(x)
    if t.ndim == 0:
        raise ValueError(f"{name}: x must have at least one dimension")
    if axis is None:
        if t.ndim > 1:
            raise ValueError(f"{name}: axis is required for arrays of more than one dimension")
        axis = 0
    if dtype is not None and t.dtype != t._backend.dtype(dtype):
        t = t.astype(dtype)
    out = _f("cumsum" if name == "cumulative_sum" else "cumprod")(t, axis)
    if dtype is not None and out.dtype != t.dtype:
        out = out.astype(t.dtype)
    if include_initial:
        ax = norm_axis(axis, t.ndim)
        shape = list(out.shape)
        shape[ax] = 1
        first = full_like(out, 0 if name == "cumulative_sum" else 1, shape=shape, constant=True)
        out = _f("concatenate")([first, out], ax)
    return out


@_export
def cumulative_sum(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    """The array API's running sum (``axis`` is required beyond one dimension), computed in
    ``dtype`` when given; ``include_initial=True`` starts the result with 0.

    Parameters
    ----------
    x : Tensor or array_like
        At least 1-D.
    axis : int, optional
        The axis to accumulate along; required when ``x`` has more than one dimension.
    dtype : data-type, optional
        The dtype of the result (``x`` is cast to it first).
    include_initial : bool, optional
        Start with the empty sum, making the result one longer along ``axis``.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> c = xg.cumulative_sum(x, include_initial=True)
    >>> c.backward()
    >>> c, x.grad
    (Tensor([0., 1., 3., 6.]), array([3., 2., 1.]))
    >>> xg.cumulative_sum(xg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    Tensor([[1., 2.],
            [4., 6.]])
    >>> i8 = xg.tensor([100, 100], dtype="int8")
    >>> xg.cumulative_sum(i8), xg.cumulative_sum(i8, dtype="int8")  # int64 by default
    (Tensor([100, 200]), Tensor([100, -56], dtype=int8))
    """
    return _cumulative("cumulative_sum", x, axis, dtype, include_initial)


@_export
def cumulative_prod(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    """The array API's running product (``axis`` is required beyond one dimension), computed
    in ``dtype`` when given; ``include_initial=True`` starts the result with 1.

    Parameters
    ----------
    x : Tensor or array_like
        At least 1-D.
    axis : int, optional
        The axis to accumulate along; required when ``x`` has more than one dimension.
    dtype : data-type, optional
        The dtype of the result (``x`` is cast to it first).
    include_initial : bool, optional
        Start with the empty product, making the result one longer along ``axis``.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([2.0, 3.0, 4.0])
    >>> c = xg.cumulative_prod(x, include_initial=True)
    >>> c.backward()
    >>> c, x.grad
    (Tensor([ 1.,  2.,  6., 24.]), array([16., 10.,  6.]))
    """
    return _cumulative("cumulative_prod", x, axis, dtype, include_initial)


@_export
def logsumexp(
    x: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, without overflow; its gradient is the softmax.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1000.0, 1000.0])
    >>> y = xg.logsumexp(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor(1000.69314718), array([0.5, 0.5]))
    """
    t = as_tensor_input(x)
    params = {"axis": norm_axes(axis, ndim_of(t)), "keepdims": bool(keepdims)}
    return run(OPS["logsumexp"], (t,), params, constant)
