"""`make bench`'s anchors: the systems people pick instead of this page,
trained in the same headless Chromium in the same run, so the page's speed
can be read as ratios that survive the shared machine's swings.

TensorFlow.js 4.22 (wasm and cpu backends) and ConvNetJS 0.3.0 train the
page's MLP and a convnet of each's own MNIST example on the page's data
blocks, on the main thread of tools/bench/anchors/anchors.html, for a fixed wall
time each; samples/s after a warm-up and held-out accuracy at the end (what
each trains with is written in tools/bench/anchors/anchors.js). They are installed
for the benchmark only, in tools/bench/anchors/node_modules: never in the page or
in dist/.

The anchors are measured between two readings of the page's own samples/s
(page, anchors, page), and every ratio is given against each reading. The
convnets are different networks, so each one's multiply-adds per sample
(tools/bench/work.py) go beside its samples/s, and the convnet's ratios are
also given per unit of work.

`python -m tools.bench.anchor_bench [MLP_SECONDS CNN_SECONDS]` prints one JSON line.
"""
import json
import sys

from tests.harness.browser import Page, make_driver, page_errors, serve
from tools.bench import page_speed, work
from worker.architectures import ARCHITECTURES

PAGE = "/tools/bench/anchors/anchors.html"
MLP_S = 8.0
CNN_S = 10.0
MLP_ANCHORS = ("tfjs_wasm_mlp", "tfjs_cpu_mlp", "convnetjs_mlp")
# TF.js's wasm backend cannot train convolutions; run anyway, so that the day it
# can shows up as a figure instead of its error.
CNN_ANCHORS = ("tfjs_wasm_cnn", "tfjs_cpu_cnn", "convnetjs_cnn")
ANCHORS = {"mlp": MLP_ANCHORS, "cnn": CNN_ANCHORS}     # by the page's model they are set against
READINGS = ("before", "after")                          # the page's, either side of the anchors
SLACK_S = 120      # page load, data decoding and held-out evaluation, on a busy machine

RUN = "const [name, seconds, done] = arguments; window.runAnchor(name, seconds).then(done);"


def run_anchor(driver, url, name, seconds):
    """One anchor in a fresh page load: ({samples_per_s, heldout_acc, layers,
    error}, the errors the page logged)."""
    driver.get(url + PAGE)
    driver.set_script_timeout(seconds + SLACK_S)
    result = driver.execute_async_script(RUN, name, seconds)
    return result, page_errors(driver)


def work_figures(prefix, layers):
    """Forward and training multiply-adds per sample of a network's layers (None unknown)."""
    return {prefix + "_multiply_adds": work.forward(layers) if layers else None,
            prefix + "_training_multiply_adds": work.training(layers) if layers else None}


def anchor_figures(driver, url, mlp_s=MLP_S, cnn_s=CNN_S):
    """Flat figures of every anchor: anchor_<name>_samples_per_s and _heldout_acc
    (None when it failed), anchor_<name>_error when it failed, its multiply-adds
    per sample, and anchor_page_errors (console errors of the anchor page)."""
    figures, errors = {}, []
    for names, seconds in ((MLP_ANCHORS, mlp_s), (CNN_ANCHORS, cnn_s)):
        for name in names:
            result, logged = run_anchor(driver, url, name, seconds)
            errors += logged
            speed, acc = result.get("samples_per_s"), result.get("heldout_acc")
            figures["anchor_%s_samples_per_s" % name] = round(speed) if speed is not None else None
            figures["anchor_%s_heldout_acc" % name] = round(acc, 4) if acc is not None else None
            figures.update(work_figures("anchor_" + name, result.get("layers")))
            if result.get("error"):
                figures["anchor_%s_error" % name] = result["error"]
    figures["anchor_page_errors"] = len(errors)
    return figures


def page_work():
    """Multiply-adds per sample of the page's own models, as the worker builds them."""
    figures = {}
    for kind in ANCHORS:
        figures.update(work_figures("page_" + kind, work.layers_of(ARCHITECTURES[kind]())))
    return figures


def page_reading(driver, url, reading):
    """The page's samples/s of each model, in a fresh load of the page."""
    page = Page(driver, url + "/").open()
    figures = {}
    for kind in ANCHORS:
        page_speed.choose(page, kind)
        figures["page_%s_samples_per_s_%s" % (kind, reading)] = round(page_speed.samples_per_s(page))
    return figures


def ratio(ours, theirs):
    return round(ours / theirs, 2) if ours and theirs else None


def work_rate(samples_per_s, multiply_adds):
    """Multiply-adds per second, or None where either is unknown."""
    return samples_per_s * multiply_adds if samples_per_s and multiply_adds else None


def ratios(figures):
    """From the page's readings and work (page_<kind>_...) and the anchors'
    figures: for each anchor and reading, the page's samples/s over the
    anchor's (anchor_<name>_ratio_<reading>), and the same per unit of
    training work (anchor_<name>_work_ratio_<reading>); over the fastest anchor
    of each kind (<kind>_vs_best_anchor_<reading>, <kind>_work_vs_best_anchor_<reading>,
    the smallest of those ratios), and <kind>_vs_best_anchor, the lower of the
    two readings'. None where a figure is missing or no anchor trained."""
    out = {}
    for kind, names in ANCHORS.items():
        our_work = figures.get("page_%s_training_multiply_adds" % kind)
        for reading in READINGS:
            ours = figures.get("page_%s_samples_per_s_%s" % (kind, reading))
            by_speed, by_work = [], []
            for name in names:
                theirs = figures.get("anchor_%s_samples_per_s" % name)
                their_work = figures.get("anchor_%s_training_multiply_adds" % name)
                speed = out["anchor_%s_ratio_%s" % (name, reading)] = ratio(ours, theirs)
                per_work = out["anchor_%s_work_ratio_%s" % (name, reading)] = ratio(
                    work_rate(ours, our_work), work_rate(theirs, their_work))
                by_speed += [speed] if speed else []
                by_work += [per_work] if per_work else []
            out["%s_vs_best_anchor_%s" % (kind, reading)] = min(by_speed, default=None)
            out["%s_work_vs_best_anchor_%s" % (kind, reading)] = min(by_work, default=None)
        both = [out["%s_vs_best_anchor_%s" % (kind, reading)] for reading in READINGS]
        out["%s_vs_best_anchor" % kind] = min(both) if None not in both else None
    return out


def sandwich(driver, url, mlp_s=MLP_S, cnn_s=CNN_S):
    """The page, the anchors, the page again, in one browser: every figure of
    the three, the page's work per sample and all the ratios."""
    figures = page_work()
    figures.update(page_reading(driver, url, READINGS[0]))
    figures.update(anchor_figures(driver, url, mlp_s, cnn_s))
    figures.update(page_reading(driver, url, READINGS[1]))
    figures.update(ratios(figures))
    return figures


def main(argv):
    mlp_s, cnn_s = (float(a) for a in argv) if argv else (MLP_S, CNN_S)
    url, httpd = serve()
    driver = make_driver()
    try:
        print(json.dumps(sandwich(driver, url, mlp_s, cnn_s)))
    finally:
        driver.quit()
        httpd.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
