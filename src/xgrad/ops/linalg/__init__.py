"""Linear-algebra ops: products, contractions, diagonals, norms and matrix decompositions.

Three tables are exported from here and merged by the package:

- ``PUBLIC``: functions exported at the top level (``xgrad.matmul``);
- ``LINALG``: the ``xgrad.linalg`` namespace (array-API ``linalg`` names plus NumPy's);
- ``NUMPY_DISPATCH``: NumPy callables, named by their path below ``numpy`` (``"linalg.inv"``),
  mapped to a function taking NumPy's signature, for ``__array_function__``.

Every op is one row: a forward written with ``xp``, one VJP rule per input and a JVP rule.
The rules use the standard matrix-calculus results (Giles 2008, "An extended collection of
matrix derivative results"; Murray 2016 for Cholesky; Townsend 2016 for the SVD; Walter and
Lehmann 2018 / Liao et al. 2019 for QR). Under ``backward(create_graph=True)`` they run on
tensors, so they call only public functions, ``xp.linalg.*`` (defined here) and private ops
of this module through :func:`~xgrad.ops.einsum.call_op`.

Decompositions with several outputs (``slogdet``, ``qr``, ``eigh``, ``svd``) are one op whose
output packs the results along a last axis; the public function slices them apart with the
private ``slice_last`` op, so one decomposition serves every output and its rule sees all the
output gradients at once (zeros for outputs that were not used).

Derivative assumptions, as in every autodiff library:

- ``eigh``/``eigvalsh`` and ``cholesky`` treat the input as symmetric: the gradient is the
  symmetric one (``(G + G.T) / 2``) although LAPACK reads only one triangle. The eigenvector
  derivative needs distinct eigenvalues (pairs of exactly equal eigenvalues contribute 0, so
  ``eigvalsh`` is differentiable everywhere).
- ``svd`` with ``full_matrices=True`` (NumPy's default) ignores gradients that reach the
  vectors beyond the first ``min(m, n)`` (an arbitrary basis, as in PyTorch); the
  singular-vector derivative needs distinct, non-zero singular values (exact ties and zeros
  contribute 0, so ``svdvals`` and the nuclear norm work at repeated singular values).
- ``qr`` (reduced) needs ``R``'s leading square block invertible (full-rank input).
- ``det``'s derivative is the cofactor matrix, computed through the SVD so that it is exact
  at singular matrices too (the recorded rule that ``create_graph=True`` and forward mode
  use is ``det(a) inv(a).T``, which needs an invertible matrix); ``slogdet``, ``inv`` and
  ``solve`` need an invertible matrix: at a singular one the backward pass raises
  ``LinAlgError`` as ``numpy.linalg.inv`` does, and sets no gradient.
- ``pinv`` assumes the rank is constant near the input.

The package is split by responsibility; each module holds its ops (rows) and the public
functions built on them, and fills the tables defined in :mod:`._tables`:

- ``_helpers``: helpers for the rules and the public functions, and the private ops
  (``slice_last``/``pad_last``, ``diagonal``/``diag_embed``);
- ``products``: ``matmul``, ``tensordot``, ``vecdot``, ``dot``, ``inner``, ``vdot``, ``outer``,
  ``multi_matmul``, ``cross``;
- ``diagonals``: ``diagonal``, ``trace`` and the array API's ``linalg`` versions;
- ``inverse``: ``inv``, ``det``, ``slogdet``, ``solve``, ``pinv``, ``matrix_power``;
- ``decompositions``: ``cholesky``, ``qr``, ``eigh``, ``eigvalsh``, ``svd``, ``svdvals``,
  ``matrix_rank`` (not differentiable: an integer array);
- ``norms``: ``norm``, ``vector_norm``, ``matrix_norm``;
- ``numpy_api``: NumPy's signatures (``NUMPY_DISPATCH``).
"""

from __future__ import annotations

# isort: off
# Importing the submodules registers their rows and fills the tables, in this order.
from . import _helpers, products, diagonals, inverse, decompositions, norms, numpy_api  # noqa: F401

# isort: on
from ._tables import LINALG, NUMPY_DISPATCH, PUBLIC
from .decompositions import (
    EighResult,
    QRResult,
    SVDResult,
    cholesky,
    eigh,
    eigvalsh,
    matrix_rank,
    qr,
    svd,
    svdvals,
)
from .diagonals import diagonal, trace
from .inverse import SlogdetResult, det, inv, matrix_power, pinv, slogdet, solve
from .norms import matrix_norm, norm, vector_norm
from .products import cross, dot, inner, matmul, multi_matmul, outer, tensordot, vdot, vecdot

__all__ = [
    "LINALG",
    "NUMPY_DISPATCH",
    "PUBLIC",
    "EighResult",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "dot",
    "eigh",
    "eigvalsh",
    "inner",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "multi_matmul",
    "norm",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "trace",
    "vdot",
    "vecdot",
    "vector_norm",
]

# The public functions carry the module users import them from (``xgrad``, ``xgrad.linalg``),
# so doctest would look for their examples there only; list them here as well.
__test__ = {
    f"{table}.{name}": fn
    for table, entries in (("xgrad", PUBLIC), ("xgrad.linalg", LINALG))
    for name, fn in entries.items()
    if fn.__doc__ and ">>>" in fn.__doc__
}
