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


def test_ratios_are_over_the_fastest_anchor_that_trained():
    figures = {"anchor_tfjs_wasm_mlp_samples_per_s": 2000, "anchor_tfjs_cpu_mlp_samples_per_s": 1500,
               "anchor_convnetjs_mlp_samples_per_s": 2500,
               "anchor_tfjs_wasm_cnn_samples_per_s": None, "anchor_tfjs_cpu_cnn_samples_per_s": 20,
               "anchor_convnetjs_cnn_samples_per_s": 80}
    assert anchor_bench.ratios(figures, 10000, 400) == {"mlp_vs_best_anchor": 4.0,
                                                        "cnn_vs_best_anchor": 5.0}


def test_no_ratio_when_no_anchor_trained_or_no_figure_of_ours():
    figures = {"anchor_tfjs_wasm_cnn_samples_per_s": None, "anchor_convnetjs_mlp_samples_per_s": 2500}
    assert anchor_bench.ratios(figures, None, 400) == {"mlp_vs_best_anchor": None,
                                                       "cnn_vs_best_anchor": None}
