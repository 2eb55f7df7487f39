"""The MLP's training step and logits in C (mlp_step.c), called through
ctypes on the model's own numpy arrays, which the step updates in place: no
copies either way.

In the worker the library is the C built to WebAssembly with SIMD as an
Emscripten side module, which Pyodide links into its own memory; under
CPython (the tests) it is the same C built natively. Either way it is the
maths of MLP.train_step in numpy, about seven times faster in Pyodide.
"""
import ctypes

import numpy as np

from shared.digit import CLASSES, PIXELS
from worker import classifier, mlp

_pointers = [ctypes.c_void_p] * 10


class CStep:
    NAME = "C (WebAssembly SIMD)"

    def __init__(self, path, name=NAME):
        """OSError if the library is missing, damaged or cannot link here
        (a browser without WebAssembly SIMD)."""
        self.name = name
        library = ctypes.CDLL(path)
        self.train_step = library.mlp_train_step
        self.train_step.argtypes = ([ctypes.c_int, ctypes.c_int] + _pointers
                                    + [ctypes.c_float, ctypes.c_float, ctypes.c_void_p])
        self.train_step.restype = ctypes.c_int
        self.mlp_logits = library.mlp_logits
        self.mlp_logits.argtypes = [ctypes.c_int, ctypes.c_int] + [ctypes.c_void_p] * 6
        self.mlp_logits.restype = ctypes.c_int
        self.out = np.zeros(2, np.float32)
        self.bound = ()          # the arrays whose addresses `addresses` holds
        self.addresses = ()
        self.check()

    def check(self, steps=3):
        """ValueError unless a few steps and the logits agree with numpy's: a
        stale or foreign library from the host must not train the visitor's model."""
        rng = np.random.default_rng(0)
        X = (rng.random((32, PIXELS)) * (rng.random((32, PIXELS)) < 0.2)).astype(np.float32)
        y = rng.integers(0, CLASSES, 32)
        mine, numpys = mlp.MLP(19, seed=1), mlp.MLP(19, seed=1)   # 19: SIMD tails too
        for _ in range(steps):
            loss = self(mine, X, y, 0.1, classifier.MOMENTUM)[0]
            expected = numpys.numpy_step(X, y, 0.1)[0]
        if not (abs(loss - expected) < 1e-4 and all(
                np.allclose(a, b, atol=1e-5) for a, b in zip(mine.params(), numpys.params()))):
            raise ValueError("its steps differ from numpy's")
        if not np.allclose(self.logits(mine, X), numpys.numpy_logits(X), atol=1e-4):
            raise ValueError("its logits differ from numpy's")

    def bind(self, net):
        """The addresses of the model's parameters and velocities, checked
        as the C reads them: float32, C order, the MLP's shapes."""
        arrays = tuple(net.params()) + tuple(net.velocity)
        if len(arrays) == len(self.bound) and all(a is b for a, b in zip(arrays, self.bound)):
            return self.addresses
        h = net.hidden
        shapes = [(PIXELS, h), (h,), (h, CLASSES), (CLASSES,)] * 2
        for array, shape in zip(arrays, shapes):
            if array.dtype != np.float32 or not array.flags.c_contiguous or array.shape != shape:
                raise ValueError("the C step needs float32 arrays in C order of shape %s, not %s %s"
                                 % (shape, array.dtype, array.shape))
        self.bound, self.addresses = arrays, tuple(a.ctypes.data for a in arrays)
        return self.addresses

    def __call__(self, net, X, y, lrate, momentum):
        """One step on (X, y), as MLP.train_step; returns (loss, batch accuracy)."""
        X = np.ascontiguousarray(X, np.float32)
        y = np.ascontiguousarray(y, np.int32)
        if X.shape != (len(y), PIXELS):
            raise ValueError("a batch of %d labels needs %d x %d pixels, not %s"
                             % (len(y), len(y), PIXELS, X.shape))
        if self.train_step(len(y), net.hidden, X.ctypes.data, y.ctypes.data,
                           *self.bind(net), lrate, momentum, self.out.ctypes.data):
            raise ValueError("labels must be 0 to 9 and hidden units 1 to %d" % mlp.MAX_HIDDEN)
        return float(self.out[0]), float(self.out[1])

    def logits(self, net, X):
        """As MLP.logits: (len(X), 10) float32."""
        X = np.ascontiguousarray(X, np.float32)
        if X.ndim != 2 or X.shape[1] != PIXELS:
            raise ValueError("logits need rows of %d pixels, not %s" % (PIXELS, X.shape))
        out = np.empty((len(X), CLASSES), np.float32)
        W1, b1, W2, b2 = self.bind(net)[:4]
        if self.mlp_logits(len(X), net.hidden, X.ctypes.data, W1, b1, W2, b2, out.ctypes.data):
            raise ValueError("hidden units must be 1 to %d" % mlp.MAX_HIDDEN)
        return out


def install(path):
    """Train every MLP with the library at path from now on; OSError or ValueError if it cannot."""
    mlp.c_step = CStep(path)
