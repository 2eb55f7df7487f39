"""Training: Start and Stop, the settings (shared/settings.py), and what
each status shows of it: the Status table, the charts of loss and accuracy,
the data cache's gauge, the progress line (embedded), the banner that says
why training has no data, and a reason training stopped."""
from pyscript import window
from pyscript.ffi import create_proxy

from shared import protocol, settings
from shared.autosave import thousands
from shared.series import Series
from ui.charts import LineChart
from ui.status_feed import later

CHART_EVERY_MS = 250
LOADING_TRAINER = "Loading the trainer…"
PERCENT = ("acc", "test_acc", "my_acc")
DATA_TROUBLE = {   # data_state: training has no data, and why; the worker keeps trying
    "unreachable": "Can't reach the training data, retrying… Drawing still works, "
                   "and training goes on by itself once the data is back.",
    "corrupt": "The training data arrives damaged, retrying… Drawing still works, "
               "and training goes on by itself once the data arrives whole.",
}


def format_value(name, value):
    if value is None:
        return "–"
    if name in PERCENT:
        return "%.1f%%" % (100 * value)
    if name == "loss":
        return "%.4f" % value
    if name == "samples_per_s":
        return "%d" % round(value)
    if name == "wasm_memory":
        return "%.1f MB" % (value / 1e6)
    if name == "busy_s":
        return "%.2f s" % value
    if name in ("training", "lesson", "augment"):
        return "yes" if value else "no"
    return str(value)


class StatusTable:
    """The Status panel: each [data-status] cell shows its field, and its raw value as data-value."""

    def __init__(self, document):
        self.cells = {}
        for name in protocol.STATUS_FIELDS:
            cell = document.querySelector('[data-status="%s"]' % name)
            if cell:
                self.cells[name] = cell
        self.shown = {}                # status field -> its raw value on the page

    def show(self, status):
        for name, cell in self.cells.items():
            value = status.get(name)
            raw = "" if value is None else str(value)
            if raw != self.shown.get(name):     # the same text written again still costs a layout
                self.shown[name] = raw
                cell.textContent = format_value(name, value)
                cell.dataset.value = raw


class SettingField:
    """One setting's input: it sends what the visitor commits, and shows what the worker uses."""

    def __init__(self, document, setting, link, messages):
        self.setting = setting
        self.link = link
        self.messages = messages
        self.input = field = document.querySelector(setting.selector)
        if setting.is_switch:
            field.checked = setting.default
        else:
            field.min, field.max = str(setting.low), str(setting.high)
            field.step = "1" if setting.integer else "any"
            field.value = str(setting.default)
        messages.on(field, "change", self.changed)

    async def changed(self, _event):
        field = self.input
        if self.setting.is_switch:
            await self.link.send(self.setting.signal, bool(field.checked))
            return
        try:
            value = float(field.value)
        except ValueError:   # number inputs report "" for anything not a number
            field.setAttribute("aria-invalid", "true")
            self.messages.error("%s: enter a number" % field.labels[0].textContent.strip())
            return
        ok = await self.link.send(self.setting.signal, value)
        field.setAttribute("aria-invalid", "false" if ok else "true")

    def show(self, status):
        value = status[self.setting.field]
        if self.setting.is_switch:
            self.input.checked = value
        # Never overwrite typing. Asked of the element itself: two proxies of
        # one element are never equal in MicroPython, so `!= activeElement` was always true.
        elif not self.input.matches(":focus"):
            self.input.value = str(value)


class CacheGauge:
    """One slot per block the data cache holds: cached, being fetched, or free."""

    def __init__(self, document):
        self.document = document
        self.gauge = document.querySelector("#cache-gauge")

    def show(self, status):
        gauge = self.gauge
        size, cached, fetching = status["cache_size"], status["data_len"], status["data_futures_len"]
        while gauge.children.length < size:
            gauge.appendChild(self.document.createElement("span"))
        while gauge.children.length > size:
            gauge.removeChild(gauge.lastChild)
        for i in range(size):
            kind = "cached" if i < cached else "fetching" if i < cached + fetching else "empty"
            slot = gauge.children[i]
            if slot.className != kind:
                slot.className = kind
        gauge.setAttribute("aria-label", "%d of %d blocks cached, %d being fetched"
                           % (cached, size, fetching))


class Training:
    def __init__(self, document, link, messages):
        self.link = link
        self.messages = messages
        self.start_button = document.querySelector("#start")
        self.stop_button = document.querySelector("#stop")
        self.start_wanted = False      # pressed before the trainer was up (embedded): it starts once up
        messages.on(self.start_button, "click", self.start)
        messages.on(self.stop_button, "click", lambda _event: link.send(protocol.STOP))
        self.fields = [SettingField(document, setting, link, messages) for setting in settings.ALL]
        # Enter in a setting commits it ("change"), never submits the form and reloads.
        self.submit_proxy = create_proxy(lambda event: event.preventDefault())
        document.querySelector("#settings").addEventListener("submit", self.submit_proxy)
        self.loss, self.accuracy, self.mine = Series(smoothing=0.7), Series(), Series()
        self.history = {"loss": self.loss, "accuracy": self.accuracy, "mine": self.mine}
        self.charts = (
            LineChart(document.querySelector("#loss-chart"), self.loss, "#dc2626", "training loss"),
            LineChart(document.querySelector("#accuracy-chart"), self.accuracy, "#2563eb",
                      "held-out accuracy", percent=True,
                      also=[(self.mine, "#c2410c", "your digits")]))
        self.charted_ms = 0
        self.table = StatusTable(document)
        self.gauge = CacheGauge(document)
        self.data_state = document.querySelector("#data-state")
        self.data_state_text = ""
        self.progress = document.querySelector("#progress")

    async def start(self, _event):
        if self.link.ready:
            await self.link.send(protocol.START)
        else:                          # embedded, the trainer not up yet: enable() starts it
            self.start_wanted = True
            self.start_button.disabled = True

    def before_trainer(self, loading):
        """Embedded, before the trainer is up: Start can be pressed (it loads
        the trainer, and training starts once it is up). While the trainer
        loads, the progress line under the buttons says so, and Start's
        description with it. Not Start's label: the first press anywhere
        loads the trainer, and a label growing then moved More from under
        the pointer pressing it, and its click was lost."""
        self.start_button.disabled = self.start_wanted
        self.start_button.setAttribute("aria-describedby", "progress")
        self.progress.textContent = LOADING_TRAINER if loading else ""

    def enable(self, enabled):
        for control in [self.start_button] + [field.input for field in self.fields]:
            control.disabled = not enabled
        self.stop_button.disabled = True
        if enabled and self.progress.textContent == LOADING_TRAINER:
            self.progress.textContent = ""
        if enabled and self.start_wanted:       # pressed once: not again before training shows
            self.start_wanted = False
            self.start_button.disabled = True
            self.messages.run(self.link.send(protocol.START))

    def seen(self, status, views):
        self.table.show(status)
        for field in self.fields:
            field.show(status)
        training = status["training"]
        if training and status["loss"] is not None:
            self.loss.add(status["samples_seen"], status["loss"])
        if "confusion" in views and training:       # a held-out evaluation ran
            self.accuracy.add(status["samples_seen"], status["test_acc"])
            if status["my_acc"] is not None:
                self.mine.add(status["samples_seen"], status["my_acc"])
        if self.link.ready:          # a lesson under way goes on as training once Start is pressed
            self.start_button.disabled = training and not status["lesson"]
            self.stop_button.disabled = not training
        if status["error"]:              # training stopped; Start tries again
            self.messages.error(status["error"])
        self.gauge.show(status)
        self.show_data_state(status["data_state"])
        if status["test_acc"] is not None:
            self.progress.textContent = "Held-out: %.1f%% right after %s samples" % (
                100 * status["test_acc"], thousands(status["samples_seen"]))
        now = window.performance.now()
        if now - self.charted_ms >= CHART_EVERY_MS or not training:
            self.charted_ms = now
            # In a task of its own: 4x throttled, the charts took 7.4 ms (median; up to
            # 35) and the rest of this 3.6 ms, and a render's task went over 50 ms.
            later(self.draw_charts)

    def show_data_state(self, state):
        text = DATA_TROUBLE.get(state, "")
        if self.data_state_text != text:   # the same text written again still costs a layout
            self.data_state_text = text
            self.data_state.textContent = text
            self.data_state.hidden = not text

    def draw_charts(self):
        for chart in self.charts:
            chart.draw()
