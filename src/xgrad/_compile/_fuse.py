"""Fusion for CuPy: chains of elementwise calls become one generated kernel.

A *group* is a run of elementwise instructions of one result shape and floating dtype
(forward and backward alike) whose ops have a C++ form here. It becomes one
``cupy.ElementwiseKernel``: its inputs are the values it reads from outside, its outputs the
values used after it (or returned), and every other intermediate lives in a register, so a
forward + backward of an elementwise function reads its input once. A ``sum`` over all axes
of a group's value that nothing else uses becomes a ``cupy.ReductionKernel`` whose map
expression is that value's expression, so the sum is fused too.

The kernel source is built from op names, slot numbers, dtypes and numbers only. Each group
also runs op by op from the op table (:meth:`Group.reference_fn`): tests run that on the CPU,
through the same grouping and code generation, to check what the CUDA source computes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._trace import Instr, SlotRef

__all__ = ["Group", "Reduction", "fuse"]

# op name -> C++ template; {0}, {1}, {2} are the operands
_OPS: dict[str, str] = {
    "add": "({0} + {1})",
    "subtract": "({0} - {1})",
    "multiply": "({0} * {1})",
    "divide": "({0} / {1})",
    "negative": "(-{0})",
    "positive": "({0})",
    "square": "({0} * {0})",
    "sin": "sin({0})",
    "cos": "cos({0})",
    "tan": "tan({0})",
    "exp": "exp({0})",
    "expm1": "expm1({0})",
    "log": "log({0})",
    "log1p": "log1p({0})",
    "sqrt": "sqrt({0})",
    "tanh": "tanh({0})",
    "sinh": "sinh({0})",
    "cosh": "cosh({0})",
    "arcsin": "asin({0})",
    "arccos": "acos({0})",
    "arctan": "atan({0})",
    "absolute": "fabs({0})",
    "power": "pow({0}, {1})",
    "where": "({0} ? {1} : {2})",
    "masked": "({0} ? {1} : 0)",
    "greater": "({0} > {1})",
    "less": "({0} < {1})",
    "greater_equal": "({0} >= {1})",
    "less_equal": "({0} <= {1})",
    "equal": "({0} == {1})",
}
_C_TYPES = {"float64": "double", "float32": "float", "bool": "bool"}


def _dtype_name(dtype: Any) -> str:
    return str(getattr(dtype, "name", dtype)).rsplit(".", 1)[-1]


class Group:
    """One fused elementwise kernel: ``outputs = kernel(*inputs)``."""

    def __init__(self, instrs: list[Instr], inputs: list[int], outputs: list[int], meta: list):
        self.instrs = instrs
        self.inputs = inputs
        self.outputs = outputs
        self.meta = meta
        self.name = f"xgrad_fused_{instrs[0].out}"
        self.cuda_source = self._cuda()

    def _ctype(self, k: int) -> str:
        return _C_TYPES[_dtype_name(self.meta[k][1])]

    def _literal(self, v: Any, ctype: str) -> str:
        if v is True or v is False:
            return "true" if v else "false"
        return f"(({ctype}){float(v)!r})"

    def _cuda(self) -> str:
        lines = []
        for ins in self.instrs:
            ctype = self._ctype(ins.out)
            ops = [
                f"v{a.k}" if isinstance(a, SlotRef) else self._literal(a, ctype) for a in ins.args
            ]
            expr = _OPS[ins.op.name].format(*ops)
            if ins.out in self.outputs:
                lines.append(f"o{ins.out} = ({ctype}){expr};")
                lines.append(f"{ctype} v{ins.out} = o{ins.out};")
            else:
                lines.append(f"{ctype} v{ins.out} = ({ctype}){expr};")
        return "\n".join(lines)

    @property
    def in_params(self) -> str:
        return ", ".join(f"{self._ctype(k)} v{k}" for k in self.inputs)

    @property
    def out_params(self) -> str:
        return ", ".join(f"{self._ctype(k)} o{k}" for k in self.outputs)

    def reference_fn(self, bk: Any) -> Any:
        """The group run op by op on backend ``bk`` (each op's own forward, from the op
        table): what the kernel computes, for tests on the CPU."""
        g: dict[str, Any] = {"__builtins__": {}}
        lines = [f"def {self.name}({', '.join(f'v{k}' for k in self.inputs)}):"]
        for i, ins in enumerate(self.instrs):
            g[f"f{i}"] = ins.op.bind(bk)
            ops = ", ".join(f"v{a.k}" if isinstance(a, SlotRef) else repr(a) for a in ins.args)
            lines.append(f"    v{ins.out} = f{i}({ops})")
        lines.append(f"    return ({', '.join(f'v{k}' for k in self.outputs)},)")
        source = "\n".join(lines) + "\n"
        exec(compile(source, f"<xgrad fused {self.name}>", "exec"), g)
        return g[self.name]

    def kernel(self) -> Any:
        import cupy  # only reached on the CuPy backend  # pragma: no cover (needs CuPy)

        return cupy.ElementwiseKernel(  # pragma: no cover (needs CuPy)
            self.in_params, self.out_params, self.cuda_source, self.name
        )


class Reduction:
    """``sum(expression)`` over all elements, as one kernel (a ``ReductionKernel``)."""

    def __init__(self, group: Group, value: int, out: int, meta: list) -> None:
        self.group = group
        self.value = value
        self.out = out
        self.meta = meta
        self.name = f"xgrad_fused_sum_{out}"
        self.inputs = group.inputs
        ctype = _C_TYPES[_dtype_name(meta[out][1])]
        self.ctype = ctype
        self.map_expr = _inline(group, value)

    @property
    def in_params(self) -> str:
        return self.group.in_params

    def kernel(self) -> Any:
        import cupy  # pragma: no cover (needs CuPy)

        return cupy.ReductionKernel(  # pragma: no cover (needs CuPy)
            self.in_params,
            f"{self.ctype} y",
            self.map_expr,
            "a + b",
            "y = a",
            "0",
            self.name,
        )

    def reference_fn(self, bk: Any) -> Any:
        """The reduction run op by op on backend ``bk`` (see :meth:`Group.reference_fn`)."""
        inner = self.group.reference_fn(bk)
        which = self.group.outputs.index(self.value)
        total = bk.xp.sum

        def run(*arrays: Any) -> Any:
            out = total(inner(*arrays)[which])
            return out if out.__class__ is bk.array_type else bk.fix_result(out)

        return run


def _inline(group: Group, value: int) -> str:
    """``value`` as one C++ expression over the group's inputs."""
    by_out = {ins.out: ins for ins in group.instrs}

    def expr(k: int) -> str:
        ins = by_out.get(k)
        if ins is None:
            return f"v{k}"
        ctype = group._ctype(ins.out)
        ops = [expr(a.k) if isinstance(a, SlotRef) else group._literal(a, ctype) for a in ins.args]
        return f"(({ctype}){_OPS[ins.op.name].format(*ops)})"

    return expr(value)


def _fusable(ins: Instr, meta: list) -> bool:
    if ins.op.name not in _OPS or ins.params or getattr(ins.op, "residuals", False):
        return False
    if getattr(ins.op, "kind", None) not in ("elementwise", "nondiff", "rule"):
        return False
    if _dtype_name(meta[ins.out][1]) not in _C_TYPES:
        return False
    for a in ins.args:
        if isinstance(a, SlotRef):
            if _dtype_name(meta[a.k][1]) not in _C_TYPES:
                return False
        elif a.__class__ not in (int, float, bool) or (
            a.__class__ is float and not math.isfinite(a)
        ):
            return False
    return True


def _full_sum(ins: Instr) -> int | None:
    """The slot ``ins`` sums over all axes (``sum(v)``, no keepdims), or None."""
    p = ins.params or {}
    if (
        ins.op.name == "sum"
        and p.get("axis") is None
        and not p.get("keepdims")
        and set(p) <= {"axis", "keepdims"}
        and len(ins.args) == 1
        and isinstance(ins.args[0], SlotRef)
    ):
        return ins.args[0].k
    return None


def fuse(instrs: Sequence[Instr], meta: list, program_outputs: set[int]) -> list[Any]:
    """``instrs`` with maximal elementwise runs replaced by a :class:`Group` each, and the
    full sums of their values by a :class:`Reduction` each (emitted before the group: a
    reduction reads only what the run reads, so the run goes on through it)."""
    uses: dict[int, list[int]] = {}
    for i, ins in enumerate(instrs):
        for a in _refs(ins):
            uses.setdefault(a, []).append(i)
    out: list[Any] = []
    run: list[tuple[int, Instr]] = []
    sums: list[tuple[int, Instr]] = []  # absorbed reductions of the current run
    run_shape = None

    def close() -> None:
        nonlocal run, sums, run_shape
        if not run:
            return
        members = {i for i, _ in run} | {i for i, _ in sums}
        body = [ins for _, ins in run]
        produced = {ins.out for ins in body}
        inputs: list[int] = []
        for ins in body:
            for a in ins.args:
                if isinstance(a, SlotRef) and a.k not in produced and a.k not in inputs:
                    inputs.append(a.k)
        outputs = [
            ins.out
            for ins in body
            if ins.out in program_outputs or any(j not in members for j in uses.get(ins.out, ()))
        ]
        for _, s in sums:
            k = s.args[0].k  # type: ignore[union-attr]
            g = Group(body, inputs, outputs + ([k] if k not in outputs else []), meta)
            out.append(Reduction(g, k, s.out, meta))
        if len(body) == 1 and outputs:
            out.append(body[0])
        elif outputs:
            out.append(Group(body, inputs, outputs, meta))
        run, sums, run_shape = [], [], None

    for i, ins in enumerate(instrs):
        if _fusable(ins, meta):
            shape = meta[ins.out][0]
            reads_sum = any(
                isinstance(a, SlotRef) and a.k in {s.out for _, s in sums} for a in ins.args
            )
            if run and (shape != run_shape or reads_sum):
                close()
            run.append((i, ins))
            run_shape = shape
            continue
        k = _full_sum(ins)
        if run and k is not None and k in {r.out for _, r in run} and k not in program_outputs:
            sums.append((i, ins))
            continue
        close()
        out.append(ins)
    close()
    return out


def _refs(ins: Instr) -> list[int]:
    acc: list[int] = []

    def walk(v: Any) -> None:
        if isinstance(v, SlotRef):
            acc.append(v.k)
        elif isinstance(v, (tuple, list)):
            for e in v:
                walk(e)
        elif isinstance(v, dict):
            for e in v.values():
                walk(e)

    for a in ins.args:
        walk(a)
    walk(ins.params)
    return acc
