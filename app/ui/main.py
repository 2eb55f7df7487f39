"""The page (MicroPython on the main thread).

The story: the drawing grid comes up at once and predicts with the shipped
weights while the model worker (Pyodide + numpy) is still loading; once the
worker is up, the controls drive its training and every status it sends
updates the numbers, the charts, the picture of the network and the weights
used for predicting.
"""
import asyncio
import json

from pyscript import document, window, workers
from pyscript.ffi import create_proxy

from shared import inference, protocol
from shared.series import Series
from ui import weights_io
from ui.charts import LineChart
from ui.grid import GridManager
from ui.net import fetch_ok
from ui.network_view import NetworkView
from ui.predictions import PredictionView, Predictor
from ui.samples import TestSamples
from ui.status_view import StatusView

PRETRAINED = "./static/weights/pretrained.npy"
PRETRAINED_INFERENCE = "./static/weights/pretrained-inference.txt"
KEPT = "mnist-mlp-weights"       # localStorage key of the weights the visitor kept
SETTINGS = (("#batch-size", protocol.SET_BATCH_SIZE),
            ("#learning-rate", protocol.SET_LEARNING_RATE),
            ("#cache-size", protocol.SET_CACHE_SIZE))
WORKER_CONTROLS = ("#start", "#stop", "#batch-size", "#learning-rate", "#cache-size",
                   "#pretrained", "#randomize", "#keep", "#export", "#import")
CHART_EVERY_MS = 250
WORKER_TIMEOUT_S = 120

html = document.documentElement
message = document.querySelector("#message")
model = None                     # the worker, once booted


# -- messages and errors ----------------------------------------------------------

def say(text, error=False):
    message.textContent = text
    message.classList.toggle("error", error)


def boot_step(step, text):
    document.querySelector("#boot-progress").value = step
    document.querySelector("#boot-message").textContent = text


def fail(text):
    html.dataset.state = "error"
    panel = document.querySelector("#error-panel")
    panel.querySelector("p").textContent = text
    panel.hidden = False


def later(fn, *args):
    window.setTimeout(create_proxy(lambda: fn(*args)), 0)


def on(selector, event, action):
    """Run the coroutine function `action(event)` on each event; show its failures."""
    async def guarded(ev):
        try:
            await action(ev)
        except Exception as error:   # a refused file, a failed fetch, a worker gone
            say(str(error), error=True)

    def handler(ev):
        asyncio.create_task(guarded(ev))
    document.querySelector(selector).addEventListener(event, create_proxy(handler))


# -- drawing and predicting (work before the worker is up) ----------------------------

predictor = Predictor(PredictionView(document))
grid = GridManager(document.querySelector("#grid"), predictor.predict)
samples = TestSamples()


def toggle_eraser(_event):
    button = document.querySelector("#eraser")
    on_now = button.getAttribute("aria-pressed") != "true"
    button.setAttribute("aria-pressed", "true" if on_now else "false")
    grid.set_eraser(on_now)


async def show_sample(_event):
    index, (label, pixels) = samples.random()
    grid.load_sample(pixels)
    probabilities = predictor.probabilities
    guess = None if probabilities is None else inference.argmax(probabilities)
    tag = document.querySelector("#sample-label")
    tag.dataset.digit = str(label)
    tag.dataset.index = str(index)
    tag.dataset.correct = "true" if guess == label else "false"
    tag.textContent = "Held-out sample #%d: true label %d, the model says %s (%s)" % (
        index, label, guess, "right" if guess == label else "wrong")


def clear_sample_label(_event=None):
    tag = document.querySelector("#sample-label")
    tag.dataset.digit = ""
    tag.dataset.correct = ""
    tag.textContent = ""


# Drawing over a sample makes it the visitor's own digit: its label no longer applies.
document.querySelector("#grid").addEventListener("pointerdown", create_proxy(clear_sample_label))
for selector, handler in (("#eraser", toggle_eraser),
                          ("#undo", lambda _e: (grid.undo(), clear_sample_label())),
                          ("#clear", lambda _e: (grid.clear(), clear_sample_label()))):
    document.querySelector(selector).addEventListener("click", create_proxy(handler))
on("#sample", "click", show_sample)


# -- training: signals to the worker ---------------------------------------------------

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
    if kind == protocol.SET_WEIGHTS:
        loss.clear()
        accuracy.clear()
    return True


def on_signal(selector, kind, value=None):
    async def action(_event):
        await send(kind, value)
    on(selector, "click", action)


def on_setting(selector, kind):
    field = document.querySelector(selector)

    async def action(_event):
        try:
            value = float(field.value)
        except ValueError:   # number inputs report "" for anything not a number
            field.setAttribute("aria-invalid", "true")
            say("%s: enter a number" % field.labels[0].textContent.strip(), error=True)
            return
        ok = await send(kind, value)
        field.setAttribute("aria-invalid", "false" if ok else "true")
    on(selector, "change", action)


async def load_pretrained(_event):
    await send(protocol.SET_WEIGHTS, await weights_io.fetch_base64(PRETRAINED))


async def randomize(_event):
    await send(protocol.SET_WEIGHTS, int(window.Date.now()) % 1000000)


async def current_weights():
    """The worker's weights file as base64, or None if it refused to send it."""
    version = status_view.weights_version
    if await send(protocol.STATUS, True):
        return await status_view.weights_after(version)
    return None


async def export(_event):
    text = await current_weights()
    if text:
        weights_io.download(text, "mnist-mlp-weights.npy")
        say("Exported weights (mnist-mlp-weights.npy).")


async def keep(_event):
    text = await current_weights()
    if text:
        try:
            window.localStorage.setItem(KEPT, text)
        except Exception as error:   # storage full, or blocked in this embedding
            say("This browser would not keep the weights: %s" % error, error=True)
            return
        say("Kept: these weights come back when you open the page again.")


async def restore_kept():
    try:
        text = window.localStorage.getItem(KEPT)
    except Exception:                # storage blocked in this embedding: nothing kept
        return
    if not text:
        return
    try:
        weights_io.check(text)
    except ValueError as error:
        window.localStorage.removeItem(KEPT)
        say("The kept weights were unreadable and are dropped: %s" % error, error=True)
        return
    if await send(protocol.SET_WEIGHTS, text):
        say("Loaded the weights you kept (Load pretrained brings back the shipped ones).")


async def import_weights(event):
    field = event.target
    if not field.files.length:
        return
    text = await weights_io.read_base64(field.files.item(0))
    field.value = ""               # choosing the same file again fires change again
    weights_io.check(text)         # a bad file is refused here; the model keeps its weights
    if await send(protocol.SET_WEIGHTS, text):
        say("Imported weights.")


# -- seeing it learn: statuses from the worker ------------------------------------------

loss = Series(smoothing=0.7)
accuracy = Series()
charts = (LineChart(document.querySelector("#loss-chart"), loss, "#dc2626", "training loss"),
          LineChart(document.querySelector("#accuracy-chart"), accuracy, "#2563eb",
                    "held-out accuracy", percent=True))
network = NetworkView(document, samples)
last_chart_ms = [0]


def show_cache(status):
    gauge = document.querySelector("#cache-gauge")
    size, cached, fetching = status["cache_size"], status["data_len"], status["data_futures_len"]
    while gauge.children.length < size:
        gauge.appendChild(document.createElement("span"))
    while gauge.children.length > size:
        gauge.removeChild(gauge.lastChild)
    for i in range(size):
        kind = "cached" if i < cached else "fetching" if i < cached + fetching else "empty"
        slot = gauge.children[i]
        if slot.className != kind:
            slot.className = kind
    gauge.setAttribute("aria-label", "%d of %d blocks cached, %d being fetched"
                       % (cached, size, fetching))


def rendered(status, views):
    training = status["training"]
    if training and status["loss"] is not None:
        loss.add(status["samples_seen"], status["loss"])
    if "confusion" in views and training:       # a held-out evaluation ran
        accuracy.add(status["samples_seen"], status["test_acc"])
    if model is not None:
        document.querySelector("#start").disabled = training
        document.querySelector("#stop").disabled = not training
    # Each view in a task of its own, so none holds up a drawing frame for long.
    if "inference" in views:
        later(predictor.use_weights, views["inference"])
    if "units_png" in views:
        later(network.show_units, views["units_png"])
    if "confusion" in views:
        later(network.show_confusion, views["confusion"], views["confusion_examples"])
    if status["error"]:              # training stopped; Start tries again
        say(status["error"], error=True)
    show_cache(status)
    now = window.performance.now()
    if now - last_chart_ms[0] >= CHART_EVERY_MS or not training:
        last_chart_ms[0] = now
        for chart in charts:
            chart.draw()


status_view = StatusView(document, on_status=rendered)


# -- boot ------------------------------------------------------------------------------

async def boot():
    global model
    document.querySelector("script[name=model]").xworker.onmessage = status_view.receive_proxy
    boot_step(1, "Loading the pretrained weights…")
    shipped = protocol.decode_status(await (await fetch_ok(PRETRAINED_INFERENCE)).text())
    predictor.use_weights(shipped["inference"])
    html.dataset.predict = "ready"          # drawing is live before the worker is
    boot_step(2, "Draw a digit! Loading the training worker (Pyodide + numpy)…")
    asyncio.create_task(load_samples())
    try:
        worker = await asyncio.wait_for(worker_ready(), WORKER_TIMEOUT_S)
    except asyncio.TimeoutError:
        fail("The training worker did not start within %d s. Drawing still works; "
             "reload the page to try again." % WORKER_TIMEOUT_S)
        return
    boot_step(3, "Loading the training data…")
    reply = json.loads(await worker.boot(window.location.href))
    if not reply["ok"]:
        fail(reply["error"])
        return
    model = worker
    on_signal("#start", protocol.START)
    on_signal("#stop", protocol.STOP)
    for selector, kind in SETTINGS:
        on_setting(selector, kind)
    on("#pretrained", "click", load_pretrained)
    on("#randomize", "click", randomize)
    on("#keep", "click", keep)
    on("#export", "click", export)
    on("#import", "change", import_weights)
    for selector in WORKER_CONTROLS:
        document.querySelector(selector).disabled = False
    await restore_kept()
    boot_step(4, "Ready: press Start to watch it learn.")
    html.dataset.state = "ready"


async def worker_ready():
    return await workers["model"]     # a JS promise: wait_for needs a coroutine


async def load_samples():
    """Held-out samples are for the Sample button only: without them, all else works."""
    try:
        await samples.load()
    except Exception as error:
        say("Held-out samples could not be loaded: %s" % error, error=True)
        return
    document.querySelector("#sample").disabled = False


async def guarded_boot():
    try:
        await boot()
    except Exception as error:   # anything unexpected: show it, never a blank page
        fail("The app failed to start: %s" % error)
        raise


asyncio.create_task(guarded_boot())
