"""The page trains in its worker: start, stop, settings, and live status."""
from tests.harness.samples import SHIPPED_META, SHIPPED_SAMPLES
from worker.mlp_step import CStep


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


def test_start_trains_with_the_c_step_and_stop_halts(page):
    """(Without its C step, numpy trains the MLP: test_c_step.py.)"""
    assert page.status("step") == CStep.NAME
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


def test_settings_show_up_in_the_next_status_never_under_typing_and_the_cache_follows(page):
    """Each setting committed shows up in the next status with no complaint;
    while ten statuses a second are shown, a field with the focus keeps what
    is being typed (it lost keystrokes under load before); the cache refills
    to a new size and training runs through more than one cache-full.
    (Refused settings: test_hostile_page.py.)"""
    for selector, field, value, shown in [("#batch-size", "batch_size", 32, 32.0),
                                          ("#learning-rate", "lrate", 0.01, 0.01),
                                          ("#cache-size", "cache_size", 12, 12.0)]:
        page.set_input(selector, value)
        assert page.wait_for(lambda: page.number(field) == shown), selector
        assert page.text("#message") == "", selector
    assert page.wait_for(lambda: page.number("data_len") + page.number("data_futures_len") == 12)
    page.start_training()
    page.driver.execute_script("const f = document.querySelector('#batch-size'); f.focus(); f.value = '7'")
    seen = page.number("samples_seen")
    assert page.wait_for(lambda: page.number("samples_seen") > seen + 12 * 1000)   # many renders later
    assert page.driver.execute_script("return document.querySelector('#batch-size').value") == "7"
    page.click("#stop")
