"""Live prediction on the main thread: MNIST-style preprocessing, then the
integer-first-layer MLP of shared/inference.py, shown as a digit and ten bars."""
import js
from pyscript.ffi import create_proxy

from shared import classes, inference, preprocess


class PredictionView:
    def __init__(self, document):
        self.digit = document.querySelector("#prediction")
        self.bars = []
        probs = document.querySelector("#probs")
        for d in range(10):
            row = document.createElement("div")
            row.className = "prob"
            row.dataset.digit = str(d)
            row.dataset.p = "0"
            label, track, bar = (document.createElement("span") for _ in range(3))
            label.className, track.className, bar.className = "prob-digit", "prob-track", "prob-bar"
            label.textContent = str(d)
            track.appendChild(bar)
            row.appendChild(label)
            row.appendChild(track)
            probs.appendChild(row)
            self.bars.append((row, bar))
        self.names = classes.DIGITS
        self.probs = probs

    def name_classes(self, names):
        """Class names instead of digits: on the bars, and as the prediction."""
        self.names = names
        spelled = not classes.are_digits(names)
        self.digit.classList.toggle("spelled", spelled)
        self.probs.classList.toggle("spelled", spelled)
        for (row, _), name in zip(self.bars, names):
            row.firstChild.textContent = name

    def show(self, probabilities):
        if probabilities is None:
            self.digit.dataset.digit = ""
            self.digit.textContent = "–"
            self.digit.setAttribute("aria-label", "no prediction: draw a digit")
        else:
            best = inference.argmax(probabilities)
            self.digit.dataset.digit = str(best)
            self.digit.textContent = self.names[best]
            self.digit.setAttribute("aria-label", "prediction %s, %d percent"
                                    % (self.names[best], round(100 * probabilities[best])))
        for d in range(10):
            p = probabilities[d] if probabilities else 0.0
            row, bar = self.bars[d]
            row.dataset.p = "%.4f" % p
            row.classList.toggle("top", probabilities is not None and d == best)
            bar.style.width = "%.1f%%" % (100 * p)


class Predictor:
    """Keeps the newest weights; predicts a drawing (None when it is empty)."""

    def __init__(self, view):
        self.view = view
        self.model = None
        self.pixels = None
        self.probabilities = None      # of the last prediction
        self.digit_input = None        # the last drawing as the model saw it (None: empty)
        self.repredict_proxy = create_proxy(self.repredict)

    def use_weights(self, weights):
        self.model = inference.InferenceModel(weights)
        if self.pixels is not None:     # the drawing shown gets the new opinion
            js.setTimeout(self.repredict_proxy, 0)

    def repredict(self):
        self.predict(self.pixels)

    def predict(self, pixels, event_time=None, frame_start=None):
        self.pixels = pixels
        if self.model is None:
            return None
        digit_input = self.digit_input = preprocess.preprocess(pixels)
        probabilities = None if digit_input is None else self.model.probabilities(digit_input)
        self.view.show(probabilities)
        self.probabilities = probabilities
        if event_time is not None:   # for `make bench`: pointer event, and frame start, to bars
            now = js.performance.now()
            self.view.digit.dataset.computeMs = "%.2f" % (now - frame_start)
            self.view.digit.dataset.latencyMs = "%.2f" % (now - event_time)
        return probabilities

