"""worker/convnet.py: convolution against a naive one, gradients by finite
differences, training steps, determinism, parameters checked."""
import numpy as np
import pytest

from worker.convnet import Conv, ConvNet
from shared.digit import CLASSES


def naive_conv_relu(X, weight, bias, stride):
    """The definition: every output pixel, every filter, one dot product at a time."""
    n, side, _, _ = X.shape
    k, _, _, out = weight.shape
    o = (side - k) // stride + 1
    Y = np.zeros((n, o, o, out))
    for b in range(n):
        for r in range(o):
            for c in range(o):
                patch = X[b, r * stride:r * stride + k, c * stride:c * stride + k, :]
                for f in range(out):
                    Y[b, r, c, f] = np.sum(patch * weight[..., f]) + bias[f]
    return np.maximum(Y, 0)


@pytest.mark.parametrize("k, stride, channels, side", [(5, 2, 1, 28), (5, 2, 3, 12), (3, 1, 2, 7)])
def test_im2col_convolution_matches_a_naive_one(k, stride, channels, side):
    rng = np.random.default_rng(0)
    conv = Conv("c", k, stride, channels, 4, side)
    conv.init(rng)
    conv.bias = rng.standard_normal(4).astype(np.float32) * 0.1
    X = rng.standard_normal((2, side, side, channels)).astype(np.float32)
    maps = np.ascontiguousarray(X.transpose(3, 0, 1, 2))      # the layout Conv works in
    np.testing.assert_allclose(conv.forward(maps).transpose(1, 2, 3, 0),
                               naive_conv_relu(X, conv.weight, conv.bias, stride),
                               rtol=1e-4, atol=1e-5)


def float64_model(seed=1):
    model = ConvNet(seed)
    rng = np.random.default_rng(seed + 100)
    for layer in model.stack:
        layer.weight = layer.weight.astype(np.float64)
        layer.bias = rng.standard_normal(layer.bias.shape) * 0.1
    return model


def batch(n=4, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 784)) * (rng.random((n, 784)) < 0.3)
    return X, rng.integers(0, CLASSES, n)


@pytest.mark.parametrize("name", ConvNet.PARAM_NAMES)
def test_gradients_match_finite_differences(name):
    model, (X, y) = float64_model(), batch()
    _, _, grads = model.gradients(X, y)
    index = ConvNet.PARAM_NAMES.index(name)
    param, grad = model.params()[index].reshape(-1), grads[index].reshape(-1)
    rng = np.random.default_rng(index)
    for i in rng.choice(param.size, min(12, param.size), replace=False):
        old = param[i]
        param[i] = old + 1e-6
        up = model.gradients(X, y)[0]
        param[i] = old - 1e-6
        down = model.gradients(X, y)[0]
        param[i] = old
        assert grad[i] == pytest.approx((up - down) / 2e-6, rel=1e-4, abs=1e-8)


def test_train_step_reduces_loss_on_a_fixed_batch():
    model, (X, y) = ConvNet(0), batch(16)
    X = X.astype(np.float32)
    first = model.train_step(X, y, 0.05)[0]
    for _ in range(30):
        last = model.train_step(X, y, 0.05)[0]
    assert last < first / 4


def test_same_seed_gives_identical_weights_and_training():
    X, y = batch(8)
    X = X.astype(np.float32)
    a, b = ConvNet(5), ConvNet(5)
    for model in (a, b):
        for _ in range(3):
            model.train_step(X, y, 0.05)
    for p, q in zip(a.params(), b.params()):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(ConvNet(6).params()[0], ConvNet(5).params()[0])


def test_reinitialise_restores_seeded_weights_and_clears_momentum():
    model, (X, y) = ConvNet(3), batch(8)
    model.train_step(X.astype(np.float32), y, 0.05)
    model.reinitialise(3)
    for p, q in zip(model.params(), ConvNet(3).params()):
        np.testing.assert_array_equal(p, q)
    assert all(not v.any() for v in model.velocity)


def test_from_params_builds_the_model_and_checks_every_shape():
    trained = ConvNet(4)
    params = dict(trained.named_params())
    rebuilt = ConvNet.from_params(params)
    X = batch(3)[0].astype(np.float32)
    np.testing.assert_array_equal(rebuilt.logits(X), trained.logits(X))
    with pytest.raises(ValueError, match="conv2.weight has shape"):
        ConvNet.from_params(dict(params, **{"conv2.weight": np.zeros((3, 3, 16, 32), np.float32)}))
    with pytest.raises(ValueError, match="expected arrays"):
        ConvNet.from_params({k: v for k, v in params.items() if k != "output.bias"})


def test_predicting_in_chunks_matches_one_pass_and_empty_input_is_fine():
    model = ConvNet(2)
    X = batch(7)[0].astype(np.float32)
    np.testing.assert_allclose(model.logits(X, chunk=3), model.forward(X), rtol=1e-5, atol=1e-6)
    assert model.predict(np.zeros((0, 784), np.float32)).shape == (0,)
