"""A 784 -> hidden (ReLU) -> 10 softmax MLP trained by SGD with momentum.

Pure numpy, float32; the same file trains in CPython (make weights, tests,
benchmark) and in the Pyodide worker, where the step and the logits run in
C once it loads (worker/mlp_step.py) and numpy's are the fallback.
"""
import numpy as np

from shared.digit import CLASSES, PIXELS
from worker.classifier import LEARNING_RATE, MOMENTUM, Classifier, matmul, matmul_tn, softmax_gradient

MAX_HIDDEN = 1024
# The worker puts the same step and logits in C here when it loads
# (worker/mlp_step.py); numpy's, below, are CPython's (tests, make weights)
# and the fallback.
c_step = None


class MLP(Classifier):
    ARCHITECTURE = "mlp"
    LEARNING_RATE = LEARNING_RATE
    PARAM_NAMES = ("hidden.weight", "hidden.bias", "output.weight", "output.bias")

    def __init__(self, hidden=128, seed=0):
        self.hidden = hidden
        self.reinitialise(seed)

    def reinitialise(self, seed):
        """He initialisation for the ReLU layer, seeded; momentum cleared."""
        rng = np.random.default_rng(seed)
        h = self.hidden
        self.W1 = (rng.standard_normal((PIXELS, h)) * np.sqrt(2 / PIXELS)).astype(np.float32)
        self.b1 = np.zeros(h, np.float32)
        self.W2 = (rng.standard_normal((h, CLASSES)) * np.sqrt(2 / h)).astype(np.float32)
        self.b2 = np.zeros(CLASSES, np.float32)
        self.reset_momentum()

    def params(self):
        return [self.W1, self.b1, self.W2, self.b2]

    def layers(self):
        return [{"name": "hidden", "type": "dense", "inputs": PIXELS, "units": self.hidden,
                 "activation": "relu"},
                {"name": "output", "type": "dense", "inputs": self.hidden, "units": CLASSES,
                 "activation": "softmax"}]

    @classmethod
    def from_params(cls, params):
        """An MLP from named parameters; ValueError says what does not fit."""
        if set(params) != set(cls.PARAM_NAMES):
            raise ValueError("expected arrays %s, found %s"
                             % (", ".join(cls.PARAM_NAMES), ", ".join(sorted(params)) or "none"))
        hidden = params["hidden.bias"].shape[0] if params["hidden.bias"].ndim == 1 else 0
        if not 1 <= hidden <= MAX_HIDDEN:
            raise ValueError("hidden.bias must be a vector of 1 to %d units" % MAX_HIDDEN)
        expected = {"hidden.weight": (PIXELS, hidden), "hidden.bias": (hidden,),
                    "output.weight": (hidden, CLASSES), "output.bias": (CLASSES,)}
        for name, shape in expected.items():
            if params[name].shape != shape:
                raise ValueError("%s has shape %s; %d hidden units need %s"
                                 % (name, params[name].shape, hidden, shape))
        model = cls(hidden)
        model.set_params(*(params[name] for name in cls.PARAM_NAMES))
        return model

    def set_params(self, W1, b1, W2, b2):
        self.hidden = b1.shape[0]
        # Copies: the arrays may be read-only views of a received file.
        self.W1, self.b1, self.W2, self.b2 = (np.array(p, np.float32, order="C")
                                              for p in (W1, b1, W2, b2))
        self.reset_momentum()

    def forward(self, X):
        """Hidden pre-activations and logits, plus what backprop needs.

        MNIST pixels near the border are blank in most images, so only the
        input columns inked somewhere in X enter the first layer: the same
        result with a fraction of the work.
        """
        cols = np.flatnonzero(X.any(axis=0))
        Xa = X[:, cols]
        Z1 = matmul(Xa, self.W1[cols]) + self.b1
        H = np.maximum(Z1, 0)
        return cols, Xa, Z1, H, matmul(H, self.W2) + self.b2

    def logits(self, X):
        return c_step.logits(self, X) if c_step else self.numpy_logits(X)

    def numpy_logits(self, X, chunk=256):
        # Small chunks keep the set of inked columns small.
        return np.concatenate([self.forward(X[i:i + chunk])[-1] for i in range(0, len(X), chunk)])

    def gradients(self, X, y):
        """Loss, batch accuracy and gradients of the mean cross-entropy.
        dW1 is returned as (active columns, dW1 rows for those columns)."""
        cols, Xa, Z1, H, Z2 = self.forward(X)
        loss, acc, dZ2 = softmax_gradient(Z2, y)
        dW2 = matmul_tn(H, dZ2)
        db2 = dZ2.sum(axis=0)
        dZ1 = matmul(dZ2, self.W2.T)
        dZ1 *= Z1 > 0
        dW1_active = matmul_tn(Xa, dZ1)
        db1 = dZ1.sum(axis=0)
        return loss, acc, (cols, dW1_active), db1, dW2, db2

    @property
    def step_name(self):
        return c_step.name if c_step else "numpy"

    def train_step(self, X, y, lrate):
        """One SGD-with-momentum step on a batch; returns (loss, batch accuracy)."""
        if c_step:
            return c_step(self, X, y, lrate, MOMENTUM)
        return self.numpy_step(X, y, lrate)

    def numpy_step(self, X, y, lrate):
        loss, acc, (cols, dW1_active), db1, dW2, db2 = self.gradients(X, y)
        v1 = self.velocity[0]
        v1 *= MOMENTUM
        v1[cols] -= lrate * dW1_active
        self.W1 += v1
        for p, v, g in zip(self.params()[1:], self.velocity[1:], (db1, dW2, db2)):
            v *= MOMENTUM
            v -= lrate * g
            p += v
        return loss, acc

