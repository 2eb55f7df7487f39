"""Notices training going wrong, and keeps weights to go back to.

Diverged: a batch loss that is NaN or infinite, or a smoothed loss far above
its recent healthy level. (Learning rate 10 takes the MLP's loss from 0.05 to
23 in five steps without a NaN.) The smoothing spans about SMOOTHING_SAMPLES
samples whatever the batch size, so batch size 1 is no noisier than 64.

Every KEEP_EVERY_S of healthy training the weights are copied; a copy becomes
the one to put back once the training after it stayed healthy for as long
again, so it predates the trouble.
"""
import math

SMOOTHING_SAMPLES = 640
KEEP_EVERY_S = 2.0
FACTOR, MARGIN = 4.0, 1.0     # far above: over FACTOR x healthy and healthy + MARGIN


class LossWatch:
    def __init__(self, clock, classes=10):
        self.clock = clock
        self.chance = math.log(classes)    # the loss of a model that knows nothing
        self.start(None)

    def start(self, snapshot, loss=None):
        """A new run (Start, or new weights): `snapshot` is trusted as good, and
        `loss` (its held-out loss) is the healthy level until training shows one."""
        self.good = snapshot          # what to put back
        self.candidate = None         # becomes good after a healthy period
        self.healthy = loss           # the loss of the last healthy period
        self.smoothed = loss          # one odd first batch is not a trend
        self.period_sum = self.period_steps = 0
        self.period_start = self.clock()

    def limit(self):
        healthy = self.chance if self.healthy is None else self.healthy
        far_above = max(FACTOR * healthy, healthy + MARGIN)
        # A model that knew something and is back at chance level is wrecked too.
        return min(far_above, max(self.chance, healthy + MARGIN / 2))

    def observe(self, loss, batch_size, snapshot):
        """After each step. Returns None, or why training diverged (then put
        back self.good). snapshot() copies the current weights when due."""
        if not math.isfinite(loss):
            return "the loss became %s" % ("NaN" if loss != loss else "infinite")
        weight = batch_size / (batch_size + SMOOTHING_SAMPLES)
        self.smoothed = loss if self.smoothed is None else (
            (1 - weight) * self.smoothed + weight * loss)
        if self.smoothed > self.limit():
            return "the loss rose to %.3g, from %.3g" % (
                self.smoothed, self.chance if self.healthy is None else self.healthy)
        self.period_sum += loss
        self.period_steps += 1
        if self.clock() - self.period_start >= KEEP_EVERY_S:
            if self.candidate is not None:
                self.good = self.candidate
            self.healthy = self.period_sum / self.period_steps
            self.candidate = snapshot()
            self.period_sum = self.period_steps = 0
            self.period_start = self.clock()
        return None
