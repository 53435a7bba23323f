"""Einstein summation, differentiable in every operand, and helpers shared by the linalg rules.

The public :func:`einsum` parses NumPy's subscripts (implicit and explicit output, ``...``
broadcasting, repeated labels within an operand, the interleaved ``(op, sublist, ...)``
form) and reduces every call to a *clean* contraction before it reaches the op table:

- broadcast size-1 axes are dropped (a reshape), so every label has one size;
- repeated labels within an operand become a :func:`xgrad.diagonal` (``'ii->i'``);
- labels that only one operand uses, and the output does not, are summed first (``'ij->i'``).

What is left is one ``einsum`` op whose operands have distinct labels, each appearing in the
output or in another operand. Its derivative with respect to an operand is then again such an
einsum, of the output gradient with the other operands, so one rule serves every operand and
every arity, and the backward pass of an einsum can itself be differentiated.

The forward uses the backend's own ``einsum`` where it has one (NumPy, CuPy) and otherwise a
generic pairwise contraction written with ``permute_dims``/``reshape``/``matmul`` only (the
array API standard has no ``einsum``; array_api_strict exercises this path in the tests).
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
import string
import types
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .. import _inplace
from .._engine import no_autodiff
from .._op import OPS, Op, register
from .._tensor import Tensor
from .._views import Link, make_view
from ._public import as_tensor_input, constant_result, nonconstant_result, run

__all__ = ["call_op", "einsum", "einsum_op", "is_tensor_namespace", "rule_signature"]

#: NumPy's interleaved-form labels: 0-25 are 'A'-'Z', 26-51 are 'a'-'z'
_LETTERS = string.ascii_uppercase + string.ascii_lowercase


# ---------------------------------------------------------------------------------------------
# helpers for derivative rules (also used by ops/linalg)
# ---------------------------------------------------------------------------------------------
def is_tensor_namespace(xp: Any) -> bool:
    """Whether ``xp`` is xgrad's tensor namespace (rules running under ``create_graph=True``)."""
    return isinstance(xp, types.SimpleNamespace)


def call_op(xp: Any, op: Op, *args: Any, **params: Any) -> Any:
    """Apply the op-table row ``op`` from inside a derivative rule.

    With a backend namespace this is the op's forward on plain arrays; with xgrad's tensor
    namespace (``backward(create_graph=True)``) it is recorded in the graph like any other
    call, so rules may use private ops (diagonal embedding, slicing a packed output) and stay
    differentiable.
    """
    if is_tensor_namespace(xp):
        return run(op, args, params, None)
    return op._impl(xp, *args, **params)


def rule_signature(
    fn: Callable[..., Any], first: str, needs: Sequence[str], keywords: Sequence[str]
) -> Callable[..., Any]:
    """Give ``fn(xp, g_or_t, *arrays, **params)`` the signature that declares what it needs
    (the op table reads a rule's positional parameter names); for ops of any arity."""
    p = inspect.Parameter
    params = [p("xp", p.POSITIONAL_OR_KEYWORD), p(first, p.POSITIONAL_OR_KEYWORD)]
    params += [p(n, p.POSITIONAL_OR_KEYWORD) for n in needs]
    params += [p(k, p.KEYWORD_ONLY) for k in keywords]
    fn.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return fn


# ---------------------------------------------------------------------------------------------
# the op: a clean contraction
# ---------------------------------------------------------------------------------------------
def _einsum_impl(xp: Any, *arrays: Any, spec: tuple[tuple[str, ...], str]) -> Any:
    terms, out = spec
    native = getattr(xp, "einsum", None)
    if native is None:
        return einsum_generic(xp, arrays, terms, out)
    expr = ",".join(terms) + "->" + out
    if len(arrays) == 1:  # a permutation or a sum: NumPy may return a view of the input
        return xp.asarray(native(expr, *arrays), copy=True)
    if len(arrays) > 2 or any(math.prod(a.shape) > 4096 for a in arrays):
        return native(expr, *arrays, optimize=True)  # BLAS and a contraction order
    return native(expr, *arrays)


def einsum_generic(xp: Any, arrays: Sequence[Any], terms: Sequence[str], out: str) -> Any:
    """Contract with the array API only: pairs of operands (a pair sharing labels and giving
    the smallest result first) become one batched ``matmul`` each.

    Every operand's labels must be distinct (the public :func:`einsum` takes diagonals first).
    """
    ops = []
    sizes: dict[str, int] = {}
    for a, t in zip(arrays, terms, strict=True):
        if len(set(t)) != len(t):
            raise ValueError(f"einsum_generic: repeated label in {t!r}; take the diagonal first")
        for label, n in zip(t, a.shape, strict=True):
            sizes[label] = n
        ops.append((a, t))
    while len(ops) > 1:
        best: tuple | None = None
        for i in range(len(ops)):
            for j in range(i + 1, len(ops)):
                keep = set(out).union(*(t for k, (_, t) in enumerate(ops) if k not in (i, j)))
                li, lj = ops[i][1], ops[j][1]
                result = [lab for lab in dict.fromkeys(li + lj) if lab in keep]
                key = (not set(li) & set(lj), math.prod(sizes[lab] for lab in result))
                if best is None or key < best[0]:
                    best = (key, i, j, keep)
        assert best is not None
        _, i, j, keep = best
        pair = _contract_pair(xp, ops[i], ops[j], keep, sizes)
        ops = [o for k, o in enumerate(ops) if k not in (i, j)] + [pair]
    a, labels = ops[0]
    a, labels = _sum_private(xp, a, labels, set(out))
    perm = tuple(labels.index(lab) for lab in out)
    if perm != tuple(range(len(perm))):
        a = xp.permute_dims(a, perm)
    return a


def _sum_private(xp: Any, a: Any, labels: str, keep: set[str]) -> tuple[Any, str]:
    """Sum the axes whose labels are not in ``keep``."""
    axes = tuple(k for k, lab in enumerate(labels) if lab not in keep)
    if not axes:
        return a, labels
    return xp.sum(a, axis=axes), "".join(lab for lab in labels if lab in keep)


def _arrange(xp: Any, a: Any, labels: str, order: list[str]) -> Any:
    perm = tuple(labels.index(lab) for lab in order)
    return a if perm == tuple(range(len(perm))) else xp.permute_dims(a, perm)


def _contract_pair(
    xp: Any, first: tuple[Any, str], second: tuple[Any, str], keep: set[str], sizes: dict
) -> tuple[Any, str]:
    (a, la), (b, lb) = first, second
    a, la = _sum_private(xp, a, la, set(lb) | keep)
    b, lb = _sum_private(xp, b, lb, set(la) | keep)
    batch = [lab for lab in la if lab in lb and lab in keep]
    summed = [lab for lab in la if lab in lb and lab not in keep]
    a_only = [lab for lab in la if lab not in lb]
    b_only = [lab for lab in lb if lab not in la]

    def size(labels: list[str]) -> int:
        return math.prod(sizes[lab] for lab in labels)

    nb, m, k, n = size(batch), size(a_only), size(summed), size(b_only)
    a = xp.reshape(_arrange(xp, a, la, batch + a_only + summed), (nb, m, k))
    b = xp.reshape(_arrange(xp, b, lb, batch + summed + b_only), (nb, k, n))
    c = xp.matmul(a, b)
    labels = batch + a_only + b_only
    return xp.reshape(c, tuple(sizes[lab] for lab in labels)), "".join(labels)


def _vjp_for(n: int, k: int) -> Callable[..., Any]:
    """d/d(operand k): the output gradient contracted with the other operands."""

    def vjp(xp: Any, g: Any, *others: Any, spec: tuple) -> Any:
        terms, out = spec
        sub = (out, *(terms[i] for i in range(n) if i != k))
        return call_op(xp, einsum_op(n), g, *others, spec=(sub, terms[k]))

    needs = [f"x{i}" for i in range(n) if i != k]
    return rule_signature(vjp, "g", needs, ("spec",))


def _jvp_for(n: int) -> Callable[..., Any]:
    """Multilinear: the sum over operands of the einsum with that operand's tangent."""

    def jvp(xp: Any, t: Sequence[Any], *arrays: Any, spec: tuple) -> Any:
        total = None
        for k in range(n):
            if t[k] is None:
                continue
            args = list(arrays)
            args[k] = t[k]
            term = call_op(xp, einsum_op(n), *args, spec=spec)
            total = term if total is None else total + term
        return total

    return rule_signature(jvp, "t", [f"x{i}" for i in range(n)], ("spec",))


@functools.cache
def einsum_op(n: int) -> Op:
    """The ``einsum`` op of ``n`` operands (params: ``spec = (terms, out)``, clean labels)."""
    return Op(
        "einsum",
        tuple(f"x{i}" for i in range(n)),
        _einsum_impl,
        tuple(_vjp_for(n, k) for k in range(n)),
        kind="linalg",
        jvp=_jvp_for(n),
        doc="Einstein summation of operands with distinct labels",
    )


register(einsum_op(2))


# ---------------------------------------------------------------------------------------------
# parsing NumPy's subscripts
# ---------------------------------------------------------------------------------------------
def _split_ellipsis(term: str, what: str) -> tuple[str, str, bool]:
    if "." not in term:
        return term, "", False
    if term.count(".") != 3 or "..." not in term:
        raise ValueError(f"einsum: invalid ellipsis in {what} subscripts {term!r}")
    before, after = term.split("...")
    return before, after, True


def _check_labels(term: str, what: str) -> None:
    for c in term:
        if c not in _LETTERS:
            raise ValueError(f"einsum: invalid subscript {c!r} in {what} {term!r}")


def _from_sublists(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """NumPy's interleaved form ``einsum(op0, sublist0, op1, sublist1, ..., [sublistout])``."""

    def term(sublist: Any) -> str:
        parts = []
        for s in sublist:
            if s is Ellipsis:
                parts.append("...")
            else:
                try:
                    k = operator.index(s)
                except TypeError:
                    k = -1
                if not 0 <= k < len(_LETTERS):
                    raise ValueError(f"einsum: subscript {s!r} is not an integer in [0, 52)")
                parts.append(_LETTERS[k])
        return "".join(parts)

    args = list(args)
    out = None
    if len(args) % 2 == 1:
        out = args.pop()
    operands = args[0::2]
    subs = ",".join(term(s) for s in args[1::2])
    if out is not None:
        subs += "->" + term(out)
    return subs, operands


def parse(subscripts: str, shapes: Sequence[tuple[int, ...]]) -> tuple[list[str], str]:
    """Resolve ``subscripts`` for operands of ``shapes``: one label per axis of each operand
    (``...`` replaced by unused letters, right-aligned) and the output labels."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, got {type(subscripts).__name__}")
    s = subscripts.replace(" ", "")
    if "->" in s:
        lhs, out_term = s.split("->", 1)
        if "->" in out_term or "-" in lhs or ">" in lhs:
            raise ValueError(f"einsum: subscripts {subscripts!r} contain more than one '->'")
        explicit = True
    else:
        if "-" in s or ">" in s:
            raise ValueError(f"einsum: invalid subscripts {subscripts!r}")
        lhs, out_term, explicit = s, "", False
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operand(s) but "
            f"{len(shapes)} were given"
        )
    pieces = []
    for i, (term, shape) in enumerate(zip(terms, shapes, strict=True)):
        before, after, has_ell = _split_ellipsis(term, f"operand {i}")
        _check_labels(before + after, f"operand {i}")
        named = len(before) + len(after)
        nd = len(shape)
        if (has_ell and named > nd) or (not has_ell and named != nd):
            raise ValueError(
                f"einsum: operand {i} has {nd} dimension(s) but its subscripts {term!r} "
                f"name {named}"
            )
        pieces.append((before, after, nd - named if has_ell else 0))
    used = set(s)
    n_ell = max((e for _, _, e in pieces), default=0)
    free = [c for c in _LETTERS if c not in used]
    if n_ell > len(free):
        raise ValueError("einsum: too many dimensions for the available subscript letters")
    ell = "".join(free[:n_ell])
    full = [before + ell[n_ell - e :] + after for before, after, e in pieces]
    if explicit:
        before, after, has_ell = _split_ellipsis(out_term, "output")
        _check_labels(before + after, "output")
        if not has_ell and n_ell:
            raise ValueError(
                "einsum: output has more dimensions than subscripts given in einstein sum, "
                "but no '...' ellipsis provided to broadcast the extra dimensions."
            )
        out = before + ell + after
        inputs = set("".join(full))
        for c in out:
            if out.count(c) > 1:
                raise ValueError(f"einsum: output subscript {c!r} appears more than once")
            if c not in inputs:
                raise ValueError(f"einsum: output subscript {c!r} does not appear in the inputs")
    else:
        counts = Counter("".join(b + a for b, a, _ in pieces))
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1))
    return full, out


# ---------------------------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------------------------
def _label_sizes(terms: list[str], shapes: Sequence[tuple[int, ...]]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for i, (t, shape) in enumerate(zip(terms, shapes, strict=True)):
        for c, n in zip(t, shape, strict=True):
            if t.count(c) > 1 and n != shape[t.index(c)]:
                raise ValueError(
                    f"einsum: dimensions in operand {i} for collapsing index {c!r} don't match "
                    f"({shape[t.index(c)]} != {n})"
                )
            m = sizes.get(c, 1)
            if m != 1 and n not in (1, m):
                raise ValueError(
                    f"einsum: operands could not be broadcast together: subscript {c!r} has "
                    f"size {m} in one operand and {n} in operand {i}"
                )
            sizes[c] = n if m == 1 else m
    return sizes


@functools.lru_cache(maxsize=256)
def _plan(subscripts: str, shapes: tuple[tuple[int, ...], ...]) -> tuple[list[str], str, dict]:
    """Parsed subscripts and label sizes (cached: loops call einsum with the same ones)."""
    terms, out = parse(subscripts, shapes)
    return terms, out, _label_sizes(terms, shapes)


def _unbroadcast_and_diagonal(x: Any, term: str, sizes: dict) -> tuple[Any, str]:
    """Drop the axes of ``x`` that broadcast (size 1 where the label is longer) and take the
    diagonal of repeated labels: the result has distinct labels of one size each."""
    shape = tuple(x.shape)
    drop = [k for k, c in enumerate(term) if shape[k] == 1 and sizes[c] != 1]
    if drop:
        new_shape = tuple(n for k, n in enumerate(shape) if k not in drop)
        x = run(OPS["reshape"], (x,), {"shape": new_shape}, None)
        term = "".join(c for k, c in enumerate(term) if k not in drop)
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        p = term.index(c)
        q = term.index(c, p + 1)
        x = run(OPS["diagonal"], (x,), {"offset": 0, "axis1": p, "axis2": q}, None)
        term = "".join(d for k, d in enumerate(term) if k not in (p, q)) + c
    return x, term


def _sum_unshared(x: Any, term: str, keep: set[str]) -> tuple[Any, str]:
    """Sum the labels of ``x`` that neither the output nor another operand uses."""
    private = tuple(k for k, c in enumerate(term) if c not in keep)
    if private:
        x = run(OPS["sum"], (x,), {"axis": private, "keepdims": False}, None)
        term = "".join(c for c in term if c in keep)
    return x, term


def _einsum(subscripts: Any, operands: Sequence[Any]) -> Tensor:
    if not isinstance(subscripts, str):  # interleaved form
        subscripts, operands = _from_sublists((subscripts, *operands))
    if not operands:
        raise ValueError("einsum: at least one operand is required")
    arrays = [as_tensor_input(x) for x in operands]
    shapes = [tuple(a.shape) for a in arrays]
    terms, out, sizes = _plan(subscripts, tuple(shapes))
    pairs = [_unbroadcast_and_diagonal(a, t, sizes) for a, t in zip(arrays, terms, strict=True)]
    clean = []
    clean_terms = []
    for i, (a, t) in enumerate(pairs):
        keep = set(out).union(*(u for j, (_, u) in enumerate(pairs) if j != i))
        a, t = _sum_unshared(a, t, keep)
        clean.append(a)
        clean_terms.append(t)
    spec = (tuple(clean_terms), out)
    return run(einsum_op(len(clean)), clean, {"spec": spec}, None)


def _as_view(subscripts: Any, operands: Sequence[Any]) -> Tensor | None:
    """One tensor operand and no sum (diagonals and transposes only): a view of it, as in
    NumPy and MyGrad (``einsum("ii->i", x)`` writes into ``x``); otherwise ``None``."""
    if not isinstance(subscripts, str) or len(operands) != 1:
        return None
    (x,) = operands
    if not isinstance(x, Tensor):
        return None
    (term,), out, _ = _plan(subscripts, (tuple(x.shape),))
    if set(term) != set(out):
        return None
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        p = term.index(c)
        q = term.index(c, p + 1)
        params = {"offset": 0, "axis1": p, "axis2": q, "view": True}
        x = make_view(x, Link("diagonal", params))
        term = "".join(d for k, d in enumerate(term) if k not in (p, q)) + c
    if term != out:
        x = make_view(x, Link("permute_dims", {"axes": tuple(term.index(c) for c in out)}))
    elif x is operands[0]:
        x = make_view(x, Link("reshape", {"shape": tuple(x.shape)}))  # "ij->ij": a view too
    return x


def einsum(
    subscripts: Any,
    *operands: Any,
    optimize: Any = False,
    out: Tensor | None = None,
    constant: bool | None = None,
) -> Tensor:
    """Einstein summation, as :func:`numpy.einsum`, differentiable in every operand.

    Supports implicit (``'ij,jk'``) and explicit (``'ij,jk->ik'``) output, repeated labels
    within an operand (traces and diagonals: ``'ii'``, ``'ii->i'``), broadcasting with
    ``...``, any number of operands, and NumPy's interleaved form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``.

    Parameters
    ----------
    subscripts : str
        The subscripts, as for NumPy.
    *operands : Tensor or array_like
        The operands.
    optimize : bool or str, optional
        Accepted for NumPy compatibility; the contraction order is chosen automatically.
    out : Tensor, optional
        Written in place (a graph node, as in MyGrad); it must have the result's shape.
    constant : bool, optional
        ``True`` gives a constant result (no graph).

    Examples
    --------
    >>> import xgrad as xg
    >>> a = xg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = xg.tensor([1.0, -1.0])
    >>> y = xg.einsum("ij,j->i", a, b)
    >>> y.backward()
    >>> y, b.grad
    (Tensor([-1., -1.]), array([4., 6.]))
    >>> xg.einsum("ii", a)  # the trace
    Tensor(5.)
    """
    del optimize
    if out is not None:
        return _write(out, einsum(subscripts, *operands, constant=constant))
    one = operands[0] if len(operands) == 1 else None
    if isinstance(one, Tensor) and (constant is None or constant or not one._constant):
        view = _as_view(subscripts, operands)  # a view with constant= too, as the view functions
        if view is not None:
            return constant_result(view, operands) if constant and not view._constant else view
    if constant:
        with no_autodiff:
            return constant_result(_einsum(subscripts, operands), operands)
    out = _einsum(subscripts, operands)
    return nonconstant_result(out) if constant is False else out


einsum.__module__ = "xgrad"


def _write(out: Any, result: Tensor) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(
            f"einsum(..., out=...): out must be an xgrad Tensor, got {type(out).__name__}"
        )
    if tuple(out.shape) != tuple(result.shape):
        raise ValueError(
            f"einsum(..., out=...): out has shape {tuple(out.shape)}, the result "
            f"{tuple(result.shape)}"
        )
    _inplace.check_target(out, (result,), "einsum")
    return _inplace.assign(out, result, "einsum")
