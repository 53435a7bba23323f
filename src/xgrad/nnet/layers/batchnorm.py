"""``batchnorm`` (MyGrad's ``mygrad.nnet.layers.batchnorm.batchnorm``)."""

from __future__ import annotations

import math
from typing import Any

from ..._tensor import Tensor
from ...ops import FUNCTIONS
from ...ops._public import as_tensor_input
from .normalization import affine, check_eps, standardize

__all__ = ["batchnorm"]


def _per_channel(p: Any, name: str, x_shape: tuple) -> Any:
    """``gamma`` or ``beta``: ``C`` values (MyGrad reshapes whatever it gets to ``(1, C, 1,
    ...)``; an empty one means none), shaped to broadcast along axis 1 of ``x``."""
    if p is None:
        return None
    p = as_tensor_input(p)
    size = math.prod(p.shape)
    if size == 0:
        return None
    c = x_shape[1]
    if size != c:
        raise ValueError(
            f"batchnorm: `{name}` must hold one value per channel, shape (C,) = ({c},) for x "
            f"of shape {x_shape}; got shape {tuple(p.shape)}"
        )
    return FUNCTIONS["reshape"](p, (1, c) + (1,) * (len(x_shape) - 2))


def batchnorm(
    x: Any,
    *,
    gamma: Any = None,
    beta: Any = None,
    eps: float,
    constant: bool | None = None,
) -> Tensor:
    """Batch normalization of ``x`` (MyGrad's ``batchnorm``): each channel (an index of axis
    1) standardized over all the other axes (the batch and any spatial axes), then scaled by
    ``gamma`` and shifted by ``beta``, one value per channel.

    For each channel::

        y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta

    Parameters
    ----------
    x : Tensor or array, shape ``(N, C, ...)``
        The batch, normalized within each of its ``C`` channels.
    gamma : Tensor or array, shape ``(C,)``, optional
        (keyword-only) The per-channel scale. None (or an empty array, as in MyGrad): no
        scaling.
    beta : Tensor or array, shape ``(C,)``, optional
        (keyword-only) The per-channel shift. None (or an empty array): no shift.
    eps : float
        (keyword-only, required, as in MyGrad) A small non-negative number added to the
        variance.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor, shape ``(N, C, ...)``
        The batch-normalized data.

    Raises
    ------
    ValueError
        ``x`` has fewer than two axes, ``gamma`` or ``beta`` does not hold ``C`` values, or
        ``eps`` is negative.
    TypeError
        ``eps`` is missing or not a real number.

    Notes
    -----
    The mean and the variance (biased: divided by the count ``x.size / C``) are those of
    MyGrad and of a training-mode ``torch.nn.functional.batch_norm``; there are no running
    statistics. It is a composite of xgrad's differentiable functions (``mean``, ``square``,
    ``sqrt``, ...), so it has gradients for ``x``, ``gamma`` and ``beta`` (MyGrad's, up to
    rounding), forward-mode derivatives, and derivatives of any order, on every backend.
    MyGrad's forward pass also runs on a 1-d ``x`` (then its backward pass fails); here that
    is a ``ValueError``. A ``gamma`` or ``beta`` of another shape with ``C`` elements is
    reshaped, as MyGrad does, and gets its gradient in its own shape.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet import batchnorm
    >>> x = xg.tensor([1.0, 4.0, 1.0]).reshape(3, 1)
    >>> batchnorm(x, eps=0)
    Tensor([[-0.70710678],
            [ 1.41421356],
            [-0.70710678]])

    Two channels, each with its own scale and shift:

    >>> x = xg.tensor([[1.0, 10.0],
    ...                [3.0, 30.0]])
    >>> gamma, beta = xg.tensor([1.0, 2.0]), xg.tensor([0.0, 5.0])
    >>> y = batchnorm(x, gamma=gamma, beta=beta, eps=0)
    >>> y
    Tensor([[-1.,  3.],
            [ 1.,  7.]])
    >>> (y * xg.tensor([[1.0, 1.0], [2.0, 0.0]])).sum().backward()
    >>> gamma.grad, beta.grad
    (array([ 1., -1.]), array([3., 1.]))

    A batch of eight 3-channel 5 x 5 images:

    >>> import numpy as np
    >>> x = xg.tensor(np.random.default_rng(0).normal(3.0, 2.0, (8, 3, 5, 5)))
    >>> y = batchnorm(x, eps=1e-5)
    >>> np.round(y.data.mean(axis=(0, 2, 3)), 12) + 0.0, np.round(y.data.std(axis=(0, 2, 3)), 4)
    (array([0., 0., 0.]), array([1., 1., 1.]))
    """
    x = as_tensor_input(x)
    shape = tuple(x.shape)
    if len(shape) < 2:
        raise ValueError(
            "batchnorm normalizes each channel of x of shape (N, C, ...): x must have at least "
            f"two dimensions, got shape {shape}"
        )
    eps = check_eps(eps, "batchnorm")
    gamma = _per_channel(gamma, "gamma", shape)
    beta = _per_channel(beta, "beta", shape)
    axes = (0, *range(2, len(shape)))
    return affine(standardize(x, axes, eps), gamma, beta, constant)
