"""Functions that create tensors: ``tensor``, ``arange``, ``linspace``, ``zeros``, ...

Every one takes ``backend=`` and ``device=`` (falling back to :func:`xgrad.use_backend`,
:func:`xgrad.set_backend`, ``XGRAD_BACKEND`` and NumPy, in that order) and ``constant=``.
Floating-point results default to ``float64`` as in NumPy (MyGrad defaults to ``float32``).
"""

from __future__ import annotations

import math
from typing import Any

from . import backends as _backends
from ._engine import STATE
from ._registry import FUNCTIONS
from ._tensor import (
    Tensor,
    _broadcast_shape,
    check_constant,
    check_ndmin,
    make_tensor,
    to_backend_array,
)

__all__ = [
    "arange",
    "asarray",
    "astensor",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "geomspace",
    "identity",
    "linspace",
    "logspace",
    "ones",
    "ones_like",
    "tensor",
    "zeros",
    "zeros_like",
]


def _wrap(data: Any, bk: Any, constant: bool | None) -> Tensor:
    t = make_tensor(data, bk, None, check_constant(constant, data, bk))
    if STATE.tracer is not None:  # xgrad.compile: made inside the traced function
        STATE.tracer.created(t)
    return t


def _make(
    name: str, *args: Any, dtype: Any, constant: Any, backend: Any, device: Any, **kwargs: Any
) -> Tensor:
    bk, dev = _backends.resolve(backend, device)
    if dtype is not None:
        kwargs["dtype"] = bk.dtype(dtype)
    return _wrap(bk.create(name, *args, device=dev, **kwargs), bk, constant)


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, int) or hasattr(shape, "__index__"):
        return (int(shape),)
    return tuple(int(n) for n in shape)


def tensor(
    arr_like: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    copy: bool = True,
    ndmin: int = 0,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Create a tensor (the same as :class:`Tensor`, and like ``mygrad.tensor``).

    With ``copy=False`` a tensor of matching dtype, constant flag and placement is returned
    unchanged.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.tensor([1, 2, 3])
    Tensor([1, 2, 3])
    >>> xg.tensor([1, 2, 3.0])
    Tensor([1., 2., 3.])
    >>> xg.tensor([1, 2, 3], dtype="float32")
    Tensor([1., 2., 3.], dtype=float32)
    """
    if ndmin.__class__ is not int:
        ndmin = check_ndmin(ndmin)
    if (
        isinstance(arr_like, Tensor)
        and copy is False
        and backend is None
        and device is None
        and ndmin <= arr_like.ndim
        and (constant is None or constant is arr_like.constant)
        and (dtype is None or arr_like.dtype == arr_like._backend.dtype(dtype))
    ):
        return arr_like
    return Tensor(
        arr_like,
        dtype=dtype,
        constant=constant,
        copy=copy,
        ndmin=ndmin,
        backend=backend,
        device=device,
    )


def astensor(
    t: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Convert to a tensor, without copying when possible.

    A tensor is returned unchanged (graph and gradient included) when its dtype, constant
    flag and placement already match.

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> a = np.array([1.0, 2.0])
    >>> xg.astensor(a).data is a
    True
    >>> t = 2 * xg.tensor([1.0, 2.0])
    >>> xg.astensor(t) is t
    True
    """
    return tensor(t, dtype, constant=constant, copy=False, backend=backend, device=device)


def asarray(
    a: Any, dtype: Any = None, order: str | None = None, *, backend: Any = None, device: Any = None
) -> Any:
    """Convert to an array of the backend (a tensor gives its data), copying only if needed.

    ``order`` is MyGrad's and NumPy's memory-layout argument: xgrad's arrays are C-ordered
    (the array API has no other layout), so it may be ``None``, ``"K"``, ``"A"`` or ``"C"``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.asarray(xg.tensor([1.0, 2.0]))
    array([1., 2.])
    """
    if order not in (None, "K", "A", "C"):
        raise ValueError(
            f"asarray: order={order!r} is not supported: xgrad's arrays are C-ordered (the "
            "array API has no other layout); use order='C' or leave it out"
        )
    if STATE.tracer is not None and isinstance(a, Tensor):
        STATE.tracer.concrete(a, "xgrad.asarray()")
    data, _ = to_backend_array(a, dtype=dtype, copy=None, backend=backend, device=device)
    return data


def arange(
    *args: Any,
    dtype: Any = None,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """``arange([start,] stop[, step])``: evenly spaced values in a half-open interval.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.arange(1.0, 4.0)
    Tensor([1., 2., 3.])
    """
    if not 1 <= len(args) <= 3:
        raise TypeError("arange takes 1 to 3 positional arguments: [start,] stop[, step]")
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
    return _make(
        "arange", start, stop, step, dtype=dtype, constant=constant, backend=backend, device=device
    )


def linspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    dtype: Any = None,
    axis: int = 0,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.linspace(0, 1, 5)
    Tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    _check_axis("linspace", axis)
    return _make(
        "linspace",
        start,
        stop,
        num,
        endpoint=endpoint,
        dtype=dtype,
        constant=constant,
        backend=backend,
        device=device,
    )


def logspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10.0,
    dtype: Any = None,
    axis: int = 0,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """``base ** linspace(start, stop, num)``.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.logspace(0, 2, 3)
    Tensor([  1.,  10., 100.])
    """
    _check_axis("logspace", axis)
    bk, dev = _backends.resolve(backend, device)
    exps = bk.create("linspace", start, stop, num, endpoint=endpoint, device=dev)
    out = bk.xp.pow(float(base), exps)
    if dtype is not None:
        out = bk.xp.astype(out, bk.dtype(dtype))
    return _wrap(out, bk, constant)


def geomspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    dtype: Any = None,
    axis: int = 0,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Numbers spaced evenly on a log scale, with exactly ``start`` and ``stop`` at the ends.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.geomspace(1, 1000, 4)
    Tensor([   1.,   10.,  100., 1000.])
    """
    _check_axis("geomspace", axis)
    start, stop = float(start), float(stop)
    if start == 0 or stop == 0:
        raise ValueError("geomspace: a geometric sequence cannot include zero")
    if (start < 0) != (stop < 0):
        raise ValueError("geomspace: start and stop must have the same sign (for real numbers)")
    sign = -1.0 if start < 0 else 1.0
    bk, dev = _backends.resolve(backend, device)
    xp = bk.xp
    exps = bk.create(
        "linspace",
        math.log10(sign * start),
        math.log10(sign * stop),
        num,
        endpoint=endpoint,
        device=dev,
    )
    out = xp.pow(10.0, exps)
    if num > 0:  # exact endpoints, as NumPy
        first = bk.create("full", (1,), sign * start, device=dev, dtype=out.dtype)
        parts = [first, out[1:]]
        if num > 1 and endpoint:
            last = bk.create("full", (1,), sign * stop, device=dev, dtype=out.dtype)
            parts = [first, out[1:-1], last]
        out = xp.concat(parts)
    if sign < 0:
        out = -out
    if dtype is not None:
        out = xp.astype(out, bk.dtype(dtype))
    return _wrap(out, bk, constant)


def zeros(
    shape: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor of zeros (``float64`` unless ``dtype`` says otherwise).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.zeros((2, 3)).shape
    (2, 3)
    """
    return _make(
        "zeros", _shape(shape), dtype=dtype, constant=constant, backend=backend, device=device
    )


def ones(
    shape: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor of ones.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.ones(3)
    Tensor([1., 1., 1.])
    """
    return _make(
        "ones", _shape(shape), dtype=dtype, constant=constant, backend=backend, device=device
    )


def empty(
    shape: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor whose values are not initialised (``float64`` unless ``dtype`` says
    otherwise); write every element before reading it.

    Parameters
    ----------
    shape : int or tuple of ints
    dtype : data-type, optional
    constant : bool, optional
        ``True`` gives a constant; by default the dtype decides (floats are differentiable).
    backend, device : optional
        Where the tensor lives; the selected backend's default device otherwise.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> e = xg.empty((2, 3))
    >>> e.shape, e.dtype
    ((2, 3), dtype('float64'))
    >>> xg.empty(2, dtype="int32").dtype
    dtype('int32')
    """
    return _make(
        "empty", _shape(shape), dtype=dtype, constant=constant, backend=backend, device=device
    )


def full(
    shape: Any,
    fill_value: Any,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """A tensor filled with ``fill_value``.

    An array or tensor ``fill_value`` is broadcast to ``shape``, as in NumPy; the result
    lives on the fill tensor's backend and device (unless ``backend``/``device`` say
    otherwise: an explicit transfer). A fill tensor that needs a gradient makes the result
    differentiable with respect to it (as JAX's ``jnp.full``; the gradient is summed back to
    the fill's shape, as for ``broadcast_to``), unless ``constant=True``. Otherwise the result
    is a new tensor whose constant flag ``constant`` and the dtype decide, as for a scalar.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.full(2, 7.0)
    Tensor([7., 7.])
    >>> w = xg.tensor([3.0, 4.0])
    >>> y = xg.full((2, 2), w)
    >>> y
    Tensor([[3., 4.],
            [3., 4.]])
    >>> y.sum().backward()
    >>> w.grad
    array([2., 2.])
    """
    if not _array_fill(fill_value):
        return _make(
            "full",
            _shape(shape),
            fill_value,
            dtype=dtype,
            constant=constant,
            backend=backend,
            device=device,
        )
    shp = _shape(shape)
    if isinstance(fill_value, Tensor):
        if backend is not None or device is not None:
            bk, dev = _backends.resolve(backend, device)
            if bk is not fill_value._backend or dev != fill_value.device:
                fill_value = fill_value.to_device(dev, backend=bk)  # asked for: explicit
        bk = fill_value._backend
        dt = bk.dtype(dtype) if dtype is not None else fill_value.dtype
        return _filled(shp, fill_value, bk, dt, constant, "full")
    data, bk = to_backend_array(fill_value, dtype=dtype, copy=None, backend=backend, device=device)
    return _filled(shp, data, bk, data.dtype, constant, "full")


def _array_fill(fill: Any) -> bool:
    """Whether a fill value is array-like (broadcast) rather than one number."""
    if isinstance(fill, (int, float, complex)):
        return False
    return isinstance(fill, (Tensor, list, tuple)) or _backends.backend_of(fill) is not None


def _filled(shp: tuple, fill: Any, bk: Any, dt: Any, constant: bool | None, what: str) -> Tensor:
    """``fill`` (a tensor or an array of ``bk``) broadcast to ``shp`` as a new tensor of dtype
    ``dt``; differentiable with respect to a fill tensor that needs a gradient, unless
    ``constant=True``."""
    fshape = tuple(fill.shape)
    if _broadcast_shape(fshape, shp) != shp:
        raise ValueError(
            f"{what}: a fill_value of shape {fshape} cannot be broadcast to the shape {shp}"
        )
    if isinstance(fill, Tensor):
        if not fill._constant and constant is not True:
            return FUNCTIONS["astype"](FUNCTIONS["broadcast_to"](fill, shp), dt, copy=True)
        fill = fill._data
    xp = bk.xp
    out = xp.asarray(xp.broadcast_to(fill, shp), copy=True)
    if out.dtype != dt:
        out = xp.astype(out, dt)
    if out.__class__ is not bk.array_type:
        out = bk.fix_result(out)
    return _wrap(out, bk, constant)


def _fill_on(fill: Any, bk: Any, dev: Any) -> Any:
    """An array-like fill value for a result on ``bk``/``dev``: a tensor or an array of that
    backend and device as it is, host data (lists, NumPy arrays) converted; anything else
    raises, since nothing moves between backends or devices implicitly."""
    if isinstance(fill, Tensor):
        src, fdev = fill._backend, fill.device
    else:
        src = _backends.backend_of(fill)
        fdev = None if src is None else src.device_of(fill)
        if src is not None and src.name == "numpy":
            src = None  # host data
    if src is not None and src is not bk:
        raise _backends.mismatch_error(bk, src, "full_like", devices=(dev, fdev))
    if src is not None and bk.multi_device and fdev != dev:
        raise _backends.device_mismatch_error(bk, dev, fdev, "full_like")
    if isinstance(fill, Tensor):
        return fill
    return make_tensor(to_backend_array(fill, copy=None, backend=bk, device=dev)[0], bk, None, True)


def eye(
    N: int,
    M: int | None = None,
    k: int = 0,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """A 2-D tensor with ones on the ``k``-th diagonal.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.eye(2)
    Tensor([[1., 0.],
            [0., 1.]])
    """
    return _make("eye", N, M, k=k, dtype=dtype, constant=constant, backend=backend, device=device)


def identity(
    n: int,
    dtype: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """The ``n`` by ``n`` identity matrix (:func:`eye` with ``N = n``).

    Parameters
    ----------
    n : int
    dtype : data-type, optional
        ``float64`` by default.
    constant : bool, optional
        ``True`` gives a constant; by default the dtype decides (floats are differentiable).
    backend, device : optional
        Where the tensor lives; the selected backend's default device otherwise.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.identity(3)
    Tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.]])
    >>> xg.identity(2, dtype="int64")
    Tensor([[1, 0],
            [0, 1]])
    """
    return eye(n, dtype=dtype, constant=constant, backend=backend, device=device)


def _like(
    name: str,
    other: Any,
    *args: Any,
    dtype: Any,
    shape: Any,
    constant: Any,
    backend: Any,
    device: Any,
) -> Tensor:
    if isinstance(other, Tensor):
        bk, data = other._backend, other._data
    else:
        bk = _backends.backend_of(other)
        data = other
        if bk is None:
            bk, dev = _backends.resolve(backend, device)
            data = bk.asarray(other, device=dev)
    if backend is not None or device is not None:
        bk2, dev = _backends.resolve(backend if backend is not None else bk, device)
    else:
        bk2, dev = bk, bk.device_of(data)
    if dtype is not None:
        dt = bk2.dtype(dtype)
    elif bk2 is bk:
        dt = data.dtype
    else:  # the same dtype, named for the other library
        dt = bk2.dtype(str(data.dtype).rsplit(".", 1)[-1])
    shp = tuple(data.shape) if shape is None else _shape(shape)
    if constant is None and not (isinstance(other, Tensor) and not other._constant):
        constant = True  # like a constant tensor or an array (MyGrad's rule)
    if name == "full_like":
        fill = args[0]
        if not _array_fill(fill):
            out = bk2.create("full", shp, fill, dtype=dt, device=dev)
        else:
            return _filled(shp, _fill_on(fill, bk2, dev), bk2, dt, constant, "full_like")
    else:
        out = bk2.create(name[: -len("_like")], shp, dtype=dt, device=dev)
    return _wrap(out, bk2, constant)


def zeros_like(
    other: Any,
    dtype: Any = None,
    shape: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Zeros with the shape, dtype, backend and device of ``other``.

    ``numpy.zeros_like`` on a tensor calls this. With ``constant=None`` the result is a
    constant when ``other`` is a constant tensor or not a tensor at all, as in MyGrad;
    otherwise its dtype decides (floats are differentiable). The same holds for
    :func:`ones_like`, :func:`empty_like` and :func:`full_like`.

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.zeros_like(xg.tensor([1.0, 2.0]))
    Tensor([0., 0.])
    >>> xg.zeros_like(xg.tensor([1.0, 2.0], constant=True)).constant
    True
    """
    return _like(
        "zeros_like",
        other,
        dtype=dtype,
        shape=shape,
        constant=constant,
        backend=backend,
        device=device,
    )


def ones_like(
    other: Any,
    dtype: Any = None,
    shape: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Ones with the shape, dtype, backend and device of ``other`` (``dtype`` and ``shape``
    override them; the constant flag follows :func:`zeros_like`'s rule).

    Parameters
    ----------
    other : Tensor or array_like
    dtype : data-type, optional
    shape : int or tuple of ints, optional
    constant : bool, optional
    backend, device : optional
        Create the result elsewhere than ``other`` (an explicit placement).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> xg.ones_like(xg.tensor([[1, 2, 3]]))
    Tensor([[1, 1, 1]])
    >>> xg.ones_like(xg.tensor([1.0, 2.0]), dtype="float32")
    Tensor([1., 1.], dtype=float32)
    >>> xg.ones_like(xg.tensor([1.0, 2.0])).constant, xg.ones_like(np.ones(2)).constant
    (False, True)
    """
    return _like(
        "ones_like",
        other,
        dtype=dtype,
        shape=shape,
        constant=constant,
        backend=backend,
        device=device,
    )


def empty_like(
    other: Any,
    dtype: Any = None,
    shape: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """Uninitialised values with the shape, dtype, backend and device of ``other`` (``dtype``
    and ``shape`` override them).

    Parameters
    ----------
    other : Tensor or array_like
    dtype : data-type, optional
    shape : int or tuple of ints, optional
    constant : bool, optional
        As for :func:`zeros_like`.
    backend, device : optional
        Create the result elsewhere than ``other`` (an explicit placement).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> e = xg.empty_like(xg.tensor([[1.0, 2.0]]))
    >>> e.shape, e.dtype, e.constant
    ((1, 2), dtype('float64'), False)
    >>> xg.empty_like(xg.tensor([[1.0, 2.0]]), dtype="int8").dtype
    dtype('int8')
    """
    return _like(
        "empty_like",
        other,
        dtype=dtype,
        shape=shape,
        constant=constant,
        backend=backend,
        device=device,
    )


def full_like(
    other: Any,
    fill_value: Any,
    dtype: Any = None,
    shape: Any = None,
    *,
    constant: bool | None = None,
    backend: Any = None,
    device: Any = None,
) -> Tensor:
    """``fill_value`` with the shape, dtype, backend and device of ``other``; an array or
    tensor ``fill_value`` is broadcast, and a fill tensor that needs a gradient gets one
    unless the result is constant (see :func:`full` and :func:`zeros_like`).

    Parameters
    ----------
    other : Tensor or array_like
    fill_value : number, array_like or Tensor
        Cast to the result's dtype; an array or tensor broadcasts to the result's shape.
    dtype : data-type, optional
    shape : int or tuple of ints, optional
    constant : bool, optional
    backend, device : optional
        Create the result elsewhere than ``other`` (an explicit placement).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.full_like(xg.tensor([1.0, 2.0, 3.0]), 7)
    Tensor([7., 7., 7.])
    >>> xg.full_like(xg.tensor([1, 2, 3]), 2.5)     # other's dtype: cast, as NumPy
    Tensor([2, 2, 2])
    >>> w = xg.tensor([1.0, 2.0])
    >>> y = xg.full_like(xg.zeros((3, 2)), w)
    >>> y.backward()
    >>> y
    Tensor([[1., 2.],
            [1., 2.],
            [1., 2.]])
    >>> w.grad
    array([3., 3.])
    """
    return _like(
        "full_like",
        other,
        fill_value,
        dtype=dtype,
        shape=shape,
        constant=constant,
        backend=backend,
        device=device,
    )


def _check_axis(name: str, axis: Any) -> None:
    """``axis`` of ``linspace``/``logspace``/``geomspace`` (MyGrad's and NumPy's signature):
    it places the samples when ``start``/``stop`` are arrays; for numbers the result is 1-d,
    so only 0 (or -1) means anything."""
    if axis not in (0, -1):
        raise ValueError(
            f"{name}: axis={axis!r} is out of range for the 1-d result of scalar start and "
            "stop (xgrad takes numbers there); use 0"
        )
