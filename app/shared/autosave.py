"""What autosave keeps beside the weights file, and the words for where the
model in use came from.

The autosave record (ui/model_store.py) is the worker's checkpoint (the
weights file, the inference view) plus `meta`: this module's JSON of the
settings (shared/settings.py), counts, chart history and origin, so that all
of it comes back on the next visit or in a new worker.

Plain Python: MicroPython on the page, CPython in tests.
"""
import json

from shared import protocol, settings
from shared.my_digits import MyDigits

VERSION = 1
ORIGINS = ("shipped", "random", "imported", "autosaved")


def encode(checkpoint, status, history, origin, my_digits=None):
    """checkpoint: the counts of the weights kept (saved, samples_seen,
    iteration, test_acc, architecture); status: the latest status (settings);
    history: {"loss": Series.state(), "accuracy": ...}; origin: see describe();
    my_digits: MyDigits.to_value() of the visitor's digits."""
    meta = {"version": VERSION, "origin": origin, "history": history,
            "settings": {setting.field: status[setting.field] for setting in settings.ALL},
            "my_digits": my_digits or MyDigits().to_value()}
    for name in ("saved", "samples_seen", "iteration", "test_acc", "architecture"):
        meta[name] = checkpoint[name]
    return json.dumps(meta)


def decode(text):
    """The metadata as a dict, or ValueError saying why it cannot be used.
    Settings that fail the protocol's checks are left out (defaults apply)."""
    try:
        meta = json.loads(text)
    except ValueError:
        raise ValueError("its metadata is not JSON")
    if not isinstance(meta, dict) or meta.get("version") != VERSION:
        raise ValueError("it was saved by another version of the page")
    for name in ("saved", "samples_seen", "origin", "settings", "history"):
        if name not in meta:
            raise ValueError("its metadata has no %s" % name)
    saved = meta["settings"] if isinstance(meta["settings"], dict) else {}
    meta["settings"] = {}
    for setting in settings.ALL:
        try:
            meta["settings"][setting.field] = protocol.check_setting(setting.signal,
                                                                     saved.get(setting.field))
        except protocol.ProtocolError:
            pass
    if not isinstance(meta["origin"], dict) or meta["origin"].get("kind") not in ORIGINS:
        meta["origin"] = {"kind": "unknown"}
    meta["my_digits_problem"] = None
    if "my_digits" not in meta:          # saved before digits could be taught
        meta["my_digits"] = MyDigits().to_value()
    try:
        MyDigits.from_value(meta["my_digits"])
    except ValueError as error:          # damaged: the model still comes back, and says so
        meta["my_digits"] = MyDigits().to_value()
        meta["my_digits_problem"] = str(error)
    return meta


def thousands(n):
    """12345 -> "12,345" (MicroPython's format has no "," option)."""
    text = str(int(n))
    head = len(text) % 3 or 3
    return ",".join([text[:head]] + [text[i:i + 3] for i in range(head, len(text), 3)])


def describe(origin):
    """Words for where the weights in use came from. origin: {"kind": "shipped", "architecture"},
    {"kind": "random", "seed"}, {"kind": "imported", "file"}, or
    {"kind": "autosaved", "time" (as shown), "samples", "origin" (the one before)}."""
    kind = origin.get("kind")
    if kind == "shipped":
        return "Shipped pretrained %sweights" % ("convnet " if origin.get("architecture") == "cnn"
                                                 else "")
    if kind == "random":
        return "Random weights (seed %s)" % origin.get("seed")
    if kind == "imported":
        return "Imported from %s" % origin.get("file")
    if kind == "autosaved":
        text = "Autosaved at %s after %s samples" % (origin.get("time"),
                                                      thousands(origin.get("samples", 0)))
        first = origin.get("origin") or {}
        if first.get("kind") in ("shipped", "random", "imported"):
            words = describe(first)
            text += " (it began as %s%s)" % (words[0].lower(), words[1:])
        return text
    return "Weights of unknown origin"
