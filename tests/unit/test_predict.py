"""tools/predict.py: images and arrays to the page's digits, natively."""
import json
import os
import re
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from shared.classes import DIGITS
from tests.harness.samples import onnx_of
from tools import ROOT, predict
from worker import weights_file


@pytest.fixture(scope="module")
def setup(trained_mlp, tmp_path_factory):
    model, X_test, y_test = trained_mlp
    path = tmp_path_factory.mktemp("w") / "w.npz"
    path.write_bytes(weights_file.encode(model, DIGITS))
    return model, str(path), X_test[:40], y_test[:40]


def run(capsys, *args):
    code = predict.main(list(args) + ["--json"])
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_npy_arrays_in_both_scales_give_the_models_probabilities(setup, tmp_path, capsys):
    model, weights, X, y = setup
    np.save(tmp_path / "u8.npy", np.rint(X[0] * 255).astype(np.uint8).reshape(28, 28))
    np.save(tmp_path / "f.npy", X[0])
    code, rows, _ = run(capsys, weights, str(tmp_path / "u8.npy"), str(tmp_path / "f.npy"))
    assert code == 0 and len(rows) == 2
    assert rows[0]["probabilities"] == pytest.approx(rows[1]["probabilities"], abs=1e-6)
    assert rows[0]["probabilities"] == pytest.approx(
        list(predict.probabilities(model, X[0])), abs=1e-6)
    assert abs(sum(rows[0]["probabilities"]) - 1) < 1e-5


def test_photos_of_either_polarity_and_any_size_read_alike(setup, tmp_path, capsys):
    model, weights, X, _ = setup
    paper = screen = 0
    for i in range(20):
        ink = np.rint(X[i] * 255).astype(np.uint8).reshape(28, 28)
        Image.fromarray(255 - ink).resize((168, 168)).save(tmp_path / ("paper%d.png" % i))
        Image.fromarray(ink).save(tmp_path / ("screen%d.jpg" % i), quality=95)
        code, rows, _ = run(capsys, weights, str(tmp_path / ("paper%d.png" % i)),
                            str(tmp_path / ("screen%d.jpg" % i)))
        assert code == 0
        expected = int(predict.probabilities(model, X[i]).argmax())
        paper += int(rows[0]["digit"] == expected)
        screen += int(rows[1]["digit"] == expected)
    assert paper >= 19            # dark on light, six times the size
    assert screen >= 15           # light on dark, with JPEG's artefacts on a 28-pixel image


def test_bad_inputs_are_reported_and_the_rest_still_read(setup, tmp_path, capsys):
    _, weights, X, _ = setup
    (tmp_path / "notes.png").write_text("not a picture")
    np.save(tmp_path / "blank.npy", np.zeros((28, 28), np.uint8))
    np.save(tmp_path / "shape.npy", np.zeros((5, 5), np.uint8))
    np.save(tmp_path / "range.npy", np.full(784, 3.0))
    np.save(tmp_path / "good.npy", X[1])
    code, rows, err = run(capsys, weights, *[str(tmp_path / n) for n in (
        "notes.png", "blank.npy", "shape.npy", "range.npy", "good.npy")])
    assert code == 1 and len(rows) == 1 and rows[0]["file"].endswith("good.npy")
    for reason in ("not an image", "no ink", "shape", "uint8 0..255 or floats"):
        assert reason in err


def test_an_onnx_file_of_the_model_reads_as_its_npz(setup, tmp_path, capsys, monkeypatch):
    model, weights, X, _ = setup
    (tmp_path / "w.onnx").write_bytes(onnx_of(model))
    np.save(tmp_path / "d.npy", X[2])
    _, from_npz, _ = run(capsys, weights, str(tmp_path / "d.npy"))
    code, from_onnx, _ = run(capsys, str(tmp_path / "w.onnx"), str(tmp_path / "d.npy"))
    assert code == 0 and from_onnx[0]["digit"] == from_npz[0]["digit"]
    assert from_onnx[0]["probabilities"] == pytest.approx(from_npz[0]["probabilities"], abs=1e-5)
    (tmp_path / "junk.onnx").write_bytes(b"junk")
    with pytest.raises(SystemExit) as info:
        predict.main([str(tmp_path / "junk.onnx"), "x.npy"])
    assert info.value.code == 2 and "not an ONNX model onnxruntime runs" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "onnxruntime", None)          # not installed
    with pytest.raises(SystemExit) as info:
        predict.main([str(tmp_path / "w.onnx"), "x.npy"])
    assert "reading .onnx needs onnxruntime (pip install onnxruntime)" in capsys.readouterr().err


def test_bad_weights_stop_with_a_reason(tmp_path, capsys):
    (tmp_path / "w.npz").write_bytes(b"junk")
    with pytest.raises(SystemExit) as info:
        predict.main([str(tmp_path / "w.npz"), "x.npy"])
    assert info.value.code == 2
    assert "not a weights file" in capsys.readouterr().err


def test_the_readme_s_onnx_lines_read_a_photo(setup, tmp_path, monkeypatch, capsys):
    """The README's three lines, as written, on a photo of a held-out 7 on paper."""
    model, _, X, y = setup
    with open(os.path.join(ROOT, "README.md")) as f:
        lines = textwrap.dedent(re.search(r"```python\n( *import onnxruntime\n.*?) *```", f.read(), re.S).group(1))
    assert len(lines.strip().splitlines()) == 3
    seven = next(i for i in range(len(y)) if y[i] == 7 and predict.probabilities(model, X[i]).argmax() == 7)
    Image.fromarray(255 - np.rint(X[seven] * 255).astype(np.uint8).reshape(28, 28)).resize((200, 200)) \
        .save(tmp_path / "seven.jpg", quality=90)
    (tmp_path / "digits-mlp.onnx").write_bytes(onnx_of(model))
    monkeypatch.chdir(tmp_path)
    exec(lines, {})
    assert capsys.readouterr().out.strip() == "7"
