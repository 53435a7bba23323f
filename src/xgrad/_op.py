"""The op table's machinery: :class:`Op` rows and the functions that apply them to tensors.

An op is a forward implementation written against an array-API namespace ``xp`` plus one
derivative rule (VJP) per differentiable input. A rule is a function
``rule(xp, g, <needs...>, **params)`` whose positional parameters after ``xp`` and ``g``
*declare what it needs*: input names (``x``, or ``a``/``b`` for binary ops), ``y`` for the
output, ``<name>_shape`` for just a shape, or ``res`` for a residual (below). The node saves
exactly those values, so an op whose rules need nothing (``negative``, ``add``) keeps no
arrays alive.

The engine does the shared chores (un-broadcasting, dtype casts, accumulation), so a rule is
the bare local formula::

    unary("exp", vjp=lambda xp, g, y: g * y)
    unary("sin", vjp=lambda xp, g, x: g * xp.cos(x))
    binary("multiply", lambda xp, g, b: g * b, lambda xp, g, a: g * a)

An op made with ``residuals=True`` returns ``(output, residual)`` from its forward: an
intermediate result its rules would otherwise recompute (the softmax inside the softmax
cross-entropy). Rules ask for it as ``res``. It is a plain array, not connected to the graph,
so a rule must also accept ``res=None`` and then recompute it with ``xp``: that is what it
gets under ``create_graph=True`` and in forward mode, where its derivative matters. Such an
op is applied with :func:`apply` only (the ufunc-shaped :func:`apply1`/:func:`apply2` fast
paths, for the elementwise rows, do not unpack a residual).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from . import _forward
from . import backends as _backends
from ._engine import STATE, Node, leaf_node
from ._forward import FWD, propagate
from ._tensor import Tensor, make_tensor
from .backends._dtypes import check_array_dtype

__all__ = ["OPS", "Op", "apply", "apply1", "apply2", "apply_view", "coerce", "register"]

#: every registered op, by name
OPS: dict[str, Op] = {}

_SCALARS = frozenset({int, float, bool})


class Op:
    """One row of the op table.

    Parameters
    ----------
    name : str
        Public name (``"exp"``).
    inputs : tuple of str
        Names of the array inputs, in order (``("x",)``, ``("a", "b")``).
    impl : callable
        ``impl(xp, *arrays, **params) -> array``: the forward computation.
    vjps : tuple
        One rule per input; ``None`` marks an input that takes no gradient (an index array,
        a condition).
    kind : str
        ``"elementwise"``, ``"reduction"``, ``"linalg"``, ``"shape"``, ...: used by the NumPy
        dispatch tables and the test table.
    jvp : callable or "linear", optional
        Forward-mode rule ``jvp(xp, t, <needs...>, **params)`` with ``t`` one tangent (or
        ``None``) per input. ``"linear"``: the op is linear in its differentiable inputs, so
        its JVP is the op applied to the tangents. Without it, the op must be elementwise
        (its Jacobian is diagonal) and the JVP is derived from the VJPs.
    residuals : bool
        ``impl`` returns ``(output, residual)`` and rules may ask for ``res`` (see the module
        docstring).
    """

    __slots__ = (
        "_bound",
        "_impl",
        "doc",
        "inputs",
        "jvp",
        "jvp_args",
        "kind",
        "name",
        "nin",
        "res_slot",
        "residuals",
        "rule_args",
        "rule_names",
        "save",
        "saver",
        "savers",
        "vjps",
    )

    def __init__(
        self,
        name: str,
        inputs: tuple[str, ...],
        impl: Callable[..., Any],
        vjps: Sequence[Callable[..., Any] | None],
        *,
        kind: str = "elementwise",
        jvp: Callable[..., Any] | None = None,
        doc: str = "",
        residuals: bool = False,
    ) -> None:
        if len(vjps) != len(inputs):
            raise ValueError(f"op {name!r}: {len(inputs)} inputs but {len(vjps)} rules")
        self.name = name
        self.inputs = tuple(inputs)
        self.nin = len(inputs)
        self._impl = impl
        self._bound: dict[Any, Callable[..., Any]] = {}
        self.vjps = tuple(vjps)
        self.kind = kind
        self.jvp = jvp
        self.doc = doc
        self.residuals = residuals
        needed: list[str] = []
        per_rule: list[tuple[str, ...]] = []
        for rule in self.vjps:
            names = _rule_needs(rule, name) if rule is not None else ()
            per_rule.append(names)
            needed.extend(n for n in names if n not in needed)
        self.jvp_args = _rule_needs(jvp, name) if callable(jvp) else ()
        self.rule_names = tuple(per_rule)
        self.save = tuple(self._code(n) for n in needed)
        #: the position of the residual among the saved values (-1: none is saved)
        self.res_slot = self.save.index(self.nin + 1) if self.nin + 1 in self.save else -1
        self.rule_args = tuple(tuple(needed.index(n) for n in names) for names in per_rule)
        # One saver per set of differentiable inputs (bit i: input i needs a gradient): the
        # node keeps only what the rules that will actually run need; other slots hold None.
        self.savers: dict[int, Callable[..., tuple] | None] = {}
        self.saver = self.saver_for((1 << self.nin) - 1)

    def _code(self, need: str) -> int:
        """Saved-value code: input index, ``nin`` for the output, ``nin + 1`` for the
        residual, negative for shapes."""
        if need == "y":
            return self.nin
        if need == "res" and self.residuals:
            return self.nin + 1
        if need == "y_shape":
            return -(self.nin + 1)
        if need in self.inputs:
            return self.inputs.index(need)
        if need.endswith("_shape") and need[:-6] in self.inputs:
            return -(self.inputs.index(need[:-6]) + 1)
        raise ValueError(
            f"op {self.name!r}: a rule asks for {need!r}, which is not one of "
            f"{(*self.inputs, 'y')} or their '_shape' (or 'res', for an op with residuals)"
        )

    def saver_for(self, mask: int) -> Callable[..., tuple] | None:
        """The saver for the inputs in ``mask`` needing gradients (compiled once)."""
        try:
            return self.savers[mask]
        except KeyError:
            pass
        used = set()
        for i, idx in enumerate(self.rule_args):
            if mask >> i & 1:
                used.update(idx)
        codes = tuple(c if k in used else None for k, c in enumerate(self.save))
        fn = _make_saver(codes, self.nin, self.residuals) if used else None
        self.savers[mask] = fn
        return fn

    def bind(self, bk: Any) -> Callable[..., Any]:
        """The forward function for backend ``bk`` (cached)."""
        fn = self._bound.get(bk)
        if fn is None:
            impl = self._impl
            xp = bk.xp
            if isinstance(impl, str):
                fn = getattr(xp, impl)
            else:

                def fn(*arrays: Any, _impl: Callable = impl, _xp: Any = xp, **params: Any) -> Any:
                    return _impl(_xp, *arrays, **params)

            self._bound[bk] = fn
        return fn

    @property
    def differentiable(self) -> bool:
        return any(r is not None for r in self.vjps)

    def __repr__(self) -> str:
        return f"<xgrad op {self.name}>"


def _rule_needs(rule: Callable[..., Any], opname: str) -> tuple[str, ...]:
    params = list(inspect.signature(rule).parameters.values())
    pos = [
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    if pos[:2] not in (["xp", "g"], ["xp", "t"]):
        raise ValueError(f"op {opname!r}: a rule must start with (xp, g, ...); got {pos}")
    return tuple(pos[2:])


def _make_saver(
    codes: tuple[int | None, ...], nin: int, residuals: bool = False
) -> Callable[..., tuple] | None:
    """Compile ``saver(y, d0, d1, ..., [r]) -> saved tuple`` for the given codes (``None``: a
    slot no rule will read; ``r``: the residual, for an op with residuals)."""
    if not codes:
        return None
    parts = []
    for c in codes:
        if c is None:
            parts.append("None")
        elif c == nin:
            parts.append("y")
        elif c == nin + 1:
            parts.append("r")
        elif c >= 0:
            parts.append(f"d{c}")
        elif c == -(nin + 1):
            parts.append("y.shape")
        else:
            parts.append(f"_shape(d{-c - 1})")
    args = ", ".join(["y"] + [f"d{i}" for i in range(nin)] + (["r"] if residuals else []))
    src = f"lambda {args}: ({', '.join(parts)},)"
    return eval(src, {"_shape": _shape})


_SAVED_SHAPE_OF = _backends.saved_shape_of


def _shape(v: Any) -> tuple:
    """The shape a node saves for ``v`` (a rule's ``x_shape``): ``v.shape``, or what its
    backend's :attr:`~xgrad.Backend.saved_shape` gives (Dask's chunks ride along)."""
    keep = _SAVED_SHAPE_OF.get(v.__class__)
    return getattr(v, "shape", ()) if keep is None else keep(v)


def register(op: Op, *aliases: str) -> Op:
    if op.residuals and op.kind == "elementwise":
        raise ValueError(f"op {op.name!r}: an elementwise op cannot have residuals")
    OPS[op.name] = op
    for a in aliases:
        OPS.setdefault(a, op)
    return op


# ---------------------------------------------------------------------------------------------
# coercion of non-tensor inputs
# ---------------------------------------------------------------------------------------------
def coerce(bk: Any, value: Any, ref: Any, opname: str) -> Any:
    """Turn a non-tensor input of an op on backend ``bk`` into something ``bk.xp`` accepts.

    Python scalars pass through (they are "weak" in NumPy 2 / array-API promotion); arrays
    of ``bk`` pass if they are on ``ref``'s device; lists become arrays on that device;
    anything from another library raises, since xgrad never moves data implicitly.
    """
    cls = value.__class__
    if cls in _SCALARS:
        return value
    if isinstance(value, bk.array_types):
        check_array_dtype(bk.xp, value, opname)
        if bk.multi_device and ref is not None and not isinstance(ref, (int, float)):
            da, dv = bk.device_of(ref), bk.device_of(value)
            if da != dv:
                raise _backends.device_mismatch_error(bk, da, dv, opname)
        return value
    # NumPy's scalars (np.float64(2), np.float32(0.5), an np.int64 from np.prod(shape)) are
    # Python numbers on any backend (on NumPy's they are its arrays, handled above)
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, float) else int(value)
    if isinstance(value, numbers.Real) and getattr(value, "shape", None) == ():
        return value.item()
    other = _backends.backend_of(value)
    if other is not None:
        dev = bk.device_of(ref) if hasattr(ref, "shape") else None
        raise _backends.mismatch_error(bk, other, opname, devices=(dev, other.device_of(value)))
    if isinstance(value, (list, tuple)):
        device = bk.device_of(ref) if hasattr(ref, "shape") else None
        return bk.asarray(value, device=device)
    if isinstance(value, complex):
        raise TypeError(
            f"{opname}: complex numbers are not supported yet (got {value!r}); "
            "xgrad differentiates real floating-point data"
        )
    raise TypeError(
        f"{opname}: unsupported input of type {cls.__name__!r}; expected a Tensor, an array "
        f"of the {bk.name!r} backend, a Python number, or a list of numbers"
    )


def _raw_backend(args: Sequence[Any]) -> tuple[Any, Any]:
    """Backend and device for an op called with no tensors at all."""
    for a in args:
        bk = _backends.backend_of(a)
        if bk is not None:
            return bk, a
    bk, _ = _backends.current()
    return bk, None


# ---------------------------------------------------------------------------------------------
# apply: the hot path
# ---------------------------------------------------------------------------------------------
def apply1(op: Op, x: Any, params: dict | None = None) -> Tensor:
    """Apply a one-input op."""
    if isinstance(x, Tensor):
        bk = x._backend
        d = x._data
        const = x._constant
        if x._base is not None:
            _detach(x)
    else:
        return apply(op, (x,), params)
    fn = op._bound.get(bk) or op.bind(bk)
    out = fn(d) if params is None else fn(d, **params)
    if out.__class__ is not bk.array_type:
        out = bk.fix_result(out)
    if const or not STATE.enabled:
        t = make_tensor(out, bk, None, const)
    else:
        parent = x._node
        if parent is None:
            parent = x._node = leaf_node(d, bk)
        parent._grad = None
        saver = op.saver
        node = Node(op, (parent,), saver(out, d) if saver else (), params, bk, out)
        if bk.has_readonly:
            _guard(node, bk)
        t = make_tensor(out, bk, node, False)
    if FWD.depth:
        propagate(op, (x,), t, params)
    return t


def apply_view(op: Op, x: Tensor, params: dict) -> Tensor:
    """Apply a one-input view op to a tensor: like :func:`apply1`, but the input keeps its
    gradient (a view does not consume its base, as in MyGrad)."""
    bk = x._backend
    d = x._data
    fn = op._bound.get(bk) or op.bind(bk)
    out = fn(d, **params)
    if out.__class__ is not bk.array_type:
        out = bk.fix_result(out)
    if x._constant or not STATE.enabled:
        t = make_tensor(out, bk, None, x._constant)
    else:
        parent = x._node
        if parent is None:
            parent = x._node = leaf_node(d, bk)
        saver = op.saver
        node = Node(op, (parent,), saver(out, d) if saver else (), params, bk, out)
        t = make_tensor(out, bk, node, False)
    if FWD.depth:
        propagate(op, (x,), t, params)
    return t


def apply2(op: Op, a: Any, b: Any, params: dict | None = None) -> Tensor:
    """Apply a two-input op (the arithmetic operators go through here)."""
    if isinstance(a, Tensor):
        bk = a._backend
        da = a._data
        ca = a._constant
        if a._base is not None:
            _detach(a)
        if isinstance(b, Tensor):
            if b._base is not None:
                _detach(b)
            if b._backend is not bk:
                devs = (bk.device_of(da), b.device)
                raise _backends.mismatch_error(bk, b._backend, op.name, devices=devs)
            db = b._data
            cb = b._constant
            if bk.multi_device:
                dva, dvb = bk.device_of(da), bk.device_of(db)
                if dva != dvb:
                    raise _backends.device_mismatch_error(bk, dva, dvb, op.name)
        else:
            db = b if b.__class__ in _SCALARS else coerce(bk, b, da, op.name)
            cb = True
    elif isinstance(b, Tensor):
        bk = b._backend
        db = b._data
        cb = b._constant
        if b._base is not None:
            _detach(b)
        da = a if a.__class__ in _SCALARS else coerce(bk, a, db, op.name)
        ca = True
    else:
        return apply(op, (a, b), params)
    fn = op._bound.get(bk) or op.bind(bk)
    out = fn(da, db) if params is None else fn(da, db, **params)
    if out.__class__ is not bk.array_type:
        out = bk.fix_result(out)
    if (ca and cb) or not STATE.enabled:
        t = make_tensor(out, bk, None, ca and cb)
        if FWD.depth:
            propagate(op, (a, b), t, params)
        return t
    if ca:
        pa = None
    else:
        pa = a._node
        if pa is None:
            pa = a._node = leaf_node(da, bk)
        pa._grad = None
    if cb:
        pb = None
    else:
        pb = b._node
        if pb is None:
            pb = b._node = leaf_node(db, bk)
        pb._grad = None
    saver = op.saver if pa is not None and pb is not None else op.saver_for(1 if pb is None else 2)
    node = Node(op, (pa, pb), saver(out, da, db) if saver else (), params, bk, out)
    if bk.has_readonly:
        _guard(node, bk)
    t = make_tensor(out, bk, node, False)
    if FWD.depth:
        propagate(op, (a, b), t, params)
    return t


def apply(op: Op, args: Sequence[Any], params: dict | None = None) -> Tensor:
    """Apply an op to any number of inputs (tensors, backend arrays, scalars, lists)."""
    bk = None
    ref = None
    for a in args:
        if isinstance(a, Tensor):
            if a._base is not None:
                _detach(a)
            if bk is None:
                bk = a._backend
                ref = a._data
            elif a._backend is not bk:
                devs = (bk.device_of(ref), a.device)
                raise _backends.mismatch_error(bk, a._backend, op.name, devices=devs)
    if bk is None:
        bk, ref = _raw_backend(args)
        if ref is None:
            ref_device = _backends.current()[1]
            datas = [
                a if a.__class__ in _SCALARS else bk.asarray(a, device=ref_device) for a in args
            ]
            if all(d.__class__ in _SCALARS for d in datas) and datas:
                datas[0] = bk.asarray(datas[0], device=ref_device)
            return _finish(op, bk, args, datas, params)
    datas = []
    dev = bk.device_of(ref) if bk.multi_device and hasattr(ref, "shape") else None
    for a in args:
        if isinstance(a, Tensor):
            d = a._data
            if dev is not None:
                dv = bk.device_of(d)
                if dv != dev:
                    raise _backends.device_mismatch_error(bk, dev, dv, op.name)
            datas.append(d)
        elif a.__class__ in _SCALARS:
            datas.append(a)
        else:
            datas.append(coerce(bk, a, ref, op.name))
    return _finish(op, bk, args, datas, params)


def _finish(op: Op, bk: Any, args: Sequence[Any], datas: list, params: dict | None) -> Tensor:
    fn = op._bound.get(bk) or op.bind(bk)
    out = fn(*datas) if params is None else fn(*datas, **params)
    if op.residuals:
        out, res = out
    if out.__class__ is not bk.array_type:
        out = bk.fix_result(out)
    const = True
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and not a._constant and op.vjps[i] is not None:
            const = False
            break
    if const or not STATE.enabled:
        t = make_tensor(out, bk, None, const)
        if FWD.depth:
            propagate(op, args, t, params)
        return t
    parents = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor) and not a._constant and op.vjps[i] is not None:
            p = a._leaf_or_node()
            p._grad = None
            parents.append(p)
        else:
            parents.append(None)
    mask = 0
    for i, p in enumerate(parents):
        if p is not None:
            mask |= 1 << i
    saver = op.saver_for(mask)
    if saver is None:
        saved: tuple = ()
    elif op.residuals:
        saved = saver(out, *datas, res)
    else:
        saved = saver(out, *datas)
    node = Node(op, tuple(parents), saved, params, bk, out)
    if bk.has_readonly:
        _guard(node, bk)
    t = make_tensor(out, bk, node, False)
    if FWD.depth:
        propagate(op, args, t, params)
    return t


def _guard(node: Node, bk: Any) -> None:
    """Hook for the memory guard (installed by :mod:`xgrad._memguard`)."""


def _detach(t: Tensor) -> None:
    """A view whose graph to its base was consumed (by ``backward`` or ``clear_graph``) stops
    being a view when used again, as in MyGrad. A view that never had a graph (a view of a
    constant, or one made under ``no_autodiff``) stays a view."""
    node = t._node
    if node is not None and node.parents is None:
        t._base = None
        t._vchain = None


_forward.apply_op = apply  # a linear op's tangent is the op applied to the tangents
