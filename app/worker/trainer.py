"""The training loop and the seven signals, independent of the browser.

`Trainer.run()` is the worker's life: every iteration it tops up the data
cache, and while training it waits for a batch, takes one SGD step and
publishes a status. Signals are applied between iterations.
"""
import asyncio
import base64
import time

import numpy as np

from shared import protocol, weights_file
from worker import snapshots
from worker.model import BATCH_SIZE, LEARNING_RATE

EVAL_EVERY_S = 0.5      # held-out accuracy while training
WEIGHTS_EVERY_S = 0.5   # the page's view of the weights, refreshed while training
RATE_WINDOW_S = 1.0     # samples/s is measured over about this long
EVAL_SAMPLES = 2000     # held-out samples used (all of the default test split)


def weights_to_bytes(model):
    h = model.hidden
    matrix = np.zeros((h + 1, weights_file.COLUMNS), np.float32)
    matrix[:h, :weights_file.INPUTS] = model.W1.T
    matrix[:h, weights_file.INPUTS] = model.b1
    matrix[:h, weights_file.INPUTS + 1:] = model.W2
    matrix[h, weights_file.INPUTS + 1:] = model.b2
    return weights_file.encode(h, matrix.astype("<f4").tobytes())


def weights_from_bytes(data):
    """Return (W1, b1, W2, b2) or raise weights_file.BadWeights."""
    hidden, payload = weights_file.decode(data)
    matrix = np.frombuffer(payload, dtype="<f4").reshape(hidden + 1, weights_file.COLUMNS)
    if not np.isfinite(matrix).all():
        raise weights_file.BadWeights("weights contain NaN or infinity")
    inputs = weights_file.INPUTS
    return (matrix[:hidden, :inputs].T, matrix[:hidden, inputs],
            matrix[:hidden, inputs + 1:], matrix[hidden, inputs + 1:])


class RateMeter:
    """Samples per second over the last RATE_WINDOW_S of training."""

    def __init__(self, clock):
        self.clock = clock
        self.marks = []   # (time, cumulative samples)

    def add(self, samples_seen):
        now = self.clock()
        self.marks.append((now, samples_seen))
        while len(self.marks) > 2 and now - self.marks[1][0] >= RATE_WINDOW_S:
            self.marks.pop(0)

    def rate(self):
        if len(self.marks) < 2 or self.marks[-1][0] <= self.marks[0][0]:
            return 0.0
        (t0, s0), (t1, s1) = self.marks[0], self.marks[-1]
        return (s1 - s0) / (t1 - t0)

    def reset(self):
        self.marks = []


class Trainer:
    def __init__(self, model, cache, test_set, publish, clock=time.monotonic):
        """test_set: (X float32, y) held-out samples; publish: fn(status JSON text)."""
        self.model = model
        self.cache = cache
        self.X_test, self.y_test = test_set[0][:EVAL_SAMPLES], test_set[1][:EVAL_SAMPLES]
        self.publish = publish
        self.clock = clock
        self.batch_size = BATCH_SIZE
        self.lrate = LEARNING_RATE
        self.training = False
        self.iteration = 0
        self.samples_seen = 0
        self.loss = self.acc = None
        self.test_acc = self.confusion = None
        self.evaluate()
        self.error = None
        self.rate = RateMeter(clock)
        self.last_eval = self.last_weights = clock()
        self.views_due = True      # the page needs the model's views at start
        self.wake = asyncio.Event()

    def evaluate(self):
        """Held-out accuracy and confusion matrix; the next status carries both."""
        if len(self.y_test):
            predicted = self.model.predict(self.X_test)
            self.test_acc = float(np.mean(predicted == self.y_test))
            self.confusion = snapshots.confusion(self.y_test, predicted)

    # -- signals -------------------------------------------------------------

    def signal(self, text):
        """Apply one signal; returns the reply JSON text."""
        try:
            message = protocol.parse_signal(text)
            self.apply(message["type"], message.get("value"))
        except (protocol.ProtocolError, weights_file.BadWeights) as error:
            return protocol.reply(error)
        return protocol.reply()

    def apply(self, kind, value):
        with_weights = False
        if kind == protocol.START:
            self.training = True
            self.error = None
            self.rate.reset()
        elif kind == protocol.STOP:
            self.training = False
            self.cache.wake()          # a step waiting for data gives up now
            self.evaluate()
        elif kind == protocol.STATUS:
            with_weights = bool(value)
        elif kind == protocol.SET_WEIGHTS:
            self.set_weights(value)     # the page gets them as the inference view
            self.error = None
        elif kind == protocol.SET_BATCH_SIZE:
            self.batch_size = value
        elif kind == protocol.SET_LEARNING_RATE:
            self.lrate = value
        elif kind == protocol.SET_CACHE_SIZE:
            self.cache.resize(value)
        self.wake.set()
        self.send_status(with_weights)

    def set_weights(self, value):
        """value: base64 of a weights file, or an int seed for fresh random weights."""
        if isinstance(value, int):
            self.model.reinitialise(value)
        else:
            try:
                data = base64.b64decode(value, validate=True)
            except ValueError:
                raise weights_file.BadWeights("weights are not valid base64")
            self.model.set_params(*weights_from_bytes(data))
        self.evaluate()
        self.views_due = True
        self.loss = self.acc = None

    # -- status --------------------------------------------------------------

    def status(self, with_weights=False):
        status = {
            "training": self.training, "loss": self.loss, "acc": self.acc,
            "test_acc": self.test_acc, "batch_size": self.batch_size, "lrate": self.lrate,
            "data_len": len(self.cache.blocks), "data_futures_len": len(self.cache.in_flight),
            "iteration": self.iteration, "cache_size": self.cache.size,
            "samples_seen": self.samples_seen, "samples_per_s": round(self.rate.rate(), 1),
            "fetch_errors": self.cache.fetch_errors, "corrupt_blocks": self.cache.corrupt_blocks,
            "error": self.error,
        }
        if with_weights:
            status["weights"] = base64.b64encode(weights_to_bytes(self.model)).decode()
        return status

    def views(self):
        """The optional status fields due now (see protocol.OPTIONAL_FIELDS)."""
        views = {}
        if self.confusion is not None:
            views["confusion"], views["confusion_examples"] = self.confusion
            self.confusion = None
        if self.views_due:
            views["inference"] = snapshots.inference_weights(self.model)
            views["units_png"] = snapshots.unit_mosaic(self.model)
            self.views_due = False
        return views

    def send_status(self, with_weights=False):
        status = self.status(with_weights)
        status.update(self.views())
        self.publish(protocol.encode_status(status))

    # -- the loop ------------------------------------------------------------

    async def step(self):
        """One training iteration: wait for a batch (never spinning), learn from it."""
        await self.cache.wait_for(self.batch_size, give_up=lambda: not self.training)
        if not self.training:     # stopped while waiting for data
            return
        X, y = self.cache.take(self.batch_size)
        self.loss, self.acc = self.model.train_step(X, y, self.lrate)
        self.iteration += 1
        self.samples_seen += len(y)
        self.rate.add(self.samples_seen)
        now = self.clock()
        if now - self.last_eval >= EVAL_EVERY_S:
            self.evaluate()
            self.last_eval = now
        if now - self.last_weights >= WEIGHTS_EVERY_S:
            self.views_due = True
            self.last_weights = now
        self.send_status()

    def cache_state(self):
        c = self.cache
        return len(c.blocks), len(c.in_flight), c.fetch_errors, c.corrupt_blocks

    async def run(self, idle_poll_s=0.1):
        shown = None
        while True:
            self.cache.fill()
            if not self.training and self.cache_state() != shown:
                shown = self.cache_state()    # idle: still show the cache filling
                self.send_status()
            if self.training:
                try:
                    await self.step()
                except Exception as error:  # stop training visibly; the loop lives on
                    self.training = False
                    self.error = "training stopped: %s: %s" % (type(error).__name__, error)
                    self.send_status()
                await asyncio.sleep(0)    # let signals and fetches in
            else:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), idle_poll_s)
                except asyncio.TimeoutError:
                    pass
