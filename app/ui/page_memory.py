"""The page's own memory, shown once a second beside the worker's.

MicroPython in the browser collects garbage only between calls from
JavaScript and grows its heap when a call allocates more than fits; a grown
heap is never given back, so a page open for hours must keep its calls
from allocating much (`make soak` reads these figures). Its gc.mem_free()
counts, besides the free part of the heap, the MAX_NEW_SPLIT bytes the heap
may still grow by in one step (micropython.mem_info() prints both): that is
not memory the page holds, and is left out here.
"""
import gc

from pyscript import window
from pyscript.ffi import create_proxy

EVERY_MS = 1000
MAX_NEW_SPLIT = 128 * 1024 * 1024   # the pyscript variant's gc_get_max_new_split()


class PageMemory:
    def __init__(self, document):
        self.cell = document.querySelector("#page-memory")
        self.timer = create_proxy(self.show)
        window.setInterval(self.timer, EVERY_MS)

    def show(self):
        live, free = gc.mem_alloc(), gc.mem_free()
        if free >= MAX_NEW_SPLIT:
            free -= MAX_NEW_SPLIT
        heap = getattr(window.performance, "memory", None)     # Chromium's figure only
        js_heap = heap.usedJSHeapSize if heap else None
        self.cell.dataset.heap = str(live + free)
        self.cell.dataset.live = str(live)
        self.cell.dataset.jsHeap = "" if js_heap is None else str(js_heap)
        self.cell.textContent = "Python heap %.1f MB (%.1f MB in use)%s" % (
            (live + free) / 1e6, live / 1e6,
            "" if js_heap is None else ", JS heap %.1f MB" % (js_heap / 1e6))
