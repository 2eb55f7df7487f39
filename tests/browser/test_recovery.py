"""A dead or hung model worker is noticed, said in words, and replaced by a new
one with the last checkpoint and settings; drawing never stops meanwhile."""
from selenium.webdriver.support.select import Select

from tests.harness.browser import DIGITS, draw
from tests.harness.samples import SHIPPED_SAMPLES

KILL = "document.querySelector('script[type=py][worker]').xworker.terminate()"


def test_a_terminated_worker_is_replaced_and_trains_again(page):
    page.set_input("#batch-size", 32)
    saved = page.find("#autosave-state").get_attribute("data-saved")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES + 30000, timeout=30)
    # A checkpoint of this training is kept: at 60k samples/s the count passes
    # that before the first one (every 2 s) comes.
    assert page.wait_for(lambda: page.find("#autosave-state").get_attribute("data-saved") != saved,
                         timeout=30)
    page.driver.execute_script(KILL)                     # as a crashed worker process
    assert page.wait_for(lambda: page.worker() == "lost", timeout=10)
    assert "stopped working" in page.text("#message")
    assert page.find("#start").is_enabled() is False
    page.click("#clear")                                 # drawing goes on meanwhile
    draw(page, DIGITS["1"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "1")
    assert page.wait_for(lambda: page.worker() == "ready", timeout=60)
    assert "Recovered" in page.text("#message")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES)  # the last checkpoint
    assert page.wait_for(lambda: page.number("batch_size") == 32)   # and the settings
    seen = page.number("samples_seen")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > seen + 5000)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")


def test_an_idle_worker_that_dies_is_noticed_too(page):
    page.driver.execute_script(KILL)
    assert page.wait_for(lambda: page.worker() == "lost", timeout=10)
    assert page.wait_for(lambda: page.worker() == "ready", timeout=60)
    assert page.number("samples_seen") == SHIPPED_SAMPLES and page.number("test_acc") >= 0.95
    page.click("#randomize")
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)


def test_a_live_worker_busy_with_big_batches_is_not_taken_for_dead(page):
    """The convnet's steps on 2,048 digits take seconds without a pause, and
    Stop evaluates in full after the step under way: the worker says how long
    an answer can take (busy_s), and the page waits that long."""
    page.driver.execute_script(
        "window.__workerStates = []; new MutationObserver(() => window.__workerStates.push("
        "document.documentElement.dataset.worker)).observe(document.documentElement,"
        " {attributeFilter: ['data-worker']});")
    Select(page.find("#architecture")).select_by_value("cnn")
    assert page.wait_for(lambda: page.status("architecture") == "cnn", timeout=30)
    page.set_input("#batch-size", 2048)
    assert page.wait_for(lambda: page.number("batch_size") == 2048)
    seen = page.number("samples_seen")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") >= seen + 3 * 2048, timeout=90)
    assert page.number("busy_s") > 0.2
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    assert "lost" not in page.driver.execute_script("return window.__workerStates"), page.text("#message")
    assert "stopped working" not in page.text("#message")
