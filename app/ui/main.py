"""The page (MicroPython on the main thread): it builds the parts and boots.

The story: the drawing grid comes up at once and predicts with the
visitor's autosaved model (else the shipped one) while the model worker
(Pyodide + numpy) is still loading (embedded, it loads only once the
visitor draws, presses or focuses something); once the worker is up, it gets that
model back, the controls drive its training, and every status it sends
updates the numbers, the charts, the picture of the network and the weights
used for predicting. Digits the visitor teaches it join its training at once,
and so do digits a friend's link shares, once the visitor accepts them.
Its checkpoints are autosaved; a worker that dies is replaced by a new one
with the last of them.
"""
from shared import shipped
from ui.fetching import fetch_body, request

# What predicting needs first, the shipped weights and the class names, is asked
# for before the rest compiles (index.html preloads both).
shipped_weights = request(shipped.PRETRAINED_INFERENCE)
data_manifest = request(shipped.MANIFEST)

import asyncio

from pyscript import document

from shared import blocks, classes
from shared.my_digits import MyDigits
from ui.announcer import Announcer
from ui.autosaving import Autosaving
from ui.drawing import Drawing
from ui.intent import first_intent
from ui.messages import Messages
from ui.model import Model
from ui.network_view import NetworkView
from ui.page_memory import PageMemory
from ui.page_state import PageState
from ui.predictions import Predictor
from ui.sharing import SharedStrip, ShareBox
from ui.status_feed import StatusFeed
from ui.teach import TeachPanel
from ui.training import Training
from ui.weights_panel import WeightsPanel
from ui.worker_link import WorkerLink

page = PageState(document)
messages = Messages(document)

# Drawing and predicting: they work before the worker is up.
predictor = Predictor(document, messages)
announcer = Announcer(document, predictor, stroking=lambda: drawing.grid.state.stroking)
drawing = Drawing(document, predictor, messages, announcer)

# The worker, the model it trains, and what the visitor sees of both.
link = WorkerLink(document, messages, page)
training = Training(document, link, messages)
model = Model(document, link, training.history, MyDigits())
autosaving = Autosaving(document, model, link, messages)
weights = WeightsPanel(document, model, autosaving, link, messages)
teach = TeachPanel(document, model.my_digits, predictor.digit_input, link.send, messages,
                   autosaving.save_soon)
shared = SharedStrip(document, teach, weights, link, messages)
ShareBox(document, model.my_digits, model.settings_to_share, messages)
network = NetworkView(document, drawing.samples)
PageMemory(document)
link.connect(StatusFeed(statuses=(model.seen, teach.seen, predictor.seen, network.seen,
                                  training.seen, weights.seen, announcer.seen),
                        checkpoints=(model.receive, autosaving.receive, predictor.receive),
                        stroking=lambda: drawing.grid.state.stroking),
             controls=(training, weights, teach, shared), model=model)


async def boot():
    page.step(1, "Loading your model…")
    kept = await autosaving.load()          # (record, meta), or None
    if kept:                                # the visitor's digits are back before the worker is
        teach.restore(kept[1])
    await predictor.start(kept[0] if kept else None, shipped_weights)
    manifest = await read_manifest()
    shared.read()                           # digits a link shares, offered once their names are known
    if page.embedded:        # a reader who never touches it loads no trainer, nor samples
        page.idle()
        link.mark("idle")
        training.before_trainer(loading=False)
        await first_intent(document)
        training.before_trainer(loading=True)
        link.mark("loading")
    if manifest:
        asyncio.create_task(drawing.load_samples(manifest))
    page.loading(2, "Draw a digit! Loading the training worker (Pyodide + numpy)…")
    if not await link.boot():
        return
    page.step(3, "Bringing back your model…" if kept else "Loading the training data…")
    if kept and await autosaving.restore(kept):
        training.draw_charts()              # the history is back: show it now, not at the next status
    else:
        model.show_source()
    link.up()
    asyncio.create_task(link.watch())
    page.ready("Ready: press Start to watch it learn.")


async def read_manifest():
    """The data's manifest, its class names shown everywhere; None if it
    cannot be read (the reason said, digits shown): drawing still works."""
    try:
        manifest = blocks.read_manifest(await fetch_body(shipped.MANIFEST, "text", data_manifest))
        names = classes.from_manifest(manifest)
    except (OSError, ValueError) as error:
        messages.error("The data's manifest could not be read: %s" % error)
        return None
    for view in (predictor.view, network, teach):
        view.name_classes(names)
    return manifest


asyncio.create_task(page.boot(boot()))
