"""The benchmark's anchors (TensorFlow.js, ConvNetJS in tools/bench/anchors/) are
measured against, never shipped: no page file names them and dist/ copies
nothing of tools/. And the ratios `make bench` reports from them."""
import os
import re

from tools.bench import anchor_bench
from tools import ROOT
from tools.build import page_set

# A path into tools/bench/anchors/ or a file of the anchor libraries (prose may name them).
ANCHOR_FILES = re.compile(r"anchors/|node_modules/|tfjs|convnet(?:-min)?\.js", re.I)


def shipped_text_files():
    """Every text file dist/ copies, but the data, weights, C step and vendored runtimes."""
    yield from page_set.FILES
    for tree in (t for t in page_set.TREES
                 if t not in ("static/data", "static/weights", "static/kernels", "static/vendor")):
        for folder, _, names in os.walk(os.path.join(ROOT, tree)):
            for name in names:
                if not page_set.left_out(name):
                    yield os.path.relpath(os.path.join(folder, name), ROOT)


def test_dist_copies_nothing_of_tools():
    assert [path for path in page_set.FILES + page_set.TREES if path.startswith("tools")] == []


def test_no_page_file_loads_the_anchors():
    files = list(shipped_text_files())
    assert "index.html" in files and "app/ui/main.py" in files
    loading = []
    for path in files:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            if ANCHOR_FILES.search(f.read()):
                loading.append(path)
    assert loading == []


def readings(mlp, cnn, **anchors):
    """The figures ratios() reads: the page's two readings of each model and the
    anchors' samples/s, with a work per sample of 1 unless given."""
    figures = {"page_mlp_samples_per_s_before": mlp[0], "page_mlp_samples_per_s_after": mlp[1],
               "page_cnn_samples_per_s_before": cnn[0], "page_cnn_samples_per_s_after": cnn[1],
               "page_mlp_training_multiply_adds": 1, "page_cnn_training_multiply_adds": 1}
    for name in anchor_bench.MLP_ANCHORS + anchor_bench.CNN_ANCHORS:
        figures["anchor_%s_samples_per_s" % name] = anchors.get(name)
        figures["anchor_%s_training_multiply_adds" % name] = 1 if anchors.get(name) else None
    return figures


def test_ratios_against_each_reading_over_the_fastest_anchor_that_trained():
    figures = readings((10000, 8000), (400, 500), tfjs_wasm_mlp=2000, tfjs_cpu_mlp=1500,
                       convnetjs_mlp=2500, tfjs_cpu_cnn=20, convnetjs_cnn=80)
    out = anchor_bench.ratios(figures)
    assert out["anchor_convnetjs_mlp_ratio_before"] == 4.0
    assert out["anchor_tfjs_wasm_mlp_ratio_after"] == 4.0
    assert (out["mlp_vs_best_anchor_before"], out["mlp_vs_best_anchor_after"]) == (4.0, 3.2)
    assert (out["cnn_vs_best_anchor_before"], out["cnn_vs_best_anchor_after"]) == (5.0, 6.25)
    assert out["anchor_tfjs_wasm_cnn_ratio_before"] is None
    # The headline is the lower of the two readings'.
    assert (out["mlp_vs_best_anchor"], out["cnn_vs_best_anchor"]) == (3.2, 5.0)


def test_work_ratios_weigh_each_sample_by_its_networks_multiply_adds():
    figures = readings((10000, 10000), (400, 400), convnetjs_mlp=2500, tfjs_cpu_cnn=20,
                       convnetjs_cnn=80)
    figures.update({"page_cnn_training_multiply_adds": 700, "anchor_tfjs_cpu_cnn_training_multiply_adds": 2000,
                    "anchor_convnetjs_cnn_training_multiply_adds": 2100})
    out = anchor_bench.ratios(figures)
    assert out["anchor_convnetjs_cnn_work_ratio_before"] == round(400 * 700 / (80 * 2100), 2)
    assert out["anchor_tfjs_cpu_cnn_work_ratio_after"] == 7.0
    # The fastest by work need not be the fastest by samples.
    assert out["cnn_work_vs_best_anchor_before"] == round(400 * 700 / (80 * 2100), 2)
    assert out["cnn_vs_best_anchor_before"] == 5.0
    assert out["mlp_work_vs_best_anchor_before"] == out["mlp_vs_best_anchor_before"] == 4.0


def test_no_ratio_when_no_anchor_trained_or_no_reading_of_ours():
    out = anchor_bench.ratios(readings((None, 9000), (400, 400), convnetjs_mlp=2500))
    assert out["mlp_vs_best_anchor_before"] is None and out["mlp_vs_best_anchor_after"] == 3.6
    assert out["mlp_vs_best_anchor"] is None
    assert out["cnn_vs_best_anchor_before"] is None and out["cnn_work_vs_best_anchor_after"] is None
    assert out["cnn_vs_best_anchor"] is None
