"""Activation functions (MyGrad's ``mygrad.nnet.activations``)."""

from __future__ import annotations

import numbers
from typing import Any

from .. import backends as _backends
from .._tensor import Tensor
from ..ops import FUNCTIONS, OPS
from ..ops._public import as_tensor_input, ndim_of, norm_axis, run

__all__ = [
    "elu",
    "glu",
    "hard_tanh",
    "leaky_relu",
    "logsoftmax",
    "relu",
    "selu",
    "sigmoid",
    "soft_sign",
    "softmax",
    "tanh",
]

tanh = FUNCTIONS["tanh"]


def relu(x: Any, *, constant: bool | None = None) -> Tensor:
    """``max(x, 0)``; the derivative at 0 is 0.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import relu
    >>> x = xg.tensor([-1.0, 0.0, 2.0])
    >>> relu(x).backward()
    >>> x.grad
    array([0., 0., 1.])
    """
    return run(OPS["relu"], (x,), None, constant)


def leaky_relu(x: Any, slope: float, *, constant: bool | None = None) -> Tensor:
    """``x`` where positive, ``slope * x`` elsewhere.

    Parameters
    ----------
    x : Tensor, array or number
    slope : float
        The slope for negative ``x`` (the derivative there).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import leaky_relu
    >>> x = xg.tensor([-2.0, 3.0])
    >>> y = leaky_relu(x, 0.1)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-0.2,  3. ]), array([0.1, 1. ]))
    """
    return run(OPS["leaky_relu"], (x,), {"slope": float(slope)}, constant)


def sigmoid(x: Any, *, constant: bool | None = None) -> Tensor:
    """The logistic function ``1 / (1 + exp(-x))``, computed without overflow.

    Parameters
    ----------
    x : Tensor, array or number
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        Values in ``(0, 1)``; the derivative is ``sigmoid(x) * (1 - sigmoid(x))``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import sigmoid
    >>> x = xg.tensor([0.0, 2.0])
    >>> y = sigmoid(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([0.5       , 0.88079708]), array([0.25      , 0.10499359]))
    """
    return run(OPS["sigmoid"], (x,), None, constant)


def _axis(x: Any, axis: int) -> tuple[Any, dict]:
    x = as_tensor_input(x)
    return x, {"axis": norm_axis(axis, ndim_of(x))}


def softmax(x: Any, axis: int = -1, *, constant: bool | None = None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``, computed stably.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import softmax
    >>> softmax(xg.tensor([0.0, 0.0]))
    Tensor([0.5, 0.5])
    """
    x, params = _axis(x, axis)
    return run(OPS["softmax"], (x,), params, constant)


def logsoftmax(x: Any, axis: int = -1, *, constant: bool | None = None) -> Tensor:
    """``log(softmax(x))`` along ``axis``, computed stably.

    Parameters
    ----------
    x : Tensor, array or number
    axis : int, optional
        The axis to normalise along (the last by default).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        Log-probabilities: ``exp`` of the result sums to 1 along ``axis``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import logsoftmax
    >>> x = xg.tensor([0.0, 1.0])
    >>> y = logsoftmax(x)
    >>> y[0].backward()             # d log p_0 / dx = onehot(0) - softmax(x)
    >>> y, x.grad
    (Tensor([-1.31326169, -0.31326169]), array([ 0.73105858, -0.73105858]))
    """
    x, params = _axis(x, axis)
    return run(OPS["logsoftmax"], (x,), params, constant)


def elu(x: Any, alpha: float, *, constant: bool | None = None) -> Tensor:
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    Parameters
    ----------
    x : Tensor, array or number
    alpha : float
        The scale of the negative part (its limit is ``-alpha``).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import elu
    >>> x = xg.tensor([-1.0, 2.0])
    >>> y = elu(x, alpha=0.5)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-0.31606028,  2.        ]), array([0.18393972, 1.        ]))
    """
    return run(OPS["elu"], (x,), {"alpha": float(alpha)}, constant)


def selu(x: Any, *, constant: bool | None = None) -> Tensor:
    """The scaled exponential linear unit (self-normalising constants).

    ``scale * x`` where positive, ``scale * alpha * (exp(x) - 1)`` elsewhere, with
    ``alpha = 1.6732632423543772`` and ``scale = 1.0507009873554805``.

    Parameters
    ----------
    x : Tensor, array or number
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import selu
    >>> x = xg.tensor([-1.0, 1.0])
    >>> y = selu(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-1.11133074,  1.05070099]), array([0.6467686 , 1.05070099]))
    """
    return run(OPS["selu"], (x,), None, constant)


def soft_sign(x: Any, *, constant: bool | None = None) -> Tensor:
    """``x / (1 + |x|)``.

    Parameters
    ----------
    x : Tensor, array or number
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        Values in ``(-1, 1)``; the derivative is ``1 / (1 + |x|)**2``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import soft_sign
    >>> x = xg.tensor([-1.0, 3.0])
    >>> y = soft_sign(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([-0.5 ,  0.75]), array([0.25  , 0.0625]))
    """
    return FUNCTIONS["divide"](x, 1 + FUNCTIONS["absolute"](x), constant=constant)


def _bound(value: Any, name: str) -> Any:
    """A bound of :func:`hard_tanh`: a real number, or a tensor or array (bounds per element,
    as ``clip`` takes them); ``TypeError`` otherwise, as in MyGrad."""
    if isinstance(value, (numbers.Real, Tensor)) or _backends.backend_of(value) is not None:
        return value
    raise TypeError(
        f"`{name}` must be a real-valued scalar, got {value!r} (type {type(value).__name__})"
    )


def hard_tanh(
    x: Any, *, lower_bound: float = -1, upper_bound: float = 1, constant: bool | None = None
) -> Tensor:
    """``x`` clipped to ``[lower_bound, upper_bound]`` (derivative 0 at and beyond them).

    As MyGrad defines it, this is ``maximum(lower_bound, minimum(x, upper_bound))``: with
    ``lower_bound > upper_bound`` every element is ``lower_bound`` and the derivative is 0.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import hard_tanh
    >>> x = xg.tensor([-2.0, 0.5, 3.0])
    >>> hard_tanh(x)
    Tensor([-1. ,  0.5,  1. ])
    >>> hard_tanh(x, lower_bound=1, upper_bound=-1)
    Tensor([1., 1., 1.])
    """
    lo, hi = _bound(lower_bound, "lower_bound"), _bound(upper_bound, "upper_bound")
    clip, maximum, minimum = FUNCTIONS["clip"], FUNCTIONS["maximum"], FUNCTIONS["minimum"]
    if isinstance(lo, numbers.Real) and isinstance(hi, numbers.Real):
        if lo <= hi:
            return clip(x, lo, hi, constant=constant)
        # no element of minimum(x, hi) reaches lo: the result is lo (NaN stays NaN), and
        # the derivative 0 everywhere
        return maximum(lo, minimum(x, hi), constant=constant)
    # bounds per element: the same rule wherever they are inverted; there clip gets lo for
    # both bounds (array_api_strict refuses inverted ones)
    where = FUNCTIONS["where"]
    inverted = FUNCTIONS["greater"](lo, hi)
    clipped = clip(x, lo, where(inverted, lo, hi))
    return where(inverted, maximum(lo, minimum(x, hi)), clipped, constant=constant)


def glu(x: Any, axis: int = -1, *, constant: bool | None = None) -> Tensor:
    """The gated linear unit: the first half of ``x`` along ``axis`` times the sigmoid of
    the second half.

    Parameters
    ----------
    x : Tensor, array or number
        The size of ``axis`` must be even.
    axis : int, optional
        The axis to split in halves (the last by default).
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Returns
    -------
    Tensor
        Half the size of ``x`` along ``axis``.

    Raises
    ------
    ValueError
        The size of ``axis`` is odd.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.activations import glu
    >>> x = xg.tensor([1.0, 2.0, 0.0, 0.0])       # values [1, 2], gates [0, 0]
    >>> y = glu(x)
    >>> y.backward()
    >>> y, x.grad
    (Tensor([0.5, 1. ]), array([0.5 , 0.5 , 0.25, 0.5 ]))
    >>> glu(xg.tensor([[1.0, 0.0], [2.0, 0.0]]), axis=0)
    Tensor([[0.88079708, 0.        ]])
    """
    x = as_tensor_input(x)
    ax = norm_axis(axis, ndim_of(x))
    n = x.shape[ax]
    if n % 2:
        raise ValueError(f"glu: the size of axis {ax} must be even, got {n}")
    first, second = FUNCTIONS["split"](x, 2, axis=ax)
    return FUNCTIONS["multiply"](first, sigmoid(second), constant=constant)
