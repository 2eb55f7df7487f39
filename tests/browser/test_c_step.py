"""The MLP trains with its step in C (static/kernels/mlp_step.wasm);
when that file is missing or is not the library, numpy trains it instead,
the status says so, the console says why, and nothing else goes wrong.
(With its C step: test_training.py's Start and Stop.)"""
import pytest

from tests.harness.browser import FAILED_LOAD, Page, errors_beyond_failed_loads


def trains(page):
    """A hundred batches from Start, then Stop."""
    page.click("#start")
    seen = page.number("samples_seen")
    assert page.wait_for(lambda: page.number("samples_seen") > seen + 100 * 64, timeout=60)
    page.click("#stop")
    assert page.wait_for(lambda: page.status("training") == "False")


# Missing, and a file that is not the library (cut short: dlopen refuses it).
@pytest.mark.parametrize("fault", ["missing", "truncated"])
def test_without_its_c_step_numpy_trains_the_mlp_and_the_console_says_why(
        driver, server, faults, fault):
    faults["mlp_step.wasm"] = fault
    page = Page(driver, server + "/").open()
    assert page.status("step") == "numpy"
    trains(page)
    log = driver.get_log("browser")
    assert len([e for e in log if "The MLP trains in numpy: its C step did not load" in e["message"]
                and e["level"] == "WARNING"]) == 1
    assert [e for e in log if e["level"] == "SEVERE" and FAILED_LOAD not in e["message"]] == []
    assert errors_beyond_failed_loads(driver) == []     # and no error banner
