"""Autosave: the visitor's model kept in this browser (IndexedDB, in
ui/model_store.py) with its settings, chart history and digits
(shared/autosave.py), and brought back on the next visit.

The worker sends checkpoints (worker/trainer.py): every 2 s while training,
on Stop, after new weights, and when asked (the page asks when it is hidden).
While training, about every fourth is saved, 8 s apart (so that, with a
checkpoint up to 2 s old, a save is at most 10 s behind); all others at
once; and the newest when the page is hidden or left. Storage that fails
says so once, in #storage-warning, and everything else goes on.
"""
import asyncio

import js
from pyscript.ffi import create_proxy

from shared import autosave, protocol
from ui.model import local_time
from ui.model_store import ModelStore, StorageError

# While training, a checkpoint this long after the last save is saved. Checkpoints
# come 2 s apart, a little more on a busy CPU: the fourth is always due (8 s, not
# the fifth at 10 s when it lands a few ms early); the third, only where each step
# takes over 1/3 s. Any other checkpoint is saved at once.
SAVE_AFTER_MS = 7000
SAVED_ON = ("training", "stop", "diverged", "asked", "lesson")   # set_weights: see changed()


class Autosaving:
    def __init__(self, document, model, link, messages):
        self.document = document
        self.model = model
        self.link = link
        self.messages = messages
        self.store = ModelStore()
        self.forgotten = False       # nothing to save until the model changes
        self.warned = False
        self.saved_ms = 0            # when the last save started
        self.state = document.querySelector("#autosave-state")
        self.proxies = [create_proxy(self.page_hidden),
                        create_proxy(lambda _event: self.save_before_leaving())]
        document.addEventListener("visibilitychange", self.proxies[0])
        js.window.addEventListener("pagehide", self.proxies[1])

    # -- saving ---------------------------------------------------------------------

    def receive(self, checkpoint):
        """A checkpoint posted by the worker (the model has it already)."""
        reason = checkpoint.reason
        if reason != "asked":        # the model changed: worth keeping again
            self.forgotten = False
        due = js.performance.now() - self.saved_ms >= SAVE_AFTER_MS
        if reason in SAVED_ON and (reason != "training" or due):
            self.save_soon()

    def changed(self):
        """New weights are in the worker, and the model knows where they came from: keep them."""
        self.forgotten = False
        self.save_soon()

    def save_soon(self):
        asyncio.create_task(self.save())

    def record(self):
        """The newest checkpoint with this moment's metadata, ready to store."""
        model = self.model
        c = model.checkpoint
        counts = {"saved": c.saved, "samples_seen": c.samples_seen, "iteration": c.iteration,
                  "test_acc": c.test_acc, "architecture": c.architecture}
        history = {name: series.state(up_to=c.samples_seen)
                   for name, series in model.history.items()}
        c.meta = autosave.encode(counts, model.status, history, model.origin,
                                 model.my_digits.to_value())
        return c

    def worth_saving(self):
        model = self.model
        return model.checkpoint is not None and model.status is not None and not self.forgotten

    async def save(self):
        if not self.worth_saving():
            return
        self.saved_ms = js.performance.now()
        try:
            await self.store.save(self.record, wanted=lambda: not self.forgotten)
        except StorageError as error:
            self.storage_failed(error)
            return
        checkpoint = self.model.checkpoint
        self.state.textContent = "Saved in this browser at %s (%s samples seen)." % (
            local_time(checkpoint.saved), autosave.thousands(checkpoint.samples_seen))
        self.state.dataset.saved = checkpoint.saved

    def page_hidden(self, _event):
        """Hidden (another tab, minimised, or on the way out): keep what is here now,
        then the worker's newest weights if the page lives long enough to get them."""
        if self.document.visibilityState == "hidden":
            self.save_before_leaving()
            if self.link.ready:
                self.messages.run(self.model.fresh_checkpoint())   # saved as it arrives

    def save_before_leaving(self):
        """pagehide: the write must start before this handler returns."""
        if self.worth_saving():
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

    # -- bringing it back ---------------------------------------------------------------

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

    async def restore(self, kept):
        """The loaded (record, meta) into the worker; if the worker refuses it,
        it is dropped, with the worker's reason."""
        if await self.model.restore(*kept):
            return True
        await self.drop_unreadable(self.messages.text)
        return False

    async def drop_unreadable(self, why):
        try:
            await self.store.forget()
        except StorageError:
            pass
        self.messages.error("The saved model could not be used (%s) and was dropped; "
                            "these are the shipped weights." % why)
