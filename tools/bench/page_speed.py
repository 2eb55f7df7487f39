"""The page's training speed as its worker reports it, read by make bench's
parts (bench.py, anchor_bench.py, convnet_bench.py)."""
import statistics
import time

from selenium.webdriver.support.select import Select

from worker.classifier import BATCH_SIZE
from worker.trainer import RATE_WINDOW_S

MEASURE_S = 6.0


def choose(page, architecture):
    """Switch the page to a model ("mlp" or "cnn"), with its shipped weights."""
    Select(page.find("#architecture")).select_by_value(architecture)
    page.wait_for(lambda: page.status("architecture") == architecture, timeout=60)


def samples_per_s(page, seconds=MEASURE_S):
    """Start; once 20 batches are done and a whole rate window has passed, the
    median of the worker's own samples/s readings over `seconds`; then Stop."""
    seen = page.number("samples_seen") or 0
    page.click("#start")
    page.wait_for(lambda: page.number("samples_seen") > seen + 20 * BATCH_SIZE)
    time.sleep(RATE_WINDOW_S)
    readings = page.readings("samples_per_s", seconds)
    page.click("#stop")
    page.wait_for(lambda: page.status("training") == "False")
    return statistics.median(readings)
