"""Faults in the data path, from a test server that breaks
chosen files (tests/harness/browser.py's Handler; every answer says no-store, so the
browser's cache hides nothing). Whatever breaks, the page stays usable: good
blocks train on and failures are counted; with no data at all, training
pauses, the page says so in words, asks rarely and goes on by itself once the
data is back; a bad manifest shows the error panel with its reason, and
drawing still predicts. The console holds nothing but the failed loads."""
import pytest

from tests.harness.browser import DIGITS, Handler, Page, draw, errors_beyond_failed_loads
from worker.cache import PROBE_EVERY_S      # one request this often in an outage

NOT_JSON = "manifest is not valid JSON"


def training(driver, server):
    """A booted page, training from the shipped weights."""
    page = Page(driver, server + "/").open()
    page.start_training()
    return page


def trains_on(page, samples, timeout=30):
    """samples_seen grows by at least `samples` from now."""
    seen = page.number("samples_seen")
    return page.wait_for(lambda: page.number("samples_seen") >= seen + samples, timeout)


def stop(page):
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")


def test_failing_blocks_are_counted_and_training_goes_on_with_the_others(driver, server, faults):
    faults["train-003.bin"] = "missing"
    faults["train-007.bin"] = "500"
    faults["train-005.bin"] = "fail-once"                # a 503, then the block as it is
    page = training(driver, server)
    assert page.wait_for(lambda: page.number("fetch_errors") >= 3, timeout=30)
    assert trains_on(page, 9000)                         # more than an epoch of the others
    assert page.status("data_state") == "ok"
    assert not page.find("#data-state").is_displayed()
    stop(page)
    assert errors_beyond_failed_loads(driver) == []


def test_damaged_bodies_are_counted_never_trained_on_and_training_goes_on(driver, server, faults):
    faults["train-002.bin"] = "truncated"                # short, with an honest length
    faults["train-005.bin"] = "corrupt"                  # a byte flipped
    faults["train-008.bin"] = "dropped"                  # the connection closes mid-body
    page = training(driver, server)
    assert page.wait_for(lambda: page.number("corrupt_blocks") >= 2
                         and page.number("fetch_errors") >= 1, timeout=30)
    assert trains_on(page, 9000)
    assert page.status("data_state") == "ok"
    stop(page)
    assert errors_beyond_failed_loads(driver) == []


def test_slow_answers_keep_training_from_the_cache_with_no_false_failures(driver, server, faults):
    faults["/static/data/train-"] = "slow"              # every training block takes seconds
    page = training(driver, server)
    assert trains_on(page, 2 * 8 * 1000, timeout=60)    # the cache refilled twice over
    assert page.number("fetch_errors") == 0 and page.number("corrupt_blocks") == 0
    assert page.status("data_state") == "ok"
    stop(page)
    assert errors_beyond_failed_loads(driver) == []


def test_an_outage_pauses_training_says_so_and_ends_by_itself(driver, server, faults):
    """A host answering 500, then one refusing connections: one outage after the other."""
    page = training(driver, server)
    for fault in ("500", "refused"):
        assert trains_on(page, 1000)
        faults["/static/data/"] = fault                 # the host fails every data request
        assert page.wait_for(lambda: page.status("data_state") == "unreachable", timeout=30), fault
        assert page.find("#data-state").is_displayed()
        assert "Can't reach the training data, retrying" in page.text("#data-state")
        assert page.status("training") == "True"        # paused, not stopped
        paused_at = page.number("samples_seen")
        Handler.faulty_answers.clear()
        # The outage goes on: the page asks again by itself, one request at a time,
        # PROBE_EVERY_S apart (the server's clock; a slow machine only spaces them more).
        assert page.wait_for(lambda: len(Handler.faulty_answers) >= 2, timeout=3 * PROBE_EVERY_S), fault
        (first, _), (second, _) = Handler.faulty_answers[:2]
        assert second - first >= 0.9 * PROBE_EVERY_S, Handler.faulty_answers
        assert page.number("samples_seen") == paused_at
        assert page.status("data_state") == "unreachable"
        faults.clear()                                  # the host is back; nobody clicks
        assert trains_on(page, 1000), fault
        assert page.wait_for(lambda: page.status("data_state") == "ok"), fault
        assert page.wait_for(lambda: not page.find("#data-state").is_displayed()), fault
    stop(page)
    assert errors_beyond_failed_loads(driver) == []


@pytest.mark.parametrize("fault, reason", [
    ("html", NOT_JSON),             # a host that answers every path with a page
    ("truncated", NOT_JSON),
    ("missing", "manifest.json: HTTP 404"),
])
def test_a_bad_manifest_shows_the_error_panel_with_why_and_drawing_still_predicts(
        driver, server, faults, fault, reason):
    faults["manifest.json"] = fault
    page = Page(driver, server + "/").open(expect="error")
    assert page.find("#error-panel").is_displayed()
    assert reason in page.text("#error-panel")
    assert page.worker() == "failed"
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    assert errors_beyond_failed_loads(driver) == []
