"""The visitor's first sign of wanting more than a look: a pointer down or a
key anywhere on the page, focus on a control, a file dragged in. Embedded
(?embed), the page loads its trainer only then: a blog's reader who scrolls
past pays for drawing and its predictions, not for Pyodide, numpy and the
training data (README: Embed it)."""
import js
from pyscript.ffi import create_proxy

EVENTS = ("pointerdown", "keydown", "focusin", "dragenter", "drop")


def first_intent(document):
    """A JS promise, resolved by the first of EVENTS on the page. The
    listeners are the promise's own resolve: later events cost no Python."""
    def listen(resolve, _reject):
        for name in EVENTS:
            document.addEventListener(name, resolve, True)
    executor = create_proxy(listen)
    return js.Promise.new(executor)
