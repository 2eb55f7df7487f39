"""#message, the line under the training controls that says how the
visitor's last action went, and the only writer of it; and the visitor's
actions, each run in a task of its own with any failure said there."""
import asyncio

from pyscript.ffi import create_proxy


class Messages:
    def __init__(self, document):
        self.line = document.querySelector("#message")
        self.text = ""        # what the line says now
        self.said = 0         # messages so far: a late success clears only its own

    def say(self, text):
        self.show(text, False)

    def error(self, text):
        self.show(text, True)

    def clear(self, since=None):
        """Empty the line; with `since` (an earlier .said), only if nothing
        was said after it: a newer message stays."""
        if since is None or since == self.said:
            self.show("", False)

    def show(self, text, error):
        self.said += 1
        self.text = text
        self.line.textContent = text
        self.line.classList.toggle("error", error)

    async def guarded(self, coroutine):
        try:
            await coroutine
        except Exception as error:   # a refused file, a failed fetch, a worker gone
            self.error(str(error))

    def run(self, coroutine):
        """Run a visitor's action in a task of its own; say why it failed."""
        asyncio.create_task(self.guarded(coroutine))

    def on(self, element, event, action):
        """Run the coroutine function `action(event)` on each event, as run() does."""
        element.addEventListener(event, create_proxy(lambda ev: self.run(action(ev))))
