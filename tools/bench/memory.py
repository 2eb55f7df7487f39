"""What the page costs a device in memory, as the system counts it: the
proportional set size (PSS) of the browser's renderer processes, which hold
the page and its workers' threads, from /proc/PID/smaps_rollup. Shared pages
are split between the processes that map them. Each page is opened in a tab
of its own with the tabs before it closed, so that no renderer of an earlier
page is counted; but Chromium's own renderers (the spare it keeps ready, and
one more in a new headless profile) are, for the blank page as for this one:
the page's cost is the difference. Measured against a blank page in the
same browser, one after the other, and against the floor any page with a
Pyodide + numpy worker pays: tools/bench/pyodide_floor/, that worker alone."""
import time

from tests.harness.browser import Page, alone_in_a_new_tab
from tools.bench import page_speed
from tools.bench.renderers import page_renderers

SETTLE_S = 3          # after a navigation or a Stop: caches fill, the collector runs
TRAIN_S = 30
BLANK_PAGE = "data:text/html,<title>blank</title><p>blank"
FLOOR = "/tools/bench/pyodide_floor/"
FLOOR_TIMEOUT_S = 120


def renderers_pss(driver):
    """Bytes: the PSS of the renderers of the Chromium that `driver` drives."""
    total = 0
    for pid in page_renderers(driver):
        try:
            with open("/proc/%s/smaps_rollup" % pid) as f:
                total += sum(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except OSError:
            continue
    return total


def after_training(page, driver, architecture):
    """PSS after TRAIN_S of training one architecture, still training."""
    page_speed.choose(page, architecture)
    page.click("#start")
    page.wait_for(lambda: page.status("training") == "True")
    time.sleep(TRAIN_S)
    pss = renderers_pss(driver)
    page.click("#stop")
    page.wait_for(lambda: page.status("training") == "False")
    return pss


def floor_pss(driver, url):
    """PSS of the Pyodide floor's page once its worker has numpy imported."""
    alone_in_a_new_tab(driver)
    driver.get(url + FLOOR)
    deadline = time.monotonic() + FLOOR_TIMEOUT_S
    while driver.execute_script("return document.documentElement.dataset.state") != "ready":
        if time.monotonic() > deadline:
            raise RuntimeError("the Pyodide floor did not get ready in %d s" % FLOOR_TIMEOUT_S)
        time.sleep(0.1)
    time.sleep(SETTLE_S)
    return renderers_pss(driver)


def memory_figures(driver, url):
    """MB of renderer PSS: a blank page; the Pyodide floor; this page idle
    once ready, and after 30 s of training each model, each also over the
    blank page; and MicroPython's heap as the page reports it."""
    alone_in_a_new_tab(driver)
    driver.get(BLANK_PAGE)
    time.sleep(SETTLE_S)
    blank = renderers_pss(driver)
    floor = floor_pss(driver, url)
    alone_in_a_new_tab(driver)
    page = Page(driver, url + "/").open()
    time.sleep(SETTLE_S)
    idle = renderers_pss(driver)
    heap = page.find("#page-memory")
    figures = {"memory_python_heap_mb": int(heap.get_attribute("data-heap")),
               "memory_blank_page_mb": blank}
    for moment, pss in (("pyodide_floor", floor), ("idle", idle),
                        ("training_mlp", after_training(page, driver, "mlp")),
                        ("training_cnn", after_training(page, driver, "cnn"))):
        figures["memory_%s_mb" % moment] = pss
        figures["memory_%s_over_blank_mb" % moment] = pss - blank
    return {name: round(value / 1e6, 1) for name, value in figures.items()}
