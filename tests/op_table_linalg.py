"""Rows of the op-test table for the linear-algebra family (imported by ``op_table``).

Decompositions need well-conditioned inputs, which Hypothesis' arrays are not; their rows
build one from the drawn array ``x`` of shape ``(..., p, q)`` with the same formula in xgrad
and NumPy (so the finite differences with respect to ``x`` check the chain through it):

- ``_square``: ``x @ W + (p + 1) I``, strictly diagonally dominant (``|x| <= 1``);
- ``_spd``: ``diag(3, 6, 9, ...) + 0.05 (x W + (x W)^T)``, symmetric positive definite with
  eigenvalues at least 2 apart;
- ``_rect``: ``S0 + 0.1 x`` with ``S0[i, i] = 3 (i + 1)`` (see ``_s0``): distinct singular
  values, full rank.

Outputs defined up to sign (eigenvectors, singular vectors) enter through sign-invariant
combinations (``V * V``, ``(V * c) @ V^T``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

import xgrad as xg
from op_table import row
from xgrad.ops import OPS
from xgrad.ops._public import run


def _like(x: Any, arr: np.ndarray) -> Any:
    """A constant backend array on ``x``'s backend and device (put it right of a tensor:
    array_api_strict's operators reject tensors)."""
    return x.backend.asarray(np.asarray(arr, dtype=np.float64), device=x.device)


def _mix(p: int, q: int) -> np.ndarray:
    """A fixed (q, p) matrix with entries in [-1/q, 1/q]."""
    k, j = np.arange(q)[:, None], np.arange(p)[None, :]
    return np.cos(1.0 + 3.0 * k + j) / q


def _s0(p: int, q: int) -> np.ndarray:
    """3, 6, 9, ... on the diagonal, and the extra columns (rows) of a wide (tall) matrix in
    the last row (column): distinct singular values at least 3 apart, and distinct row and
    column sums of absolute values."""
    s = np.zeros((p, q))
    k = min(p, q)
    for i in range(k):
        s[i, i] = 3.0 * (i + 1)
    for j in range(k, q):
        s[k - 1, j] = 3.0 * (j + 1)
    for i in range(k, p):
        s[i, k - 1] = 3.0 * (i + 1)
    return s


def _square_np(x: np.ndarray) -> np.ndarray:
    p, q = x.shape[-2:]
    return x @ _mix(p, q) + (p + 1) * np.eye(p)


def _square(x: Any) -> Any:
    p, q = x.shape[-2:]
    return x @ _like(x, _mix(p, q)) + _like(x, (p + 1) * np.eye(p))


def _spd_np(x: np.ndarray) -> np.ndarray:
    p, q = x.shape[-2:]
    b = x @ _mix(p, q)
    return np.diag(3.0 * np.arange(1, p + 1)) + 0.05 * (b + np.swapaxes(b, -1, -2))


def _spd(x: Any) -> Any:
    p, q = x.shape[-2:]
    b = x @ _like(x, _mix(p, q))
    return 0.05 * (b + b.mT) + _like(x, np.diag(3.0 * np.arange(1, p + 1)))


def _rect_np(x: np.ndarray) -> np.ndarray:
    return _s0(*x.shape[-2:]) + 0.1 * x


def _rect(x: Any) -> Any:
    return 0.1 * x + _like(x, _s0(*x.shape[-2:]))


def _flat_np(*parts: np.ndarray, batch: tuple) -> np.ndarray:
    return np.concatenate([np.reshape(p, (*batch, -1)) for p in parts], axis=-1)


def _flat(*parts: Any, batch: tuple) -> Any:
    return xg.concatenate([xg.reshape(p, (*batch, -1)) for p in parts], axis=-1)


def _weights(n: int) -> np.ndarray:
    return np.linspace(0.5, 1.5, n)


MATRIX = {"shapes": "same", "min_dims": 2, "max_dims": 3, "domain": (-1.0, 1.0)}


# -- products and contractions -------------------------------------------------------------------
def _einsum_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    labels = "abcd"[:nd]
    out = st.permutations(list(labels)).flatmap(
        lambda p: st.integers(0, nd).map(lambda k: "".join(p[:k]))
    )
    return st.fixed_dictionaries({"subscripts": out.map(lambda o: f"{labels},{labels}->{o}")})


row(
    "einsum",
    lambda a, b, subscripts: xg.einsum(subscripts, a, b),
    lambda a, b, subscripts: np.einsum(subscripts, a, b),
    2,
    shapes="same",
    params=_einsum_params,
)


def _tensordot_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    axes = st.lists(st.integers(0, nd - 1), unique=True, max_size=nd) if nd else st.just([])
    return st.fixed_dictionaries({"axes": axes.map(lambda a: (tuple(a), tuple(a)))})


row(
    "tensordot",
    lambda a, b, axes: xg.tensordot(a, b, axes),
    lambda a, b, axes: np.tensordot(a, b, axes),
    2,
    shapes="same",
    params=_tensordot_params,
)
row(
    "vecdot",
    lambda a, b, axis: xg.vecdot(a, b, axis=axis),
    lambda a, b, axis: np.vecdot(a, b, axis=axis),
    2,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries({"axis": st.integers(-len(s), -1)}),
)
row("dot", xg.dot, np.dot, 2, shapes="matmul")
row("inner", xg.inner, np.inner, 2, shapes="same")
row("vdot", xg.vdot, np.vdot, 2, shapes="same")
row("outer", xg.outer, np.outer, 2)
row(
    "multi_matmul",
    lambda a, b: xg.multi_matmul([a, b]),
    lambda a, b: np.matmul(a, b),
    2,
    shapes="matmul",
)


# -- diagonals ---------------------------------------------------------------------------------
def _diag_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    pair = st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2).filter(
        lambda p: p[0] % nd != p[1] % nd
    )
    return st.fixed_dictionaries({"offset": st.integers(-3, 3), "axes": pair})


row(
    "diagonal",
    lambda x, offset, axes: xg.diagonal(x, offset, *axes),
    lambda x, offset, axes: np.diagonal(x, offset, *axes),
    1,
    shapes="same",
    min_dims=2,
    params=_diag_params,
)
row(
    "trace",
    lambda x, offset, axes: xg.trace(x, offset, *axes),
    lambda x, offset, axes: np.trace(x, offset, *axes),
    1,
    shapes="same",
    min_dims=2,
    params=_diag_params,
)


def _embed_params(shape: tuple) -> st.SearchStrategy:
    length = shape[-1]
    return st.integers(-2, 2).map(
        lambda k: {"offset": k, "n": length - min(k, 0), "m": length + max(k, 0)}
    )


def _embed_np(v: np.ndarray, offset: int, n: int, m: int) -> np.ndarray:
    out = np.zeros((*v.shape[:-1], n, m))
    for i in range(v.shape[-1]):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., r, c] = v[..., i]
    return out


row(
    "diag_embed",
    lambda v, **p: run(OPS["diag_embed"], (v,), p, None),
    _embed_np,
    1,
    shapes="same",
    min_dims=1,
    params=_embed_params,
)
row(
    "slice_last",
    lambda x, start, stop: run(OPS["slice_last"], (x,), {"start": start, "stop": stop}, None),
    lambda x, start, stop: x[..., start:stop],
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.integers(0, s[-1]).flatmap(
        lambda a: st.integers(a, s[-1]).map(lambda b: {"start": a, "stop": b})
    ),
)
row(
    "pad_last",
    lambda x, before, after: run(OPS["pad_last"], (x,), {"before": before, "after": after}, None),
    lambda x, before, after: np.pad(x, [(0, 0)] * (x.ndim - 1) + [(before, after)]),
    1,
    shapes="same",
    min_dims=1,
    params=lambda s: st.fixed_dictionaries(
        {"before": st.integers(0, 2), "after": st.integers(0, 2)}
    ),
)


# -- norms ---------------------------------------------------------------------------------------
def _vnorm_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    axis = st.none()
    if nd:
        axis = (
            axis
            | st.integers(-nd, nd - 1)
            | st.lists(st.integers(0, nd - 1), unique=True, min_size=1, max_size=nd).map(tuple)
        )
    ords = st.sampled_from([2, 1, 3, 0.5, -1.5, math.inf, -math.inf])
    return st.fixed_dictionaries({"axis": axis, "keepdims": st.booleans(), "ord": ords})


row(
    "vector_norm",
    lambda x, **p: xg.linalg.vector_norm(x, **p),
    lambda x, **p: np.linalg.vector_norm(x, **p),
    1,
    shapes="same",
    domain=(0.05, 3.0),  # signs are covered in test_linalg.py
    params=_vnorm_params,
    distinct=True,
    gap=1e-2,
)


def _norm_params(shape: tuple) -> st.SearchStrategy:
    nd = len(shape)
    ords = st.sampled_from([None, 2, 1, 3, math.inf, -math.inf])

    def vector_only(p: dict) -> dict:  # ord applies to vector norms; flattened: the 2-norm
        return p if p["axis"] is not None or nd == 1 else {**p, "ord": None}

    return st.fixed_dictionaries(
        {"ord": ords, "axis": st.none() | st.integers(-nd, nd - 1), "keepdims": st.booleans()}
    ).map(vector_only)


row(
    "norm",
    lambda x, **p: xg.linalg.norm(x, **p),
    lambda x, **p: np.linalg.norm(x, **p),
    1,
    shapes="same",
    min_dims=1,
    domain=(0.05, 3.0),
    params=_norm_params,
    distinct=True,
    gap=1e-2,
)
row(
    "matrix_norm",
    lambda x, **p: xg.linalg.matrix_norm(_rect(x), **p),
    lambda x, **p: np.linalg.matrix_norm(_rect_np(x), **p),
    1,
    params=lambda s: st.fixed_dictionaries(
        {
            "ord": st.sampled_from(["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]),
            "keepdims": st.booleans(),
        }
    ),
    min_side=2,
    **{**MATRIX, "domain": (0.05, 1.0)},  # no zero entries: |.| has a kink there
)


# -- inverse, determinants, solve --------------------------------------------------------------
row("inv", lambda x: xg.linalg.inv(_square(x)), lambda x: np.linalg.inv(_square_np(x)), **MATRIX)
row("det", lambda x: xg.linalg.det(_square(x)), lambda x: np.linalg.det(_square_np(x)), **MATRIX)
row(
    "slogdet",
    lambda x: xg.stack(list(xg.linalg.slogdet(_square(x))), axis=-1),
    lambda x: np.stack(np.linalg.slogdet(_square_np(x)), axis=-1),
    **MATRIX,
)
row(
    "solve",
    lambda x, b: xg.linalg.solve(_square(x), b),
    lambda x, b: np.linalg.solve(_square_np(x), b),
    2,
    **MATRIX,
)
row(
    "pinv",
    lambda x: xg.linalg.pinv(_rect(x)),
    lambda x: np.linalg.pinv(_rect_np(x)),
    **MATRIX,
)


# -- decompositions ----------------------------------------------------------------------------
row(
    "cholesky",
    lambda x: xg.linalg.cholesky(_spd(x)),
    lambda x: np.linalg.cholesky(_spd_np(x)),
    **MATRIX,
)


def _qr(x: Any) -> Any:
    q, r = xg.linalg.qr(_rect(x))
    return _flat(q, r, batch=x.shape[:-2])


def _qr_np(x: np.ndarray) -> np.ndarray:
    q, r = np.linalg.qr(_rect_np(x))
    return _flat_np(q, r, batch=x.shape[:-2])


# LAPACK's Householder signs jump where a column is already reduced (exact zeros below the
# diagonal); so do eigenvector and singular-vector signs at diagonal input: stay away
NONZERO = {**MATRIX, "domain": (0.05, 1.0)}
row("qr", _qr, _qr_np, **NONZERO)


def _eigh(x: Any) -> Any:
    w, v = xg.linalg.eigh(_spd(x))
    c = _like(x, _weights(w.shape[-1]))
    return _flat(w, v * v, (v * c) @ v.mT, batch=x.shape[:-2])


def _eigh_np(x: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(_spd_np(x))
    c = _weights(w.shape[-1])
    return _flat_np(w, v * v, (v * c) @ np.swapaxes(v, -1, -2), batch=x.shape[:-2])


row("eigh", _eigh, _eigh_np, **NONZERO)
row(
    "eigvalsh",
    lambda x: xg.linalg.eigvalsh(_spd(x)),
    lambda x: np.linalg.eigvalsh(_spd_np(x)),
    **MATRIX,
)


def _svd(x: Any) -> Any:
    u, s, vh = xg.linalg.svd(_rect(x), full_matrices=False)
    c = _like(x, _weights(s.shape[-1]))
    return _flat(s, u * u, vh * vh, (u * c) @ vh, batch=x.shape[:-2])


def _svd_np(x: np.ndarray) -> np.ndarray:
    u, s, vh = np.linalg.svd(_rect_np(x), full_matrices=False)
    c = _weights(s.shape[-1])
    return _flat_np(s, u * u, vh * vh, (u * c) @ vh, batch=x.shape[:-2])


row("svd", _svd, _svd_np, **NONZERO)
row(
    "svdvals",
    lambda x: xg.linalg.svdvals(_rect(x)),
    lambda x: np.linalg.svdvals(_rect_np(x)),
    **MATRIX,
)


# -- the array API's cross product and matrix powers ---------------------------------------------
def _vec3(lib: Any, x: Any, axis: int) -> Any:
    """3-vectors along ``axis`` made from ``x`` (the drawn shapes have no size-3 axis)."""
    return lib.stack([x, x * x, 1.0 - 0.5 * x], axis=axis)


row(
    "cross",
    lambda a, b, axis: xg.linalg.cross(_vec3(xg, a, axis), _vec3(xg, b, axis), axis=axis),
    lambda a, b, axis: np.linalg.cross(_vec3(np, a, axis), _vec3(np, b, axis), axis=axis),
    2,
    shapes="same",
    params=lambda s: st.fixed_dictionaries({"axis": st.integers(-len(s) - 1, len(s))}),
)
row(
    "cross (broadcast)",
    lambda a, b: xg.linalg.cross(_vec3(xg, a, -1), _vec3(xg, b, -1)),
    lambda a, b: np.linalg.cross(_vec3(np, a, -1), _vec3(np, b, -1)),
    2,
)
row(
    "matrix_power",
    lambda x, n: xg.linalg.matrix_power(_square(x), n),
    lambda x, n: np.linalg.matrix_power(_square_np(x), n),
    params=lambda s: st.fixed_dictionaries({"n": st.integers(-3, 4)}),
    **MATRIX,
)
