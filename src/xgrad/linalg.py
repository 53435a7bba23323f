"""``xgrad.linalg``: differentiable linear algebra, with the array API's and NumPy's names.

The functions live in the op table (``xgrad.ops.linalg``); this module is their namespace,
so ``xgrad.linalg.inv`` works like ``numpy.linalg.inv`` and ``np.linalg.inv(tensor)``
dispatches here.
"""

from __future__ import annotations

from .ops.linalg import LINALG

globals().update(LINALG)

__all__ = sorted(LINALG)  # pyright: ignore[reportUnsupportedDunderAll]
