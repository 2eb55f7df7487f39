"""Offline after the first visit (sw.js, static/js/offline.js): one visit keeps
the page's files; with the server shut down (connections refused) the page
gets ready, predicts a drawn digit and trains, below a sub-path and from a
dist/ built by tools/build/dist.py. A new deploy replaces the kept set whole, and
one that cannot be kept whole leaves the old set in use."""
import os
import urllib.request

import pytest
from selenium.webdriver.support.select import Select

from tests.harness.browser import DIGITS, ROOT, SUBPATH, Page, draw, page_errors, redraw, serve

from tools.build import dist, page_set
from tools.build import offline_set

KEPT_TIMEOUT_S = 90      # 26 MB fetched and hashed by the service worker, on a busy machine


def offline_state(page):
    return page.driver.execute_script("return document.documentElement.dataset.offline")


def wait_offline_state(page, expected):
    assert page.wait_for(lambda: offline_state(page) in (expected, "failed"), KEPT_TIMEOUT_S), \
        (offline_state(page), page.state(), page.status("training"), page.text("#offline"))
    assert offline_state(page) == expected, page.text("#offline")


def shut_down(httpd, url):
    """The server gone for good: a connection is refused, as with no network."""
    httpd.shutdown()
    httpd.server_close()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=5)


def page_text(page, path):
    """A file as the page gets it now (from the kept set when it is controlled)."""
    return page.driver.execute_async_script(
        "fetch(arguments[0]).then(r => r.text()).then(arguments[1], e => arguments[1]('failed: ' + e))",
        path)


def read_version(root):
    return offline_set.offline_set(root, page_set.page_files(root))["version"]


def offline_caches(page):
    return page.driver.execute_async_script(
        "caches.keys().then(keys => arguments[0](keys.filter(k => k.startsWith('digits-offline '))))")


def predicts_and_trains(page):
    assert page.driver.execute_script("return !!navigator.serviceWorker.controller")
    draw(page, DIGITS["0"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "0")
    assert page.wait_for(lambda: page.state() == "ready", timeout=60)    # embedded, drawing woke it
    seen = page.number("samples_seen")
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > seen + 20000, timeout=30)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")


def read_by_convnet(page, digit):
    """Draw `digit` afresh: did the convnet read it (the MLP answers until it is up)?"""
    read = redraw(page, DIGITS[digit])
    return (page.find("#prediction").get_attribute("data-model"), read) == ("cnn", digit)


@pytest.fixture
def dist_copy(tmp_path):
    out = str(tmp_path / "dist")
    dist.build(out)
    return out


def test_below_a_sub_path_the_page_works_with_the_server_gone(new_driver):
    driver = new_driver()
    offline_set.write(ROOT, page_set.page_files(ROOT))      # as set-up does: this tree, as it is now
    url, httpd = serve(ROOT)
    try:
        page = Page(driver, url + SUBPATH).open()
        wait_offline_state(page, "kept")
        assert "Available offline" in page.text("#offline")
    finally:
        shut_down(httpd, url)
    page = Page(driver, url + SUBPATH + "?embed").open("idle")     # the page, whatever its query
    assert page.driver.execute_script("return 'embed' in document.documentElement.dataset")
    predicts_and_trains(page)
    assert page_errors(driver) == []


def test_from_dist_the_page_works_with_the_server_gone(new_driver, dist_copy):
    driver = new_driver()
    url, httpd = serve(dist_copy)
    try:
        page = Page(driver, url + SUBPATH).open()
        wait_offline_state(page, "kept")
    finally:
        shut_down(httpd, url)
    page.open()
    predicts_and_trains(page)
    # The convnet, read by the page's kernel from the worker's checkpoint.
    Select(page.find("#architecture")).select_by_value("cnn")
    assert page.wait_for(lambda: page.status("architecture") == "cnn", timeout=30), page.text("#message")
    assert page.wait_for(lambda: read_by_convnet(page, "7"), timeout=60)
    assert page_errors(driver) == []


def deploy(root, changes):
    """Write the files (path -> text appended), then the set, as `make dist` would."""
    for path, text in changes.items():
        with open(os.path.join(root, path), "a") as f:
            f.write(text)
    return offline_set.write(root, page_set.page_files(root))["version"]


def reopen(page, origin, root):
    """Close the page's only tab, wait until a waiting version has taken over
    (once no tab shows the old set), then open the page in a new tab."""
    driver = page.driver
    with open(os.path.join(root, "outside.html"), "w") as f:   # out of the page's scope
        f.write('<!doctype html><link rel="icon" href="data:,"><title>elsewhere</title>')
    old = driver.current_window_handle
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    driver.switch_to.window(old)
    driver.close()
    driver.switch_to.window(new)
    driver.get(origin + "/outside.html")
    assert page.wait_for(lambda: driver.execute_async_script(
        "navigator.serviceWorker.getRegistration(arguments[0])"
        ".then(r => arguments[1](!!r && !r.waiting && !r.installing))", SUBPATH))
    return page.open()


def test_a_new_deploy_replaces_the_kept_set_whole_on_the_next_visits(new_driver, dist_copy):
    driver = new_driver()
    url, httpd = serve(dist_copy)
    css = "./static/css/app.css"
    try:
        page = Page(driver, url + SUBPATH).open()
        wait_offline_state(page, "kept")
        first = "digits-offline %s%s %s" % (url, SUBPATH, read_version(dist_copy))
        assert offline_caches(page) == [first]

        second = deploy(dist_copy, {"static/css/app.css": "/* deploy 2 */\n"})
        page.open()                    # still the first set, whole; the second is kept meanwhile
        wait_offline_state(page, "update")
        assert "deploy 2" not in page_text(page, css)
        page = reopen(page, url, dist_copy)
        wait_offline_state(page, "kept")
        assert "deploy 2" in page_text(page, css)
        assert offline_caches(page) == ["digits-offline %s%s %s" % (url, SUBPATH, second)]

        # A deploy caught half uploaded: a file differs from what its list says.
        deploy(dist_copy, {"static/css/app.css": "/* deploy 3 */\n"})
        with open(os.path.join(dist_copy, "static/js/embed-mode.js"), "a") as f:
            f.write("// not yet the file the list names\n")
        page.open()
        wait_offline_state(page, "failed")
        assert "as kept before" in page.text("#offline") and "embed-mode.js" in page.text("#offline")
        assert "deploy 3" not in page_text(page, css)
    finally:
        shut_down(httpd, url)
    page.open()                        # the second set, whole, with the server gone
    assert "deploy 2" in page_text(page, css) and "deploy 3" not in page_text(page, css)
    assert page_errors(driver) == []


def test_nothing_is_kept_while_training_and_a_set_that_cannot_be_whole_is_not_kept(new_driver, dist_copy):
    driver = new_driver()
    # A block the host lacks: the set cannot be kept whole, and the worker's
    # failed fetches stay its own to see and count.
    os.remove(os.path.join(dist_copy, "static/data/train-003.bin"))
    url, httpd = serve(dist_copy)
    try:
        page = Page(driver, url + SUBPATH).open()
        # The cache counts fetch errors from boot on: they alone can come
        # before the status that enables Stop.
        page.start_training(timeout=30)
        assert page.wait_for(lambda: page.number("fetch_errors") >= 1, timeout=30)
        assert offline_state(page) is None and offline_caches(page) == []
        page.click("#stop")
        wait_offline_state(page, "failed")
        assert page.text("#offline") == ("Not available offline: static/data/train-003.bin: HTTP 404."
                                         " Online it works as usual.")
        assert page.driver.execute_script("return navigator.serviceWorker.controller") is None
        page.open()                                    # still from the server, as before
        assert page.driver.execute_script("return navigator.serviceWorker.controller") is None
    finally:
        shut_down(httpd, url)
    # The worker's own 404s are all the console holds.
    assert [e for e in page_errors(driver) if "404" not in e] == []
