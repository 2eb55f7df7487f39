"""Export ONNX: the page writes digits-mlp.onnx or digits-cnn.onnx for the
model in use, which onnx's checker passes and onnxruntime runs natively to
the probabilities the page shows, and which says what it is."""
import json
import re

import numpy as np
import onnx
import onnxruntime
import pytest

from tests.browser.test_architecture import choose
from tests.harness.browser import ROOT, wait_for_file
from tests.harness.samples import X_TEST


@pytest.mark.parametrize("architecture", ["mlp", "cnn"])
def test_export_onnx_runs_natively_as_on_the_page(page, downloads, architecture):
    if architecture == "cnn":
        choose(page, "cnn")
    page.train_from_random(samples=1000)          # the visitor's model, not the shipped one
    samples_seen = page.status("samples_seen")
    page.click("#export-onnx")
    path = downloads / ("digits-%s.onnx" % architecture)
    assert wait_for_file(path)
    assert page.wait_for(lambda: "Exported digits-%s.onnx" % architecture in page.text("#message"))
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    props = {p.key: p.value for p in proto.metadata_props}
    with open(ROOT + "/offline-set.js") as f:
        version = re.search(r'"version": "(\w+)"', f.read()).group(1)
    assert (props["architecture"], props["samples_seen"], props["page_version"]) == (
        architecture, samples_seen, version)
    assert json.loads(props["classes"]) == list("0123456789")
    shown = page.shown_samples(4)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    images = np.array([X_TEST[i] for i in shown], np.float32).reshape(-1, 1, 28, 28)
    (native,) = session.run(["probabilities"], {"image": images})
    assert np.abs(native - np.array(list(shown.values()))).max() < 1e-4, (native, shown)
