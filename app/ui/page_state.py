"""The page as a whole: html[data-state] (loading, then ready or error;
embedded, idle until the visitor's first intent: ui/intent.py), the
boot progress under the title, the error panel that says why the page
cannot go on, and, embedded (?embed), the More button that unfolds all
that is folded away (everything but drawing and Start)."""
from pyscript import window
from pyscript.ffi import create_proxy


class PageState:
    def __init__(self, document):
        self.html = document.documentElement
        self.progress = document.querySelector("#boot-progress")
        self.progress_text = document.querySelector("#boot-message")
        self.panel = document.querySelector("#error-panel")
        self.more = document.querySelector("#more")
        self.unfolded = False
        self.embedded = self.html.hasAttribute("data-embed")    # static/js/embed-mode.js
        self.proxies = [create_proxy(lambda _event: window.location.reload()),
                        create_proxy(self.toggle_more)]
        document.querySelector("#reload").addEventListener("click", self.proxies[0])
        self.more.addEventListener("click", self.proxies[1])

    async def boot(self, steps):
        """Run the boot coroutine; anything unexpected is shown, never a blank page."""
        try:
            await steps
        except Exception as error:
            self.fail("The app failed to start: %s" % error)
            raise

    def step(self, step, text):
        self.progress.value = step
        self.progress_text.textContent = text

    def idle(self):
        """Embedded: drawing and predicting work; the trainer waits for intent."""
        self.html.dataset.state = "idle"

    def loading(self, step, text):
        self.step(step, text)
        self.html.dataset.state = "loading"

    def ready(self, text):
        """The last step: the page is up."""
        self.step(self.progress.max, text)
        self.html.dataset.state = "ready"

    def fail(self, text):
        self.html.dataset.state = "error"
        self.panel.querySelector("p").textContent = text
        self.panel.hidden = False

    def toggle_more(self, _event):
        self.unfolded = not self.unfolded
        self.html.dataset.embed = "open" if self.unfolded else ""
        self.more.setAttribute("aria-expanded", "true" if self.unfolded else "false")
        self.more.textContent = "Less" if self.unfolded else "More"
