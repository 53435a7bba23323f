"""``check_grads``: compare a function's derivatives with float64 finite differences.

The same checker runs over every row of xgrad's own op-test table (first and second order,
reverse and forward mode), and is public so that users can check their own functions and
custom ops the same way.

For small inputs the whole Jacobian is compared with a finite-difference Jacobian; for large
inputs, random projections: ``J v`` along random directions ``v`` (forward mode) and
``u^T J v`` (reverse mode). Higher orders check the derivative functions themselves.
Finite differences are computed on the inputs' backend and device; results are copied to
the host only to be compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import backends as _backends
from . import func as _func
from ._tensor import Tensor
from ._transfer import to_numpy
from .func._tree import _flatten, _unflatten

__all__ = ["check_grads"]


def _leaves(out: Any) -> list[Any]:
    leaves, _ = _flatten(out)
    return leaves


def _as_array(v: Any) -> Any:
    """A float64 array on the value's own backend and device."""
    if isinstance(v, Tensor):
        bk, data = v._backend, v._data
    else:
        bk = _backends.backend_of(v)
        if bk is None:
            bk = _backends.current()[0]
            data = bk.asarray(v)
        else:
            data = v
    f64 = bk.dtype("float64")
    return data if data.dtype == f64 else bk.xp.astype(data, f64)


def _host(v: Any) -> np.ndarray:
    return np.asarray(to_numpy(v._data if isinstance(v, Tensor) else v), dtype=np.float64)


def _evaluate(f: Callable[..., Any], args: Sequence[Any]) -> list[np.ndarray]:
    # on constant tensors (f is written for tensors), and not under no_autodiff: f may itself
    # differentiate (the derivative functions checked at higher orders call vjp and jvp)
    return [_host(o) for o in _leaves(_call(f, args))]


def _call(f: Callable[..., Any], args: Sequence[Any]) -> Any:
    return f(*[Tensor(a, copy=False, constant=True) for a in args])


def _random_like(a: Any, rng: np.random.Generator) -> Any:
    bk = _backends.backend_of(a)
    host = rng.standard_normal(tuple(a.shape))
    return bk.asarray(host, dtype=a.dtype, device=bk.device_of(a))


def _shift(args: Sequence[Any], dirs: Sequence[Any], h: float) -> list[Any]:
    return [a + h * d for a, d in zip(args, dirs, strict=True)]


def _fd_jvp(f: Callable[..., Any], args: Sequence[Any], dirs: Sequence[Any], eps: float) -> list:
    plus = _evaluate(f, _shift(args, dirs, eps))
    minus = _evaluate(f, _shift(args, dirs, -eps))
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus, strict=True)]


def _close(
    got: Sequence[np.ndarray], want: Sequence[np.ndarray], rtol: float, atol: float, what: str
) -> None:
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        scale = max(1.0, float(np.max(np.abs(w), initial=0.0)))
        np.testing.assert_allclose(
            g, w, rtol=rtol, atol=atol * scale, err_msg=f"{what}, output {k}"
        )


def _basis_dirs(args: Sequence[Any], k: int) -> list[Any]:
    """The k-th unit vector over all inputs flattened together."""
    out = []
    offset = 0
    for a in args:
        bk = _backends.backend_of(a)
        n = math.prod(a.shape)
        flat = bk.xp.zeros((n,), dtype=a.dtype, device=bk.device_of(a))
        if offset <= k < offset + n:
            flat = bk.scatter_set(flat, (k - offset,), 1.0)
        out.append(bk.xp.reshape(flat, tuple(a.shape)))
        offset += n
    return out


def _directions(
    args: Sequence[Any], rng: np.random.Generator, max_full: int, n_projections: int
) -> list[list[Any]]:
    total = sum(math.prod(a.shape) for a in args)
    if total <= max_full:
        return [_basis_dirs(args, k) for k in range(total)]
    return [[_random_like(a, rng) for a in args] for _ in range(n_projections)]


def _check_fwd(
    f: Callable[..., Any],
    args: list,
    dirs: list[list[Any]],
    eps: float,
    rtol: float,
    atol: float,
    what: str,
) -> None:
    for v in dirs:
        _, tangent = _func.jvp(f, tuple(args), tuple(v), allow_unused=True)
        got = [_host(t) for t in _leaves(tangent)]
        _close(got, _fd_jvp(f, args, v, eps), rtol, atol, f"{what}: forward mode (jvp)")


def _check_rev(
    f: Callable[..., Any],
    args: list,
    dirs: list[list[Any]],
    eps: float,
    rtol: float,
    atol: float,
    what: str,
    rng: np.random.Generator,
) -> None:
    out, vjp_fn = _func.vjp(f, *args, allow_unused=True)
    outs = _leaves(out)
    cots = [_random_like(_as_array(o), rng) for o in outs]
    cot = _unflatten(_flatten(out)[1], cots)
    grads = vjp_fn(cot)
    for v in dirs:
        fd = _fd_jvp(f, args, v, eps)
        want = sum(float(np.sum(_host(c) * d)) for c, d in zip(cots, fd, strict=True))
        got = sum(float(np.sum(_host(g) * _host(d))) for g, d in zip(grads, v, strict=True))
        scale = max(1.0, abs(want))
        if not abs(got - want) <= atol * scale + rtol * abs(want):
            raise AssertionError(
                f"{what}: reverse mode (vjp): u^T J v = {got!r}, but finite differences give "
                f"{want!r}"
            )


def check_grads(
    f: Callable[..., Any],
    *args: Any,
    order: int = 2,
    modes: Sequence[str] = ("rev", "fwd"),
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    max_full: int = 16,
    n_projections: int = 3,
    seed: int = 0,
) -> None:
    """Check ``f``'s derivatives up to ``order`` against central finite differences.

    Parameters
    ----------
    f : callable
        Takes ``args`` (tensors, arrays or numbers) and returns a tensor or a pytree of them.
    order : int
        Check the derivatives of the derivatives too, up to this order.
    modes : sequence of {"rev", "fwd"}
        Reverse mode (``vjp``) and/or forward mode (``jvp``).
    eps, rtol, atol : float
        Finite-difference step (on float64 copies of the inputs) and tolerances; ``atol`` is
        scaled by the size of the expected values.
    max_full : int
        Inputs with at most this many elements in all are checked on the whole Jacobian;
        larger ones on ``n_projections`` random directions.

    Raises
    ------
    AssertionError
        Naming the mode and order that disagreed.

    Examples
    --------
    >>> import xgrad as xg
    >>> from xgrad.testing import check_grads
    >>> check_grads(lambda x: xg.sin(x) * x ** 2, xg.asarray([0.5, 1.5]), order=2)
    """
    if order < 1:
        raise ValueError("check_grads: order must be at least 1")
    for mode in modes:
        if mode not in ("rev", "fwd"):
            raise ValueError(f"check_grads: unknown mode {mode!r}; use 'rev' and/or 'fwd'")
    rng = np.random.default_rng(seed)
    arrays = [_as_array(a) for a in args]
    _check(f, arrays, order, tuple(modes), eps, rtol, atol, max_full, n_projections, rng, 1)


def _check(
    f: Callable[..., Any],
    args: list,
    order: int,
    modes: tuple,
    eps: float,
    rtol: float,
    atol: float,
    max_full: int,
    n_projections: int,
    rng: np.random.Generator,
    level: int,
) -> None:
    dirs = _directions(args, rng, max_full, n_projections)
    what = f"order {level}"
    if "fwd" in modes:
        _check_fwd(f, args, dirs, eps, rtol, atol, what)
    if "rev" in modes:
        _check_rev(f, args, dirs, eps, rtol, atol, what, rng)
    if order == 1:
        return
    if "fwd" in modes:
        v = [_random_like(a, rng) for a in args]

        def f_jvp(*xs: Any, _v: list = v) -> Any:
            return _func.jvp(f, xs, tuple(_v), allow_unused=True)[1]

        _check(
            f_jvp,
            args,
            order - 1,
            ("fwd",),
            eps,
            rtol * 10,
            atol * 10,
            max_full,
            n_projections,
            rng,
            level + 1,
        )
    if "rev" in modes:
        out = _call(f, args)
        cots = [_random_like(_as_array(o), rng) for o in _leaves(out)]
        tree = _flatten(out)[1]

        def f_vjp(*xs: Any, _c: list = cots) -> Any:
            return _func.vjp(f, *xs, allow_unused=True)[1](_unflatten(tree, _c))

        _check(
            f_vjp,
            args,
            order - 1,
            ("rev",),
            eps,
            rtol * 10,
            atol * 10,
            max_full,
            n_projections,
            rng,
            level + 1,
        )
