"""Weights leave and enter the page as .npz files; bad files are refused and
change nothing; a replaced model comes back with one click (undo)."""
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.harness.browser import ROOT, drawn_probabilities, wait_for_file
from tests.harness.samples import PRETRAINED, SHIPPED_SAMPLES, X_TEST, members_of, npz, weights_of
from worker.mlp import MLP

EXPORTED = "mnist-mlp-weights.npz"


def test_export_gives_an_npz_that_numpy_reads(page, downloads):
    page.click("#export")
    exported = downloads / EXPORTED
    assert wait_for_file(exported)
    assert page.wait_for(lambda: EXPORTED in page.text("#message"))
    with np.load(exported, allow_pickle=False) as got, np.load(PRETRAINED) as shipped:
        for name in MLP.PARAM_NAMES:
            np.testing.assert_array_equal(got[name], shipped[name])
        meta = json.loads(str(got["meta"]))
    assert meta["architecture"] == "mlp" and meta["samples_seen"] == SHIPPED_SAMPLES


def test_export_then_import_gives_the_same_predictions(page, downloads):
    page.train_from_random()
    trained = drawn_probabilities(page, "7")
    page.click("#export")
    assert wait_for_file(downloads / EXPORTED)
    page.click("#randomize")        # not #pretrained: it too can be 1.0000 sure of this 7
    assert page.wait_for(lambda: page.probabilities() != trained)
    page.find("#import").send_keys(str(downloads / EXPORTED))
    assert page.wait_for(lambda: page.text("#message") == "Imported %s." % EXPORTED)
    assert page.wait_for(lambda: page.probabilities() == trained)
    assert page.find("#weights-source").get_attribute("data-source") == "imported"
    assert EXPORTED in page.text("#weights-source")


def npz_with(**changes):
    """A weights file of a 128-unit MLP as numpy writes it, with arrays changed as given."""
    return npz(**dict(members_of(MLP(128, 3)), **changes))


BAD_FILES = [
    ("notes.npz", b"hello", "not a weights file"),
    ("empty.npz", b"", "empty"),
    ("cut.npz", weights_of(MLP(128, 1))[:9000], "truncated"),
    ("nan.npz", npz_with(**{"output.bias": np.full(10, np.nan, np.float32)}), "NaN"),
    ("integer.npz", npz_with(**{"hidden.weight": np.zeros((784, 128), np.int16)}), "float32"),
    ("pickled.npz", npz_with(**{"hidden.bias": np.array([object()] * 128)}), "pickled"),
    ("shape.npz", npz_with(**{"output.weight": np.zeros((128, 7), np.float32)}), "shape"),
    ("huge.npz", bytes(17 * 1024 * 1024), "at most 16 MB"),
]


def bad_files_are_refused_with_a_reason_and_change_nothing(page, tmp_path):
    before = drawn_probabilities(page, "7")
    source = page.text("#weights-source")
    for name, content, reason in BAD_FILES:
        path = tmp_path / name
        path.write_bytes(content)
        page.find("#import").send_keys(str(path))
        assert page.wait_for(lambda: reason in page.text("#message")), (name, page.text("#message"))
        assert "error" in page.find("#message").get_attribute("class")
        assert page.probabilities() == before
        assert page.text("#weights-source") == source
        assert page.find("#undo-weights").is_displayed() is False
        page.driver.execute_script("document.querySelector('#message').textContent = ''")
    assert page.number("test_acc") >= 0.95


def a_dropped_file_is_imported_and_an_old_npy_still_reads(page):
    model = MLP(32, 9)
    matrix = np.zeros((33, 795), np.float32)
    matrix[:32, :784], matrix[:32, 784], matrix[:32, 785:] = model.W1.T, model.b1, model.W2
    out = io.BytesIO()
    np.save(out, matrix)
    page.drop_file("old-weights.npy", out.getvalue())
    assert page.wait_for(lambda: page.text("#message") == "Imported old-weights.npy.")
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)
    assert page.text("#weights-source") == "Imported from old-weights.npy"


def each_replacement_can_be_undone_in_one_step(page):
    shipped = drawn_probabilities(page, "7")
    page.click("#randomize")
    assert page.wait_for(lambda: page.probabilities() != shipped)
    assert page.find("#weights-source").get_attribute("data-source") == "random"
    undo = page.find("#undo-weights")
    assert undo.is_displayed() and "shipped" in undo.text.lower()
    undo.click()
    assert page.wait_for(lambda: page.probabilities() == shipped)
    assert page.wait_for(lambda: page.number("samples_seen") == SHIPPED_SAMPLES)
    assert page.text("#weights-source") == "Shipped pretrained weights"
    assert page.wait_for(lambda: page.number("test_acc") >= 0.95)
    assert not page.find("#undo-weights").is_displayed()


def test_bad_files_change_nothing_a_replacement_is_undone_and_a_dropped_npy_reads(page, tmp_path):
    """One page for the three, each from the shipped weights it needs: bad
    files change nothing, so undo finds the shipped weights to go back to,
    and the dropped file replaces them last."""
    bad_files_are_refused_with_a_reason_and_change_nothing(page, tmp_path)
    each_replacement_can_be_undone_in_one_step(page)
    a_dropped_file_is_imported_and_an_old_npy_still_reads(page)


@pytest.mark.parametrize("setting", ["#learning-rate"])
def test_learning_rate_10_stops_by_itself_and_puts_back_good_weights(page, setting):
    page.set_input(setting, 10)
    assert page.wait_for(lambda: page.number("lrate") == 10)
    page.click("#start")
    assert page.wait_for(lambda: page.status("training") == "False" and
                         "diverging" in page.text("#message"), timeout=30)
    assert "smaller learning rate" in page.text("#message")
    assert page.number("test_acc") > 0.9


def test_weights_trained_here_predict_natively_as_on_the_page(page, downloads):
    """tools/predict.py with the exported file gives the page's probabilities."""
    page.train_from_random(samples=5000)
    page.click("#export")
    assert wait_for_file(downloads / EXPORTED)
    shown = page.shown_samples(6)
    files = []
    for index in shown:
        files.append(str(downloads / ("sample-%d.npy" % index)))
        np.save(files[-1], X_TEST[index].reshape(28, 28))
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "predict.py"),
                          str(downloads / EXPORTED), *files, "--json"],
                         capture_output=True, text=True, check=True).stdout
    for index, line in zip(shown, out.splitlines()):
        native = json.loads(line)["probabilities"]
        assert np.abs(np.array(native) - shown[index]).max() < 1e-3, (index, native, shown[index])
