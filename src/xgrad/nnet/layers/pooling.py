"""``max_pool`` (MyGrad's ``mygrad.nnet.layers.pooling.max_pool``) and ``avg_pool``."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from ...ops import OPS
from ...ops._public import as_tensor_input, run
from .utils import check_tiles, per_axis, window_shape_of

__all__ = ["avg_pool", "max_pool"]


def _pool_args(x: Any, pool: Any, stride: Any) -> tuple[Any, dict]:
    x = as_tensor_input(x)
    window = window_shape_of(pool, "pool")
    ndim = len(x.shape)
    if len(window) > ndim:
        raise ValueError(
            "The number of pooled dimensions cannot exceed the dimensionality of the data: "
            f"pool={window} for data of shape {tuple(x.shape)}"
        )
    strides = per_axis(stride, len(window), "stride", 1, "pooled")
    check_tiles("Pooling", tuple(x.shape[ndim - len(window) :]), strides, window)
    return x, {"pool": window, "stride": strides}


def max_pool(x: Any, pool: Any, stride: Any, *, constant: bool | None = None) -> Tensor:
    """The maximum of each window over the last ``len(pool)`` axes (MyGrad's ``max_pool``).

    Parameters
    ----------
    x : Tensor or array, shape ``(..., C0, ...)``
        The data, pooled over its trailing axes ``C0, ...``; the leading ones (a batch, the
        channels) are kept.
    pool : tuple of int
        The window's extent ``(P0, ...)``; its length is the number of pooled axes.
    stride : int or tuple of int
        The step between windows along each pooled axis; one integer serves for all.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(..., G0, ...)``
        ``G = (C - P) / stride + 1`` windows along each pooled axis.

    Raises
    ------
    ValueError
        The windows do not tile the pooled axes exactly (every ``G`` must be a positive
        integer), or ``pool`` has more axes than ``x`` (MyGrad's messages).
    TypeError
        ``pool`` is not a sequence of positive integers, or ``stride`` not an integer (or one
        per pooled axis).

    Notes
    -----
    The gradient goes to the maximum of each window. Where several elements of a window tie
    for its maximum, they share it evenly, as ``max`` does in xgrad, PyTorch and JAX (a NaN
    maximum: the window's NaNs share it). MyGrad gives all of it to the first. Overlapping
    windows (``stride < pool``) add up their shares.

    Examples
    --------
    A 2 x 2 window with stride 1 over a 3 x 3 tensor:

    >>> import xgrad as xg
    >>> from xgrad.nnet import max_pool
    >>> x = xg.tensor([[0.0, 10.0, 8.0],
    ...                [2.0, 7.0, 3.0],
    ...                [5.0, 7.0, 20.0]])
    >>> out = max_pool(x, pool=(2, 2), stride=1)
    >>> out
    Tensor([[10., 10.],
            [ 7., 20.]])
    >>> out.sum().backward()
    >>> x.grad                  # the two 7s tie in the lower-left window: half each
    array([[0. , 2. , 0. ],
           [0. , 0.5, 0. ],
           [0. , 0.5, 1. ]])

    Pooling the last two axes of a batch of images, every two rows and every column:

    >>> import numpy as np
    >>> x = xg.tensor(np.random.default_rng(0).random((10, 3, 12, 12)))
    >>> max_pool(x, (2, 2), (2, 1)).shape
    (10, 3, 6, 11)
    """
    x, params = _pool_args(x, pool, stride)
    return run(OPS["max_pool"], (x,), params, constant)


def avg_pool(x: Any, pool: Any, stride: Any, *, constant: bool | None = None) -> Tensor:
    """The mean of each window over the last ``len(pool)`` axes (``max_pool``'s arguments;
    MyGrad has no ``avg_pool``).

    Parameters
    ----------
    x : Tensor or array, shape ``(..., C0, ...)``
        The data, pooled over its trailing axes; the leading ones are kept. Integers are
        averaged in float64.
    pool : tuple of int
        The window's extent ``(P0, ...)``; its length is the number of pooled axes.
    stride : int or tuple of int
        The step between windows along each pooled axis; one integer serves for all.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(..., G0, ...)``
        ``G = (C - P) / stride + 1`` windows along each pooled axis.

    Raises
    ------
    ValueError, TypeError
        As :func:`max_pool`.

    Notes
    -----
    It is linear: each element's gradient is ``1 / prod(pool)`` times the sum of the output
    gradients of the windows that hold it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet import avg_pool
    >>> x = xg.tensor([[1.0, 2.0, 3.0, 4.0],
    ...                [5.0, 6.0, 7.0, 8.0]])
    >>> out = avg_pool(x, pool=(2, 2), stride=2)
    >>> out
    Tensor([[3.5, 5.5]])
    >>> out.backward()
    >>> x.grad
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    >>> avg_pool(xg.arange(6.0), (3,), stride=1)       # a moving average
    Tensor([1., 2., 3., 4.])
    """
    x, params = _pool_args(x, pool, stride)
    return run(OPS["avg_pool"], (x,), params, constant)
