"""worker/mlp.py: gradients, training steps, determinism, accuracy."""
import numpy as np
import pytest

from tests.harness.samples import shipped_model
from tools.build import train_weights
from shared.digit import CLASSES, PIXELS
from worker.mlp import MLP

HIDDEN = 6


def sparse_batch(n=12, active=40, seed=1):
    """A batch whose input columns are all-zero except `active` random ones."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, PIXELS))
    cols = np.sort(rng.choice(PIXELS, active, replace=False))
    X[:, cols] = rng.random((n, active))
    X[rng.random((n, PIXELS)) < 0.2] = 0      # some holes inside active columns
    y = rng.integers(0, CLASSES, n)
    return X, y


def float64_model(hidden=HIDDEN, seed=3):
    """An MLP whose parameters are float64 copies, with non-zero biases."""
    model = MLP(hidden, seed)
    rng = np.random.default_rng(seed + 100)
    model.W1 = model.W1.astype(np.float64)
    model.b1 = rng.standard_normal(hidden) * 0.1
    model.W2 = model.W2.astype(np.float64)
    model.b2 = rng.standard_normal(CLASSES) * 0.1
    return model


def loss_of(model, X, y):
    return model.gradients(X, y)[0]


def numeric_grad(model, name, X, y, index, eps=1e-6, loss=loss_of):
    param = getattr(model, name)
    old = param[index]
    param[index] = old + eps
    up = loss(model, X, y)
    param[index] = old - eps
    down = loss(model, X, y)
    param[index] = old
    return (up - down) / (2 * eps)


@pytest.fixture
def model_and_batch():
    model = float64_model()
    X, y = sparse_batch()
    return model, X, y


def test_active_columns_are_the_inked_columns(model_and_batch):
    model, X, y = model_and_batch
    _, _, (cols, dW1_active), db1, dW2, db2 = model.gradients(X, y)
    np.testing.assert_array_equal(cols, np.flatnonzero(X.any(axis=0)))
    assert dW1_active.shape == (len(cols), HIDDEN)
    assert db1.shape == (HIDDEN,)
    assert dW2.shape == (HIDDEN, CLASSES)
    assert db2.shape == (CLASSES,)


def test_w1_gradient_matches_finite_differences(model_and_batch):
    model, X, y = model_and_batch
    _, _, (cols, dW1_active), _, _, _ = model.gradients(X, y)
    numeric = np.array([[numeric_grad(model, "W1", X, y, (c, j)) for j in range(HIDDEN)]
                        for c in cols])
    assert np.abs(numeric).max() > 1e-4   # the check is not vacuous
    np.testing.assert_allclose(dW1_active, numeric, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("name, index", [("b1", 3), ("W2", 4), ("b2", 5)])
def test_other_gradients_match_finite_differences(model_and_batch, name, index):
    model, X, y = model_and_batch
    analytic = model.gradients(X, y)[index]
    param = getattr(model, name)
    numeric = np.array([numeric_grad(model, name, X, y, i) for i in np.ndindex(param.shape)])
    numeric = numeric.reshape(param.shape)
    assert np.abs(numeric).max() > 1e-4
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-7)


def test_float32_gradients_agree_with_float64(model_and_batch):
    model64, X, y = model_and_batch
    model32 = MLP(HIDDEN, 0)
    model32.set_params(model64.W1, model64.b1, model64.W2, model64.b2)
    assert model32.W1.dtype == np.float32
    g64 = model64.gradients(X, y)
    g32 = model32.gradients(X.astype(np.float32), y)
    assert g32[0] == pytest.approx(g64[0], rel=1e-5)
    np.testing.assert_array_equal(g32[2][0], g64[2][0])
    np.testing.assert_allclose(g32[2][1], g64[2][1], rtol=1e-3, atol=1e-6)
    for a32, a64 in zip(g32[3:], g64[3:]):
        assert a32.dtype == np.float32
        np.testing.assert_allclose(a32, a64, rtol=1e-3, atol=1e-6)


def dense_loss(model, X, y):
    """The mean cross-entropy computed over every input column, inked or not:
    what MLP.forward's shortcut (only the inked columns) must equal."""
    Z1 = X @ model.W1 + model.b1
    Z2 = np.maximum(Z1, 0) @ model.W2 + model.b2
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)
    logp = Z2 - np.log(np.exp(Z2).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def test_the_gradient_of_every_w1_row_matches_the_dense_model(model_and_batch):
    """The sparse gradient, spread over all 784 rows of W1, is the dense
    model's: exactly zero on every uninked row, its finite differences on the
    inked ones. Fails if forward() drops an inked column or misplaces a row."""
    model, X, y = model_and_batch
    loss, _, (cols, dW1_active), _, _, _ = model.gradients(X, y)
    assert loss == pytest.approx(dense_loss(model, X, y), rel=1e-9)
    dW1 = np.zeros_like(model.W1)
    dW1[cols] = dW1_active
    inked = np.flatnonzero(X.any(axis=0))
    uninked = np.flatnonzero(~X.any(axis=0))
    assert len(uninked) > 0 and len(inked) > 0
    assert not dW1[uninked].any()
    rows = np.concatenate([inked[::4], uninked[::max(1, len(uninked) // 20)]])
    numeric = np.zeros((len(rows), HIDDEN))
    for r, row in enumerate(rows):
        for j in range(HIDDEN):
            numeric[r, j] = numeric_grad(model, "W1", X, y, (row, j), loss=dense_loss)
    assert np.abs(numeric).max() > 1e-4   # the check is not vacuous
    np.testing.assert_allclose(dW1[rows], numeric, rtol=1e-4, atol=1e-7)


def test_train_step_leaves_inactive_rows_alone():
    model = MLP(HIDDEN, 5)
    X, y = sparse_batch(seed=4)
    X = X.astype(np.float32)
    inactive = ~X.any(axis=0)
    before = model.W1.copy()
    for _ in range(3):
        model.train_step(X, y, 0.1)
    np.testing.assert_array_equal(model.W1[inactive], before[inactive])
    assert not np.array_equal(model.W1[~inactive], before[~inactive])


def test_train_step_reduces_loss_on_a_fixed_batch():
    model = MLP(32, 0)
    X, y = sparse_batch(n=64, active=200, seed=7)
    X = X.astype(np.float32)
    first = loss_of(model, X, y)
    losses = [model.train_step(X, y, 0.05)[0] for _ in range(30)]
    assert losses[0] == pytest.approx(first, rel=1e-6)
    final = loss_of(model, X, y)
    assert final < 0.5 * first
    assert all(later < first for later in losses[5:])


def test_train_step_returns_loss_and_accuracy_of_the_batch():
    model = MLP(HIDDEN, 2)
    X, y = sparse_batch(n=20, seed=9)
    X = X.astype(np.float32)
    expected_acc = model.accuracy(X, y)
    W1, b1, W2, b2 = (p.astype(np.float64) for p in model.params())
    logits = np.maximum(X @ W1 + b1, 0) @ W2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected_loss = -logp[np.arange(len(y)), y].mean()
    loss, acc = model.train_step(X, y, 0.01)
    assert loss == pytest.approx(expected_loss, rel=1e-4)
    assert acc == expected_acc


def test_same_seed_gives_identical_weights():
    a, b, c = MLP(16, 42), MLP(16, 42), MLP(16, 43)
    for pa, pb in zip(a.params(), b.params()):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a.W1, c.W1)
    X, y = sparse_batch(n=32, active=100, seed=11)
    X = X.astype(np.float32)
    for _ in range(5):
        a.train_step(X, y, 0.05)
        b.train_step(X, y, 0.05)
    for pa, pb in zip(a.params(), b.params()):
        np.testing.assert_array_equal(pa, pb)


def test_reinitialise_restores_seeded_weights_and_clears_momentum():
    model = MLP(8, 1)
    X, y = sparse_batch(seed=2)
    model.train_step(X.astype(np.float32), y, 0.1)
    assert any(np.any(v) for v in model.velocity)
    model.reinitialise(1)
    fresh = MLP(8, 1)
    for p, q in zip(model.params(), fresh.params()):
        np.testing.assert_array_equal(p, q)
    assert not any(np.any(v) for v in model.velocity)


def test_train_weights_is_deterministic(default_data_dir):
    X, y = train_weights.load_split("train", default_data_dir)
    X, y = X[:1000], y[:1000]
    a = train_weights.train(X, y, epochs=1, hidden=16)
    b = train_weights.train(X, y, epochs=1, hidden=16)
    c = train_weights.train(X, y, epochs=1, hidden=16, seed=1)
    for pa, pb in zip(a.params(), b.params()):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a.W1, c.W1)


def test_native_training_reaches_95_percent_held_out(default_data_dir):
    """Requirement: trained natively it reaches at least 95% on the held-out
    split. The shipped weights are that training (tools/build/train_weights.py:
    train() with its settings, on MNIST's training digits less the held-out
    ones), kept in git; make weights trains them again after the code it
    trains with changes. Their file says so, and their accuracy is checked
    here without minutes of training again."""
    _, y = train_weights.training_digits(default_data_dir)
    X_test, y_test = train_weights.load_split("test", default_data_dir)
    assert len(y) + len(y_test) == 60000
    model, meta = shipped_model()
    assert meta["samples_seen"] == train_weights.EPOCHS["mlp"] * len(y)
    assert model.hidden == 128 and meta["architecture"] == "mlp"
    accuracy = model.accuracy(X_test, y_test)
    assert accuracy >= 0.95, "held-out accuracy %.4f" % accuracy


def test_from_params_builds_the_model_and_checks_every_shape():
    model = MLP(7, 3)
    back = MLP.from_params(dict(model.named_params()))
    assert back.hidden == 7
    for got, want in zip(back.params(), model.params()):
        np.testing.assert_array_equal(got, want)
    params = dict(model.named_params())
    params["output.weight"] = np.zeros((7, 9), np.float32)
    with pytest.raises(ValueError, match="output.weight"):
        MLP.from_params(params)
    del params["output.weight"]
    with pytest.raises(ValueError, match="expected arrays"):
        MLP.from_params(params)


def test_evaluate_gives_predictions_and_the_mean_cross_entropy():
    model = MLP(5, 2)
    rng = np.random.default_rng(0)
    X = rng.random((40, 784), dtype=np.float32)
    y = rng.integers(0, 10, 40)
    predicted, loss = model.evaluate(X, y)
    Z = (np.maximum(X @ model.W1 + model.b1, 0) @ model.W2 + model.b2).astype(np.float64)
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    np.testing.assert_array_equal(predicted, P.argmax(1))
    assert loss == pytest.approx(-np.mean(np.log(P[np.arange(40), y])), rel=1e-4)
