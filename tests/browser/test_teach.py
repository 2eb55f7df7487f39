"""Teaching it your handwriting: "It's a N" (or a digit key on the grid) adds
the drawing to "my digits" and the model learns it at once, without Start;
the gallery is kept across visits, and each digit can be removed."""
import json

import numpy as np

from tests.harness.browser import DIGITS, ODD_DIGITS, TAUGHT_PLACES, redraw, wait_for_file

SIX = ODD_DIGITS["6"]     # boxy: the shipped model reads it as a 5


def gallery(page):
    return page.driver.execute_script(
        "return [...document.querySelectorAll('#my-digits > [data-digit]')].map(e => e.dataset.digit)")


def count(page, digit):
    return page.find('#my-digits-counts [data-digit="%s"]' % digit).get_attribute("data-count")


def learned(page, n):
    """The worker has n of my digits and no lesson under way."""
    return page.wait_for(lambda: page.number("my_digits") == n and page.status("lesson") == "False",
                         timeout=30)


def teach(page, digit, strokes):
    for place in TAUGHT_PLACES:
        redraw(page, strokes, **place)
        n = len(gallery(page))
        page.click('#teach button[data-digit="%s"]' % digit)
        assert learned(page, n + 1)


def test_teaching_a_shape_changes_its_prediction_without_start(page, tmp_path):
    """Two drawings of a boxy 6 taught, a new one is read as a 6; then a bad
    file of digits is refused, and the two stay."""
    assert redraw(page, SIX, scale=0.9, shift=(2, 1)) != "6"
    assert page.text('#teach button[data-digit="6"]') == "It's a 6"
    teach(page, 6, SIX)
    assert gallery(page) == ["6", "6"] and count(page, 6) == "2"
    assert page.number("my_digits") == 2 and page.number("my_acc") == 1.0
    assert redraw(page, SIX, scale=0.9, shift=(2, 1)) == "6"      # a new drawing of it
    assert redraw(page, DIGITS["7"]) == "7"                      # and plain digits stay right
    assert page.number("test_acc") >= 0.95
    assert page.status("training") == "False"                   # Start was never pressed
    assert "Learned from your 2 digits" in page.text("#message")
    assert page.find("#accuracy-chart").get_attribute("data-also-last") == "1.0000"
    bad = tmp_path / "floats.npz"
    np.savez(bad, x=np.zeros((2, 28, 28), np.float32), y=np.array([1, 2]))
    page.find("#import-my-digits").send_keys(str(bad))
    assert page.wait_for(lambda: "x must be uint8" in page.text("#message"))
    assert "Your digits are as they were" in page.text("#message")
    assert gallery(page) == ["6", "6"] and page.number("my_digits") == 2


def test_teaching_an_empty_grid_says_what_to_do_and_a_digit_key_teaches(page):
    page.click('#teach button[data-digit="3"]')
    assert page.wait_for(lambda: "Draw a digit first" in page.text("#message"))
    assert gallery(page) == []
    redraw(page, DIGITS["4"])
    page.find("#grid").send_keys("4")
    assert page.wait_for(lambda: gallery(page) == ["4"])
    assert learned(page, 1)


def test_my_digits_come_back_and_can_be_removed_and_forgotten(page):
    teach(page, 6, SIX)
    redraw(page, DIGITS["1"])
    page.click('#teach button[data-digit="1"]')
    assert learned(page, 3)
    assert page.wait_for(lambda: "(0 samples" not in page.text("#autosave-state")
                         and page.find("#autosave-state").get_attribute("data-saved"))
    page.open()
    assert page.wait_for(lambda: gallery(page) == ["6", "6", "1"])
    assert page.wait_for(lambda: page.number("my_digits") == 3)   # the new worker has them too
    assert redraw(page, SIX, scale=0.9, shift=(2, 1)) == "6"      # and the weights that learned them
    page.find('#my-digits > [data-digit="1"] .remove').click()
    assert page.wait_for(lambda: gallery(page) == ["6", "6"] and page.number("my_digits") == 2)
    page.click("#forget-my-digits")
    assert page.wait_for(lambda: gallery(page) == [] and page.number("my_digits") == 0)
    assert count(page, 6) == "0"
    page.open()
    assert gallery(page) == [] and page.number("my_digits") == 0


def test_my_digits_export_to_numpy_and_import_back(page, downloads):
    teach(page, 6, SIX)
    page.click("#export-my-digits")
    assert wait_for_file(downloads / "my-digits.npz")
    with np.load(downloads / "my-digits.npz", allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    assert x.dtype == np.uint8 and x.shape == (2, 28, 28) and y.tolist() == [6, 6]
    assert 100 < x[0].astype(bool).sum() < 400 and x.max() == 255     # ink high, MNIST-like
    page.click("#export")                  # the weights say what they learned from
    assert wait_for_file(downloads / "mnist-mlp-weights.npz")
    with np.load(downloads / "mnist-mlp-weights.npz", allow_pickle=False) as f:
        assert json.loads(str(f["meta"]))["my_digits"] == 2
    page.click("#forget-my-digits")
    assert page.wait_for(lambda: gallery(page) == [])
    mine = downloads / "theirs.npz"
    np.savez_compressed(mine, x=np.concatenate([x, x[:1]]), y=np.array([6, 6, 9]))
    page.find("#import-my-digits").send_keys(str(mine))
    assert page.wait_for(lambda: gallery(page) == ["6", "6", "9"])
    assert learned(page, 3)
    assert "Added 3 digits from theirs.npz" in page.text("#message") or "Learned" in page.text("#message")


def page_heap(page):
    return int(page.find("#page-memory").get_attribute("data-heap"))


def test_teaching_keeps_the_pages_heap_flat(page):
    """MicroPython on the page collects garbage only between calls from JavaScript
    and never gives a grown heap back: teaching a dozen digits once grew it by
    over 360 MB (pure-Python base64), and its pauses cost the worker. Once up,
    the page's heap is a few MB (gc.mem_free()'s 128 MiB the heap may grow
    by are not counted: ui/page_memory.py)."""
    assert page.wait_for(lambda: page.find("#page-memory").get_attribute("data-heap"))
    before = page_heap(page)
    assert before < 16 * 2 ** 20
    for digit in ("1", "8", "6", "9", "2", "4"):
        teach(page, digit, ODD_DIGITS[digit])
    assert page.number("my_digits") == 12
    assert page_heap(page) < before + 32 * 2 ** 20
    assert page.driver.execute_script("return document.documentElement.dataset.worker") == "ready"
