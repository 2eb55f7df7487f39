"""The model worker as the page sees it: booted, called with a time limit,
watched, and replaced when it dies.

A worker that crashed or was terminated says nothing: no error, no reply. So
no call waits longer than CALL_TIMEOUT_S, and a worker silent for SILENCE_S
(a live one sends a status at least once a second) is asked for a status;
no answer within CALL_TIMEOUT_S means it is lost. That notices a dead worker
within SILENCE_S + CALL_TIMEOUT_S + CHECK_EVERY_S, under 5 s.
"""
import asyncio
import json

import js
from pyscript import workers
from pyscript.ffi import create_proxy

from shared import protocol

SRC, CONFIG = "./app/worker/main.py", "./pyscript.toml"
BOOT_TIMEOUT_S = 120
CALL_TIMEOUT_S = 2.0
SILENCE_S = 1.5
CHECK_EVERY_S = 0.5


class WorkerLost(Exception):
    """The worker did not answer in time, or is gone; the message says how."""


def add_worker(src, name, config=CONFIG):
    """A PyScript named worker: its <script>, added to the page, which starts it."""
    script = js.document.createElement("script")
    script.type = "py"
    script.src = src
    for attribute, value in (("worker", ""), ("name", name), ("config", config)):
        script.setAttribute(attribute, value)
    js.document.body.append(script)
    return script


async def settled(promise):
    return await promise      # a JS promise: asyncio.wait_for needs a coroutine


class ModelWorker:
    def __init__(self, on_message, on_lost):
        """on_message(event) for each message; on_lost(reason), once per worker."""
        self.on_message = on_message
        self.on_lost = on_lost
        self.generation = 0          # worker number n is named "model" or "model-n"
        self.sync = None             # the worker's exported functions, once booted
        self.script = None
        self.heard_ms = 0
        self.lost = False
        self.receive_proxy = create_proxy(self.receive)
        self.error_proxy = create_proxy(self.crashed)

    # -- start and replace --------------------------------------------------------

    async def start(self):
        """Boot a worker: its <script> is added only now, so that loading Pyodide
        does not slow the page's first predictions down. Raises WorkerLost if
        it does not come up."""
        name = "model" if self.generation == 0 else "model-%d" % self.generation
        self.script = add_worker(SRC, name)   # so that stop() ends it, even half started
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

    async def restart(self):
        """Drop the old worker (terminated, its script removed) and boot a new one."""
        self.stop()
        self.generation += 1
        await self.start()

    def stop(self):
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
        try:
            return await asyncio.wait_for(settled(getattr(self.sync, name)(*args)), timeout_s)
        except asyncio.TimeoutError:
            self.declare_lost("it did not answer within %g s" % timeout_s)
            raise WorkerLost("the training worker did not answer")

    async def signal(self, text):
        return await self.call("signal", text)

    def receive(self, event):
        self.heard_ms = js.performance.now()
        self.on_message(event)

    def crashed(self, event):
        self.declare_lost("it crashed (%s)" % (getattr(event, "message", None) or "no reason given"))

    def declare_lost(self, reason):
        if not self.lost and self.sync is not None:
            self.lost = True
            self.sync = None
            self.on_lost(reason)

    async def watch(self):
        """Runs for the page's life: probes a silent worker, declares it lost."""
        while True:
            await asyncio.sleep(CHECK_EVERY_S)
            if self.sync is None or js.performance.now() - self.heard_ms < SILENCE_S * 1000:
                continue
            try:
                await self.signal(protocol.signal(protocol.STATUS))
            except WorkerLost:
                pass                     # declared lost by call()
            except Exception as error:   # the call itself failed: the worker is broken
                self.declare_lost("calling it failed (%s)" % error)
