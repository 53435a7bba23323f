"""Op-test rows for the array-manipulation functions (issue: shape and joining, sorting)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import xgrad as xg
from op_table import row


def _weights(n: int) -> list[float]:
    return [1.0 + i for i in range(n)]


def _stack_pieces(pieces: list, lib: Any) -> Any:
    """Weight each piece differently so a wrong routing of gradients shows."""
    return lib.concatenate(
        [lib.ravel(p) * w for p, w in zip(pieces, _weights(len(pieces)), strict=True)]
    )


row("atleast_1d", lambda x: xg.atleast_1d(x), np.atleast_1d, 1, shapes="same", max_dims=2)
row("atleast_2d", lambda x: xg.atleast_2d(x), np.atleast_2d, 1, shapes="same", max_dims=3)
row("atleast_3d", lambda x: xg.atleast_3d(x), np.atleast_3d, 1, shapes="same", max_dims=3)
row(
    "hstack",
    lambda a, b: xg.hstack([a, b]),
    lambda a, b: np.hstack([a, b]),
    2,
    shapes="same",
    min_dims=1,
)
row(
    "vstack",
    lambda a, b: xg.vstack([a, b]),
    lambda a, b: np.vstack([a, b]),
    2,
    shapes="same",
    min_dims=1,
    max_dims=2,
)


def _split_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    return st.fixed_dictionaries(
        {
            "axis": st.integers(-nd, nd - 1),
            "cut": st.lists(st.integers(0, 4), max_size=3).map(sorted).map(tuple),
        }
    )


row(
    "split",
    lambda x, axis, cut: _stack_pieces(xg.split(x, list(cut), axis=axis), xg),
    lambda x, axis, cut: _stack_pieces(np.split(x, list(cut), axis=axis), np),
    1,
    shapes="same",
    min_dims=1,
    params=_split_params,
)
row(
    "repeat",
    lambda x, repeats, axis: xg.repeat(x, repeats, axis),
    lambda x, repeats, axis: np.repeat(x, repeats, axis),
    1,
    shapes="same",
    params=lambda s: st.fixed_dictionaries(
        {
            "repeats": st.integers(0, 3),
            "axis": st.none() | st.integers(-len(s), len(s) - 1) if s else st.none(),
        }
    ),
)
row(
    "repeat (per element)",
    lambda x, repeats: xg.repeat(x, list(repeats), 0),
    lambda x, repeats: np.repeat(x, list(repeats), 0),
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries(
        {"repeats": st.lists(st.integers(0, 3), min_size=s[0], max_size=s[0]).map(tuple)}
    ),
)
row(
    "tile",
    lambda x, reps: xg.tile(x, reps),
    lambda x, reps: np.tile(x, reps),
    1,
    shapes="same",
    params=lambda s: st.fixed_dictionaries(
        {"reps": st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple)}
    ),
)


def _pad_values(ndim: int) -> st.SearchStrategy:
    """What NumPy's pad takes as constant_values: one value, a (before, after) pair for every
    axis, or a pair per axis."""
    v = st.floats(-2, 2)
    return st.one_of(v, st.tuples(v, v), st.tuples(*[st.tuples(v, v)] * ndim))


def _pad_params(s: tuple) -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {
            "widths": st.tuples(*[st.tuples(st.integers(0, 2), st.integers(0, 2))] * len(s)),
            "value": _pad_values(len(s)),
        }
    )


row(
    "pad",
    lambda x, widths, value: xg.pad(x, widths, constant_values=value),
    lambda x, widths, value: np.pad(x, widths, constant_values=value),
    1,
    shapes="same",
    min_dims=1,
    params=_pad_params,
)
row(
    "pad (tensor constant_values)",  # the values get the gradient of the cells they fill
    lambda x, widths, value: xg.pad(x, widths, constant_values=value),
    lambda x, widths, value: np.pad(x, widths, constant_values=value),
    1,
    shapes="same",
    min_dims=1,
    params=_pad_params,
    extra={"tensor_params": ("value",)},
)
row(
    "tril",
    lambda x, k: xg.tril(x, k),
    lambda x, k: np.tril(x, k),
    1,
    shapes="same",
    min_dims=2,
    params=lambda s: st.fixed_dictionaries({"k": st.integers(-2, 2)}),
)
row(
    "triu",
    lambda x, k: xg.triu(x, k),
    lambda x, k: np.triu(x, k),
    1,
    shapes="same",
    min_dims=2,
    params=lambda s: st.fixed_dictionaries({"k": st.integers(-2, 2)}),
)


def _take_params(shape: tuple) -> st.SearchStrategy:
    @st.composite
    def draw(d: Any) -> dict:
        nd = len(shape)
        axis = d(st.none() | st.integers(-nd, nd - 1)) if nd else None
        n = int(np.prod(shape)) if axis is None else shape[axis]
        idx = d(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)) if n else []
        return {"indices": tuple(idx), "axis": axis}

    return draw()


row(
    "take",
    lambda x, indices, axis: xg.take(x, list(indices), axis=axis),
    lambda x, indices, axis: np.take(x, list(indices), axis=axis),
    1,
    shapes="same",
    params=_take_params,
)


def _along_params(shape: tuple) -> st.SearchStrategy:
    @st.composite
    def draw(d: Any) -> dict:
        nd = len(shape)
        axis = d(st.integers(0, nd - 1))
        ishape = list(shape)
        ishape[axis] = d(st.integers(1, 4))
        idx = d(
            st.lists(
                st.integers(0, shape[axis] - 1),
                min_size=int(np.prod(ishape)),
                max_size=int(np.prod(ishape)),
            )
        )
        return {"indices": np.array(idx, dtype=np.int64).reshape(ishape), "axis": axis}

    return draw()


row(
    "take_along_axis",
    lambda x, indices, axis: xg.take_along_axis(x, indices, axis),
    lambda x, indices, axis: np.take_along_axis(x, indices, axis),
    1,
    shapes="same",
    min_dims=1,
    params=_along_params,
)
row(
    "sort",
    lambda x, axis: xg.sort(x, axis),
    lambda x, axis: np.sort(x, axis, kind="stable"),
    1,
    shapes="same",
    distinct=True,
    params=lambda s: st.fixed_dictionaries(
        {"axis": st.none() | st.integers(-len(s), len(s) - 1) if s else st.none()}
    ),
)
row(
    "diff",
    lambda x, n, axis: xg.diff(x, n, axis),
    lambda x, n, axis: np.diff(x, n, axis),
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries(
        {"n": st.integers(0, 3), "axis": st.integers(-len(s), len(s) - 1)}
    ),
)
row(
    "diff (prepend/append)",
    lambda x: xg.diff(x, prepend=1.5, append=xg.tensor([-1.0])),
    lambda x: np.diff(x, prepend=1.5, append=[-1.0]),
    1,
    shapes="same",
    min_dims=1,
    max_dims=1,
)
row(
    "cumulative_sum",
    lambda x, include_initial: xg.cumulative_sum(x, axis=0, include_initial=include_initial),
    lambda x, include_initial: np.cumulative_sum(x, axis=0, include_initial=include_initial),
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries({"include_initial": st.booleans()}),
)
row(
    "cumulative_prod",
    lambda x, include_initial: xg.cumulative_prod(x, axis=-1, include_initial=include_initial),
    lambda x, include_initial: np.cumulative_prod(x, axis=-1, include_initial=include_initial),
    1,
    (-2, 2),
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries({"include_initial": st.booleans()}),
)


def _lse_ref(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True) if x.size else 0.0
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis if axis is not None else None)


def _lse_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    axes = (
        st.none()
        | st.lists(st.integers(0, nd - 1), unique=True, min_size=1, max_size=nd).map(tuple)
        if nd
        else st.none()
    )
    return st.fixed_dictionaries({"axis": axes, "keepdims": st.booleans()})


row(
    "logsumexp",
    lambda x, **p: xg.logsumexp(x, **p),
    _lse_ref,
    1,
    (-20, 20),
    shapes="same",
    params=_lse_params,
)


# -- the array API's splitting, broadcasting and grids ---------------------------------------
row(
    "unstack",
    lambda x, axis: _stack_pieces(xg.unstack(x, axis=axis), xg),
    lambda x, axis: _stack_pieces(np.unstack(x, axis=axis), np),
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries({"axis": st.integers(-len(s), len(s) - 1)}),
)
row(
    "broadcast_arrays",
    lambda a, b, c: _stack_pieces(xg.broadcast_arrays(a, b, c), xg),
    lambda a, b, c: _stack_pieces(np.broadcast_arrays(a, b, c), np),
    3,
)
row(
    "broadcast_shapes (through broadcast_to)",
    lambda a, b: xg.broadcast_to(a, xg.broadcast_shapes(a.shape, b.shape)) * b,
    lambda a, b: np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)) * b,
    2,
)
row(
    "meshgrid",
    lambda a, b, c, **p: _stack_pieces(xg.meshgrid(a, b, c, **p), xg),
    lambda a, b, c, **p: _stack_pieces(np.meshgrid(a, b, c, **p), np),
    3,
    max_dims=1,
    params=lambda s: st.fixed_dictionaries(
        {
            "indexing": st.sampled_from(["xy", "ij"]),
            "sparse": st.booleans(),
            "copy": st.booleans(),
        }
    ),
)
row(
    "meshgrid (N-D inputs, flattened)",
    lambda a, b, indexing: _stack_pieces(xg.meshgrid(a, b, indexing=indexing), xg),
    lambda a, b, indexing: _stack_pieces(np.meshgrid(a, b, indexing=indexing), np),
    2,
    max_dims=2,
    params=lambda s: st.fixed_dictionaries({"indexing": st.sampled_from(["xy", "ij"])}),
)
