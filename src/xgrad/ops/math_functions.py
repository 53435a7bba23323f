"""The public elementwise and reduction functions: one generated per elementwise row, and the
hand-written ones (``clip``, ``divmod``, ``sum``, ``max``, ...) whose signatures are NumPy's.
Each is put in the function table (:data:`xgrad._registry.FUNCTIONS`) under its names.
"""

from __future__ import annotations

from typing import Any

from .._creation import zeros_like
from .._op import OPS, apply1, apply2
from .._registry import FUNCTIONS
from .._tensor import Tensor
from . import linalg
from ._public import (
    as_tensor_input,
    binary_function,
    ndim_of,
    norm_axes,
    norm_axis,
    run,
    ufunc_call,
    unary_function,
)
from ._public import (
    export as _export,
)
from .nondiff import NONDIFF, call_nondiff
from .ufunc import make_ufunc

# -- elementwise: generated, one per row (aliases share the function) ----------------------------
for _name, _op in list(OPS.items()):
    if _op.kind != "elementwise" or _op.name == "clip":
        continue
    if _op.name not in FUNCTIONS:
        _fn = (unary_function if _op.nin == 1 else binary_function)(_op)
        FUNCTIONS[_op.name] = make_ufunc(_fn, _op)
    FUNCTIONS[_name] = FUNCTIONS[_op.name]


def _numpy_layout_keywords(name: str, casting: Any, order: Any, subok: Any, signature: Any) -> None:
    """NumPy's ufunc keywords that MyGrad's signatures take (``fmod``, ``remainder``, ...):
    only their defaults mean anything for tensors."""
    if casting != "same_kind" or order not in ("K", "A", "C") or subok is not True:
        raise TypeError(
            f"{name}: casting={casting!r}, order={order!r}, subok={subok!r} are not supported "
            "for xgrad tensors (only NumPy's defaults: 'same_kind', 'K', True); cast with "
            "astype first"
        )
    if signature is not None:
        raise TypeError(f"{name}: signature= is not supported for xgrad tensors")


def _with_numpy_keywords(op_name: str) -> None:
    """``fmod``, ``remainder`` (and ``mod``) with MyGrad's full NumPy-ufunc signature."""
    op = OPS[op_name]
    fast = FUNCTIONS[op_name]

    def fn(
        x1: Any,
        x2: Any,
        /,
        out: Any = None,
        *,
        where: Any = True,
        casting: str = "same_kind",
        order: str = "K",
        dtype: Any = None,
        subok: bool = True,
        signature: Any = None,
        constant: bool | None = None,
    ) -> Tensor:
        _numpy_layout_keywords(op_name, casting, order, subok, signature)
        if out is None and where is True and dtype is None and constant is None:
            return apply2(op, x1, x2)
        return ufunc_call(op, (x1, x2), out, where, dtype, constant)

    fn.__doc__ = fast.__doc__
    new = make_ufunc(fn, op)
    for key, value in list(FUNCTIONS.items()):
        if value is fast:
            FUNCTIONS[key] = new


def _abs_with_nan_to_num() -> None:
    """``abs`` with MyGrad's ``nan_to_num`` keyword."""
    op = OPS["abs"]
    fast = FUNCTIONS["abs"]

    def fn(
        x: Any,
        out: Any = None,
        *,
        where: Any = True,
        dtype: Any = None,
        constant: bool | None = None,
        nan_to_num: bool = True,
    ) -> Tensor:
        if nan_to_num is not True:
            raise ValueError(
                "abs: nan_to_num=False (MyGrad's NaN derivative at 0) is not supported: xgrad's "
                "derivative of abs at 0 is 0 (docs/semantics.md, kinks); leave nan_to_num=True"
            )
        if out is None and where is True and dtype is None and constant is None:
            return apply1(op, x)  # the generated function's fast path, with no extra call
        return ufunc_call(op, (x,), out, where, dtype, constant)

    fn.__doc__ = fast.__doc__
    new = make_ufunc(fn, op)
    for key, value in list(FUNCTIONS.items()):
        if value is fast:
            FUNCTIONS[key] = new


for _name in ("fmod", "remainder"):
    _with_numpy_keywords(_name)
_abs_with_nan_to_num()


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
    x1: Any,
    x2: Any,
    /,
    out: Any = None,
    *,
    where: Any = True,
    casting: str = "same_kind",
    order: str = "K",
    dtype: Any = None,
    subok: bool = True,
    signature: Any = None,
    constant: bool | None = None,
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
    _numpy_layout_keywords("divmod", casting, order, subok, signature)
    if where is not True:
        raise TypeError("divmod: where= is not supported; select with xgrad.where afterwards")
    if dtype is not None:
        x1, x2 = (v.astype(dtype) if isinstance(v, Tensor) else v for v in (x1, x2))
    if out not in (None, (None, None)):
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
    """Arithmetic mean over ``axis`` (an int, a tuple, or ``None`` for all); each element's
    gradient is ``1 / N``, ``N`` the number of elements averaged.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of ints, optional
        The axes to average over; all of them by default.
    keepdims : bool, optional
        Keep the reduced axes, with length 1.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> m = xg.mean(x, axis=1)
    >>> m.backward()
    >>> m, x.grad
    (Tensor([1.5, 4.5]), array([[0.5, 0.5],
           [0.5, 0.5]]))
    """
    return _reduce("mean", x, axis, keepdims, constant)


def prod(
    a: Any, axis: Any = None, keepdims: bool = False, *, constant: bool | None = None
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
    return _reduce("prod", a, axis, keepdims, constant)


def var(
    x: Any,
    axis: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    *,
    constant: bool | None = None,
) -> Tensor:
    """Variance over ``axis``, dividing by ``N - ddof``; the gradient is
    ``2 (x - mean) / (N - ddof)``.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of ints, optional
        The axes to reduce; all of them by default.
    ddof : int or float, optional
        Delta degrees of freedom: 0 (the default) for the population variance, 1 for the
        unbiased sample estimate.
    keepdims : bool, optional
        Keep the reduced axes, with length 1.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0, 6.0])
    >>> xg.var(x)
    Tensor(3.5)
    >>> v = xg.var(x, ddof=1)           # the unbiased estimate
    >>> v.backward()
    >>> v, x.grad
    (Tensor(4.66666667), array([-1.33333333, -0.66666667,  0.        ,  2.        ]))
    """
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
    """Minimum over ``axis``; tied elements share the gradient equally (``amin`` is the same
    function).

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of ints, optional
        The axes to reduce; all of them by default.
    keepdims : bool, optional
        Keep the reduced axes, with length 1.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([2.0, 1.0, 1.0])
    >>> y = xg.min(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor(1.), array([0. , 0.5, 0.5]))
    >>> x = xg.tensor([[4.0, 1.0], [2.0, 3.0]])
    >>> y = xg.min(x, axis=0, keepdims=True)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([[2., 1.]]), array([[0., 1.],
           [1., 0.]]))
    """
    return _reduce("min", x, axis, keepdims, constant)


def _cumulative(name: str, x: Any, axis: Any, constant: Any) -> Tensor:
    x = as_tensor_input(x)
    ax = None if axis is None else norm_axis(axis, ndim_of(x))
    return run(OPS[name], (x,), {"axis": ax}, constant)


def cumsum(a: Any, axis: int | None = None, *, constant: bool | None = None) -> Tensor:
    """Running sum along ``axis`` (of the flattened array when ``axis`` is ``None``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0, 3.0])
    >>> xg.cumsum(x).backward()
    >>> x.grad
    array([3., 2., 1.])
    """
    return _cumulative("cumsum", a, axis, constant)


def cumprod(a: Any, axis: int | None = None, *, constant: bool | None = None) -> Tensor:
    """Running product along ``axis`` (of the flattened array when ``axis`` is ``None``); its
    derivative is exact with zeros.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int, optional
        The axis to accumulate along; ``None`` (the default) flattens ``x`` first.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        The shape of ``x`` (1-D when ``axis`` is ``None``).

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([2.0, 0.0, 5.0])
    >>> y = xg.cumprod(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([2., 0., 0.]), array([ 1., 12.,  0.]))
    """
    return _cumulative("cumprod", a, axis, constant)


for _f in (sum, mean, prod, var, std, max, min, cumsum, cumprod):
    _export(_f)
FUNCTIONS["amax"] = max
FUNCTIONS["amin"] = min


for _name, _fn in linalg.PUBLIC.items():
    FUNCTIONS[_name] = _fn
