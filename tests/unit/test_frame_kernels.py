"""static/js/frame-kernels.js, run by node: its MNIST preprocessing makes the
digit of shared/preprocess.py, the reference, to the bit; its MLP gives the
probabilities of shared/inference.py for the same weights and drawings; its
convnet, reading the weights file a checkpoint carries, those of
worker/convnet.py's numpy model, and it refuses a file it cannot read, saying
why; its grid painter fills each changed cell, and only those, with the grey
of the pixel's level, as app/ui/grid.py's paint does."""
import json
import os
import shutil
import subprocess

import numpy as np

from shared import base64_codec, inference, preprocess, protocol, shipped, strokes
from shared.digit import SIDE
from shared.grid_state import GridState
from tests.harness.samples import X_TEST, members_of, npz, weights_of
from tests.unit.test_preprocess import random_drawing
from tools import ROOT
from tools.bench import redraw
from tools.build import train_weights
from worker import snapshots, weights_file
from worker.convnet import ConvNet
from worker.mlp import MLP

KERNELS = os.path.join(ROOT, "static", "js", "frame-kernels.js")


def node(program, stdin):
    """The lines a node program printed, run with the kernels loaded."""
    done = subprocess.run([shutil.which("node"), "-e", "const fs = require('fs'), vm = require('vm');\n"
                           "vm.runInThisContext(fs.readFileSync(process.argv[1], 'utf8'));\n" + program,
                           KERNELS], capture_output=True, text=True, input=json.dumps(stdin), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def drawings(X_test):
    """Grids to read: held-out digits, random blobs of every size and place,
    edge cases (one pixel, a one-pixel line, a full grid, empty)."""
    rng = np.random.default_rng(5)
    one_pixel, line = [0.0] * 784, [0.0] * 784
    one_pixel[0] = 0.5
    for r in range(3, 11):
        line[r * 28 + 20] = 1.0                    # 8 x 1: its width rounds half to even
    return ([list(map(float, x)) for x in X_test[:60]]
            + [random_drawing(rng).ravel().tolist() for _ in range(200)]
            + [one_pixel, line, [1.0] * 784, [0.0] * 784])


def probabilities_of(lines):
    """A kernel's readings: probabilities, then ";0" (pixels only: no ink of lines drawn again)."""
    assert all(line.endswith(";0") for line in lines if line)
    return [[float(p) for p in line[:-2].split(",")] if line else None for line in lines]


def test_the_kernels_digit_is_the_references_to_the_bit(default_data_dir):
    X_test, _ = train_weights.load_split("test", default_data_dir)
    grids = drawings(X_test)
    got = node("for (const grid of JSON.parse(fs.readFileSync(0, 'utf8'))) console.log(pageReading(grid, ''));",
               [base64_codec.encode_floats(g) for g in grids])
    want = [preprocess.preprocess(g) for g in grids]
    assert got == ["" if d is None else base64_codec.encode_floats(d) + ";0" for d in want]
    assert want[-1] is None and want[-3] is not None


def test_the_kernels_read_strokes_as_the_reference_to_the_bit():
    """The digit and the ink of its lines drawn again, of held-out digits drawn
    with the page's pen at each size and place, random scribbles, and strokes
    whose pixels are read as drawn (a dot, a dot among lines, a line beyond
    the pen's reach of the grid, none)."""
    rng = np.random.default_rng(11)
    grids = [redraw.drawn_on_grid(x, size, at) for x in X_TEST[:8] for size in (0.3, 0.7, 1.0)
             for at in ((0.5, 0.5), (0, 1), (1, 0))]
    for _ in range(40):
        grid = GridState()
        for _ in range(rng.integers(1, 4)):
            points = rng.uniform(-1.4, SIDE + 1.4, (rng.integers(2, 30), 2))
            grid.begin_stroke(*points[0])
            for x, y in points[1:]:
                grid.extend_stroke(x, y)
            grid.end_stroke()
        grids.append(grid)
    drawings = [(g.pixels, g.strokes) for g in grids]
    pixels = grids[0].pixels
    drawings += [(pixels, [[3.2, 7.9]]), (pixels, [[3.0, 4.0, 20.0, 4.0], [6.0, 6.0]]),
                 (pixels, [[3.0, 4.0, 29.5, 4.0]]), (pixels, None)]
    got = node("for (const [grid, lines] of JSON.parse(fs.readFileSync(0, 'utf8'))) console.log(pageReading(grid, lines));",
               [[base64_codec.encode_floats(p), base64_codec.encode_floats(strokes.packed(lines)) if lines else ""]
                for p, lines in drawings])
    want = [strokes.reading(p, lines) for p, lines in drawings]
    assert [(text, float(ink)) for text, ink in (line.split(";") for line in got)] == \
        [(base64_codec.encode_floats(digit), ink) for digit, ink in want]
    assert [strokes.placing(lines) is None for _, lines in drawings[-4:]] == [True] * 4


MLP_READS = """
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
mlpKernel.use(typeof input.w1 === 'string' ? input.w1 : Uint8Array.from(input.w1), input.rest);
for (const grid of input.grids) console.log(mlpKernel.read(grid));
"""


def mlp_kernel_reads(weights, grids):
    w1, rest = inference.kernel_weights(weights)
    return probabilities_of(node(MLP_READS, {"w1": w1 if isinstance(w1, str) else list(w1), "rest": rest,
                                             "grids": [base64_codec.encode_floats(g) for g in grids]}))


def reference_reads(model, grids):
    digits = [preprocess.preprocess(g) for g in grids]
    return [None if d is None else model.probabilities(d) for d in digits]


def assert_close(got, want, tolerance):
    assert [g is None for g in got] == [w is None for w in want]
    pairs = [(g, w) for g, w in zip(got, want) if w is not None]
    assert np.abs(np.array([g for g, _ in pairs]) - np.array([w for _, w in pairs])).max() < tolerance


def test_the_mlp_kernel_reads_as_the_reference(trained_mlp):
    model, X_test, _ = trained_mlp
    weights = json.loads(json.dumps(snapshots.inference_weights(model)))   # as the page gets them
    grids = drawings(X_test)
    # The same sums in the same order: only exp() may differ, in the last bit.
    assert_close(mlp_kernel_reads(weights, grids), reference_reads(inference.InferenceModel(weights), grids),
                 1e-12)


def test_the_mlp_kernel_takes_a_live_statuss_first_layer_as_bytes(trained_mlp):
    model, X_test, _ = trained_mlp
    status = {"iteration": 1, "inference": snapshots.inference_weights(model)}
    text, w1 = protocol.live_status(status)
    weights = protocol.decode_status(text, w1)["inference"]      # as the page gets them: bytes
    assert isinstance(weights["w1"], bytes)
    grids = [list(map(float, x)) for x in X_test[:20]]
    want = reference_reads(inference.InferenceModel(weights), grids)
    assert_close(mlp_kernel_reads(weights, grids), want, 1e-12)
    assert reference_reads(inference.InferenceModel(status["inference"]), grids) == want


CONVNET_READS = """
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
for (const file of input.files) {
  try {
    convnetKernel.use(Buffer.from(file, 'base64'));
    console.log(JSON.stringify({used: input.grids.map(grid => convnetKernel.read(grid))}));
  } catch (error) {
    console.log(JSON.stringify({refused: error.message}));
  }
}
"""


def convnet_kernel(files, grids):
    """For each weights file: {"used": what it read in each grid} or {"refused": why}."""
    lines = node(CONVNET_READS, {"files": [base64_codec.encode(f) for f in files],
                                 "grids": [base64_codec.encode_floats(g) for g in grids]})
    return [{key: value if key == "refused" else probabilities_of(value)
             for key, value in json.loads(line).items()} for line in lines]


class NumpyConvnet:
    """worker/convnet.py's model, as the kernel's reference: probabilities of a digit."""

    def __init__(self, model):
        self.model = model

    def probabilities(self, digit):
        Z = self.model.logits(np.array([digit], np.float32))[0].astype(np.float64)
        P = np.exp(Z - Z.max())
        return (P / P.sum()).tolist()


def test_the_convnet_kernel_reads_as_the_numpy_model(default_data_dir):
    X_test, _ = train_weights.load_split("test", default_data_dir)
    grids = drawings(X_test)
    with open(os.path.join(ROOT, shipped.PRETRAINED["cnn"]), "rb") as f:
        shipped_file = f.read()
    shipped_model, _ = weights_file.decode(shipped_file)
    random_model = ConvNet(seed=7)
    got = convnet_kernel([shipped_file, weights_of(random_model)], grids)
    for model, answer in zip((shipped_model, random_model), got):
        assert_close(answer["used"], reference_reads(NumpyConvnet(model), grids), 1e-5)


def test_the_convnet_kernel_refuses_a_file_it_cannot_read_and_keeps_its_weights(default_data_dir):
    X_test, _ = train_weights.load_split("test", default_data_dir)
    grids = [list(map(float, x)) for x in X_test[:5]]
    model = ConvNet(seed=3)
    good = weights_of(model)
    members = members_of(model)
    damaged = bytearray(good)
    damaged[-6:-2] = (len(good) * 2).to_bytes(4, "little")      # the directory's offset, past the end
    answers = convnet_kernel([good, npz(**members), b"not a zip file at all", good[:len(good) // 2],
                              bytes(damaged),
                              npz(np.savez_compressed, **members),
                              npz(**dict(members, **{"conv2.bias": np.zeros(31, np.float32)})),
                              weights_of(MLP(hidden=8)), good], grids)
    assert "used" in answers[0]
    # numpy's own np.savez (zip64 records) reads too; after each refusal, the weights before stay.
    assert answers[1] == answers[-1] == answers[0]
    assert [a.get("refused") for a in answers[2:-1]] == [
        "not a weights file (.npz)", "not a weights file (.npz)", "a damaged weights file",
        "a compressed weights file",
        "conv2 does not have the shape its meta says", "the weights file is not a convnet of this page"]


PAINT = """
const calls = [], ctx = {fillRect: (x, y, w, h) => calls.push([ctx.fillStyle, x, y, w, h])};
const painter = gridPainter(ctx);
for (const pixels of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  calls.length = 0;
  const painted = painter.paint(pixels);
  console.log(JSON.stringify({painted, calls}));
}
"""


def painted(grids):
    return [json.loads(line) for line in node(PAINT, [base64_codec.encode_floats(g) for g in grids])]


def cell(i, value):
    paper = 255 - int(value * 255 + 0.5)
    return ["rgb(%d,%d,%d)" % (paper, paper, paper), i % 28, i // 28, 1, 1]


def test_the_painter_fills_every_cell_once_then_only_the_changed_ones():
    rng = np.random.default_rng(0)
    first = rng.random(784).tolist()
    first[:3] = [0.0, 1.0, 0.5 / 255]          # paper, full ink, a level that rounds up
    second = list(first)
    for i in (5, 27, 28, 783):
        second[i] = 1.0 - first[i]
    second[100] = first[100] + 0.1 / 255       # the same level: not repainted
    third = list(second)
    one, two, three = painted([first, second, third])
    assert one["painted"] == 784 and one["calls"] == [cell(i, v) for i, v in enumerate(first)]
    changed = [i for i in range(784) if int(first[i] * 255 + 0.5) != int(second[i] * 255 + 0.5)]
    assert changed == [5, 27, 28, 783]
    assert two["calls"] == [cell(i, second[i]) for i in changed]
    assert three == {"painted": 0, "calls": []}


LINE = """
const a = JSON.parse(fs.readFileSync(0, 'utf8'));
console.log(linePath(a.xs, a.ys, a.x0, a.sx, a.y0, a.sy, a.left, a.bottom));
"""


def test_a_chart_line_s_path_goes_through_every_point_scaled_onto_the_canvas():
    rng = np.random.default_rng(1)
    xs = np.cumsum(rng.integers(1, 500, 400)).astype(float).tolist()
    ys = rng.random(400).tolist()
    scale = {"x0": xs[0], "sx": 300 / (xs[-1] - xs[0]), "y0": min(ys), "sy": 140 / (max(ys) - min(ys)),
             "left": 6, "bottom": 154}
    [path] = node(LINE, {"xs": base64_codec.encode_floats(xs), "ys": base64_codec.encode_floats(ys), **scale})
    assert path.startswith("M") and path.count(" L") == len(xs) - 1
    drawn = [[float(v) for v in step.split()] for step in path[1:].split(" L")]
    want = [[scale["left"] + (x - scale["x0"]) * scale["sx"], scale["bottom"] - (y - scale["y0"]) * scale["sy"]]
            for x, y in zip(xs, ys)]
    assert np.abs(np.array(drawn) - np.array(want)).max() <= 0.05 + 1e-9
