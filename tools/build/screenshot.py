"""`make screenshots`: pictures of the real page for the README, made from the
page itself in headless Chromium: the full page after some training with a
digit drawn, and the embed layout at 640x480 (docs/page.png, docs/embed.png)."""
import os

from tests.harness.browser import DIGITS, ROOT, SUBPATH, Page, draw, make_driver, page_errors, serve, viewport

DOCS = os.path.join(ROOT, "docs")
# Open the confusion matrix's cell with the most mistakes, to show its digits.
BIGGEST_MISTAKE = """
const cells = [...document.querySelectorAll('#confusion button')].filter(b => b.dataset.true !== b.dataset.pred);
cells.sort((a, b) => +b.textContent - +a.textContent)[0].click();
"""


def full_page(driver, url):
    driver.set_window_size(1280, 1000)
    page = Page(driver, url).open()
    page.train_from_random(samples=40000)
    driver.execute_script(BIGGEST_MISTAKE)
    draw(page, DIGITS["4"])
    if not page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "4"):
        raise SystemExit("the drawn 4 was not read as 4: the README's caption would be wrong")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    viewport(driver, 1280, height)
    driver.save_screenshot(os.path.join(DOCS, "page.png"))


def embed(driver, url):
    viewport(driver, 640, 480)
    page = Page(driver, url + "?embed").open("idle")
    draw(page, DIGITS["7"])                 # the reader's first touch: the trainer loads
    if not page.wait_for(lambda: page.state() == "ready", timeout=120):
        raise SystemExit("the embed's trainer did not come up: %s" % page.text("#message"))
    page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") != "")
    driver.save_screenshot(os.path.join(DOCS, "embed.png"))


def main():
    os.makedirs(DOCS, exist_ok=True)
    url, httpd = serve()
    driver = make_driver()
    try:
        full_page(driver, url + SUBPATH)
        embed(driver, url + SUBPATH)
        errors = page_errors(driver)
    finally:
        driver.quit()
        httpd.shutdown()
    if errors:
        raise SystemExit("the page logged errors: %s" % errors)
    print("docs/page.png, docs/embed.png")


if __name__ == "__main__":
    main()
