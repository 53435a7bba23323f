"""xgrad.optim against the published update formulas (PyTorch's ``torch.optim`` algorithms,
written out here in NumPy, float64), on every backend; and save/load."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import xgrad as xg
from xgrad.optim import SGD, Adam, AdamW

W0 = np.array([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]])
TARGET = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])


def loss_grad(w: np.ndarray) -> np.ndarray:
    """d/dw of sum((w - target)**2 * (1 + w**2)): a non-quadratic loss, so steps differ."""
    d = w - TARGET
    return 2 * d * (1 + w**2) + d**2 * 2 * w


def xg_loss(w: xg.Tensor) -> xg.Tensor:
    t = xg.tensor(TARGET)
    return xg.sum((w - t) ** 2 * (1 + w**2))


def ref_sgd(
    steps, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False
):
    w, buf = W0.copy(), None
    for _ in range(steps):
        g = loss_grad(w)
        d = -g if maximize else g
        d = d + weight_decay * w
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        w = w - lr * d
    return w


def ref_adam(
    steps,
    lr,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled=False,
    maximize=False,
):
    b1, b2 = betas
    w = W0.copy()
    m, v, vmax = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = loss_grad(w)
        if maximize:
            g = -g
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if amsgrad:
            vmax = np.maximum(vmax, v)
        vhat = (vmax if amsgrad else v) / (1 - b2**t)
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(vhat) + eps)
    return w


def run(xb, make_opt, steps: int) -> np.ndarray:
    w = xg.tensor(W0)
    opt = make_opt([w])
    for _ in range(steps):
        opt.zero_grad()
        xg_loss(w).backward()
        opt.step()
    assert isinstance(w, xg.Tensor) and w.grad is not None
    return xb.host(w)


SGD_CASES = [
    {"lr": 0.01},
    {"lr": 0.01, "momentum": 0.9},
    {"lr": 0.01, "momentum": 0.9, "dampening": 0.3},
    {"lr": 0.01, "momentum": 0.8, "nesterov": True},
    {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.1},
    {"lr": 0.001, "maximize": True},
]


@pytest.mark.parametrize("kw", SGD_CASES, ids=lambda kw: ",".join(kw))
def test_sgd_matches_the_update_formula(xb, kw) -> None:
    got = run(xb, lambda p: SGD(p, **kw), 7)
    np.testing.assert_allclose(got, ref_sgd(7, **kw), rtol=1e-12, atol=1e-12)


ADAM_CASES = [
    {"lr": 0.05},
    {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.05, "weight_decay": 0.1},
    {"lr": 0.05, "amsgrad": True},
    {"lr": 0.05, "maximize": True},
]


@pytest.mark.parametrize("kw", ADAM_CASES, ids=lambda kw: ",".join(kw))
def test_adam_matches_the_update_formula(xb, kw) -> None:
    got = run(xb, lambda p: Adam(p, **kw), 9)
    np.testing.assert_allclose(got, ref_adam(9, **kw), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kw", [{"lr": 0.05}, {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}])
def test_adamw_decouples_weight_decay(xb, kw) -> None:
    got = run(xb, lambda p: AdamW(p, **kw), 9)
    expected = ref_adam(9, decoupled=True, **{"weight_decay": 0.01, **kw})
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert AdamW([xg.tensor([1.0])]).defaults["weight_decay"] == 0.01  # PyTorch's default


def test_step_keeps_the_tensor_its_views_device_and_float32(xb) -> None:
    w = xg.tensor(np.ones(4, dtype=np.float32))
    row = w[1:3]  # a view follows its base's new values
    opt = SGD([w], lr=0.5)
    (w * xg.tensor(np.arange(4.0, dtype=np.float32))).sum().backward()
    opt.step()
    assert w.dtype == xb.xp.float32  # Python-float hyperparameters are weak scalars
    assert w.device == xb.device
    np.testing.assert_allclose(xb.host(w), [1.0, 0.5, 0.0, -0.5])
    np.testing.assert_allclose(xb.host(row), [0.5, 0.0])
    assert w.creator is None and not w.constant  # still a leaf: the update is unrecorded
    state = opt.state_dict()
    assert state["param_groups"][0]["params"] == [0]


def test_parameters_without_a_gradient_are_skipped_and_groups_override() -> None:
    a, b, c = xg.tensor([1.0]), xg.tensor([1.0]), xg.tensor([1.0])
    opt = SGD([{"params": [a]}, {"params": [b, c], "lr": 1.0}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    assert (a.item(), b.item(), c.item()) == (0.9, 0.0, 1.0)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_momentum_state_round_trips_through_state_dict() -> None:
    def make():
        w = xg.tensor(W0)
        return w, SGD([w], lr=0.01, momentum=0.9)

    w1, o1 = make()
    for _ in range(3):
        o1.zero_grad()
        xg_loss(w1).backward()
        o1.step()
    w2, o2 = make()
    w2.data = w1.numpy()
    o2.load_state_dict(o1.state_dict())
    for w, o in ((w1, o1), (w2, o2)):
        o.zero_grad()
        xg_loss(w).backward()
        o.step()
    np.testing.assert_array_equal(w1.numpy(), w2.numpy())
    with pytest.raises(ValueError, match="parameter groups have"):
        SGD([xg.tensor([1.0]), xg.tensor([2.0])]).load_state_dict(o1.state_dict())


def test_create_graph_gradients_are_used_as_arrays() -> None:
    w = xg.tensor([3.0])
    opt = SGD([w], lr=0.1)
    (w**2).sum().backward(create_graph=True)
    assert isinstance(w.grad, xg.Tensor)
    opt.step()
    assert w.item() == pytest.approx(3.0 - 0.1 * 6.0)


@pytest.mark.parametrize(
    ("make", "err", "match"),
    [
        (lambda: SGD(xg.tensor([1.0])), TypeError, r"wrap it in a list"),
        (lambda: SGD([]), ValueError, "empty list"),
        (lambda: SGD([np.ones(2)]), TypeError, "must be xgrad Tensors"),
        (lambda: SGD([xg.tensor([1.0], constant=True)]), ValueError, "constant tensor"),
        (lambda: SGD([xg.tensor([1, 2])]), ValueError, "constant tensor"),
        (lambda: SGD([{"params": [xg.tensor([1.0])], "betas": 1}]), TypeError, "unknown"),
        (lambda: SGD([{"lr": 0.1}]), TypeError, "'params' entry"),
        (lambda: SGD([xg.tensor([1.0])], lr=-1), ValueError, "lr must be >= 0"),
        (lambda: SGD([xg.tensor([1.0])], momentum=-1), ValueError, "momentum"),
        (lambda: SGD([xg.tensor([1.0])], nesterov=True), ValueError, "Nesterov"),
        (lambda: Adam([xg.tensor([1.0])], betas=(1.0, 0.9)), ValueError, "betas"),
        (lambda: Adam([xg.tensor([1.0])], eps=-1.0), ValueError, "eps"),
        (lambda: Adam([xg.tensor([1.0])], weight_decay=-1.0), ValueError, "weight_decay"),
    ],
)
def test_bad_optimizer_arguments_say_what_to_do(make, err, match) -> None:
    with pytest.raises(err, match=match):
        make()


def test_a_parameter_listed_twice_is_refused() -> None:
    w = xg.tensor([1.0])
    with pytest.raises(ValueError, match="more than one place"):
        SGD([w, w])


def test_repr_names_the_settings() -> None:
    assert repr(SGD([xg.tensor([1.0])], lr=0.1)).startswith("SGD(1 parameters, lr=0.1,")


# -- save / load ---------------------------------------------------------------------------------
def _round_trip(t: xg.Tensor, **kw) -> xg.Tensor:
    f = io.BytesIO()
    xg.save(f, t)
    f.seek(0)
    return xg.load(f, **kw)


def test_save_load_keeps_data_grad_and_constant(xb) -> None:
    x = xg.tensor([1.0, 2.0, 3.0])
    (x**3).sum().backward()
    y = _round_trip(x)
    assert y.device == xb.device and y.dtype == x.dtype
    np.testing.assert_array_equal(xb.host(y), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(xb.host(y.grad), [3.0, 12.0, 27.0])
    assert not y.constant
    c = _round_trip(xg.tensor(np.float32([1.5]), constant=True))
    assert c.constant and c.grad is None and c.dtype == xb.xp.float32


def test_load_onto_another_backend_and_a_path(tmp_path) -> None:
    x = xg.tensor([[1.0, 2.0]])
    xg.save(tmp_path / "x", x)  # numpy adds the extension, as mygrad's docs say
    y = xg.load(tmp_path / "x.npz", backend="array_api_strict")
    assert y.backend.name == "array_api_strict"
    np.testing.assert_array_equal(y.numpy(), [[1.0, 2.0]])


def test_mygrad_files_load_and_xgrad_files_load_in_mygrad(tmp_path) -> None:
    mygrad = pytest.importorskip("mygrad")
    m = mygrad.tensor([1.0, 2.0])
    (m * m).backward()
    mygrad.save(tmp_path / "m.npz", m)
    t = xg.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(t.grad, [2.0, 4.0])
    assert not t.constant
    xg.save(tmp_path / "x.npz", t)
    back = mygrad.load(tmp_path / "x.npz")
    np.testing.assert_array_equal(back.data, [1.0, 2.0])
    np.testing.assert_array_equal(back.grad, [2.0, 4.0])


def test_load_never_unpickles(tmp_path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, data=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="never unpickled"):
        xg.load(path)


@pytest.mark.parametrize(
    ("write", "match"),
    [
        (lambda p: np.savez(p, x=np.ones(2)), "no 'data' entry"),
        (lambda p: np.save(p, np.ones(2)), "single .npy array"),
        (lambda p: np.savez(p, data=np.ones(2), grad=np.ones(3)), "saved gradient has shape"),
        (lambda p: p.write_bytes(b"not an archive"), "cannot read"),
    ],
)
def test_bad_files_are_refused_clearly(tmp_path, write, match) -> None:
    path = tmp_path / "f.npz"
    write(path)
    if not path.exists():  # np.save wrote f.npz.npy
        path = tmp_path / "f.npz.npy"
    with pytest.raises(ValueError, match=match):
        xg.load(path)


def test_save_refuses_non_tensors() -> None:
    with pytest.raises(TypeError, match="requires a Tensor"):
        xg.save(io.BytesIO(), np.ones(2))


def test_adam_first_step_is_lr_times_sign() -> None:
    w = xg.tensor([2.0, -3.0])
    opt = Adam([w], lr=0.25, eps=0.0)
    xg.sum(w**2).backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), [1.75, -2.75], rtol=0, atol=1e-15)
    assert math.isclose(opt.state[0]["step"], 1)


def test_views_and_bad_hyperparameters_are_refused_when_built() -> None:
    base = xg.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="a view of another tensor"):
        SGD([base[:2]], lr=0.1)
    for kw in ({"lr": float("nan")}, {"lr": "0.1"}, {"momentum": None}):
        with pytest.raises(TypeError, match="finite real number"):
            SGD([xg.tensor([1.0])], **kw)
    with pytest.raises(ValueError, match="betas must be a pair"):
        Adam([xg.tensor([1.0])], betas=(0.9, 0.9, 0.9))
