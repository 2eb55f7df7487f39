"""A small convnet: two strided convolutions (ReLU) and a softmax layer.

    28x28x1 -> conv 5x5/2, 16 -> 12x12x16 -> conv 5x5/2, 32 -> 4x4x32 -> dense 10

Strided convolutions instead of convolution + max-pool: pooling a stride-1
layer costs four times its arithmetic and a pass of comparisons, which in
Pyodide's numpy (no BLAS) cost more than the layer itself. Convolution is
im2col (a strided view of the input, copied once into rows of patches)
times the kernel, a matrix product. Kernels are (k, k, in, out).

Pure numpy, float32; the same file trains in CPython and the Pyodide worker,
with the interface of worker.mlp.MLP.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from shared.digit import CLASSES, SIDE
from worker.classifier import MOMENTUM, Classifier, matmul, matmul_nt, matmul_tn, softmax_gradient


class Conv:
    """k x k convolution with a stride and no padding, then ReLU.

    Feature maps are laid out (channels, n, rows, columns): every product is
    then (few rows) x (long rows of n * positions), and Pyodide's einsum runs
    its inner loop along those long rows, about 1.6x faster per step than with
    the images first (measured in Pyodide)."""

    def __init__(self, name, k, stride, channels_in, channels_out, side_in):
        self.name, self.k, self.stride = name, k, stride
        self.channels_in, self.channels_out = channels_in, channels_out
        self.side_in = side_in
        self.side_out = (side_in - k) // stride + 1
        self.shape = (k, k, channels_in, channels_out)

    def init(self, rng):
        fan_in = self.k * self.k * self.channels_in
        self.weight = (rng.standard_normal(self.shape) * np.sqrt(2 / fan_in)).astype(np.float32)
        self.bias = np.zeros(self.channels_out, np.float32)

    def patches(self, A):
        """(k * k * in, n * out * out): one column of input pixels per output pixel."""
        n, s, k, o = A.shape[1], self.stride, self.k, self.side_out
        b = A.strides
        view = as_strided(A, (k, k, self.channels_in, n, o, o),
                          (b[2], b[3], b[0], b[1], b[2] * s, b[3] * s), writeable=False)
        return view.reshape(k * k * self.channels_in, -1)

    def forward(self, A):
        """A: (in, n, side, side) -> (out, n, side_out, side_out)."""
        self.cols = self.patches(A)
        Z = matmul(self.weight.reshape(-1, self.channels_out).T, self.cols)
        Z += self.bias[:, None]
        self.out = np.maximum(Z, 0, out=Z).reshape(self.channels_out, A.shape[1],
                                                   self.side_out, self.side_out)
        return self.out

    def backward(self, dY, input_gradient=True):
        """Gradients of weight and bias from dY (the output's); returns dA or None."""
        dZ = (dY * (self.out > 0)).reshape(self.channels_out, -1)
        self.d_weight = matmul_nt(dZ, self.cols).T.reshape(self.shape)
        self.d_bias = dZ.sum(axis=1)
        if not input_gradient:
            return None
        n, o, k, s = dY.shape[1], self.side_out, self.k, self.stride
        d_cols = matmul(self.weight.reshape(-1, self.channels_out), dZ)
        d_cols = d_cols.reshape(k, k, self.channels_in, n, o, o)
        dA = np.zeros((self.channels_in, n, self.side_in, self.side_in), dY.dtype)
        span = s * (o - 1) + 1
        for i in range(k):          # each kernel offset adds back to its input pixels
            for j in range(k):
                dA[:, :, i:i + span:s, j:j + span:s] += d_cols[i, j]
        return dA


class Dense:
    """Fully connected softmax layer over the flattened feature maps."""

    def __init__(self, name, inputs, units):
        self.name, self.inputs, self.units = name, inputs, units
        self.shape = (inputs, units)

    def init(self, rng):
        self.weight = (rng.standard_normal(self.shape) * np.sqrt(1 / self.inputs)).astype(np.float32)
        self.bias = np.zeros(self.units, np.float32)

    def forward(self, A):
        """A: feature maps (channels, n, rows, columns), flattened per image as
        rows x columns x channels (the order weights files keep)."""
        self.maps = A.shape
        self.X = A.transpose(1, 2, 3, 0).reshape(A.shape[1], -1)
        return matmul(self.X, self.weight) + self.bias

    def backward(self, dY):
        """Gradients of weight and bias; returns the maps' gradient, laid out as they were."""
        self.d_weight = matmul_tn(self.X, dY)
        self.d_bias = dY.sum(axis=0)
        c, n, rows, columns = self.maps
        dX = matmul(dY, self.weight.T).reshape(n, rows, columns, c)
        return np.ascontiguousarray(dX.transpose(3, 0, 1, 2))


class ConvNet(Classifier):
    ARCHITECTURE = "cnn"
    # Its own defaults for two settings (shared/settings.py): it trains on
    # distorted batches, and with them 0.05 reached 98% held-out in fewer
    # samples than 0.1 or 0.02.
    AUGMENT = True
    LEARNING_RATE = 0.05

    def __init__(self, seed=0):
        conv1 = Conv("conv1", 5, 2, 1, 16, SIDE)
        conv2 = Conv("conv2", 5, 2, 16, 32, conv1.side_out)
        output = Dense("output", conv2.side_out ** 2 * 32, CLASSES)
        self.convs, self.output = [conv1, conv2], output
        self.stack = self.convs + [output]
        self.reinitialise(seed)

    PARAM_NAMES = ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                   "output.weight", "output.bias")

    def reinitialise(self, seed):
        rng = np.random.default_rng(seed)
        for layer in self.stack:
            layer.init(rng)
        self.reset_momentum()

    def params(self):
        return [p for layer in self.stack for p in (layer.weight, layer.bias)]

    def layers(self):
        described = [{"name": c.name, "type": "conv", "kernel": c.k, "stride": c.stride,
                      "inputs": c.channels_in, "units": c.channels_out, "activation": "relu"}
                     for c in self.convs]
        return described + [{"name": "output", "type": "dense", "inputs": self.output.inputs,
                             "units": CLASSES, "activation": "softmax"}]

    @classmethod
    def from_params(cls, params):
        """A convnet from named parameters; ValueError says what does not fit."""
        if set(params) != set(cls.PARAM_NAMES):
            raise ValueError("expected arrays %s, found %s"
                             % (", ".join(cls.PARAM_NAMES), ", ".join(sorted(params)) or "none"))
        model = cls()
        for name, expected in zip(cls.PARAM_NAMES, model.params()):
            if params[name].shape != expected.shape:
                raise ValueError("%s has shape %s, expected %s"
                                 % (name, params[name].shape, expected.shape))
        model.set_params(*(params[name] for name in cls.PARAM_NAMES))
        return model

    def set_params(self, *params):
        # Copies: the arrays may be read-only views of a received file.
        params = iter(params)
        for layer in self.stack:
            layer.weight = np.array(next(params), np.float32, order="C")
            layer.bias = np.array(next(params), np.float32, order="C")
        self.reset_momentum()

    def forward(self, X):
        A = np.ascontiguousarray(X, np.float32).reshape(1, len(X), SIDE, SIDE)
        for conv in self.convs:
            A = conv.forward(A)
        return self.output.forward(A)

    def logits(self, X, chunk=500):
        return np.concatenate([self.forward(X[i:i + chunk]) for i in range(0, len(X), chunk)]
                              or [np.zeros((0, CLASSES), np.float32)])

    def gradients(self, X, y):
        """Loss, batch accuracy and the gradients, in params() order."""
        loss, acc, dZ = softmax_gradient(self.forward(X), y)
        dA = self.output.backward(dZ)
        for index in range(len(self.convs) - 1, -1, -1):
            dA = self.convs[index].backward(dA, input_gradient=index > 0)
        grads = [g for layer in self.stack for g in (layer.d_weight, layer.d_bias)]
        return loss, acc, grads

    def train_step(self, X, y, lrate):
        """One SGD-with-momentum step on a batch; returns (loss, batch accuracy)."""
        loss, acc, grads = self.gradients(X, y)
        for p, v, g in zip(self.params(), self.velocity, grads):
            v *= MOMENTUM
            v -= lrate * g
            p += v
        return loss, acc

