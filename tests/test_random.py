"""xgrad.random: MyGrad's functions against mygrad.random itself (NumPy's global state), the
Generator against numpy.random.default_rng, placement on every backend, and the errors."""

from __future__ import annotations

import inspect
from typing import Any

import mygrad as mg
import mygrad.random
import numpy as np
import pytest

import xgrad as xg
from xgrad.backends._random import HostRandom
from xgrad.errors import BackendMismatchError, DeviceMismatchError


def _np_seed(s: int) -> None:
    np.random.seed(s)  # noqa: NPY002 (the global state MyGrad draws from)


def _np_next() -> float:
    return np.random.random_sample()  # noqa: NPY002


# -- MyGrad's eight functions -------------------------------------------------------------------
SHAPED = ["random", "random_sample", "ranf", "sample"]
SHAPES = [None, 3, (), (2, 3), (2, 0, 4), (1, 2, 3, 2)]
DIMS = [(), (3,), (2, 3), (2, 0), (1, 2, 3, 2)]
RANDINT = [
    ((5,), {}),
    ((1, 7), {"shape": (2, 5)}),
    ((-10, 10), {"shape": 4, "dtype": "int32"}),
    ((0, 200), {"shape": (3, 2), "dtype": np.uint8}),
    ((np.array([1, 10, 100]),), {"shape": (2, 3)}),
]


def _same(x: xg.Tensor, m: mg.Tensor) -> None:
    assert x.shape == m.shape
    assert x.dtype == m.dtype
    assert x.constant is m.constant
    np.testing.assert_array_equal(x.data, m.data)


@pytest.mark.parametrize("name", SHAPED)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("constant", [None, True, False])
def test_shape_functions_give_mygrads_numbers(name: str, shape: Any, constant: Any) -> None:
    _np_seed(7)
    m = getattr(mygrad.random, name)(shape, constant=constant)
    after_mygrad = _np_next()
    _np_seed(7)
    x = getattr(xg.random, name)(shape, constant=constant)
    _same(x, m)
    assert _np_next() == after_mygrad  # the global state moved on exactly as MyGrad's


@pytest.mark.parametrize("name", ["rand", "randn"])
@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("constant", [None, True])
def test_rand_and_randn_give_mygrads_numbers(name: str, dims: tuple, constant: Any) -> None:
    _np_seed(3)
    m = getattr(mygrad.random, name)(*dims, constant=constant)
    after_mygrad = _np_next()
    _np_seed(3)
    x = getattr(xg.random, name)(*dims, constant=constant)
    _same(x, m)
    assert _np_next() == after_mygrad


@pytest.mark.parametrize(("args", "kwargs"), RANDINT)
def test_randint_gives_mygrads_numbers(args: tuple, kwargs: dict) -> None:
    _np_seed(11)
    m = mygrad.random.randint(*args, **kwargs)
    _np_seed(11)
    x = xg.random.randint(*args, **kwargs)
    _same(x, m)
    assert x.constant


@pytest.mark.parametrize("seed", [0, 1, 12345, [1, 2, 3]])
def test_seed_is_numpys_and_mygrads(seed: Any) -> None:
    mygrad.random.seed(seed)
    m = mygrad.random.random((4,))
    xg.random.seed(seed)
    x = xg.random.random((4,))
    np.testing.assert_array_equal(x.data, m.data)
    xg.random.seed(seed)
    np.testing.assert_array_equal(np.random.random_sample(4), m.data)  # noqa: NPY002


def test_the_functions_have_mygrads_signatures() -> None:
    assert sorted(xg.random.__all__) == sorted([*mygrad.random.__all__, "Generator", "default_rng"])
    for name in mygrad.random.__all__:
        ours = inspect.signature(getattr(xg.random, name)).parameters
        theirs = inspect.signature(getattr(mygrad.random, name)).parameters
        assert [(p.name, p.kind, p.default) for p in ours.values()] == [
            (p.name, p.kind, p.default) for p in theirs.values()
        ], name


@pytest.mark.parametrize(
    "draw",
    [
        lambda: xg.random.rand(2, 3),
        lambda: xg.random.randn(2, 3),
        lambda: xg.random.random((2, 3)),
        lambda: xg.random.random_sample((2, 3)),
        lambda: xg.random.ranf((2, 3)),
        lambda: xg.random.sample((2, 3)),
        lambda: xg.random.randint(0, 9, (2, 3)),
    ],
)
def test_functions_place_the_sample_on_the_default_backend_and_device(xb: Any, draw: Any) -> None:
    _np_seed(5)
    with xg.use_backend("numpy"):
        expected = draw().data
    _np_seed(5)
    t = draw()
    assert t._backend is xb.backend
    assert t.device == xb.device
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(xb.host(t), expected)


def test_float_samples_are_differentiable(xb: Any) -> None:
    w = xg.random.rand(3)
    assert not w.constant
    (w * w).sum().backward()
    np.testing.assert_allclose(xb.host(w.grad), 2 * xb.host(w))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: xg.random.rand(-1), ValueError, r"negative dimensions are not allowed.*\(-1,\)"),
        (lambda: xg.random.randn(2, -3), ValueError, "negative dimensions"),
        (lambda: xg.random.rand((2, 3)), TypeError, r"separate ints \(rand\(2, 3\)\)"),
        (lambda: xg.random.randn(2.5), TypeError, "separate ints"),
        (lambda: xg.random.random((2, -1)), ValueError, r"random: negative.*\(2, -1\)"),
        (lambda: xg.random.sample(2.5), TypeError, "a shape is an int or a tuple of ints"),
        (lambda: xg.random.ranf("3"), TypeError, "a shape is an int or a tuple of ints"),
        (lambda: xg.random.randint(3, shape=-2), ValueError, "randint: negative"),
        (lambda: xg.random.randint(5, 2), ValueError, "low >= high"),
    ],
)
def test_bad_arguments_raise_clearly(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_bad_arguments_raise_what_mygrad_raises() -> None:
    for name, args in [("rand", (-1,)), ("random", ((2, -1),)), ("randn", (2.5,))]:
        with pytest.raises(Exception) as theirs:
            getattr(mygrad.random, name)(*args)
        with pytest.raises(theirs.type):
            getattr(xg.random, name)(*args)


# -- the Generator ------------------------------------------------------------------------------
GEN_CASES = [
    ("random", (), {"shape": (3, 4)}, lambda r: r.random((3, 4))),
    ("random", (), {}, lambda r: r.random()),
    ("random", (), {"shape": 5, "dtype": "float32"}, lambda r: r.random(5, dtype=np.float32)),
    ("standard_normal", (), {"shape": (2, 3)}, lambda r: r.standard_normal((2, 3))),
    (
        "standard_normal",
        (),
        {"shape": 4, "dtype": np.float32},
        lambda r: r.standard_normal(4, dtype=np.float32),
    ),
    ("normal", (1.5, 0.25), {"shape": (3, 3)}, lambda r: r.normal(1.5, 0.25, (3, 3))),
    ("normal", (), {"shape": 7}, lambda r: r.normal(size=7)),
    ("normal", (-1.0, 3.0), {}, lambda r: r.normal(-1.0, 3.0)),  # 0-d
    ("uniform", (), {}, lambda r: r.uniform()),
    ("uniform", (-2.0, 3.0), {"shape": (2, 5)}, lambda r: r.uniform(-2.0, 3.0, (2, 5))),
    ("uniform", (1.0, 1.0), {"shape": 6}, lambda r: r.uniform(1.0, 1.0, 6)),
    ("integers", (10,), {"shape": (4, 4)}, lambda r: r.integers(10, size=(4, 4))),
    (
        "integers",
        (-5, 5),
        {"shape": 9, "endpoint": True, "dtype": "int16"},
        lambda r: r.integers(-5, 5, 9, dtype=np.int16, endpoint=True),
    ),
    (
        "integers",
        (0, 255),
        {"shape": 9, "endpoint": True, "dtype": "uint8"},
        lambda r: r.integers(0, 255, 9, dtype=np.uint8, endpoint=True),
    ),
    ("permutation", (10,), {}, lambda r: r.permutation(10)),
]


@pytest.mark.parametrize(("method", "args", "kwargs", "numpy_call"), GEN_CASES)
@pytest.mark.parametrize("seed", [0, 2024])
def test_generator_gives_numpys_default_rng_numbers(
    method: str, args: tuple, kwargs: dict, numpy_call: Any, seed: int
) -> None:
    rng = xg.random.default_rng(seed)
    t = getattr(rng, method)(*args, **kwargs)
    ref = np.random.default_rng(seed)
    expected = np.asarray(numpy_call(ref))
    assert t.dtype == expected.dtype
    assert t.shape == expected.shape
    np.testing.assert_array_equal(t.data, expected)
    # the next draw agrees too: each method consumed what NumPy's does
    np.testing.assert_array_equal(rng.random(3).data, ref.random(3))


@pytest.mark.parametrize(("method", "args", "kwargs", "numpy_call"), GEN_CASES)
def test_generator_places_tensors_on_its_backend_and_device(
    xb: Any, method: str, args: tuple, kwargs: dict, numpy_call: Any
) -> None:
    t = getattr(xg.random.default_rng(99), method)(*args, **kwargs)
    assert t._backend is xb.backend
    assert t.device == xb.device
    expected = np.asarray(numpy_call(np.random.default_rng(99)))
    assert t.shape == expected.shape
    assert str(t.dtype).rsplit(".", 1)[-1] == expected.dtype.name
    if xb.name != "cupy":  # CuPy draws with cuRAND on the GPU: other numbers
        np.testing.assert_array_equal(xb.host(t), expected)


@pytest.mark.parametrize("seed", [0, 1, 31337])
def test_same_seed_same_numbers_on_numpy_and_array_api_strict(seed: int) -> None:
    a = xg.random.default_rng(seed, backend="numpy")
    b = xg.random.default_rng(seed, backend="array_api_strict", device="device1")
    for draw in (
        lambda r: r.random((3, 2)),
        lambda r: r.normal(2.0, 3.0, 5),
        lambda r: r.uniform(-1.0, 1.0, 4, dtype="float32"),
        lambda r: r.integers(0, 1000, 6),
        lambda r: r.permutation(8),
        lambda r: r.choice(6, shape=3, p=[0.1, 0.2, 0.3, 0.1, 0.2, 0.1]),
    ):
        x, y = draw(a), draw(b)
        assert y.device == b.device
        np.testing.assert_array_equal(x.numpy(), y.to_device("cpu").numpy())


def test_generator_constant_flags(xb: Any) -> None:
    rng = xg.random.default_rng(0)
    assert not rng.random(2).constant
    assert rng.random(2, constant=True).constant
    assert not rng.normal(shape=2).constant
    assert rng.uniform(shape=2, constant=True).constant
    assert rng.standard_normal(2, constant=False).constant is False
    assert rng.integers(5, shape=2).constant
    assert rng.permutation(4).constant
    assert rng.choice(4, shape=2).constant


def test_default_rng_follows_the_default_backend(xb: Any) -> None:
    rng = xg.random.default_rng(0)
    assert rng.backend is xb.backend
    assert rng.device == xb.device
    assert repr(rng) == (
        f"Generator(backend={xb.backend.name!r}, device={xb.backend.device_str(xb.device)!r})"
    )


def test_generator_draws_through_the_backends_hook(monkeypatch: Any) -> None:
    """default_rng asks Backend.random_generator for its source (what CuPy overrides)."""
    bk = xg.get_backend()
    seen = {}

    class Source(HostRandom):
        def random(self, shape: tuple, dtype: Any) -> Any:
            seen["random"] = (shape, dtype)
            return np.full(shape, 0.5, dtype=dtype)

    def hook(seed: Any = None, device: Any = None) -> Any:
        seen["seed"] = seed
        return Source(bk, seed, device)

    monkeypatch.setattr(bk, "random_generator", hook)
    rng = xg.random.default_rng(5)
    np.testing.assert_array_equal(rng.uniform(2.0, 4.0, 3).data, [3.0, 3.0, 3.0])
    assert seen == {"seed": 5, "random": ((3,), np.dtype(np.float64))}


@pytest.mark.parametrize(
    ("point", "p", "expected"),
    [
        (0.0, [0.0, 0.5, 0.5], 1),
        (np.nextafter(1.0, 0.0), [0.5, 0.5, 0.0], 1),
        (0.5, [0.5, 0, 0.5], 2),
    ],
)
def test_choice_never_draws_an_entry_of_probability_zero(
    monkeypatch: Any, point: float, p: list, expected: int
) -> None:
    """At the ends of [0, 1) and on a step of the cumulative probabilities."""
    bk = xg.get_backend()

    class Source(HostRandom):
        def random(self, shape: tuple, dtype: Any) -> Any:
            return np.full(shape, point, dtype=dtype)

    monkeypatch.setattr(bk, "random_generator", lambda seed, device: Source(bk, seed, device))
    picks = xg.random.default_rng(0).choice(3, shape=4, p=p)
    np.testing.assert_array_equal(picks.data, [expected] * 4)


def test_the_default_source_draws_on_the_host_and_moves_the_result() -> None:
    bk = xg.backends.load("array_api_strict")
    source = bk.random_generator(0, bk.parse_device("device1"))
    assert isinstance(source, HostRandom)
    assert "PCG64" in repr(source) and "device1" in repr(source)
    arr = source.standard_normal((2,), np.dtype(np.float32))
    assert arr.device == bk.parse_device("device1")
    np.testing.assert_array_equal(
        bk.to_host(arr), np.random.default_rng(0).standard_normal(2, dtype=np.float32)
    )


def test_permutation_of_a_tensor_is_differentiable(xb: Any) -> None:
    w = xg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    y = xg.random.default_rng(3).permutation(w)
    rows = [tuple(r) for r in xb.host(w).tolist()]
    perm = [rows.index(tuple(r)) for r in xb.host(y).tolist()]  # y = w[perm]
    assert sorted(perm) == [0, 1, 2, 3]
    if xb.name != "cupy":  # CuPy draws with cuRAND: another permutation
        assert perm == np.random.default_rng(3).permutation(4).tolist()
    weights = xg.tensor([[1.0], [2.0], [3.0], [4.0]])
    (y * weights).sum().backward()
    expected = np.empty((4, 2))
    expected[perm] = np.array([[1.0], [2.0], [3.0], [4.0]])
    np.testing.assert_array_equal(xb.host(w.grad), expected)


def test_permutation_of_host_data_and_arrays(xb: Any) -> None:
    rng = xg.random.default_rng(1)
    t = rng.permutation([10, 20, 30, 40, 50])
    assert t.device == xb.device
    assert sorted(xb.host(t).tolist()) == [10, 20, 30, 40, 50]
    t = rng.permutation(xb.array([1.0, 2.0, 3.0]))
    assert sorted(xb.host(t).tolist()) == [1.0, 2.0, 3.0]


def test_choice_samples(xb: Any) -> None:
    rng = xg.random.default_rng(0)
    picks = xb.host(rng.choice(5, shape=(10, 10)))
    assert picks.shape == (10, 10) and picks.min() >= 0 and picks.max() <= 4
    distinct = xb.host(rng.choice(20, shape=(4, 5), replace=False))
    assert sorted(distinct.ravel().tolist()) == list(range(20))
    weighted = xb.host(rng.choice(4, shape=2000, p=[0.5, 0.0, 0.25, 0.25]))
    assert 1 not in weighted  # probability 0: never drawn
    counts = np.bincount(weighted, minlength=4) / 2000
    np.testing.assert_allclose(counts, [0.5, 0.0, 0.25, 0.25], atol=0.05)
    pool = xg.tensor([1.0, 2.0, 3.0])
    one = rng.choice(pool)
    assert one.shape == () and xb.host(one).item() in (1.0, 2.0, 3.0)
    (rng.choice(pool, shape=5) * 2).sum().backward()
    assert xb.host(pool.grad).sum() == 10.0  # 5 draws, each with derivative 2
    assert rng.choice(0, shape=0).shape == (0,)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda r: r.random(-1), ValueError, "negative dimensions are not allowed"),
        (lambda r: r.random(2, dtype="int64"), TypeError, "float32 or float64, got int64"),
        (lambda r: r.standard_normal(2, dtype="float16"), TypeError, "float32 or float64"),
        (lambda r: r.random(2, dtype="nonsense"), TypeError, "is not a dtype"),
        (lambda r: r.normal(0.0, -1.0), ValueError, "scale must be non-negative"),
        (lambda r: r.normal(xg.tensor(1.0)), TypeError, "loc must be a real number.*tensor"),
        (lambda r: r.normal("0"), TypeError, "loc must be a real number"),
        (lambda r: r.uniform(True, 2.0), TypeError, "low must be a real number"),
        (lambda r: r.uniform(-1e308, 1e308), OverflowError, "high - low must be finite"),
        (lambda r: r.uniform(5.0, 1.0), ValueError, r"high \(1.0\) is below low \(5.0\)"),
        (lambda r: r.integers(0), ValueError, r"interval \[0, 0\) is empty"),
        (lambda r: r.integers(5, 3, endpoint=True), ValueError, r"\[5, 3\] is empty"),
        (lambda r: r.integers(1.5), TypeError, "must be integers"),
        (lambda r: r.integers(5, dtype="float64"), TypeError, "integer dtype"),
        (lambda r: r.integers(0, 300, dtype="uint8"), ValueError, "does not fit in uint8"),
        (lambda r: r.integers(-1, 3, dtype="uint8"), ValueError, "does not fit"),
        (lambda r: r.permutation(-1), ValueError, "non-negative"),
        (lambda r: r.permutation(xg.tensor(3.0)), ValueError, "at least one dimension"),
        (lambda r: r.choice(-2), ValueError, "non-negative integer"),
        (lambda r: r.choice(xg.tensor(3.0)), ValueError, "at least one dimension"),
        (lambda r: r.choice(0, shape=2), ValueError, "empty"),
        (lambda r: r.choice(3, shape=4, replace=False), ValueError, "sample of 4 from 3"),
        (lambda r: r.choice(3, p=[0.5, 0.5]), ValueError, r"shape \(3,\)"),
        (lambda r: r.choice(2, p=[0.5, 0.6]), ValueError, "sum to 1"),
        (lambda r: r.choice(2, p=[1.5, -0.5]), ValueError, "non-negative"),
        (lambda r: r.choice(3, 3, p=[0.5, 0.5, 0.0], replace=False), ValueError, "non-zero"),
        (lambda r: r.choice(2, p=xg.tensor([0.5, 0.5])), TypeError, "p must be host data"),
    ],
)
def test_generator_bad_arguments_raise_clearly(call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call(xg.random.default_rng(0))


def test_generator_never_moves_data_implicitly() -> None:
    strict = xg.random.default_rng(0, backend="array_api_strict", device="device1")
    with pytest.raises(BackendMismatchError, match="Generator.permutation"):
        strict.permutation(xg.tensor([1.0, 2.0], backend="numpy"))
    other = xg.tensor([1.0, 2.0], backend="array_api_strict", device="device2")
    with pytest.raises(DeviceMismatchError, match="Generator.choice"):
        strict.choice(other)
    # host data is copied to the generator's device
    assert strict.permutation(np.arange(3.0)).device == strict.device


def test_generator_takes_any_librarys_dtypes_and_numpys_scalars() -> None:
    import array_api_strict

    strict = xg.random.default_rng(0, backend="array_api_strict", device="device1")
    t = strict.random(2, dtype=array_api_strict.float32)
    assert t.dtype == array_api_strict.float32
    np.testing.assert_array_equal(
        t.to_device("cpu").numpy(), np.random.default_rng(0).random(2, dtype=np.float32)
    )
    t = xg.random.default_rng(1).normal(np.float32(1.5), np.array(2.0), shape=3)
    np.testing.assert_array_equal(t.data, np.random.default_rng(1).normal(1.5, 2.0, 3))


def test_choice_with_p_without_replacement_follows_p(xb) -> None:
    rng = xg.random.default_rng(7)
    p = [0.6, 0.3, 0.1, 0.0]
    firsts = np.zeros(4)
    for _ in range(3000):
        draw = xb.host(rng.choice(4, 3, replace=False, p=p))
        assert sorted(draw) == [0, 1, 2]  # distinct, never the zero-probability entry
        firsts[draw[0]] += 1
    np.testing.assert_allclose(firsts / 3000, p, atol=0.03)  # the first draw follows p
    # the second draw picks among the rest in proportion: P(second = 1) = .6 * .3/.4 + .1 * .3/.9
    rng = xg.random.default_rng(8)
    second = [xb.host(rng.choice(4, 2, replace=False, p=p))[1] for _ in range(3000)]
    assert abs(np.mean(np.array(second) == 1) - (0.6 * 0.75 + 0.1 * 0.3 / 0.9)) < 0.03
