"""Pytrees, the differentiated inputs, and the helpers every transform shares."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any

from .. import _autograd
from .. import backends as _backends
from .._engine import STATE, recording
from .._forward import tangents_of
from .._tensor import Tensor, make_tensor
from ..errors import DisconnectedGradientError
from ..ops import FUNCTIONS


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


# -- inside no_autodiff ------------------------------------------------------------------------
def transform(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Make transform ``fn`` work inside ``no_autodiff`` as it does outside (as torch.func's
    transforms ignore an enclosing ``torch.no_grad``): it records its own computation, and
    returns values cut from any graph, as ``no_autodiff`` would have made them. A function
    being transformed may still use ``no_autodiff`` itself; what it computes there is not
    differentiated."""
    detaching = detached_results(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if STATE.enabled:
            return fn(*args, **kwargs)
        return detaching(*args, **kwargs)

    return wrapper


def detached_results(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` run with recording on, its results (pytrees) cut from their graphs."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with recording(True):
            return detach(fn(*args, **kwargs))

    return run


def detach(obj: Any) -> Any:
    """The pytree ``obj`` with its tensors cut from their graphs."""
    leaves, tree = _flatten(obj)
    return _unflatten(tree, [_cut(v) for v in leaves])


def _cut(v: Any) -> Any:
    if isinstance(v, Tensor) and v._node is not None:
        return make_tensor(v._data, v._backend, None, v._constant)
    return v


# -- inputs and outputs ------------------------------------------------------------------------
class _Inputs:
    """The differentiated arguments, turned into tensors we can take derivatives against."""

    def __init__(self, args: Sequence[Any], argnums: tuple[int, ...], what: str) -> None:
        self.args = list(args)
        self.argnums = argnums
        self.what = what
        self.trees: list[Any] = []
        self.leaves: list[Tensor] = []  # one per differentiated leaf, in order
        self.counts: list[int] = []
        self.owners: list[int] = []  # the argnum of each leaf
        self.as_tensors = False  # give results as tensors (the arguments were tensors)
        self.record = False  # record the derivative computation (nested transforms)
        self.foreign: list[Any] = []  # other variables the outputs depend on
        for i in argnums:
            leaves, tree = _flatten(self.args[i])
            self.trees.append(tree)
            self.counts.append(len(leaves))
            self.owners.extend([i] * len(leaves))
            prepared = [self._prepare(v, i, what) for v in leaves]
            self.leaves.extend(prepared)
            self.args[i] = _unflatten(tree, prepared)

    def _prepare(self, v: Any, argnum: int, what: str) -> Tensor:
        if v is None:
            raise TypeError(
                f"{what}: argument {argnum} holds None; differentiated arguments must be "
                "numbers, arrays or tensors (or tuples, lists and dicts of them). Leave it "
                "out of argnums, or close over it."
            )
        if isinstance(v, Tensor):
            self.as_tensors = True
            _check_float(v, argnum, what)
            if not v.constant or tangents_of(v):
                self.record = True
                # a node of our own, linked to the outer graph; using v in an op clears its
                # stale .grad (MyGrad's rule for ops), but a transform touches no .grad
                node = v._leaf_or_node()
                kept = node._grad
                out = FUNCTIONS["positive"](v)
                node._grad = kept
                return out
            return Tensor(v, copy=False, constant=False)
        t = Tensor(v, copy=False)
        _check_float(t, argnum, what)
        return Tensor(t, copy=False, constant=False)

    def nodes(self) -> list[Any]:
        return [t._leaf_or_node() for t in self.leaves]

    def close(self) -> None:
        """The transform is done: the leaves it made for its arguments are no variables an
        enclosing transform should see (see :meth:`find_foreign`)."""
        for t in self.leaves:
            node = t._node
            if node is not None and node.op is None:
                node.params = _autograd.PRIVATE

    def find_foreign(self, outs: Sequence[Any]) -> None:
        """Note the variables besides the arguments that ``outs`` depend on: tensors the
        function closed over, or an enclosing transform's inputs. If there are any, the
        derivative computation is recorded, so that it can in turn be differentiated with
        respect to them (``grad(lambda x: x * grad(lambda y: x * y)(3.0))``, gradient
        penalties)."""
        roots = [o._leaf_or_node() for o in outs if isinstance(o, Tensor) and not o.constant]
        self.foreign = _autograd.sources(roots, self.nodes()) if roots else []
        if self.foreign:
            self.record = True

    def result(self, value: Any) -> Any:
        """A value or derivative as the caller should see it: a tensor when the arguments
        were tensors or when it depends on other variables (see :meth:`find_foreign`), a
        plain backend array otherwise."""
        if value is None:
            return None
        if isinstance(value, Tensor):
            if self.as_tensors:
                return value
            if (
                self.foreign
                and not value.constant
                and _autograd.connected([value._leaf_or_node()], self.foreign)[0]
            ):
                return value
            return value._data
        if self.as_tensors:
            return make_tensor(value, _backends.backend_of(value), None, True)
        return value

    def split(self, values: Sequence[Any]) -> list[Any]:
        """Per argnum, the pytree of ``values`` (one per leaf)."""
        out, i = [], 0
        for tree, n in zip(self.trees, self.counts, strict=True):
            out.append(_unflatten(tree, values[i : i + n]))
            i += n
        return out

    def unused(self, k: int) -> DisconnectedGradientError:
        """The error for a leaf ``k`` that no output depends on."""
        arg = self.owners[k]
        return _disconnected(self.what, "the function's output", f"argument {arg}")


def _check_float(t: Tensor, argnum: int, what: str) -> None:
    if not t._backend.xp.isdtype(t.dtype, "real floating"):
        raise TypeError(
            f"{what}: argument {argnum} has dtype {t.dtype}; only floating-point arguments "
            "can be differentiated (pass float data, e.g. 2.0 rather than 2)"
        )


def _argnums(argnums: Any, nargs: int, what: str) -> tuple[tuple[int, ...], bool]:
    single = not isinstance(argnums, (tuple, list))
    nums = (argnums,) if single else tuple(argnums)
    if not nums:
        raise ValueError(f"{what}: argnums must name at least one argument")
    out = []
    for n in nums:
        if isinstance(n, bool) or not hasattr(n, "__index__"):
            raise TypeError(f"{what}: argnums must be an int or a tuple of ints, got {argnums!r}")
        n = operator.index(n)
        if not -nargs <= n < nargs:
            raise ValueError(
                f"{what}: argnums={argnums!r} is out of range for a call with {nargs} positional "
                f"argument(s)"
            )
        out.append(n % nargs)
    if len(set(out)) != len(out):
        raise ValueError(f"{what}: argnums={argnums!r} names an argument twice")
    return tuple(out), single


def _output(out: Any, what: str, index: str = "", *, allow_unused: bool = False) -> Tensor:
    if isinstance(out, Tensor):
        return out
    if allow_unused and (
        isinstance(out, (int, float)) or _backends.backend_of(out) is not None
    ):  # a constant: every derivative is zero
        return Tensor(out, copy=False, constant=True)
    name = f"output{index} of the function" if index else "the function's output"
    if isinstance(out, tuple) and not index:
        raise TypeError(
            f"{what}: the function returned a tuple, not a tensor. If its second item is "
            "auxiliary data, pass has_aux=True; for several outputs use "
            "xgrad.func.jacobian or xgrad.func.vjp."
        )
    raise DisconnectedGradientError(
        f"{what}: {name} is a {type(out).__name__}, not a tensor, so it does not depend on the "
        "arguments. Did the function call float(), .item(), .data or .numpy() on a tensor? "
        "Keep the computation on tensors (or pass allow_unused=True if it is a constant)."
    )


def _split_aux(out: Any, what: str) -> tuple[Any, Any]:
    if not (isinstance(out, tuple) and len(out) == 2):
        raise ValueError(
            f"{what}(..., has_aux=True): the function must return a pair (output, aux); "
            f"it returned a {type(out).__name__}"
        )
    return out


def _disconnected(what: str, which: str, arg: str = "the differentiated argument(s)") -> Any:
    return DisconnectedGradientError(
        f"{what}: {which} does not depend on {arg}: no path in the "
        "graph connects them (did the function call .data, float() or .item() on a tensor, "
        "compute it inside xgrad.no_autodiff, or ignore the argument?). If the derivative is "
        "genuinely zero (an unused argument, or a derivative of a linear function), pass "
        "allow_unused=True to get zeros."
    )


def _seed(out: Tensor, record: bool) -> Any:
    ones = out._backend.xp.ones_like(out._data)
    return make_tensor(ones, out._backend, None, True) if record else ones


def _zeros_for(leaf: Tensor, record: bool) -> Any:
    z = leaf._backend.xp.zeros_like(leaf._data)
    return make_tensor(z, leaf._backend, None, True) if record else z


def _same_backend(bk: Any, value: Any, what: str, device: Any = None) -> None:
    """Tangents and cotangents must live where their primals do: never moved silently."""
    other = value._backend if isinstance(value, Tensor) else _backends.backend_of(value)
    if other is not None and other is not bk:
        dev = value.device if isinstance(value, Tensor) else other.device_of(value)
        raise _backends.mismatch_error(bk, other, what, devices=(device, dev))
