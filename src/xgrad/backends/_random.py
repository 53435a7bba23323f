"""Random arrays drawn on the host: what :meth:`Backend.random_generator` gives by default.

``xgrad.random.Generator`` draws through a *source*: an object with the four methods below,
each returning an array of one backend on one device. This module's source draws with NumPy's
``numpy.random.default_rng(seed)`` (PCG64) on the host and moves each draw with the backend's
``asarray(..., device=...)``, so a seed gives the same numbers on every backend that keeps
this default (NumPy, array_api_strict). A binding whose library draws on its device returns
its own source with the same methods (CuPy's draws with ``cupy.random.default_rng`` on the
GPU, other numbers for the same seed).
"""

from __future__ import annotations

from typing import Any

import numpy as np


class HostRandom:
    """A source of random arrays of ``backend`` on ``device``, drawn on the host.

    Parameters
    ----------
    backend : Backend
        The backend whose arrays the methods return.
    seed : None, int, sequence of ints, numpy.random.SeedSequence or BitGenerator
        What ``numpy.random.default_rng`` takes.
    device : native device
        Where the arrays are placed (parsed by the backend).

    Every method takes the output shape as a tuple of ints and a NumPy dtype, and returns an
    array of exactly that shape and dtype; callers validate their arguments first.
    """

    def __init__(self, backend: Any, seed: Any = None, device: Any = None) -> None:
        self.backend = backend
        self.device = device
        self.rng = np.random.default_rng(seed)

    def __repr__(self) -> str:
        bit = type(self.rng.bit_generator).__name__
        return f"<host {bit} source for {self.backend.name}:{self.backend.device_str(self.device)}>"

    def _place(self, host: Any) -> Any:
        return self.backend.asarray(host, device=self.device)

    def random(self, shape: tuple[int, ...], dtype: Any) -> Any:
        """Floats in ``[0, 1)``, ``dtype`` float32 or float64."""
        return self._place(self.rng.random(shape, dtype=dtype))

    def standard_normal(self, shape: tuple[int, ...], dtype: Any) -> Any:
        """Samples of the standard normal distribution, ``dtype`` float32 or float64."""
        return self._place(self.rng.standard_normal(shape, dtype=dtype))

    def integers(
        self, low: int, high: int, shape: tuple[int, ...], dtype: Any, endpoint: bool
    ) -> Any:
        """Integers uniform in ``[low, high)``, or ``[low, high]`` with ``endpoint`` (a
        non-empty range whose ends ``dtype`` holds)."""
        return self._place(self.rng.integers(low, high, shape, dtype=dtype, endpoint=endpoint))

    def permutation(self, n: int) -> Any:
        """A random ordering of ``0, ..., n - 1`` (int64)."""
        return self._place(self.rng.permutation(n))
