"""``xgrad.compile``: the compiled function, its cache of traces, and its graph node."""

from __future__ import annotations

import functools
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .. import _autograd, _op
from .. import backends as _backends
from .._engine import STATE, Node, recording
from .._forward import FWD, tangents_of
from .._nsbase import TensorNamespace
from .._op import Op
from .._tensor import Tensor, make_tensor
from ..errors import RetraceWarning, TracingError
from ._program import Program, _slot_list, build
from ._trace import Const, SlotRef, Tracer

__all__ = ["Compiled", "compile"]

_CONTAINERS = (tuple, list, dict)


# -- arguments ---------------------------------------------------------------------------------
def _flatten(v: Any, leaves: list, spec: list) -> None:
    """Leaves of nested tuples, lists and dicts, and a hashable description of the nesting."""
    cls = v.__class__
    if cls is tuple or cls is list:
        spec.append((cls, len(v)))
        for e in v:
            _flatten(e, leaves, spec)
    elif cls is dict:
        keys = tuple(v)
        spec.append((dict, keys))
        for k in keys:
            _flatten(v[k], leaves, spec)
    else:
        spec.append(None)
        leaves.append(v)


def _unflatten(spec: tuple, leaves: list) -> Any:
    it_spec = iter(spec)
    it_leaf = iter(leaves)

    def build() -> Any:
        s = next(it_spec)
        if s is None:
            return next(it_leaf)
        cls, info = s
        if cls is dict:
            return {k: build() for k in info}
        items = [build() for _ in range(info)]
        return tuple(items) if cls is tuple else items

    return build()


def _describe(v: Any) -> Any:
    """The part of the cache key for one argument leaf."""
    if isinstance(v, Tensor):
        d = v._data
        bk = v._backend
        dev = bk.device_of(d) if bk.multi_device else None
        return (bk, dev, d.shape, d.dtype, v._constant)
    bk = _backends.backend_of(v)
    if bk is not None:
        dev = bk.device_of(v) if bk.multi_device else None
        return ("array", bk, dev, tuple(v.shape), v.dtype)
    if v.__class__ is float:
        return ("float", v.hex())  # -0.0 and 0.0 differ (1 / x), and nan matches nan
    try:
        hash(v)
    except TypeError:
        raise TypeError(
            f"xgrad.compile: an argument of type {type(v).__name__!r} is neither a tensor, an "
            "array nor a hashable value; non-tensor arguments are part of the cache key (by "
            "value). Pass arrays as tensors, and containers as tuples, lists or dicts."
        ) from None
    return ("value", v.__class__, v)


def _aliasing(leaves: Any) -> tuple | None:
    """Which argument leaves share one array (None: none do)."""
    first: dict[int, int] = {}
    out = []
    shared = False
    for i, v in enumerate(leaves):
        d = v._data if isinstance(v, Tensor) else v
        if isinstance(v, Tensor) or hasattr(d, "shape"):
            j = first.setdefault(id(d), i)
            shared |= j != i
            out.append(j)
        else:
            out.append(i)
    return ("aliases", tuple(out)) if shared else None


# -- one trace ---------------------------------------------------------------------------------
class _Entry:
    """The programs of one signature."""

    def __init__(self) -> None:
        self.forward: Program | None = None  # outputs only
        self.forward_res: Program | None = None  # outputs and residuals
        self.backward: Program | None = None  # seeds and residuals -> gradients
        self.out_spec: tuple = ()
        self.out_kinds: list[tuple] = []  # per output leaf: kind, details
        self.res_from: list[tuple[str, int]] = []  # per residual: ("in", i) or ("fw", j)
        self.diff_inputs: list[int] = []  # indices (among tensor leaves) of differentiable ones
        self.diff_outputs: list[int] = []  # output leaf indices that get a graph node
        self.side_grads: list[tuple[int, int]] = []  # (tensor leaf, program output) x.grad
        self.op: Op | None = None
        self.n_out = 0
        self.data_idx: list[int] = []  # argument leaves that are tensors or arrays
        self.seed_meta: list[tuple] = []  # shape, dtype of each seed of the backward program
        self.bk: Any = None
        self.call_spec: Any = None  # how the arguments nest (an int: a flat list of them)


class Compiled:
    """A function compiled by :func:`compile` (see there)."""

    def __init__(self, fn: Callable[..., Any], cache_size: int = 64, warn_after: int = 8) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.cache_size = cache_size
        self.warn_after = warn_after
        self.traces = 0
        self._cache: OrderedDict[Any, _Entry] = OrderedDict()
        self._last: _Entry | None = None

    def __repr__(self) -> str:
        return f"<xgrad.compile {getattr(self.fn, '__qualname__', self.fn)!r}>"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        return self if obj is None else functools.partial(self, obj)

    # -- calling -------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if STATE.tracer is not None:  # inside another compiled function's trace: inline it
            return self.fn(*args, **kwargs)
        if kwargs or any(a.__class__ in _CONTAINERS for a in args):
            leaves: Any = []
            spec: Any = []
            _flatten((args, kwargs), leaves, spec)
            spec = tuple(spec)
        else:  # the common case: a flat list of tensors, arrays and numbers
            leaves = args
            spec = len(args)
        if FWD.depth and any(tangents_of(v) for v in leaves):
            return self.fn(*args, **kwargs)  # forward mode: the eager function, op by op
        descr = tuple(_describe(v) for v in leaves)
        alias = _aliasing(leaves)
        if alias is not None:  # the same array passed twice: its own programs
            descr = (*descr, alias)
        enabled = STATE.enabled
        needs_grad = enabled and any(isinstance(v, Tensor) and not v._constant for v in leaves)
        key = (enabled, needs_grad, spec, descr)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(key, list(leaves), spec, needs_grad)
        else:
            self._cache.move_to_end(key)
        self._last = entry
        return self._run(entry, leaves, needs_grad)

    def _run(self, entry: _Entry, leaves: list, needs_grad: bool) -> Any:
        inputs = [leaves[i] for i in entry.data_idx]
        datas = [v._data if isinstance(v, Tensor) else v for v in inputs]
        if not needs_grad or entry.forward_res is None:
            outs = entry.forward.fn(*datas)  # type: ignore[union-attr]
            res = None
        else:
            everything = entry.forward_res.fn(*datas)
            outs = everything[: entry.n_out]
            fw = everything[entry.n_out :]
            res = [datas[i] if where == "in" else fw[i] for where, i in entry.res_from]
        bk = entry.bk
        results = []
        params: dict | None = None
        for j, (kind, info) in enumerate(entry.out_kinds):
            value = outs[j]
            if kind == "tensor":
                if res is not None and j in entry.diff_outputs:
                    if params is None:
                        params = {
                            "entry": entry,
                            "res": res,  # handed to the nodes (their saved values)
                            "cache": {},
                            "leaves": leaves,
                            "datas": datas,
                        }
                    results.append(self._node(entry, inputs, value, bk, params, j))
                else:
                    results.append(make_tensor(value, bk, None, info[0]))
            else:
                results.append(value)
        if params is not None:
            del params["res"]  # the nodes hold them (node.saved), until backward() frees them
        for leaf, j in entry.side_grads:
            inputs[leaf]._leaf_or_node()._grad = outs[j]
        spec = entry.out_spec
        if spec is None:
            return results[0]
        if spec.__class__ is int:
            return tuple(results)
        return _unflatten(spec, results)

    def _node(
        self, entry: _Entry, tensors: list, value: Any, bk: Any, params: dict, j: int
    ) -> Tensor:
        parents = params.get("parents")
        if parents is None:
            parents = []
            for i in entry.diff_inputs:
                p = tensors[i]._leaf_or_node()
                p._grad = None
                parents.append(p)
            params["parents"] = parents = tuple(parents)
        node_params = {"shared": params, "k": entry.diff_outputs.index(j)}
        # the residuals are what the node saves: the memory guard locks them (NumPy), as it
        # does an eager node's, and backward() frees them
        node = Node(entry.op, parents, tuple(params["res"]), node_params, bk, value)
        if bk.has_readonly:
            _op._guard(node, bk)
        return make_tensor(value, bk, node, False)

    # -- tracing -------------------------------------------------------------------------------
    def _trace(self, key: Any, leaves: list, spec: tuple, needs_grad: bool) -> _Entry:
        self.traces += 1
        if self.traces == self.warn_after + 1:
            warnings.warn(
                f"xgrad.compile: {self.__name__} was traced {self.traces} times (each new "
                "combination of shapes, dtypes, devices, constant flags and non-tensor argument "
                "values traces again). Pass changing numbers as tensors, or leave the function "
                "uncompiled.",
                RetraceWarning,
                stacklevel=3,
            )
        tensors = [v for v in leaves if isinstance(v, Tensor)]
        if tensors:
            bk = tensors[0]._backend
        else:
            bk = next(
                (b for b in map(_backends.backend_of, leaves) if b is not None),
                _backends.current()[0],
            )
        tracer = Tracer(bk, getattr(self.fn, "__name__", "the function"))
        traced_leaves = []
        input_slots = []
        tracer_tensors = []
        seen: set[int] = set()
        originals = []
        for v in leaves:
            if isinstance(v, Tensor):
                if v._backend is not bk:
                    raise _backends.mismatch_error(bk, v._backend, "xgrad.compile")
                data = v._data
                t = make_tensor(data, bk, None, v._constant)
            elif _backends.backend_of(v) is not None:
                data = v
                t = make_tensor(v, _backends.backend_of(v), None, True)
            else:
                traced_leaves.append(v)
                continue
            if id(data) in seen:  # passed twice: the trace must tell the two apart
                t = make_tensor(
                    t._backend.xp.asarray(data, copy=True), t._backend, None, t._constant
                )
            seen.add(id(data))
            originals.append(t._data)
            input_slots.append(tracer.input(t))
            tracer_tensors.append(t)
            traced_leaves.append(t)
        if isinstance(spec, int):
            args, kwargs = tuple(traced_leaves), {}
        else:
            args, kwargs = _unflatten(spec, traced_leaves)
        entry = _Entry()
        entry.bk = bk
        entry.call_spec = spec
        entry.data_idx = [
            i
            for i, v in enumerate(leaves)
            if isinstance(v, Tensor) or _backends.backend_of(v) is not None
        ]
        prev = STATE.tracer
        STATE.tracer = tracer
        FWD.depth += 1
        try:
            out = self.fn(*args, **kwargs)
            for t, d in zip(tracer_tensors, originals, strict=True):
                if t._data is not d:
                    raise TracingError(
                        f"xgrad.compile: {tracer.name} changes an argument in place (x += ..., "
                        "x[...] = ..., or a write through a view of it); a compiled call "
                        "cannot change the caller's tensors. Work on a copy (y = x * 1.0) and "
                        "return the new value."
                    )
            out_leaves: list = []
            out_spec: list = []
            _flatten(out, out_leaves, out_spec)
            entry.out_spec = None if out_spec == [None] else tuple(out_spec)
            n_leaf = len(out_leaves)
            if out_spec == [(tuple, n_leaf)] + [None] * n_leaf:
                entry.out_spec = n_leaf  # a flat tuple
            refs = []
            for v in out_leaves:
                refs.append(self._out_ref(tracer, v, entry))
            entry.n_out = len(refs)
            fwd_instrs = list(tracer.instrs)
            # x.grad set by a backward() inside the function
            side = []
            for n, t in enumerate(tracer_tensors):
                node = t._node
                g = None if node is None else node._grad
                if isinstance(g, Tensor) and isinstance(leaves[entry.data_idx[n]], Tensor):
                    side.append((n, tracer.ref(g, None, "x.grad")))
            grad_refs: list = []
            seeds: list[int] = []
            if needs_grad:
                grad_refs, seeds = self._trace_backward(tracer, tracer_tensors, out_leaves, entry)
        finally:
            FWD.depth -= 1
            STATE.tracer = prev
        all_refs = refs + [r for _, r in side]
        entry.side_grads = [(n, entry.n_out + i) for i, (n, _) in enumerate(side)]
        fresh = [
            kind[0] != "tensor" or isinstance(r, Const)  # a constant: a copy per call
            for kind, r in zip(entry.out_kinds, refs, strict=True)
        ] + [True] * len(side)
        name = _ident(getattr(self.fn, "__name__", "f"))
        entry.forward = build(tracer, fwd_instrs, input_slots, all_refs, f"{name}_forward", fresh)
        entry.n_out = len(all_refs)
        if needs_grad and entry.diff_outputs:
            bwd_instrs = tracer.instrs[len(fwd_instrs) :]
            bwd = Program(tracer, bwd_instrs, [], grad_refs, [True] * len(grad_refs))
            bwd.simplify()
            res_slots = sorted(
                {k for ins in bwd.instrs for k in _slots_of(ins)}
                | {o.k for o in bwd.outputs if isinstance(o, SlotRef)}
            )
            res_slots = [k for k in res_slots if k < min(seeds)]
            bwd.inputs = seeds + res_slots
            bwd.compile(f"{name}_backward")
            entry.backward = bwd
            fw_res = [k for k in res_slots if k not in input_slots]
            entry.res_from = [
                ("in", input_slots.index(k)) if k in input_slots else ("fw", fw_res.index(k))
                for k in res_slots
            ]
            entry.forward_res = build(
                tracer,
                fwd_instrs,
                input_slots,
                all_refs + [SlotRef(k) for k in fw_res],
                f"{name}_forward_with_residuals",
                fresh + [False] * len(fw_res),
            )
            entry.op = _compiled_op(self, len(entry.diff_inputs), len(entry.res_from))
            entry.seed_meta = [tracer.meta[k] for k in seeds]
        for p in (entry.forward, entry.forward_res, entry.backward):
            if p is not None:
                p.tracer = None  # the trace's arrays are not kept: only the constants are
        tracer.keep.clear()
        del out, out_leaves, args, kwargs, traced_leaves, tracer_tensors
        tracer.check_foreign()
        self._cache[key] = entry
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return entry

    def _out_ref(self, tracer: Tracer, v: Any, entry: _Entry) -> Any:
        if isinstance(v, Tensor):
            if id(v) in tracer.standins:
                entry.out_kinds.append(("array", None))
                return tracer.ref(v, None, "output")
            k = tracer.lookup(v)
            if k is None and not v._constant and id(v) not in tracer.made:
                raise TracingError(
                    f"xgrad.compile: {tracer.name} returned a tensor that needs a gradient "
                    "but is not computed from its arguments; return constants only, or pass "
                    "the tensor in as an argument"
                )
            entry.out_kinds.append(("tensor", (v._constant, v._backend)))
            return SlotRef(k) if k is not None else tracer.const(v._data)
        if _backends.backend_of(v) is not None:
            entry.out_kinds.append(("array", None))
            return tracer.ref(v, None, "output")
        entry.out_kinds.append(("value", None))
        return v

    def _trace_backward(
        self, tracer: Tracer, inputs: list, out_leaves: list, entry: _Entry
    ) -> tuple[list, list[int]]:
        """Record the backward pass of the outputs that need gradients."""
        diff_in = [i for i, t in enumerate(inputs) if not t._constant]
        inputs_slots = {tracer.lookup(t) for t in inputs}
        entry.diff_inputs = diff_in
        outs = []
        for j, v in enumerate(out_leaves):
            if isinstance(v, Tensor) and not v._constant and tracer.lookup(v) in inputs_slots:
                v._leaf_or_node()  # an argument returned as it is
            if (
                isinstance(v, Tensor)
                and entry.out_kinds[j][0] == "tensor"
                and not v._constant
                and v._node is not None
                and (v._node.op is None or v._node.parents is not None)
            ):
                outs.append((j, v))
        entry.diff_outputs = [j for j, _ in outs]
        if not outs or not diff_in:
            entry.diff_outputs = []
            return [], []
        seeds = []
        pairs = []
        for _, v in outs:
            s = make_tensor(tracer.bk.xp.ones_like(v._data), v._backend, None, True)
            seeds.append(tracer.input(s))
            pairs.append((v._leaf_or_node(), s))
        targets = [inputs[i]._leaf_or_node() for i in diff_in]
        # the recorded backward pass is replayed, never differentiated through the tape
        # (higher orders through the call run the function again), so it reuses residuals
        tracer.reuse_residuals = True
        try:
            with recording(True):
                grads = _autograd.gradients(pairs, targets, create_graph=True)
        finally:
            tracer.reuse_residuals = False
        refs = []
        for g in grads:
            refs.append(None if g is None else tracer.ref(g, None, "gradient"))
        return refs, seeds

    # -- introspection -------------------------------------------------------------------------
    def source(self) -> str:
        """The generated programs of the latest call's signature, as Python source.

        Examples
        --------
        >>> import xgrad as xg
        >>> f = xg.compile(lambda x: xg.sum(xg.sin(x) * x))
        >>> _ = f(xg.tensor([1.0, 2.0], constant=True))
        >>> print(f.source())
        def _lambda__forward(v0):
            v1 = sin_0(v0)
            v2 = multiply_1(v1, v0, out=v1)
            del v1
            v3 = _fix(sum_2(v2, axis=None, keepdims=False))
            del v2
            return (v3,)
        <BLANKLINE>
        """
        e = self._last
        if e is None:
            raise RuntimeError(f"{self!r} has not been called yet: there is no program")
        parts = [e.forward.source] if e.forward_res is None else []  # type: ignore[union-attr]
        if e.forward_res is not None:
            parts.append(e.forward_res.source)
        if e.backward is not None:
            parts.append(e.backward.source)
        return "\n".join(parts)


def _ident(name: str) -> str:
    out = re.sub(r"[^0-9a-zA-Z_]", "_", name)[:40]
    return out if out and not out[0].isdigit() else "f_" + out


def _slots_of(ins: Any) -> set[int]:
    return set(_slot_list(ins.args) + _slot_list(ins.params))


def _compiled_op(c: Compiled, n: int, n_res: int) -> Op:
    def rule(i: int) -> Callable[..., Any]:
        def vjp(xp: Any, g: Any, *res: Any, shared: dict, k: int) -> Any:
            if isinstance(xp, TensorNamespace):
                return _recorded_gradient(c, shared, k, g, i)
            cache = shared["cache"]
            key = (k, id(g))
            if cache.get("key") != key:
                entry = shared["entry"]
                seeds = []
                for m in range(len(entry.diff_outputs)):
                    if m == k:
                        seeds.append(g)
                    else:
                        shape, dtype = entry.seed_meta[m]
                        seeds.append(xp.zeros(shape, dtype=dtype, device=_device(g)))
                cache["grads"] = entry.backward.fn(*seeds, *res)
                cache["key"] = key
                cache["g"] = g  # keeps id(g) unique while cached
            return cache["grads"][i]

        return vjp

    op = Op(
        f"compiled_{_ident(c.__name__)}",
        tuple(f"x{i}" for i in range(n)),
        "positive",  # never run: the forward is the compiled program
        tuple(rule(i) for i in range(n)),
        kind="compiled",
    )
    # every rule reads all the saved residuals (passed as they are: negative codes)
    op.save = (-1,) * n_res
    op.rule_args = tuple(tuple(range(n_res)) for _ in range(n))
    op.savers = {}
    return op


def _recorded_gradient(c: Compiled, shared: dict, k: int, g: Any, i: int) -> Any:
    """The gradient for input ``i`` as a recorded function of the inputs, for higher-order
    derivatives through a compiled call (``backward(create_graph=True)``, nested
    transforms): the function runs again, eagerly, on tensors tied to the call's inputs, and
    its derivative rules are recorded as usual."""
    cache = shared["cache"]
    key = ("tensor", k, id(g))
    if cache.get("tkey") != key:
        entry: _Entry = shared["entry"]
        leaves = list(shared["leaves"])
        for m, pi in enumerate(entry.diff_inputs):
            li = entry.data_idx[pi]
            leaves[li] = make_tensor(shared["datas"][pi], entry.bk, shared["parents"][m], False)
        spec = entry.call_spec
        with recording(True):
            if isinstance(spec, int):
                args, kwargs = tuple(leaves), {}
            else:
                args, kwargs = _unflatten(spec, leaves)
            out = c.fn(*args, **kwargs)
            out_leaves: list = []
            _flatten(out, out_leaves, [])
            y = out_leaves[entry.diff_outputs[k]]
            grads = _autograd.gradients(
                [(y._leaf_or_node(), g)], list(shared["parents"]), create_graph=True
            )
        cache["tgrads"], cache["tkey"], cache["tg"] = grads, key, g
    return cache["tgrads"][i]


def _device(a: Any) -> Any:
    bk = _backends.backend_of(a)
    return bk.device_of(a) if bk is not None else None


def compile(
    fn: Callable[..., Any] | None = None, *, cache_size: int = 64, warn_after: int = 8
) -> Any:
    """Trace ``fn`` once per signature and run it as one generated program.

    The first call with a new *signature* (the shapes, dtypes, backend, device and constant
    flags of the tensor and array arguments, the grad mode, and every other argument by
    value) runs ``fn`` on tracer tensors and records the ops it applies, and the backward
    pass of its outputs from the same derivative rules the eager engine uses. The recorded
    program is simplified (folding, common subexpressions, dead code), planned for memory
    (intermediates freed at their last use; ``out=`` into dead buffers on NumPy) and, on
    CuPy, fused (elementwise chains become one kernel). Later calls with the same signature
    run the program without building tensors or graph nodes per op.

    The result behaves as in eager code: a call on tensors that need gradients is one node
    of the graph, so ``y.backward()`` gives ``x.grad``; it composes with :mod:`xgrad.func`
    (``grad``, ``jvp``, ``hessian``; forward mode and higher orders through a compiled call
    run the function again, eagerly, so they are exact). Compiling ``xgrad.func.grad(f)``
    or ``value_and_grad(f)`` makes forward and backward one program.

    Parameters
    ----------
    fn : callable
        A function of tensors, arrays, numbers and (nested) tuples, lists and dicts of
        them, returning the same. Used as ``@xgrad.compile`` or ``@xgrad.compile(...)``.
    cache_size : int
        Programs kept per function (least recently used ones are dropped).
    warn_after : int
        Warn (:class:`~xgrad.errors.RetraceWarning`) when the function has been traced more
        often than this.

    Returns
    -------
    Compiled
        Call it like ``fn``; ``.source()`` shows the generated programs of the latest
        signature, ``.traces`` counts the traces.

    Raises
    ------
    xgrad.errors.TracingError
        While tracing, if ``fn`` asks for a traced value (``bool``, ``float``, ``int``,
        ``.item()``, ``.data``, ``numpy.asarray``), draws random numbers, or uses a tensor
        that needs a gradient but is not an argument.

    Examples
    --------
    >>> import xgrad as xg
    >>> @xg.compile
    ... def f(x, w):
    ...     return xg.sum(xg.sin(x * w) * xg.exp(-x / 3))
    >>> x, w = xg.tensor([0.0, 1.0, 2.0]), xg.tensor(1.5)
    >>> y = f(x, w)
    >>> y.backward()
    >>> y, x.grad.round(4)
    (Tensor(0.78718982), array([ 1.5   , -0.1622, -0.7866]))
    >>> round(float(w.grad), 4)
    -0.9659
    >>> f.traces
    1
    """
    if fn is None:
        return functools.partial(compile, cache_size=cache_size, warn_after=warn_after)
    if not callable(fn):
        raise TypeError(f"xgrad.compile needs a function, got {type(fn).__name__}")
    return Compiled(fn, cache_size=cache_size, warn_after=warn_after)
