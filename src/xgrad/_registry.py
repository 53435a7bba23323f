"""The table of public functions, by name: filled from above, read from below.

:mod:`xgrad.ops` builds one NumPy-style function per op row (and the hand-written ones) and
puts each here under its public name. Lower layers that compose public functions (the Tensor
class broadcasting a seed, the creation functions casting a fill, in-place updates
broadcasting a value) look them up here when they run, so they never import the op table:
imports point down the layers (see ``docs/developing.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["FUNCTIONS"]

#: every public function, by name (what ``xgrad`` exports from the op table)
FUNCTIONS: dict[str, Callable[..., Any]] = {}
