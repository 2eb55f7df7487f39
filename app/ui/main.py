"""The page (MicroPython on the main thread): boot the model worker, wire the
controls to its signals, show its statuses."""
import asyncio
import json

from pyscript import document, window, workers
from pyscript.ffi import create_proxy

from shared import protocol
from ui.status_view import StatusView

html = document.documentElement
boot_message = document.querySelector("#boot-message")
message = document.querySelector("#message")
SETTINGS = (("#batch-size", protocol.SET_BATCH_SIZE),
            ("#learning-rate", protocol.SET_LEARNING_RATE),
            ("#cache-size", protocol.SET_CACHE_SIZE))
model = None


def say(text, error=False):
    message.textContent = text
    message.classList.toggle("error", error)


def fail(text):
    html.dataset.state = "error"
    boot_message.textContent = text
    boot_message.classList.add("error")


async def send(kind, value=None):
    """Validate here first (nothing is sent on bad input), then let the worker decide."""
    try:
        text = protocol.signal(kind, value)
    except protocol.ProtocolError as error:
        say(str(error), error=True)
        return False
    reply = json.loads(await model.signal(text))
    if not reply["ok"]:
        say(reply["error"], error=True)
        return False
    say("")
    return True


def on_click(selector, kind):
    def handler(_event):
        asyncio.create_task(send(kind))
    document.querySelector(selector).addEventListener("click", create_proxy(handler))


def on_setting(selector, kind):
    field = document.querySelector(selector)

    def handler(_event):
        try:
            value = float(field.value)
        except ValueError:
            say("%s: %r is not a number" % (field.labels[0].textContent.strip(), field.value), error=True)
            return
        asyncio.create_task(send(kind, value))
    field.addEventListener("change", create_proxy(handler))


def show_training(status):
    document.querySelector("#start").disabled = status["training"]
    document.querySelector("#stop").disabled = not status["training"]


async def main():
    global model
    status_view = StatusView(document, on_status=show_training)
    document.querySelector("script[name=model]").xworker.onmessage = status_view.receive_proxy
    boot_message.textContent = "Loading the model worker (Pyodide + numpy)…"
    model = await workers["model"]
    boot_message.textContent = "Loading data and pretrained weights…"
    reply = json.loads(await model.boot(window.location.href))
    if not reply["ok"]:
        fail(reply["error"])
        return
    on_click("#start", protocol.START)
    on_click("#stop", protocol.STOP)
    for selector, kind in SETTINGS:
        on_setting(selector, kind)
        document.querySelector(selector).disabled = False
    boot_message.textContent = "Ready."
    html.dataset.state = "ready"


async def guarded_main():
    try:
        await main()
    except Exception as error:   # anything unexpected: show it, never a blank page
        fail("The app failed to start: %s" % error)
        raise


asyncio.create_task(guarded_main())
