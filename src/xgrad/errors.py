"""Exceptions raised by xgrad.

Every error says what was wrong and what to do instead. They subclass the built-in exception
a NumPy user would expect (``ValueError``, ``TypeError``, ``RuntimeError``), so existing
``except`` clauses keep working.
"""

from __future__ import annotations

__all__ = [
    "AxisError",
    "BackendMismatchError",
    "BackendUnavailableError",
    "DeviceMismatchError",
    "DisconnectedGradientError",
    "GradientLostWarning",
    "GraphConsumedError",
    "MemoryGuardError",
    "NonDifferentiableError",
]


AxisError: type[ValueError]
"""NumPy's ``numpy.exceptions.AxisError`` (a ``ValueError`` and an ``IndexError``), raised on
every backend for an axis out of range, as NumPy raises it. Bound by :mod:`xgrad.backends`
(the layer that may name NumPy) when xgrad is imported."""


class BackendUnavailableError(RuntimeError):
    """A known backend was asked for, but it cannot run here (not installed, or no GPU)."""


class BackendMismatchError(ValueError):
    """Arrays or tensors of two different backends were combined in one operation."""


class DeviceMismatchError(ValueError):
    """Tensors on two different devices were combined in one operation."""


class NonDifferentiableError(ValueError):
    """A non-differentiable function was applied to a tensor that needs a gradient."""


class MemoryGuardError(ValueError):
    """A write into ``tensor.data`` while the memory guard holds it read-only (NumPy): a live
    graph saved the array for a gradient, which the write would silently corrupt."""


class GraphConsumedError(RuntimeError):
    """``backward()`` reached a part of the graph that an earlier ``backward()`` freed."""


class DisconnectedGradientError(ValueError):
    """A function transformed by :mod:`xgrad.func` returned a value that does not depend on
    the argument being differentiated (for example, it called ``float()`` or ``.data``)."""


class GradientLostWarning(UserWarning):
    """A tensor that needs a gradient was turned into a plain array (NumPy's ``__array__``,
    DLPack), so whatever is computed from that array gets no gradient. The warning names the
    function that did it. Make it an error with
    ``warnings.simplefilter("error", xgrad.errors.GradientLostWarning)``; silence it for a
    deliberate conversion with ``tensor.data`` or ``tensor.numpy()``."""
