"""shared/protocol.py: signals, settings limits, replies, statuses."""
import base64
import json
import math

import pytest

from shared import protocol, settings
from shared.protocol import ProtocolError

VALID = {
    protocol.START: None,
    protocol.STOP: None,
    protocol.STATUS: True,
    protocol.SET_WEIGHTS: 7,
    protocol.SET_BATCH_SIZE: 32,
    protocol.SET_LEARNING_RATE: 0.01,
    protocol.SET_CACHE_SIZE: 4,
    protocol.SET_MY_DIGITS: {"x": "AAAA", "y": [3], "learn": True},
    protocol.SET_AUGMENT: False,
}
SETTINGS = (protocol.SET_BATCH_SIZE, protocol.SET_LEARNING_RATE, protocol.SET_CACHE_SIZE)
INTEGER_SETTINGS = (protocol.SET_BATCH_SIZE, protocol.SET_CACHE_SIZE)


def test_the_signals_on_the_wire_are_the_originals_seven_and_two_more():
    """People's scripts send these names (some come from shared/settings.py):
    renaming one there would break them."""
    assert protocol.ORIGINAL_SIGNALS == ("start", "stop", "status", "set_weights", "set_batch_size",
                                         "set_learning_rate", "set_cache_size")
    assert protocol.SIGNALS == protocol.ORIGINAL_SIGNALS + ("set_my_digits", "set_augment")
    assert set(VALID) == set(protocol.SIGNALS)


@pytest.mark.parametrize("value", [None, 1, 0, "true", [], 0.5])
def test_augment_takes_only_true_or_false(value):
    with pytest.raises(ProtocolError, match="augment must be true or false"):
        protocol.signal(protocol.SET_AUGMENT, value) if value is not None else \
            protocol.parse_signal({"type": protocol.SET_AUGMENT})


BAD_MY_DIGITS = [
    None, 3, "x", [], {}, {"x": "", "y": []}, {"x": "", "y": [], "learn": True, "more": 1},
    {"x": 5, "y": [], "learn": True}, {"x": "", "y": "12", "learn": True},
    {"x": "", "y": [10], "learn": True}, {"x": "", "y": [-1], "learn": True},
    {"x": "", "y": [1.5], "learn": True}, {"x": "", "y": [True], "learn": True},
    {"x": "", "y": [1] * 1001, "learn": True}, {"x": "", "y": [], "learn": 1},
]


@pytest.mark.parametrize("value", BAD_MY_DIGITS, ids=repr)
def test_my_digits_refuse_what_is_not_a_set_of_digits(value):
    with pytest.raises(ProtocolError) as info:
        protocol.signal(protocol.SET_MY_DIGITS, value)
    assert "my digits" in str(info.value)


@pytest.mark.parametrize("kind", protocol.SIGNALS)
def test_every_signal_builds_and_parses(kind):
    text = protocol.signal(kind, VALID[kind])
    decoded = json.loads(text)
    assert decoded["type"] == kind
    parsed = protocol.parse_signal(text)
    assert parsed["type"] == kind
    assert parsed.get("value") == VALID[kind]
    # dict input parses the same way
    assert protocol.parse_signal(dict(decoded)) == parsed


def test_signal_without_value_has_no_value_key():
    assert json.loads(protocol.signal(protocol.START)) == {"type": "start"}
    assert json.loads(protocol.signal(protocol.STATUS)) == {"type": "status"}


def test_status_signal_value_false_is_kept():
    assert protocol.parse_signal(protocol.signal(protocol.STATUS, False))["value"] is False


BAD_SETTING_VALUES = [
    -1, -0.5, 0, 0.0, math.nan, math.inf, -math.inf, True, False, "64", "", None,
    [64], {"v": 64}, 1e9, 1e308, 10 ** 9,
]


@pytest.mark.parametrize("kind", SETTINGS)
@pytest.mark.parametrize("value", BAD_SETTING_VALUES, ids=repr)
def test_settings_reject_bad_values(kind, value):
    with pytest.raises(ProtocolError) as info:
        protocol.check_setting(kind, value)
    assert str(info.value)
    with pytest.raises(ProtocolError):
        protocol.parse_signal({"type": kind, "value": value})


@pytest.mark.parametrize("kind", SETTINGS)
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-5", "0",
                                     "true", "null", '"1"', "[]", "1e99"])
def test_settings_reject_bad_json_values(kind, literal):
    text = '{"type": "%s", "value": %s}' % (kind, literal)
    with pytest.raises(ProtocolError):
        protocol.parse_signal(text)


@pytest.mark.parametrize("kind", SETTINGS)
def test_setting_without_value_is_rejected(kind):
    with pytest.raises(ProtocolError):
        protocol.parse_signal({"type": kind})
    with pytest.raises(ProtocolError):
        protocol.signal(kind)


@pytest.mark.parametrize("kind", SETTINGS)
def test_settings_reject_huge_json_integers(kind):
    """Regression: an int beyond float range made math.isnan raise OverflowError."""
    text = '{"type": "%s", "value": 1%s}' % (kind, "0" * 400)
    with pytest.raises(ProtocolError):
        protocol.parse_signal(text)


@pytest.mark.parametrize("kind", INTEGER_SETTINGS)
@pytest.mark.parametrize("value", [1.5, 2.0001, 63.9])
def test_integer_settings_reject_fractions(kind, value):
    with pytest.raises(ProtocolError) as info:
        protocol.check_setting(kind, value)
    assert "whole" in str(info.value)


@pytest.mark.parametrize("kind", INTEGER_SETTINGS)
def test_integer_settings_accept_whole_floats_as_int(kind):
    value = protocol.check_setting(kind, 4.0)
    assert value == 4 and type(value) is int


@pytest.mark.parametrize("kind", SETTINGS)
def test_limits_are_inclusive(kind):
    setting = settings.BY_SIGNAL[kind]
    low, high, integer = setting.low, setting.high, setting.integer
    assert protocol.check_setting(kind, low) == low
    assert protocol.check_setting(kind, high) == high
    below = low - 1 if integer else low / 2
    above = high + 1 if integer else high * 1.5
    for value in (below, above):
        with pytest.raises(ProtocolError) as info:
            protocol.check_setting(kind, value)
        assert "between" in str(info.value)


def test_limits_values():
    assert (settings.BATCH_SIZE.low, settings.BATCH_SIZE.high) == (1, 4096)
    assert (settings.CACHE_SIZE.low, settings.CACHE_SIZE.high) == (1, 64)


@pytest.mark.parametrize("value", [0.05, 1e-6, 0.3333, 2.5, 10.0, 1])
def test_learning_rate_accepts_floats(value):
    got = protocol.check_setting(protocol.SET_LEARNING_RATE, value)
    assert type(got) is float and got == value
    text = protocol.signal(protocol.SET_LEARNING_RATE, value)
    assert protocol.parse_signal(text)["value"] == value


@pytest.mark.parametrize("text", [
    '{"type": "train"}', '{"type": "START"}', '{"type": null}', '{"type": 1}',
    '{"type": ["start"]}', '{"value": 3}', '{}', '[]', '["start"]', '"start"', '3', 'null',
])
def test_unknown_signals_rejected(text):
    with pytest.raises(ProtocolError) as info:
        protocol.parse_signal(text)
    assert "unknown signal" in str(info.value)


@pytest.mark.parametrize("text", ["", "start", "{type: start}", "{'type': 'start'}",
                                  '{"type": "start"', "\x00"])
def test_non_json_rejected(text):
    with pytest.raises(ProtocolError) as info:
        protocol.parse_signal(text)
    assert "JSON" in str(info.value)


def test_signal_builder_rejects_unknown_kind():
    with pytest.raises(ProtocolError):
        protocol.signal("reboot")


@pytest.mark.parametrize("value", ["AAAA", "", "k9/+==", 0, 1, 2 ** 40])
def test_set_weights_accepts_base64_text_or_seed(value):
    parsed = protocol.parse_signal(protocol.signal(protocol.SET_WEIGHTS, value))
    assert parsed["value"] == value


@pytest.mark.parametrize("value", [-1, 1.5, 0.0, True, False, None, [1], {"seed": 1},
                                   b"AAAA"])
def test_set_weights_rejects_others(value):
    with pytest.raises(ProtocolError) as info:
        protocol.parse_signal({"type": protocol.SET_WEIGHTS, "value": value})
    assert "seed" in str(info.value)


def test_reply():
    assert json.loads(protocol.reply()) == {"ok": True}
    error = ProtocolError("batch size must be a number")
    assert json.loads(protocol.reply(error)) == {"ok": False,
                                                 "error": "batch size must be a number"}


def test_status_round_trip():
    status = {field: i for i, field in enumerate(protocol.STATUS_FIELDS)}
    status["error"] = None
    assert protocol.decode_status(protocol.encode_status(status)) == status


def test_status_fields_unique():
    assert len(set(protocol.STATUS_FIELDS)) == len(protocol.STATUS_FIELDS)


@pytest.mark.parametrize("value", ["false", 1, 0, [], {}])
def test_status_takes_only_a_boolean(value):
    with pytest.raises(ProtocolError):
        protocol.parse_signal({"type": protocol.STATUS, "value": value})
    assert protocol.parse_signal({"type": protocol.STATUS, "value": True})["value"] is True


def test_the_long_strings_ride_outside_the_json():
    from worker import snapshots
    from worker.mlp import MLP
    model = MLP(hidden=6, seed=1)
    weights = snapshots.inference_weights(model)
    status = {"iteration": 3, "inference": weights, "units_png": snapshots.unit_mosaic(model)}
    text = protocol.encode_status(status)
    head = text.split("\n", 1)[0]
    assert weights["w1"] not in head and status["units_png"] not in head    # not parsed as JSON
    assert protocol.decode_status(text) == status
    assert status["inference"]["w1"] == weights["w1"]           # the input is left as it was
    assert protocol.decode_status(protocol.encode_status({"iteration": 4})) == {"iteration": 4}


def test_a_live_status_carries_the_first_layer_as_bytes_beside_its_text():
    from worker import snapshots
    from worker.mlp import MLP
    model = MLP(hidden=6, seed=1)
    weights = snapshots.inference_weights(model)
    status = {"iteration": 3, "inference": weights, "units_png": snapshots.unit_mosaic(model)}
    text, w1 = protocol.live_status(status)
    assert w1 == base64.b64decode(weights["w1"]) and weights["w1"] not in text
    assert protocol.decode_status(text, w1) == dict(status, inference=dict(weights, w1=w1))
    assert status["inference"]["w1"] == weights["w1"]           # the input is left as it was
    plain = {"iteration": 4, "inference": {"architecture": "cnn"}}
    assert protocol.live_status(plain) == (protocol.encode_status(plain), None)


def test_carries_views_spots_optional_fields_without_parsing():
    plain = protocol.encode_status({"iteration": 1, "loss": 0.5, "error": None})
    assert not protocol.carries_views(plain)
    for extra in ({"confusion": [[0]]}, {"units_png": "data:"},
                  {"confusion_examples": {}}):
        assert protocol.carries_views(protocol.encode_status(dict({"iteration": 1}, **extra)))
