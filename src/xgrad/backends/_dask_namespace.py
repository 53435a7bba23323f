"""The Dask backend's fixes of Dask functions that differ from NumPy and the standard.

Imported only by the Dask binding (it imports Dask). Each wrapper keeps Dask's function
where it is right and mends one difference (the devices' wrappers are in ``_dask_devices``):

- ``eye(N, M)`` with ``M > N`` could not be computed;
- products over several chunks widened integer and boolean dtypes to ``int64``;
- ``searchsorted`` took no ``sorter``, and failed to compute for a 0-d ``v``.
"""

from __future__ import annotations

import functools
import types
from typing import Any

import numpy as np


def _wide_eye(stock: Any) -> Any:
    """``eye`` that computes for more columns than rows. Dask's ``eye`` labels its result
    with square chunks of its first row chunk's size, while building the column blocks that
    ``chunks`` gives the ``(N, M)`` shape: for ``M > N`` (``eye(3, 4)``) the two disagree, a
    block is missing, and computing fails ("Missing dependency"). A wide ``eye`` is built
    here as the transpose of the tall one, ``eye(M, N, k=-k).T``, which Dask gets right."""

    @functools.wraps(stock)
    def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, **kwargs: Any) -> Any:
        if n_cols is not None and n_cols > n_rows:
            return stock(n_cols, n_rows, k=-k, **kwargs).T
        return stock(n_rows, n_cols, k=k, **kwargs)

    return eye


def _product_dtype(stock: Any) -> Any:
    """A product (``matmul``, ``tensordot``, ``vecdot``, ``einsum``) whose result has its
    inputs' promoted dtype, as NumPy's does. Dask sums the partial products of a contraction
    over several chunks with ``sum``, which widens integers and booleans to ``int64``
    (``int32 @ int32`` gave ``int64``, ``bool @ bool`` counts)."""

    @functools.wraps(stock)
    def product(*args: Any, **kwargs: Any) -> Any:
        out = stock(*args, **kwargs)
        want = np.result_type(*(a.dtype for a in args if hasattr(a, "dtype")))
        return out if out.dtype == want else out.astype(want)

    return product


def _searchsorted(stock: Any) -> Any:
    """``searchsorted`` with NumPy's ``sorter`` (the search runs on ``take(a, sorter)``, the
    sorted array it names) and a 0-d ``v`` (searched as one element, then made 0-d again:
    Dask's block function assigns into its result, a NumPy scalar for a 0-d ``v``)."""

    @functools.wraps(stock)
    def searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any = None) -> Any:
        if sorter is not None:
            x1 = x1[sorter]
        if getattr(x2, "ndim", 1) == 0:
            return stock(x1, x2.reshape((1,)), side=side).reshape(())
        return stock(x1, x2, side=side)

    return searchsorted


def install(ns: types.ModuleType) -> None:
    """Put the fixed functions into the backend's namespace ``ns``."""
    ns.eye = _wide_eye(ns.eye)
    ns.searchsorted = _searchsorted(ns.searchsorted)
    for name in ("matmul", "tensordot", "vecdot", "einsum"):
        if hasattr(ns, name):
            setattr(ns, name, _product_dtype(getattr(ns, name)))
