"""The visitor's model as the page keeps track of it: the newest checkpoint
the worker sent (its weights file, held here so that a new worker can get it
back even where storage is blocked), the settings in use, where the weights
began (#weights-source), replacing them with undo one step back, and putting
a kept model back into a worker. Keeping it across visits: ui/autosaving.py.
"""
import asyncio

import js

from shared import autosave, protocol, settings
from ui import files

CHECKPOINT_TIMEOUT_S = 10


def local_time(iso):
    date = js.Date.new(iso)
    return "%02d:%02d" % (date.getHours(), date.getMinutes())


class Model:
    def __init__(self, document, link, history, my_digits):
        """history: {"loss": Series, ...}, the charts' series, kept with the model;
        my_digits: the visitor's MyDigits, handed to every worker."""
        self.link = link
        self.history = history
        self.my_digits = my_digits
        self.checkpoint = None       # the newest checkpoint (a JS object)
        self.checkpoints = 0         # how many arrived, to wait for a fresh one
        self.status = None           # the newest rendered status
        self.origin = {"kind": "shipped"}   # where the weights in use began
        self.restored = None         # (time, samples) when they came from autosave
        self.base_samples = None     # samples seen when they came
        self.previous = None         # what undo puts back
        self.source = document.querySelector("#weights-source")

    # -- where the weights came from ------------------------------------------------

    def description(self):
        origin = self.origin
        if self.restored:
            origin = {"kind": "autosaved", "time": self.restored[0],
                      "samples": self.restored[1], "origin": self.origin}
        return origin["kind"], autosave.describe(origin)

    def show_source(self):
        kind, text = self.description()
        if self.checkpoint is not None and self.base_samples is not None:
            more = self.checkpoint.samples_seen - self.base_samples
            if more > 0:
                text += "; trained here on %s more samples" % autosave.thousands(more)
        self.source.textContent = text
        self.source.dataset.source = kind

    # -- what the worker says -----------------------------------------------------------

    def seen(self, status, _views):
        """Each rendered status: the settings in use, and the count to start from."""
        self.status = status
        if self.base_samples is None:
            self.base_samples = status["samples_seen"]

    def receive(self, checkpoint):
        self.checkpoint = checkpoint
        self.checkpoints += 1
        self.show_source()

    def architecture(self):
        """Of the model in the worker: "mlp" or "cnn"."""
        return self.status["architecture"] if self.status else "mlp"

    def settings_in_use(self):
        """The settings in use, by status field."""
        if self.status is None:
            return {}
        return {setting.field: self.status[setting.field] for setting in settings.ALL}

    def settings_to_share(self):
        """The settings a shared link carries, with the model's architecture; None before the worker said them."""
        if self.status is None:
            return None
        chosen = self.settings_in_use()
        chosen["architecture"] = self.architecture()
        return chosen

    async def fresh_checkpoint(self):
        """Ask the worker for its weights now; the checkpoint, or None."""
        seen = self.checkpoints
        if not await self.link.send(protocol.STATUS, True):
            return None
        for _ in range(CHECKPOINT_TIMEOUT_S * 50):
            if self.checkpoints != seen:
                return self.checkpoint
            await asyncio.sleep(0.02)
        raise OSError("the training worker did not send its weights")

    # -- into the worker ------------------------------------------------------------------

    async def put_back(self, checkpoint, kept_settings):
        """Hand a kept checkpoint (if any), settings ({status field: value}) and
        the visitor's digits to the worker. Returns whether it took the
        weights (if not, the page said why)."""
        send = self.link.send
        if checkpoint is not None:
            text = await files.read_base64(files.blob_of(checkpoint.weights))
            if not await send(protocol.SET_WEIGHTS, text):
                return False
        for setting in settings.ALL:
            if setting.field in kept_settings:
                await send(setting.signal, kept_settings[setting.field])
        if len(self.my_digits):
            await send(protocol.SET_MY_DIGITS, self.my_digits.signal_value(learn=False))
        return True

    async def restore(self, record, meta):
        """The autosaved model (shared/autosave.py's meta), its settings and its
        charts, into a fresh worker; whether the worker took it."""
        if not await self.put_back(record, meta["settings"]):
            return False
        for name, series in self.history.items():
            try:
                series.restore(meta["history"].get(name))
            except (ValueError, AttributeError):
                series.clear()
        self.origin = meta["origin"]
        self.restored = (local_time(meta["saved"]), meta["samples_seen"])
        self.base_samples = meta["samples_seen"]
        self.show_source()
        return True

    # -- replacing the weights, and undo ------------------------------------------------

    async def replace(self, value, origin):
        """Load new weights (set weights' value) and keep what undo needs."""
        before = await self.fresh_checkpoint()
        previous = (before, self.origin, self.restored,
                    {name: series.state() for name, series in self.history.items()},
                    self.settings_in_use())
        if not await self.link.send(protocol.SET_WEIGHTS, value):
            return False
        self.previous = previous if before is not None else None
        for series in self.history.values():
            series.clear()
        self.adopt(origin)
        return True

    async def undo(self):
        if self.previous is None:
            return False
        checkpoint, origin, restored, history, kept_settings = self.previous
        if not await self.put_back(checkpoint, kept_settings):
            return False
        self.previous = None
        for name, series in self.history.items():
            series.restore(history[name])
        self.adopt(origin, restored)
        return True

    def adopt(self, origin, restored=None):
        """New weights are in the worker (its checkpoint has arrived): say where they came from."""
        self.origin, self.restored = origin, restored
        self.base_samples = self.checkpoint.samples_seen
        self.show_source()
