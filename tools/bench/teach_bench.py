"""`make bench`'s figures for teaching it your handwriting.

In the browser, on a fresh page with the shipped weights: a hand of odd
shapes (browser.ODD_DIGITS) drawn as pointer strokes at 6 sizes and places
each (every other one of ODD_PLACES: a drawing takes about a second),
before and after teaching two drawings of each (Start never pressed), and
after 20 s of training on; plain digits alongside; held-out accuracy.
Natively, through the page's own code (shared/paper.py, shared/preprocess.py):
photos of digits in other writers' hands (tools/bench/handwriting.py), read by the
shipped weights of each model.
"""
import json
import time

import numpy as np

from shared import paper, preprocess
from tests.harness.browser import (DIGITS, ODD_DIGITS, ODD_PLACES, TAUGHT_PLACES, Page, draw, make_driver,
                                   page_errors, serve)
from tools.bench.handwriting import photos

TRAIN_ON_S = 20
PLACES = ODD_PLACES[::2]


def read(page, strokes, place):
    page.click("#clear")
    page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "", poll=0.02)
    draw(page, strokes, **place)
    page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") != "", poll=0.02)
    return page.find("#prediction").get_attribute("data-digit")


def share_right(page, hand):
    right = [read(page, strokes, place) == digit for digit, strokes in hand.items()
             for place in PLACES]
    return round(sum(right) / len(right), 3)


def teaching(page):
    figures = {"odd_right_before": share_right(page, ODD_DIGITS),
               "plain_right_before": share_right(page, DIGITS)}
    taught = 0
    for digit, strokes in ODD_DIGITS.items():
        for place in TAUGHT_PLACES:
            read(page, strokes, place)
            page.click('#teach button[data-digit="%s"]' % digit)
            taught += 1
            page.wait_for(lambda: page.number("my_digits") == taught, poll=0.02)
    last_lesson = time.monotonic()
    # The last teach starts a whole lesson over, so the page's word that it learned
    # from all of them comes when that lesson is over, as the visitor sees it.
    done = "Learned from your %d digits" % taught
    learned = page.wait_for(lambda: page.text("#message").startswith(done), timeout=60, poll=0.02)
    figures["lesson_done_after_last_teach_s"] = (round(time.monotonic() - last_lesson, 2)
                                                 if learned else None)
    figures["odd_right_after_lesson"] = share_right(page, ODD_DIGITS)
    figures["plain_right_after_lesson"] = share_right(page, DIGITS)
    figures["heldout_after_lesson"] = page.number("test_acc")
    figures["my_digits_right_after_lesson"] = page.number("my_acc")
    figures["training_pressed_before_these"] = False
    page.click("#start")
    time.sleep(TRAIN_ON_S)
    page.click("#stop")
    page.wait_for(lambda: page.status("training") == "False")
    figures["odd_right_after_20s_training"] = share_right(page, ODD_DIGITS)
    figures["plain_right_after_20s_training"] = share_right(page, DIGITS)
    figures["heldout_after_20s_training"] = page.number("test_acc")
    return figures


def photographed(models):
    """Share of other writers' photographed digits each model reads right, overall
    and for the writer it reads worst; each photo is made a digit as the page does.
    models: {architecture: model}."""
    shots = photos()
    digits = np.stack([np.array(preprocess.preprocess(paper.from_picture(rgba, w, h)), np.float32)
                       for _, _, rgba, w, h in shots])
    labels = np.array([label for _, label, *_ in shots])
    writers = sorted({writer for writer, *_ in shots})
    figures = {"photos_writers": len(writers), "photos": len(shots)}
    for name, model in models.items():
        right = model.predict(digits) == labels
        by_writer = [right[[w == writer for w, *_ in shots]].mean() for writer in writers]
        figures["photos_right_" + name] = round(float(right.mean()), 3)
        figures["photos_right_worst_writer_" + name] = round(float(min(by_writer)), 3)
    return figures


def main():
    """The teaching figures alone, on a fresh page: `python -m tools.bench.teach_bench`."""
    url, httpd = serve()
    driver = make_driver()
    try:
        figures = teaching(Page(driver, url + "/").open())
        figures["page_errors"] = len(page_errors(driver))
        print(json.dumps(figures))
    finally:
        driver.quit()
        httpd.shutdown()


if __name__ == "__main__":
    main()
