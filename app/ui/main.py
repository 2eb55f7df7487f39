"""The page (MicroPython on the main thread).

The story: the drawing grid comes up at once and predicts with the
visitor's autosaved model (else the shipped one) while the model worker
(Pyodide + numpy) is still loading; once the worker is up, it gets that
model back, the controls drive its training, and every status it sends
updates the numbers, the charts, the picture of the network and the weights
used for predicting. Digits the visitor teaches it join its training at once.
Its checkpoints are autosaved; a worker that dies is replaced by a new one
with the last of them.
"""
from ui.net import fetch_body, request

# What predicting needs first, the shipped weights and the class names, is asked
# for before the rest compiles (index.html preloads both).
PRETRAINED_INFERENCE = "./static/weights/pretrained-inference.txt"
MANIFEST = "./static/data/manifest.json"
shipped_weights = request(PRETRAINED_INFERENCE)
data_manifest = request(MANIFEST)

import asyncio
import json

from pyscript import document, window
from pyscript.ffi import create_proxy

from shared import blocks, classes, inference, protocol
from shared.autosave import thousands
from shared.my_digits import MyDigits
from shared.series import Series
from ui import weights_io
from ui.charts import LineChart
from ui.grid import GridManager
from ui.model_keeper import ModelKeeper
from ui.model_worker import ModelWorker, WorkerLost
from ui.network_view import NetworkView
from ui.page_memory import PageMemory
from ui.picture import PictureReader
from ui.predictions import PredictionView, Predictor
from ui.samples import TestSamples
from ui.status_view import StatusView
from ui.teach import TeachPanel
from ui.weights_panel import WeightsPanel

SETTINGS = (("#batch-size", protocol.SET_BATCH_SIZE),
            ("#learning-rate", protocol.SET_LEARNING_RATE),
            ("#cache-size", protocol.SET_CACHE_SIZE))
WORKER_CONTROLS = ("#start", "#stop", "#architecture", "#augment", "#batch-size", "#learning-rate", "#cache-size",
                   "#pretrained", "#randomize", "#export", "#import", "#undo-weights",
                   "#forget")           # and the teach buttons (ui/teach.py)
CHART_EVERY_MS = 250

html = document.documentElement
message = document.querySelector("#message")


# -- messages and errors ----------------------------------------------------------

said = [0]      # how many messages so far: a late success clears only its own


def say(text, error=False):
    said[0] += 1
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


async def guarded(coroutine):
    """Run a user action; show its failure under the controls."""
    try:
        await coroutine
    except Exception as error:   # a refused file, a failed fetch, a worker gone
        say(str(error), error=True)


def on(selector, event, action):
    """Run the coroutine function `action(event)` on each event; show its failures."""
    def handler(ev):
        asyncio.create_task(guarded(action(ev)))
    document.querySelector(selector).addEventListener(event, create_proxy(handler))


# -- drawing and predicting (work before the worker is up) ----------------------------

predictor = Predictor(PredictionView(document), lambda text: say(text, error=True))
grid = GridManager(document.querySelector("#grid"), predictor.predict)
samples = TestSamples()
html.dataset.grid = "ready"                 # drawing works from here on


def use_weights(weights):
    """Predict with these weights from now on (the shipped, autosaved or worker's)."""
    predictor.use_weights(weights)
    html.dataset.predict = "ready"


def toggle_eraser(_event):
    button = document.querySelector("#eraser")
    on_now = button.getAttribute("aria-pressed") != "true"
    button.setAttribute("aria-pressed", "true" if on_now else "false")
    grid.set_eraser(on_now)


async def show_sample(_event):
    index, (label, pixels) = samples.random()
    grid.load_sample(pixels)
    probabilities = await predictor.settled()
    guess = None if probabilities is None else inference.argmax(probabilities)
    tag = document.querySelector("#sample-label")
    tag.dataset.digit = str(label)
    tag.dataset.index = str(index)
    tag.dataset.correct = "true" if guess == label else "false"
    names = predictor.view.names
    tag.textContent = "Held-out sample #%d: true label %s, the model says %s (%s)" % (
        index, names[label], "nothing" if guess is None else names[guess],
        "right" if guess == label else "wrong")


def clear_sample_label(_event=None):
    tag = document.querySelector("#sample-label")
    tag.dataset.digit = ""
    tag.dataset.correct = ""
    tag.textContent = ""


def show_picture(pixels, name):
    grid.load_sample(pixels)
    clear_sample_label()
    document.querySelector("#sample-label").textContent = (
        "Read from %s. Wrong? Say what it is below the prediction." % name)
    say("")


pictures = PictureReader(document, show_picture, say)


async def picture_chosen(event):
    file = weights_io.chosen_file(event)
    if file is not None:
        await pictures.read(file)


def picture_dropped(event):
    """A file dropped on the grid is a picture of a digit, not weights (taken
    now: the browser empties the event's file list once this returns)."""
    event.preventDefault()
    event.stopPropagation()
    files = event.dataTransfer.files
    if files.length:
        asyncio.create_task(guarded(pictures.read(files.item(0))))


# Drawing over a sample makes it the visitor's own digit: its label no longer applies.
document.querySelector("#grid").addEventListener("pointerdown", create_proxy(clear_sample_label))
for selector, handler in (("#eraser", toggle_eraser),
                          ("#undo", lambda _e: (grid.undo(), clear_sample_label())),
                          ("#clear", lambda _e: (grid.clear(), clear_sample_label()))):
    document.querySelector(selector).addEventListener("click", create_proxy(handler))
on("#sample", "click", show_sample)
on("#image-file", "change", picture_chosen)
document.querySelector("#grid").addEventListener("drop", create_proxy(picture_dropped))


# -- embedded (?embed): everything but drawing and Start folded behind "More" ------------

def toggle_more(_event):
    opened = html.dataset.embed != "open"
    html.dataset.embed = "open" if opened else ""
    button = document.querySelector("#more")
    button.setAttribute("aria-expanded", "true" if opened else "false")
    button.textContent = "Less" if opened else "More"


document.querySelector("#more").addEventListener("click", create_proxy(toggle_more))


# -- training: signals to the worker ---------------------------------------------------

async def send(kind, value=None):
    """Validate here first (nothing is sent on bad input), then let the worker decide."""
    try:
        text = protocol.signal(kind, value)
    except protocol.ProtocolError as error:
        say(str(error), error=True)
        return False
    before = said[0]
    reply = json.loads(await worker.signal(text))
    if not reply["ok"]:
        say(reply["error"], error=True)
        return False
    if said[0] == before:     # a newer message (a bad setting typed meanwhile) stays
        say("")
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


async def set_augment(event):
    await send(protocol.SET_AUGMENT, bool(event.target.checked))


# -- seeing it learn: statuses from the worker ------------------------------------------

loss = Series(smoothing=0.7)
accuracy = Series()
mine_accuracy = Series()
charts = (LineChart(document.querySelector("#loss-chart"), loss, "#dc2626", "training loss"),
          LineChart(document.querySelector("#accuracy-chart"), accuracy, "#2563eb",
                    "held-out accuracy", percent=True,
                    also=[(mine_accuracy, "#c2410c", "your digits")]))
network = NetworkView(document, samples)
page_memory = PageMemory(document)
progress = document.querySelector("#progress")
last_chart_ms = [0]


DATA_TROUBLE = {   # data_state: training has no data, and why; the worker keeps trying
    "unreachable": "Can't reach the training data, retrying… Drawing still works, "
                   "and training goes on by itself once the data is back.",
    "corrupt": "The training data arrives damaged, retrying… Drawing still works, "
               "and training goes on by itself once the data arrives whole.",
}


def show_data_state(state):
    note = document.querySelector("#data-state")
    text = DATA_TROUBLE.get(state, "")
    if note.textContent != text:          # the same text written again still costs a layout
        note.textContent = text
        note.hidden = not text


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
    keeper.seen(status)
    teach.seen(status)
    training = status["training"]
    if training and status["loss"] is not None:
        loss.add(status["samples_seen"], status["loss"])
    if "confusion" in views and training:       # a held-out evaluation ran
        accuracy.add(status["samples_seen"], status["test_acc"])
        if status["my_acc"] is not None:
            mine_accuracy.add(status["samples_seen"], status["my_acc"])
    if html.dataset.worker == "ready":
        document.querySelector("#start").disabled = training
        document.querySelector("#stop").disabled = not training
    # Each view in a task of its own, so none holds up a drawing frame for long.
    if "inference" in views:
        later(use_weights, views["inference"])
    if "units_png" in views:
        later(network.show_units, views["units_png"])
    if "confusion" in views:
        later(network.show_confusion, views["confusion"], views["confusion_examples"])
    if status["error"]:              # training stopped; Start tries again
        say(status["error"], error=True)
    show_cache(status)
    show_data_state(status["data_state"])
    if status["test_acc"] is not None:
        progress.textContent = "Held-out: %.1f%% right after %s samples" % (
            100 * status["test_acc"], thousands(status["samples_seen"]))
    now = window.performance.now()
    if now - last_chart_ms[0] >= CHART_EVERY_MS or not training:
        last_chart_ms[0] = now
        for chart in charts:
            chart.draw()


my_digits = MyDigits()
keeper = ModelKeeper(document, {"loss": loss, "accuracy": accuracy, "mine": mine_accuracy},
                     my_digits)
def checkpoint_arrived(checkpoint):
    keeper.receive(checkpoint)
    if checkpoint.architecture == "cnn":    # the convnet predicts with each one
        predictor.use_convnet(checkpoint.weights)


status_view = StatusView(document, on_status=rendered, on_checkpoint=checkpoint_arrived)
worker = ModelWorker(status_view.receive, lambda reason: asyncio.create_task(recover(reason)))
panel = WeightsPanel(document, keeper, send, say)
teach = TeachPanel(document, my_digits, predictor.digit_input, send, say,
                   lambda: asyncio.create_task(keeper.save()))


# -- keeping the model: autosave on leaving, and a dead worker replaced -------------------

def page_hidden(_event):
    """Hidden (another tab, minimised, or on the way out): keep what is here now,
    then the worker's newest weights if the page lives long enough to get them."""
    if document.visibilityState == "hidden":
        keeper.save_before_leaving()
        if html.dataset.worker == "ready":
            asyncio.create_task(guarded(keeper.fresh_checkpoint(send)))   # saved as it arrives


def dropped(event):
    """A file dropped anywhere on the page is imported (taken now: the browser
    empties the event's file list once this handler returns)."""
    event.preventDefault()
    files = event.dataTransfer.files
    if files.length and html.dataset.worker == "ready":
        asyncio.create_task(guarded(panel.import_file(files.item(0))))


# Enter in a setting commits it ("change"), never submits the form and reloads.
document.querySelector("#settings").addEventListener(
    "submit", create_proxy(lambda event: event.preventDefault()))
document.querySelector("#reload").addEventListener(
    "click", create_proxy(lambda _event: window.location.reload()))
document.addEventListener("visibilitychange", create_proxy(page_hidden))
window.addEventListener("pagehide", create_proxy(lambda _event: keeper.save_before_leaving()))
document.addEventListener("dragover", create_proxy(lambda event: event.preventDefault()))
document.addEventListener("drop", create_proxy(dropped))


def enable_controls(enabled):
    html.dataset.worker = "ready" if enabled else html.dataset.worker
    for selector in WORKER_CONTROLS:
        document.querySelector(selector).disabled = not enabled
    document.querySelector("#stop").disabled = True
    teach.enable(enabled)


async def recover(reason):
    """The worker died or hangs: a new one, with the last checkpoint and settings."""
    html.dataset.worker = "lost"
    enable_controls(False)
    say("The training worker stopped working (%s). Starting a new one with your model "
        "as last saved… Drawing still works." % reason, error=True)
    settings = keeper.settings()       # before the new worker's statuses replace them
    try:
        await worker.restart()
        await keeper.put_back(send, keeper.checkpoint, settings)
    except (WorkerLost, OSError) as error:
        html.dataset.worker = "failed"
        fail("The training worker could not be restarted (%s). Drawing still works; "
             "reload the page to train again." % error)
        return
    enable_controls(True)
    say("Recovered: a new training worker has your model as last saved. "
        "Press Start to train on.")


# -- boot ------------------------------------------------------------------------------

async def boot():
    html.dataset.worker = "loading"
    boot_step(1, "Loading your model…")
    kept = await keeper.load()
    if kept:                         # the visitor's digits are back before the worker is
        my_digits.load(kept[1]["my_digits"])
        teach.show()
        if kept[1]["my_digits_problem"]:
            say("Your saved digits could not be read (%s); the model came back without them."
                % kept[1]["my_digits_problem"], error=True)
    try:
        view = protocol.decode_status(kept[0].inference)["inference"] if kept else None
        if view is None or view.get("architecture") == "cnn":   # the MLP predicts until then
            shipped = await fetch_body(PRETRAINED_INFERENCE, "text", shipped_weights)
            use_weights(protocol.decode_status(shipped)["inference"])   # live before the worker is
        if view is not None:
            use_weights(view)
            if view.get("architecture") == "cnn":
                predictor.use_convnet(kept[0].weights)
    except (OSError, ValueError, KeyError) as error:
        say("No weights to predict with yet (%s): predictions start once the training "
            "worker is up." % error, error=True)
    manifest = await read_manifest()
    boot_step(2, "Draw a digit! Loading the training worker (Pyodide + numpy)…")
    if manifest:
        asyncio.create_task(load_samples(manifest))
    try:
        await worker.start()
    except WorkerLost as error:
        html.dataset.worker = "failed"
        fail("%s. Drawing still works; reload the page to try again." % error)
        return
    boot_step(3, "Bringing back your model…" if kept else "Loading the training data…")
    on_signal("#start", protocol.START)
    on_signal("#stop", protocol.STOP)
    for selector, kind in SETTINGS:
        on_setting(selector, kind)
    for selector, action in (("#pretrained", panel.load_pretrained),
                             ("#randomize", panel.randomize),
                             ("#export", panel.export), ("#undo-weights", panel.undo),
                             ("#forget", panel.forget),
                             ("#forget-my-digits", teach.forget),
                             ("#export-my-digits", teach.export)):
        on(selector, "click", action)
    on("#import", "change", panel.import_chosen)
    on("#architecture", "change", panel.switch_architecture)
    on("#augment", "change", set_augment)
    on("#import-my-digits", "change", teach.import_chosen)
    if kept and await keeper.restore(send, *kept):
        for chart in charts:            # the history is back: show it now, not at the next status
            chart.draw()
    else:
        keeper.show_source()
    enable_controls(True)
    asyncio.create_task(worker.watch())
    boot_step(4, "Ready: press Start to watch it learn.")
    html.dataset.state = "ready"


async def read_manifest():
    """The data's manifest, its class names shown everywhere; None if it
    cannot be read (the reason said, digits shown): drawing still works."""
    try:
        manifest = blocks.read_manifest(await fetch_body(MANIFEST, "text", data_manifest))
        names = classes.from_manifest(manifest)
    except (OSError, ValueError) as error:
        say("The data's manifest could not be read: %s" % error, error=True)
        return None
    predictor.view.name_classes(names)
    network.name_classes(names)
    teach.name_classes(names)
    teach.show()
    return manifest


async def load_samples(manifest):
    """Held-out samples are for the Sample button only: without them, all else works."""
    try:
        await samples.load(manifest)
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
