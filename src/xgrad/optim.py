"""Optimizers: gradient-descent updates of parameters, on every backend and device.

``SGD`` (momentum, dampening, Nesterov, weight decay), ``Adam`` (with ``amsgrad``) and
``AdamW`` follow PyTorch's ``torch.optim`` update formulas and defaults, step for step, so the
same settings give the same numbers. Parameters are tensors; :meth:`Optimizer.step` updates
each one that has a gradient in place, under :func:`xgrad.no_autodiff` (the update is not
recorded in any graph). The tensor stays the same object, and its views follow the new
values. The optimizer's state (momentum buffers, moment estimates) is held as arrays of each
parameter's own backend and device: nothing crosses to the host.

>>> import xgrad as xg
>>> w = xg.tensor([1.0, -2.0])
>>> opt = xg.optim.SGD([w], lr=0.1)
>>> (w ** 2).sum().backward()      # gradient 2w
>>> opt.step()
>>> w
Tensor([ 0.8, -1.6])
"""

from __future__ import annotations

import abc
import math
import numbers
from collections.abc import Iterable
from typing import Any

from ._engine import STATE, no_autodiff
from ._tensor import Tensor
from .errors import TracingError

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]


class Optimizer(abc.ABC):
    """Base class: parameter groups, per-parameter state, ``step`` and ``zero_grad``.

    Parameters
    ----------
    params : iterable of Tensor, or of dict
        The tensors to optimize, or parameter groups: dicts with a ``"params"`` entry (an
        iterable of tensors) and any hyperparameters that override ``defaults`` for that
        group, as in PyTorch.
    defaults : dict
        The hyperparameters of every group that does not set its own.

    Examples
    --------
    >>> import xgrad as xg
    >>> w, b = xg.tensor([1.0]), xg.tensor([0.0])
    >>> opt = xg.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [g["lr"] for g in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        #: per-parameter state, keyed by the parameter's position in the groups
        self.state: dict[int, dict[str, Any]] = {}
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of tensors or of dicts "
                "(parameter groups), got a single Tensor; wrap it in a list: [tensor]"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a parameter group (a dict with ``"params"`` and optional hyperparameters)."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(
                f"{type(self).__name__}: a parameter group is a dict with a 'params' entry, "
                f"got {group!r}"
            )
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: parameters must be xgrad Tensors, got "
                    f"{type(p).__name__}; make one with xgrad.tensor(...)"
                )
            if p.constant:
                raise ValueError(
                    f"{type(self).__name__}: a constant tensor cannot be optimized (it never "
                    "gets a gradient); make it with constant=False"
                )
            if not p._backend.xp.isdtype(p.dtype, "real floating"):
                raise TypeError(
                    f"{type(self).__name__}: parameters must have a real floating dtype, got "
                    f"{p.dtype}"
                )
            if p._base is not None:
                raise ValueError(
                    f"{type(self).__name__}: a view of another tensor cannot be a parameter (a "
                    "step would have to write through it, and backward() disconnects views); "
                    "optimize the tensor it was taken from"
                )
            if id(p) in seen:
                raise ValueError(
                    f"{type(self).__name__}: a tensor appears in more than one place in the "
                    "parameters; list each parameter once"
                )
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown hyperparameter(s) {sorted(unknown)}; "
                f"expected some of {sorted(self.defaults)}"
            )
        full = {**self.defaults, **group, "params": params}
        self._check(full)
        self.param_groups.append(full)

    def _check(self, group: dict[str, Any]) -> None:
        for key in ("lr", "weight_decay", "momentum", "dampening", "eps"):
            if key in group:
                v = group[key]
                if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                    raise TypeError(
                        f"{type(self).__name__}: {key} must be a finite real number, got {v!r}"
                    )
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: lr must be >= 0, got {group['lr']}")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(
                f"{type(self).__name__}: weight_decay must be >= 0, got {group['weight_decay']}"
            )

    def _params(self) -> Iterable[tuple[int, Tensor, dict[str, Any]]]:
        i = 0
        for group in self.param_groups:
            for p in group["params"]:
                yield i, p, group
                i += 1

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``grad`` becomes ``None``), as
        ``Tensor.null_grad`` does; call it before each ``backward``."""
        for _, p, _ in self._params():
            p.null_grad()

    def step(self) -> None:
        """Update every parameter that has a gradient, in place and unrecorded."""
        if STATE.tracer is not None:
            raise TracingError(
                f"xgrad.compile: {type(self).__name__}.step() inside a compiled function: an "
                "optimizer updates the caller's tensors in place, which a compiled call cannot "
                "do. Compile the loss and its gradient (xgrad.compile(xgrad.func."
                "value_and_grad(loss))) and call step() outside, or leave the step uncompiled."
            )
        with no_autodiff:
            for i, p, group in self._params():
                g = p.grad
                if g is None:
                    continue
                if isinstance(g, Tensor):  # after backward(create_graph=True)
                    g = g._data
                state = self.state.setdefault(i, {})
                p.data = self._update(p._backend.xp, p._data, g, state, group)

    @abc.abstractmethod
    def _update(self, xp: Any, p: Any, g: Any, state: dict[str, Any], group: dict) -> Any:
        """The parameter's new array, from its array ``p``, gradient ``g`` and ``state``."""

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state and hyperparameters (arrays stay on their device); parameters
        are referred to by position, as in PyTorch."""
        groups, i = [], 0
        for group in self.param_groups:
            n = len(group["params"])
            groups.append({**group, "params": list(range(i, i + n))})
            i += n
        state = {k: dict(v) for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned, for an optimizer over the same
        parameters (the same number in each group)."""
        groups = state_dict["param_groups"]
        if [len(g["params"]) for g in groups] != [len(g["params"]) for g in self.param_groups]:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the saved parameter groups have "
                f"{[len(g['params']) for g in groups]} parameters, this optimizer's have "
                f"{[len(g['params']) for g in self.param_groups]}"
            )
        for mine, saved in zip(self.param_groups, groups, strict=True):
            mine.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {int(k): dict(v) for k, v in state_dict["state"].items()}

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        n = sum(len(g["params"]) for g in self.param_groups)
        return f"{type(self).__name__}({n} parameters, {hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight
    decay, as ``torch.optim.SGD``:

    ``d = g + weight_decay * p``; with momentum, ``b = d`` at the first step and then
    ``b = momentum * b + (1 - dampening) * d``, and ``d = d + momentum * b`` (Nesterov) or
    ``d = b``; finally ``p = p - lr * d``. ``maximize=True`` ascends (``g`` is negated).

    Parameters
    ----------
    params : iterable of Tensor, or of dict
        The parameters, or parameter groups (see :class:`Optimizer`).
    lr : float
        The learning rate.
    momentum, dampening, weight_decay : float
        Default 0.
    nesterov, maximize : bool
        Default ``False``. Nesterov momentum needs ``momentum > 0`` and ``dampening == 0``.

    Examples
    --------
    >>> import xgrad as xg
    >>> w = xg.tensor([1.0])
    >>> opt = xg.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w ** 2).sum().backward()      # gradient 2w
    ...     opt.step()
    >>> w                                   # 1 - 0.2 = 0.8, then 0.8 - 0.1 * (0.9 * 2 + 1.6)
    Tensor([0.46])
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        if group["momentum"] < 0:
            raise ValueError(f"SGD: momentum must be >= 0, got {group['momentum']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0")

    def _update(self, xp: Any, p: Any, g: Any, state: dict[str, Any], group: dict) -> Any:
        d = -g if group["maximize"] else g
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p
        mu = group["momentum"]
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = xp.asarray(d, copy=True)
            else:
                buf = buf * mu + (1 - group["dampening"]) * d
            state["momentum_buffer"] = buf
            d = d + mu * buf if group["nesterov"] else buf
        return p - group["lr"] * d


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (weight decay adds ``weight_decay * p`` to the gradient,
    the L2 form; :class:`AdamW` decouples it):

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2`` and, at step ``t``,
    ``p = p - lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)``; with ``amsgrad``
    the running maximum of ``v`` replaces ``v`` in the denominator.

    Parameters
    ----------
    params : iterable of Tensor, or of dict
        The parameters, or parameter groups (see :class:`Optimizer`).
    lr : float
        Default 0.001.
    betas : tuple of two floats
        ``(b1, b2)``, default ``(0.9, 0.999)``.
    eps : float
        Default 1e-8.
    weight_decay : float
        Default 0.
    amsgrad, maximize : bool
        Default ``False``.

    Examples
    --------
    >>> import xgrad as xg
    >>> w = xg.tensor([1.0, -1.0])
    >>> opt = xg.optim.Adam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()                 # Adam's first step moves each coordinate by about lr
    >>> w
    Tensor([ 0.9, -0.9])
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    _decoupled = False

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(
                f"{type(self).__name__}: betas must be a pair (beta1, beta2), got {betas!r}"
            )
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"{type(self).__name__}: betas must be in [0, 1), got {(b1, b2)}")
        if group["eps"] < 0:
            raise ValueError(f"{type(self).__name__}: eps must be >= 0, got {group['eps']}")

    def _update(self, xp: Any, p: Any, g: Any, state: dict[str, Any], group: dict) -> Any:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if group["maximize"]:
            g = -g
        if wd and self._decoupled:
            p = p * (1 - lr * wd)
        elif wd:
            g = g + wd * p
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(p)
            state["exp_avg_sq"] = xp.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        m = state["exp_avg"] = state["exp_avg"] + (1 - b1) * (g - state["exp_avg"])
        v = state["exp_avg_sq"] = state["exp_avg_sq"] * b2 + (1 - b2) * (g * g)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = xp.maximum(state["max_exp_avg_sq"], v)
        step_size = lr / (1 - b1**t)
        denom = xp.sqrt(v) / math.sqrt(1 - b2**t) + eps
        return p - step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``: each step first shrinks
    the parameter, ``p = p * (1 - lr * weight_decay)``, then takes Adam's step without the L2
    term. The default ``weight_decay`` is 0.01, PyTorch's.

    Parameters are those of :class:`Adam`.

    Examples
    --------
    >>> import xgrad as xg
    >>> w = xg.tensor([1.0])
    >>> opt = xg.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w ** 2).sum().backward()
    >>> opt.step()                 # 1 * (1 - 0.05), then Adam's step of about 0.1
    >>> w
    Tensor([0.85])
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
