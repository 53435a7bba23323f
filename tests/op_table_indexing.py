"""Op-test rows for indexing: getitem (basic, integer arrays, boolean masks), setitem and the
scatter-add that is getitem's derivative."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xgrad as xg
from op_table import row
from xgrad.ops import OPS, apply


def _basic(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {"key": hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True)}
    )


def _int_arrays(shape: tuple) -> st.SearchStrategy:
    if not shape:
        return st.fixed_dictionaries({"key": st.just(())})
    return st.fixed_dictionaries(
        {
            "key": hnp.integer_array_indices(
                shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)
            )
        }
    )


def _mask(shape: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries({"key": hnp.arrays(bool, shape)})


def _getitem(x: Any, key: Any) -> xg.Tensor:
    return x[key]


def _ref_getitem(x: np.ndarray, key: Any) -> np.ndarray:
    return np.asarray(x[key])


row("getitem", _getitem, _ref_getitem, 1, shapes="same", params=_basic)
row(
    "getitem (integer arrays)",
    _getitem,
    _ref_getitem,
    1,
    shapes="same",
    params=_int_arrays,
    min_dims=1,
)
row("getitem (mask)", _getitem, _ref_getitem, 1, shapes="same", params=_mask, min_dims=1)


def _setitem(x: Any, key: Any, v: Any) -> xg.Tensor:
    out = x * 1.0
    out[key] = v
    return out


def _ref_setitem(x: np.ndarray, key: Any, v: Any) -> np.ndarray:
    out = x.copy()
    out[key] = v
    return out


def _setitem_params(shape: tuple) -> st.SearchStrategy:
    @st.composite
    def draw(d: Any) -> dict:
        key = d(hnp.basic_indices(shape, min_dims=0, allow_newaxis=False, allow_ellipsis=True))
        picked = np.zeros(shape)[key].shape
        vshape = d(st.sampled_from([picked, picked[1:] if picked else (), ()]))
        v = d(hnp.arrays(np.float64, vshape, elements=st.floats(-3, 3)))
        return {"key": key, "v": v}

    return draw()


row(
    "setitem",
    _setitem,
    _ref_setitem,
    1,
    shapes="same",
    params=_setitem_params,
    extra={"tensor_params": ("v",)},
)


def _scatter(g: Any, key: Any, shape: tuple) -> xg.Tensor:
    return apply(OPS["scatter_add"], (g,), {"key": key, "shape": shape})


def _ref_scatter(g: np.ndarray, key: Any, shape: tuple) -> np.ndarray:
    out = np.zeros(shape)
    np.add.at(out, key, g)
    return out


def _scatter_params(shape: tuple) -> st.SearchStrategy:
    @st.composite
    def draw(d: Any) -> dict:
        target = d(hnp.array_shapes(min_dims=1, max_dims=2, max_side=4))
        n = len(shape)
        key = (
            tuple(
                d(hnp.arrays(np.int64, shape, elements=st.integers(0, target[i] - 1)))
                for i in range(len(target))
            )
            if n
            else ()
        )
        return {"key": key, "shape": target}

    return draw()


row(
    "scatter_add",
    _scatter,
    _ref_scatter,
    1,
    shapes="same",
    params=_scatter_params,
    min_dims=1,
    max_dims=2,
)
