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

`python -m tools.bench.anchor_bench [MLP_SECONDS CNN_SECONDS]` prints one JSON line.
"""
import json
import sys

from tests.harness.browser import make_driver, page_errors, serve

PAGE = "/tools/bench/anchors/anchors.html"
MLP_S = 8.0
CNN_S = 10.0
MLP_ANCHORS = ("tfjs_wasm_mlp", "tfjs_cpu_mlp", "convnetjs_mlp")
# TF.js's wasm backend cannot train convolutions; run anyway, so that the day it
# can shows up as a figure instead of its error.
CNN_ANCHORS = ("tfjs_wasm_cnn", "tfjs_cpu_cnn", "convnetjs_cnn")
SLACK_S = 120      # page load, data decoding and held-out evaluation, on a busy machine

RUN = "const [name, seconds, done] = arguments; window.runAnchor(name, seconds).then(done);"


def run_anchor(driver, url, name, seconds):
    """One anchor in a fresh page load: ({samples_per_s, heldout_acc, error},
    the errors the page logged)."""
    driver.get(url + PAGE)
    driver.set_script_timeout(seconds + SLACK_S)
    result = driver.execute_async_script(RUN, name, seconds)
    return result, page_errors(driver)


def anchor_figures(driver, url, mlp_s=MLP_S, cnn_s=CNN_S):
    """Flat figures of every anchor: anchor_<name>_samples_per_s and _heldout_acc
    (None when it failed), anchor_<name>_error when it failed, and
    anchor_page_errors (console errors of the anchor page)."""
    figures, errors = {}, []
    for names, seconds in ((MLP_ANCHORS, mlp_s), (CNN_ANCHORS, cnn_s)):
        for name in names:
            result, logged = run_anchor(driver, url, name, seconds)
            errors += logged
            speed, acc = result.get("samples_per_s"), result.get("heldout_acc")
            figures["anchor_%s_samples_per_s" % name] = round(speed) if speed is not None else None
            figures["anchor_%s_heldout_acc" % name] = round(acc, 4) if acc is not None else None
            if result.get("error"):
                figures["anchor_%s_error" % name] = result["error"]
    figures["anchor_page_errors"] = len(errors)
    return figures


def ratios(figures, mlp_samples_per_s, cnn_samples_per_s):
    """The page's samples/s over the fastest anchor of each kind (None when
    no anchor of that kind trained). Issue 9's goals: 6 for the MLP, 10 for
    the convnet."""
    def ratio(ours, anchors):
        fastest = max(figures.get("anchor_%s_samples_per_s" % name) or 0 for name in anchors)
        return round(ours / fastest, 2) if fastest and ours is not None else None
    return {"mlp_vs_best_anchor": ratio(mlp_samples_per_s, MLP_ANCHORS),
            "cnn_vs_best_anchor": ratio(cnn_samples_per_s, CNN_ANCHORS)}


def main(argv):
    mlp_s, cnn_s = (float(a) for a in argv) if argv else (MLP_S, CNN_S)
    url, httpd = serve()
    driver = make_driver()
    try:
        print(json.dumps(anchor_figures(driver, url, mlp_s, cnn_s)))
    finally:
        driver.quit()
        httpd.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
