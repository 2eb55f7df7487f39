"""worker/divergence.py: when training counts as diverged, and what goes back."""
import math

import pytest

from worker.divergence import KEEP_EVERY_S, LossWatch


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


DT = 1 / 64      # exact in binary: periods end on the step they should


def feed(watch, clock, losses, batch=64, dt=DT, snapshots=None):
    """Observe each loss dt apart; the step that diverged and why, or None."""
    snapshots = snapshots if snapshots is not None else []
    for step, loss in enumerate(losses):
        clock.now += dt
        trouble = watch.observe(loss, batch, lambda: snapshots.append(step) or step)
        if trouble:
            return step, trouble
    return None


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_non_finite_loss_is_divergence_at_once(bad):
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 0.1)
    step, why = feed(watch, clock, [0.1, 0.1, bad])
    assert step == 2 and ("NaN" in why or "infinite" in why)


def test_the_learning_rate_10_curve_is_caught_within_a_few_steps():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 0.15)
    # The project's MLP at learning rate 10: 0.0 to 23 in five steps, no NaN.
    step, why = feed(watch, clock, [0.05, 0.9, 6.0, 14.0, 21.0, 23.0, 23.0])
    assert step <= 4 and "rose" in why
    assert watch.good == "start"


def test_noisy_but_healthy_training_is_left_alone():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 0.15)
    # Batch size 1 on a good model: mostly tiny losses, a wrong one now and then,
    # even three wrong in a row.
    losses = ([0.01] * 20 + [4.5]) * 300 + [5.0, 5.0, 5.0] + [0.01] * 100
    assert feed(watch, clock, losses, batch=1, dt=0.001) is None


def test_falling_back_to_chance_from_well_below_is_divergence():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 1.1)
    step, _ = feed(watch, clock, [math.log(10) + 0.1] * 100)
    assert step < 100


def test_a_fresh_random_model_at_chance_is_not_divergence():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 2.4)
    assert feed(watch, clock, [2.5, 2.6, 2.45, 2.3, 2.2, 2.0, 1.8] * 50) is None


def test_weights_become_good_only_after_a_healthy_period_after_them():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("start", 0.2)
    taken = []
    steps = int(KEEP_EVERY_S / DT)
    assert feed(watch, clock, [0.2] * steps, snapshots=taken) is None
    assert taken == [steps - 1] and watch.good == "start"     # a candidate, not yet good
    assert feed(watch, clock, [0.2] * steps, snapshots=taken) is None
    assert watch.good == steps - 1                             # proved itself
    assert watch.healthy == pytest.approx(0.2)
    step, _ = feed(watch, clock, [30.0] * 10, snapshots=taken)
    assert watch.good == steps - 1                             # the one from before the trouble


def test_start_forgets_the_last_run():
    clock = Clock()
    watch = LossWatch(clock)
    watch.start("first", 0.1)
    feed(watch, clock, [0.1] * 500)
    watch.start("second", 2.3)
    assert watch.good == "second" and watch.healthy == 2.3 and watch.candidate is None
