"""``xgrad.nnet``: neural-network building blocks, with MyGrad's names and import paths
(``xgrad.nnet.activations.relu``, ``xgrad.nnet.losses.softmax_crossentropy``)."""

from __future__ import annotations

from . import activations, losses
from .activations import (
    elu,
    glu,
    hard_tanh,
    leaky_relu,
    logsoftmax,
    relu,
    selu,
    sigmoid,
    soft_sign,
    softmax,
    tanh,
)
from .losses import negative_log_likelihood, softmax_crossentropy

__all__ = [
    "activations",
    "elu",
    "glu",
    "hard_tanh",
    "leaky_relu",
    "logsoftmax",
    "losses",
    "negative_log_likelihood",
    "relu",
    "selu",
    "sigmoid",
    "soft_sign",
    "softmax",
    "softmax_crossentropy",
    "tanh",
]
