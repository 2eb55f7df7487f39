"""Inside the network: first-layer weights of 16 hidden units (a PNG the
worker draws) and the held-out confusion matrix; clicking a cell shows the
held-out digits behind it."""
from pyscript.ffi import create_proxy

from shared.grid_state import SIZE
from ui.grid import paint


class NetworkView:
    def __init__(self, document, samples):
        self.document = document
        self.samples = samples
        self.units = document.querySelector("#units")
        self.examples = document.querySelector("#confusion-examples")
        self.caption = document.querySelector("#confusion-caption")
        self.examples_by_cell = {}
        self.selected = None
        self.table = document.querySelector("#confusion")
        self.table.innerHTML = "<thead><tr><th scope='col'><span class='visually-hidden'>" \
            "true \\ predicted</span></th>%s</tr></thead><tbody>%s</tbody>" % (
                "".join("<th scope='col'>%d</th>" % p for p in range(10)),
                self.body_html([[0] * 10 for _ in range(10)]))
        # One listener for all cells: the body is rewritten on every evaluation.
        self.click_proxy = create_proxy(self.cell_clicked)
        self.table.addEventListener("click", self.click_proxy)

    @staticmethod
    def body_html(counts):
        rows = []
        for t in range(10):
            total = sum(counts[t]) or 1
            cells = []
            for p in range(10):
                n = counts[t][p]
                tint = ("rgba(37,99,235,%.2f)" % (n / total) if t == p else
                        "rgba(220,38,38,%.2f)" % min(1, 6 * n / total))
                cells.append("<td><button type='button' data-true='%d' data-pred='%d' style='background:%s'"
                             " aria-label='true %d, predicted %d: %d'>%d</button></td>"
                             % (t, p, tint, t, p, n, n))
            rows.append("<tr><th scope='row'>%d</th>%s</tr>" % (t, "".join(cells)))
        return "".join(rows)

    def show_units(self, data_url):
        self.units.src = data_url

    def show_confusion(self, counts, examples):
        self.examples_by_cell = examples
        self.table.tBodies[0].innerHTML = self.body_html(counts)
        if self.selected:
            self.show_examples(*self.selected)

    def cell_clicked(self, event):
        button = event.target.closest("button")
        if button:
            self.show_examples(int(button.dataset.true), int(button.dataset.pred))

    def show_examples(self, true, pred):
        self.selected = (true, pred)
        indices = self.examples_by_cell.get("%d,%d" % (true, pred), []) if true != pred else []
        self.caption.textContent = (
            "Held-out %ss the model reads as %d:" % (true, pred) if indices else
            "Correct predictions of %d." % true if true == pred else
            "No held-out %d is read as %d." % (true, pred))
        self.examples.innerHTML = ""
        for index in indices:
            label, pixels = self.samples.get(index)
            canvas = self.document.createElement("canvas")
            canvas.width = canvas.height = SIZE
            canvas.className = "example"
            canvas.dataset.index = str(index)
            canvas.dataset.label = str(label)
            paint(canvas.getContext("2d"), pixels, [0] * (SIZE * SIZE))  # on white
            self.examples.appendChild(canvas)
