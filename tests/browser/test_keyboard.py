"""Everyone can draw and hear it: keys alone draw a 7 the page reads, taps
alone a 1; #announcer says the reading once a stroke ends, never during one,
"No prediction" after Clear, and training's start and stop."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.harness.browser import Page, ink, page_errors

COUNT_POINTERS = """window.__pointers = 0;
document.addEventListener('pointerdown', () => window.__pointers++, true);"""
STEP = {(1, 0): Keys.ARROW_DOWN, (-1, 0): Keys.ARROW_UP, (0, 1): Keys.ARROW_RIGHT, (0, -1): Keys.ARROW_LEFT}


def arrows(start, end):
    """Arrow keys that take the cursor from cell start to cell end (row, col), close to the straight line."""
    (r0, c0), (r1, c1) = start, end
    n, keys, (r, c) = max(abs(r1 - r0), abs(c1 - c0)), [], start
    for i in range(1, n + 1):
        row, col = round(r0 + (r1 - r0) * i / n), round(c0 + (c1 - c0) * i / n)
        keys += [STEP[(row - r, 0)] for _ in range(row != r)] + [STEP[(0, col - c)] for _ in range(col != c)]
        r, c = row, col
    return keys


def press(page, keys, shift=False, release=True):
    chain = ActionChains(page.driver)
    if shift:
        chain.key_down(Keys.SHIFT)
    for key in keys:
        chain.send_keys(key)
    if shift and release:
        chain.key_up(Keys.SHIFT)
    chain.perform()


def cursor_to(page, row, col):
    press(page, [Keys.PAGE_UP, Keys.HOME] + [Keys.ARROW_DOWN] * row + [Keys.ARROW_RIGHT] * col)


def announced(page):
    return page.text("#announcer")


def test_a_seven_drawn_with_keys_alone_is_read_and_announced_once_the_stroke_ends(page):
    page.driver.execute_script(COUNT_POINTERS)
    page.driver.execute_script("document.querySelector('#grid').focus()")    # as Tab would
    cursor_to(page, 5, 7)
    assert page.find("#grid-cursor").is_displayed() and page.prediction() == ""
    assert page.wait_for(lambda: announced(page) == "Row 6, column 8: blank")     # where the cursor went
    # Space paints a dot: a stroke that ends at once; Shift and arrows start the next
    # before its reading is due, and the reading waits for that stroke to end.
    press(page, [" "])
    press(page, arrows((5, 7), (5, 21)), shift=True, release=False)
    assert page.wait_for(lambda: page.find("#announcer").get_attribute("data-waiting") == "stroke")
    assert announced(page) == "Row 6, column 8: blank"         # nothing said while the stroke goes on
    press(page, arrows((5, 21), (13, 16)) + arrows((13, 16), (24, 12)), shift=True)
    assert page.wait_for(lambda: announced(page).startswith("Reads as 7, "))
    assert page.prediction() == "7"
    assert announced(page).count("percent") == 2 and "; next: " in announced(page)
    assert page.driver.execute_script("return window.__pointers") == 0
    press(page, [Keys.BACKSPACE])           # the whole Shift stroke, undone at once: the dot stays
    assert page.wait_for(lambda: 0 < ink(page) <= 9)
    press(page, [Keys.BACKSPACE])
    assert page.wait_for(lambda: page.prediction() == "")
    press(page, [Keys.ESCAPE])
    assert page.wait_for(lambda: announced(page) == "No prediction: the grid is empty")
    assert page_errors(page.driver) == []


def test_embedded_keys_draw_too_and_focusing_the_grid_loads_the_trainer(driver, server):
    page = Page(driver, server + "/?embed").open("idle")
    page.driver.execute_script("document.querySelector('#grid').focus()")
    cursor_to(page, 4, 14)
    press(page, [Keys.ARROW_DOWN] * 20, shift=True)
    assert page.wait_for(lambda: announced(page).startswith("Reads as 1, "))
    assert page.wait_for(lambda: page.state() == "ready", timeout=60)     # focus was intent enough
    assert page_errors(driver) == []


def test_a_one_drawn_by_taps_alone_is_read(page):
    grid = page.find("#grid")
    size = grid.size["width"]
    for row in range(4, 25):
        ActionChains(page.driver).move_to_element_with_offset(
            grid, 0, int((row + 0.5) * size / 28 - size / 2)).click().perform()
    assert page.wait_for(lambda: announced(page).startswith("Reads as 1, "))
    assert page.prediction() == "1"
    page.click("#clear")
    assert page.wait_for(lambda: announced(page) == "No prediction: the grid is empty")


def test_training_is_announced_when_it_starts_and_stops(page):
    page.click("#start")
    assert page.wait_for(lambda: announced(page) == "Training started.")
    page.click("#stop")
    assert page.wait_for(lambda: announced(page).startswith("Training stopped: held-out accuracy "))
    assert announced(page).endswith(" percent.")
