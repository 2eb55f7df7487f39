"""shared/autosave.py: the metadata kept with the autosaved weights, and the
words for where the weights in use came from."""
import json

import pytest

from shared import autosave
from shared.series import Series

CHECKPOINT = {"saved": "2026-11-24T14:02:00+00:00", "samples_seen": 230000, "iteration": 3594,
              "test_acc": 0.964, "architecture": "mlp"}
STATUS = {"batch_size": 32, "lrate": 0.05, "cache_size": 12, "augment": True, "training": True,
          "loss": 0.1}


def history():
    loss = Series(smoothing=0.7)
    for i in range(50):
        loss.add(i * 64, 2.3 / (i + 1))
    return {"loss": loss.state(), "accuracy": Series().state()}


def test_round_trip_keeps_settings_counts_history_and_origin():
    text = autosave.encode(CHECKPOINT, STATUS, history(), {"kind": "imported", "file": "a.npz"})
    meta = autosave.decode(text)
    assert meta["settings"] == {"batch_size": 32, "lrate": 0.05, "cache_size": 12, "augment": True}
    assert meta["samples_seen"] == 230000 and meta["iteration"] == 3594
    assert meta["saved"] == CHECKPOINT["saved"] and meta["architecture"] == "mlp"
    assert meta["origin"] == {"kind": "imported", "file": "a.npz"}
    restored = Series()
    restored.restore(meta["history"]["loss"])
    assert len(restored.points) == 50


def test_settings_that_fail_the_protocol_are_left_out():
    meta = json.loads(autosave.encode(CHECKPOINT, STATUS, history(), {"kind": "shipped"}))
    meta["settings"] = {"batch_size": 0, "lrate": "fast", "cache_size": 8, "augment": "yes"}
    assert autosave.decode(json.dumps(meta))["settings"] == {"cache_size": 8}


@pytest.mark.parametrize("text, reason", [
    ("not json", "not JSON"),
    ("[]", "another version"),
    ('{"version": 2}', "another version"),
    ('{"version": 1, "saved": "x"}', "no samples_seen"),
])
def test_unusable_metadata_says_why(text, reason):
    with pytest.raises(ValueError) as info:
        autosave.decode(text)
    assert reason in str(info.value)


def test_an_unknown_origin_is_shown_as_such():
    meta = json.loads(autosave.encode(CHECKPOINT, STATUS, history(), {"kind": "shipped"}))
    meta["origin"] = "<script>"
    assert autosave.decode(json.dumps(meta))["origin"] == {"kind": "unknown"}
    assert autosave.describe({"kind": "unknown"}) == "Weights of unknown origin"


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1,000"),
                                     (230000, "230,000"), (1234567, "1,234,567")])
def test_thousands(n, text):
    assert autosave.thousands(n) == text


def test_describe_says_where_the_weights_came_from():
    assert autosave.describe({"kind": "shipped"}) == "Shipped pretrained weights"
    assert autosave.describe({"kind": "random", "seed": 42}) == "Random weights (seed 42)"
    assert autosave.describe({"kind": "imported", "file": "mine.npz"}) == "Imported from mine.npz"
    assert autosave.describe({"kind": "autosaved", "time": "14:02", "samples": 230000,
                              "origin": {"kind": "imported", "file": "mine.npz"}}) == (
        "Autosaved at 14:02 after 230,000 samples (it began as imported from mine.npz)")


def test_my_digits_are_kept_and_a_damaged_set_is_dropped_with_its_reason():
    from shared.my_digits import MyDigits
    digits = MyDigits()
    digits.add(4, [0.0] * 783 + [1.0])
    meta = autosave.decode(autosave.encode(CHECKPOINT, STATUS, {}, {"kind": "shipped"}, digits.to_value()))
    assert MyDigits.from_value(meta["my_digits"]).labels == [4] and meta["my_digits_problem"] is None
    damaged = json.loads(autosave.encode(CHECKPOINT, STATUS, {}, {"kind": "shipped"}, digits.to_value()))
    damaged["my_digits"]["x"] = "AAAA"
    meta = autosave.decode(json.dumps(damaged))
    assert meta["my_digits"] == {"x": "", "y": []} and "my digits" in meta["my_digits_problem"]
    del damaged["my_digits"]                          # saved by the page before teaching existed
    assert autosave.decode(json.dumps(damaged))["my_digits_problem"] is None
