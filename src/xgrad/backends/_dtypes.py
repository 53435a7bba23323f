"""Which dtypes xgrad accepts, and the error for the ones it does not (yet)."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_dtype_supported(dtype: Any) -> None:
    """Raise ``TypeError`` for dtypes xgrad cannot differentiate or hold.

    Accepts NumPy dtypes (NumPy and CuPy use them). Booleans, integers and real floats are
    supported; complex numbers are not yet; object, string and time data never are.
    """
    kind = np.dtype(dtype).kind
    if kind in "biuf":
        return
    if kind == "c":
        raise TypeError(
            f"complex data (dtype {dtype}) is not supported yet: xgrad differentiates real "
            "floating-point data. Split it into real and imaginary parts."
        )
    raise TypeError(
        f"xgrad tensors hold numbers only; got data of dtype {np.dtype(dtype)!s} "
        "(object, string or time data). Convert it to a numeric array first."
    )
