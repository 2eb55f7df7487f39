"""`make bench`: how fast the page starts (cold, warm and on a throttled
network, against Pyodide + numpy alone in a bare worker: tools/bench/startup.py);
training speed in the browser worker against native CPython,
measured in the same run; time to 95% held-out accuracy in the browser;
while the worker trains at full speed (and autosaves), the drawing latency
(pointer event to updated probability bars) and the longest main-thread
tasks, on this machine and on a slow device (the page and its workers
SLOW_RATE times slower: tools/bench/slow_device.py), where the training
speed is also read with the page's status traffic off, and the same while
lessons run there; how fast a killed
worker is noticed and replaced; and how fast learning rate 10 is stopped;
the convnet's speed, time to 98% and drawing latency, and what distorted
batches cost and give (tools/bench/convnet_bench.py); teaching it odd
shapes of handwriting, and photos of other writers' digits
(tools/bench/teach_bench.py); the shipped weights' held-out accuracy; and
both models' speed against the peer systems (TensorFlow.js, ConvNetJS)
trained in the same browser between two readings of the page's own, per
sample and per multiply-add (tools/bench/anchor_bench.py).

Prints one JSON line and writes docs/benchmarks.md (tools/bench/report.py):
the machine, its load at the start and the end, and every figure in tables.
Ratios, not absolute figures, are what to compare across runs: the machine
is shared and noisy.
"""
import json
import sys
import time

import numpy as np

from tests.harness.browser import DIGITS, Page, draw, make_driver, page_errors, serve
from tools.bench.memory import memory_figures
from tools.bench.slow_device import SlowDevice
from tools.bench.startup import startup_figures
from tools.bench import anchor_bench, convnet_bench, page_speed, report
from tools.bench.teach_bench import photographed, teaching
from tools.bench import calibration, handwriting, robustness
from tools.build import train_weights
from tools.build.train_weights import load_split
from worker.classifier import BATCH_SIZE as BATCH, LEARNING_RATE as LRATE
from worker.mlp import MLP

TARGET_ACC = 0.95
SLOW_RATE = 4           # a slow device: Lighthouse's mobile CPU throttling


def native_samples_per_s(seconds=page_speed.MEASURE_S / 2):
    """The worker's model code on CPython, same batch size and data."""
    X, y = load_split("train")
    model, rng = MLP(seed=1), np.random.default_rng(1)
    samples, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        idx = rng.integers(0, len(y), BATCH)
        model.train_step(X[idx], y[idx], LRATE)
        samples += BATCH
    return samples / (time.perf_counter() - start)


def seconds_to_target(page, target=TARGET_ACC, timeout_s=60):
    """From Start with random weights until held-out accuracy reaches the target."""
    page.click("#randomize")
    page.wait_for(lambda: page.number("test_acc") < 0.5)
    seen_before = page.number("samples_seen")
    page.click("#start")
    start = time.monotonic()
    reached = page.wait_for(lambda: page.number("test_acc") >= target, timeout_s, poll=0.02)
    elapsed = time.monotonic() - start
    samples = int(page.number("samples_seen") - seen_before)
    page.click("#stop")
    return (round(elapsed, 2) if reached else None), samples


WATCH_MAIN_THREAD = """
if (window.__unwatch) window.__unwatch();       // one set of watchers: a second would count twice
window.__latencies = []; window.__longtasks = [];
window.__computes = []; window.__input_delays = []; window.__saves = [performance.now()];
const tasks = new PerformanceObserver(list => list.getEntries().forEach(
    e => window.__longtasks.push(e.duration)));
tasks.observe({type: 'longtask'});
const saves = new MutationObserver(() => window.__saves.push(performance.now()));
saves.observe(document.querySelector('#autosave-state'), {attributeFilter: ['data-saved']});
const grid = document.querySelector('#grid');
const delay = e => window.__input_delays.push(performance.now() - e.timeStamp);
grid.addEventListener('pointermove', delay, true);
const bars = new MutationObserver(() => {
    const d = document.querySelector('#prediction').dataset;
    window.__latencies.push(+d.latencyMs); window.__computes.push(+d.computeMs);
});
bars.observe(document.querySelector('#prediction'), {attributeFilter: ['data-latency-ms']});
window.__unwatch = () => {
    tasks.disconnect(); saves.disconnect(); bars.disconnect();
    grid.removeEventListener('pointermove', delay, true);
};
"""


def watched(page, start):
    """What WATCH_MAIN_THREAD saw since `start` (time.monotonic()), once the
    last update has landed, and the seconds it watched. Saves: the page's
    times of the watch's start, of each autosave, and of now."""
    time.sleep(0.5)
    seen = page.driver.execute_script(
        "return [window.__latencies, window.__computes, window.__input_delays, window.__longtasks,"
        " window.__saves.concat([performance.now()])]")
    if len(seen[4]) == 2:           # none: say why, for whoever reads the bench's output
        print("no autosave while watched: %r; storage warning: %r" % (
            page.text("#autosave-state"), page.text("#storage-warning")), flush=True)
    return seen + [time.monotonic() - start]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else None


def drawing_while_training(page, rounds=3):
    """Draw digits as pointer strokes while the worker trains. Per update:
    latency from the page getting the first pointer event it covers to updated
    bars, and compute
    time from the update's start to updated bars; per pointer event, the
    browser's input delay (event time to handler); and main-thread long tasks
    (over 50 ms) meanwhile; and how long the drawing took."""
    page.click("#pretrained")
    page.wait_for(lambda: page.text("#message").startswith("Loaded"))
    seen = page.number("samples_seen")
    page.click("#start")
    page.wait_for(lambda: page.number("samples_seen") > seen + 5000)
    page.driver.execute_script(WATCH_MAIN_THREAD)
    start = time.monotonic()
    for _ in range(rounds):
        for digit in sorted(DIGITS):
            page.click("#clear")
            draw(page, DIGITS[digit], step=0.25)   # chromedriver paces moves ~16.7 ms apart
    seen = watched(page, start)
    page.click("#stop")
    return seen


BLANK_CANVAS = ("data:text/html,<canvas id='grid' width='28' height='28' "
                "style='width:336px;height:336px'></canvas>")


def drawing_figures(seen, prefix=""):
    """The figures of one drawing_while_training() run, named with the prefix."""
    latencies, computes, input_delays, longtasks, saves, seconds = seen
    figures = {
        "draw_latency_ms_p50": percentile(latencies, 0.5),
        "draw_latency_ms_p95": percentile(latencies, 0.95),
        "draw_compute_ms_p50": percentile(computes, 0.5),
        "draw_compute_ms_p95": percentile(computes, 0.95),
        "draw_input_delay_ms_p95": round(percentile(input_delays, 0.95), 1),
        "draw_updates_measured": len(latencies),
        "main_thread_longtasks_while_training": len(longtasks),
        "main_thread_longtasks_per_10s": round(10 * len(longtasks) / seconds, 1),
        "main_thread_tasks_over_100ms": sum(task > 100 for task in longtasks),
        "main_thread_longest_task_ms": max(longtasks, default=0),
        "autosaves_while_drawing": len(saves) - 2,
        "longest_without_autosave_s": round(max(b - a for a, b in zip(saves, saves[1:])) / 1000, 1),
    }
    return {prefix + key: value for key, value in figures.items()}


def drawing_during_lessons(page):
    """Each digit drawn, taught (which starts a lesson on all the visitor's
    digits, Start not pressed) and drawn again at once, while the lesson
    runs: drawing_while_training()'s figures over all of it, and how many of
    the second drawings began with the lesson still running."""
    page.driver.execute_script(WATCH_MAIN_THREAD)
    start = time.monotonic()
    during = 0
    for digit in sorted(DIGITS):
        page.click("#clear")
        draw(page, DIGITS[digit], step=0.25)
        page.click('#teach button[data-digit="%s"]' % digit)
        page.wait_for(lambda: page.status("lesson") == "True", poll=0.02)
        page.click("#clear")
        during += page.status("lesson") == "True"
        draw(page, DIGITS[digit], step=0.25)
    seen = watched(page, start)
    page.wait_for(lambda: page.status("lesson") == "False", timeout=60)
    return seen, during


# The page's handler gets one of the worker's messages a second (so the page
# still sees a live worker), not twenty: training with the status traffic off.
MUTE_STATUSES = """
const worker = document.querySelector('script[type=py][worker][name^=model]').xworker;
const handler = worker.onmessage;
let passed = 0;
worker.onmessage = event => {
  if (performance.now() - passed >= 1000) { passed = performance.now(); handler(event); }
};
window.__unmute = () => { worker.onmessage = handler; };
"""


def speeds_with_and_without_statuses(page):
    """The worker's samples/s with the page taking its statuses, then with
    the page's status traffic off (MUTE_STATUSES)."""
    with_statuses = page_speed.samples_per_s(page)
    page.driver.execute_script(MUTE_STATUSES)
    try:
        without = page_speed.samples_per_s(page)
    finally:
        page.driver.execute_script("window.__unmute()")
    return with_statuses, without


def drawing_on_a_slow_device(page, prefix):
    """drawing_figures() with the page and its workers SLOW_RATE times slower,
    and the training speed there, with and without the page's status traffic:
    about 1/SLOW_RATE of the unthrottled one if the condition held."""
    with SlowDevice(page.driver, SLOW_RATE) as slow:
        figures = drawing_figures(drawing_while_training(page), prefix)
        speed, muted = speeds_with_and_without_statuses(page)
    figures[prefix + "samples_per_s"] = round(speed)
    figures[prefix + "samples_per_s_statuses_off"] = round(muted)
    figures[prefix + "speed_vs_statuses_off"] = round(speed / muted, 2)
    figures[prefix + "workers_slowed"] = slow.workers_slowed
    return figures


def lessons_on_a_slow_device(page, prefix="slow_lesson_"):
    """drawing_during_lessons() with the page and its workers SLOW_RATE times slower."""
    with SlowDevice(page.driver, SLOW_RATE):
        seen, during = drawing_during_lessons(page)
    figures = drawing_figures(seen, prefix)
    figures[prefix + "drawings_during_a_lesson"] = during
    return figures


def baseline_input_delay(page):
    """The browser's own delay from a pointer event's time stamp to its handler,
    on a blank page: the part of drawing latency that no page can remove."""
    page.driver.get(BLANK_CANVAS)
    page.driver.execute_script(
        "window.__input_delays = []; document.querySelector('#grid').addEventListener("
        "'pointermove', e => window.__input_delays.push(performance.now() - e.timeStamp), true);")
    for digit in sorted(DIGITS):
        draw(page, DIGITS[digit], step=0.25)
    return page.driver.execute_script("return window.__input_delays")


def worker_recovery(page):
    """Kill the worker while it trains (as a crashed process leaves it): seconds
    until the page notices, and until a new worker has the model back."""
    page.click("#start")
    page.wait_for(lambda: page.status("training") == "True")
    start = time.monotonic()
    page.driver.execute_script("document.querySelector('script[type=py][worker]').xworker.terminate()")
    page.wait_for(lambda: page.worker() == "lost", timeout=30, poll=0.02)
    noticed = time.monotonic() - start
    page.wait_for(lambda: page.worker() == "ready", timeout=120, poll=0.05)
    return round(noticed, 2), round(time.monotonic() - start, 2)


def divergence(page):
    """Learning rate 10 on the shipped weights: seconds until training stops
    by itself, and the held-out accuracy of the weights put back."""
    page.click("#pretrained")
    page.wait_for(lambda: page.text("#message").startswith("Loaded"))
    page.set_input("#learning-rate", 10)
    page.wait_for(lambda: page.number("lrate") == 10)
    start = time.monotonic()
    page.click("#start")
    stopped = page.wait_for(lambda: "diverging" in page.text("#message"), timeout=60, poll=0.02)
    elapsed = time.monotonic() - start
    page.set_input("#learning-rate", LRATE)
    return (round(elapsed, 2) if stopped else None), page.number("test_acc")


def main():
    # The photos come last, half an hour in: without their fonts, say so first.
    if not handwriting.installed():
        sys.exit("no handwriting fonts for the photos: sh tools/bench/ensure_fonts.sh (make bench runs it)")
    machine_start = report.machine()
    start = startup_figures()
    url, httpd = serve()
    driver = make_driver()
    machine_start["browser"] = "Chromium %s, headless" % driver.capabilities.get("browserVersion")
    try:
        page = Page(driver, url + "/").open()
        native_before = native_samples_per_s()
        browser = page_speed.samples_per_s(page)
        native_after = native_samples_per_s()
        to_target, samples = seconds_to_target(page)
        mlp_drawing = drawing_figures(drawing_while_training(page))
        slow_mlp = drawing_on_a_slow_device(page, "slow_")
        noticed_s, recovered_s = worker_recovery(page)
        diverged_s, acc_after_divergence = divergence(page)
        page_speed.choose(page, "cnn")
        cnn = convnet_bench.speeds(page)
        cnn["cnn_seconds_to_98pct_heldout"], cnn["cnn_samples_to_98pct_heldout"] = \
            seconds_to_target(page, convnet_bench.TARGET_ACC, timeout_s=180)
        page.click("#stop")
        cnn_drawing = drawing_figures(drawing_while_training(page), "cnn_")
        slow_cnn = drawing_on_a_slow_device(page, "slow_cnn_")
        blank_input_delays = baseline_input_delay(page)
        errors = page_errors(driver)
        anchors = anchor_bench.sandwich(driver, url)     # page, anchors, page
    finally:
        driver.quit()
    driver = make_driver()          # a fresh visitor, with the shipped weights
    try:
        page = Page(driver, url + "/").open()
        teach = teaching(page)
        slow_lessons = lessons_on_a_slow_device(page)
        errors += page_errors(driver)
    finally:
        driver.quit()
    driver = make_driver()          # a fresh browser, for its memory alone
    try:
        memory = memory_figures(driver, url)
        errors += page_errors(driver)
    finally:
        driver.quit()
        httpd.shutdown()
    shipped = train_weights.shipped_models()
    X_test, y_test = load_split("test")
    native = (native_before + native_after) / 2
    figures = {
        "batch_size": BATCH,
        "browser_samples_per_s": round(browser),
        "native_samples_per_s": round(native),
        "browser_to_native_ratio": round(browser / native, 3),
        "seconds_to_95pct_heldout": to_target,
        "samples_to_95pct_heldout": samples,
        **start,
        **mlp_drawing,
        **slow_mlp,
        "slow_rate": SLOW_RATE,
        "slow_speed_ratio": round(slow_mlp["slow_samples_per_s"] / browser, 3),
        "blank_page_input_delay_ms_p95": round(percentile(blank_input_delays, 0.95), 1),
        "worker_loss_noticed_s": noticed_s,
        "worker_replaced_s": recovered_s,
        "lr10_stopped_after_s": diverged_s,
        "heldout_acc_after_lr10": acc_after_divergence,
        **cnn,
        **cnn_drawing,
        **slow_cnn,
        "slow_cnn_speed_ratio": round(slow_cnn["slow_cnn_samples_per_s"] / cnn["cnn_samples_per_s"], 3),
        **convnet_bench.mlp_with_distortion(),
        **{"shipped_heldout_" + name: round(model.accuracy(X_test, y_test), 4)
           for name, model in shipped.items()},
        **teach,
        **slow_lessons,
        **memory,
        **photographed(shipped),
        **robustness.figures(shipped, X_test, y_test),
        **calibration.figures(shipped, *train_weights.held_out_digits()),
        **anchors,
        "page_errors": len(errors),
    }
    for error in errors:            # what they were, for whoever reads the run
        print("page error: %s" % error, file=sys.stderr)
    print(json.dumps(figures))
    report.write(figures, machine_start, report.machine())
    print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
