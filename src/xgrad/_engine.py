"""The autodiff engine: graph nodes, gradient mode and the backward pass.

A :class:`Node` records one op application whose result needs a gradient: the op, the graph
references of its inputs (``parents``), and exactly the values its derivative rules asked for
(``saved``). Tensors point to their node; nodes never point to tensors, so an intermediate
array that no rule needs is freed as soon as the user drops it (as in PyTorch's autograd).

The backward pass is iterative (Kahn's algorithm over consumer counts, no recursion), does the
chores every rule would otherwise repeat (summing a gradient back to a broadcast input's shape,
casting it to the input's dtype, accumulating over several uses), and frees each node's saved
values as soon as its rules have run. Rules are written with ``xp`` only, so running them with
``xp`` bound to xgrad's own namespace and tensors in place of arrays records the backward
pass itself as a graph: that is ``backward(create_graph=True)`` and higher-order derivatives.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from . import backends as _backends
from ._nsbase import TensorNamespace
from .errors import GraphConsumedError

__all__ = ["Node", "backward", "clear_graph", "is_grad_enabled", "no_autodiff"]

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    __slots__ = ("enabled", "epoch", "tracer")

    def __init__(self) -> None:
        self.enabled = True  # record graphs?
        self.epoch = 1  # incremented after each backward that consumes a graph
        # the tracer of xgrad.compile while a function is being traced (set from above, by
        # xgrad._compile): ops report to it, and backward() records its rules as ops
        self.tracer: Any = None


STATE = _State()

# Set at import by xgrad._tensor (builds a Tensor around (data, backend, node, constant)) and
# xgrad._xp (the namespace, per backend, that runs derivative rules on tensors).
make_tensor: Callable[..., Any] = None  # type: ignore[assignment]
tensor_namespace: Callable[[Any], Any] = None  # type: ignore[assignment]


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph (``False`` inside :data:`no_autodiff`).

    Returns
    -------
    bool

    Examples
    --------
    >>> import xgrad as xg
    >>> xg.is_grad_enabled()
    True
    >>> with xg.no_autodiff:
    ...     xg.is_grad_enabled()
    False
    """
    return STATE.enabled


class Switch:
    """A context manager and decorator that sets ``owner.<attr>`` to ``value`` while it is
    active (nestable; the previous value comes back on exit)."""

    def __init__(self, owner: Any, attr: str, value: Any, name: str, doc: str) -> None:
        self._owner, self._attr, self._value, self._name = owner, attr, value, name
        self._prev: list[Any] = []
        self.__doc__ = doc

    def __enter__(self) -> None:
        self._prev.append(getattr(self._owner, self._attr))
        setattr(self._owner, self._attr, self._value)

    def __exit__(self, *exc: object) -> None:
        setattr(self._owner, self._attr, self._prev.pop())

    def __call__(self, func: F | None = None, to_numpy: bool = False) -> Any:
        """Decorate ``func``; called with no argument (``with no_autodiff():``, the PyTorch
        spelling), return the switch itself so it works as a context manager too.

        ``to_numpy=True`` (MyGrad's option) makes the decorated function return the arrays of
        the tensors it returns (``.data``: arrays of their backend, on their device), also
        inside tuples, lists and dicts (``@no_autodiff(to_numpy=True)``).

        Examples
        --------
        >>> import xgrad as xg
        >>> @xg.no_autodiff(to_numpy=True)
        ... def double(x):
        ...     return 2 * x
        >>> double(xg.tensor([1.0, 2.0]))
        array([2., 4.])
        """
        if func is None:
            return functools.partial(self.__call__, to_numpy=True) if to_numpy else self

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                out = func(*args, **kwargs)
            return _arrays_of(out) if to_numpy else out

        return wrapper  # type: ignore[return-value]

    def __repr__(self) -> str:
        return self._name


def _arrays_of(out: Any) -> Any:
    if isinstance(out, (tuple, list)):
        return type(out)(_arrays_of(v) for v in out)
    if isinstance(out, dict):
        return {k: _arrays_of(v) for k, v in out.items()}
    data = getattr(out, "_data", None)
    return out if data is None or not hasattr(out, "_node") else out.data


class recording:
    """Context manager: record graphs inside (``flag=True``) or not, whatever the grad mode
    outside is; the previous mode comes back on exit."""

    __slots__ = ("flag", "prev")

    def __init__(self, flag: bool) -> None:
        self.flag = flag

    def __enter__(self) -> None:
        self.prev = STATE.enabled
        STATE.enabled = self.flag

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev


no_autodiff = Switch(
    STATE,
    "enabled",
    False,
    "xgrad.no_autodiff",
    """Context manager and decorator: operations inside record no graph and lock no memory.

    Results are new leaf tensors (constant only if every input was), as in MyGrad: use it
    for parameter updates and for fast evaluation.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor(3.0)
    >>> with xg.no_autodiff:
    ...     y = x * 2
    >>> y.creator is None, y.constant
    (True, False)

    >>> @xg.no_autodiff
    ... def evaluate(t):
    ...     return (t ** 2).sum()
    >>> evaluate(x).creator is None
    True
    """,
)
__test__ = {"no_autodiff": no_autodiff.__doc__}


class Node:
    """One value in the graph: a recorded op application (the ``creator`` of a tensor), or a
    leaf (``op is None``), where user-created tensors accumulate their gradients.

    A tensor points to its node; an in-place operation points the tensor at a new node, so
    graphs recorded earlier keep the node of the value they used (MyGrad's semantics, with
    no graph surgery). The node also holds the gradient, which is what ``tensor.grad`` reads.

    Attributes
    ----------
    op : Op or None
        The op-table row that was applied; ``None`` for a leaf.
    parents : tuple or None
        For each input: its node, or ``None`` for constants and non-differentiable inputs.
        ``None`` once the graph has been consumed by ``backward()`` or ``clear_graph()``.
    saved : tuple or None
        The values the op's derivative rules declared they need.
    params : dict or None
        Non-array arguments of the op (``axis``, ``keepdims``, ...), passed to every rule.

    Examples
    --------
    >>> import xgrad as xg
    >>> x = xg.tensor([1.0, 2.0])
    >>> node = (x * x).creator
    >>> node
    <xgrad Node multiply (live)>
    >>> node.op.name, node.parents, node.shape
    ('multiply', (<xgrad Node leaf>, <xgrad Node leaf>), (2,))
    """

    __slots__ = (
        "__weakref__",
        "_deps",
        "_grad",
        "backend",
        "consumed",
        "created",
        "dtype",
        "guards",
        "op",
        "params",
        "parents",
        "reached",
        "saved",
        "shape",
        "tans",
    )

    def __init__(
        self,
        op: Any,
        parents: tuple,
        saved: tuple,
        params: dict | None,
        backend: Any,
        out: Any,
    ) -> None:
        self.guards = None  # first: __del__ reads it even if this constructor fails
        self.op = op
        self.parents = parents
        self.saved = saved
        self.params = params
        self.backend = backend
        self.shape = out.shape
        self.dtype = out.dtype
        self._grad = None
        self._deps = -1
        self.created = STATE.epoch
        self.tans = None

    def __repr__(self) -> str:
        if self.op is None:
            return "<xgrad Node leaf>"
        state = "consumed" if self.parents is None else "live"
        return f"<xgrad Node {self.op.name} ({state})>"

    @property
    def name(self) -> str:
        return "leaf" if self.op is None else self.op.name

    def release(self) -> None:
        """Drop parents and saved values (the node keeps only its gradient)."""
        self.parents = None
        self.saved = None
        self.consumed = STATE.epoch
        guards = self.guards
        if guards is not None:
            self.guards = None
            self.backend.unlock(guards)

    def __del__(self) -> None:
        # a graph dropped without backward() or clear_graph() still unlocks its arrays
        guards = self.guards
        if guards is not None:
            self.guards = None
            self.backend.unlock(guards)


def leaf_node(data: Any, backend: Any) -> Node:
    """The node of a user-created (leaf) tensor: it only accumulates a gradient."""
    return Node(None, (), (), None, backend, data)


def _unbroadcast(xp: Any, g: Any, shape: tuple) -> Any:
    """Sum ``g`` over the axes along which an input of ``shape`` was broadcast (or broadcast a
    smaller ``g`` up to ``shape``)."""
    gshape = g.shape
    lead = len(gshape) - len(shape)
    if lead > 0 and shape and gshape[lead:] == shape:  # leading axes only (a bias)
        if isinstance(xp, TensorNamespace):
            return xp.sum_leading(g, lead)  # recorded; the same bits as the array mode
        return _backends.of_namespace(xp).sum_leading(g, lead)
    if lead >= 0:
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
        )
        if axes:
            g = xp.sum(g, axis=axes, keepdims=True)
            if lead:
                g = xp.reshape(g, g.shape[lead:])
        if g.shape == shape:
            return g
    return xp.broadcast_to(g, shape)


def fit_gradient(gi: Any, p: Node, create_graph: bool) -> Any:
    """One rule's contribution to ``p``'s gradient, made a ``p``-shaped array (or a tensor,
    under ``create_graph``) of ``p``'s dtype. The array-mode backward inlines the same steps
    in its hot loop."""
    pbk = p.backend
    if create_graph:
        if not hasattr(gi, "_node"):
            gi = make_tensor(pbk.xp.asarray(gi), pbk, None, True)
        ns = tensor_namespace(pbk)
        if gi.shape != p.shape:
            gi = _unbroadcast(ns, gi, p.shape)
        if gi.dtype != p.dtype:
            gi = ns.astype(gi, p.dtype)
        return gi
    if gi.__class__ is not pbk.array_type:
        gi = pbk.fix_result(gi)
    if gi.shape != p.shape:
        gi = _unbroadcast(pbk.xp, gi, p.shape)
    if gi.dtype != p.dtype:
        gi = pbk.xp.astype(gi, p.dtype)
    return gi


def _rule_call(rule: Callable, xp: Any, g: Any, idx: tuple, saved: tuple, params: Any) -> Any:
    k = len(idx)
    if k == 0:
        args: tuple = ()
    elif k == 1:
        args = (saved[idx[0]],)
    else:
        args = tuple(saved[j] for j in idx)
    if params:
        return rule(xp, g, *args, **params)
    return rule(xp, g, *args)


def _collect(root: Node) -> tuple[list[Node], list[Node]]:
    """Count, for every live op node reachable from ``root``, how many consumers it has inside
    this graph; return those nodes and the terminals (leaves and consumed nodes)."""
    nodes = [root]
    terminals: list[Node] = []
    root._deps = 0
    stack = [root]
    try:
        while stack:
            n = stack.pop()
            for p in n.parents:
                if p is None:
                    continue
                if p.op is not None and p.parents is not None:
                    if p._deps < 0:
                        p._deps = 1
                        nodes.append(p)
                        stack.append(p)
                    else:
                        p._deps += 1
                elif p._deps < 0:
                    if p.op is not None and n.created <= p.consumed:
                        raise GraphConsumedError(
                            f"backward() reached a tensor whose graph was already freed by an "
                            f"earlier backward() or clear_graph() (at the input of "
                            f"{n.op.name!r}). Recompute the result, or call "
                            "backward(retain_graph=True) the first time."
                        )
                    p._deps = 0
                    terminals.append(p)
    finally:
        for t in terminals:
            t._deps = -1
    return nodes, terminals


def backward(
    root: Any, seed: Any, *, retain_graph: bool = False, create_graph: bool = False
) -> None:
    """Back-propagate ``seed`` (d root / d root) from the tensor ``root``.

    Every tensor in the graph receives ``.grad``; the graph is consumed unless
    ``retain_graph`` or ``create_graph`` is set. ``Tensor.backward`` calls it.

    Parameters
    ----------
    root : Tensor
        The tensor to differentiate.
    seed : array
        The gradient of the final result with respect to ``root``, shaped like ``root``.
    retain_graph : bool, optional
        Keep the graph for a later ``backward()``.
    create_graph : bool, optional
        Record the gradient computation itself, so that gradients are tensors that can be
        differentiated again.

    Examples
    --------
    >>> import numpy as np, xgrad as xg
    >>> from xgrad._engine import backward
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = x * x
    >>> backward(y, np.array([1.0, 10.0]))
    >>> x.grad, y.creator                # the graph is consumed
    (array([ 2., 40.]), None)
    """
    # while xgrad.compile traces, the backward pass runs its rules as recorded ops (so the
    # program contains them), then is consumed as usual unless retained
    traced = STATE.tracer is not None and not create_graph
    node = root._leaf_or_node()
    if node.op is None or node.parents is None:
        if traced:
            seed = STATE.tracer.gradient(seed, root._backend)
        node._grad = seed if create_graph or traced else root._backend.owned(seed)
        return
    try:
        nodes, terminals = _collect(node)
    except BaseException:
        for n in _reachable(node):
            n._deps = -1
        raise
    for n in nodes:
        n._grad = None
    for t in terminals:
        t._grad = None
    del nodes  # hold no node beyond its turn: intermediate gradients are freed as we go
    node._grad = seed
    try:
        if traced:
            tracer = STATE.tracer
            prev_reuse, tracer.reuse_residuals = tracer.reuse_residuals, True
            try:
                _run_tensor_mode(node, traced=True)
            finally:
                tracer.reuse_residuals = prev_reuse
            if not retain_graph:
                for n in _reachable(node):
                    if n.op is not None and n.parents is not None:
                        n.release()
        elif create_graph:
            _run_tensor_mode(node)
        else:
            _run_array_mode(node, retain_graph)
            _hand_over((node, *terminals))
        # what this backward gave gradients to, for MyGrad's Tensor.null_gradients (weakly:
        # a consumed graph keeps nothing alive)
        node.reached = tuple(weakref.ref(t) for t in terminals)
    except BaseException:
        for t in terminals:  # a leaf may have been reached by the paths that did finish
            t._grad = None
        node._grad = None
        raise
    finally:
        if not (retain_graph or create_graph):
            STATE.epoch += 1


def null_gradients(node: Node) -> None:
    """Forget the gradient of ``node``, of every node its live graph reaches, and of those
    the latest ``backward()`` from it gave one (``Tensor.null_gradients``, MyGrad's)."""
    for n in _reachable(node) if node.op is not None else (node,):
        n._grad = None
        for ref in getattr(n, "reached", ()):
            t = ref()
            if t is not None:
                t._grad = None


def _reachable(*roots: Node) -> list[Node]:
    out, stack, seen = [], list(roots), {id(r) for r in roots}
    while stack:
        n = stack.pop()
        out.append(n)
        for p in n.parents or ():
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return out


def _hand_over(holders: tuple) -> None:
    """Make the gradients users see ordinary writable arrays, none shared by two tensors."""
    handed: set[int] = set()
    for t in holders:
        g = t._grad
        if g is None:
            continue
        bk = t.backend
        if id(g) in handed:
            g = bk.xp.asarray(g, copy=True)
        g = bk.owned(g)
        t._grad = g
        handed.add(id(g))


def _run_array_mode(root: Node, retain: bool) -> None:
    """The plain backward pass: rules run on the backends' arrays, and each node is released
    as soon as its rules have run (unless ``retain``).

    A gradient this pass allocated itself (a sum of two contributions) is accumulated into in
    place afterwards; gradients returned by rules may be views or shared, so never are.
    """
    ready = [root]
    pop = ready.pop
    push = ready.append
    owned: set[int] = set()
    n = root
    try:
        while ready:
            n = pop()
            parents = n.parents
            g = n._grad
            if g is not None:
                op = n.op
                saved = n.saved
                params = n.params
                xp = n.backend.xp
                i = 0
                for p in parents:
                    if p is not None:
                        rule = op.vjps[i]
                        idx = op.rule_args[i]
                        if not idx:
                            args: tuple = ()
                        elif len(idx) == 1:
                            args = (saved[idx[0]],)
                        else:
                            args = tuple([saved[j] for j in idx])
                        gi = rule(xp, g, *args, **params) if params else rule(xp, g, *args)
                        if gi is not None:  # fit_gradient(gi, p, False), inlined
                            pbk = p.backend
                            if gi.__class__ is not pbk.array_type:
                                gi = pbk.fix_result(gi)
                            if gi.shape != p.shape:
                                gi = _unbroadcast(pbk.xp, gi, p.shape)
                            if gi.dtype != p.dtype:
                                gi = pbk.xp.astype(gi, p.dtype)
                            acc = p._grad
                            if acc is None:
                                p._grad = gi
                            elif id(p) in owned:
                                acc += gi
                                p._grad = acc  # immutable arrays (dask): += made a new one
                            else:
                                acc = acc + gi
                                if acc.__class__ is not pbk.array_type:
                                    acc = pbk.fix_result(acc)  # 0-d NumPy sums are scalars
                                p._grad = acc
                                owned.add(id(p))
                        if p._deps > 0:
                            p._deps -= 1
                            if p._deps == 0:
                                push(p)
                    i += 1  # noqa: SIM113 - the hot loop avoids enumerate's tuples
            else:
                for p in parents:
                    if p is not None and p._deps > 0:
                        p._deps -= 1
                        if p._deps == 0:
                            push(p)
            n._deps = -1
            if not retain:
                n.release()
    except BaseException as exc:
        # Leave no partial gradient behind: the nodes not yet processed lose theirs (the
        # processed ones hold complete gradients), and the graph is freed unless retained.
        for m in _reachable(n, *ready):
            m._deps = -1
            m._grad = None
            if not retain and m.op is not None:
                m.release()
        if n.op is not None:
            exc.add_note(
                f"xgrad: backward() failed in the derivative of {n.op.name!r}; no input "
                "received a gradient"
                + ("." if retain else ", and the graph was freed: recompute the result.")
            )
        raise


def _as_tensor_args(n: Node) -> tuple:
    """The saved values of ``n`` as tensors connected to the graph (for create_graph)."""
    op = n.op
    bk = n.backend
    out = []
    tans = n.tans or ()
    for k, (code, value) in enumerate(zip(op.save, n.saved or (None,) * len(op.save), strict=True)):
        if code == op.nin + 1:
            tracer = STATE.tracer
            if tracer is not None and tracer.reuse_residuals and value is not None:
                out.append(make_tensor(value, bk, None, True))  # xgrad.compile's slot for it
            else:
                out.append(None)  # not connected to the graph: the rule recomputes it
            continue
        if code < 0 or not hasattr(value, "shape"):
            out.append(value)  # shapes and Python scalars stay as they are
            continue
        if code == op.nin:
            t = make_tensor(value, bk, n, False)
        else:
            p = n.parents[code]
            t = make_tensor(value, bk, p, p is None)
        if k < len(tans) and tans[k]:
            t._tan = tans[k]  # forward mode: the tangents the value had when it was saved
        out.append(t)
    return tuple(out)


def _run_tensor_mode(root: Node, traced: bool = False) -> None:
    """Backward with tensors and xgrad's namespace: the backward pass is itself recorded.

    Gradients accumulate in a side table and are stored on the nodes at the end, because the
    rules' own operations reset the ``.grad`` of the tensors they use. ``traced``: a plain
    ``backward()`` inside a function :func:`xgrad.compile` traces; the gradients the nodes
    get are the tracer's stand-ins for the arrays a plain backward would give.
    """
    bk = root.backend
    seed = root._grad
    if not hasattr(seed, "_node"):
        seed = make_tensor(seed, bk, None, True)
    grads: dict[int, Any] = {id(root): seed}
    holders: dict[int, Node] = {id(root): root}
    ready = [root]
    prev = STATE.enabled
    STATE.enabled = True
    n = root
    try:
        while ready:
            n = ready.pop()
            parents = n.parents
            g = grads.get(id(n))
            if g is not None:
                op = n.op
                saved = _as_tensor_args(n)
                ns = tensor_namespace(n.backend)
                for i, p in enumerate(parents):
                    if p is None:
                        continue
                    gi = _rule_call(op.vjps[i], ns, g, op.rule_args[i], saved, n.params)
                    if gi is None:
                        continue
                    gi = fit_gradient(gi, p, True)
                    key = id(p)
                    acc = grads.get(key)
                    grads[key] = gi if acc is None else acc + gi
                    holders[key] = p
            for p in parents:
                if p is not None and p._deps > 0:
                    p._deps -= 1
                    if p._deps == 0:
                        ready.append(p)
            n._deps = -1
    except BaseException:
        for m in _reachable(n, *ready):
            m._deps = -1
        raise
    finally:
        STATE.enabled = prev
    for key, holder in holders.items():
        g = grads[key]
        if traced:
            holder._grad = STATE.tracer.gradient(g, holder.backend)
        else:
            holder._grad = _depend_on(g, holder) if holder.op is None else g


def _depend_on(g: Any, leaf: Node) -> Any:
    """``g`` as a recorded function of ``leaf`` too (with derivative 0 there).

    ``x.grad`` after ``backward(create_graph=True)`` is differentiated again by calling its
    ``backward()``, which sets ``x.grad`` only if ``x`` is in its graph. A derivative that
    does not depend on ``x`` (the 2 of ``d(x**2)/dx = 2x``, differentiated once more) would
    leave the previous order's value in ``x.grad``; tied to ``x`` this way, ``x`` gets 0.
    """
    bk = leaf.backend
    data = g._data
    tie = make_tensor(data, bk, leaf, False)  # stands for x: only its node matters
    never = bk.xp.zeros(tuple(data.shape), dtype=bk.xp.bool, device=bk.device_of(data))
    with recording(True):
        return tensor_namespace(bk).where(never, tie, g)


def clear_graph(node: Node | None) -> None:
    """Consume the graph below ``node`` without computing gradients.

    ``Tensor.clear_graph`` calls it; the arrays the graph saved are released (and unlocked,
    see :mod:`xgrad._memguard`).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad._engine import clear_graph
    >>> x = xg.tensor([1.0, 2.0])
    >>> y = (x * x).sum()
    >>> node = y.creator
    >>> clear_graph(node)
    >>> node, y.creator
    (<xgrad Node sum (consumed)>, None)
    """
    if node is None or node.op is None or node.parents is None:
        return
    stack = [node]
    while stack:
        n = stack.pop()
        parents = n.parents
        if parents is None or n.op is None:
            continue
        n.release()
        for p in parents:
            if p is not None and p.op is not None and p.parents is not None:
                stack.append(p)
    STATE.epoch += 1
