"""Op-test rows for xgrad.nnet (activations and losses)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import xgrad as xg
from op_table import row
from xgrad import nnet
from xgrad._op import OPS, apply

SA, SS = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _axis(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries({"axis": st.integers(-len(shape), len(shape) - 1)})


row("relu", nnet.relu, lambda x: np.maximum(x, 0), 1, avoid=lambda x: x, gap=1e-2)
row(  # the engine's un-broadcasting of a bias gradient, applied as a recorded backward does
    "sum_leading",
    lambda x: apply(OPS["sum_leading"], (x,), {"lead": 1}),
    lambda x: np.sum(x, axis=0),
    1,
    min_dims=1,
)
row(  # the kink rules' op (g where cond holds), applied as a recorded rule applies it
    "masked",
    lambda x: apply(OPS["masked"], (x > 0, x * 2.0)),
    lambda x: np.where(x > 0, x * 2.0, 0.0),
    1,
    avoid=lambda x: x,
    gap=1e-2,
)
row(
    "leaky_relu",
    lambda x: nnet.leaky_relu(x, 0.1),
    lambda x: np.where(x > 0, x, 0.1 * x),
    1,
    avoid=lambda x: x,
    gap=1e-2,
)
row("sigmoid", nnet.sigmoid, lambda x: 1 / (1 + np.exp(-x)), 1, (-30, 30))
row(
    "softmax",
    lambda x, axis: nnet.softmax(x, axis),
    _softmax,
    1,
    (-5, 5),
    shapes="same",
    min_dims=1,
    params=_axis,
)
row(
    "logsoftmax",
    lambda x, axis: nnet.logsoftmax(x, axis),
    lambda x, axis: np.log(_softmax(x, axis)),
    1,
    (-5, 5),
    shapes="same",
    min_dims=1,
    params=_axis,
)
row(
    "elu",
    lambda x: nnet.elu(x, 0.7),
    lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
    1,
    avoid=lambda x: x,
    gap=1e-2,
)
row(
    "selu",
    nnet.selu,
    lambda x: SS * np.where(x > 0, x, SA * np.expm1(x)),
    1,
    avoid=lambda x: x,
    gap=1e-2,
)
row("soft_sign", nnet.soft_sign, lambda x: x / (1 + np.abs(x)), 1, avoid=lambda x: x, gap=1e-2)
row(
    "hard_tanh",
    nnet.hard_tanh,
    lambda x: np.clip(x, -1, 1),
    1,
    avoid=lambda x: np.minimum(np.abs(x - 1), np.abs(x + 1)),
    gap=1e-2,
)


def _glu_ref(x: np.ndarray) -> np.ndarray:
    a, b = np.split(x, 2, axis=-1)
    return a / (1 + np.exp(-b))


row(
    "glu",
    nnet.glu,
    _glu_ref,
    1,
    shapes="same",
    min_dims=1,
    min_side=2,
    max_dims=2,
    params=lambda s: st.just({}) if s[-1] % 2 == 0 else st.nothing(),
)


def _labels(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {
            "labels": st.lists(
                st.integers(0, shape[1] - 1), min_size=shape[0], max_size=shape[0]
            ).map(lambda v: np.array(v, dtype=np.int64))
        }
    )


def _sce_ref(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    lsm = np.log(_softmax(x, -1))
    return -np.mean(lsm[np.arange(len(labels)), labels])


def _nll_ref(x: np.ndarray, labels: np.ndarray, weights: Any = None) -> np.ndarray:
    w = np.ones(x.shape[1]) if weights is None else weights
    return -np.mean(x[np.arange(len(labels)), labels] * w[labels])


row(
    "softmax_crossentropy",
    lambda x, labels: nnet.softmax_crossentropy(x, labels),
    _sce_ref,
    1,
    (-5, 5),
    shapes="same",
    min_dims=2,
    max_dims=2,
    params=_labels,
)
row(
    "negative_log_likelihood",
    lambda x, labels: nnet.negative_log_likelihood(x, labels),
    _nll_ref,
    1,
    shapes="same",
    min_dims=2,
    max_dims=2,
    params=_labels,
)
row(
    "negative_log_likelihood (weights)",
    lambda x, labels: nnet.negative_log_likelihood(
        x, labels, weights=xg.arange(1.0, x.shape[1] + 1.0)
    ),
    lambda x, labels: _nll_ref(x, labels, np.arange(1.0, x.shape[1] + 1.0)),
    1,
    shapes="same",
    min_dims=2,
    max_dims=2,
    params=_labels,
)
