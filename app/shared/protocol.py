"""The messages between the page and the model worker, defined once.

Page -> worker: a signal, one JSON object with a "type" from SIGNALS, sent by
calling the worker's exported `signal(text)`; it answers {"ok": true} or
{"ok": false, "error": "..."} and changes nothing on a rejected signal.

Worker -> page: a status, one JSON object with STATUS_FIELDS, posted with
postMessage while training (the newest numbers, at most one every 50 ms
however fast the steps go), on every signal, and at least twice a second
when idle (the page's sign that the worker lives); views ride along when due
(OPTIONAL_FIELDS). Checkpoints, the weights file for the page to keep, are
posted apart (see worker/trainer.py): after set weights, on stop, every few
seconds while training, and when status is sent with true.
set_weights takes base64 of a weights file (worker/weights_file.py: .npz, or
the .npy of earlier versions), or an int seed for random weights.
Two signals the original did not have: set_my_digits hands the worker the
visitor's own digits (shared/my_digits.py), the whole set each time:
{"x": base64 of n x 784 pixel bytes, "y": n labels, "learn": bool}; with
learn, the worker takes a lesson on them at once (worker/lessons.py).
set_augment (true or false) turns distortions of the training batches
(worker/augment.py) on or off; new weights of another architecture bring
that architecture's default (on for the convnet).

Plain Python: runs under CPython, Pyodide and MicroPython.
"""
import json
import math

from shared import base64_codec, settings
from shared.digit import CLASSES

START, STOP, STATUS, SET_WEIGHTS = "start", "stop", "status", "set_weights"
SET_BATCH_SIZE, SET_LEARNING_RATE = settings.BATCH_SIZE.signal, settings.LEARNING_RATE.signal
SET_CACHE_SIZE, SET_AUGMENT = settings.CACHE_SIZE.signal, settings.AUGMENT.signal
SET_MY_DIGITS = "set_my_digits"
ORIGINAL_SIGNALS = (START, STOP, STATUS, SET_WEIGHTS, SET_BATCH_SIZE, SET_LEARNING_RATE,
                    SET_CACHE_SIZE)
SIGNALS = ORIGINAL_SIGNALS + (SET_MY_DIGITS, SET_AUGMENT)
MAX_MY_DIGITS = 1000
MAX_WEIGHTS_BYTES = 16 * 1024 * 1024     # a weights file for set_weights: far above any model here
# A signal's JSON has three brackets at most, and none in its strings (base64 has
# none). Deeper JSON is refused unparsed: CPython's parser raises RecursionError
# on it, and Pyodide's overflows the wasm stack, a fatal error that kills the worker.
MAX_BRACKETS = 8

STATUS_FIELDS = (
    "training", "loss", "acc", "test_acc", "batch_size", "lrate", "data_len",
    "data_futures_len", "iteration", "cache_size", "samples_seen", "samples_per_s",
    "fetch_errors", "corrupt_blocks", "error",
    "data_state",                      # "ok", or training has no data: "unreachable", "corrupt"
    "my_digits", "my_acc", "lesson",   # how many, read right (as taught), learning them now
    "architecture", "augment",         # of the model in training: "mlp" or "cnn"; distorting
    "wasm_memory",                     # bytes of the worker's Pyodide wasm memory (make soak)
    "step",                            # what runs a training step: "numpy", or the MLP's in C
    "busy_s",                          # the longest the worker can take to answer a signal (s)
)


# Carried only when due: "inference" (shared/inference.py JSON) and "units_png" (data URL of
# the first-layer weights of 16 hidden units) at start, after set weights and
# every half second while training; "confusion" (10x10 counts [true][predicted])
# and "confusion_examples" ({"true,predicted": held-out indices}) after each
# held-out evaluation.
OPTIONAL_FIELDS = ("inference", "units_png", "confusion", "confusion_examples")


class ProtocolError(ValueError):
    """A signal the worker must not act on; the message is for the user."""


# Reasons are shown on the page, and what they quote (a value, a file's names and
# fields) may be hostile and megabytes long: both are cut short.
SHOWN_CHARS, REASON_CHARS = 40, 300


def cut(text, most):
    return text if len(text) <= most else text[:most - 1] + "…"


def shown(value):
    """A rejected value as a reason quotes it."""
    return cut(repr(value), SHOWN_CHARS)


def reason(error):
    """An error's message as the page shows it."""
    return cut(str(error), REASON_CHARS)


def check_setting(kind, value):
    """Return value as the setting's type (shared/settings.py), or raise
    ProtocolError saying why not."""
    setting = settings.BY_SIGNAL[kind]
    name = setting.name
    if setting.is_switch:
        if not isinstance(value, bool):
            raise ProtocolError("%s must be true or false, not %s" % (name, shown(value)))
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProtocolError("%s must be a number, not %s" % (name, shown(value)))
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ProtocolError("%s must be a finite number" % name)
    if setting.integer and value != int(value):
        raise ProtocolError("%s must be a whole number" % name)
    if not setting.low <= value <= setting.high:
        raise ProtocolError("%s must be between %s and %s" % (name, setting.low, setting.high))
    return int(value) if setting.integer else float(value)


def signal(kind, value=None):
    """Build and validate a signal; returns its JSON text."""
    message = {"type": kind}
    if value is not None:
        message["value"] = value
    return json.dumps(parse_signal(message))


def parse_signal(message):
    """Validate a decoded signal (dict or JSON text); returns the dict."""
    if isinstance(message, str):
        if message.count("[") + message.count("{") > MAX_BRACKETS:
            raise ProtocolError("signal is nested too deeply: a signal has at most %d brackets"
                                % MAX_BRACKETS)
        try:
            message = json.loads(message)
        except ValueError:
            raise ProtocolError("signal is not JSON")
    if not isinstance(message, dict) or message.get("type") not in SIGNALS:
        raise ProtocolError("unknown signal %s"
                            % shown(message.get("type") if isinstance(message, dict) else message))
    kind = message["type"]
    if kind in settings.BY_SIGNAL:
        message["value"] = check_setting(kind, message.get("value"))
    elif kind == STATUS and not isinstance(message.get("value", False), bool):
        raise ProtocolError("status takes true (send a checkpoint too) or nothing")
    elif kind == SET_WEIGHTS:
        value = message.get("value")
        seed = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        if not (seed or isinstance(value, str)):
            raise ProtocolError("set weights needs a weights file (base64) or a random seed")
    elif kind == SET_MY_DIGITS:
        check_my_digits(message.get("value"))
    return message


def check_my_digits(value):
    """The value of set_my_digits, or ProtocolError saying what is wrong with it.
    The pixel bytes are counted by the worker, which decodes them."""
    if not isinstance(value, dict) or set(value) != {"x", "y", "learn"}:
        raise ProtocolError('my digits need "x", "y" and "learn"')
    labels = value["y"]
    if not isinstance(labels, list) or len(labels) > MAX_MY_DIGITS:
        raise ProtocolError("my digits: y must be a list of at most %d labels" % MAX_MY_DIGITS)
    for label in labels:
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < CLASSES:
            raise ProtocolError("my digits: labels must be whole numbers 0 to %d" % (CLASSES - 1))
    if not isinstance(value["x"], str) or not isinstance(value["learn"], bool):
        raise ProtocolError("my digits: x must be base64 text and learn true or false")


def reply(error=None):
    return json.dumps({"ok": True} if error is None else {"ok": False, "error": reason(error)})


# Long strings ride after a status's JSON, one "path=value" line each:
# MicroPython parses a long JSON string a character at a time, but splits
# text at C speed (a 34 KB picture took 20 ms of a slow phone's main thread).
LONG_STRINGS = ("inference.w1", "units_png")


def encode_status(status):
    """JSON text, with the LONG_STRINGS moved after it. The form kept on disk
    (checkpoints, the shipped inference file) and posted without the MLP's first layer."""
    head = dict(status, inference=dict(status["inference"])) if "inference" in status else dict(status)
    tails = ["%s=%s" % (path, owner.pop(name)) for path, owner, name in long_strings(head)]
    return "\n".join([json.dumps(head)] + tails)


def long_strings(status):
    """(path, the dict holding it, its key) of each of the LONG_STRINGS in a status."""
    found = []
    for path in LONG_STRINGS:
        names = path.split(".")
        owner = status.get(names[0], {}) if len(names) > 1 else status
        if isinstance(owner, dict) and names[-1] in owner:
            found.append((path, owner, names[-1]))
    return found


def live_status(status):
    """A status as posted while the page is open: (encode_status's text, the
    MLP's first layer as bytes or None). The bytes go across as a Uint8Array
    that the page's kernel takes as it is: as text, the page's MicroPython
    would copy, split and decode 270 KB twice a second, 80 ms of a slow
    phone's main thread each time."""
    inference = status.get("inference", {})
    if "w1" not in inference:
        return encode_status(status), None
    w1 = base64_codec.decode(inference["w1"])
    rest = dict(inference)
    del rest["w1"]
    return encode_status(dict(status, inference=rest)), w1


def carries_views(text):
    """Whether a status text holds any OPTIONAL_FIELDS, without parsing it."""
    return "\n" in text or any(('"%s"' % name) in text for name in OPTIONAL_FIELDS)


def decode_status(text, w1=None):
    """A status from encode_status's text, or from live_status's pair (w1:
    the first layer's bytes, on the page a Uint8Array)."""
    lines = text.split("\n")
    status = json.loads(lines[0])
    for line in lines[1:]:
        path, value = line.split("=", 1)
        names = path.split(".")
        owner = status[names[0]] if len(names) > 1 else status
        owner[names[-1]] = value
    if w1 is not None:
        status["inference"]["w1"] = w1
    return status
