"""At run time the page and its worker load nothing from another origin.

Chromium's NetLog records every request the browser makes, workers included.
Requests made for the page carry its site in their network isolation key;
the browser's own housekeeping (update checks and the like) does not. The test
trains for a moment, then checks the origin of every request made for the page.
"""
import json
from urllib.parse import urlsplit

from tests.harness.browser import Page, page_errors
from tests.harness.samples import SHIPPED_SAMPLES


def urls_requested_for(site, net_log_path):
    with open(net_log_path) as f:
        text = f.read()
    # A log cut short by the browser's exit lacks its closing brackets.
    try:
        log = json.loads(text)
    except ValueError:
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return {e["params"]["url"] for e in log["events"]
            if e["type"] == start_job and "params" in e
            and e["params"].get("network_isolation_key", "").split(" ")[0] == site}


def test_every_request_stays_on_the_page_origin(new_driver, server, tmp_path):
    net_log = tmp_path / "netlog.json"
    driver = new_driver(["--log-net-log=%s" % net_log])
    page = Page(driver, server + "/").open()
    page.click("#start")
    assert page.wait_for(lambda: page.number("samples_seen") > SHIPPED_SAMPLES + 20000, timeout=30)
    page.click("#stop")
    assert page_errors(driver) == []
    driver.quit()                     # the browser writes out the whole log as it quits
    origin = urlsplit(server)
    urls = urls_requested_for("%s://%s" % (origin.scheme, origin.hostname), net_log)
    assert any(u.endswith("/static/data/train-000.bin") for u in urls)  # the worker's fetches
    assert any(u.endswith(".whl") for u in urls)                        # numpy's wheel
    assert [u for u in urls if urlsplit(u).netloc != origin.netloc] == []
