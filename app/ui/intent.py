"""The visitor's first sign of wanting more than a look: a pointer down on
the grid, a click, a key or focus anywhere on the page, a file dragged in.
Embedded (?embed), the page loads its trainer only then: a blog's reader who
scrolls past pays for drawing and its predictions, not for Pyodide, numpy
and the training data (README: Put it in a blog post). A pointer down
elsewhere is not intent: on a phone, a swipe that scrolls the blog starts
with one."""
import js
from pyscript.ffi import create_proxy

PAGE_EVENTS = ("click", "keydown", "focusin", "dragenter", "drop")


def first_intent(document):
    """A JS promise, resolved by the first sign of intent. The listeners are
    the promise's own resolve: later events cost no Python."""
    def listen(resolve, _reject):
        document.querySelector("#grid").addEventListener("pointerdown", resolve, True)
        for name in PAGE_EVENTS:
            document.addEventListener(name, resolve, True)
    executor = create_proxy(listen)
    return js.Promise.new(executor)
