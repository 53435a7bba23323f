"""The losses MyGrad has beyond softmax_crossentropy and negative_log_likelihood: values and
gradients against MyGrad's own on random inputs, on every backend; second derivatives
against finite differences; MyGrad's input errors."""

from __future__ import annotations

import numpy as np
import pytest

import xgrad as xg
from xgrad.nnet.losses import focal_loss, margin_ranking_loss, multiclass_hinge, softmax_focal_loss
from xgrad.testing import check_grads

mygrad = pytest.importorskip("mygrad")
from mygrad.nnet import losses as mgl  # noqa: E402


def _compare(xb, ours, theirs, inputs, seed_shape=None) -> None:
    """Value and gradient of every float input, ours on the test backend vs MyGrad's."""
    ts = [xg.tensor(a) if a.dtype.kind == "f" else a for a in inputs]
    ms = [mygrad.tensor(a) if a.dtype.kind == "f" else a for a in inputs]
    out, ref = ours(*ts), theirs(*ms)
    np.testing.assert_allclose(xb.host(out), ref.data, rtol=1e-12, atol=1e-14)
    w = np.linspace(0.5, 1.5, ref.size).reshape(ref.shape)  # a non-uniform seed
    (out * xg.tensor(w)).sum().backward()
    (ref * w).sum().backward()
    for t, m in zip(ts, ms, strict=True):
        if isinstance(t, xg.Tensor):
            np.testing.assert_allclose(xb.host(t.grad), m.grad, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0, 3.5])
@pytest.mark.parametrize("alpha", [1.0, 0.25])
def test_focal_losses_match_mygrad(xb, gamma, alpha) -> None:
    rng = np.random.default_rng(int(gamma * 10 + alpha * 100))
    scores = rng.normal(size=(6, 4))
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 4, size=6)
    kw = {"alpha": alpha, "gamma": gamma}
    _compare(
        xb,
        lambda p, y: focal_loss(p, y, **kw),
        lambda p, y: mgl.focal_loss(p, y, **kw),
        [probs, labels],
    )
    _compare(
        xb,
        lambda s, y: softmax_focal_loss(s, y, **kw),
        lambda s, y: mgl.softmax_focal_loss(s, y, **kw),
        [scores, labels],
    )


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
def test_focal_loss_at_probability_one_is_zero_with_zero_gradient(gamma) -> None:
    # MyGrad's limit (L'Hopital for gamma < 1); no 0 ** negative is evaluated, so no nan
    p = xg.tensor([[1.0, 0.0], [0.3, 0.7]])
    loss = focal_loss(p, [0, 1], gamma=gamma)
    loss.sum().backward()
    ref = mygrad.tensor([[1.0, 0.0], [0.3, 0.7]])
    mgl.focal_loss(ref, [0, 1], gamma=gamma).sum().backward()
    assert loss.numpy()[0] == 0 and np.all(np.isfinite(p.grad))
    np.testing.assert_allclose(p.grad, ref.grad, rtol=1e-12)


def test_margin_ranking_loss_matches_mygrad(xb) -> None:
    rng = np.random.default_rng(3)
    for shape, y in [
        ((7,), 1),
        ((7,), -1.0),
        ((7,), rng.choice([-1, 1], 7)),
        ((5, 3), rng.choice([-1, 1], 5)),
    ]:
        x1, x2 = rng.normal(size=shape), rng.normal(size=shape)
        _compare(
            xb,
            lambda a, b, y=y: margin_ranking_loss(a, b, y, 0.5),
            lambda a, b, y=y: mgl.margin_ranking_loss(a, b, y, 0.5),
            [x1, x2],
        )


def test_multiclass_hinge_matches_mygrad(xb) -> None:
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(8, 5)), rng.integers(0, 5, size=8)
    for hinge in (1.0, 0.3):
        _compare(
            xb,
            lambda a, y=y, h=hinge: multiclass_hinge(a, y, h),
            lambda a, y=y, h=hinge: mgl.multiclass_hinge(a, y, h),
            [x],
        )


def test_the_hinges_have_zero_derivative_at_the_kink() -> None:
    x1, x2 = xg.tensor([1.5]), xg.tensor([1.0])
    margin_ranking_loss(x1, x2, 1, 0.5).backward()  # 0.5 - (1.5 - 1.0) = 0: the kink
    assert x1.grad[0] == 0 and x2.grad[0] == 0
    x = xg.tensor([[2.0, 1.0]])
    multiclass_hinge(x, [0], 1.0).backward()  # 1 - 2 + 1 = 0
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0]])


def test_second_derivatives_of_the_losses() -> None:
    rng = np.random.default_rng(5)
    probs = rng.uniform(0.2, 0.9, size=(3, 3))
    labels = np.array([0, 2, 1])
    check_grads(lambda p: focal_loss(p, labels, gamma=1.5).sum(), xg.tensor(probs), order=2)
    check_grads(
        lambda s: softmax_focal_loss(s, labels, gamma=2.0, alpha=0.5).sum(),
        xg.tensor(rng.normal(size=(3, 3))),
        order=2,
    )


def test_constant_results() -> None:
    p = xg.tensor([[0.4, 0.6]])
    for out in (
        focal_loss(p, [1], gamma=1.0, constant=True),
        softmax_focal_loss(p, [1], constant=True),
        margin_ranking_loss(p[0], p[0], 1, 0.1, constant=True),
        multiclass_hinge(p, [0], constant=True),
    ):
        assert out.constant


@pytest.mark.parametrize(
    ("call", "err", "match"),
    [
        (lambda: focal_loss(xg.tensor([[0.5, 0.5]]), [0], gamma=-1), ValueError, "gamma"),
        (lambda: focal_loss(xg.tensor([[0.5, 0.5]]), [0], alpha="a"), TypeError, "alpha"),
        (lambda: softmax_focal_loss(xg.tensor([[0.5, 0.5]]), [0], gamma="x"), ValueError, "gamma"),
        (lambda: focal_loss(xg.tensor([0.5, 0.5]), [0]), ValueError, r"\(N, C\)"),
        (lambda: focal_loss(xg.tensor([[0.5, 0.5]]), [0.0]), TypeError, "integer"),
        (lambda: multiclass_hinge(xg.tensor([[0.5, 0.5]]), [0, 1]), ValueError, "labels of shape"),
        (lambda: margin_ranking_loss(xg.tensor(1.0), xg.tensor(1.0), 1, 1.0), ValueError, "shape"),
        (
            lambda: margin_ranking_loss(xg.tensor([1.0]), xg.tensor([1.0, 2.0]), 1, 1.0),
            ValueError,
            "same shape",
        ),
        (
            lambda: margin_ranking_loss(xg.tensor([1, 2]), xg.tensor([1, 2]), 1, 1.0),
            TypeError,
            "floats",
        ),
        (
            lambda: margin_ranking_loss(xg.tensor([1.0]), xg.tensor([1.0]), 1, -1.0),
            ValueError,
            "margin",
        ),
        (
            lambda: margin_ranking_loss(
                xg.tensor([1.0, 2.0]), xg.tensor([1.0, 2.0]), [1, 1, 1], 1.0
            ),
            ValueError,
            "`y`",
        ),
    ],
)
def test_bad_input_raises_as_mygrad(call, err, match) -> None:
    with pytest.raises(err, match=match):
        call()


def test_losses_take_plain_arrays_as_mygrad() -> None:
    # was: AttributeError ('numpy.ndarray' object has no attribute '_backend')
    p, y = np.full((2, 3), 1 / 3), np.array([0, 2])
    np.testing.assert_allclose(focal_loss(p, y).numpy(), [np.log(3)] * 2)
    assert multiclass_hinge(p, y).item() == 2.0
