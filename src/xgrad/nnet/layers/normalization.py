"""``layer_norm`` (``torch.nn.functional.layer_norm`` over chosen axes; MyGrad has none) and
the standardization that it and :func:`xgrad.nnet.batchnorm` share.

Both are composites of differentiable xgrad functions (``mean``, ``subtract``, ``square``,
``sqrt``, ``divide``, ``multiply``, ``add``), so their gradients, forward-mode derivatives and
higher derivatives come from those functions' rules, on every backend.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

from ..._tensor import Tensor
from ...ops import FUNCTIONS
from ...ops._public import as_tensor_input, norm_axis

__all__ = ["layer_norm"]


def check_eps(eps: Any, where: str) -> float:
    """``eps`` as a float: a real number, at least 0."""
    if isinstance(eps, bool) or not isinstance(eps, Real):
        raise TypeError(f"{where}: `eps` must be a non-negative real number, got {eps!r}")
    if not eps >= 0:
        raise ValueError(f"{where}: `eps` must be a non-negative real number, got {eps!r}")
    return float(eps)


def standardize(x: Any, axes: tuple[int, ...], eps: float) -> Tensor:
    """``(x - mean) / sqrt(var + eps)``, the statistics over ``axes`` (kept as size-1 axes),
    the variance biased (divided by the count), as MyGrad's ``batchnorm`` computes them."""
    F = FUNCTIONS
    centered = F["subtract"](x, F["mean"](x, axis=axes, keepdims=True))
    var = F["mean"](F["square"](centered), axis=axes, keepdims=True)
    return F["divide"](centered, F["sqrt"](F["add"](var, eps)))


def affine(y: Tensor, gamma: Any, beta: Any, constant: bool | None) -> Tensor:
    """``y * gamma + beta`` (either optional; both already shaped to broadcast), with the
    ``constant`` flag on the last op."""
    F = FUNCTIONS
    if gamma is None and beta is None:
        return F["positive"](y, constant=constant) if constant is not None else y
    if gamma is not None:
        y = F["multiply"](y, gamma, constant=constant if beta is None else None)
    if beta is not None:
        y = F["add"](y, beta, constant=constant)
    return y


def _axes(normalized_axes: Any, ndim: int) -> tuple[int, ...]:
    if isinstance(normalized_axes, (tuple, list)):
        axes = tuple(norm_axis(a, ndim, "normalized_axes") for a in normalized_axes)
    else:
        axes = (norm_axis(normalized_axes, ndim, "normalized_axes"),)
    if not axes:
        raise ValueError("layer_norm: `normalized_axes` must name at least one axis, got ()")
    if len(set(axes)) != len(axes):
        raise ValueError(f"layer_norm: repeated axis in `normalized_axes` {normalized_axes!r}")
    return tuple(sorted(axes))


def _placed(p: Any, name: str, x_shape: tuple, axes: tuple[int, ...]) -> Any:
    """``gamma`` or ``beta`` of shape ``x.shape[axes]``, reshaped onto those axes of ``x``."""
    if p is None:
        return None
    p = as_tensor_input(p)
    want = tuple(x_shape[a] for a in axes)
    if tuple(p.shape) != want:
        raise ValueError(
            f"layer_norm: `{name}` must have the shape of the normalized axes {axes} of x, "
            f"{want} (x has shape {x_shape}); got shape {tuple(p.shape)}"
        )
    keep = tuple(n if i in axes else 1 for i, n in enumerate(x_shape))
    return FUNCTIONS["reshape"](p, keep)


def layer_norm(
    x: Any,
    *,
    normalized_axes: Any = -1,
    gamma: Any = None,
    beta: Any = None,
    eps: float = 1e-5,
    constant: bool | None = None,
) -> Tensor:
    """Layer normalization: standardize ``x`` over ``normalized_axes`` (each slice along the
    other axes separately), then scale by ``gamma`` and shift by ``beta``.

    With the mean and the (biased) variance over ``normalized_axes``::

        y = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta

    Over the trailing axes it
    is ``torch.nn.functional.layer_norm(x, x.shape[-k:], gamma, beta, eps)`` with
    ``normalized_axes=(-k, ..., -1)``; MyGrad has no layer norm.

    Parameters
    ----------
    x : Tensor or array
        The data.
    normalized_axes : int or tuple of int, optional
        (keyword-only) The axes the statistics are taken over, negative ones counted from the
        end; the last axis by default.
    gamma : Tensor or array, optional
        (keyword-only) The scale, of shape ``tuple(x.shape[a] for a in normalized_axes)``
        (the axes in increasing order): one factor per element of a normalized slice, placed
        along those axes. None: no scaling.
    beta : Tensor or array, optional
        (keyword-only) The shift, of the same shape as ``gamma``. None: no shift.
    eps : float, optional
        (keyword-only) Added to the variance (1e-5, PyTorch's default), non-negative.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        The shape of ``x``.

    Raises
    ------
    numpy.exceptions.AxisError
        An axis out of range (a ``ValueError`` and an ``IndexError``).
    ValueError
        No axis or a repeated axis, ``gamma`` or ``beta`` of the wrong shape, a negative
        ``eps``.
    TypeError
        An axis that is not an integer, an ``eps`` that is not a real number.

    Notes
    -----
    A composite of xgrad's differentiable functions: derivatives of any order, in reverse and
    forward mode, on every backend. An axis of length 1 has variance 0, so its output is
    ``beta`` (0 without it); with ``eps=0`` it is NaN.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet import layer_norm
    >>> x = xg.tensor([[1.0, 2.0, 3.0],
    ...                [2.0, 2.0, 8.0]])
    >>> layer_norm(x, eps=0.0)                              # each row: mean 0, variance 1
    Tensor([[-1.22474487,  0.        ,  1.22474487],
            [-0.70710678, -0.70710678,  1.41421356]])
    >>> y = layer_norm(x, gamma=[1.0, 1.0, 2.0], beta=[0.0, 0.0, 0.5], eps=0.0)
    >>> y
    Tensor([[-1.22474487,  0.        ,  2.94948974],
            [-0.70710678, -0.70710678,  3.32842712]])
    >>> y.sum().backward()
    >>> x.grad.round(8)                                     # it sums to 0 in each row
    array([[ 0.20412415, -0.40824829,  0.20412415],
           [ 0.        ,  0.        ,  0.        ]])

    Over the last two axes of a batch of 4 x 5 feature maps, with a scale per element:

    >>> import numpy as np
    >>> x = xg.tensor(np.random.default_rng(0).random((2, 3, 4, 5)))
    >>> y = layer_norm(x, normalized_axes=(-2, -1), gamma=xg.ones((4, 5)))
    >>> y.shape
    (2, 3, 4, 5)
    >>> bool(abs(y.data.mean(axis=(-2, -1))).max() < 1e-12)
    True
    """
    x = as_tensor_input(x)
    shape = tuple(x.shape)
    axes = _axes(normalized_axes, len(shape))
    eps = check_eps(eps, "layer_norm")
    gamma = _placed(gamma, "gamma", shape, axes)
    beta = _placed(beta, "beta", shape, axes)
    if math.prod(shape[a] for a in axes) == 0:
        raise ValueError(f"layer_norm: the normalized axes {axes} of x {shape} are empty")
    return affine(standardize(x, axes, eps), gamma, beta, constant)
