"""The backend registry and selection, the base class's defaults (what a new binding
inherits), the bindings' conversions, and the NumPy memory guard's locked arrays."""

from __future__ import annotations

import copy
import importlib.util
import pickle
import sys

import numpy as np
import pytest

import xgrad as xg
from xgrad import backends
from xgrad.errors import BackendMismatchError, BackendUnavailableError, MemoryGuardError

strict = pytest.importorskip("array_api_strict")


# -- registry ----------------------------------------------------------------------------------
def test_known_backends():
    assert backends.known_backends() == ("numpy", "cupy", "array_api_strict", "dask")
    assert set(backends.available_backends()) <= set(backends.known_backends())
    assert backends.available_backends()[0] == "numpy"


def test_a_backend_is_named_by_a_string():
    with pytest.raises(TypeError, match=r"a backend is named by a string; got 3"):
        backends.load(3)
    with pytest.raises(ValueError, match=r"unknown backend 'tpu'; known backends: 'numpy', "):
        backends.load("tpu")


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_the_cupy_backend_without_cupy_says_how_to_install_it():
    with pytest.raises(BackendUnavailableError) as exc:
        backends.load("cp")
    msg = str(exc.value)
    assert msg.startswith("the 'cupy' backend needs CuPy, which is not installed (")
    assert "pip install 'xgrad[cuda12]'" in msg and "XGRAD_BACKEND=numpy" in msg
    assert "cupy" not in backends.available_backends()
    with pytest.raises(BackendUnavailableError, match="the 'cupy' backend needs CuPy"):
        xg.tensor([1.0], device="cuda")


def test_a_backend_whose_library_is_missing_is_unavailable(monkeypatch):
    monkeypatch.delitem(backends._loaded, "array_api_strict")
    monkeypatch.delitem(sys.modules, "xgrad.backends._strict")
    monkeypatch.setitem(sys.modules, "array_api_strict", None)  # `import` raises ImportError
    with pytest.raises(BackendUnavailableError) as exc:
        backends.load("strict")
    msg = str(exc.value)
    assert msg.startswith(
        "the 'array_api_strict' backend needs the 'array_api_strict' package, which is not "
        "installed ("
    )
    assert msg.endswith("Install it (`pip install array-api-strict`) or choose another backend.")


def test_backend_of_finds_a_backend_by_module_for_an_unseen_type(monkeypatch):
    arr = strict.asarray([1.0])
    monkeypatch.delitem(backends._type_to_backend, type(arr))
    assert backends.backend_of(arr) is backends.load("array_api_strict")
    assert backends.backend_of(np.float64(1.0)) is backends.load("numpy")
    assert backends.backend_of(np.dtype("float64")) is None  # from numpy, not an array
    assert backends.backend_of([1.0]) is None


# -- selection ---------------------------------------------------------------------------------
def test_a_device_no_backend_has():
    with pytest.raises(ValueError) as exc, xg.use_backend(device="tpu"):
        pass
    assert str(exc.value) == (
        "no backend has a device 'tpu': use 'cpu', 'cuda', 'cuda:N', or a device object of the "
        "backend you want"
    )


def test_use_backend_without_arguments_keeps_the_selection():
    with xg.use_backend("array_api_strict", device="device2"), xg.use_backend() as bk:
        assert bk.name == "array_api_strict"
        assert xg.get_device() == strict.Device("device2")
    with xg.use_backend("array_api_strict", device="device1"), xg.use_backend(device="cpu"):
        # the selected backend has a 'cpu' device: it keeps the selection
        assert xg.get_backend().name == "array_api_strict"
        assert xg.get_device() == strict.Device()


@pytest.mark.selects_backend
def test_set_backend_by_device_alone():
    try:
        xg.set_backend(None, device="cpu")
        assert xg.get_backend().name == "numpy" and xg.get_device() == "cpu"
        xg.set_backend(None, device=strict.Device("device2"))
        assert xg.get_backend().name == "array_api_strict"
        assert xg.tensor([1.0]).device == strict.Device("device2")
    finally:
        xg.set_backend(None)
    assert xg.get_backend().name == "numpy"


@pytest.mark.selects_backend
def test_a_bad_environment_selection_names_the_variables(monkeypatch):
    monkeypatch.setenv("XGRAD_BACKEND", "numpy")
    monkeypatch.setenv("XGRAD_DEVICE", "device7")
    with pytest.raises(ValueError) as exc:
        xg.get_backend()
    assert str(exc.value).endswith("(from XGRAD_BACKEND='numpy', XGRAD_DEVICE='device7')")
    assert "the numpy backend has one device, 'cpu'; got device='device7'" in str(exc.value)


def test_the_mismatch_error_names_the_moves():
    nb, sb = backends.load("numpy"), backends.load("array_api_strict")
    err = backends.mismatch_error(nb, sb, "add")
    assert isinstance(err, BackendMismatchError)
    msg = str(err)
    assert msg.startswith(
        "cannot combine data from the 'numpy' and 'array_api_strict' backends in add"
    )
    # a one-device backend names its device; a multi-device one whose device is unknown cannot
    assert "t.to_device('cpu', backend='numpy') puts a tensor t where the numpy operand is" in msg
    assert "t.to_device(<the array_api_strict operand's device>, backend='array_api_strict')" in msg
    err = backends.mismatch_error(sb, nb, devices=(strict.Device("device1"), None))
    assert "t.to_device('device1', backend='array_api_strict')" in str(err)
    assert " in " not in str(err).split(":")[0]


def test_mixing_backends_in_backward_and_in_comparisons():
    x = xg.tensor([1.0, 2.0])
    with xg.use_backend("array_api_strict", device="device1"):
        g = xg.tensor([1.0, 1.0])
    y = x * 2.0
    with pytest.raises(BackendMismatchError, match=r"backends in backward\(grad\)"):
        y.backward(g)
    with pytest.raises(BackendMismatchError, match=r"backends in backward\(grad\)"):
        (x * 2.0).backward(g.data)
    with pytest.raises(BackendMismatchError, match="'numpy' and 'array_api_strict' backends"):
        xg.equal(x, g)


# -- the base class: what a new binding inherits -----------------------------------------------
class _Toy(xg.Backend):
    """A minimal binding over array_api_strict's default device."""

    name = "toy"
    xp = strict
    array_types = (type(strict.asarray(0.0)),)
    array_type = type(strict.asarray(0.0))

    def default_device(self):
        return strict.Device()

    def parse_device(self, spec):
        if spec in (None, "cpu"):
            return strict.Device()
        raise ValueError(f"toy: no device {spec!r}")

    def asarray(self, obj, dtype=None, device=None, copy=None):
        return strict.asarray(obj, dtype=dtype, copy=copy)


def test_base_class_defaults():
    toy = _Toy()
    assert repr(toy) == "<xgrad backend 'toy'>"
    assert toy.version() == "unknown"
    assert toy.devices() == [strict.Device()]
    assert toy.claims_device("cpu") and not toy.claims_device("gpu")
    assert toy.device_str(strict.Device()) == str(strict.Device())
    a = strict.asarray([1.0, 2.0])
    # a library that cannot tell whether arrays overlap answers the bounds question with True
    assert toy.memory_overlap(a, strict.asarray([3.0]), max_work=0) is True
    with pytest.raises(TypeError, match="the toy backend cannot tell whether two arrays share"):
        toy.memory_overlap(a, a)
    assert toy.lock([a]) is None
    r = toy.fix_result(2.5)
    assert isinstance(r, toy.array_type) and r.shape == ()
    s = toy.scatter_set(a, 1, 5.0)
    assert s[1] == 5.0 and a[1] == 2.0  # a copy
    assert toy.getitem(a, 0) == 1.0
    assert toy.is_contiguous(a) and toy.shares_memory(a, a)
    assert toy.owned(a) is a and toy.user_array(a) is a
    assert toy.indices_in_range(a, 3) is None
    np.testing.assert_array_equal(
        np.asarray(toy.positive_part(strict.asarray([-1.0, 2.0]))), [0, 2]
    )


# -- the bindings ------------------------------------------------------------------------------
def test_versions_and_reprs():
    assert backends.load("numpy").version() == np.__version__
    assert backends.load("array_api_strict").version() == strict.__version__


def test_numpy_to_device():
    nb = backends.load("numpy")
    a = np.ones(2)
    moved = nb.to_device(a, "cpu")
    np.testing.assert_array_equal(moved, a)
    assert not np.shares_memory(moved, a)
    with pytest.raises(
        ValueError, match="the numpy backend has one device, 'cpu'; got device='cuda'"
    ):
        nb.to_device(a, "cuda")


def test_strict_asarray_copies_onto_another_device():
    sb = backends.load("array_api_strict")
    a = strict.asarray([1.0, 2.0], device=strict.Device("device1"))
    b = sb.asarray(a, device="device2")
    assert b.device == strict.Device("device2") and a.device == strict.Device("device1")
    c = sb.asarray(a, device="device1")
    assert c.device == strict.Device("device1")
    with pytest.raises(ValueError, match="array_api_strict has the devices 'cpu'"):
        sb.asarray(a, device="device9")


def test_strict_setitem_with_a_boolean_mask(xb):
    if xb.name != "strict":
        pytest.skip("array_api_strict's scatter")
    x = xg.tensor([1.0, 2.0, 3.0])
    y = x * 1.0
    y[xb.array([True, False, True])] = 0.0
    np.testing.assert_array_equal(xb.host(y), [0.0, 2.0, 0.0])
    (y * xg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(xb.host(x.grad), [0.0, 2.0, 0.0])


# -- NumPy: arrays the memory guard locked -----------------------------------------------------
def _locked():
    x = xg.tensor([1.0, 0.0, 3.0])
    y = x * x  # the graph holds x's memory
    return x, y, x.data


def test_locked_array_reads_give_plain_arrays():
    _, _, d = _locked()
    assert type(d).__name__ == "LockedArray"
    for made in (
        d.astype(np.float32),
        copy.copy(d),
        copy.deepcopy(d),
        pickle.loads(pickle.dumps(d)),
    ):
        assert type(made) is np.ndarray
        np.testing.assert_array_equal(made, [1.0, 0.0, 3.0])
    nz = np.nonzero(d)
    assert isinstance(nz, tuple) and type(nz[0]) is np.ndarray
    np.testing.assert_array_equal(nz[0], [0, 2])
    q, _ = np.divmod(d, 2.0)
    np.testing.assert_array_equal(q, [0.0, 0.0, 1.0])


def test_locked_array_ufunc_out_into_a_plain_array():
    _, _, d = _locked()
    o = np.empty(3)
    assert np.add(d, 1.0, out=o) is o
    np.testing.assert_array_equal(o, [2.0, 1.0, 4.0])
    q, r = np.empty(3), np.empty(3)
    res = np.divmod(d, 2.0, out=(q, r))
    assert res[0] is q and res[1] is r
    np.testing.assert_array_equal(r, [1.0, 0.0, 1.0])


def test_locked_array_refuses_writes_until_backward():
    x, y, d = _locked()
    for write in (lambda: d.fill(0.0), lambda: d.sort(), lambda: d.put(0, 5.0)):
        with pytest.raises(MemoryGuardError, match="assignment destination is read-only: xgrad's"):
            write()
    with pytest.raises(MemoryGuardError):
        np.add(d, 1.0, out=d)
    with pytest.raises(MemoryGuardError):
        np.add.at(d, [0], 1.0)
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 6.0])
    d.fill(4.0)  # released: writes go through to the tensor
    np.testing.assert_array_equal(x.numpy(), [4.0, 4.0, 4.0])


def test_available_backends_skips_a_library_that_is_present_but_cannot_run(monkeypatch):
    real = importlib.util.find_spec
    fake_spec = real("numpy")  # any spec: CuPy "looks installed"

    def find_spec(name, *args):
        return fake_spec if name == "cupy" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setitem(sys.modules, "cupy", None)  # but importing it fails
    names = backends.available_backends()
    assert "cupy" not in names and names[0] == "numpy"


def test_a_device_name_loads_array_api_strict_on_first_use(monkeypatch):
    # a fresh registry, as in a process that has not used array_api_strict yet
    for attr in ("_loaded", "_namespace_to_backend", "_type_to_backend"):
        table = dict(getattr(backends, attr))
        if attr == "_loaded":
            table.pop("array_api_strict")
        else:
            for key in [k for k, v in table.items() if v.name == "array_api_strict"]:
                del table[key]
        monkeypatch.setattr(backends, attr, table)
    arr = strict.asarray([1.0])
    assert backends.backend_of(arr).name == "array_api_strict"  # found by its module
    monkeypatch.delitem(backends._loaded, "array_api_strict")
    with xg.use_backend(device="device2") as bk:
        assert bk.name == "array_api_strict"
        assert xg.get_device() == strict.Device("device2")
