"""The page (MicroPython on the main thread): boot the model worker, wire the
controls to its signals, show its statuses."""
import asyncio
import json

from pyscript import document, window, workers
from pyscript.ffi import create_proxy

from shared import protocol, weights_file
from ui import weights_io
from ui.status_view import StatusView

html = document.documentElement
boot_message = document.querySelector("#boot-message")
message = document.querySelector("#message")
SETTINGS = (("#batch-size", protocol.SET_BATCH_SIZE),
            ("#learning-rate", protocol.SET_LEARNING_RATE),
            ("#cache-size", protocol.SET_CACHE_SIZE))
PRETRAINED = "./static/weights/pretrained.npy"
CONTROLS = ("#start", "#stop", "#batch-size", "#learning-rate", "#cache-size",
            "#pretrained", "#randomize", "#export", "#import")
model = None
status_view = None


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


def on(selector, event, action):
    """Run the coroutine function `action(event)` on each event; show its failures."""
    async def guarded(ev):
        try:
            await action(ev)
        except (OSError, weights_file.BadWeights) as error:
            say(str(error), error=True)

    def handler(ev):
        asyncio.create_task(guarded(ev))
    document.querySelector(selector).addEventListener(event, create_proxy(handler))


def on_click(selector, kind, value=None):
    async def action(_event):
        await send(kind, value)
    on(selector, "click", action)


async def load_pretrained(_event):
    await send(protocol.SET_WEIGHTS, await weights_io.fetch_base64(PRETRAINED))


async def randomize(_event):
    await send(protocol.SET_WEIGHTS, int(window.Date.now()) % 1000000)


async def export(_event):
    version = status_view.weights_version
    if await send(protocol.STATUS, True):
        weights_io.download(await status_view.weights_after(version), "mnist-mlp-weights.npy")
        say("Exported weights (mnist-mlp-weights.npy).")


async def import_weights(event):
    field = event.target
    if not field.files.length:
        return
    text = await weights_io.read_base64(field.files.item(0))
    field.value = ""               # choosing the same file again fires change again
    weights_io.check(text)         # a bad file is refused here; the model keeps its weights
    if await send(protocol.SET_WEIGHTS, text):
        say("Imported weights.")


def on_setting(selector, kind):
    field = document.querySelector(selector)

    def handler(_event):
        try:
            value = float(field.value)
        except ValueError:
            # Number inputs report "" for anything that is not a number.
            say("%s: enter a number" % field.labels[0].textContent.strip(), error=True)
            return
        asyncio.create_task(send(kind, value))
    field.addEventListener("change", create_proxy(handler))


def show_training(status):
    document.querySelector("#start").disabled = status["training"]
    document.querySelector("#stop").disabled = not status["training"]


async def main():
    global model, status_view
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
    on("#pretrained", "click", load_pretrained)
    on("#randomize", "click", randomize)
    on("#export", "click", export)
    on("#import", "change", import_weights)
    for selector in CONTROLS:
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
