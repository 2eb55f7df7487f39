"""The page trains in its worker: start, stop, settings, and live status."""
from tests.harness.browser import Page, page_errors, SUBPATH
from tests.harness.samples import SHIPPED_META, SHIPPED_SAMPLES


def test_a_first_visit_boots_ready_with_the_shipped_weights_and_the_full_page(page):
    """One boot for all a first visit shows: the shipped weights (their counts
    as their file says), the data cache filled, Start enabled, and the full
    page (not ?embed: test_embed.py) unfolded."""
    assert page.find("#weights-source").get_attribute("data-source") == "shipped"
    assert page.text("#weights-source") == "Shipped pretrained weights"
    assert page.number("iteration") == SHIPPED_META["iteration"]
    assert page.number("samples_seen") == SHIPPED_SAMPLES
    assert page.number("test_acc") >= 0.95
    assert page.wait_for(lambda: page.number("data_len") == page.number("cache_size"))
    assert page.find("#start").is_enabled()
    assert page.find("#settings").is_displayed() and not page.find("#more").is_displayed()
    assert not page.find("#full-page").is_displayed()


def test_start_trains_and_stop_halts(page):
    start = page.number("iteration")
    page.click("#start")
    assert page.wait_for(lambda: page.number("iteration") >= start + 50)
    assert page.status("training") == "True"
    assert page.number("samples_per_s") > 0
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")
    stopped_at = page.number("iteration")
    # A setting sent after Stop: once its status shows, the worker has run on
    # past the Stop, and it trained no more.
    page.set_input("#cache-size", 5)
    assert page.wait_for(lambda: page.number("cache_size") == 5)
    assert page.number("iteration") == stopped_at


def test_loss_falls_from_random_weights(page):
    page.click("#randomize")
    assert page.wait_for(lambda: page.number("test_acc") is not None and page.number("test_acc") < 0.5)
    page.set_input("#learning-rate", 0.001)   # slow enough to see the start of the curve
    assert page.wait_for(lambda: page.number("lrate") == 0.001)
    page.click("#start")
    early = page.wait_for(lambda: page.number("loss"), poll=0.01)
    assert page.wait_for(lambda: page.number("loss") < early / 2, timeout=30)
    assert page.wait_for(lambda: page.number("test_acc") > 0.8, timeout=30)
    page.click("#stop")


def test_each_setting_shows_up_in_the_next_status(page):
    for selector, field, value, shown in [("#batch-size", "batch_size", 32, 32.0),
                                          ("#learning-rate", "lrate", 0.01, 0.01),
                                          ("#cache-size", "cache_size", 3, 3.0)]:
        page.set_input(selector, value)
        assert page.wait_for(lambda: page.number(field) == shown), selector
        assert page.text("#message") == "", selector


def test_invalid_setting_is_rejected_and_nothing_changes(page):
    for value in ["-1", "0", "abc", "1e9"]:
        page.driver.execute_script("document.querySelector('#message').textContent = ''")
        page.set_input("#batch-size", value)
        assert page.wait_for(lambda: page.text("#message") != ""), value
        assert "batch size" in page.text("#message").lower(), value
        page.click("#start")                            # status refreshes
        assert page.wait_for(lambda: page.status("training") == "True"), value
        assert page.number("batch_size") == 64, value
        page.click("#stop")
        assert page.wait_for(lambda: page.status("training") == "False"), value


def test_statuses_never_overwrite_a_setting_being_typed(page):
    """Ten statuses a second are shown while training; a field with the focus
    keeps what is being typed (it lost keystrokes under load before)."""
    page.click("#start")
    assert page.wait_for(lambda: page.status("training") == "True")
    page.driver.execute_script("const f = document.querySelector('#batch-size'); f.focus(); f.value = '7'")
    seen = page.number("samples_seen")
    assert page.wait_for(lambda: page.number("samples_seen") > seen + 64 * 20)   # many renders later
    assert page.driver.execute_script("return document.querySelector('#batch-size').value") == "7"
    page.click("#stop")


def test_cache_refills_to_its_size_and_trains_from_it(page):
    page.set_input("#cache-size", 12)
    assert page.wait_for(lambda: page.number("data_len") + page.number("data_futures_len") == 12)
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > 12 * 1000)   # more than one cache-full
    page.click("#stop")


def test_failed_fetch_and_corrupt_block_are_counted_never_fatal(driver, server, faults):
    faults["train-003.bin"] = "corrupt"
    faults["train-005.bin"] = "fail-once"
    page = Page(driver, server + "/").open()
    page.click("#start")
    assert page.wait_for(lambda: page.number("corrupt_blocks") >= 1 and page.number("fetch_errors") >= 1,
                         timeout=30)
    iteration = page.number("iteration")
    assert page.wait_for(lambda: page.number("iteration") > iteration + 50)
    page.click("#stop")
    # A failed fetch logs a 503 in the console; nothing else may go wrong.
    assert [e for e in page_errors(driver) if "503" not in e] == []


def test_missing_data_shows_an_error_not_a_blank_page(driver, server, faults):
    faults["manifest.json"] = "missing"
    page = Page(driver, server + "/").open(expect="error")
    assert page.find("#error-panel").is_displayed()
    assert "manifest.json" in page.text("#error-panel")


def test_works_below_a_sub_path(driver, server):
    page = Page(driver, server + SUBPATH).open()
    page.click("#start")
    assert page.wait_for(lambda: page.number("iteration") >= 20)
    page.click("#stop")
    assert page_errors(driver) == []
