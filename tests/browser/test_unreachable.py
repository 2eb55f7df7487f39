"""A file the page needs first cannot be fetched at all (a network error, not
an HTTP status): the page says why, and drawing and predicting go on."""
from selenium.webdriver.support.select import Select

from tests.harness.browser import DIGITS, Page, draw, ink, page_errors


def blocked_page(driver, server, pattern):
    """The page with the browser refusing requests to `pattern` (as offline would)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": [pattern]})
    return Page(driver, server + "/").open()


def test_an_unreachable_manifest_leaves_the_digits_and_says_why(driver, server):
    page = blocked_page(driver, server, "*/manifest.json")
    assert "manifest could not be read" in page.text("#message")
    assert "the request failed" in page.text("#message")
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    assert page_errors(driver) == []


def test_unreachable_shipped_weights_predict_once_the_worker_is_up(driver, server):
    page = blocked_page(driver, server, "*/pretrained-inference.txt")
    assert page.wait_for(lambda: page.driver.execute_script(
        "return document.documentElement.dataset.predict") == "ready")
    draw(page, DIGITS["0"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "0")
    assert page_errors(driver) == []


def test_without_its_typed_array_kernels_the_page_paints_and_predicts_in_micropython(driver, server):
    """static/js/frame-kernels.js missing: grid.py paints the grid and
    shared/inference.py predicts, as before it existed, taking the trained
    weights from checkpoints while training; with the convnet in use, the
    page says that the MLP predicts meanwhile."""
    page = blocked_page(driver, server, "*/frame-kernels.js")
    assert driver.execute_script("return typeof mlpKernel + typeof gridPainter") == "undefinedundefined"
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    assert ink(page) > 20
    shipped = page.probabilities()
    page.click("#randomize")                   # random weights: the drawing's bars change
    assert page.wait_for(lambda: page.probabilities() != shipped)
    page.click("#start")                       # and follow training, checkpoint by checkpoint
    assert page.wait_for(lambda: (page.number("test_acc") or 0) > 0.8, timeout=60)
    assert page.wait_for(lambda: page.prediction() == "7", timeout=30)
    page.click("#stop")
    Select(page.find("#architecture")).select_by_value("cnn")
    assert page.wait_for(lambda: "the MLP predicts meanwhile" in page.text("#prediction-note"), timeout=30)
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.prediction() == "7")
    assert page.find("#prediction").get_attribute("data-model") == "mlp"
    Select(page.find("#architecture")).select_by_value("mlp")
    assert page.wait_for(lambda: not page.find("#prediction-note").is_displayed(), timeout=30)
    assert page_errors(driver) == []
