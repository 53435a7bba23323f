"""``sliding_window_view`` (MyGrad's ``mygrad.nnet.layers.utils.sliding_window_view``, also
``xgrad.sliding_window_view``) and the argument checks that the layers share."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from ... import backends as _backends
from ..._tensor import Tensor
from ...ops._public import as_tensor_input

__all__ = ["sliding_window_view"]


def _integer(value: Any) -> int | None:
    """``value`` as an int if it is an integer (Python's or NumPy's, or a 0-d array of one)."""
    if isinstance(value, float):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def per_axis(value: Any, n: int, name: str, least: int, what: str = "convolved") -> tuple:
    """``value`` (one integer, or one per axis) as a tuple of ``n`` integers, each at least
    ``least``; ``TypeError`` for non-integers, ``ValueError`` for a wrong count or range."""
    single = _integer(value)
    if single is not None:
        values: tuple = (single,) * n
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(
            f"`{name}` must be an integer or a sequence of {n} integers (one per {what} "
            f"axis), got {value!r}"
        )
    else:
        items = tuple(value)
        values = tuple(_integer(v) for v in items)
        if any(v is None for v in values):
            raise TypeError(
                f"`{name}` must be an integer or a sequence of {n} integers (one per {what} "
                f"axis), got {value!r}"
            )
        if len(values) != n:
            raise ValueError(
                f"`{name}` must give one value per {what} axis: expected {n}, got "
                f"{len(values)} ({value!r})"
            )
    if any(v < least for v in values):
        raise ValueError(f"`{name}` values must be at least {least}, got {value!r}")
    return values


def window_shape_of(window: Any, name: str) -> tuple:
    """A window's shape: a non-empty sequence of positive integers (``TypeError`` otherwise,
    as MyGrad says it)."""
    message = f"`{name}` must be a sequence of positive integers, got: {window!r}"
    if isinstance(window, (str, bytes)) or not hasattr(window, "__iter__"):
        raise TypeError(message)
    values = tuple(_integer(v) for v in window)
    if not values or any(v is None or v <= 0 for v in values):
        raise TypeError(message)
    return values


def incompatible(
    kind: str, spatial: Sequence[int], stride: tuple, window: tuple, **more: tuple
) -> ValueError:
    """MyGrad's error for windows that do not tile the (padded) input exactly."""
    lines = [
        "Stride and kernel dimensions are incompatible: ",
        f"Input dimensions: {tuple(spatial)}",
        f"Stride dimensions: {stride}",
        f"{kind} dimensions: {window}",
    ]
    lines += [f"{k.capitalize()} dimensions: {v}" for k, v in more.items()]
    padding = more.get("padding", (0,) * len(window))
    dilation = more.get("dilation", (1,) * len(window))
    lines.append(
        "Along every axis, (input + 2 * padding - ((window - 1) * dilation + 1)) / stride + 1 "
        "must be a positive integer: the windows must tile the "
        + ("padded input" if any(padding) else "input")
        + " exactly; here it is "
        + str(
            tuple(
                round((x + 2 * p - ((w - 1) * d + 1)) / s + 1, 3)
                for x, p, w, d, s in zip(spatial, padding, window, dilation, stride, strict=True)
            )
        )
    )
    return ValueError("\n".join(lines))


def check_tiles(
    kind: str, spatial: Sequence[int], stride: tuple, window: tuple, **more: tuple
) -> None:
    padding = more.get("padding", (0,) * len(window))
    dilation = more.get("dilation", (1,) * len(window))
    for x, p, w, d, s in zip(spatial, padding, window, dilation, stride, strict=True):
        span = x + 2 * p - ((w - 1) * d + 1)
        if span < 0 or span % s:
            raise incompatible(kind, spatial, stride, window, **more)


def sliding_window_view(arr: Any, window_shape: Any, step: Any, dilation: Any = None) -> Any:
    """A sliding-window view over the trailing axes of an array (MyGrad's function).

    The windows are placed greedily, only where they fit:
    ``X = (x - (Wx - 1) * Dx - 1) // Sx + 1`` times along an axis of length ``x``, for a
    window of length ``Wx``, step ``Sx`` and dilation ``Dx``. Not differentiable.

    Parameters
    ----------
    arr : array or Tensor, shape ``(..., x, ..., z)``
        The windows run over its last ``len(window_shape)`` axes. A tensor's data is used
        (the result is a plain array, as for xgrad's other non-differentiable functions).
    window_shape : sequence of int
        The window's shape, ``(Wx, ..., Wz)``.
    step : int or sequence of int
        The step between windows along each windowed axis, ``(Sx, ..., Sz)``.
    dilation : int or sequence of int, optional
        The spacing of a window's elements along each axis (1: adjacent; the default).

    Returns
    -------
    array, shape ``(X, ..., Z, ..., Wx, ..., Wz)``
        The grid of window placements first, then ``arr``'s leading axes, then the window:
        ``out[ix, ..., iz]`` is
        ``arr[..., ix*Sx : ix*Sx + (Wx-1)*Dx + 1 : Dx, ..., iz*Sz : iz*Sz + (Wz-1)*Dz + 1 : Dz]``.
        On NumPy it is a read-only view of ``arr`` (no copy, as MyGrad's; a non-contiguous
        ``arr`` is viewed in place rather than copied first). On the other backends, whose
        libraries have no strided views (array_api_strict, CuPy through the array API), it
        is a new array of the inputs' backend and device holding the same values.

    Raises
    ------
    TypeError, ValueError
        An invalid window shape, step or dilation, or a window that does not fit (MyGrad's
        messages).

    Examples
    --------
    >>> import numpy as np
    >>> import xgrad as xg
    >>> x = np.arange(36).reshape(6, 6)
    >>> y = xg.sliding_window_view(x, window_shape=(3, 2), step=(2, 2))
    >>> y.shape             # a 2 x 3 grid of 3 x 2 windows
    (2, 3, 3, 2)
    >>> y[1, 0]             # the window placed at row 2, column 0
    array([[12, 13],
           [18, 19],
           [24, 25]])
    >>> np.shares_memory(x, y), y.flags.writeable
    (True, False)
    >>> xg.sliding_window_view(np.arange(8), (2,), step=3, dilation=2)
    array([[0, 2],
           [3, 5]])
    """
    data = arr._data if isinstance(arr, Tensor) else as_tensor_input(arr)
    window = window_shape_of(window_shape, "window_shape")
    ndim = len(data.shape)
    if len(window) > ndim:
        raise ValueError(
            f"`window_shape` ({window}) cannot specify more values than `arr.ndim` ({ndim})."
        )
    n = len(window)
    if _integer(step) is None and (isinstance(step, (str, bytes)) or not hasattr(step, "__iter__")):
        raise TypeError(
            f"`step` must be a positive integer or a sequence of positive integers, got: {step!r}"
        )
    try:
        steps = per_axis(step, n, "step", 1, "windowed")
    except (TypeError, ValueError):
        raise ValueError(
            "`step` must be a positive integer or a sequence of positive integers (one per "
            f"window axis, {n} here), got: {step!r}"
        ) from None
    trailing = tuple(data.shape[ndim - n :])
    if any(w > s for w, s in zip(window, trailing, strict=True)):
        raise ValueError(
            "Each size of the window-shape must fit within the trailing dimensions of `arr`. "
            f"{window} does not fit in {trailing}"
        )
    if dilation is None:
        dilations = (1,) * n
    else:
        if _integer(dilation) is None and (
            isinstance(dilation, (str, bytes)) or not hasattr(dilation, "__iter__")
        ):
            raise TypeError(
                "`dilation` must be None, a positive integer, or a sequence of positive "
                f"integers, got: {dilation!r}"
            )
        try:
            dilations = per_axis(dilation, n, "dilation", 1, "windowed")
        except (TypeError, ValueError):
            raise ValueError(
                "`dilation` must be None, a positive integer, or a sequence of positive "
                f"integers with the same length as `window_shape` ({window}), got: {dilation!r}"
            ) from None
        spans = tuple((w - 1) * d + 1 for w, d in zip(window, dilations, strict=True))
        if any(e > s for e, s in zip(spans, trailing, strict=True)):
            raise ValueError(
                f"The dilated window ({spans}) must fit within the trailing dimensions of "
                f"`arr` ({trailing})"
            )
    bk = _backends.backend_of(data)
    win = bk.sliding_windows(data, window, steps, dilations)  # (*lead, *window, *grid)
    lead = ndim - n
    perm = tuple(range(lead + n, lead + 2 * n)) + tuple(range(lead)) + tuple(range(lead, lead + n))
    return bk.xp.permute_dims(win, perm)
