"""Weights leave and enter the page as .npy files; bad files are refused."""
import os
import sys
import time

import numpy as np

from browser import ROOT, Page, make_driver, page_errors

sys.path.insert(0, os.path.join(ROOT, "app"))
from worker.model import MLP  # noqa: E402
from worker.trainer import weights_to_bytes  # noqa: E402

PRETRAINED = os.path.join(ROOT, "static", "weights", "pretrained.npy")


def wait_for_file(path, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path):
            return True
        time.sleep(0.1)
    return False


def test_export_gives_the_models_weights_as_npy(server, tmp_path):
    driver = make_driver(download_dir=tmp_path)
    try:
        page = Page(driver, server + "/").open()
        page.click("#export")
        exported = tmp_path / "mnist-mlp-weights.npy"
        assert wait_for_file(exported)
        assert page_errors(driver) == []
    finally:
        driver.quit()
    assert np.load(exported).shape == (129, 795)
    assert exported.read_bytes() == open(PRETRAINED, "rb").read()


def test_import_replaces_weights_and_pretrained_restores_them(page, tmp_path):
    random_weights = tmp_path / "random.npy"
    random_weights.write_bytes(weights_to_bytes(MLP(hidden=64, seed=3)))
    page.find("#import").send_keys(str(random_weights))
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)
    assert page.text("#message") == "Imported weights."
    page.click("#pretrained")
    assert page.wait_for(lambda: page.number("test_acc") >= 0.95)


def test_bad_weights_file_is_refused_and_nothing_changes(page, tmp_path):
    before = page.number("test_acc")
    for name, content, reason in [("notes.npy", b"hello", "npy"),
                                  ("empty.npy", b"", "empty"),
                                  ("wrong-shape.npy", None, "shape")]:
        path = tmp_path / name
        if content is None:
            np.save(path, np.zeros((5, 7), np.float32))
        else:
            path.write_bytes(content)
        page.find("#import").send_keys(str(path))
        assert page.wait_for(lambda: reason in page.text("#message")), page.text("#message")
        assert page.find("#message").get_attribute("class") == "message error"
        page.driver.execute_script("document.querySelector('#message').textContent = ''")
    assert page.number("test_acc") == before


def test_kept_weights_come_back_after_a_reload(page):
    page.click("#randomize")
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)
    kept_acc = page.number("test_acc")
    page.click("#keep")
    assert page.wait_for(lambda: page.text("#message").startswith("Kept"))
    page.open()                                     # reload: the kept weights are restored
    assert page.wait_for(lambda: page.number("test_acc") == kept_acc)
    assert "kept" in page.text("#message")
    page.click("#pretrained")                       # and the shipped ones are one click away
    assert page.wait_for(lambda: page.number("test_acc") >= 0.95)
    page.driver.execute_script("localStorage.clear()")


def test_unreadable_kept_weights_are_dropped_with_a_message(page):
    page.driver.execute_script("localStorage.setItem('mnist-mlp-weights', 'bm90IHdlaWdodHM=')")
    page.open()
    assert "unreadable" in page.text("#message")
    assert page.number("test_acc") >= 0.95          # the shipped weights stay
    assert page.driver.execute_script("return localStorage.getItem('mnist-mlp-weights')") is None
