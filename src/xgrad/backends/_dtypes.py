"""Which dtypes xgrad accepts, and the error for the ones it does not (yet)."""

from __future__ import annotations

from typing import Any

import numpy as np

_NUMERIC = ("bool", "integral", "real floating")
#: array-API dtype kinds as NumPy's one-letter ``dtype.kind`` codes
_KIND_CODES = {
    "bool": "b",
    "integral": "iu",
    "real floating": "f",
    _NUMERIC: "biuf",
}


def dtype_is(xp: Any, dtype: Any, kind: str | tuple[str, ...]) -> bool:
    """``xp.isdtype(dtype, kind)``, through NumPy's ``dtype.kind`` letter where the dtype has
    one (NumPy and CuPy dtypes: ten times cheaper, which counts in ops' hot paths)."""
    code = getattr(dtype, "kind", None)
    if code is not None:
        return code in _KIND_CODES[kind]
    try:
        return bool(xp.isdtype(dtype, kind))
    except (TypeError, ValueError):  # object, string and time dtypes
        return False


def check_array_dtype(xp: Any, arr: Any, where: str) -> None:
    """Raise ``TypeError`` (prefixed with ``where``) unless ``arr`` holds booleans, integers
    or real floats; works for the dtypes of every array-API namespace."""
    dtype = arr.dtype
    if dtype_is(xp, dtype, _NUMERIC):
        return
    try:
        check_dtype_supported(dtype)
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from None
    raise TypeError(f"{where}: unsupported dtype {dtype}")


def check_dtype_supported(dtype: Any) -> None:
    """Raise ``TypeError`` for dtypes xgrad cannot differentiate or hold.

    Accepts NumPy dtypes (NumPy and CuPy use them). Booleans, integers and real floats are
    supported; complex numbers are not yet; object, string and time data never are.
    """
    try:
        kind = np.dtype(dtype).kind
    except TypeError:  # another library's dtype object: judge by its name
        name = str(dtype)
        numeric = name.startswith(("float", "int", "uint", "bool"))
        kind = "c" if "complex" in name else ("f" if numeric else "O")
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
