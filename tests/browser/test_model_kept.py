"""The visitor's model is never lost: autosave to IndexedDB, restored on load;
storage that is blocked or full warns once and everything else works. (A
first visit's shipped weights: test_training.py.)"""
import time

import pytest

from tests.harness.browser import Page, drawn_probabilities, page_errors
from shared import autosave
from tests.harness.samples import SHIPPED_SAMPLES


def source(page):
    return page.find("#weights-source").get_attribute("data-source")


def test_train_stop_reload_gives_the_same_model_settings_and_charts_until_forgotten(page):
    page.set_input("#batch-size", 32)
    assert page.wait_for(lambda: page.number("batch_size") == 32)
    page.train_from_random()
    seen = page.number("samples_seen")
    # Stop's own save, not one made while training (it would lack the last chart points)
    assert page.wait_for(lambda: "(%s samples seen)" % autosave.thousands(int(seen))
                         in page.text("#autosave-state"))
    before = drawn_probabilities(page, "4")
    acc = page.number("test_acc")
    points = page.find("#loss-chart").get_attribute("data-points")
    page.open()
    assert page.wait_for(lambda: source(page) == "autosaved")
    assert page.text("#weights-source").startswith("Autosaved at ")
    assert "random weights" in page.text("#weights-source")
    assert page.wait_for(lambda: page.number("samples_seen") == seen
                         and page.number("test_acc") == acc and page.number("batch_size") == 32)
    assert page.wait_for(lambda: page.find("#loss-chart").get_attribute("data-points") == points)
    assert drawn_probabilities(page, "4") == before
    page.click("#forget")                        # Forget removes the saved model
    assert page.wait_for(lambda: "Forgot" in page.text("#message"))
    assert page.number("test_acc") == acc        # the model in use stays
    page.open()
    assert source(page) == "shipped" and page.number("samples_seen") == SHIPPED_SAMPLES


def test_leaving_while_training_keeps_the_trained_weights(page):
    # Saves come every 8 s while training; the save on leaving is a bonus that
    # a browser tearing the page down may drop, so the test waits for one.
    page.train_from_random(samples=1000, stop=False)
    saved = page.find("#autosave-state").get_attribute("data-saved")
    assert page.wait_for(lambda: page.find("#autosave-state").get_attribute("data-saved") != saved
                         and "(0 samples seen)" not in page.text("#autosave-state"), timeout=30)
    page.driver.get("about:blank")               # leave the page mid-training
    page.open()
    assert page.wait_for(lambda: source(page) == "autosaved")
    # Not the shipped weights: trained from random, and on a quiet machine 10 s
    # of training before the save can pass their count.
    assert page.wait_for(lambda: page.number("samples_seen") not in (None, 0, SHIPPED_SAMPLES))
    assert page.number("test_acc") > 0.8


def test_on_a_slow_cpu_leaving_after_25_s_of_training_keeps_the_trained_weights(page):
    """The autosave promise (at most 10 s of training lost) on a slow device:
    the page's main thread 4x slower (DevTools CPU throttling) and busy
    drawing statuses. The visitor leaves 25 s after Start, no save awaited."""
    page.click("#randomize")
    assert page.wait_for(lambda: (page.number("test_acc") or 1) < 0.5)
    page.driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 4})
    try:
        page.click("#start")
        time.sleep(15)             # the visitor's 25 s of training, not a wait for the page
        seen_10_s_before_leaving = page.number("samples_seen")
        time.sleep(10)
        page.driver.get("about:blank")
    finally:
        page.driver.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.open()
    assert page.wait_for(lambda: source(page) == "autosaved")
    assert page.wait_for(lambda: (page.number("samples_seen") or 0) >= seen_10_s_before_leaving)
    assert page.number("test_acc") > 0.8


def test_an_unreadable_saved_model_is_dropped_with_a_message(page):
    stored = page.driver.execute_async_script("""
        const done = arguments[0], open = indexedDB.open('digits-in-your-browser', 1);
        open.onsuccess = () => {
            const put = open.result.transaction('models', 'readwrite');
            put.objectStore('models').put({meta: '{"version": 1}', inference: 'x',
                                           weights: new Uint8Array(3)}, 'autosave');
            put.oncomplete = () => { open.result.close(); done(true); };
            put.onerror = () => done(String(put.error));
        };
        open.onerror = () => done(String(open.error));
        open.onupgradeneeded = () => open.result.createObjectStore('models');""")
    assert stored is True, stored
    page.open()
    assert "could not be used" in page.text("#message")
    assert source(page) == "shipped" and page.number("test_acc") >= 0.95
    page.open()
    assert page.text("#message") == ""             # dropped: said once


# Storage that refuses the page: a database it cannot open (here one of a newer
# version, as another copy of the app might leave), reported as an error event.
BLOCKED = """(() => {
    const open = indexedDB.open('digits-in-your-browser', 2);
    open.onupgradeneeded = () => open.result.createObjectStore('other');
    open.onsuccess = () => open.result.close();
})();"""


@pytest.mark.parametrize("storage, reason", [("blocked", "VersionError"),
                                             ("full", "QuotaExceededError")])
def test_storage_blocked_or_full_warns_once_and_all_else_works(driver, server, storage, reason):
    if storage == "blocked":
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": BLOCKED})
    else:
        driver.execute_cdp_cmd("Storage.overrideQuotaForOrigin",
                               {"origin": server, "quotaSize": 1000})
    page = Page(driver, server + "/").open()
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES + 5000)
    page.click("#stop")
    assert page.wait_for(lambda: page.find("#storage-warning").is_displayed())
    assert reason in page.text("#storage-warning") and "Export" in page.text("#storage-warning")
    assert "Not saved" in page.text("#autosave-state")
    probabilities = drawn_probabilities(page, "7")
    assert probabilities[7] == max(probabilities)
    page.driver.execute_script("document.querySelector('#storage-warning').textContent = ''")
    page.click("#randomize")                      # another save fails: no second warning
    assert page.wait_for(lambda: page.number("test_acc") < 0.5)
    assert page.wait_for(lambda: "Random weights" in page.text("#message"))
    assert page.text("#storage-warning") == ""
    assert page_errors(driver) == []
