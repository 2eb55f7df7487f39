"""Keeps the visitor's model: autosave, where the weights came from, undo.

The worker sends checkpoints (worker/trainer.py): every 2 s while training,
on Stop, after new weights, and when asked (the page asks when it is hidden).
They are saved with the settings and chart history (shared/autosave.py) in
IndexedDB (ui/model_store.py): every 10 s while training, all others at once,
and the newest when the page goes away. The newest stays in memory too, so a
new worker can get it back even where storage is blocked. Storage that fails
says so once, in #storage-warning, and everything else goes on.
"""
import asyncio

import js

from shared import autosave, protocol
from shared.settings import ALL as SETTINGS
from ui import weights_io
from ui.model_store import ModelStore, StorageError

CHECKPOINT_TIMEOUT_S = 10
SAVE_EVERY_MS = 10000          # while training; any other checkpoint is saved at once
SAVED_ON = ("training", "stop", "diverged", "asked", "lesson")   # set_weights: saved by the replacer


def local_time(iso):
    date = js.Date.new(iso)
    return "%02d:%02d" % (date.getHours(), date.getMinutes())


class ModelKeeper:
    def __init__(self, document, history, my_digits):
        """history: {"loss": Series, "accuracy": Series, ...}, saved and restored;
        my_digits: the visitor's MyDigits, saved and handed to every worker."""
        self.document = document
        self.history = history
        self.my_digits = my_digits
        self.store = ModelStore()
        self.checkpoint = None       # the newest checkpoint (a JS object)
        self.checkpoints = 0         # how many arrived, to wait for a fresh one
        self.origin = {"kind": "shipped"}   # where the weights in use began
        self.restored = None         # (time, samples) when they came from autosave
        self.base_samples = None     # samples seen when they came
        self.status = None           # the newest rendered status: settings to save
        self.forgotten = False       # nothing to save until the model changes
        self.warned = False
        self.saved_ms = 0            # when the last save started
        self.previous = None         # what undo puts back
        self.source = document.querySelector("#weights-source")
        self.state = document.querySelector("#autosave-state")

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

    def seen(self, status):
        """Each rendered status: the settings to save, and the count to start from."""
        self.status = status
        if self.base_samples is None:
            self.base_samples = status["samples_seen"]

    def architecture(self):
        """Of the model in the worker: "mlp" or "cnn"."""
        return self.status["architecture"] if self.status else "mlp"

    def settings(self):
        """The settings in use, as autosave keeps them."""
        if self.status is None:
            return {}
        return {setting.field: self.status[setting.field] for setting in SETTINGS}

    # -- checkpoints and saving ---------------------------------------------------------

    def receive(self, checkpoint):
        """A checkpoint posted by the worker."""
        self.checkpoint = checkpoint
        self.checkpoints += 1
        if checkpoint.reason != "asked":      # the model changed: worth keeping again
            self.forgotten = False
        self.show_source()
        reason = checkpoint.reason
        due = js.performance.now() - self.saved_ms >= SAVE_EVERY_MS
        if reason in SAVED_ON and (reason != "training" or due):
            asyncio.create_task(self.save())

    async def fresh_checkpoint(self, send):
        """Ask the worker for its weights now; the checkpoint, or None."""
        seen = self.checkpoints
        if not await send(protocol.STATUS, True):
            return None
        for _ in range(CHECKPOINT_TIMEOUT_S * 50):
            if self.checkpoints != seen:
                return self.checkpoint
            await asyncio.sleep(0.02)
        raise OSError("the training worker did not send its weights")

    def record(self):
        """The newest checkpoint with this moment's metadata, ready to store."""
        c = self.checkpoint
        counts = {"saved": c.saved, "samples_seen": c.samples_seen, "iteration": c.iteration,
                  "test_acc": c.test_acc, "architecture": c.architecture}
        history = {name: series.state(up_to=c.samples_seen)
                   for name, series in self.history.items()}
        c.meta = autosave.encode(counts, self.status, history, self.origin,
                                 self.my_digits.to_value())
        return c

    async def save(self):
        if self.checkpoint is None or self.status is None or self.forgotten:
            return
        self.saved_ms = js.performance.now()
        try:
            await self.store.save(self.record(), wanted=lambda: not self.forgotten)
        except StorageError as error:
            self.storage_failed(error)
            return
        self.state.textContent = "Saved in this browser at %s (%s samples seen)." % (
            local_time(self.checkpoint.saved), autosave.thousands(self.checkpoint.samples_seen))
        self.state.dataset.saved = self.checkpoint.saved

    def save_before_leaving(self):
        """pagehide: the write must start before this handler returns."""
        if self.checkpoint is not None and self.status is not None and not self.forgotten:
            self.store.save_now(self.record())

    def storage_failed(self, error):
        self.state.textContent = "Not saved: this browser refused to store it."
        if not self.warned:
            self.warned = True
            warning = self.document.querySelector("#storage-warning")
            warning.textContent = ("This browser will not let the page save your model (%s). "
                                   "It stays while the page is open; use Export to keep it."
                                   % error)
            warning.hidden = False

    async def forget(self):
        self.forgotten = True        # a save still waiting for its turn is dropped
        await self.store.forget()
        self.state.textContent = "Not saved: the next visit starts with the shipped weights."
        self.state.dataset.saved = ""

    # -- bringing a model back ----------------------------------------------------------

    async def load(self):
        """The autosaved (record, meta), or None. An unreadable record is dropped
        with a message; blocked storage is warned about; neither stops the page."""
        try:
            record = await self.store.load()
        except StorageError as error:
            self.storage_failed(error)
            return None
        if record is None:
            return None
        try:
            meta = autosave.decode(record.meta)
            protocol.decode_status(record.inference)["inference"]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            await self.drop_unreadable(error)
            return None
        return record, meta

    async def drop_unreadable(self, why):
        try:
            await self.store.forget()
        except StorageError:
            pass
        message = self.document.querySelector("#message")
        message.textContent = ("The saved model could not be used (%s) and was dropped; "
                               "these are the shipped weights." % why)
        message.classList.add("error")

    async def put_back(self, send, checkpoint, settings):
        """Hand a kept checkpoint (if any) and settings ({status name: value}) to
        the worker. Returns whether it took the weights (if not, send said why)."""
        if checkpoint is not None:
            text = await weights_io.read_base64(weights_io.blob_of(checkpoint.weights))
            if not await send(protocol.SET_WEIGHTS, text):
                return False
        for setting in SETTINGS:
            if setting.field in settings:
                await send(setting.signal, settings[setting.field])
        if len(self.my_digits):
            await send(protocol.SET_MY_DIGITS, self.my_digits.signal_value(learn=False))
        return True

    async def restore(self, send, record, meta):
        """The autosaved model, its settings and its charts, into a fresh worker."""
        if not await self.put_back(send, record, meta["settings"]):
            await self.drop_unreadable(self.document.querySelector("#message").textContent)
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

    # -- replacing the model, and undo ------------------------------------------------

    async def replace(self, send, value, origin):
        """Load new weights (set weights' value) and keep what undo needs."""
        before = await self.fresh_checkpoint(send)
        previous = (before, self.origin, self.restored,
                    {name: series.state() for name, series in self.history.items()},
                    self.settings())
        if not await send(protocol.SET_WEIGHTS, value):
            return False
        self.previous = previous if before is not None else None
        for series in self.history.values():
            series.clear()
        self.adopt(origin)
        return True

    async def undo(self, send):
        if self.previous is None:
            return False
        checkpoint, origin, restored, history, settings = self.previous
        if not await self.put_back(send, checkpoint, settings):
            return False
        self.previous = None
        for name, series in self.history.items():
            series.restore(history[name])
        self.adopt(origin, restored)
        return True

    def adopt(self, origin, restored=None):
        """New weights are in the worker (its checkpoint has arrived): show and save them."""
        self.origin, self.restored = origin, restored
        self.base_samples = self.checkpoint.samples_seen
        self.forgotten = False
        self.show_source()
        asyncio.create_task(self.save())
