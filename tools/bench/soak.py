"""`make soak` (MINUTES=10): the page trains for that long in headless
Chromium while this samples, every SAMPLE_S seconds, the memory of the page
(its JS heap, and MicroPython's heap from #page-memory) and of the model
worker (its JS heap from the browser, and Pyodide's wasm memory from its
status), how many statuses arrived, and a click's round trip (a task queued
on the main thread to the frame after its handler ran). It fails, saying
why, if memory keeps growing, the statuses or the training stop, a click
stalls, a main-thread task takes over LONGEST_TASK_MS, or the page logs an
error; it prints its figures as one JSON line. THROTTLE=4 runs it on a slow
device (tools/bench/slow_device.py: the page and its workers 4x slower).
"""
import argparse
import contextlib
import json
import statistics
import sys
import time

from tests.harness.browser import Page, make_driver, page_errors, serve
from tools.bench.cdp import Cdp
from tools.bench.slow_device import SlowDevice

SAMPLE_S = 5.0
WARM_UP = 0.2          # of the samples: heaps settle first (caches fill, code compiles)
GROWTH_MB = 16         # growth between the halves after warm-up that counts as
GROWTH_SHARE = 0.10    # "keeps growing": more than both of these
STALL_MS = 1000        # a click answered later than this is a stall
LONGEST_TASK_MS = 200  # a main-thread task longer than this fails the soak
MEMORY = ("page_js_heap", "page_python_heap", "worker_js_heap", "worker_wasm_memory")

# Counts the model worker's messages (statuses and checkpoints) as the page
# gets them, beside the page's own handler; and the main thread's long tasks.
WATCH = """
const worker = document.querySelector('script[name^="model"]').xworker;
if (worker !== window.__soakWorker) {
  window.__soakWorker = worker;
  worker.addEventListener('message', () => { window.__soakMessages += 1; });
}
window.__soakMessages = window.__soakMessages || 0;
if (!window.__soakTasks) {
  window.__soakTasks = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) window.__soakTasks.push(e.duration);
  }).observe({type: 'longtask'});
}
"""
CLICK = """
const done = arguments[arguments.length - 1];
const button = document.querySelector('#eraser');
const queued = performance.now();
setTimeout(() => {
  button.click();
  const answered = button.getAttribute('aria-pressed');
  requestAnimationFrame(() => done([performance.now() - queued, answered]));
}, 0);
"""


def click_round_trip(driver):
    """Milliseconds from queueing a click on the eraser toggle to the frame
    after the page's handler flipped it (clicked twice: left as it was)."""
    times = []
    for _ in range(2):
        before = driver.execute_script("return document.querySelector('#eraser').getAttribute('aria-pressed')")
        ms, after = driver.execute_async_script(CLICK)
        if after == before:
            raise AssertionError("the eraser toggle did not answer a click")
        times.append(ms)
    return max(times)


def sample(page, cdp, started):
    driver = page.driver
    driver.execute_script(WATCH)
    memory = page.find("#page-memory")
    return {
        "t": round(time.monotonic() - started, 1),
        "page_js_heap": cdp.heap_used(cdp.page),
        "page_python_heap": int(memory.get_attribute("data-heap")),
        "worker_js_heap": sum(cdp.worker_heaps().values()),
        "worker_wasm_memory": int(page.status("wasm_memory")),
        "messages": driver.execute_script("return window.__soakMessages"),
        "samples_seen": int(page.status("samples_seen")),
        "training": page.status("training") == "True",
        "click_ms": round(click_round_trip(driver), 1),
        "long_tasks": driver.execute_script("return window.__soakTasks.slice()"),
    }


def growth(values):
    """(bytes grown, whether that is "keeps growing"): the median of the second
    half after warm-up against the first half's."""
    settled = values[int(len(values) * WARM_UP):]
    half = len(settled) // 2
    if half < 2:
        return 0, False
    before, after = statistics.median(settled[:half]), statistics.median(settled[half:])
    grown = after - before
    return grown, grown > GROWTH_MB * 2 ** 20 and grown > GROWTH_SHARE * before


def verdict(samples):
    """What went wrong, in words (empty: the soak passed)."""
    failures = []
    for name in MEMORY:
        grown, growing = growth([s[name] for s in samples])
        if growing:
            failures.append("%s keeps growing: +%.1f MB" % (name, grown / 2 ** 20))
    for a, b in zip(samples, samples[1:]):
        if b["messages"] <= a["messages"]:
            failures.append("no statuses from %.0f s to %.0f s" % (a["t"], b["t"]))
        if not b["training"] or b["samples_seen"] <= a["samples_seen"]:
            failures.append("training stopped from %.0f s to %.0f s" % (a["t"], b["t"]))
    for s in samples:
        if s["click_ms"] > STALL_MS:
            failures.append("a click took %.0f ms at %.0f s" % (s["click_ms"], s["t"]))
    longest = max(samples[-1]["long_tasks"], default=0)
    if longest > LONGEST_TASK_MS:
        failures.append("a main-thread task took %.0f ms" % longest)
    return failures


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


def figures(samples):
    mb = lambda v: round(v / 2 ** 20, 1)     # noqa: E731
    out = {"minutes": round(samples[-1]["t"] / 60, 1), "samples": len(samples)}
    for name in MEMORY:
        values = [s[name] for s in samples]
        out[name + "_mb"] = {"first": mb(values[0]), "last": mb(values[-1]), "max": mb(max(values)),
                             "growth_after_warm_up": mb(growth(values)[0])}
    rates = [(b["messages"] - a["messages"]) / (b["t"] - a["t"]) for a, b in zip(samples, samples[1:])]
    speeds = [(b["samples_seen"] - a["samples_seen"]) / (b["t"] - a["t"])
              for a, b in zip(samples, samples[1:])]
    clicks = [s["click_ms"] for s in samples]
    tasks = samples[-1]["long_tasks"]
    out.update({
        "statuses_per_s_min": round(min(rates)), "statuses_per_s_median": round(statistics.median(rates)),
        "samples_per_s_median": round(statistics.median(speeds)),
        "click_ms_p50": percentile(clicks, 0.5), "click_ms_p95": percentile(clicks, 0.95),
        "click_ms_max": max(clicks),
        "main_thread_long_tasks": len(tasks), "main_thread_longest_task_ms": round(max(tasks, default=0)),
    })
    return out


def soak(minutes, throttle=1):
    """The samples of a soak of `minutes`, the page errors, and whether the
    workers were slowed too (with throttle > 1: a slow device)."""
    url, httpd = serve()
    driver = make_driver()
    cdp = None
    try:
        page = Page(driver, url + "/").open()
        cdp = Cdp(driver)
        cdp.attach_page()
        slow = SlowDevice(driver, throttle) if throttle > 1 else contextlib.nullcontext()
        with slow:
            page.click("#start")
            page.wait_for(lambda: page.status("training") == "True")
            started = time.monotonic()
            samples = []
            while True:
                samples.append(sample(page, cdp, started))
                if samples[-1]["t"] >= minutes * 60:
                    break
                time.sleep(max(0.0, SAMPLE_S - (time.monotonic() - started - samples[-1]["t"])))
        errors = page_errors(driver)
    finally:
        if cdp:
            cdp.close()
        driver.quit()
        httpd.shutdown()
    return samples, errors, getattr(slow, "workers_slowed", False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--throttle", type=float, default=1,
                        help="a slow device: the page and its workers this many times slower")
    args = parser.parse_args(argv)
    samples, errors, workers_slowed = soak(args.minutes, args.throttle)
    failures = verdict(samples) + ["page error: %s" % e for e in errors]
    print(json.dumps(dict(figures(samples), throttle=args.throttle, workers_slowed=workers_slowed,
                          page_errors=len(errors), passed=not failures)))
    for failure in failures:
        print("soak failed:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
