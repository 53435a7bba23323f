"""The memory guard: on NumPy, arrays a live graph depends on are read-only.

A derivative rule reads the arrays its node saved; if user code wrote into one of them between
the forward and the backward pass (``x.data[0] = 5``, or through a NumPy view of it), the
gradient would be silently wrong. So, as MyGrad does, xgrad makes every saved array (and the
arrays whose memory it views) read-only until the node is released by ``backward()``,
``clear_graph()`` or garbage collection, and then restores the flags it changed. A mutation
behind the graph's back raises NumPy's "assignment destination is read-only" instead.

xgrad's own in-place operations never need this: they are copy-on-write, on every backend.
Backends without read-only arrays (CuPy, array_api_strict) therefore cannot be corrupted
through xgrad; only code that writes into ``tensor.data`` with the library's own functions
can, and no guard can see that.

``mem_guard_off`` / ``mem_guard_on`` switch the guard for a block or a function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from . import _engine
from .ops import _core

__all__ = ["mem_guard_active", "mem_guard_off", "mem_guard_on"]

F = TypeVar("F", bound=Callable[..., Any])

_ndarray = np.ndarray
#: id(array) -> [array, lock count, whether we made it read-only]
_locks: dict[int, list] = {}
#: id(base) -> views that could not be made writable again while their base was locked
_pending: dict[int, list] = {}


class _Guard:
    __slots__ = ("on",)

    def __init__(self) -> None:
        self.on = True


GUARD = _Guard()


def mem_guard_active() -> bool:
    """Whether new graphs lock the arrays they save (NumPy backend)."""
    return GUARD.on


def _lock(arr: Any, ids: list[int]) -> None:
    while type(arr) is _ndarray:
        key = id(arr)
        entry = _locks.get(key)
        if entry is None:
            flags = arr.flags
            was = flags.writeable
            if was:
                flags.writeable = False
            _locks[key] = [arr, 1, was]
        else:
            entry[1] += 1
        ids.append(key)
        arr = arr.base


def _release(ids: tuple[int, ...]) -> None:
    for key in reversed(ids):  # bases before the views of them
        entry = _locks.get(key)
        if entry is None:
            continue
        entry[1] -= 1
        if entry[1]:
            continue
        del _locks[key]
        if entry[2]:
            _restore(entry[0])


def _restore(arr: Any) -> None:
    try:
        arr.flags.writeable = True
    except ValueError:  # its base is still locked: retry when the base is released
        _pending.setdefault(id(arr.base), []).append(arr)
        return
    for view in _pending.pop(id(arr), ()):
        if id(view) not in _locks:
            _restore(view)


def guard(node: Any, bk: Any) -> None:
    """Lock the NumPy arrays ``node`` saved (installed as the ops' guard hook)."""
    if not GUARD.on:
        return
    ids: list[int] = []
    for value in node.saved:
        if type(value) is _ndarray:
            _lock(value, ids)
    if ids:
        node.guards = tuple(ids)


class _Switch:
    """Context manager and decorator setting the guard for new graphs."""

    def __init__(self, on: bool) -> None:
        self._on = on
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(GUARD.on)
        GUARD.on = self._on

    def __exit__(self, *exc: object) -> None:
        GUARD.on = self._prev.pop()

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"xgrad.mem_guard_{'on' if self._on else 'off'}"


mem_guard_off = _Switch(False)
mem_guard_on = _Switch(True)
mem_guard_off.__doc__ = """Graphs made inside do not make their arrays read-only.

Examples
--------
>>> import numpy as np, xgrad as xg
>>> a = np.array([1.0, 2.0])
>>> with xg.mem_guard_off:
...     y = xg.tensor(2.0) * a      # a is saved for the gradient, but stays writable
>>> a.flags.writeable
True
"""
mem_guard_on.__doc__ = "Graphs made inside lock the arrays they save (the default)."


_core._guard = guard
_engine.release_guards = _release
