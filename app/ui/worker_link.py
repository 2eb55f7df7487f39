"""The model worker as the page sees it: booted, sent signals with a time
limit, watched, and replaced with the model as last kept when it dies.

A worker that crashed or was terminated says nothing: no error, no reply. So
no call waits longer than CALL_TIMEOUT_S, and a worker silent for SILENCE_S
(a live one sends a status at least twice a second, and answers between
parts of its longest work) is asked for a status, unless a call of the
page's is under way (that call's time limit stands); nothing heard within
PROBE_TIMEOUT_S, or twice the longest the worker said an answer can take
(status "busy_s": a big batch's training step, then a whole held-out
evaluation) if longer, means it is lost; a call waits that long too.
That notices a dead worker within SILENCE_S + PROBE_TIMEOUT_S + CHECK_EVERY_S,
under 2 s, at the default settings.

Its state (loading, ready, lost while it is replaced, failed; embedded,
idle until the visitor's first intent) is kept here
and shown as html[data-worker] for tests and scripts.
"""
import asyncio
import json

import js
from pyscript import workers
from pyscript.ffi import create_proxy

from shared import protocol, shipped

BOOT_TIMEOUT_S = 120
CALL_TIMEOUT_S = 2.0
SILENCE_S = 0.8
PROBE_TIMEOUT_S = 0.8
CHECK_EVERY_S = 0.2


class WorkerLost(Exception):
    """The worker did not answer in time, or is gone; the message says how."""


def add_worker(path, name):
    """A PyScript named worker: its <script>, added to the page, which starts it."""
    script = js.document.createElement("script")
    script.type = "py"
    script.src = "./" + path
    for attribute, value in (("worker", ""), ("name", name), ("config", "./" + shipped.WORKER_CONFIG)):
        script.setAttribute(attribute, value)
    js.document.body.append(script)
    return script


async def settled(promise):
    return await promise      # a JS promise: asyncio.wait_for needs a coroutine


class WorkerLink:
    def __init__(self, document, messages, page):
        self.html = document.documentElement
        self.messages = messages
        self.page = page
        self.feed = None             # the StatusFeed its messages go to
        self.controls = ()           # features whose controls need it: each has enable(bool)
        self.model = None            # the Model a new worker gets back
        self.generation = 0          # worker number n is named "model" or "model-n"
        self.sync = None             # the worker's exported functions, once booted
        self.script = None
        self.heard_ms = 0
        self.lost = False            # declared lost: one recovery per worker
        self.calls = 0               # calls under way
        self.receive_proxy = create_proxy(self.receive)
        self.error_proxy = create_proxy(self.crashed)
        self.mark("loading")

    def connect(self, feed, controls, model):
        """What the link serves, once all of it is built."""
        self.feed, self.controls, self.model = feed, controls, model

    def mark(self, state):
        self.state = state
        self.html.dataset.worker = state

    @property
    def ready(self):
        return self.state == "ready"

    def up(self):
        """The worker is ready: the controls that drive it work."""
        self.mark("ready")
        self.enable(True)

    def enable(self, enabled):
        for feature in self.controls:
            feature.enable(enabled)

    # -- start and replace --------------------------------------------------------

    async def boot(self):
        """The page's first worker; False (and the page says why) if it does not come up."""
        try:
            await self.start()
        except WorkerLost as error:
            self.mark("failed")
            self.page.fail("%s. Drawing still works; reload the page to try again." % error)
            return False
        return True

    async def start(self):
        """Boot a worker: its <script> is added only now, so that loading Pyodide
        does not slow the page's first predictions down. Raises WorkerLost if
        it does not come up."""
        name = "model" if self.generation == 0 else "model-%d" % self.generation
        self.script = add_worker(shipped.WORKER, name)   # so that stop() ends it, even half started
        try:
            sync = await asyncio.wait_for(settled(workers[name]), BOOT_TIMEOUT_S)
        except asyncio.TimeoutError:
            self.stop()
            raise WorkerLost("the training worker did not start within %d s" % BOOT_TIMEOUT_S)
        # The worker posts nothing before boot(), so nothing is missed by listening now.
        self.script.xworker.onmessage = self.receive_proxy
        self.script.xworker.onerror = self.error_proxy
        self.sync = sync
        self.heard_ms = js.performance.now()
        reply = json.loads(await self.call("boot", js.location.href, timeout_s=60))
        if not reply["ok"]:
            raise WorkerLost(reply["error"])
        self.lost = False

    async def recover(self, reason):
        """The worker died or hangs: a new one, with the last checkpoint and settings."""
        self.mark("lost")
        self.enable(False)
        self.messages.error("The training worker stopped working (%s). Starting a new one with "
                            "your model as last saved… Drawing still works." % reason)
        # Taken now, before the new worker's statuses replace the settings.
        checkpoint, settings = self.model.checkpoint, self.model.settings_in_use()
        try:
            self.stop()
            self.generation += 1
            await self.start()
            await self.model.put_back(checkpoint, settings)
        except (WorkerLost, OSError) as error:
            self.mark("failed")
            self.page.fail("The training worker could not be restarted (%s). Drawing still works; "
                           "reload the page to train again." % error)
            return
        self.up()
        self.messages.say("Recovered: a new training worker has your model as last saved. "
                          "Press Start to train on.")

    def stop(self):
        """Drop the worker: terminated, its script removed."""
        self.sync = None
        if self.script is not None:
            xworker = getattr(self.script, "xworker", None)   # none before PyScript takes it up
            if xworker:
                xworker.onmessage = None
                xworker.terminate()
            self.script.remove()
            self.script = None

    # -- calls and messages -------------------------------------------------------

    async def call(self, name, *args, timeout_s=CALL_TIMEOUT_S):
        if self.sync is None:
            raise WorkerLost("the training worker is not running")
        self.calls += 1
        timeout_s = self.patience(timeout_s)
        try:
            return await asyncio.wait_for(settled(getattr(self.sync, name)(*args)), timeout_s)
        except asyncio.TimeoutError:
            self.declare_lost("it did not answer within %g s" % timeout_s)
            raise WorkerLost("the training worker did not answer")
        finally:
            self.calls -= 1

    async def send(self, kind, value=None):
        """A signal, checked here first (nothing is sent on bad input), then
        the worker's to decide; whether it took it (if not, the page says why)."""
        try:
            text = protocol.signal(kind, value)
        except protocol.ProtocolError as error:
            self.messages.error(str(error))
            return False
        said = self.messages.said
        reply = json.loads(await self.call("signal", text))
        if not reply["ok"]:
            self.messages.error(reply["error"])
            return False
        self.messages.clear(since=said)       # a newer message (a bad setting typed meanwhile) stays
        return True

    def receive(self, event):
        self.heard_ms = js.performance.now()
        self.feed.receive(event)

    def crashed(self, event):
        self.declare_lost("it crashed (%s)" % (getattr(event, "message", None) or "no reason given"))

    def declare_lost(self, reason):
        if not self.lost and self.sync is not None:
            self.lost = True
            self.sync = None
            asyncio.create_task(self.recover(reason))

    def patience(self, timeout_s):
        """How long to wait for an answer: timeout_s, or twice the longest the
        worker said an answer can take, if longer."""
        status = self.model.status if self.model else None
        return max(timeout_s, 2 * ((status or {}).get("busy_s") or 0))

    async def watch(self):
        """Runs for the page's life: probes a silent worker, declares it lost."""
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            if (self.sync is None or self.calls
                    or js.performance.now() - self.heard_ms < SILENCE_S * 1000):
                continue
            asked_ms = js.performance.now()
            patience_s = self.patience(PROBE_TIMEOUT_S)
            try:
                await asyncio.wait_for(settled(self.sync.signal(protocol.signal(protocol.STATUS))),
                                       patience_s)
            except asyncio.TimeoutError:
                # Messages that waited behind a busy main thread are heard first.
                await asyncio.sleep(0.05)
                if self.heard_ms < asked_ms:
                    self.declare_lost("it was silent for %.1f s" % (SILENCE_S + patience_s))
            except Exception as error:   # the call itself failed: the worker is broken
                self.declare_lost("calling it failed (%s)" % error)
