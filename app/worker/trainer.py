"""The training loop and the seven signals, independent of the browser.

`Trainer.run()` is the worker's life: every iteration it tops up the data
cache, and while training it waits for a batch, takes one SGD step and
publishes a status, at most one every STATUS_EVERY_S however fast the steps
go, so a slow page is never flooded. Signals are applied between iterations,
after the step under way once TURN_S has passed, and each is answered by a
status at once. The visitor's own digits
(worker/lessons.py) take part in every batch, and teaching one starts a
lesson: a short burst of training that ends by itself. Checkpoints (the
weights file and what the page needs to predict with it) go to the page every
CHECKPOINT_EVERY_S while training (it stores one every 8 s, and the newest
when the visitor leaves), on Stop, after set weights and when asked for.
"""
import asyncio
import base64
import datetime
import time

import numpy as np

from shared import protocol, settings
from shared.classes import DIGITS
from shared.digit import PIXELS
from worker import augment, snapshots, weights_file
from worker.classifier import scored
from worker.divergence import LossWatch
from worker.lessons import LESSON_STEPS, Lessons
from worker.cache import to_unit_range

EVAL_EVERY_S = 0.5      # held-out accuracy while training, at most this often
EVAL_SHARE = 0.1        # and at most this share of the time (the convnet's takes ~0.3 s)
WEIGHTS_EVERY_S = 0.5   # the page's view of the weights, refreshed while training
CHECKPOINT_EVERY_S = 2.0  # while training; about 3 ms of the worker's time each
HEARTBEAT_S = 0.5       # an idle worker still sends a status this often: the page's sign of life
RATE_WINDOW_S = 1.0     # samples/s is measured over about this long
# Training yields to the event loop (signals, fetches) this often, not every
# step: in the page a yield cost 0.4 ms a step (0.05 ms idle; the fetches
# queued behind it), as much as an MLP step.
TURN_S = 0.005
# While training, a status (the newest numbers, and any view due) goes at most
# this often: the page shows ten a second, and each message costs its main
# thread a call into Python, however fast the worker's steps are.
STATUS_EVERY_S = 0.05
EVAL_SAMPLES = 2000     # held-out samples used (all of the default test split)
# While training, the held-out evaluation runs this many samples per turn of
# the event loop: the page's "are you alive?" (ui/worker_link.py) is answered
# between parts, not after a whole evaluation (a second on a slow phone's convnet).
EVAL_PART = 250


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
    def __init__(self, model, cache, test_set, publish, publish_checkpoint=lambda c: None,
                 clock=time.monotonic, classes=DIGITS, meta=None, memory=lambda: None):
        """test_set: (X float32, y) held-out samples; publish: fn(status JSON
        text, the MLP's first layer as bytes or None: protocol.live_status);
        publish_checkpoint: fn(dict, see checkpoint()); meta: the model's file
        metadata (samples seen, iteration); memory: fn() -> bytes of the worker's
        wasm memory, or None where unknown (make soak watches it)."""
        self.model = model
        self.cache = cache
        self.X_test, self.y_test = test_set[0][:EVAL_SAMPLES], test_set[1][:EVAL_SAMPLES]
        self.publish = publish
        self.publish_checkpoint = publish_checkpoint
        self.memory = memory
        self.clock = clock
        self.classes = list(classes)
        self.batch_size = settings.BATCH_SIZE.default
        self.lrate = settings.LEARNING_RATE.default
        self.training = False
        self.augment = model.AUGMENT
        self.rng = np.random.default_rng(0)
        self.iteration, self.samples_seen = counts(meta or {})
        self.lessons = Lessons()
        self.lesson_steps = 0      # left in the lesson under way, if any
        self.learned_mine = my_digits_learned(meta or {})   # of my digits, in these weights
        self.my_acc = None
        self.loss = self.acc = None
        self.test_acc = self.test_loss = self.confusion = None
        self.weights_in_use = 0    # counts replacements of the weights (after_new_weights)
        # How long the worker can take to answer a signal: the page allows for
        # it ("busy_s"). Per sample, so that a new batch size is allowed for
        # before its first step.
        self.step_sample_s = None  # the last training step's seconds per sample
        self.evaluation_sample_s = 0.0   # the last whole evaluation's
        self.evaluate()
        self.error = None
        self.rate = RateMeter(clock)
        self.watch = LossWatch(clock, len(self.classes))
        self.eval_s = 0.0          # how long the last held-out evaluation took
        self.last_eval = self.last_weights = self.last_checkpoint = self.last_publish = clock()
        self.unsent = False        # a step's status waits for STATUS_EVERY_S to pass
        self.views_due = True      # the page needs the model's views at start
        self.wake = asyncio.Event()

    def evaluate(self, logits=None):
        """Held-out accuracy and confusion matrix; the next status carries both.
        logits: the held-out set's, if computed already."""
        if len(self.y_test):
            if logits is None:           # all at once: the longest the worker is deaf
                started = self.clock()
                logits = self.model.logits(self.X_test)
                self.evaluation_sample_s = (self.clock() - started) / len(self.y_test)
            predicted, self.test_loss = scored(logits, self.y_test)
            self.test_acc = float(np.mean(predicted == self.y_test))
            self.confusion = snapshots.confusion(self.y_test, predicted)
        self.my_acc = self.lessons.accuracy(self.model)

    async def evaluate_in_turns(self):
        """evaluate(), EVAL_PART samples per turn of the event loop, while
        training. Weights replaced meanwhile (a signal), or Stop, evaluated
        them then: these parts are dropped."""
        weights = self.weights_in_use
        parts = []
        for start in range(0, len(self.y_test), EVAL_PART):
            parts.append(self.model.logits(self.X_test[start:start + EVAL_PART]))
            await asyncio.sleep(0)
            if self.weights_in_use != weights or not self.training:   # Stop evaluated them itself
                return
        self.evaluate(np.concatenate(parts) if parts else None)

    # -- signals -------------------------------------------------------------

    def signal(self, text):
        """Apply one signal; returns the reply JSON text."""
        try:
            message = protocol.parse_signal(text)
            self.apply(message["type"], message.get("value"))
        except (protocol.ProtocolError, weights_file.BadWeights, ValueError) as error:
            return protocol.reply(error)
        return protocol.reply()

    def apply(self, kind, value):
        if kind == protocol.START:
            self.lesson_steps = 0          # a lesson under way goes on as plain training
            self.training = True
            self.error = None
            self.rate.reset()
            self.watch.start(self.snapshot(), self.test_loss)
        elif kind == protocol.STOP:
            if self.training:
                self.finish("stop")
        elif kind == protocol.STATUS:
            if value:
                self.send_checkpoint("asked")
        elif kind == protocol.SET_WEIGHTS:
            self.set_weights(value)     # the page gets them as the inference view
            self.error = None
            self.send_checkpoint("set_weights")
        elif kind == protocol.SET_BATCH_SIZE:
            self.batch_size = value
        elif kind == protocol.SET_LEARNING_RATE:
            self.lrate = value
        elif kind == protocol.SET_CACHE_SIZE:
            self.cache.resize(value)
        elif kind == protocol.SET_AUGMENT:
            self.augment = value
        elif kind == protocol.SET_MY_DIGITS:
            self.set_my_digits(value)
        self.wake.set()
        self.send_status()

    def finish(self, reason):
        """Stop training (or a lesson): evaluate, show and hand over the final weights."""
        self.flush()
        self.training = False
        self.lesson_steps = 0
        self.cache.wake()          # a step waiting for data gives up now
        self.evaluate()
        self.views_due = True      # the page predicts with the final weights
        self.send_checkpoint(reason)

    def set_my_digits(self, value):
        """The visitor's digits, the whole set; with "learn", a lesson on them now
        (a lesson under way starts over, so the newest digit gets a whole one;
        while training, they simply join the batches from the next one on)."""
        try:
            data = base64.b64decode(value["x"], validate=True)
        except ValueError:
            raise ValueError("my digits: x is not valid base64")
        labels = value["y"]
        if len(data) != len(labels) * PIXELS:
            raise ValueError("my digits: %d bytes of pixels for %d labels, expected %d"
                             % (len(data), len(labels), len(labels) * PIXELS))
        pixels = np.frombuffer(data, np.uint8).reshape(len(labels), PIXELS)
        self.lessons.set(to_unit_range(pixels), labels)
        self.my_acc = self.lessons.accuracy(self.model)
        if value["learn"] and len(labels) and self.lesson_steps:
            self.lesson_steps = LESSON_STEPS
        elif value["learn"] and len(labels) and not self.training:
            self.training = True
            self.lesson_steps = LESSON_STEPS
            self.error = None
            self.rate.reset()
            self.watch.start(self.snapshot(), self.test_loss)

    def set_weights(self, value):
        """value: base64 of a weights file, or an int seed for fresh random
        weights. A file's samples seen and iteration come with it."""
        if isinstance(value, int):
            self.model.reinitialise(value)
            self.iteration = self.samples_seen = self.learned_mine = 0
        else:
            try:
                data = base64.b64decode(value, validate=True)
            except ValueError:
                raise weights_file.BadWeights("weights are not valid base64")
            model, meta = weights_file.decode(data)
            if model.ARCHITECTURE != self.model.ARCHITECTURE:   # that architecture's defaults
                self.augment = model.AUGMENT
                self.lrate = model.LEARNING_RATE
            self.model = model
            self.iteration, self.samples_seen = counts(meta)
            self.learned_mine = my_digits_learned(meta)
        self.after_new_weights()

    def after_new_weights(self):
        self.weights_in_use += 1
        self.step_sample_s = None       # another model, maybe: its steps are not timed yet
        self.evaluate()
        self.views_due = True
        self.loss = self.acc = None
        self.watch.start(self.snapshot(), self.test_loss)

    # -- checkpoints: weights kept to go back to, and for the page to save ----

    def snapshot(self):
        return ([p.copy() for p in self.model.params()], self.iteration, self.samples_seen,
                self.learned_mine)

    def restore(self, snapshot):
        params, self.iteration, self.samples_seen, self.learned_mine = snapshot
        self.model.set_params(*params)
        self.after_new_weights()

    def checkpoint(self, reason):
        """What the page keeps: the weights file, the inference view as a
        status text (as in pretrained-inference.txt), and the counts."""
        saved = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        return {
            "reason": reason, "saved": saved,
            "samples_seen": self.samples_seen, "iteration": self.iteration,
            "test_acc": self.test_acc, "architecture": self.model.ARCHITECTURE,
            "weights": weights_file.encode(self.model, self.classes, saved=saved,
                                           samples_seen=self.samples_seen,
                                           iteration=self.iteration,
                                           my_digits=self.learned_mine),
            "inference": protocol.encode_status(
                {"inference": snapshots.inference_weights(self.model)}),
        }

    def send_checkpoint(self, reason):
        self.flush()
        self.last_checkpoint = self.clock()
        self.publish_checkpoint(self.checkpoint(reason))

    # -- status --------------------------------------------------------------

    def status(self):
        return {
            "training": self.training, "loss": self.loss, "acc": self.acc,
            "test_acc": self.test_acc, "batch_size": self.batch_size, "lrate": self.lrate,
            "data_len": len(self.cache.blocks), "data_futures_len": len(self.cache.in_flight),
            "iteration": self.iteration, "cache_size": self.cache.size,
            "samples_seen": self.samples_seen, "samples_per_s": round(self.rate.rate(), 1),
            "fetch_errors": self.cache.fetch_errors, "corrupt_blocks": self.cache.corrupt_blocks,
            "error": self.error, "data_state": self.cache.state(self.batch_size),
            "my_digits": len(self.lessons), "my_acc": self.my_acc, "lesson": self.lesson_steps > 0,
            "architecture": self.model.ARCHITECTURE, "augment": self.augment,
            "wasm_memory": self.memory(), "step": self.model.step_name,
            "busy_s": round(self.busy_s(), 3),
        }

    def busy_s(self):
        """The longest a signal can wait for its answer: the training step
        under way (at the batch size now set), then a whole held-out
        evaluation, which Stop and new weights do before they answer. Before
        a step of these weights was timed, a step is taken to cost 3 times the
        evaluation per sample (forward and backward, tools/bench/work.py)."""
        sample_s = self.step_sample_s
        if sample_s is None:
            sample_s = 3 * self.evaluation_sample_s
        return self.evaluation_sample_s * len(self.y_test) + sample_s * self.batch_size

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

    def send_status(self):
        status = self.status()
        status.update(self.views())
        self.last_publish = self.clock()
        self.unsent = False
        self.publish(*protocol.live_status(status))

    def stepped(self):
        """A step's status: sent if STATUS_EVERY_S has passed since the last,
        else left for a later one, which will carry newer numbers (and any view
        due: views are taken only when a status is sent, so none is lost)."""
        if self.clock() - self.last_publish >= STATUS_EVERY_S:
            self.send_status()
        else:
            self.unsent = True

    def flush(self):
        """The last step's status, if it still waits: before a checkpoint or
        the end of training, so that the page charts every step before them."""
        if self.unsent:
            self.send_status()

    # -- the loop ------------------------------------------------------------

    async def step(self):
        """One training iteration: wait for a batch (never spinning), learn from it.
        While it waits, the last step's status goes out, then one every
        HEARTBEAT_S tells the page why (data_state)."""
        while self.training and not await self.cache.wait_for(
                self.batch_size, give_up=lambda: not self.training,
                timeout=STATUS_EVERY_S if self.unsent else HEARTBEAT_S):
            self.send_status()
        if not self.training:     # stopped while waiting for data
            return
        started = self.clock()
        X, y = self.cache.take(self.batch_size)
        if self.augment:
            X = augment.distort(X, self.rng)
        X, y = self.lessons.mix(X, y)
        if len(self.lessons):
            self.learned_mine = len(self.lessons)
        self.loss, self.acc = self.model.train_step(X, y, self.lrate)
        self.step_sample_s = (self.clock() - started) / len(y)
        self.iteration += 1
        self.samples_seen += len(y)
        self.rate.add(self.samples_seen)
        trouble = self.watch.observe(self.loss, len(y), self.snapshot)
        if trouble:
            return self.diverged(trouble)
        if self.lesson_steps:
            self.lesson_steps -= 1
            if not self.lesson_steps:
                self.finish("lesson")
                return self.send_status()
        now = self.clock()
        if now - self.last_eval >= max(EVAL_EVERY_S, self.eval_s / EVAL_SHARE):
            await self.evaluate_in_turns()
            if not self.training:            # stopped meanwhile: Stop has said all there is
                return
            self.last_eval = self.clock()
            self.eval_s = self.last_eval - now
        if now - self.last_weights >= WEIGHTS_EVERY_S:
            self.views_due = True
            self.last_weights = now
        if now - self.last_checkpoint >= CHECKPOINT_EVERY_S:
            self.send_checkpoint("training")
        self.stepped()

    def diverged(self, trouble):
        """Stop, put back the last good weights, and say why."""
        self.training = False
        self.lesson_steps = 0
        self.restore(self.watch.good)
        self.error = ("Training stopped: %s at learning rate %g, so it was diverging. "
                      "The weights from before are back (held-out accuracy %.1f%%); "
                      "try a smaller learning rate, such as %g."
                      % (trouble, self.lrate, 100 * self.test_acc,
                         min(settings.LEARNING_RATE.default, self.lrate / 10)))
        self.send_checkpoint("diverged")
        self.send_status()

    def cache_state(self):
        c = self.cache
        return (len(c.blocks), len(c.in_flight), c.fetch_errors, c.corrupt_blocks,
                c.state(self.batch_size))

    async def run(self, idle_poll_s=0.1):
        shown = None
        loop = asyncio.get_running_loop()   # turns are timed by its clock: tests fake self.clock
        turn_ends = 0
        while True:
            self.cache.fill()
            if not self.training and (self.cache_state() != shown
                                      or self.clock() - self.last_publish >= HEARTBEAT_S):
                shown = self.cache_state()    # idle: still show the cache filling
                self.send_status()
            if self.training:
                try:
                    await self.step()
                except Exception as error:  # stop training visibly; the loop lives on
                    self.training = False
                    self.error = "training stopped: %s: %s" % (type(error).__name__, error)
                    self.send_status()
                if loop.time() >= turn_ends:
                    await asyncio.sleep(0)    # let signals and fetches in
                    turn_ends = loop.time() + TURN_S
            else:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), idle_poll_s)
                except asyncio.TimeoutError:
                    pass


def count(meta, name):
    """A count from a weights file's metadata; 0 where missing or bad."""
    value = meta.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def counts(meta):
    """(iteration, samples seen) from a weights file's metadata."""
    return count(meta, "iteration"), count(meta, "samples_seen")


def my_digits_learned(meta):
    """How many of the visitor's digits the weights learned from."""
    return count(meta, "my_digits")
