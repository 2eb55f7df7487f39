"""worker/trainer.py: signals, statuses and the training loop, without a
browser, on a simulated clock (tests/harness/simulated_time.py): the loop's
waits, the cache's retries and an outage's probes take simulated seconds, so
no outcome depends on how fast the machine is."""
import asyncio
import io
import json
import random

import numpy as np
import pytest

from shared import protocol
from tests.harness.samples import b64, weights_of
from tests.harness.simulated_time import clock, run
from tests.harness.worker import (HIDDEN, FakeClock, Harness, file_of, held_out, make_store, my_digits,
                                  synthetic)
from worker import cache as cache_module
from worker import trainer as trainer_module
from worker.cache import BlockCache
from worker.convnet import ConvNet
from worker.mlp import MLP
from worker import snapshots, weights_file
from worker.trainer import RateMeter, Trainer


async def until(predicate, timeout=2.0, step=0.005):
    """Whether predicate() came true within `timeout` simulated seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            return False
        await asyncio.sleep(step)
    return True


async def stop_task(task):
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


def status_interval_passes(h):
    """The trainer's clock moves past STATUS_EVERY_S (twice it: sums of floats round)."""
    h.clock.now += 2 * trainer_module.STATUS_EVERY_S


async def iterate(trainer):
    """One pass of Trainer.run's loop while training: fill, step, yield."""
    trainer.cache.fill()
    await trainer.step()
    await asyncio.sleep(0)


# -- statuses ------------------------------------------------------------------

def test_initial_status_has_every_field():
    h = Harness()
    status = h.trainer.status()
    assert set(status) == set(protocol.STATUS_FIELDS)
    assert status["training"] is False and status["iteration"] == 0
    assert status["loss"] is None and status["acc"] is None
    assert status["batch_size"] == 64 and status["lrate"] == 0.1
    assert status["cache_size"] == 3 and status["error"] is None
    assert status["samples_seen"] == 0 and status["samples_per_s"] == 0.0
    # test_acc is measured on the held-out set at start
    X, y = held_out()
    assert status["test_acc"] == pytest.approx(h.trainer.model.accuracy(X, y))
    json.dumps(status)    # JSON-serialisable as is


def test_status_signal_publishes_a_full_status_without_weights():
    h = Harness()
    assert h.send("status") == {"ok": True}
    assert len(h.published) == 1
    status = h.last()
    # The first status also carries the model's views; later ones only what is due.
    assert set(status) == set(protocol.STATUS_FIELDS) | {
        "inference", "units_png", "confusion", "confusion_examples"}
    h.send("status", False)
    assert set(h.last()) == set(protocol.STATUS_FIELDS)


def test_status_true_sends_a_checkpoint_of_the_weights():
    h = Harness()
    h.send("status")                      # takes the views due at start
    assert h.send("status", True) == {"ok": True}
    assert set(h.last()) == set(protocol.STATUS_FIELDS)
    checkpoint = h.checkpoints[-1]
    assert checkpoint["reason"] == "asked" and checkpoint["architecture"] == "mlp"
    model, meta = weights_file.decode(checkpoint["weights"])
    for got, want in zip(model.params(), h.trainer.model.params()):
        np.testing.assert_array_equal(got, want)
    assert meta["samples_seen"] == checkpoint["samples_seen"] == 0
    assert meta["saved"] == checkpoint["saved"]
    inference = protocol.decode_status(checkpoint["inference"])["inference"]
    assert inference == snapshots.inference_weights(h.trainer.model)


def test_checkpoints_while_training_on_stop_and_after_new_weights():
    clock = FakeClock()
    h = Harness(clock=clock)

    async def scenario():
        h.send("start")
        for _ in range(3):
            await iterate(h.trainer)
        assert h.checkpoints == []
        clock.now += trainer_module.CHECKPOINT_EVERY_S
        await iterate(h.trainer)
        assert [c["reason"] for c in h.checkpoints] == ["training"]
        assert h.checkpoints[-1]["samples_seen"] == h.trainer.samples_seen
        await iterate(h.trainer)
        assert len(h.checkpoints) == 1                  # not again until the interval passes
        h.send("stop")
        h.send("stop")                                  # stopping a stopped model saves nothing
        h.send("set_weights", 4)
    run(scenario())
    assert [c["reason"] for c in h.checkpoints] == ["training", "stop", "set_weights"]
    assert h.checkpoints[-1]["samples_seen"] == 0


def test_an_idle_worker_still_sends_a_status_every_heartbeat():
    clock = FakeClock()
    h = Harness(clock=clock)

    async def scenario():
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        await until(lambda: h.trainer.cache_state()[0] == h.cache.size)
        await asyncio.sleep(0.05)
        count = len(h.published)
        await asyncio.sleep(0.05)
        assert len(h.published) == count               # nothing new to say: quiet
        clock.now += trainer_module.HEARTBEAT_S
        assert await until(lambda: len(h.published) > count)
        await stop_task(task)
    run(scenario())


# -- signals that change state ------------------------------------------------------

def test_start_and_stop():
    h = Harness()
    assert h.send("start") == {"ok": True}
    assert h.trainer.training is True and h.last()["training"] is True
    assert h.send("stop") == {"ok": True}
    assert h.trainer.training is False and h.last()["training"] is False
    assert len(h.published) == 2


def test_set_batch_size():
    h = Harness()
    assert h.send("set_batch_size", 32) == {"ok": True}
    assert h.trainer.batch_size == 32
    assert h.last()["batch_size"] == 32
    h.send("set_batch_size", 4096)
    assert h.last()["batch_size"] == 4096


def test_set_learning_rate():
    h = Harness()
    assert h.send("set_learning_rate", 0.125) == {"ok": True}
    assert h.trainer.lrate == 0.125
    assert h.last()["lrate"] == 0.125


def test_set_cache_size():
    h = Harness(cache_size=3)
    assert h.send("set_cache_size", 7) == {"ok": True}
    assert h.cache.size == 7
    assert h.last()["cache_size"] == 7
    h.send("set_cache_size", 1)
    assert h.cache.size == 1 and h.last()["cache_size"] == 1


def test_set_weights_seed():
    h = Harness()
    h.send("set_weights", 5)
    expected = MLP(HIDDEN, 5)
    for got, want in zip(h.trainer.model.params(), expected.params()):
        np.testing.assert_array_equal(got, want)
    status = h.last()
    assert "weights" not in status                 # the page gets the inference view
    assert status["inference"] == snapshots.inference_weights(expected)
    X, y = held_out()
    assert status["test_acc"] == pytest.approx(expected.accuracy(X, y))
    assert status["loss"] is None and status["acc"] is None


def test_set_weights_file_of_another_size_with_its_counts():
    h = Harness()
    other = MLP(5, 77)
    other.b1 += 0.5
    other.b2 -= 0.25
    assert h.send("set_weights", file_of(other, samples_seen=1234, iteration=56)) == {"ok": True}
    model = h.trainer.model
    assert model.hidden == 5
    for got, want in zip(model.params(), other.params()):
        np.testing.assert_array_equal(got, want)
        assert got.flags.writeable and got.dtype == np.float32
    status = h.last()
    assert status["inference"] == snapshots.inference_weights(other)
    assert status["samples_seen"] == 1234 and status["iteration"] == 56
    X, y = held_out()
    assert status["test_acc"] == pytest.approx(other.accuracy(X, y))


def test_set_weights_accepts_the_npy_of_earlier_versions():
    h = Harness()
    rng = np.random.default_rng(0)
    matrix = (rng.standard_normal((4, 795)) * 0.1).astype(np.float32)
    buffer = io.BytesIO()
    np.save(buffer, matrix)
    assert h.send("set_weights", b64(buffer.getvalue())) == {"ok": True}
    np.testing.assert_array_equal(h.trainer.model.W1, matrix[:3, :784].T)
    np.testing.assert_array_equal(h.trainer.model.b2, matrix[3, 785:])
    assert h.last()["samples_seen"] == 0


def test_set_weights_after_training_clears_loss():
    h = Harness()
    h.trainer.loss, h.trainer.acc = 1.5, 0.3
    h.send("set_weights", 0)
    assert h.trainer.loss is None and h.trainer.acc is None


# -- rejected signals --------------------------------------------------------------

def float64_file():
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((4, 795)))
    return buffer.getvalue()


def nan_file():
    model = MLP(3, 1)
    model.W1[3, 1] = np.nan
    return weights_of(model)


BAD_SIGNALS = [
    "not json", "", "[]", "null", '{"type": "train"}', '{"value": 3}',
    '{"type": "set_batch_size"}', '{"type": "set_batch_size", "value": 0}',
    '{"type": "set_batch_size", "value": -5}', '{"type": "set_batch_size", "value": 4097}',
    '{"type": "set_batch_size", "value": 10.5}', '{"type": "set_batch_size", "value": "64"}',
    '{"type": "set_batch_size", "value": true}', '{"type": "set_batch_size", "value": NaN}',
    '{"type": "set_batch_size", "value": Infinity}', '{"type": "set_batch_size", "value": 1e300}',
    '{"type": "set_learning_rate", "value": 0}', '{"type": "set_learning_rate", "value": 11}',
    '{"type": "set_learning_rate", "value": -0.1}', '{"type": "set_learning_rate", "value": null}',
    '{"type": "set_cache_size", "value": 0}', '{"type": "set_cache_size", "value": 65}',
    '{"type": "set_cache_size", "value": 2.5}', '{"type": "set_cache_size", "value": [3]}',
    '{"type": "set_weights"}', '{"type": "set_weights", "value": -1}',
    '{"type": "set_weights", "value": 1.5}', '{"type": "set_weights", "value": false}',
    '{"type": "set_weights", "value": {"seed": 1}}',
    '{"type": "set_weights", "value": "not base64 !!"}',
    '{"type": "set_weights", "value": "\u00e9\u00e9\u00e9\u00e9"}',
    '{"type": "set_weights", "value": ""}',
    json.dumps({"type": "set_weights", "value": b64(b"hello, these are not weights")}),
    json.dumps({"type": "set_weights", "value": b64(float64_file())}),
    json.dumps({"type": "set_weights", "value": b64(nan_file())}),
    json.dumps({"type": "set_weights", "value": file_of(MLP(3, 1))[:-12]}),
]


@pytest.mark.parametrize("text", BAD_SIGNALS)
def test_rejected_signal_changes_nothing(text):
    h = Harness()
    h.send("set_batch_size", 48)
    h.send("set_learning_rate", 0.07)
    h.trainer.loss, h.trainer.acc = 1.25, 0.5
    before, weights = h.trainer.status(), h.weights()
    hidden = h.trainer.model.hidden
    reply = json.loads(h.trainer.signal(text))
    assert reply["ok"] is False
    assert isinstance(reply["error"], str) and reply["error"]
    assert h.trainer.status() == before
    assert h.weights() == weights
    assert h.trainer.model.hidden == hidden
    assert h.cache.size == 3


def test_huge_integer_setting_is_rejected_not_raised():
    """Regression: OverflowError from check_setting escaped Trainer.signal."""
    h = Harness()
    reply = json.loads(h.trainer.signal('{"type": "set_cache_size", "value": 1%s}' % ("0" * 400)))
    assert reply["ok"] is False


def test_rejected_signal_publishes_no_status():
    h = Harness()
    h.trainer.signal('{"type": "set_batch_size", "value": 0}')
    assert h.published == []


# -- the loop --------------------------------------------------------------------

def test_steps_publish_views_only_when_the_interval_passes():
    async def scenario():
        h = Harness()
        h.send("set_batch_size", 16)
        h.send("start")
        h.published.clear()
        for i in range(1, 6):
            status_interval_passes(h)
            await iterate(h.trainer)
            status = h.last()
            assert status["iteration"] == i
            assert status["samples_seen"] == 16 * i
            assert "inference" not in status           # views not on every iteration
            assert isinstance(status["loss"], float) and 0 <= status["acc"] <= 1
        assert len(h.published) == 5
        h.clock.now += trainer_module.WEIGHTS_EVERY_S
        await iterate(h.trainer)
        status = h.last()
        assert status["inference"] == snapshots.inference_weights(h.trainer.model)
        assert status["units_png"].startswith("data:image/png;base64,")
        status_interval_passes(h)
        await iterate(h.trainer)
        assert "inference" not in h.last()              # only a few times a second
        h.clock.now += trainer_module.WEIGHTS_EVERY_S / 2
        await iterate(h.trainer)
        assert "inference" not in h.last()
    run(scenario())


def test_statuses_while_training_are_coalesced_and_the_newest_numbers_win():
    async def scenario():
        h = Harness()
        h.send("set_batch_size", 16)
        h.send("start")
        h.published.clear()
        for _ in range(10):                             # ten steps within one interval
            await iterate(h.trainer)
        assert h.published == []
        status_interval_passes(h)
        await iterate(h.trainer)
        assert len(h.published) == 1                    # one status for eleven steps
        assert h.last()["iteration"] == 11 and h.last()["samples_seen"] == 16 * 11
        assert h.last()["loss"] == h.trainer.loss
    run(scenario())


def test_a_signal_is_answered_by_a_status_at_once_mid_interval():
    async def scenario():
        h = Harness()
        h.send("start")
        for _ in range(3):
            await iterate(h.trainer)
        count = len(h.published)
        assert h.send("set_learning_rate", 0.05) == {"ok": True}
        assert len(h.published) == count + 1
        assert h.last()["lrate"] == 0.05 and h.last()["iteration"] == 3
        assert h.send("status") == {"ok": True}
        assert len(h.published) == count + 2
    run(scenario())


def test_a_view_made_while_statuses_wait_goes_with_the_next_one():
    async def scenario():
        h = Harness()
        h.send("start")
        h.clock.now += trainer_module.EVAL_EVERY_S
        h.send("set_learning_rate", 0.05)               # a status at this very time
        await iterate(h.trainer)                        # evaluates; its status waits
        assert "confusion" not in h.last()
        status_interval_passes(h)
        await iterate(h.trainer)
        assert h.last()["confusion"] and h.last()["test_acc"] == h.trainer.test_acc
    run(scenario())


def test_a_checkpoint_comes_after_the_statuses_of_the_steps_before_it():
    async def scenario():
        h = Harness()
        sent = []
        h.trainer.publish = lambda text, w1: sent.append(protocol.decode_status(text)["iteration"])
        h.trainer.publish_checkpoint = lambda checkpoint: sent.append(("checkpoint", checkpoint["iteration"]))
        h.send("start")
        await iterate(h.trainer)
        await iterate(h.trainer)                        # both statuses wait
        h.clock.now += trainer_module.CHECKPOINT_EVERY_S
        h.trainer.last_publish = h.clock.now            # as if a signal had just been answered
        await iterate(h.trainer)
        # The waiting status goes first, with the numbers the checkpoint holds
        # (so the page's charts are saved with their point for it).
        assert sent == [0, 3, ("checkpoint", 3)]
        h.send("stop")
        assert sent[-3:] == [3, ("checkpoint", 3), 3]   # step 3's waiting one, Stop's checkpoint and status
    run(scenario())


def test_step_after_stop_while_waiting_does_not_train():
    async def scenario():
        h = Harness()
        h.send("start")
        before = h.weights()
        waiting = asyncio.ensure_future(h.trainer.step())
        h.send("stop")
        await waiting
        assert h.trainer.iteration == 0 and h.weights() == before
    run(scenario())


def test_held_out_accuracy_is_refreshed_while_training():
    async def scenario():
        h = Harness()
        h.send("set_learning_rate", 0.03)
        h.send("start")
        first = h.trainer.test_acc
        for _ in range(40):
            await iterate(h.trainer)
        assert h.trainer.test_acc == first       # the fake clock has not moved
        h.clock.now += trainer_module.EVAL_EVERY_S
        await iterate(h.trainer)
        X, y = held_out()
        assert h.trainer.test_acc == pytest.approx(h.trainer.model.accuracy(X, y))
        assert h.trainer.test_acc > max(0.9, first + 0.3)  # the synthetic digits were learned
    run(scenario())


def test_held_out_evaluation_while_training_lets_a_signal_in_between_parts():
    async def scenario():
        h = Harness()
        h.trainer.model.reinitialise(3)
        h.trainer.evaluate()
        whole = (h.trainer.test_acc, h.trainer.test_loss, h.trainer.confusion)
        h.send("start")                          # no steps: this test's loop does not run
        h.trainer.test_acc = None
        parts = max(1, -(-len(h.trainer.y_test) // trainer_module.EVAL_PART))
        evaluation = asyncio.ensure_future(h.trainer.evaluate_in_turns())
        await asyncio.sleep(0)
        assert parts > 1                         # a signal is answered before the evaluation ends
        assert not evaluation.done() and h.trainer.test_acc is None
        assert json.loads(h.trainer.signal(protocol.signal("status")))["ok"]
        await evaluation
        assert h.trainer.confusion == whole[2]
        assert (h.trainer.test_acc, h.trainer.test_loss) == pytest.approx(whole[:2])
        # New weights while it runs: their own evaluation stands, the old parts are dropped.
        evaluation = asyncio.ensure_future(h.trainer.evaluate_in_turns())
        await asyncio.sleep(0)
        h.send("set_weights", 11)
        fresh = h.trainer.test_loss
        await evaluation
        assert h.trainer.test_loss == fresh
        # Stopped while it runs: Stop's own evaluation stands.
        evaluation = asyncio.ensure_future(h.trainer.evaluate_in_turns())
        await asyncio.sleep(0)
        h.trainer.test_acc = None
        h.send("stop")
        stopped = h.trainer.test_acc
        h.trainer.test_acc = "untouched"
        await evaluation
        assert stopped is not None and h.trainer.test_acc == "untouched"
    run(scenario())


def test_each_status_says_how_long_an_answer_can_take():
    """The step under way, then a whole held-out evaluation (Stop's): both,
    not the longer of the two, or a Stop sent as a big batch's step began
    was taken for a dead worker (CI, convnet at 2,048: 3.03 s allowed)."""
    async def scenario():
        h = Harness()
        model = h.trainer.model
        step, logits = model.train_step, model.logits

        def slow_step(X, y, lrate):              # a big batch's step: 1.5 s without a pause
            h.clock.now += 1.5
            return step(X, y, lrate)

        def slow_logits(X):
            h.clock.now += 0.01 * len(X)
            return logits(X)
        model.train_step, model.logits = slow_step, slow_logits
        h.send("set_weights", 5)                 # a whole held-out evaluation, untimed steps
        held_out_s = 0.01 * len(h.trainer.y_test)
        batch = h.trainer.batch_size
        assert h.trainer.status()["busy_s"] == pytest.approx(held_out_s + 3 * 0.01 * batch)
        h.send("start")
        await iterate(h.trainer)                 # a step, timed
        assert h.trainer.status()["busy_s"] == pytest.approx(held_out_s + 1.5)
        h.send("set_batch_size", 4 * batch)      # allowed for before its first step
        assert h.last()["busy_s"] == pytest.approx(held_out_s + 4 * 1.5)
    run(scenario())


def test_run_trains_until_stopped():
    async def scenario():
        h = Harness(clock=None)
        h.trainer.clock = FakeClock()
        h.send("set_batch_size", 32)
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        await asyncio.sleep(0.03)
        assert h.trainer.iteration == 0                 # idle until started
        assert len(h.cache.blocks) + len(h.cache.in_flight) > 0   # but prefetching
        h.send("start")
        assert await until(lambda: h.trainer.iteration >= 10)
        h.send("stop")
        stopped_at = h.trainer.iteration
        await asyncio.sleep(0.05)
        assert h.trainer.iteration == stopped_at
        assert not task.done()
        await stop_task(task)
        # The trainer's clock stood still: of the steps' statuses only the last
        # went out, at Stop, before Stop's own.
        assert [s["iteration"] for s in map(protocol.decode_status, h.published)
                if s["training"]] == [0, stopped_at]
        assert h.trainer.samples_seen == 32 * stopped_at
        assert h.last()["training"] is False and h.last()["iteration"] == stopped_at
    run(scenario())


def test_run_picks_up_new_settings_between_iterations():
    async def scenario():
        h = Harness(cache_size=2)
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        h.send("start")
        assert await until(lambda: h.trainer.iteration >= 3)
        h.send("set_batch_size", 8)
        h.send("set_cache_size", 4)
        seen = h.trainer.samples_seen
        at = h.trainer.iteration
        assert await until(lambda: h.trainer.iteration >= at + 3)
        h.send("stop")
        await stop_task(task)
        assert h.trainer.samples_seen - seen == 8 * (h.trainer.iteration - at)
        assert h.cache.size == 4
        assert len(h.cache.blocks) <= 4
    run(scenario())


def test_a_failing_step_stops_training_visibly_and_start_recovers():
    async def scenario():
        h = Harness()
        working = h.trainer.model.train_step

        def broken(X, y, lrate):
            raise FloatingPointError("boom")

        h.trainer.model.train_step = broken
        h.send("start")
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        assert await until(lambda: h.trainer.error is not None)
        assert h.trainer.training is False
        status = h.last()
        assert status["training"] is False
        assert "FloatingPointError" in status["error"] and "boom" in status["error"]
        assert not task.done()                            # the loop lives on
        h.trainer.model.train_step = working
        h.send("start")
        assert h.last()["error"] is None
        assert await until(lambda: h.trainer.iteration >= 3)
        await stop_task(task)
    run(scenario())


def test_training_keeps_going_with_a_large_batch():
    """Regression: a load task that finished during the trainer's
    `await asyncio.sleep(0)` was still counted in in_flight by the next fill(),
    so no fetch started for the free slot and wait_for(batch) slept forever once
    the remaining blocks held fewer samples than the batch (cache 3, batch 900)."""
    async def scenario():
        rng = random.Random(4)
        entries, store = make_store(20, samples=500)

        async def jittery_fetch(entry):
            for _ in range(rng.randint(0, 5)):
                await asyncio.sleep(0)
            return store[entry["file"]]

        cache = BlockCache(entries, jittery_fetch, size=3, seed=4, clock=clock)
        trainer = Trainer(MLP(HIDDEN, 0), cache, held_out(), lambda text, w1: None,
                          clock=FakeClock())
        trainer.signal(protocol.signal(protocol.SET_BATCH_SIZE, 900))
        trainer.signal(protocol.signal(protocol.START))
        task = asyncio.ensure_future(trainer.run())
        progressed = await until(lambda: trainer.iteration >= 10, timeout=1.0)
        await stop_task(task)
        assert progressed, "training stalled at iteration %d" % trainer.iteration
    run(scenario())


# -- data that cannot be had ---------------------------------------------------------

class FlakyHost:
    """The blocks, until the host goes down; every request counted."""

    def __init__(self, store):
        self.store = store
        self.down = False
        self.requests = 0

    async def fetch(self, entry):
        self.requests += 1
        await asyncio.sleep(0)
        if self.down:
            raise OSError("HTTP 500")
        return self.store[entry["file"]]


def test_training_with_no_data_to_be_had_says_why_and_goes_on_by_itself():
    entries, store = make_store(8)
    host = FlakyHost(store)
    h = Harness(fetch=host.fetch)
    probes = 10 * cache_module.PROBE_EVERY_S

    async def scenario():
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        h.send("start")
        assert await until(lambda: h.trainer.iteration >= 5)
        assert h.last()["data_state"] == "ok"
        host.down = True
        assert await until(lambda: h.last()["data_state"] == "unreachable", timeout=60)
        assert h.last()["training"] is True                 # waiting, not stopped
        paused_at, published, asked = h.trainer.iteration, len(h.published), host.requests
        await asyncio.sleep(probes)                         # ten probe intervals
        assert h.trainer.iteration == paused_at
        assert len(h.published) > published                 # the page still hears why
        assert h.last()["data_state"] == "unreachable"
        assert host.requests - asked <= 10 + 2              # one probe at a time
        host.down = False
        assert await until(lambda: h.trainer.iteration >= paused_at + 5,
                           timeout=2 * cache_module.PROBE_EVERY_S)
        status_interval_passes(h)                           # the next step's status goes out
        assert await until(lambda: h.last()["data_state"] == "ok")
        assert h.last()["fetch_errors"] == h.cache.fetch_errors > 0
        h.send("stop")
        await stop_task(task)
    run(scenario(), timeout=600)


def test_stop_while_waiting_for_data_that_cannot_be_had():
    entries, store = make_store(8)
    host = FlakyHost(store)
    host.down = True
    h = Harness(fetch=host.fetch)

    async def scenario():
        task = asyncio.ensure_future(h.trainer.run(idle_poll_s=0.01))
        h.send("start")
        assert await until(lambda: h.last()["data_state"] == "unreachable", timeout=60)
        h.send("stop")
        assert h.last()["training"] is False
        assert h.last()["data_state"] == "unreachable"      # still none cached: Start would wait
        assert h.trainer.iteration == 0
        await stop_task(task)
    run(scenario(), timeout=600)


# -- samples per second -------------------------------------------------------------

def test_rate_meter():
    clock = FakeClock(0.0)
    meter = RateMeter(clock)
    assert meter.rate() == 0.0
    meter.add(0)
    assert meter.rate() == 0.0
    for i in range(1, 21):
        clock.now = i * 0.1
        meter.add(i * 50)                 # 500 samples per second
    assert meter.rate() == pytest.approx(500.0)
    assert clock.now - meter.marks[0][0] <= trainer_module.RATE_WINDOW_S + 0.1 + 1e-9
    for i in range(21, 31):
        clock.now = i * 0.1
        meter.add(1000 + (i - 20) * 10)   # slows to 100 per second
    assert meter.rate() == pytest.approx(100.0)
    meter.reset()
    assert meter.rate() == 0.0


# -- divergence ----------------------------------------------------------------------

def test_a_diverging_run_stops_and_puts_back_the_weights_from_before():
    h = Harness()
    h.send("set_learning_rate", 10)
    start_weights = h.weights()
    start_acc = h.trainer.test_acc

    async def scenario():
        h.send("start")
        for _ in range(200):
            await iterate(h.trainer)
            if not h.trainer.training:
                return
    run(scenario())
    assert h.trainer.training is False
    assert "diverging" in h.trainer.error and "smaller learning rate" in h.trainer.error
    assert h.weights() == start_weights
    assert h.trainer.test_acc == start_acc
    assert h.trainer.samples_seen == 0 and h.trainer.iteration == 0
    assert h.checkpoints[-1]["reason"] == "diverged"
    assert h.last()["training"] is False and h.last()["error"] == h.trainer.error


def test_a_healthy_run_is_not_stopped():
    clock = FakeClock()
    h = Harness(clock=clock)

    async def scenario():
        h.send("start")
        for _ in range(60):
            await iterate(h.trainer)
            clock.now += 0.1
    run(scenario())
    assert h.trainer.training is True and h.trainer.error is None


# -- my digits and lessons -------------------------------------------------------

def test_teaching_starts_a_lesson_that_ends_by_itself(monkeypatch):
    monkeypatch.setattr(trainer_module, "LESSON_STEPS", 5)

    async def scenario():
        h = Harness()
        assert h.send("set_my_digits", my_digits(4)) == {"ok": True}
        status = h.last()
        assert status["training"] is True and status["lesson"] is True
        assert status["my_digits"] == 4 and status["my_acc"] is not None
        for _ in range(5):
            await iterate(h.trainer)
        assert h.trainer.training is False and h.trainer.iteration == 5
        assert h.last()["lesson"] is False and "inference" in h.last()
        assert h.checkpoints[-1]["reason"] == "lesson"
        _, meta = weights_file.decode(h.checkpoints[-1]["weights"])
        assert meta["my_digits"] == 4
    run(scenario())


def test_my_digits_are_in_every_batch_while_training(monkeypatch):
    taken = []

    async def scenario():
        h = Harness()
        original = h.trainer.model.train_step
        monkeypatch.setattr(h.trainer.model, "train_step",
                            lambda X, y, lr: taken.append(y.copy()) or original(X, y, lr))
        h.send("set_my_digits", my_digits(3, label=9, learn=False))
        assert h.trainer.training is False            # no lesson without learn
        h.send("start")
        for _ in range(4):
            await iterate(h.trainer)
    run(scenario())
    assert len(taken) == 4 and all(len(y) == 64 and (y[-3:] == 9).all() for y in taken)


def test_start_during_a_lesson_trains_on_until_stopped(monkeypatch):
    monkeypatch.setattr(trainer_module, "LESSON_STEPS", 3)

    async def scenario():
        h = Harness()
        h.send("set_my_digits", my_digits(2))
        await iterate(h.trainer)
        h.send("start")
        for _ in range(5):
            await iterate(h.trainer)
        assert h.trainer.training is True and h.last()["lesson"] is False
    run(scenario())


def test_forgetting_my_digits_keeps_what_the_weights_learned():
    h = Harness()
    h.send("set_my_digits", my_digits(2, learn=False))
    h.send("set_my_digits", {"x": "", "y": [], "learn": True})
    assert h.trainer.training is False and h.last()["my_digits"] == 0 and h.last()["my_acc"] is None


@pytest.mark.parametrize("value", [
    {"x": b64(b"\x00" * 783), "y": [1], "learn": True},
    {"x": "not base64!", "y": [1], "learn": True},
    {"x": b64(b"\x00" * 784 * 2), "y": [1], "learn": False},
])
def test_bad_my_digits_are_refused_and_change_nothing(value):
    h = Harness()
    h.send("set_my_digits", my_digits(2, learn=False))
    before = len(h.published)
    reply = h.send("set_my_digits", value)
    assert reply["ok"] is False and reply["error"].startswith("my digits: ")
    assert len(h.trainer.lessons) == 2 and h.trainer.training is False
    assert len(h.published) == before


def test_teaching_during_a_lesson_starts_it_over(monkeypatch):
    monkeypatch.setattr(trainer_module, "LESSON_STEPS", 4)

    async def scenario():
        h = Harness()
        h.send("set_my_digits", my_digits(1))
        for _ in range(3):
            await iterate(h.trainer)
        h.send("set_my_digits", my_digits(2))
        for _ in range(3):
            await iterate(h.trainer)
        assert h.trainer.training is True                  # 6 steps: the second lesson goes on
        await iterate(h.trainer)
        assert h.trainer.training is False and h.trainer.iteration == 7
    run(scenario())


# -- the convnet ------------------------------------------------------------------

def test_a_convnet_file_switches_the_model_its_views_and_its_checkpoints():
    h = Harness()
    cnn = ConvNet(seed=3)
    assert h.send("set_weights", file_of(cnn, samples_seen=40, iteration=2)) == {"ok": True}
    assert isinstance(h.trainer.model, ConvNet)
    status = h.last()
    assert status["architecture"] == "cnn" and status["samples_seen"] == 40
    view = status["inference"]
    assert view == {"architecture": "cnn"}          # the page predicts from the checkpoint's file
    assert status["units_png"].startswith("data:image/png;base64,")
    checkpoint = h.checkpoints[-1]
    assert checkpoint["architecture"] == "cnn"
    sent, _ = weights_file.decode(checkpoint["weights"])
    for got, want in zip(sent.params(), cnn.params()):
        np.testing.assert_array_equal(got, want)
    assert protocol.decode_status(checkpoint["inference"])["inference"] == view


def test_a_convnet_trains_in_the_loop_and_a_seed_keeps_the_architecture():
    h = Harness()
    h.send("set_weights", file_of(ConvNet(seed=1)))

    async def scenario():
        h.send("start")
        for _ in range(40):
            await iterate(h.trainer)
        h.send("stop")
    run(scenario(), timeout=60)
    assert h.trainer.iteration == 40 and h.last()["loss"] < 2.0
    h.send("set_weights", 5)
    assert isinstance(h.trainer.model, ConvNet) and h.trainer.iteration == 0


def test_held_out_evaluation_takes_at_most_its_share_of_the_time():
    clock = FakeClock()
    h = Harness(clock=clock)
    h.trainer.eval_s = 1.0                  # a slow evaluation, as the convnet's in the browser

    async def scenario():
        h.send("start")
        await iterate(h.trainer)
        evaluated = h.trainer.last_eval
        clock.now += 5 * trainer_module.EVAL_EVERY_S
        await iterate(h.trainer)
        assert h.trainer.last_eval == evaluated          # not due: 1 s is 10% of 10 s
        clock.now += 1.0 / trainer_module.EVAL_SHARE
        await iterate(h.trainer)
        assert h.trainer.last_eval == clock.now
    run(scenario())


def test_augment_is_on_by_default_for_the_convnet_only_and_can_be_switched():
    h = Harness()
    h.send("status")
    assert h.last()["augment"] is False                     # the MLP's default
    h.send("set_augment", True)
    assert h.last()["augment"] is True
    h.send("set_weights", file_of(MLP(HIDDEN, 2)))           # same architecture: kept
    assert h.last()["augment"] is True
    h.send("set_weights", file_of(ConvNet(seed=1)))
    assert h.last()["augment"] is True                       # the convnet's defaults
    assert h.last()["lrate"] == ConvNet.LEARNING_RATE
    h.send("set_augment", False)
    h.send("set_weights", file_of(MLP(HIDDEN, 2)))
    assert h.last()["augment"] is False and h.last()["lrate"] == MLP.LEARNING_RATE
    assert h.send("set_augment", 1)["ok"] is False


def test_augmented_batches_are_distorted_copies(monkeypatch):
    h = Harness()
    seen = []
    original = h.trainer.model.train_step
    monkeypatch.setattr(h.trainer.model, "train_step",
                        lambda X, y, lrate: seen.append(X.copy()) or original(X, y, lrate))
    h.send("set_augment", True)

    async def scenario():
        h.send("start")
        await iterate(h.trainer)
        h.send("stop")
    run(scenario())
    pixels, _ = synthetic(100, seed=0)               # the first block, as fetched
    plain = pixels.astype(np.float32) / 255
    assert not any(np.array_equal(row, p) for row in seen[0] for p in plain)
    assert seen[0].min() >= 0 and seen[0].max() <= 1
