"""xgrad as an array-API namespace: the Python array API standard's functions over tensors.

``xgrad.array_api`` is the second front door to xgrad's one op table (the first, ``xgrad``,
has MyGrad's and NumPy's signatures). Its functions have the standard's exact signatures
(``reshape(x, /, shape, *, copy=None)``, ``sum(x, /, *, axis=None, dtype=None,
keepdims=False)``) and take and return tensors, differentiable wherever the math is:
comparisons, predicates and rounding results are constant tensors. A tensor's
``__array_namespace__()`` returns the namespace of its backend (this module for NumPy), so
code written against the standard, such as SciPy with ``SCIPY_ARRAY_API=1`` or
scikit-learn with ``array_api_dispatch=True``, computes on tensors and keeps the graph.

>>> import xgrad as mg
>>> import xgrad.array_api as xp
>>> x = mg.tensor([[0.5, 1.0], [2.0, -1.0]])
>>> x.__array_namespace__() is xp
True
>>> y = xp.sum(xp.exp(x) / xp.sum(xp.exp(x), axis=1, keepdims=True) * x)
>>> y.backward()
>>> x.grad.shape
(2, 2)
>>> xp.greater(x, 0.0)                  # a constant tensor, not a NumPy array
Tensor([[ True,  True],
        [ True, False]])

Data that enters through ``xp.asarray`` (or any creation function) is constant; take
gradients with respect to tensors made with ``xgrad.tensor``, which ``asarray`` passes
through unchanged. Complex dtypes are not supported yet: ``__array_namespace_info__()``
lists only the real ones, and the ``fft`` extension is not provided.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .. import backends as _backends
from .._tensor import Tensor
from ._namespace import API_VERSION, fill

__all__: list[str] = []  # filled below, with the namespace's names

_THIS = sys.modules[__name__]
_NAMESPACES: dict[Any, types.ModuleType] = {}


def namespace(backend: Any) -> types.ModuleType:
    """The array-API namespace module of ``backend`` (a name or a
    :class:`~xgrad.backends.Backend`): this module for NumPy, a sibling module
    ``xgrad.array_api.<name>`` for the others (their dtypes are their backend's).

    Parameters
    ----------
    backend : str or Backend
        ``"numpy"``, ``"array_api_strict"``, ``"cupy"`` (or an alias such as ``"np"``), or a
        backend object.

    Returns
    -------
    module
        The namespace, built on first use; the same module object every time after. It is
        what ``__array_namespace__()`` returns for a tensor of that backend.

    Raises
    ------
    ValueError
        ``backend`` is not a known backend.
    BackendUnavailableError
        The backend is known but cannot run here.

    Examples
    --------
    >>> import xgrad as xg
    >>> import xgrad.array_api as xp
    >>> xp.namespace("numpy") is xp
    True
    >>> strict = xp.namespace("array_api_strict")
    >>> strict.__name__
    'xgrad.array_api.array_api_strict'
    >>> x = xg.tensor([1.0, 2.0], backend="array_api_strict")
    >>> x.__array_namespace__() is strict
    True
    >>> y = strict.sum(strict.exp(x))
    >>> y.backward()
    >>> xg.to_numpy(x.grad)
    array([2.71828183, 7.3890561 ])
    """
    bk = _backends.load(backend)
    mod = _NAMESPACES.get(bk)
    if mod is None:
        name = f"{__name__}.{bk.name}"
        mod = types.ModuleType(name, f"The array-API namespace of xgrad tensors on {bk.name}.")
        fill(mod, bk)
        mod.namespace = namespace
        sys.modules[name] = mod
        _NAMESPACES[bk] = mod
    return mod


def _array_namespace(self: Tensor, /, *, api_version: str | None = None) -> types.ModuleType:
    """The array-API namespace of this tensor's backend (``xgrad.array_api`` on NumPy)."""
    if api_version is not None and api_version not in (
        "2021.12",
        "2022.12",
        "2023.12",
        API_VERSION,
    ):
        raise ValueError(
            f"xgrad.array_api implements the array API standard {API_VERSION}; "
            f"api_version={api_version!r} is not supported"
        )
    return namespace(self._backend)


_NAMESPACES[_backends.load("numpy")] = fill(_THIS, _backends.load("numpy"))
__all__ = [*_THIS.__all__, "namespace"]
Tensor.__array_namespace__ = _array_namespace  # installed from above: the tensor layer is below
