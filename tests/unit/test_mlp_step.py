"""The MLP's C step (worker/mlp_step.c), built natively by make setup, against numpy's."""
import os

import numpy as np
import pytest

from worker import mlp, mlp_step
from worker.classifier import MOMENTUM
from worker.mlp import MLP

LIBRARY = os.path.join(os.path.dirname(__file__), "..", "..", ".cache", "mlp_step.so")


@pytest.fixture(scope="module")
def step():
    return mlp_step.CStep(LIBRARY, name="C (native)")


def batch(seed, n=64):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, 784)) * (rng.random((n, 784)) < 0.2)).astype(np.float32)
    return X, rng.integers(0, 10, n)


def assert_steps_match(step, monkeypatch, hidden, momenta):
    """A step per momentum, in C and in numpy from the same start: the same
    losses, accuracies, weights and velocities."""
    c, numpys = MLP(hidden, seed=3), MLP(hidden, seed=3)
    for seed, momentum in enumerate(momenta):
        monkeypatch.setattr(mlp, "MOMENTUM", momentum)      # numpy's step reads it there
        X, y = batch(seed)
        loss, acc = step(c, X, y, 0.1, momentum)
        expected_loss, expected_acc = numpys.numpy_step(X, y, 0.1)
        assert loss == pytest.approx(expected_loss, abs=1e-5) and acc == expected_acc
    for mine, theirs in zip(c.params() + c.velocity, numpys.params() + numpys.velocity):
        np.testing.assert_allclose(mine, theirs, atol=1e-5)


@pytest.mark.parametrize("hidden", [1, 16, 128])
def test_steps_match_numpys(step, monkeypatch, hidden):
    assert_steps_match(step, monkeypatch, hidden, [MOMENTUM] * 10)


@pytest.mark.parametrize("hidden", [1, 19, 128])
def test_steps_without_momentum_match_numpys(step, monkeypatch, hidden):
    """Momentum 0 (plain SGD) is a branch of its own in the C step: the
    velocity that earlier steps left is dropped, not decayed, and the
    gradient goes in whole. Three steps with momentum first, so that there
    is velocity to drop."""
    assert_steps_match(step, monkeypatch, hidden, [MOMENTUM] * 3 + [0.0] * 5)


def test_bad_labels_change_nothing(step):
    model = MLP(16, seed=0)
    before = [p.copy() for p in model.params()]
    X, y = batch(0)
    y[5] = 10
    with pytest.raises(ValueError, match="labels"):
        step(model, X, y, 0.1, MOMENTUM)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.params()))


def test_wrong_batch_shape_is_refused(step):
    X, y = batch(0)
    with pytest.raises(ValueError, match="pixels"):
        step(MLP(16), X[:, :100], y, 0.1, MOMENTUM)


def test_new_weights_are_bound_afresh(step):
    model = MLP(16, seed=0)
    X, y = batch(1)
    step(model, X, y, 0.1, MOMENTUM)
    model.set_params(*MLP(16, seed=5).params())     # as set weights does: new arrays
    reference = MLP(16, seed=5)
    step(model, X, y, 0.1, MOMENTUM)
    reference.numpy_step(X, y, 0.1)
    np.testing.assert_allclose(model.W1, reference.W1, atol=1e-5)


def test_a_missing_library_is_an_oserror():
    with pytest.raises(OSError):
        mlp_step.CStep("/nonexistent/mlp_step.so")


@pytest.mark.parametrize("hidden", [1, 128])
def test_logits_match_numpys(step, hidden):
    model = MLP(hidden, seed=2)
    X, _ = batch(4, n=300)
    np.testing.assert_allclose(step.logits(model, X), model.numpy_logits(X), atol=1e-4)
    assert step.logits(model, X[:0]).shape == (0, 10)


def test_logits_refuse_rows_of_the_wrong_size(step):
    with pytest.raises(ValueError, match="784"):
        step.logits(MLP(16), np.zeros((3, 100), np.float32))
