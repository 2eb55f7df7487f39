"""static/js/mlp-kernel.js, the page's forward pass in typed arrays, run by
node: the probabilities of shared/inference.py, the reference, for the same
weights and drawings."""
import json
import os
import shutil
import subprocess

import numpy as np

from shared import inference, protocol
from tools import ROOT
from worker import snapshots

KERNEL = os.path.join(ROOT, "static", "js", "mlp-kernel.js")
RUN = """
const fs = require('fs'), vm = require('vm');
vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8'));
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
mlpKernel.use(typeof input.w1 === 'string' ? input.w1 : Uint8Array.from(input.w1), input.rest);
for (const levels of input.digits) console.log(mlpKernel.probabilities(levels));
"""


def kernel_probabilities(weights, digits):
    w1, rest = inference.kernel_weights(weights)
    done = subprocess.run([shutil.which("node"), "-e", RUN, KERNEL], capture_output=True, text=True,
                          input=json.dumps({"w1": w1 if isinstance(w1, str) else list(w1), "rest": rest,
                                            "digits": [inference.levels_text(d) for d in digits]}),
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return [[float(p) for p in line.split(",")] for line in done.stdout.splitlines()]


def test_the_kernel_gives_the_references_probabilities(trained_mlp):
    model, X_test, _ = trained_mlp
    weights = json.loads(json.dumps(snapshots.inference_weights(model)))   # as the page gets them
    digits = [list(x) for x in X_test[:100]] + [[0.0] * 784, [1.0] * 784]
    reference = inference.InferenceModel(weights)
    got = kernel_probabilities(weights, digits)
    assert len(got) == len(digits)
    want = [reference.probabilities(d) for d in digits]
    # The same sums in the same order: only exp() may differ, in the last bit.
    assert np.abs(np.array(got) - np.array(want)).max() < 1e-12


def test_the_kernel_takes_a_live_statuss_first_layer_as_bytes(trained_mlp):
    model, X_test, _ = trained_mlp
    status = {"iteration": 1, "inference": snapshots.inference_weights(model)}
    text, w1 = protocol.live_status(status)
    weights = protocol.decode_status(text, w1)["inference"]      # as the page gets them: bytes
    assert isinstance(weights["w1"], bytes)
    digits = [list(x) for x in X_test[:20]]
    reference = inference.InferenceModel(weights)
    got = kernel_probabilities(weights, digits)
    want = [reference.probabilities(d) for d in digits]
    assert np.abs(np.array(got) - np.array(want)).max() < 1e-12
    from_text = inference.InferenceModel(status["inference"])
    assert [from_text.probabilities(d) for d in digits] == want
