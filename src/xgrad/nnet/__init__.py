"""``xgrad.nnet``: neural-network building blocks, with MyGrad's names and import paths
(``xgrad.nnet.activations.relu``, ``xgrad.nnet.losses.softmax_crossentropy``,
``xgrad.nnet.layers.conv_nd``)."""

from __future__ import annotations

from . import activations, initializers, layers, losses
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
from .initializers import (
    constant,
    dirac,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    identity,
    normal,
    uniform,
)
from .layers import (
    avg_pool,
    batchnorm,
    conv_nd,
    dropout,
    gru,
    layer_norm,
    linear,
    max_pool,
    sliding_window_view,
)
from .losses import (
    focal_loss,
    margin_ranking_loss,
    multiclass_hinge,
    negative_log_likelihood,
    softmax_crossentropy,
    softmax_focal_loss,
)

__all__ = [
    "activations",
    "initializers",
    # the initializers, also at the top level as in MyGrad
    "constant",
    "dirac",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "normal",
    "uniform",
    "avg_pool",
    "batchnorm",
    "conv_nd",
    "dropout",
    "gru",
    "layer_norm",
    "linear",
    "elu",
    "glu",
    "hard_tanh",
    "layers",
    "leaky_relu",
    "logsoftmax",
    "losses",
    "max_pool",
    "negative_log_likelihood",
    "focal_loss",
    "softmax_focal_loss",
    "margin_ranking_loss",
    "multiclass_hinge",
    "relu",
    "selu",
    "sigmoid",
    "sliding_window_view",
    "soft_sign",
    "softmax",
    "softmax_crossentropy",
    "tanh",
]
