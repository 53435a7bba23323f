"""Function transforms: ``grad``, ``value_and_grad``, ``jacobian`` (``jacrev``, ``jacfwd``),
``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``elementwise_grad``, as in JAX, PyTorch's
``torch.func`` and HIPS autograd.

Arguments and outputs may be tensors, arrays of any backend, Python numbers, or tuples, lists
and dicts of them. Results live on the inputs' backend and device: plain arrays when the
differentiated arguments were arrays or numbers, tensors when they were tensors. Transforms
nest (``grad(grad(f))``, ``jacfwd(jacrev(f))``): a transform given tensors that are part of an
outer computation records its own derivative computation, so the outer one can differentiate
it.

Reverse mode back-propagates through the recorded graph (``xgrad._autograd``); forward
mode carries tangents through the forward pass (``xgrad._forward``), one JVP rule per op.
Neither touches any tensor's ``.grad``.
"""

from __future__ import annotations

from ._forward_mode import hvp, jvp
from ._jacobians import hessian, jacfwd, jacobian, jacrev
from ._reverse import elementwise_grad, grad, value_and_grad, vjp

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
