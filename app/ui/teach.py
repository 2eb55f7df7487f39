"""Teaching it your handwriting: "It's a N" under the prediction (or a digit
key while the grid has focus) adds the drawing, as the digit the model sees,
to "my digits"; the worker then takes a lesson on them at once, without
Start. The gallery shows each taught digit (removable), the counts per
class, export and import as an .npz (shared/digits_file.py), and "Forget
my digits". The set is kept with the autosave (ui/autosaving.py) and
handed to every new worker."""
import asyncio

from pyscript.ffi import create_proxy

from shared import base64_codec, bmp, digits_file, protocol
from shared.classes import DIGITS
from shared.digit import CLASSES
from ui import files

EXPORT_NAME = "my-digits.npz"


def digit_figure(document, label, name, pixels, alt):
    """A taught (or shared) digit as a gallery shows it: the picture, its name under it."""
    figure = document.createElement("figure")
    figure.className = "my-digit"
    figure.dataset.digit = str(label)
    image = document.createElement("img")
    image.src = "data:image/bmp;base64," + base64_codec.encode(bmp.digit_bmp(pixels))
    image.alt = alt
    caption = document.createElement("figcaption")
    caption.textContent = name
    figure.appendChild(image)
    figure.appendChild(caption)
    return figure


def article(name):
    return "an" if name[:1].lower() in "aeiou8" else "a"


class TeachPanel:
    def __init__(self, document, digits, current_digit, send, messages, saved):
        """digits: a MyDigits; current_digit() -> the drawing as the model sees it
        (shared/digit.py's pixels) or None; send(kind, value) -> bool, a
        signal; saved(): the set changed, keep it."""
        self.document = document
        self.digits = digits
        self.current_digit = current_digit
        self.send = send
        self.messages = messages
        self.saved = saved
        self.names = DIGITS
        self.ready = False            # the worker is up: teaching can start lessons
        self.learning = False
        self.buttons = []
        self.row = row = document.querySelector("#teach .teach-buttons")
        for label in range(CLASSES):
            button = document.createElement("button")
            button.type = "button"
            button.dataset.digit = str(label)
            button.disabled = True
            row.appendChild(button)
            self.buttons.append(button)
        self.gallery = document.querySelector("#my-digits")
        self.counts = document.querySelector("#my-digits-counts")
        self.summary = document.querySelector("#my-digits-summary")
        self.forget_button = document.querySelector("#forget-my-digits")
        self.import_field = document.querySelector("#import-my-digits")
        self.export_button = document.querySelector("#export-my-digits")
        self.proxies = [create_proxy(self.clicked), create_proxy(self.key),
                        create_proxy(self.removed)]
        row.addEventListener("click", self.proxies[0])
        document.querySelector("#grid").addEventListener("keydown", self.proxies[1])
        self.gallery.addEventListener("click", self.proxies[2])
        messages.on(self.forget_button, "click", self.forget)
        messages.on(self.export_button, "click", self.export)
        messages.on(self.import_field, "change", self.import_chosen)
        self.name_classes(DIGITS)

    def name_classes(self, names):
        self.names = names
        for button, name in zip(self.buttons, names):
            button.textContent = "It's %s %s" % (article(name), name)
        self.row.classList.toggle("spelled", tuple(names) != DIGITS)
        self.show()

    def restore(self, meta):
        """The visitor's digits as autosaved (shared/autosave.py's meta), back before the worker is."""
        self.digits.load(meta["my_digits"])
        self.show()
        if meta["my_digits_problem"]:
            self.messages.error("Your saved digits could not be read (%s); the model came back "
                                "without them." % meta["my_digits_problem"])

    def enable(self, enabled):
        self.ready = enabled
        for button in self.buttons:
            button.disabled = not enabled
        self.forget_button.disabled = not enabled or not len(self.digits)
        self.import_field.disabled = not enabled
        self.export_button.disabled = not enabled

    # -- teaching ------------------------------------------------------------------

    def clicked(self, event):
        label = event.target.dataset.digit
        if label:
            self.teach(int(label))

    def key(self, event):
        if len(event.key) == 1 and event.key in "0123456789" and not event.ctrlKey:
            event.preventDefault()
            self.teach(int(event.key))

    def teach(self, label):
        asyncio.create_task(self.lesson(label))

    async def lesson(self, label):
        if not self.ready:
            self.messages.error("The model is still loading: teach it once it is ready.")
            return
        digit = self.current_digit()
        if digit is None:
            self.messages.error("Draw a digit first, then say what it is.")
            return
        try:
            self.digits.add(label, digit)
        except ValueError as error:
            self.messages.error(str(error))
            return
        self.show()
        if await self.send(protocol.SET_MY_DIGITS, self.digits.signal_value(learn=True)):
            self.messages.say("Learning your %s…" % self.names[label])
        self.saved()

    # -- export and import ---------------------------------------------------------

    async def export(self, _event):
        if not len(self.digits):
            self.messages.error("There are no digits of yours to export yet.")
            return
        data = digits_file.encode(self.digits.labels, self.digits.pixels)
        files.save_url("data:application/octet-stream;base64," + base64_codec.encode(data),
                       EXPORT_NAME)
        self.messages.say("Exported %d digits as %s: numpy.load reads x and y."
                          % (len(self.digits), EXPORT_NAME))

    async def import_chosen(self, event):
        file = files.chosen_file(event)
        if file is None:
            return
        if file.size > digits_file.MAX_BYTES:
            self.messages.error("%s is %.1f MB; a file of digits is at most %d MB"
                                % (file.name, file.size / 1e6, digits_file.MAX_BYTES // 2 ** 20))
            return
        try:
            text = await files.read_base64(file)
            labels, pixels = digits_file.decode(base64_codec.decode(text))
        except (ValueError, OSError) as error:
            self.messages.error("%s: %s. Your digits are as they were."
                                % (file.name, protocol.reason(error)))
            return
        await self.add_digits(labels, pixels, file.name)

    async def add_digits(self, labels, pixels, source):
        """Add digits (from a file, or a link) to mine and learn them at once;
        False, and nothing added, if they would be too many."""
        if len(self.digits) + len(labels) > protocol.MAX_MY_DIGITS:
            self.messages.error("%d digits from %s and yours are over %d. Remove some first."
                                % (len(labels), source, protocol.MAX_MY_DIGITS))
            return False
        for label, pixel_bytes in zip(labels, pixels):
            self.digits.add(label, pixel_bytes)
        self.show()
        if await self.send(protocol.SET_MY_DIGITS, self.digits.signal_value(learn=True)):
            self.messages.say("Added %d digits from %s; learning them…" % (len(labels), source))
        self.saved()
        return True

    def seen(self, status, _views):
        """Each rendered status: say when a lesson is over, and how it went."""
        if status["lesson"]:
            self.learning = True
        elif self.learning:
            self.learning = False
            if status["my_acc"] is not None and not status["error"]:
                self.messages.say("Learned from your %d digit%s: it reads %d%% of them right, "
                                  "and %.1f%% of the held-out digits."
                                  % (status["my_digits"], "" if status["my_digits"] == 1 else "s",
                                     round(100 * status["my_acc"]), 100 * (status["test_acc"] or 0)))

    # -- the gallery ---------------------------------------------------------------

    def removed(self, event):
        index = event.target.dataset.index
        if index:
            self.digits.remove(int(index))
            self.changed("Removed that digit. What the model learned from it stays until it trains on.")

    async def forget(self, _event):
        self.digits.clear()
        self.changed("Forgot your digits. What the model learned from them stays until it trains on.")

    def changed(self, words):
        self.show()

        async def tell():
            if await self.send(protocol.SET_MY_DIGITS, self.digits.signal_value(learn=False)):
                self.messages.say(words)
            self.saved()
        asyncio.create_task(tell())

    def show(self):
        """The gallery, counts and summary, made again (a few hundred nodes at most)."""
        self.gallery.replaceChildren()
        for i, (label, pixels) in enumerate(zip(self.digits.labels, self.digits.pixels)):
            name = self.names[label]
            figure = digit_figure(self.document, label, name, pixels, "your %s" % name)
            remove = self.document.createElement("button")
            remove.type = "button"
            remove.className = "remove"
            remove.dataset.index = str(i)
            remove.textContent = "×"
            remove.setAttribute("aria-label", "Remove this %s" % name)
            figure.appendChild(remove)
            self.gallery.appendChild(figure)
        self.counts.replaceChildren()
        for label, count in enumerate(self.digits.counts()):
            chip = self.document.createElement("span")
            chip.dataset.digit = str(label)
            chip.dataset.count = str(count)
            chip.textContent = "%s × %d" % (self.names[label], count)
            self.counts.appendChild(chip)
        n = len(self.digits)
        self.summary.textContent = (
            "%d taught. Each training batch carries some of them, lightly shifted, turned "
            "and scaled, beside MNIST's digits." % n if n else
            "None taught yet. Draw a digit, then press “It's a …” (or a digit key on the grid).")
        self.forget_button.disabled = not self.ready or not n
