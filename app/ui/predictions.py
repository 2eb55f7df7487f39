"""Live prediction: MNIST-style preprocessing of the drawing, read from its strokes
where it can be (shared/strokes.py), then the model in use, on the
main thread: the integer-first-layer MLP of shared/inference.py or the
convnet, from the weights file each checkpoint carries, both in typed arrays
(static/js/frame-kernels.js; where that did not load, the MLP runs in
MicroPython); shown as a digit and a bar per class. It predicts from the first
moment, with the autosaved or shipped weights, then with the worker's
newest: html[data-predict] says when. Where the reading is doubtful
(shared/sureness.py), "Not sure" stands beside it and the teach buttons are
offered."""
import js
from pyscript.ffi import create_proxy

from shared import base64_codec, classes, digit, inference, protocol, shipped, strokes, sureness
from ui.fetching import fetch_body
from ui.status_feed import later


try:
    KERNEL, CONVNET = js.mlpKernel, js.convnetKernel    # static/js/frame-kernels.js
except AttributeError:
    KERNEL = CONVNET = None


class KernelReader:
    """Reads a drawing with a kernel of static/js/frame-kernels.js (its MLP or
    its convnet, holding the newest weights it was given): MNIST preprocessing
    and the forward pass there, compiled by the browser instead of run as
    MicroPython's bytecode, to the same numbers."""

    def __init__(self, kernel):
        self.kernel = kernel

    def read(self, pixels, lines):
        """The grid's pixels and strokes -> (ten probabilities, or None when it
        is empty; the ink of its lines drawn again, shared/strokes.py's reading's)."""
        text = self.kernel.read(base64_codec.encode_floats(pixels),
                                base64_codec.encode_floats(strokes.packed(lines)) if lines else "")
        if not text:
            return None, 0.0
        probabilities, ink = text.split(";")
        return [float(p) for p in probabilities.split(",")], float(ink)


class MicroPythonReader:
    """KernelReader's MLP, where static/js/frame-kernels.js did not load."""

    def __init__(self, weights):
        self.model = inference.InferenceModel(weights)

    def read(self, pixels, lines):
        digit_input, ink = strokes.reading(pixels, lines)
        return (None if digit_input is None else self.model.probabilities(digit_input)), ink


class PredictionView:
    def __init__(self, document):
        self.digit = document.querySelector("#prediction")
        self.doubt_line = document.querySelector("#not-sure")
        self.teach = document.querySelector("#teach")
        self.offer = document.querySelector("#teach-offer")
        self.shown_doubt = None
        self.bars = []
        probs = document.querySelector("#probs")
        for d in range(digit.CLASSES):
            row = document.createElement("div")
            row.className = "prob"
            row.dataset.digit = str(d)
            row.dataset.p = "0"
            label, track, bar, value = (document.createElement("span") for _ in range(4))
            label.className, track.className, bar.className = "prob-digit", "prob-track", "prob-bar"
            value.className = "visually-hidden"       # the bar's value, for screen readers
            label.textContent = str(d)
            value.textContent = " 0.0%"
            track.appendChild(bar)
            row.appendChild(label)
            row.appendChild(value)
            row.appendChild(track)
            probs.appendChild(row)
            self.bars.append((row, bar, value))
        self.names = classes.DIGITS
        self.probs = probs
        self.shown = None              # (digit, text, aria-label) on the page
        self.shown_rows = [None] * digit.CLASSES  # (data-p, top, bar width) on the page

    def name_classes(self, names):
        """Class names instead of digits: on the bars, and as the prediction."""
        self.names = names
        spelled = not classes.are_digits(names)
        self.digit.classList.toggle("spelled", spelled)
        self.probs.classList.toggle("spelled", spelled)
        for (row, _, _), name in zip(self.bars, names):
            row.firstChild.textContent = name

    def show(self, probabilities, doubt=None):
        """Writes only what changed: the same text written again still costs
        the page a layout, on every drawing update. doubt: sureness.verdict's."""
        if probabilities is None:
            best = None
            shown = ("", "–", "no prediction: draw a digit")
        else:
            best = inference.argmax(probabilities)
            shown = (str(best), self.names[best], "%s %s, %d percent"
                     % ("not sure: maybe" if doubt else "prediction", self.names[best],
                        round(100 * probabilities[best])))
        sure = "" if probabilities is None else ("false" if doubt else "true")    # #prediction[data-sure]
        if (doubt, sure) != self.shown_doubt:
            self.shown_doubt = (doubt, sure)
            self.digit.dataset.sure = sure
            self.doubt_line.textContent = sureness.SAID.get(doubt, "")
            self.doubt_line.hidden = self.offer.hidden = doubt is None
            self.teach.classList.toggle("offered", doubt is not None)
        if shown != self.shown:
            if self.shown is None or shown[:2] != self.shown[:2]:
                self.digit.dataset.digit, self.digit.textContent = shown[0], shown[1]
            self.digit.setAttribute("aria-label", shown[2])
            self.shown = shown
        for d in range(digit.CLASSES):
            p = probabilities[d] if probabilities else 0.0
            row_shown = ("%.4f" % p, d == best, "%.1f%%" % (100 * p))
            if row_shown != self.shown_rows[d]:
                self.shown_rows[d] = row_shown
                row, bar, value = self.bars[d]
                row.dataset.p = row_shown[0]
                row.classList.toggle("top", row_shown[1])
                bar.style.width = row_shown[2]
                value.textContent = " " + row_shown[2]


class Predictor:
    """Keeps the newest weights; predicts a drawing (None when it is empty),
    with the convnet once it has its weights, else the MLP."""

    def __init__(self, document, messages):
        self.html = document.documentElement
        self.messages = messages
        self.note = document.querySelector("#prediction-note")   # why the convnet cannot predict
        self.view = PredictionView(document)
        self.mlp = None                # reads with the MLP: a KernelReader or MicroPythonReader
        self.convnet = None            # a KernelReader, once the convnet kernel holds weights
        self.architecture = "mlp"      # of the weights in use
        self.drawing = None            # the grid's GridState, the drawing last predicted
        self.probabilities = None      # of the last prediction shown
        self.doubt = None              # and sureness.verdict's of it
        self.repredict_proxy = create_proxy(self.repredict)

    @property
    def by_convnet(self):
        return self.architecture == "cnn" and self.convnet is not None

    async def start(self, kept, shipped_weights):
        """Predict before the worker is up: with the autosaved model (kept: its
        record, or None), else the shipped MLP. shipped_weights: their request, under way."""
        try:
            view = protocol.decode_status(kept.inference)["inference"] if kept else None
            if view is None or view.get("architecture") == "cnn":
                text = await fetch_body(shipped.PRETRAINED_INFERENCE, "text", shipped_weights)
                self.use_weights(protocol.decode_status(text)["inference"])
            if view is not None:
                self.use_weights(view)
                if view.get("architecture") == "cnn":
                    self.use_convnet(kept.weights)
        except (OSError, ValueError, KeyError) as error:
            self.messages.error("No weights to predict with yet (%s): predictions start once "
                                "the training worker is up." % error)

    def seen(self, _status, views):
        """Each rendered status: the worker's newest weights, in a task of their own."""
        view = views.get("inference")
        # Without the kernel, the MLP's weights come with checkpoints (receive): a live
        # status's first layer is a Uint8Array, which MicroPython copies byte by byte.
        if view is not None and (KERNEL or "w1" not in view):
            later(self.use_weights, view)

    def receive(self, checkpoint):
        if checkpoint.architecture == "cnn":    # the convnet predicts with each one
            self.use_convnet(checkpoint.weights)
        elif not KERNEL:                        # every 2 s while training, as base64 text
            later(self.use_weights, protocol.decode_status(checkpoint.inference)["inference"])

    def use_weights(self, weights):
        """An inference view (worker/snapshots.py): the MLP's weights, or word
        that the convnet is in use (its weights come by use_convnet)."""
        if weights.get("architecture") == "cnn":
            self.architecture = "cnn"
        else:
            self.architecture = "mlp"
            self.say(None)
            if KERNEL:
                KERNEL.use(*inference.kernel_weights(weights))
                self.mlp = KernelReader(KERNEL)
            else:
                self.mlp = MicroPythonReader(weights)
            self.repredict_later()
        self.html.dataset.predict = "ready"

    def use_convnet(self, weights_file):
        """The convnet's weights file (a Uint8Array, from a checkpoint): the drawing
        shown is predicted again with it. Without the kernel, the MLP predicts."""
        if CONVNET is None:
            self.say("The convnet's predictions need static/js/frame-kernels.js, which did not "
                     "load: the MLP predicts meanwhile.")
            return
        try:
            CONVNET.use(weights_file)
        except Exception as error:     # a JS Error: the file is not one it can read
            self.say("The convnet's weights could not be read for predictions (%s): the MLP "
                     "predicts meanwhile." % error)
            return
        self.convnet = KernelReader(CONVNET)
        self.say(None)
        self.repredict_later()

    def say(self, problem):
        """Why the convnet in use does not predict, beside the prediction, as
        long as that holds (None: it does, or the MLP is in use)."""
        self.note.textContent = problem or ""
        self.note.hidden = problem is None

    def repredict_later(self):
        """The drawing shown gets the new weights' opinion, in a task of its own."""
        if self.drawing is not None:
            js.setTimeout(self.repredict_proxy, 0)

    def repredict(self):
        self.predict(self.drawing)

    def predict(self, drawing, event_time=None, frame_start=None):
        """drawing: the grid's GridState, live (its pixels and strokes: shared/strokes.py reads both)."""
        self.drawing = drawing
        reader = self.convnet if self.by_convnet else self.mlp
        if reader is not None:
            self.show(*reader.read(drawing.pixels, drawing.strokes), event_time, frame_start)

    def digit_input(self):
        """The drawing as the models see it (None when empty)."""
        return None if self.drawing is None else strokes.reading(self.drawing.pixels, self.drawing.strokes)[0]

    def show(self, probabilities, ink, event_time, frame_start):
        self.doubt = None if probabilities is None else sureness.verdict(
            probabilities, self.drawing.pixels, "cnn" if self.by_convnet else "mlp", ink)
        self.view.show(probabilities, self.doubt)
        self.probabilities = probabilities
        self.view.digit.dataset.model = "cnn" if self.by_convnet else "mlp"
        if event_time is not None:   # for `make bench`: pointer event, and frame start, to bars
            now = js.performance.now()
            self.view.digit.dataset.computeMs = "%.2f" % (now - frame_start)
            self.view.digit.dataset.latencyMs = "%.2f" % (now - event_time)

