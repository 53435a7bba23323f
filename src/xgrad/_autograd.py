"""Gradients of outputs with respect to chosen inputs, without side effects.

:func:`gradients` is what :mod:`xgrad.func` builds on (like ``torch.autograd.grad``): it
back-propagates seeds from one or more output nodes to a list of target nodes and returns the
gradients, leaving every ``.grad`` and the graph itself as they were. It stops at the targets
(so a transform nested in another never runs into the outer graph) and only visits nodes from
which a target can be reached (so closed-over tensors cost nothing).

With ``create_graph=True`` the rules run on tensors with xgrad's namespace, so the returned
gradients are tensors recorded in the graph and can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _engine
from ._engine import STATE, Node

__all__ = ["PRIVATE", "connected", "gradients", "sources"]

#: Marks (in a leaf node's unused ``params`` slot) the leaves a function transform made for
#: its own arguments: once the transform has returned they are not variables of anyone.
PRIVATE: dict = {}


def _relevant(roots: Sequence[Node], targets: set[int]) -> dict[int, bool]:
    """For every node reachable from ``roots`` (not passing through targets): whether a
    target can be reached from it. Iterative post-order DFS."""
    memo: dict[int, bool] = {}
    for root in roots:
        if id(root) in memo:
            continue
        stack: list[tuple[Node, int]] = [(root, 0)]
        while stack:
            n, i = stack.pop()
            key = id(n)
            if i == 0:
                if key in memo:
                    continue
                if key in targets:
                    memo[key] = True
                    continue
                if n.op is None or n.parents is None:
                    memo[key] = False
                    continue
            parents = n.parents
            while i < len(parents) and (parents[i] is None or id(parents[i]) in memo):
                i += 1
            if i < len(parents):
                stack.append((n, i + 1))
                stack.append((parents[i], 0))
                continue
            memo[key] = any(p is not None and memo[id(p)] for p in parents)
    return memo


def sources(outputs: Sequence[Node], exclude: Sequence[Node]) -> list[Node]:
    """The leaves and terminals (nodes whose graph was consumed) reachable from ``outputs``,
    without passing through the ``exclude`` nodes: the variables the outputs depend on
    besides those."""
    skip = {id(n) for n in exclude}
    seen: set[int] = set()
    found: list[Node] = []
    stack = list(outputs)
    while stack:
        n = stack.pop()
        key = id(n)
        if key in seen or key in skip:
            continue
        seen.add(key)
        if n.op is None or n.parents is None:
            if n.params is not PRIVATE:
                found.append(n)
            continue
        stack.extend(p for p in n.parents if p is not None)
    return found


def connected(outputs: Sequence[Node], targets: Sequence[Node]) -> list[bool]:
    """For each output node: whether any target can be reached from it."""
    relevant = _relevant(list(outputs), {id(t) for t in targets})
    return [bool(relevant.get(id(o))) for o in outputs]


def gradients(
    outputs: Sequence[tuple[Node, Any]], targets: Sequence[Node], *, create_graph: bool
) -> list[Any]:
    """d(sum of seed * output) / d(target) for each target: arrays, or tensors when
    ``create_graph``; ``None`` for a target no output depends on."""
    # while xgrad.compile traces, the rules run as recorded ops (so the program contains
    # them) and the results are the tracer's constant stand-ins for the arrays
    traced = STATE.tracer is not None and not create_graph
    if traced:
        create_graph = True
        prev_reuse, STATE.tracer.reuse_residuals = STATE.tracer.reuse_residuals, True
    target_ids = {id(t) for t in targets}
    roots = [node for node, _ in outputs]
    relevant = _relevant(roots, target_ids)
    # consumers counted over relevant nodes only
    deps: dict[int, int] = {}
    nodes: dict[int, Node] = {}
    stack = [r for r in roots if relevant.get(id(r))]
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        nodes[id(n)] = n
        if id(n) in target_ids or n.op is None or n.parents is None:
            continue
        for p in n.parents:
            if p is not None and relevant.get(id(p)):
                deps[id(p)] = deps.get(id(p), 0) + 1
                stack.append(p)
    grads: dict[int, Any] = {}
    for node, seed in outputs:
        if relevant.get(id(node)):
            key = id(node)
            grads[key] = seed if key not in grads else grads[key] + seed
    ready = [nodes[k] for k in nodes if deps.get(k, 0) == 0]
    # rules run as recorded ops (create_graph) reset the .grad of the tensors they use, as any
    # op does: keep the users' gradients as they were
    kept = [(n, n._grad) for n in nodes.values()] if create_graph else ()
    prev = STATE.enabled
    STATE.enabled = create_graph
    try:
        while ready:
            n = ready.pop()
            key = id(n)
            g = grads.get(key)
            if key in target_ids or n.op is None or n.parents is None:
                continue
            op = n.op
            parents = n.parents
            if g is not None:
                if create_graph:
                    xp = _engine.tensor_namespace(n.backend)
                    saved = _engine._as_tensor_args(n)
                else:
                    xp = n.backend.xp
                    saved = n.saved or (None,) * len(op.save)
                for i, p in enumerate(parents):
                    if p is None or not relevant.get(id(p)):
                        continue
                    gi = _engine._rule_call(op.vjps[i], xp, g, op.rule_args[i], saved, n.params)
                    if gi is None:
                        continue
                    gi = _engine.fit_gradient(gi, p, create_graph)
                    pk = id(p)
                    acc = grads.get(pk)
                    if acc is not None:
                        gi = acc + gi
                        if not create_graph and gi.__class__ is not p.backend.array_type:
                            gi = p.backend.fix_result(gi)  # 0-d NumPy sums are scalars
                    grads[pk] = gi
            for p in parents:
                if p is not None and relevant.get(id(p)):
                    pk = id(p)
                    deps[pk] -= 1
                    if deps[pk] == 0:
                        ready.append(nodes[pk])
    finally:
        STATE.enabled = prev
        for n, g in kept:
            n._grad = g
        if traced:
            STATE.tracer.reuse_residuals = prev_reuse
    if traced:
        tracer = STATE.tracer
        return [
            None
            if grads.get(id(t)) is None
            else tracer.gradient(grads[id(t)], t.backend, standin=False)
            for t in targets
        ]
    return [grads.get(id(t)) for t in targets]
