"""The type of xgrad's tensor namespaces (kept apart so that op modules can recognise one
without importing the namespace builder)."""

from __future__ import annotations

import types


class TensorNamespace(types.SimpleNamespace):
    """An array-API namespace whose functions take and return xgrad Tensors."""
