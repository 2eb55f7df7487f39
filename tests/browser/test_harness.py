"""The shared browser's promise (tests/browser/conftest.py's `driver`): after
wipe(), a test meets the page as a first visitor does, though the browser
visited before. Many tests count on a first visit: shipped weights, no
autosave, no service worker, nothing kept offline."""
from tests.harness.browser import Page, page_errors, wipe
from tests.harness.samples import SHIPPED_SAMPLES

STORED = """
const done = arguments[0];
Promise.all([
  indexedDB.databases().then(dbs => dbs.map(db => db.name)),
  caches.keys(),
  navigator.serviceWorker.getRegistrations().then(rs => rs.length),
  localStorage.length,
]).then(([databases, caches, workers, items]) => done({databases, caches, workers, items,
                                                        controlled: !!navigator.serviceWorker.controller}),
        error => done(String(error)));
"""


def stored(driver, server):
    """What the server's origin holds, seen from a plain file of it (not the app, which would store again)."""
    driver.get(server + "/sw.js")
    return driver.execute_async_script(STORED)


def test_a_wiped_browser_is_a_first_visitor_again(browser, server):
    driver = browser[0]
    wipe(driver)
    page = Page(driver, server + "/").open()
    page.train_from_random(samples=1000)              # Stop saves the model: IndexedDB
    assert page.wait_for(lambda: page.find("#autosave-state").get_attribute("data-saved"))
    driver.execute_script("localStorage.setItem('visited', '1')")
    assert page.wait_for(lambda: driver.execute_script("return document.documentElement.dataset.offline")
                         in ("kept", "failed"), timeout=90)   # the service worker keeps 26 MB
    assert driver.execute_script("return document.documentElement.dataset.offline") == "kept"
    before = stored(driver, server)
    assert before["databases"] and before["caches"] and before["workers"] and before["items"], before

    wipe(driver)
    assert stored(driver, server) == {"databases": [], "caches": [], "workers": 0, "items": 0,
                                      "controlled": False}
    page.open()
    assert page.find("#weights-source").get_attribute("data-source") == "shipped"
    assert page.number("samples_seen") == SHIPPED_SAMPLES
    assert page_errors(driver) == []
