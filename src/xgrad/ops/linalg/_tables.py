"""The three tables of the linear-algebra family, filled by the modules of this package.

- ``PUBLIC``: functions exported at the top level (``xgrad.matmul``);
- ``LINALG``: the ``xgrad.linalg`` namespace (array-API ``linalg`` names plus NumPy's);
- ``NUMPY_DISPATCH``: NumPy callables, named by their path below ``numpy`` (``"linalg.inv"``),
  mapped to a function taking NumPy's signature, for ``__array_function__``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PUBLIC: dict[str, Callable[..., Any]] = {}
LINALG: dict[str, Callable[..., Any]] = {}
NUMPY_DISPATCH: dict[str, Callable[..., Any]] = {}
