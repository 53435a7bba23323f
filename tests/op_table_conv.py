"""Op-test rows for xgrad.nnet.layers: conv_nd (1-d, 2-d, 3-d, with strides, padding and
dilation), max_pool and avg_pool (1 to 3 pooled axes, any leading axes).

The references are NumPy's own: ``numpy.lib.stride_tricks.sliding_window_view`` of the padded
input, strided and dilated by slicing, contracted with ``einsum`` (xgrad's forward is a strided
view and a matmul); tests/test_layers.py also checks a loop over output positions and MyGrad.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from op_table import row
from xgrad import nnet

#: inputs larger than this are skipped (the finite differences loop over every element)
MAX_SIZE = 144


def np_windows(x: np.ndarray, window: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """``(*lead, *grid, *window)``: NumPy's sliding windows of the trailing axes, strided and
    dilated by slicing."""
    n = len(window)
    spans = tuple((w - 1) * d + 1 for w, d in zip(window, dilation, strict=True))
    v = np.lib.stride_tricks.sliding_window_view(x, spans, axis=tuple(range(x.ndim - n, x.ndim)))
    key = (
        (slice(None),) * (x.ndim - n)
        + tuple(slice(None, None, s) for s in stride)
        + tuple(slice(None, None, d) for d in dilation)
    )
    return v[key]


def conv_ref(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple, dilation: tuple):
    n = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    v = np_windows(xp, w.shape[2:], stride, dilation)  # (N, C, *G, *W)
    g = list(range(2, 2 + n))
    k = list(range(2 + n, 2 + 2 * n))
    f = 2 + 2 * n
    return np.einsum(v, [0, 1, *g, *k], w, [f, 1, *k], [0, f, *g])


def pool_ref(x: np.ndarray, pool: tuple, stride: tuple, reduce: Any) -> np.ndarray:
    v = np_windows(x, pool, stride, (1,) * len(pool))
    return reduce(v, axis=tuple(range(x.ndim, v.ndim)))


@st.composite
def _conv_draw(draw: Any, shape: tuple) -> dict:
    stride, padding, dilation, kernel = [], [], [], []
    for size in shape[2:]:
        p = draw(st.integers(0, 1))
        d = draw(st.integers(1, 2))
        k = draw(st.integers(1, min(3, (size + 2 * p - 1) // d + 1)))
        span = size + 2 * p - ((k - 1) * d + 1)
        s = draw(st.sampled_from([s for s in (1, 2, 3) if span % s == 0]))
        stride.append(s)
        padding.append(p)
        dilation.append(d)
        kernel.append(k)
    f = draw(st.integers(1, 3))
    elements = st.floats(-2, 2, allow_nan=False, allow_subnormal=False)
    w = draw(hnp.arrays(np.float64, (f, shape[1], *kernel), elements=elements))
    return {"w": w, "stride": tuple(stride), "padding": tuple(padding), "dilation": tuple(dilation)}


def _conv_params(shape: tuple) -> st.SearchStrategy:
    return st.nothing() if math.prod(shape) > MAX_SIZE else _conv_draw(shape)


def _conv(x: Any, w: Any, stride: tuple, padding: tuple, dilation: tuple) -> Any:
    return nnet.conv_nd(x, w, stride=stride, padding=padding, dilation=dilation)


for _n, _name in ((1, "1d"), (2, "2d"), (3, "3d")):
    row(
        f"conv_nd ({_name})",
        _conv,
        conv_ref,
        1,
        shapes="same",
        min_dims=2 + _n,
        max_dims=2 + _n,
        params=_conv_params,
        extra={"tensor_params": ("w",)},
    )


#: the pools' inputs: at most this many elements
MAX_POOL_SIZE = 64
#: max_pool's rows pool ``x + SPREAD * rank`` for a random ranking of the elements: more than
#: the domain's width apart, so no window ever ties (filtering tie-free draws instead would
#: reject most: Hypothesis favours nearly equal floats), and the maxima's places vary
SPREAD = 7.0


def _pool_params(npool: int, ranked: bool = False) -> Any:
    @st.composite
    def draw(draw: Any, shape: tuple) -> dict:
        pool, stride = [], []
        for size in shape[len(shape) - npool :]:
            p = draw(st.integers(1, min(3, size)))
            s = draw(st.sampled_from([s for s in (1, 2, 3) if (size - p) % s == 0]))
            pool.append(p)
            stride.append(s)
        out: dict = {"pool": tuple(pool), "stride": tuple(stride)}
        if ranked:
            order = draw(st.permutations(range(math.prod(shape))))
            out["rank"] = np.array(order, dtype=np.float64).reshape(shape)
        return out

    return lambda shape: st.nothing() if math.prod(shape) > MAX_POOL_SIZE else draw(shape)


for _n, _name, _leading in ((1, "1d", 2), (2, "2d", 1), (3, "3d", 1)):
    row(
        f"max_pool ({_name})",
        lambda x, rank, pool, stride: nnet.max_pool(x + SPREAD * rank, pool, stride),
        lambda x, rank, pool, stride: pool_ref(x + SPREAD * rank, pool, stride, np.max),
        1,
        shapes="same",
        min_dims=_n,
        max_dims=_n + _leading,
        params=_pool_params(_n, ranked=True),
    )
    row(
        f"avg_pool ({_name})",
        lambda x, pool, stride: nnet.avg_pool(x, pool, stride),
        lambda x, pool, stride: pool_ref(x, pool, stride, np.mean),
        1,
        shapes="same",
        min_dims=_n,
        max_dims=_n + _leading,
        params=_pool_params(_n),
    )
