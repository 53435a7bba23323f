"""xgrad on dask.distributed for real: a LocalCluster with two worker processes, started by the
test and shut down after it, computes the issue's example and an MLP step (forward, backward
and the update built lazily here, computed on the workers); values and gradients match the
NumPy backend's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import xgrad as mg  # noqa: E402

pytestmark = pytest.mark.selects_backend


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _chunked(a: np.ndarray) -> Any:
    return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape))


def test_the_issues_example_on_two_worker_processes(client) -> None:
    x0 = np.linspace(0.0, 10.0, 10_001)
    x = mg.tensor(_chunked(x0))
    f = mg.sum(mg.sin(x) * mg.exp(-x / 3))
    f.backward()
    value, gnorm = mg.compute(f, mg.linalg.norm(x.grad))
    assert len(client.scheduler_info()["workers"]) == 2
    n = mg.tensor(x0)
    fn = mg.sum(mg.sin(n) * mg.exp(-n / 3))
    fn.backward()
    np.testing.assert_allclose(value.numpy(), fn.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gnorm.numpy(), np.linalg.norm(n.grad), rtol=1e-12)


def test_an_mlp_step_on_two_worker_processes(client) -> None:
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(64, 10))
    params0 = [rng.normal(size=(10, 16)), rng.normal(size=(16,)), rng.normal(size=(16, 4))]
    labels = rng.integers(0, 4, size=64)

    def loss_of(xs: Any, w1: Any, b1: Any, w2: Any, y: Any) -> Any:
        h = mg.nnet.relu(mg.matmul(xs, w1) + b1)
        return mg.nnet.softmax_crossentropy(mg.matmul(h, w2), y)

    params = [mg.tensor(_chunked(p)) for p in params0]
    loss = loss_of(mg.tensor(_chunked(x0), constant=True), *params, mg.tensor(_chunked(labels)))
    loss.backward()
    stepped = [p - 0.1 * p.grad for p in params]
    value, *new = mg.compute(loss, *stepped)

    ref = [mg.tensor(p) for p in params0]
    ref_loss = loss_of(mg.tensor(x0, constant=True), *ref, labels)
    ref_loss.backward()
    np.testing.assert_allclose(value.numpy(), ref_loss.numpy(), rtol=1e-12)
    for s, r in zip(new, ref, strict=True):
        np.testing.assert_allclose(s.numpy(), r.numpy() - 0.1 * r.grad, rtol=1e-12, atol=1e-14)
