"""From a tape to a Python function: simplification, memory planning and code generation.

A :class:`Program` is a straight-line list of op calls (a slice of a trace's tape) with
named inputs and outputs. Before it becomes code it is simplified:

- **folding**: an op that returns its input unchanged is dropped (a multiplication by a
  literal 1 or by a constant array of ones, such as the seed ``backward()`` starts from;
  ``positive``; a reshape, broadcast or cast to the shape and dtype the value already has),
  when the result has the input's shape and dtype (so the values are bit-for-bit the same);
- **common subexpressions**: the same op on the same arguments with the same parameters is
  computed once (the forward pass and the derivative rules both compute ``exp(-x / 3)``);
- **dead code**: what no output needs is not computed;
- **memory**: every intermediate is deleted right after its last use, and on NumPy an
  elementwise ufunc writes (``out=``) into the buffer of an intermediate that just died,
  when it has the result's shape and dtype and nothing else views it.

The generated source is built from op names, slot numbers and numbers only: every other
value (a dtype, a string parameter, an array) is a named constant of the function's globals,
never text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from ._trace import Const, Instr, SlotRef, Tracer

__all__ = ["Program", "build"]

_IDENT = re.compile(r"[^0-9a-zA-Z_]")
#: run the fused-kernel code path on NumPy too (each group's NumPy form); for tests
FUSE_ON_NUMPY = False
# ops that return their (only) array input unchanged when the shape and dtype stay the same
_IDENTITY_OPS = frozenset({"positive", "reshape", "broadcast_to", "astype"})


class Program:
    """A straight-line program over slots (see the module docstring)."""

    def __init__(
        self,
        tracer: Tracer,
        instrs: Sequence[Instr],
        inputs: Sequence[int],
        outputs: Sequence[Any],
        fresh_outputs: Sequence[bool] | None = None,
    ) -> None:
        self.tracer = tracer
        self.bk = tracer.bk
        self.instrs = list(instrs)
        self.inputs = list(inputs)
        self.outputs = list(outputs)  # SlotRef, Const or a literal each
        # outputs the caller may write into must not be inputs or constants
        self.fresh_outputs = list(fresh_outputs or [False] * len(self.outputs))
        self.source = ""
        self.fn: Any = None
        self.fused: list[Any] = []  # the fused kernels (CuPy), see ._fuse

    # -- passes --------------------------------------------------------------------------------
    def simplify(self) -> None:
        alias: dict[int, Any] = {}
        seen: dict[Any, int] = {}
        kept: list[Instr] = []
        meta = self.tracer.meta
        consts = self.tracer.consts
        for ins in self.instrs:
            args = [_subst(a, alias) for a in ins.args]
            params = _subst(ins.params, alias) if ins.params else ins.params
            ins = Instr(ins.op, args, params, ins.out, ins.res_out)
            same = _identity(ins, meta, consts, self.bk)
            if same is not None:
                alias[ins.out] = same
                continue
            key = _key(ins)
            if key is not None:
                prev = seen.get(key)
                if prev is not None:
                    alias[ins.out] = SlotRef(prev)
                    continue
                seen[key] = ins.out
            kept.append(ins)
        self.outputs = [_subst(o, alias) for o in self.outputs]
        self.instrs = kept
        self._dead_code()

    def _dead_code(self) -> None:
        live = set()
        for o in self.outputs:
            _slots(o, live)
        kept = []
        for ins in reversed(self.instrs):
            if ins.out in live or ins.res_out in live:
                kept.append(ins)
                for a in ins.args:
                    _slots(a, live)
                _slots(ins.params, live)
        kept.reverse()
        self.instrs = kept

    # -- code generation -----------------------------------------------------------------------
    def compile(self, name: str = "program") -> None:
        mode = "cuda" if self.bk.name == "cupy" else ("numpy" if FUSE_ON_NUMPY else None)
        if mode is not None:
            self._compile_fused(name, mode)
        else:
            self._compile_plain(name)

    def _compile_fused(self, name: str, mode: str) -> None:
        """Code with the fused kernels of :mod:`._fuse` (``mode``: ``"cuda"`` builds CuPy
        kernels; ``"numpy"`` runs each group op by op on NumPy, for tests on the CPU)."""
        from ._fuse import Group, Reduction, fuse

        bk = self.bk
        meta = self.tracer.meta
        out_slots = {k for o in self.outputs for k in _slot_list(o)}
        items = fuse(self.instrs, meta, out_slots)
        self.fused = [it for it in items if isinstance(it, (Group, Reduction))]
        g: dict[str, Any] = {"__builtins__": {"slice": slice, "Ellipsis": Ellipsis}}
        names: dict[int, str] = {}
        lines = [f"def {name}({', '.join(f'v{k}' for k in self.inputs)}):"]
        reads: list[list[int]] = []
        for it in items:
            if isinstance(it, (Group, Reduction)):
                reads.append(list(it.inputs))
            else:
                reads.append(_slot_list(it.args) + _slot_list(it.params))
        last: dict[int, int] = {}
        for i, ks in enumerate(reads):
            for k in ks:
                last[k] = i
        for k in out_slots:
            last[k] = len(items)
        for i, it in enumerate(items):
            if isinstance(it, (Group, Reduction)):
                fname = it.name
                g[fname] = it.kernel() if mode == "cuda" else it.reference_fn(bk)
                call = f"{fname}({', '.join(f'v{k}' for k in it.inputs)})"
                if isinstance(it, Group):
                    targets = ", ".join(f"v{k}" for k in it.outputs)
                    lines.append(f"    {targets}{',' if len(it.outputs) == 1 else ''} = {call}")
                else:
                    lines.append(f"    v{it.out} = {call}")
            else:
                call = self._call(it, g, names, None)
                if it.op.residuals:
                    lines.append(f"    v{it.out}, v{_res_name(it, last)} = {call}")
                    call = f"v{it.out}"
                if meta[it.out][0] == () and bk.name == "numpy":
                    g.setdefault("_fix", _numpy_fix(bk))
                    call = f"_fix({call})"
                if call != f"v{it.out}":
                    lines.append(f"    v{it.out} = {call}")
            for k in sorted(set(reads[i])):
                if last.get(k) == i and k not in self.inputs:
                    lines.append(f"    del v{k}")
        self._finish(lines, g, name)

    def _call(self, ins: Instr, g: dict, names: dict, target: int | None) -> str:
        """Source of ``ins``'s call: its bound forward (a named global), its arguments and
        parameters (literals or named constants), and ``out=`` a dead buffer if given."""
        fn = ins.op.bind(self.bk)
        fname = names.get(id(fn))
        if fname is None:
            fname = names[id(fn)] = f"{_IDENT.sub('_', ins.op.name)[:30]}_{len(names)}"
            g[fname] = fn
        args = [_expr(a, g, self.tracer) for a in ins.args]
        for key, v in (ins.params or {}).items():
            if not key.isidentifier():
                raise ValueError(f"parameter name {key!r} of op {ins.op.name!r}")
            args.append(f"{key}={_expr(v, g, self.tracer)}")
        if target is not None:
            args.append(f"out=v{target}")
        return f"{fname}({', '.join(args)})"

    def _compile_plain(self, name: str) -> None:
        bk = self.bk
        meta = self.tracer.meta
        g: dict[str, Any] = {"__builtins__": {"slice": slice, "Ellipsis": Ellipsis}}
        names: dict[int, str] = {}  # id(fn) -> global name
        lines = []
        args = ", ".join(f"v{k}" for k in self.inputs)
        lines.append(f"def {name}({args}):")
        # last use of every slot (an output's is past the end)
        n = len(self.instrs)
        last: dict[int, int] = {}
        for i, ins in enumerate(self.instrs):
            for k in _slot_list(ins.args) + _slot_list(ins.params):
                last[k] = i
        for o in self.outputs:
            for k in _slot_list(o):
                last[k] = n
        # which slots hold a buffer the program allocated and nothing else views
        writes_out = _ufunc_outputs(self.instrs, bk)  # calls that may take out=
        reusable = set(writes_out)  # buffers that may be recycled once dead
        for ins in self.instrs:
            if ins.out not in writes_out:
                for k in _slot_list(ins.args) + _slot_list(ins.params):
                    reusable.discard(k)  # a non-ufunc op may have made a view of it
        free: list[int] = []  # dead buffers still bound, for the next allocation
        for i, ins in enumerate(self.instrs):
            op = ins.op
            used = set(_slot_list(ins.args) + _slot_list(ins.params))
            dying = [k for k in sorted(used) if last.get(k) == i and k not in self.inputs]
            # the buffers this call may write into: its own dying inputs (an elementwise
            # ufunc may write over an operand of the result's shape), and the ones that died
            # just before it
            candidates = free + [k for k in dying if k in reusable]
            out_meta = meta[ins.out]
            target = None
            if ins.out in writes_out:
                for k in candidates:
                    if meta[k] == out_meta:
                        target = k
                        break
            call = self._call(ins, g, names, target)
            if op.residuals:
                lines.append(f"    v{ins.out}, v{_res_name(ins, last)} = {call}")
                call = f"v{ins.out}"
            if out_meta[0] == () and target is None and bk.name == "numpy":
                g.setdefault("_fix", _numpy_fix(bk))
                call = f"_fix({call})"
            if call != f"v{ins.out}":
                lines.append(f"    v{ins.out} = {call}")
            # what died here: kept bound for the next call if reusable, else deleted
            gone = [k for k in free if k != target]  # offered twice, taken by nobody
            nxt = []
            for k in dying:
                if k == target:
                    continue
                if k in reusable:
                    nxt.append(k)
                else:
                    gone.append(k)
            if target is not None:
                gone.append(target)
            for k in gone:
                lines.append(f"    del v{k}")
            free = nxt
        for k in free:
            lines.append(f"    del v{k}")
        self._finish(lines, g, name)

    def _finish(self, lines: list[str], g: dict, name: str) -> None:
        bk = self.bk
        outs = []
        for o, fresh in zip(self.outputs, self.fresh_outputs, strict=True):
            e = _expr(o, g, self.tracer)
            if (
                fresh
                and not (isinstance(o, SlotRef) and o.k not in self.inputs)
                and isinstance(o, (SlotRef, Const))
            ):
                g.setdefault("_copy", _copier(bk))
                e = f"_copy({e})"
            outs.append(e)
        lines.append(f"    return ({', '.join(outs)}{',' if len(outs) == 1 else ''})")
        self.source = "\n".join(lines) + "\n"
        code = compile(self.source, f"<xgrad.compile {name}>", "exec")
        exec(code, g)
        self.fn = g[name]


def build(
    tracer: Tracer,
    instrs: Sequence[Instr],
    inputs: Sequence[int],
    outputs: Sequence[Any],
    name: str,
    fresh_outputs: Sequence[bool] | None = None,
) -> Program:
    """Simplify and compile the program that computes ``outputs`` from ``inputs``."""
    p = Program(tracer, instrs, inputs, outputs, fresh_outputs)
    p.simplify()
    p.compile(name)
    return p


# -- helpers -----------------------------------------------------------------------------------
def _subst(v: Any, alias: dict[int, Any]) -> Any:
    if isinstance(v, SlotRef):
        return alias.get(v.k, v)
    if isinstance(v, tuple):
        return tuple(_subst(e, alias) for e in v)
    if isinstance(v, list):
        return [_subst(e, alias) for e in v]
    if isinstance(v, dict):
        return {k: _subst(e, alias) for k, e in v.items()}
    return v


def _slots(v: Any, acc: set) -> None:
    if isinstance(v, SlotRef):
        acc.add(v.k)
    elif isinstance(v, (tuple, list)):
        for e in v:
            _slots(e, acc)
    elif isinstance(v, dict):
        for e in v.values():
            _slots(e, acc)


def _slot_list(v: Any) -> list[int]:
    acc: set[int] = set()
    _slots(v, acc)
    return sorted(acc)


def _is_ones(c: Any, bk: Any) -> bool:
    xp = bk.xp
    if bk.lazy:
        # reading a lazy constant's values would compute it (all of a closed-over Dask array,
        # at tracing time, before the user asks): only a seed known to hold ones is folded
        return bk.known_ones(c) and xp.isdtype(c.dtype, "real floating")
    try:
        return bool(xp.all(c == 1)) and xp.isdtype(c.dtype, "real floating")
    except Exception:
        return False


def _identity(ins: Instr, meta: list, consts: list, bk: Any) -> Any:
    """The argument ``ins`` returns unchanged, or None."""
    name = ins.op.name
    out_meta = meta[ins.out]

    def same(a: Any) -> bool:
        return isinstance(a, SlotRef) and meta[a.k] == out_meta

    if name == "multiply" and len(ins.args) == 2 and not ins.params:
        a, b = ins.args
        for x, one in ((a, b), (b, a)):
            if not same(x):
                continue
            if one.__class__ in (int, float) and one == 1 and one.__class__ is not bool:
                return x
            if isinstance(one, Const) and _is_ones(consts[one.k], bk):
                return x
        return None
    if (
        name in _IDENTITY_OPS
        and ins.args
        and same(ins.args[0])
        and (name == "positive" or len(ins.args) == 1)
    ):
        return ins.args[0]
    return None


def _key(ins: Instr) -> Any:
    """A hashable key for common-subexpression elimination (None: never merged)."""
    try:
        return (id(ins.op), _freeze(ins.args), _freeze(ins.params))
    except TypeError:
        return None


def _freeze(v: Any) -> Any:
    if isinstance(v, SlotRef):
        return ("s", v.k)
    if isinstance(v, Const):
        return ("c", v.k)
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, *(_freeze(e) for e in v))
    if isinstance(v, dict):
        return ("d", *((k, _freeze(e)) for k, e in sorted(v.items())))
    if v is None or v.__class__ in (int, float, bool, str):
        return (v.__class__.__name__, v)
    if isinstance(v, slice):
        return ("slice", _freeze(v.start), _freeze(v.stop), _freeze(v.step))
    if v is Ellipsis:
        return ("...",)
    return ("id", id(v))


def _expr(v: Any, g: dict, tracer: Tracer) -> str:
    """Source text for a value: literals for numbers, names for everything else."""
    if isinstance(v, SlotRef):
        return f"v{v.k}"
    if isinstance(v, Const):
        name = f"c{v.k}"
        g[name] = tracer.consts[v.k]
        return name
    if v is None or v is True or v is False:
        return repr(v)
    if v.__class__ is int:
        return repr(v)
    if v.__class__ is float and math.isfinite(v):
        return repr(v)
    if v.__class__ is tuple:
        inner = ", ".join(_expr(e, g, tracer) for e in v)
        return f"({inner}{',' if len(v) == 1 else ''})"
    if v.__class__ is list:
        return "[" + ", ".join(_expr(e, g, tracer) for e in v) + "]"
    if v.__class__ is slice:
        parts = (_expr(e, g, tracer) for e in (v.start, v.stop, v.step))
        return "slice({}, {}, {})".format(*parts)
    if v is Ellipsis:
        return "Ellipsis"
    if v.__class__ is dict and all(isinstance(k, str) and k.isidentifier() for k in v):
        return "dict(" + ", ".join(f"{k}={_expr(e, g, tracer)}" for k, e in v.items()) + ")"
    # anything else (a dtype, a string, an array, a NumPy scalar) is a named constant
    name = f"k{len([k for k in g if k.startswith('k')])}"
    g[name] = v
    return name


def _ufunc_outputs(instrs: Sequence[Instr], bk: Any) -> set[int]:
    """Slots computed by a backend function called as the op's own forward that makes a
    fresh array and can write into a given one instead (``Backend.writes_into``)."""
    return {
        ins.out
        for ins in instrs
        if isinstance(ins.op._impl, str) and not ins.params and bk.writes_into(ins.op.bind(bk))
    }


def _res_name(ins: Instr, last: dict) -> str:
    """The variable for an op's residual: its slot if something reads it, else a throwaway."""
    k = ins.res_out
    return str(k) if k is not None and k in last else "_"


def _numpy_fix(bk: Any) -> Any:
    cls = bk.array_type
    fix = bk.fix_result

    def _fix(a: Any) -> Any:
        return a if a.__class__ is cls else fix(a)

    return _fix


def _copier(bk: Any) -> Any:
    xp = bk.xp

    def _copy(a: Any) -> Any:
        return xp.asarray(a, copy=True)

    return _copy
