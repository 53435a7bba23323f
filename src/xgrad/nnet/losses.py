"""Loss functions (MyGrad's ``mygrad.nnet.losses``)."""

from __future__ import annotations

from typing import Any

from .. import backends as _backends
from .._tensor import Tensor
from ..backends._dtypes import dtype_is
from ..ops import FUNCTIONS, OPS
from ..ops._public import as_tensor_input, run
from ..ops.nnet import _onehot

__all__ = ["negative_log_likelihood", "softmax_crossentropy"]


def _labels(x: Any, y_true: Any) -> Any:
    """The integer class labels as an array on ``x``'s backend and device."""
    if isinstance(y_true, Tensor):
        y_true = y_true._data
    bk = x._backend if isinstance(x, Tensor) else _backends.backend_of(x)
    if not isinstance(y_true, bk.array_types):
        y_true = bk.asarray(y_true, device=bk.device_of(x._data if isinstance(x, Tensor) else x))
    if not dtype_is(bk.xp, y_true.dtype, "integral"):
        raise TypeError(f"y_true must hold integer class labels, got dtype {y_true.dtype}")
    shape = tuple(x.shape)
    if len(shape) != 2 or tuple(y_true.shape) != (shape[0],):
        raise ValueError(
            f"expected scores of shape (N, C) and labels of shape (N,); got {shape} "
            f"and {tuple(y_true.shape)}"
        )
    # Labels outside [0, C) match no class. Where reading values is free (NumPy) that is an
    # error; on a device it would cost a synchronisation, so there such a row contributes
    # its logsumexp alone, with the softmax as its gradient (loss and gradient agree).
    if bk.indices_in_range(y_true, shape[1]) is False:
        raise ValueError(
            f"class labels must lie in [0, {shape[1]}) for scores with {shape[1]} classes; "
            f"got labels from {int(bk.xp.min(y_true))} to {int(bk.xp.max(y_true))}"
        )
    return y_true


def _weights(weights: Any, x: Any, bk: Any) -> Any:
    """The per-class weights, checked to be one per class (shape ``(C,)``), as in MyGrad."""
    if not (isinstance(weights, Tensor) or _backends.backend_of(weights) is not None):
        weights = bk.asarray(weights, device=bk.device_of(x._data if isinstance(x, Tensor) else x))
    c = x.shape[1]
    if tuple(weights.shape) != (c,):
        raise ValueError(
            f"`weights` must be a shape-(C,) array, one weight per class: expected shape ({c},) "
            f"for scores with {c} classes, got shape {tuple(weights.shape)}"
        )
    return weights


def softmax_crossentropy(x: Any, y_true: Any, *, constant: bool | None = None) -> Tensor:
    """The mean cross-entropy of ``softmax(x)`` against integer labels ``y_true``.

    ``x`` holds C class scores for each of N data, shape ``(N, C)``; its gradient is
    ``(softmax(x) - onehot(y_true)) / N``. The labels must lie in ``[0, C)``: on NumPy
    others raise ``ValueError``; on device backends (where checking would synchronise with
    the device) a row whose label matches no class contributes its logsumexp alone.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import softmax_crossentropy
    >>> x = xg.tensor([[0.0, 0.0], [1.0, -1.0]])
    >>> loss = softmax_crossentropy(x, [0, 0])
    >>> loss.backward()
    >>> loss            # (log 2 + log(1 + e**-2)) / 2
    Tensor(0.4100376)
    >>> x.grad
    array([[-0.25      ,  0.25      ],
           [-0.05960146,  0.05960146]])
    """
    x = as_tensor_input(x)
    return run(OPS["softmax_crossentropy"], (x, _labels(x, y_true)), None, constant)


def negative_log_likelihood(
    x: Any, y_true: Any, *, weights: Any = None, constant: bool | None = None
) -> Tensor:
    """The mean of ``-weights[y_true[i]] * x[i, y_true[i]]`` (``x`` holding log-probabilities,
    ``weights`` one factor per class, shape ``(C,)``, default 1), as MyGrad defines it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.nnet.losses import negative_log_likelihood
    >>> x = xg.tensor([[-1.0, -2.0], [-3.0, -4.0]])
    >>> negative_log_likelihood(x, [0, 1], weights=[2.0, 1.0])     # (2 * 1 + 1 * 4) / 2
    Tensor(3.)
    """
    x = as_tensor_input(x)
    labels = _labels(x, y_true)
    bk = x._backend
    if weights is not None:
        weights = _weights(weights, x, bk)
    # picked through a one-hot mask, as in softmax_crossentropy: a label matching no class
    # (unchecked, on a device) picks nothing, in the loss and the gradient alike
    onehot = _onehot(bk.xp, labels, x.shape[1], bk.device_of(labels))
    picked = FUNCTIONS["sum"](FUNCTIONS["where"](onehot, x, 0.0), axis=1)
    if weights is not None:
        w = FUNCTIONS["sum"](FUNCTIONS["where"](onehot, weights, 0.0), axis=1)
        picked = FUNCTIONS["multiply"](picked, w)
    return FUNCTIONS["negative"](FUNCTIONS["mean"](picked), constant=constant)
