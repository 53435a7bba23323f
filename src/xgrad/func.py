"""Function transforms: ``grad``, ``value_and_grad``, ``jacobian`` (``jacrev``, ``jacfwd``),
``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``elementwise_grad``, as in JAX, PyTorch's
``torch.func`` and HIPS autograd.

Arguments and outputs may be tensors, arrays of any backend, Python numbers, or tuples, lists
and dicts of them. Results live on the inputs' backend and device: plain arrays when the
differentiated arguments were arrays or numbers, tensors when they were tensors. Transforms
nest (``grad(grad(f))``, ``jacfwd(jacrev(f))``): a transform given tensors that are part of an
outer computation records its own derivative computation, so the outer one can differentiate
it.

Reverse mode back-propagates through the recorded graph (:mod:`xgrad._autograd`); forward
mode carries tangents through the forward pass (:mod:`xgrad._forward`), one JVP rule per op.
Neither touches any tensor's ``.grad``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

from . import _autograd
from . import backends as _backends
from ._forward import FWD, tangents_of
from ._tensor import Tensor, make_tensor
from .errors import DisconnectedGradientError

__all__ = [
    "elementwise_grad",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "value_and_grad",
    "vjp",
]


# -- pytrees: tuples, lists and dicts of leaves ------------------------------------------------
def _flatten(obj: Any) -> tuple[list[Any], Any]:
    if isinstance(obj, (tuple, list)):
        leaves, defs = [], []
        for item in obj:
            sub, d = _flatten(item)
            leaves.extend(sub)
            defs.append((len(sub), d))
        return leaves, (type(obj), defs)
    if isinstance(obj, dict):
        leaves, defs = [], []
        for key, item in obj.items():
            sub, d = _flatten(item)
            leaves.extend(sub)
            defs.append((key, len(sub), d))
        return leaves, (dict, defs)
    return [obj], None


def _unflatten(tree: Any, leaves: Sequence[Any]) -> Any:
    if tree is None:
        return leaves[0]
    kind, defs = tree
    out, i = [], 0
    if kind is dict:
        result = {}
        for key, n, d in defs:
            result[key] = _unflatten(d, leaves[i : i + n])
            i += n
        return result
    for n, d in defs:
        out.append(_unflatten(d, leaves[i : i + n]))
        i += n
    return kind(out)


# -- inputs and outputs ------------------------------------------------------------------------
class _Inputs:
    """The differentiated arguments, turned into tensors we can take derivatives against."""

    def __init__(self, args: Sequence[Any], argnums: tuple[int, ...], what: str) -> None:
        self.args = list(args)
        self.argnums = argnums
        self.trees: list[Any] = []
        self.leaves: list[Tensor] = []  # one per differentiated leaf, in order
        self.counts: list[int] = []
        self.as_tensors = False  # give results as tensors (the arguments were tensors)
        self.record = False  # record the derivative computation (nested transforms)
        for i in argnums:
            leaves, tree = _flatten(self.args[i])
            self.trees.append(tree)
            self.counts.append(len(leaves))
            prepared = [self._prepare(v, i, what) for v in leaves]
            self.leaves.extend(prepared)
            self.args[i] = _unflatten(tree, prepared)

    def _prepare(self, v: Any, argnum: int, what: str) -> Tensor:
        if isinstance(v, Tensor):
            self.as_tensors = True
            _check_float(v, argnum, what)
            if not v.constant or tangents_of(v):
                self.record = True
                from .ops import FUNCTIONS

                return FUNCTIONS["positive"](v)  # a node of our own, linked to the outer graph
            return Tensor(v, copy=False, constant=False)
        t = Tensor(v, copy=False)
        _check_float(t, argnum, what)
        return Tensor(t, copy=False, constant=False)

    def nodes(self) -> list[Any]:
        return [t._leaf_or_node() for t in self.leaves]

    def split(self, values: Sequence[Any]) -> list[Any]:
        """Per argnum, the pytree of ``values`` (one per leaf)."""
        out, i = [], 0
        for tree, n in zip(self.trees, self.counts, strict=True):
            out.append(_unflatten(tree, values[i : i + n]))
            i += n
        return out


def _check_float(t: Tensor, argnum: int, what: str) -> None:
    if not t._backend.xp.isdtype(t.dtype, "real floating"):
        raise TypeError(
            f"{what}: argument {argnum} has dtype {t.dtype}; only floating-point arguments "
            "can be differentiated (pass float data, e.g. 2.0 rather than 2)"
        )


def _argnums(argnums: int | Sequence[int], nargs: int, what: str) -> tuple[tuple[int, ...], bool]:
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    if not nums:
        raise ValueError(f"{what}: argnums must name at least one argument")
    for n in nums:
        if not isinstance(n, int) or not -nargs <= n < nargs:
            raise ValueError(
                f"{what}: argnums={argnums!r} is out of range for a call with {nargs} positional "
                f"argument(s)"
            )
    return tuple(n % nargs for n in nums), single


def _result(value: Any, as_tensor: bool) -> Any:
    """A derivative as the caller should see it: a tensor, or a plain backend array."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        return value if as_tensor else value.data
    if as_tensor:
        bk = _backends.backend_of(value)
        return make_tensor(value, bk, None, True)
    return value


def _output(out: Any, what: str, index: str = "") -> Tensor:
    if isinstance(out, Tensor):
        return out
    name = f"output{index} of the function" if index else "the function's output"
    raise DisconnectedGradientError(
        f"{what}: {name} is a {type(out).__name__}, not a tensor, so it does not depend on the "
        "arguments. Did the function call float(), .item(), .data or .numpy() on a tensor? "
        "Keep the computation on tensors."
    )


def _disconnected(what: str, which: str) -> DisconnectedGradientError:
    return DisconnectedGradientError(
        f"{what}: {which} does not depend on the differentiated argument(s): no path in the "
        "graph connects them (did the function call .data, float() or .item() on a tensor, or "
        "ignore the argument?). If the derivative is genuinely zero (an unused argument, or a "
        "derivative of a linear function), pass allow_unused=True to get zeros."
    )


def _seed(out: Tensor, record: bool) -> Any:
    ones = out._backend.xp.ones_like(out.data)
    return make_tensor(ones, out._backend, None, True) if record else ones


def _zeros_for(leaf: Tensor, record: bool) -> Any:
    z = leaf._backend.xp.zeros_like(leaf.data)
    return make_tensor(z, leaf._backend, None, True) if record else z


# -- reverse mode ------------------------------------------------------------------------------
def _value_and_grad(
    f: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    argnums: int | Sequence[int],
    has_aux: bool,
    allow_unused: bool,
    what: str,
    reduce_output: bool,
) -> tuple[Any, Any, Any]:
    nums, single = _argnums(argnums, len(args), what)
    inputs = _Inputs(args, nums, what)
    out = f(*inputs.args, **kwargs)
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise ValueError(f"{what}(..., has_aux=True): the function must return (output, aux)")
        out, aux = out
    out_t = _output(out, what)
    if not reduce_output and out_t.size != 1:
        raise ValueError(
            f"{what}: the function's output has shape {tuple(out_t.shape)}, but {what} needs a "
            "scalar (one element). For the derivative of every output use "
            "xgrad.func.jacobian; for an elementwise function use xgrad.func.elementwise_grad."
        )
    if out_t.constant or not _autograd.connected([out_t._leaf_or_node()], inputs.nodes())[0]:
        raise _disconnected(what, "the function's output")
    record = inputs.record
    grads = _autograd.gradients(
        [(out_t._leaf_or_node(), _seed(out_t, record))], inputs.nodes(), create_graph=record
    )
    for k, g in enumerate(grads):
        if g is None:
            if not allow_unused:
                raise _disconnected(what, "the function's output")
            grads[k] = _zeros_for(inputs.leaves[k], record)
    results = [_result(g, inputs.as_tensors) for g in grads]
    per_arg = inputs.split(results)
    value = out_t if inputs.as_tensors else out_t.data
    return value, (per_arg[0] if single else tuple(per_arg)), aux


def value_and_grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """``f``'s value and its gradient with respect to the arguments ``argnums``.

    ``f`` must return a scalar (or ``(scalar, aux)`` with ``has_aux``). Returns
    ``(value, gradient)`` or ``((value, aux), gradient)``; with a tuple of argnums the
    gradient is a tuple.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import value_and_grad
    >>> value_and_grad(lambda x: (x ** 2).sum())(xg.asarray([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value, g, aux = _value_and_grad(
            f, args, kwargs, argnums, has_aux, allow_unused, "value_and_grad", False
        )
        return ((value, aux), g) if has_aux else (value, g)

    return wrapper


def grad(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """The gradient of a scalar function with respect to the arguments ``argnums``.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import grad
    >>> grad(lambda x: x ** 3)(2.0)
    array(12.)
    >>> grad(grad(lambda x: x ** 3))(2.0)
    array(12.)
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _, g, aux = _value_and_grad(f, args, kwargs, argnums, has_aux, allow_unused, "grad", False)
        return (g, aux) if has_aux else g

    return wrapper


def elementwise_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable:
    """The derivative at every point of an elementwise ``f``: the gradient of ``sum(f(x))``,
    as the tutorial's ``f.backward()`` on a vector computes it.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import elementwise_grad
    >>> elementwise_grad(lambda x: x ** 2)(xg.asarray([1.0, -3.0]))
    array([ 2., -6.])
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _, g, _ = _value_and_grad(f, args, kwargs, argnums, False, False, "elementwise_grad", True)
        return g

    return wrapper


def vjp(
    f: Callable[..., Any], *primals: Any, has_aux: bool = False, allow_unused: bool = False
) -> tuple:
    """``f(*primals)`` and a function taking output cotangents to input cotangents.

    The returned ``vjp_fn(cotangent)`` may be called any number of times; it returns one
    cotangent per primal (a tuple).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import vjp
    >>> out, vjp_fn = vjp(lambda x: x ** 2, xg.asarray([1.0, 2.0]))
    >>> vjp_fn(xg.asarray([1.0, 10.0]))
    (array([ 2., 40.]),)
    """
    what = "vjp"
    inputs = _Inputs(primals, tuple(range(len(primals))), what)
    out = f(*inputs.args)
    aux = None
    if has_aux:
        out, aux = out
    out_leaves, out_tree = _flatten(out)
    outs = [_output(o, what, f" {k}") for k, o in enumerate(out_leaves)]

    def vjp_fn(cotangent: Any) -> tuple:
        ct_leaves, _ = _flatten(cotangent)
        if len(ct_leaves) != len(outs):
            raise ValueError(f"vjp_fn: expected {len(outs)} cotangent(s), got {len(ct_leaves)}")
        record = inputs.record or any(isinstance(c, Tensor) and not c.constant for c in ct_leaves)
        seeds = []
        targets = inputs.nodes()
        for k, (o, c) in enumerate(zip(outs, ct_leaves, strict=True)):
            reached = not o.constant and _autograd.connected([o._leaf_or_node()], targets)[0]
            if not reached:
                if allow_unused:
                    continue
                raise _disconnected(what, f"output {k}")
            seeds.append((o._leaf_or_node(), _cotangent(o, c, record)))
        grads = _autograd.gradients(seeds, targets, create_graph=record)
        if not allow_unused and any(g is None for g in grads):
            raise _disconnected(what, "the function's output")
        results = [
            _result(g if g is not None else _zeros_for(leaf, record), inputs.as_tensors)
            for g, leaf in zip(grads, inputs.leaves, strict=True)
        ]
        return tuple(inputs.split(results))

    value = _unflatten(out_tree, [o if inputs.as_tensors else o.data for o in outs])
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def _cotangent(o: Tensor, c: Any, record: bool) -> Any:
    bk = o._backend
    if isinstance(c, Tensor):
        if tuple(c.shape) != tuple(o.shape):
            raise ValueError(
                f"cotangent of shape {tuple(c.shape)} for an output of shape {tuple(o.shape)}"
            )
        return c if record else c.data
    arr = c if isinstance(c, bk.array_types) else bk.asarray(c, dtype=o.dtype, device=o.device)
    if tuple(arr.shape) != tuple(o.shape):
        arr = bk.xp.broadcast_to(arr, tuple(o.shape))
    if arr.dtype != o.dtype:
        arr = bk.xp.astype(arr, o.dtype)
    return make_tensor(arr, bk, None, True) if record else arr


# -- forward mode ------------------------------------------------------------------------------
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
    values, tans = [], []
    for k, o in enumerate(out_leaves):
        o = _output(o, what, f" {k}")
        t = (tangents_of(o) or {}).get(level)
        if t is None:
            if not allow_unused:
                raise _disconnected(what, f"output {k}")
            t = _zeros_for(o, inputs.record)
        from ._forward import strip

        values.append(_result(strip(o, level), inputs.as_tensors))
        tans.append(_result(t, inputs.as_tensors))
    return _unflatten(out_tree, values), _unflatten(out_tree, tans)


def _tangent_tensor(leaf: Tensor, t: Any) -> Tensor:
    bk = leaf._backend
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


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The Hessian of scalar ``f`` times ``tangents``, by forward-over-reverse (a JVP of the
    gradient): about the cost of a few gradient evaluations, without forming the Hessian.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import hvp
    >>> hvp(lambda x: (x ** 3).sum(), (xg.asarray([1.0, 2.0]),), (xg.asarray([1.0, 0.0]),))
    array([6., 0.])
    """
    argnums = tuple(range(len(tuple(primals))))
    g = grad(f, argnums=argnums if len(argnums) > 1 else 0)
    _, out = jvp(g, primals, tangents)
    return out


# -- Jacobians and Hessians --------------------------------------------------------------------
def _basis(leaf: Tensor, k: int, record: bool) -> Any:
    xp = leaf._backend.xp
    n = leaf.size
    flat = xp.zeros((n,), dtype=leaf.dtype, device=leaf.device)
    flat = _backends.load(leaf._backend.name).scatter_set(flat, (k,), 1.0)
    arr = xp.reshape(flat, tuple(leaf.shape))
    return make_tensor(arr, leaf._backend, None, True) if record else arr


def _stack(rows: list[Any], shape: tuple, as_tensor: bool, like: Any) -> Any:
    from .ops import FUNCTIONS

    if rows and isinstance(rows[0], Tensor):
        return FUNCTIONS["reshape"](FUNCTIONS["stack"](rows), shape)
    bk = like._backend
    if not rows:
        return _result(bk.xp.zeros(shape, dtype=like.dtype, device=like.device), as_tensor)
    return _result(bk.xp.reshape(bk.xp.stack(rows), shape), as_tensor)


def jacrev(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The Jacobian by reverse mode: one backward pass per output element.

    For an output of shape ``S`` and an argument of shape ``T`` the result has shape
    ``S + T`` (a pytree of such arrays for pytree arguments and outputs).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jacrev
    >>> jacrev(lambda x: x ** 2)(xg.asarray([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        what = "jacobian"
        nums, single = _argnums(argnums, len(args), what)
        inputs = _Inputs(args, nums, what)
        out = f(*inputs.args)
        out_leaves, out_tree = _flatten(out)
        per_output = []
        for k, o in enumerate(out_leaves):
            o = _output(o, what, f" {k}")
            if o.constant or not _autograd.connected([o._leaf_or_node()], inputs.nodes())[0]:
                raise _disconnected(what, f"output {k}")
            rows: list[list[Any]] = [[] for _ in inputs.leaves]
            for i in range(o.size):
                seed = _basis(o, i, inputs.record)
                grads = _autograd.gradients(
                    [(o._leaf_or_node(), seed)], inputs.nodes(), create_graph=inputs.record
                )
                for j, (g, leaf) in enumerate(zip(grads, inputs.leaves, strict=True)):
                    rows[j].append(g if g is not None else _zeros_for(leaf, inputs.record))
            jacs = [
                _stack(r, tuple(o.shape) + tuple(leaf.shape), inputs.as_tensors, leaf)
                for r, leaf in zip(rows, inputs.leaves, strict=True)
            ]
            per_arg = inputs.split(jacs)
            per_output.append(per_arg[0] if single else tuple(per_arg))
        return _unflatten(out_tree, per_output)

    return wrapper


def jacfwd(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, allow_unused: bool = False
) -> Callable[..., Any]:
    """The Jacobian by forward mode: one JVP per input element (cheaper than :func:`jacrev`
    when there are fewer inputs than outputs).

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import jacfwd
    >>> jacfwd(lambda x: x[0] * x)(xg.asarray([1.0, 2.0]))
    array([[2., 0.],
           [2., 1.]])
    """

    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        what = "jacobian"
        nums, single = _argnums(argnums, len(args), what)
        holder = _Inputs(args, nums, what)  # only for shapes and the result type
        as_tensor = holder.as_tensors
        columns_per_leaf: list[list[Any]] = []
        out_tree = None
        out_shapes: list[tuple] = []

        def restricted(*diff: Any) -> Any:
            call = list(args)
            for num, value in zip(nums, diff, strict=True):
                call[num] = value
            return f(*call)

        primals = tuple(args[n] for n in nums)
        for j, leaf in enumerate(holder.leaves):
            cols: list[Any] = []
            for i in range(leaf.size):
                tangents = [
                    _basis(lf, i, False) if jj == j else lf._backend.xp.zeros_like(lf.data)
                    for jj, lf in enumerate(holder.leaves)
                ]
                out, tan = jvp(
                    restricted, primals, tuple(holder.split(tangents)), allow_unused=allow_unused
                )
                t_leaves, out_tree = _flatten(tan)
                out_shapes = [tuple(v.shape) for v in _flatten(out)[0]]
                cols.append(t_leaves)
            columns_per_leaf.append(cols)
        per_output = []
        for k, oshape in enumerate(out_shapes):
            jacs = []
            for leaf, cols in zip(holder.leaves, columns_per_leaf, strict=True):
                jacs.append(
                    _columns([c[k] for c in cols], oshape, tuple(leaf.shape), as_tensor, leaf)
                )
            per_arg = holder.split(jacs)
            per_output.append(per_arg[0] if single else tuple(per_arg))
        return _unflatten(out_tree, per_output)

    return wrapper


def _columns(cols: list[Any], oshape: tuple, ishape: tuple, as_tensor: bool, like: Any) -> Any:
    """Columns J[..., j] (each of the output's shape) stacked into shape oshape + ishape."""
    from .ops import FUNCTIONS

    n_out = math.prod(oshape)
    shape = oshape + ishape
    if cols and isinstance(cols[0], Tensor):
        stacked = FUNCTIONS["stack"]([FUNCTIONS["reshape"](c, (n_out,)) for c in cols], axis=1)
        return FUNCTIONS["reshape"](stacked, shape)
    bk = like._backend
    xp = bk.xp
    if not cols:
        return _result(xp.zeros(shape, dtype=like.dtype, device=like.device), as_tensor)
    stacked = xp.stack([xp.reshape(c, (n_out,)) for c in cols], axis=1)
    return _result(xp.reshape(stacked, shape), as_tensor)


def jacobian(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, *, mode: str = "rev"
) -> Callable[..., Any]:
    """The Jacobian of ``f``: ``mode="rev"`` (:func:`jacrev`) or ``mode="fwd"``
    (:func:`jacfwd`)."""
    if mode == "rev":
        return jacrev(f, argnums)
    if mode == "fwd":
        return jacfwd(f, argnums)
    raise ValueError(f"jacobian: mode must be 'rev' or 'fwd', got {mode!r}")


def hessian(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    *,
    mode: str = "rev-rev",
    allow_unused: bool = False,
) -> Callable[..., Any]:
    """The Hessian of scalar ``f``.

    ``mode="rev-rev"`` (the default) is ``jacrev(jacrev(f))``: the gradient is recorded once
    and differentiated by one backward pass per row, the fastest in xgrad.
    ``mode="fwd-rev"`` is ``jacfwd(jacrev(f))`` (JAX's choice): one forward-mode pass through
    the gradient computation per column. ``allow_unused=True`` gives zeros where the gradient
    does not depend on an argument (the Hessian of a linear function) instead of raising.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.func import hessian
    >>> hessian(lambda x: x[0] ** 2 * x[1])(xg.asarray([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    if mode == "rev-rev":
        inner = jacrev(f, argnums)
        if allow_unused:
            return _zeros_if_unused(inner, argnums)
        return jacrev(inner, argnums)
    if mode == "fwd-rev":
        return jacfwd(jacrev(f, argnums), argnums, allow_unused=allow_unused)
    raise ValueError(f"hessian: mode must be 'rev-rev' or 'fwd-rev', got {mode!r}")


def _zeros_if_unused(inner: Callable[..., Any], argnums: Any) -> Callable[..., Any]:
    """jacrev of ``inner``, with zeros for a gradient independent of the arguments."""
    outer = jacrev(inner, argnums)
    fwd = jacfwd(inner, argnums, allow_unused=True)

    def wrapper(*args: Any) -> Any:
        try:
            return outer(*args)
        except DisconnectedGradientError:
            return fwd(*args)

    return wrapper
