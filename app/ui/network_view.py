"""Inside the network: first-layer weights of 16 hidden units (a PNG the
worker draws) and the held-out confusion matrix; clicking a cell shows the
held-out digits behind it."""
from pyscript.ffi import create_proxy

from shared import classes, colours
from shared.autosave import thousands
from shared.digit import CLASSES, PIXELS, SIDE
from ui.grid import paint
from ui.status_feed import later

RIGHT, WRONG = (37, 99, 235), (220, 38, 38)     # the confusion matrix's tints
# The first-layer picture's text alternative, by architecture, with the samples it has seen.
UNITS_ALT = {"mlp": "The first-layer weights of 16 hidden units, each a 28 by 28 picture (dark "
                    "where a pixel excites the unit, blue where it inhibits it), after %s samples",
             "cnn": "The convnet's first-layer filters, each a 5 by 5 picture (dark where a pixel "
                    "excites the filter, blue where it inhibits it), after %s samples"}


class NetworkView:
    def __init__(self, document, samples):
        self.document = document
        self.samples = samples
        self.units = document.querySelector("#units")
        self.examples = document.querySelector("#confusion-examples")
        self.caption = document.querySelector("#confusion-caption")
        self.examples_by_cell = {}
        self.names = classes.DIGITS
        self.selected = None
        self.table = document.querySelector("#confusion")
        self.cells = self.build_table()      # [true][predicted] buttons, made once
        self.shown = None                    # the counts they show
        self.click_proxy = create_proxy(self.cell_clicked)
        self.table.addEventListener("click", self.click_proxy)

    def seen(self, status, views):
        """Each rendered status: the views that came with it, each in a task of its own."""
        if "units_png" in views:
            later(self.show_units, views["units_png"],
                  UNITS_ALT.get(status["architecture"], UNITS_ALT["mlp"]) % thousands(status["samples_seen"]))
        if "confusion" in views:
            later(self.show_confusion, views["confusion"], views["confusion_examples"])

    def element(self, tag, text=None, **attributes):
        node = self.document.createElement(tag)
        if text is not None:
            node.textContent = text
        for name, value in attributes.items():
            node.setAttribute(name.replace("_", "-"), value)
        return node

    def build_table(self):
        """DOM nodes, not HTML text: nothing is parsed, and a strict CSP allows it."""
        head = self.element("tr")
        corner = self.element("th", scope="col")
        corner.appendChild(self.element("span", "true \\ predicted", **{"class": "visually-hidden"}))
        head.appendChild(corner)
        self.headers = []                    # column, then row, header per class
        for p in range(CLASSES):
            self.headers.append(self.element("th", str(p), scope="col"))
            head.appendChild(self.headers[-1])
        thead, tbody = self.element("thead"), self.element("tbody")
        thead.appendChild(head)
        cells = []
        for t in range(CLASSES):
            row = self.element("tr")
            self.headers.append(self.element("th", str(t), scope="row"))
            row.appendChild(self.headers[-1])
            buttons = []
            for p in range(CLASSES):
                button = self.element("button", "0", type="button", data_true=str(t),
                                      data_pred=str(p))
                cell = self.element("td")
                cell.appendChild(button)
                row.appendChild(cell)
                buttons.append(button)
            tbody.appendChild(row)
            cells.append(buttons)
        self.table.appendChild(thead)
        self.table.appendChild(tbody)
        return cells

    def name_classes(self, names):
        self.names = names
        self.table.classList.toggle("spelled", not classes.are_digits(names))
        for i, header in enumerate(self.headers):
            header.textContent = names[i % CLASSES]
        for t, row in enumerate(self.cells):
            for p, button in enumerate(row):
                self.label_cell(button, t, p)

    def label_cell(self, button, t, p):
        button.setAttribute("aria-label", "true %s, predicted %s: %s"
                            % (self.names[t], self.names[p], button.textContent))

    @staticmethod
    def tint(t, p, n, total):
        """A cell's background (blue for right, red for wrong, by their share of
        the row) and the text colour that stays readable on it."""
        background = (colours.blend(RIGHT, n / total) if t == p
                      else colours.blend(WRONG, min(1, 6 * n / total)))
        return "rgb(%d,%d,%d)" % background, colours.text_on(background)

    def show_units(self, data_url, alt):
        self.units.src = data_url
        self.units.alt = alt

    def show_confusion(self, counts, examples):
        """Only the cells whose count changed are touched (CSSOM, not style attributes)."""
        self.examples_by_cell = examples
        for t in range(CLASSES):
            total = sum(counts[t]) or 1
            row_changed = self.shown is None or sum(self.shown[t]) != sum(counts[t])
            for p in range(CLASSES):
                n = counts[t][p]
                if row_changed or self.shown[t][p] != n:      # a row's total tints all its cells
                    button = self.cells[t][p]
                    button.textContent = str(n)
                    button.style.background, button.style.color = self.tint(t, p, n, total)
                    self.label_cell(button, t, p)
        self.shown = counts
        if self.selected:
            self.show_examples(*self.selected)

    def cell_clicked(self, event):
        button = event.target.closest("button")
        if button:
            self.show_examples(int(button.dataset.true), int(button.dataset.pred))

    def show_examples(self, true, pred):
        self.selected = (true, pred)
        indices = self.examples_by_cell.get("%d,%d" % (true, pred), []) if true != pred else []
        if indices and not len(self.samples):     # the held-out blocks failed to load
            self.examples.replaceChildren()
            self.caption.textContent = "The held-out samples could not be loaded."
            return
        names = self.names
        self.caption.textContent = (
            "Held-out %s read as %s:" % (names[true], names[pred]) if indices else
            "Correct predictions of %s." % names[true] if true == pred else
            "No held-out %s is read as %s." % (names[true], names[pred]))
        self.examples.replaceChildren()
        for index in indices:
            label, pixels = self.samples.get(index)
            canvas = self.document.createElement("canvas")
            canvas.width = canvas.height = SIDE
            canvas.className = "example"
            canvas.dataset.index = str(index)
            canvas.dataset.label = str(label)
            paint(canvas.getContext("2d"), pixels, [0] * PIXELS)  # on white
            self.examples.appendChild(canvas)
