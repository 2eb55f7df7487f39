"""Drawing: the grid (ui/grid.py) with its eraser, undo and clear, a random
held-out sample with its true label, and a photo of a digit on paper (chosen
with Photo…, or dropped on the grid) read onto the grid (ui/picture.py).
All of it works before the training worker is up: html[data-grid] says when."""
from pyscript.ffi import create_proxy

from shared import inference
from ui import files
from ui.grid import GridManager
from ui.picture import PictureReader
from ui.samples import TestSamples


class SampleLabel:
    """#sample-label: what is on the grid, when the page put it there."""

    def __init__(self, document):
        self.tag = document.querySelector("#sample-label")

    def sample(self, index, label, guess, names):
        tag = self.tag
        tag.dataset.digit = str(label)
        tag.dataset.index = str(index)
        tag.dataset.correct = "true" if guess == label else "false"
        tag.textContent = "Held-out sample #%d: true label %s, the model says %s (%s)" % (
            index, names[label], "nothing" if guess is None else names[guess],
            "right" if guess == label else "wrong")

    def picture(self, name):
        self.clear()
        self.tag.textContent = "Read from %s. Wrong? Say what it is below the prediction." % name

    def clear(self, _event=None):
        self.tag.dataset.digit = ""
        self.tag.dataset.correct = ""
        self.tag.textContent = ""


class Drawing:
    def __init__(self, document, predictor, messages, announcer):
        """announcer: ui/announcer.py's, told of strokes' ends and the keyboard's cursor."""
        self.predictor = predictor
        self.messages = messages
        canvas = document.querySelector("#grid")
        self.grid = GridManager(canvas, predictor.predict, announcer)
        self.samples = TestSamples()
        self.label = SampleLabel(document)
        self.pictures = PictureReader(document, self.show_picture, messages)
        self.erasing = False
        self.eraser = document.querySelector("#eraser")
        self.sample_button = document.querySelector("#sample")
        # Drawing over a sample makes it the visitor's own digit: its label no longer applies.
        self.proxies = [create_proxy(self.label.clear), create_proxy(self.picture_dropped)]
        canvas.addEventListener("pointerdown", self.proxies[0])
        canvas.addEventListener("drop", self.proxies[1])
        for selector, handler in (("#eraser", self.toggle_eraser),
                                  ("#undo", lambda _e: (self.grid.undo(), self.label.clear())),
                                  ("#clear", lambda _e: (self.grid.clear(), self.label.clear()))):
            self.proxies.append(create_proxy(handler))
            document.querySelector(selector).addEventListener("click", self.proxies[-1])
        messages.on(self.sample_button, "click", self.show_sample)
        messages.on(document.querySelector("#image-file"), "change", self.picture_chosen)
        document.documentElement.dataset.grid = "ready"

    def toggle_eraser(self, _event):
        self.erasing = not self.erasing
        self.eraser.setAttribute("aria-pressed", "true" if self.erasing else "false")
        self.grid.set_eraser(self.erasing)

    # -- held-out samples --------------------------------------------------------------

    async def load_samples(self, manifest):
        """Held-out samples are for the Sample button only: without them, all else works."""
        try:
            await self.samples.load(manifest)
        except Exception as error:
            self.messages.error("Held-out samples could not be loaded: %s" % error)
            return
        self.sample_button.disabled = False

    async def show_sample(self, _event):
        index, (label, pixels) = self.samples.random()
        self.grid.load_sample(pixels)
        probabilities = self.predictor.probabilities
        guess = None if probabilities is None else inference.argmax(probabilities)
        self.label.sample(index, label, guess, self.predictor.view.names)

    # -- pictures of digits --------------------------------------------------------------

    def show_picture(self, pixels, name):
        self.grid.load_sample(pixels)
        self.label.picture(name)
        self.messages.clear()

    async def picture_chosen(self, event):
        file = files.chosen_file(event)
        if file is not None:
            await self.pictures.read(file)

    def picture_dropped(self, event):
        """A file dropped on the grid is a picture of a digit, not weights."""
        event.stopPropagation()
        file = files.dropped_file(event)
        if file is not None:
            self.messages.run(self.pictures.read(file))
