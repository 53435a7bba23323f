"""Tracing: run a function once on tensors and record every op it applies.

While a :class:`Tracer` is installed (``xgrad._engine.STATE.tracer``), every op application
reports to :meth:`Tracer.record` (the forward-mode hook in :mod:`xgrad._forward`, which a
trace opens a level for), and a plain ``backward()`` runs its derivative rules as recorded
ops too. The tape is a flat list of :class:`Instr`: an op-table row, its arguments (traced
values, constants or literals) and its parameters. Values are identified by the *arrays*
the trace computed (and by their tensors, for the few places that copy an array), so every
path by which a traced value reaches an op is seen.

Whatever would make the program differ from the function raises
:class:`~xgrad.errors.TracingError` naming the user's line: asking for a traced value
(``bool``, ``float``, ``.item()``, ``.data``), drawing random numbers, or using a tensor that
needs a gradient but is neither an argument nor computed from one.
"""

from __future__ import annotations

import gc
import os
import sys
import weakref
from collections.abc import Sequence
from typing import Any

from .._op import Op, coerce
from .._tensor import Tensor, make_tensor
from ..errors import TracingError

__all__ = ["Const", "Instr", "SlotRef", "Tracer", "user_line"]

_SCALARS = (int, float, bool)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SlotRef:
    """A traced value (slot ``k`` of the program) inside an op's arguments or parameters."""

    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k

    def __repr__(self) -> str:
        return f"v{self.k}"


class Const:
    """A constant of the program: an array or object captured when the function was traced
    (created inside it from shapes and numbers, or closed over)."""

    __slots__ = ("k",)

    def __init__(self, k: int) -> None:
        self.k = k

    def __repr__(self) -> str:
        return f"c{self.k}"


class Instr:
    """One op application: ``out = op(*args, **params)``."""

    __slots__ = ("args", "op", "out", "params", "res_out")

    def __init__(
        self, op: Op, args: list, params: dict | None, out: int, res_out: int | None = None
    ) -> None:
        self.op = op
        self.args = args  # SlotRef, Const or a Python literal, per input
        self.params = params  # may hold SlotRef / Const inside
        self.out = out
        self.res_out = res_out  # the slot of an op's residual (softmax inside a loss), if used

    def __repr__(self) -> str:
        return f"v{self.out} = {self.op.name}({self.args}, {self.params})"


def user_line() -> str:
    """``file:line`` of the innermost frame outside xgrad (the user's code)."""
    f = sys._getframe(1)
    while f is not None:
        name = os.path.abspath(f.f_code.co_filename)
        if not name.startswith(_PACKAGE + os.sep):
            return f"{f.f_code.co_filename}, line {f.f_lineno}, in {f.f_code.co_name}"
        f = f.f_back
    return "<unknown>"


class Tracer:
    """The tape of one trace (see the module docstring)."""

    def __init__(self, bk: Any, name: str) -> None:
        self.bk = bk
        self.name = name
        self.instrs: list[Instr] = []
        self.meta: list[tuple[tuple, Any]] = []  # per slot: shape, dtype
        self.by_array: dict[int, int] = {}
        self.by_tensor: dict[int, int] = {}
        self.keep: list[Any] = []  # everything whose id() is a key above stays alive
        self.consts: list[Any] = []
        self._const_ids: dict[int, int] = {}
        self.standins: set[int] = set()  # gradient stand-ins (arrays in eager code)
        # tensors the function created itself (xgrad.arange(...) inside it): constants of
        # the program even when they are not constant tensors, since no caller can hold
        # them to read a gradient
        self.made: set[int] = set()
        self.foreign: list[tuple] = []
        # while a backward pass that nobody differentiates further is recorded, its rules
        # get the forward's residuals (xgrad._engine._as_tensor_args) instead of recomputing
        self.reuse_residuals = False

    def check_foreign(self) -> None:
        """Raise if the function used a tensor that needs a gradient, is not an argument and
        outlives the call (a closed-over parameter: the compiled call could not give it its
        gradient). Called once the trace's own references are gone."""
        alive = [(shape, where) for ref, shape, where in self.foreign if ref() is not None]
        if alive:
            gc.collect()
            alive = [(s, w) for r, s, w in self.foreign if r() is not None]
        if alive:
            shape, where = alive[0]
            raise TracingError(
                f"xgrad.compile: {self.name} uses a tensor of shape {shape} that needs a "
                f"gradient but is neither an argument of the compiled function nor computed "
                f"from one ({where}). A compiled call gives gradients to its arguments only: "
                "pass the tensor as an argument, or make it constant (constant=True) if it "
                "needs no gradient."
            )

    # -- slots ----------------------------------------------------------------------------------
    def new_slot(self, data: Any) -> int:
        self.meta.append((tuple(data.shape), data.dtype))
        return len(self.meta) - 1

    def bind(self, t: Tensor, k: int) -> None:
        self.by_tensor[id(t)] = k
        self.by_array[id(t._data)] = k
        self.keep.append(t)
        self.keep.append(t._data)

    def input(self, t: Tensor) -> int:
        k = self.new_slot(t._data)
        self.bind(t, k)
        return k

    def lookup(self, t: Tensor) -> int | None:
        k = self.by_array.get(id(t._data))
        return self.by_tensor.get(id(t)) if k is None else k

    def const(self, value: Any) -> Const:
        k = self._const_ids.get(id(value))
        if k is None:
            k = self._const_ids[id(value)] = len(self.consts)
            self.consts.append(value)
        return Const(k)

    # -- resolving what an op was given ---------------------------------------------------------
    def ref(self, a: Any, ref_data: Any, opname: str) -> Any:
        """``a`` as the program sees it: a SlotRef, a Const or a Python literal."""
        if isinstance(a, Tensor):
            k = self.lookup(a)
            if k is not None:
                return SlotRef(k)
            if not a._constant and id(a) not in self.made:
                # made inside the function (then it dies with it, and nobody can read its
                # gradient), or closed over: checked when the trace is done
                where = f"in {opname!r}, at {user_line()}"
                self.foreign.append((weakref.ref(a), tuple(a.shape), where))
            return self.const(a._data)
        if a is None or a.__class__ in _SCALARS:
            return a
        bk = self.bk
        if isinstance(a, bk.array_types):
            k = self.by_array.get(id(a))
            return SlotRef(k) if k is not None else self.const(a)
        if isinstance(a, (tuple, list)) and any(isinstance(v, Tensor) for v in a):
            return type(a)(self.ref(v, ref_data, opname) for v in a)
        v = coerce(bk, a, ref_data, opname)
        if v.__class__ in _SCALARS:
            return v
        return self.const(v)

    def param(self, v: Any, opname: str) -> Any:
        """A parameter value, with traced arrays inside it replaced by SlotRefs."""
        if isinstance(v, (Tensor, *self.bk.array_types)):
            return self.ref(v, None, opname)
        if isinstance(v, tuple):
            return tuple(self.param(e, opname) for e in v)
        if isinstance(v, list):
            return [self.param(e, opname) for e in v]
        if isinstance(v, dict):
            return {k: self.param(e, opname) for k, e in v.items()}
        return v

    # -- hooks called by the layers below -------------------------------------------------------
    def record(self, op: Op, inputs: Sequence[Any], out: Tensor, params: dict | None) -> None:
        """An op was applied (``xgrad._forward.propagate``)."""
        ref_data = next((a._data for a in inputs if isinstance(a, Tensor)), None)
        args = [self.ref(a, ref_data, op.name) for a in inputs]
        if params:
            params = {k: self.param(v, op.name) for k, v in params.items()}
        if not any(_holds_slot(a) for a in args) and not _holds_slot(params):
            return  # independent of the arguments: the result is a constant of the program
        k = self.new_slot(out._data)
        self.bind(out, k)
        self.keep.append(inputs)
        res_out = None
        node = out._node
        if op.residuals and node is not None and node.saved and op.res_slot >= 0:
            res = node.saved[op.res_slot]
            if isinstance(res, self.bk.array_types):  # recorded rules may reuse it
                res_out = self.new_slot(res)
                self.by_array[id(res)] = res_out
                self.keep.append(res)
        self.instrs.append(Instr(op, args, params, k, res_out))

    def record_nondiff(self, nd: Any, bk: Any, args: Sequence[Any], kwargs: dict, out: Any) -> None:
        """A non-differentiable function (a comparison, ``floor``, ``argmax``) ran: its
        result is a plain array, recorded as an op of its own (one per item of a tuple)."""
        ref_data = next((a._data for a in args if isinstance(a, Tensor)), None)
        refs = [self.ref(a, ref_data, nd.name) for a in args]
        params = {k: self.param(v, nd.name) for k, v in kwargs.items()} if kwargs else None
        if not any(_holds_slot(a) for a in refs) and not _holds_slot(params):
            return
        items = out if isinstance(out, tuple) else (out,)
        for i, item in enumerate(items):
            if not isinstance(item, bk.array_types):
                raise TracingError(
                    f"xgrad.compile: {nd.name} returned a Python value computed from traced "
                    f"tensors (at {user_line()}); a compiled program cannot depend on values. "
                    "Leave this function uncompiled."
                )
            k = self.new_slot(item)
            self.by_array[id(item)] = k
            self.keep.append(item)
            op = NondiffOp(nd, i if isinstance(out, tuple) else None)
            self.instrs.append(Instr(op, refs, params, k))  # type: ignore[arg-type]
        self.keep.append(args)

    def rebind(self, t: Tensor, value: Tensor) -> None:
        """``t`` now holds ``value``'s value (an in-place operation, a view's replay)."""
        k = self.lookup(value)
        if k is not None:
            self.by_tensor[id(t)] = k
            self.by_array[id(value._data)] = k
            self.keep.append(t)

    def created(self, t: Tensor) -> None:
        """``t`` was created inside the traced function, from shapes and numbers."""
        self.made.add(id(t))
        self.keep.append(t)

    def copied(self, t: Tensor, source: Any) -> None:
        """``t`` was made as a copy of ``source`` (``Tensor.copy``, ``xgrad.tensor(t)``)."""
        if isinstance(source, Tensor):
            k = self.lookup(source)
        elif isinstance(source, self.bk.array_types):
            k = self.by_array.get(id(source))
        else:
            k = None
        if k is None:
            self.created(t)
            return
        shape, dtype = self.meta[k]
        if tuple(t.shape) != shape or t.dtype != dtype:
            raise TracingError(
                f"xgrad.compile: {self.name} converts a traced value with xgrad.tensor(...) "
                f"to another dtype or shape (at {user_line()}); use t.astype(dtype) or "
                "xgrad.reshape, which the compiled program can replay"
            )
        self.by_tensor[id(t)] = k
        self.by_array[id(t._data)] = k
        self.keep.append(t)
        self.keep.append(t._data)

    def gradient(self, g: Any, bk: Any, standin: bool = True) -> Any:
        """What a plain ``backward()`` inside the traced function leaves in ``x.grad``: a
        constant tensor holding the recorded gradient (an array in eager code; a tensor here,
        so that what the function computes from it is recorded too)."""
        data = g._data if isinstance(g, Tensor) else g
        t = make_tensor(data, bk, None, True)
        if isinstance(g, Tensor):
            k = self.lookup(g)
            if k is not None:
                self.bind(t, k)
        if standin:
            self.standins.add(id(t))
        self.keep.append(t)
        return t

    def concrete(self, t: Tensor, what: str) -> None:
        """The function asked for the value of ``t``."""
        if self.lookup(t) is None and id(t) not in self.standins:
            return  # a constant of the program: its value is known
        raise TracingError(
            f"xgrad.compile: the function asked for the value of a traced tensor ({what})\n"
            f"  at {user_line()}\n"
            "A compiled function runs as one fixed program, whatever the values are, so it "
            "cannot branch on them or hand them to code outside xgrad. Use xgrad.where(cond, "
            "a, b) to choose between values, pass values you branch on as non-tensor "
            "arguments (they are part of the cache key), or leave this function uncompiled."
        )

    def random(self, what: str) -> None:
        raise TracingError(
            f"xgrad.compile: {self.name} draws random numbers ({what}, at {user_line()}); a "
            "compiled program would replay the same numbers on every call. Draw them outside "
            "and pass them in as an argument."
        )


class NondiffOp:
    """A non-differentiable function as the program calls it (the interface of an op row
    that code generation uses: ``name``, ``bind``, ``residuals``, ``kind``)."""

    residuals = False
    kind = "nondiff"

    def __init__(self, nd: Any, item: int | None) -> None:
        self.nd = nd
        self.item = item
        self.name = nd.name if item is None else f"{nd.name}_{item}"
        self._impl = nd.impl if item is None else None
        self._bound: dict[Any, Any] = {}

    def bind(self, bk: Any) -> Any:
        fn = self._bound.get(bk)
        if fn is None:
            impl, xp, item = self.nd.impl, bk.xp, self.item
            base = getattr(xp, impl) if isinstance(impl, str) else None
            if base is not None and item is None:
                fn = base
            else:

                def fn(*arrays: Any, **kwargs: Any) -> Any:
                    out = base(*arrays, **kwargs) if base else impl(xp, *arrays, **kwargs)
                    if item is not None:
                        out = out[item]
                    return out if out.__class__ is bk.array_type else bk.fix_result(out)

            self._bound[bk] = fn
        return fn


def _holds_slot(v: Any) -> bool:
    if isinstance(v, SlotRef):
        return True
    if isinstance(v, (tuple, list)):
        return any(_holds_slot(e) for e in v)
    if isinstance(v, dict):
        return any(_holds_slot(e) for e in v.values())
    return False
