"""?embed: made for an iframe of 640x480 and for 360 px wide. The grid and the
prediction are first and whole on screen, nothing scrolls sideways, training
is folded with Start one click away, and it works inside a blog's iframe. A
reader who does not touch it fetches what predicting needs and no more: the
trainer loads on the first pointer down, key or focus, and a Start pressed
before it is up trains once it is. (The full page, unfolded: test_training.py's
first visit.)"""
from selenium.webdriver.common.action_chains import ActionChains

from tests.harness.browser import DIGITS, SUBPATH, Page, draw, page_errors, serve, viewport
from tests.harness.samples import SHIPPED_SAMPLES

ON_SCREEN = """
const box = e => e.getBoundingClientRect();
const inside = r => r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
const grid = box(document.querySelector('#grid'));
return {
  grid: inside(grid) && grid.width >= 140,
  prediction: inside(box(document.querySelector('#prediction'))),
  bars: [...document.querySelectorAll('#probs > [data-digit]')].every(e => inside(box(e))),
  start: inside(box(document.querySelector('#start'))),
  sideways: Math.max(0, document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth),
  folded: document.querySelector('#settings').offsetParent === null
       && document.querySelector('#confusion').offsetParent === null,
};
"""
# What a reader who never touches the embed must not fetch: the trainer (its
# Python, Pyodide and numpy, its config) and the data blocks.
TRAINER_FILES = r"""
return performance.getEntriesByType('resource').map(e => e.name).filter(
    name => /\/app\/worker\/|\/static\/vendor\/pyodide\/|\/static\/data\/.*\.bin|pyscript\.toml/.test(name));
"""


def test_grid_and_prediction_first_and_whole_with_training_folded(driver, server):
    """In an iframe of 640x480, then one 360 px wide (the same page resized):
    untouched, it predicts and fetches no trainer; Start, pressed at once,
    loads it and trains as soon as it is up."""
    viewport(driver, 640, 480)
    page = Page(driver, server + SUBPATH + "?embed").open("idle")
    for width, height in ((640, 480), (360, 480)):
        viewport(driver, width, height)
        assert page.driver.execute_script(ON_SCREEN) == {
            "grid": True, "prediction": True, "bars": True, "start": True, "sideways": 0, "folded": True}, width
    assert page.driver.execute_script("return document.documentElement.dataset.predict") == "ready"
    assert page.driver.execute_script(TRAINER_FILES) == [] and page.worker() == "idle"
    page.click("#start")                            # one click, nothing to unfold first
    # Said once Python has the click (a task after it), and for as long as the trainer loads.
    assert page.wait_for(lambda: page.text("#progress") == "Loading the trainer…", poll=0.02)
    assert not page.find("#start").is_enabled()
    assert page.wait_for(lambda: page.state() == "ready", timeout=60)
    assert page.wait_for(lambda: (page.number("samples_seen") or 0) > SHIPPED_SAMPLES + 5000,
                         timeout=30)                # no second press
    assert page.text("#progress").startswith("Held-out: ") and page.text("#start") == "Start"
    page.click("#stop")
    page.click("#more")                             # everything else, one click away
    assert page.find("#settings").is_displayed() and page.find("#confusion").is_displayed()
    assert page.find("#more").get_attribute("aria-expanded") == "true"
    assert page.driver.execute_script(ON_SCREEN)["sideways"] == 0
    page.click("#more")
    assert not page.find("#settings").is_displayed()
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    assert page_errors(driver) == []


def test_more_as_the_first_touch_opens_what_is_folded(driver, server):
    """A person's click holds the button down a moment; that press is the
    first intent, and what loading the trainer changes must not move More
    from under the pointer: the click would be lost."""
    viewport(driver, 640, 480)
    page = Page(driver, server + "/?embed").open("idle")
    assert page.wait_for(lambda: driver.execute_script("return document.documentElement.dataset.predict") == "ready")
    more = page.find("#more")
    ActionChains(driver).move_to_element(more).click_and_hold().pause(0.3).release().perform()
    assert page.wait_for(lambda: page.text("#progress") == "Loading the trainer…", poll=0.02)
    assert more.get_attribute("aria-expanded") == "true" and page.find("#settings").is_displayed()
    assert page.wait_for(lambda: page.state() == "ready", timeout=60)
    assert page_errors(driver) == []


def test_in_a_blog_posts_iframe_on_another_site(driver, server, tmp_path):
    """The README's snippet in a page of another site (localhost, not 127.0.0.1:
    the app's storage is then a third party's)."""
    (tmp_path / "post.html").write_text(
        "<!doctype html><link rel=icon href=data:,><h1>My post</h1><iframe src='%s%s?embed' width='640' height='480' "
        "title='Digits, learned in your browser'></iframe>" % (server, SUBPATH))
    blog, httpd = serve(str(tmp_path))
    try:
        driver.get(blog.replace("127.0.0.1", "localhost") + "/post.html")
        driver.switch_to.frame(driver.find_element("css selector", "iframe"))
        page = Page(driver, None)
        assert page.wait_for(lambda: page.state() == "idle", timeout=60)
        assert page.driver.execute_script(ON_SCREEN)["grid"]
        draw(page, DIGITS["0"])                    # its pointer down loads the trainer
        assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "0")
        assert page.wait_for(lambda: page.state() == "ready", timeout=60)
        assert page.find("#full-page").get_attribute("target") == "_blank"
        assert page_errors(driver) == []
    finally:
        httpd.shutdown()
