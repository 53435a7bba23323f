"""Forward mode: ``jvp`` (one forward pass carrying tangents) and ``hvp``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .._forward import FWD, strip, tangents_of
from .._tensor import Tensor, make_tensor
from ._reverse import grad
from ._tree import (
    _disconnected,
    _flatten,
    _Inputs,
    _output,
    _same_backend,
    _unflatten,
    _zeros_for,
    transform,
)


# -- forward mode ------------------------------------------------------------------------------
@transform
def jvp(
    f: Callable[..., Any],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    allow_unused: bool = False,
) -> tuple:
    """``(f(*primals), J @ tangents)``: the Jacobian-vector product in one forward pass.

    Tangents are carried through the forward computation by each op's JVP rule (not by
    transposing a reverse pass).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jvp
    >>> jvp(lambda x: x ** 3, (2.0,), (1.0,))
    (array(8.), array(12.))
    """
    what = "jvp"
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    inputs = _Inputs(primals, tuple(range(len(primals))), what)
    t_leaves, _ = _flatten(list(tangents))
    if len(t_leaves) != len(inputs.leaves):
        raise ValueError("jvp: tangents must have the structure of primals")
    level = FWD.next_level
    FWD.next_level += 1
    for leaf, t in zip(inputs.leaves, t_leaves, strict=True):
        tan = _tangent_tensor(leaf, t)
        leaf._tan = {**(tangents_of(leaf) or {}), level: tan}
        if isinstance(t, Tensor) and not t.constant:
            inputs.record = True
    FWD.depth += 1
    try:
        out = f(*inputs.args)
    finally:
        FWD.depth -= 1
    out_leaves, out_tree = _flatten(out)
    outs = [_output(o, what, f" {k}", allow_unused=allow_unused) for k, o in enumerate(out_leaves)]
    tans = []
    for k, o in enumerate(outs):
        t = (tangents_of(o) or {}).get(level)
        if t is None:
            if not allow_unused:
                raise _disconnected(what, f"output {k}")
            t = _zeros_for(o, inputs.record)
        tans.append(t)
    values = [strip(o, level) for o in outs]
    inputs.find_foreign(values + tans)
    result = (
        _unflatten(out_tree, [inputs.result(v) for v in values]),
        _unflatten(out_tree, [inputs.result(t) for t in tans]),
    )
    inputs.close()
    return result


def _tangent_tensor(leaf: Tensor, t: Any) -> Tensor:
    bk = leaf._backend
    _same_backend(bk, t, "jvp(tangents)", leaf.device)
    if isinstance(t, Tensor):
        tan = t
    else:
        arr = t if isinstance(t, bk.array_types) else bk.asarray(t, device=leaf.device)
        tan = make_tensor(arr, bk, None, True)
    if tuple(tan.shape) != tuple(leaf.shape):
        raise ValueError(
            f"jvp: a tangent of shape {tuple(tan.shape)} for a primal of shape {tuple(leaf.shape)}"
        )
    if tan.dtype != leaf.dtype:
        tan = tan.astype(leaf.dtype)
    return tan


def hvp(
    f: Callable[..., Any],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    *,
    allow_unused: bool = False,
) -> Any:
    """The Hessian of scalar ``f`` times ``tangents``, by forward-over-reverse (a JVP of the
    gradient): about the cost of a few gradient evaluations, without forming the Hessian.
    ``allow_unused=True`` gives zeros where the gradient does not depend on the arguments
    (a linear ``f``) instead of raising.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import hvp
    >>> hvp(lambda x: (x ** 3).sum(), (xg.asarray([1.0, 2.0]),), (xg.asarray([1.0, 0.0]),))
    array([6., 0.])
    """
    argnums = tuple(range(len(tuple(primals))))
    g = grad(f, argnums=argnums if len(argnums) > 1 else 0, allow_unused=allow_unused)
    _, out = jvp(g, primals, tangents, allow_unused=allow_unused)
    return out
