"""Bad input gets a clear error naming what was wrong, never a wrong answer, and never a
half-updated graph."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import xgrad as mg


@pytest.mark.parametrize("data", [["a", "b"], [object()], np.array(["x"]), {"a": 1}])
def test_non_numeric_data(xb: Any, data: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        mg.tensor(data)


def test_complex_data_is_not_supported_yet(xb: Any) -> None:
    with pytest.raises(TypeError, match="complex"):
        mg.tensor([1 + 2j])
    with pytest.raises(TypeError, match="complex"):
        mg.tensor([1.0]) * 1j


_COMPLEX_CALLS = {
    "multiply-array": lambda x, c: x * c,
    "add-scalar": lambda x, c: x + c[0],
    "np.add": lambda x, c: np.add(x, c),
    "where": lambda x, c: mg.where(mg.tensor([True, False]).data, x, c),
    "concatenate": lambda x, c: mg.concatenate([x, c]),
    "matmul": lambda x, c: x @ c,
    "einsum": lambda x, c: mg.einsum("i,i", x, c),
    "backward-seed": lambda x, c: (x * 2.0).backward(c),
}


@pytest.mark.parametrize("call", list(_COMPLEX_CALLS.values()), ids=list(_COMPLEX_CALLS))
def test_complex_operands_of_the_backend_are_refused_too(np_only: Any, call: Any) -> None:
    """Complex data must not get in through a NumPy operand (it would give a complex tensor
    and a gradient with its imaginary part dropped)."""
    x = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="complex"):
        call(x, np.array([1j, 1.0]))
    with pytest.raises(TypeError, match="numbers only"):
        x * np.array([None, 1], dtype=object)


def test_unsupported_operand_types(xb: Any) -> None:
    t = mg.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="unsupported input"):
        t + "a"
    with pytest.raises(TypeError):
        mg.exp({"x": 1})


def test_axis_out_of_bounds(xb: Any) -> None:
    t = mg.ones((2, 3))
    for call in (lambda: t.sum(axis=2), lambda: mg.mean(t, axis=-3), lambda: t.cumsum(5)):
        with pytest.raises(ValueError, match="out of bounds"):
            call()
    with pytest.raises(ValueError, match="repeated axis"):
        t.sum(axis=(0, -2))


def test_bad_reshape_and_broadcast(xb: Any) -> None:
    t = mg.ones((2, 3))
    with pytest.raises(ValueError, match="reshape"):
        t.reshape(4, 2)
    with pytest.raises(ValueError, match="broadcast"):
        mg.broadcast_to(t, (3, 3))
    with pytest.raises(ValueError, match="size not equal to one"):
        mg.squeeze(t, 0)


def test_matmul_shape_mismatch(xb: Any) -> None:
    with pytest.raises(ValueError):
        mg.ones((2, 3)) @ mg.ones((2, 3))
    with pytest.raises(ValueError, match="dimension"):
        mg.matmul(mg.tensor(2.0), mg.ones(2))


def _state(t: mg.Tensor, xb: Any) -> tuple:
    return (xb.host(t).tolist(), t.creator, t._node, None if t.grad is None else t.grad)


def test_failed_in_place_shape_leaves_tensor_and_graph_as_before(xb: Any) -> None:
    x = mg.tensor([1.0, 2.0])
    y = x * 2.0
    y.backward(retain_graph=True)
    before = _state(y, xb)
    with pytest.raises(ValueError, match="shape"):
        y += mg.tensor([1.0, 2.0, 3.0])
    assert _state(y, xb) == before
    assert x.grad is not None


def test_failed_in_place_cast_leaves_tensor_as_before(xb: Any) -> None:
    i = mg.tensor([1, 2])
    with pytest.raises(TypeError, match="same_kind|promoted"):
        i *= 1.5
    assert xb.host(i).tolist() == [1, 2] and i.dtype == xb.backend.dtype("int64")


_FLOAT_RESULTS = {
    "/= int": lambda x: x.__itruediv__(2),
    "/= int tensor": lambda x: x.__itruediv__(mg.tensor(2)),
    "divide out=": lambda x: mg.divide(x, 2, out=x),
    "sqrt out=": lambda x: mg.sqrt(x, out=x),
    "float operand, int out=": lambda x: mg.add(mg.tensor([1.0, 2.0]), 1, out=x),
}


@pytest.mark.parametrize("call", list(_FLOAT_RESULTS.values()), ids=list(_FLOAT_RESULTS))
def test_a_float_result_is_not_truncated_into_an_integer_tensor(xb: Any, call: Any) -> None:
    """NumPy raises (same_kind casting) where the result of an integer op is a float
    (array_api_strict refuses to divide integers at all)."""
    x = mg.tensor([1, 3])
    with pytest.raises(TypeError, match="same_kind|floating-point dtypes"):
        call(x)
    assert xb.host(x).tolist() == [1, 3] and x.dtype == xb.backend.dtype("int64")
    x //= 2  # stays integral: fine
    assert xb.host(x).tolist() == [0, 1]


def test_out_into_a_constant_makes_it_depend_on_the_value(xb: Any) -> None:
    c = mg.tensor([1.0, 2.0], constant=True)
    x = mg.tensor([1.0, 1.0])
    mg.multiply(x, 2.0, out=c)
    assert xb.host(c).tolist() == [2.0, 2.0] and not c.constant
    c.backward()
    assert xb.host(x.grad).tolist() == [2.0, 2.0]


def test_out_must_be_a_tensor(xb: Any) -> None:
    with pytest.raises(TypeError, match="out must be an xgrad Tensor"):
        mg.exp(mg.tensor([1.0]), out=xb.array([0.0]))


def test_constant_false_on_constant_inputs(xb: Any) -> None:
    # MyGrad's rule: the result is a non-constant leaf (its gradient stops there) ...
    out = mg.exp(mg.tensor([1.0], constant=True), constant=False)
    assert not out.constant and out.creator is None
    out.backward()
    assert xb.host(out.grad).tolist() == [1.0]
    # ... except where it cannot be differentiated at all
    with pytest.raises(ValueError, match="integer and boolean tensors are always constant"):
        mg.add(mg.tensor([1]), 2, constant=False)


def test_item_of_a_multi_element_tensor(np_only: Any) -> None:
    with pytest.raises(ValueError, match="exactly one element"):
        mg.tensor([1.0, 2.0]).item()
    with pytest.raises(TypeError, match="integer"):
        range(mg.tensor(2.0))
    assert list(range(mg.tensor(2))) == [0, 1]
    with pytest.raises(TypeError, match="0-d"):
        len(mg.tensor(1.0))


def test_geomspace_rejects_zero_and_sign_change(xb: Any) -> None:
    with pytest.raises(ValueError, match="zero"):
        mg.geomspace(0, 10, 3)
    with pytest.raises(ValueError, match="sign"):
        mg.geomspace(-1, 10, 3)


@pytest.mark.parametrize("labels", [[0, -1], [0, 3], [7, 1]])
def test_class_labels_outside_the_classes(xb: Any, labels: list) -> None:
    x = mg.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    if xb.name == "numpy":  # reading the labels is free on the host: a clear error
        with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\)"):
            mg.nnet.softmax_crossentropy(x, labels)
        with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\)"):
            mg.nnet.negative_log_likelihood(x, labels)
        return
    # on a device the check would synchronise: the row picks no class, its loss is its
    # logsumexp and its gradient the softmax (the derivative of that loss)
    labels_arr = xb.array(labels)
    loss = mg.nnet.softmax_crossentropy(x, labels_arr)
    loss.backward()
    data = xb.host(x)
    p = np.exp(data) / np.exp(data).sum(axis=1, keepdims=True)
    lse = np.log(np.exp(data).sum(axis=1))
    good = np.array([0 <= k < 3 for k in labels])
    picked = np.array([data[i, k] if good[i] else 0.0 for i, k in enumerate(labels)])
    np.testing.assert_allclose(xb.host(loss), np.mean(lse - picked), rtol=1e-12)
    onehot = np.array([[float(good[i] and k == j) for j in range(3)] for i, k in enumerate(labels)])
    np.testing.assert_allclose(xb.host(x.grad), (p - onehot) / 2, rtol=1e-12)
    # the log-likelihood loss picks through the same mask: nothing for such a row
    x = mg.tensor(data)
    mg.nnet.negative_log_likelihood(x, labels_arr).backward()
    np.testing.assert_allclose(xb.host(x.grad), -onehot / 2, rtol=1e-12)


def test_unsigned_class_labels(xb: Any) -> None:
    x = mg.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    loss = mg.nnet.softmax_crossentropy(x, xb.array([2, 0], dtype=xb.xp.uint64))
    loss.backward()
    ref = mg.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    mg.nnet.softmax_crossentropy(ref, xb.array([2, 0])).backward()
    np.testing.assert_allclose(xb.host(x.grad), xb.host(ref.grad), rtol=1e-15)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16"])
def test_narrow_label_dtypes_with_more_classes_than_they_count(xb: Any, dtype: str) -> None:
    # uint8 labels and 300 classes: the one-hot comparison must not wrap round at 256
    rng = np.random.default_rng(3)
    scores = rng.standard_normal((3, 300))
    labels = [0, 7, 100]
    got = mg.tensor(scores)
    loss = mg.nnet.softmax_crossentropy(got, xb.array(labels, dtype=getattr(xb.xp, dtype)))
    loss.backward()
    ref = mg.tensor(scores)
    ref_loss = mg.nnet.softmax_crossentropy(ref, xb.array(labels))
    ref_loss.backward()
    np.testing.assert_allclose(xb.host(loss), xb.host(ref_loss), rtol=1e-14)
    np.testing.assert_allclose(xb.host(got.grad), xb.host(ref.grad), rtol=1e-14)


def test_big_endian_labels(np_only: Any) -> None:
    x = mg.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    for dtype in (">i8", ">i4", "<i2", ">u4"):
        loss = mg.nnet.softmax_crossentropy(x, np.array([0, 2], dtype=dtype))
        np.testing.assert_allclose(
            loss.item(), mg.nnet.softmax_crossentropy(x, [0, 2]).item(), rtol=1e-15
        )
    with pytest.raises(ValueError, match="class labels must lie"):
        mg.nnet.softmax_crossentropy(x, np.array([0, -1], dtype=">i8"))


def test_integer_scores_give_a_float64_loss(np_only: Any) -> None:
    scores = np.array([[127, -128, 0], [5, 5, 5]], dtype=np.int8)  # x - max would wrap in int8
    loss = mg.nnet.softmax_crossentropy(scores, [1, 0])
    ref = mg.nnet.softmax_crossentropy(scores.astype(np.float64), [1, 0])
    assert loss.dtype == np.float64 and loss.constant
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-15)
