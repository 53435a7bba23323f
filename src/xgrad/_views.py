"""Views, with MyGrad's semantics.

Basic indexing, ``reshape``, ``ravel``, the transposes, ``moveaxis``, ``swapaxes``,
``squeeze``, ``expand_dims``, ``broadcast_to`` and single-operand ``einsum`` without a sum
(``"ii->i"``, ``"ij->ji"``) return *views*: tensors that remember their
base and the chain of view steps (:class:`Link`) leading from it. On NumPy their data shares
memory with the base's wherever NumPy's does.

- ``view.grad`` is the same view of ``base.grad`` (as MyGrad defines it);
- an in-place operation on a view is computed on the view, written back into a new value of
  the base through the chain (each step has an inverse: a ``setitem``, the inverse reshape or
  permutation), and every live view of that base is then replayed from the new base value;
- an in-place operation on a base replays its live views too.

All of these are ordinary recorded ops, so gradients flow through mutations correctly, and the
arrays that earlier graphs saved are never written to (in-place updates are copy-on-write).
"""

from __future__ import annotations

import weakref
from typing import Any

from . import _tensor
from ._engine import STATE
from ._op import OPS, _detach, apply, apply_view
from ._tensor import Tensor, make_tensor

__all__ = ["Link", "detach_if_consumed", "make_view", "replay_views", "view_grad"]


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(perm)), key=perm.__getitem__))


class Link:
    """One view step: an op name from the op table and its parameters."""

    __slots__ = ("kind", "params")

    def __init__(self, kind: str, params: dict) -> None:
        self.kind = kind
        self.params = params

    def apply(self, t: Tensor) -> Tensor:
        """The step as a recorded op on a tensor (without registering a new view)."""
        return apply_view(OPS[self.kind], t, self.params)

    def apply_array(self, xp: Any, arr: Any) -> Any:
        """The step on a plain array (for ``view.grad``)."""
        p = self.params
        kind = self.kind
        if kind == "getitem":
            return arr[p["key"]]
        if kind in ("reshape", "broadcast_to"):
            return getattr(xp, kind)(arr, p["shape"])
        if kind == "permute_dims":
            return xp.permute_dims(arr, p["axes"])
        if kind == "squeeze":
            return xp.squeeze(arr, axis=p["axis"]) if p["axis"] else arr
        if kind == "diagonal":
            return OPS["diagonal"]._impl(xp, arr, **p)
        # expand_dims
        shape = list(arr.shape)
        for a in p["axis"]:
            shape.insert(a, 1)
        return xp.reshape(arr, tuple(shape))

    def unview(self, parent: Tensor, child: Any) -> Tensor:
        """A new value of ``parent`` whose view through this step is ``child``."""
        kind = self.kind
        if kind == "getitem":
            return apply(OPS["setitem"], (parent, child), {"key": self.params["key"]})
        if kind == "broadcast_to":
            raise ValueError(
                "cannot write into a broadcast view (its elements alias each other); "
                "NumPy makes such views read-only. Write into the tensor it was broadcast from."
            )
        if kind == "permute_dims":
            inv = _inverse(self.params["axes"])
            return apply_view(OPS["permute_dims"], child, {"axes": inv})
        if kind == "diagonal":
            return _set_diagonal(parent, child, self.params["axis1"], self.params["axis2"])
        return apply_view(OPS["reshape"], child, {"shape": tuple(parent.shape)})


def _set_diagonal(parent: Tensor, child: Any, axis1: int, axis2: int) -> Tensor:
    """``parent`` with its diagonal over ``axis1``, ``axis2`` (the last axis of ``child``)
    replaced by ``child``: recorded ops, so both get their gradients."""
    nd = len(parent.shape)
    n = parent.shape[axis1]
    embedded = apply(OPS["diag_embed"], (child,), {"offset": 0, "n": n, "m": n})
    rest = [i for i in range(nd) if i not in (axis1, axis2)]
    embedded = apply_view(OPS["permute_dims"], embedded, {"axes": _inverse((*rest, axis1, axis2))})
    bk = parent._backend
    idx = bk.xp.arange(n, device=bk.device_of(parent._data))
    rows = bk.xp.reshape(idx, tuple(n if i == axis1 else 1 for i in range(nd)))
    cols = bk.xp.reshape(idx, tuple(n if i == axis2 else 1 for i in range(nd)))
    return apply(OPS["where"], (rows == cols, embedded, parent))


def make_view(x: Tensor, link: Link) -> Tensor:
    """Apply a view step to ``x`` and record the result as a view of ``x``'s base (unless the
    backend had to copy, as NumPy does to reshape some non-contiguous arrays: then, as in
    MyGrad, the result is not a view). A view of a view whose graph was consumed is a view of
    that tensor itself, which no longer shares gradients with its old base."""
    if x._base is not None:
        _detach(x)
    out = link.apply(x)
    if not x._backend.shares_memory(out._data, x._data):
        return out
    base = x._base
    if base is None:
        base = x
        chain: tuple[Link, ...] = (link,)
    else:
        chain = (*x._vchain, link)
    out._base = base
    out._vchain = chain
    try:
        views = base._views
    except AttributeError:
        views = base._views = []
    if len(views) > 64 and len(views) & 63 == 0:
        views[:] = [r for r in views if r() is not None]
    views.append(weakref.ref(out))
    return out


detach_if_consumed = _detach


def view_grad(t: Tensor) -> Any:
    """``t.grad`` for a view: the same view of its base's gradient."""
    g = t._base.grad
    if g is None:
        return None
    if isinstance(g, Tensor):  # after backward(create_graph=True)
        for link in t._vchain:
            g = link.apply(g)
        return g
    xp = t._base._backend.xp
    for link in t._vchain:
        g = link.apply_array(xp, g)
    return g


def _rebind(t: Tensor, value: Tensor) -> None:
    tracer = STATE.tracer
    if tracer is not None:  # xgrad.compile: t now holds value's traced value
        tracer.rebind(t, value)
    t._data = value._data
    t._node = None if value._constant else value._node
    t._constant = value._constant  # a constant written with a value that needs a gradient
    tans = getattr(value, "_tan", None)
    if tans is not None or getattr(t, "_tan", None) is not None:
        t._tan = tans


def write(target: Tensor, result: Tensor) -> None:
    """Make ``target`` hold ``result``; through its base when ``target`` is a view."""
    if target._base is not None:
        detach_if_consumed(target)
    base = target._base
    if base is None:
        was = target._constant
        _rebind(target, result)
        if getattr(target, "_views", None):
            replay_views(target, was and not target._constant)
        return
    chain = target._vchain
    values = [base]
    for link in chain[:-1]:
        values.append(link.apply(values[-1]))
    value = result
    for link, parent in zip(reversed(chain), reversed(values), strict=True):
        value = link.unview(parent, value)
    was = base._constant
    _rebind(base, value)
    replay_views(base, was and not base._constant)


def replay_views(base: Tensor, unconstant: bool = False) -> None:
    """Point every live view of ``base`` at the same view of its current value
    (``unconstant``: the base stopped being constant, and so do its views)."""
    alive = []
    for ref in base._views:
        v = ref()
        if v is None or v._base is not base:
            continue
        alive.append(ref)
        t = base
        for link in v._vchain:
            t = link.apply(t)
        v._data = t._data
        if unconstant:
            v._constant = False
        v._node = None if t._constant or v._constant else t._node
        if getattr(t, "_tan", None) is not None or getattr(v, "_tan", None) is not None:
            v._tan = getattr(t, "_tan", None)
    base._views = alive


def wrap_constant(data: Any, like: Tensor) -> Tensor:
    return make_tensor(data, like._backend, None, True)


_tensor.view_grad = view_grad
_tensor.replay_views = replay_views
