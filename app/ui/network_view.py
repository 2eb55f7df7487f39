"""Inside the network: first-layer weights of 16 hidden units (a PNG the
worker draws) and the held-out confusion matrix; clicking a cell shows the
held-out digits behind it."""
from pyscript.ffi import create_proxy

from ui.grid import paint

SIZE = 28


class NetworkView:
    def __init__(self, document, samples):
        self.document = document
        self.samples = samples
        self.units = document.querySelector("#units")
        self.examples = document.querySelector("#confusion-examples")
        self.caption = document.querySelector("#confusion-caption")
        self.cells = {}
        self.examples_by_cell = {}
        self.selected = None
        table = document.querySelector("#confusion")
        header = "<tr><th scope='col'><span class='visually-hidden'>true \\ predicted</span></th>" + \
                 "".join("<th scope='col'>%d</th>" % p for p in range(10)) + "</tr>"
        body = "".join("<tr><th scope='row'>%d</th>%s</tr>" % (t, "".join(
            "<td><button type='button' data-true='%d' data-pred='%d'>0</button></td>" % (t, p)
            for p in range(10))) for t in range(10))
        table.innerHTML = "<thead>%s</thead><tbody>%s</tbody>" % (header, body)
        self.click_proxy = create_proxy(self.cell_clicked)
        for button in table.querySelectorAll("button"):
            self.cells[(int(button.dataset.true), int(button.dataset.pred))] = button
            button.addEventListener("click", self.click_proxy)

    def show_units(self, data_url):
        self.units.src = data_url

    def show_confusion(self, counts, examples):
        self.examples_by_cell = examples
        for t in range(10):
            total = sum(counts[t]) or 1
            for p in range(10):
                button = self.cells[(t, p)]
                n = counts[t][p]
                button.textContent = str(n)
                share = n / total
                button.style.background = ("rgba(37,99,235,%.2f)" if t == p else
                                           "rgba(220,38,38,%.2f)") % min(1, share * (1 if t == p else 6))
                button.setAttribute("aria-label", "true %d predicted %d: %d" % (t, p, n))
        if self.selected:
            self.show_examples(*self.selected)

    def cell_clicked(self, event):
        button = event.currentTarget
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
