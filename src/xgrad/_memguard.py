"""The memory guard: on NumPy, arrays a live graph depends on are read-only.

A derivative rule reads the arrays its node saved; if user code wrote into one of them between
the forward and the backward pass (``x.data[0] = 5``, or through a NumPy view of it), the
gradient would be silently wrong. So, as MyGrad does, xgrad makes every saved array (and the
arrays whose memory it views) read-only until the node is released by ``backward()``,
``clear_graph()`` or garbage collection, and then restores the flags it changed. A mutation
behind the graph's back raises an error instead: through ``tensor.data`` (a view that the
NumPy backend's ``user_array`` hands out while the memory is locked),
:class:`~xgrad.errors.MemoryGuardError`, which says why and how to release the array; through
a user's own NumPy array or view, NumPy's plain "assignment destination is read-only".

xgrad's own in-place operations never need this: they are copy-on-write, on every backend.
Backends without read-only arrays (CuPy, array_api_strict) therefore cannot be corrupted
through xgrad; only code that writes into ``tensor.data`` with the library's own functions
can, and no guard can see that.

``mem_guard_off`` / ``mem_guard_on`` switch the guard for a block or a function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import _op as _core
from ._engine import Switch

__all__ = ["mem_guard_active", "mem_guard_off", "mem_guard_on"]

F = TypeVar("F", bound=Callable[..., Any])


class _Guard:
    __slots__ = ("on",)

    def __init__(self) -> None:
        self.on = True


GUARD = _Guard()


def mem_guard_active() -> bool:
    """Whether new graphs lock the arrays they save (NumPy backend).

    Returns
    -------
    bool
        ``True`` unless inside :data:`mem_guard_off` (and not in a :data:`mem_guard_on`
        nested in it).

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.mem_guard_active()
    True
    >>> with xg.mem_guard_off:
    ...     xg.mem_guard_active()
    False
    """
    return GUARD.on


def guard(node: Any, bk: Any) -> None:
    """Lock the arrays ``node`` saved (installed as the ops' guard hook for backends with
    read-only arrays; the backend's ``lock`` does the work)."""
    saved = node.saved
    if GUARD.on and saved:
        op = node.op
        k = op.res_slot
        if k >= 0 and getattr(saved[k], "base", 0) is None:
            # a fresh residual is the node's own: no user code can reach it
            saved = saved[:k] + saved[k + 1 :]
        node.guards = bk.lock(saved)


mem_guard_off = Switch(
    GUARD,
    "on",
    False,
    "xgrad.mem_guard_off",
    """Graphs made inside do not make their arrays read-only (context manager, decorator).

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> a = np.array([1.0, 2.0])
    >>> with xg.mem_guard_off:
    ...     y = xg.tensor(2.0) * a      # a is saved for the gradient, but stays writable
    >>> a.flags.writeable
    True
    """,
)
mem_guard_on = Switch(
    GUARD,
    "on",
    True,
    "xgrad.mem_guard_on",
    """Graphs made inside lock the arrays they save (the default): context manager,
    decorator. Use it to switch the guard back on inside a :data:`mem_guard_off` block.

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> a = np.array([1.0, 2.0])
    >>> with xg.mem_guard_off:
    ...     with xg.mem_guard_on:
    ...         y = xg.tensor(2.0) * a      # a is saved for the gradient: locked
    ...     a.flags.writeable
    False
    >>> y.backward()                        # releases it
    >>> a.flags.writeable
    True
    """,
)
__test__ = {"mem_guard_off": mem_guard_off.__doc__, "mem_guard_on": mem_guard_on.__doc__}


_core._guard = guard
