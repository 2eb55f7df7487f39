"""Digits from paper: a photo of a digit, chosen or dropped on the grid, is
read as if drawn; what is not a picture of a digit is refused and changes nothing."""
import base64
import os

from PIL import Image

from tests.harness.browser import DIGITS, draw
from tests.harness.samples import X_TEST, Y_TEST, photo


def photo_file(path, index, fmt="PNG", **options):
    rgba, w, h = photo(X_TEST[index], side=300, seed=index, **options)
    Image.frombytes("RGBA", (w, h), rgba).convert("RGB").save(path, fmt)
    return int(Y_TEST[index])


def inked_cells(page):
    return page.driver.execute_script(
        "const d = document.querySelector('#grid').getContext('2d').getImageData(0, 0, 28, 28).data;"
        "let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i] < 250; return n")


def a_photo_of_a_digit_is_read_as_if_drawn_and_can_be_taught(page, tmp_path):
    for index, fmt, options in ((0, "PNG", {}), (1, "JPEG", {"dark_ink": False}), (2, "JPEG", {})):
        path = tmp_path / ("digit-%d.%s" % (index, fmt.lower()))
        label = photo_file(path, index, fmt, **options)
        page.find("#image-file").send_keys(str(path))
        assert page.wait_for(lambda: page.prediction() == str(label)), (index, page.prediction())
        assert path.name in page.text("#sample-label")
    assert inked_cells(page) > 40
    page.click('#teach button[data-digit="%d"]' % label)            # and it can be taught
    assert page.wait_for(lambda: page.number("my_digits") == 1)


def a_photo_dropped_on_the_grid_is_read_and_not_taken_for_weights(page, tmp_path):
    path = tmp_path / "dropped.png"
    label = photo_file(path, 3)
    page.driver.execute_script(
        "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));"
        "const transfer = new DataTransfer();"
        "transfer.items.add(new File([bytes], 'dropped.png', {type: 'image/png'}));"
        "document.querySelector('#grid').dispatchEvent(new DragEvent('drop', "
        "{dataTransfer: transfer, bubbles: true, cancelable: true}));",
        base64.b64encode(path.read_bytes()).decode())
    assert page.wait_for(lambda: page.prediction() == str(label))
    assert page.find("#weights-source").get_attribute("data-source") == "shipped"


def blank_png(path, grey=255):
    Image.new("RGB", (200, 150), (grey, grey, grey)).save(path)


def files_that_are_no_photo_of_a_digit_are_refused_and_the_grid_is_kept(page, tmp_path):
    page.click("#clear")
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.prediction() == "7")
    before = inked_cells(page)
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    blank, tiny = tmp_path / "blank.png", tmp_path / "tiny.png"
    blank_png(blank)
    Image.new("RGB", (4, 4)).save(tiny)
    big = tmp_path / "huge.png"
    big.write_bytes(b"\x89PNG" + bytes(26 * 1024 * 1024))
    for path, reason in ((text, "is not an image"), (fake, "could not be read as an image"),
                         (blank, "no digit found"), (tiny, "too small"), (big, "pictures up to")):
        page.find("#image-file").send_keys(str(path))
        assert page.wait_for(lambda: reason in page.text("#message")), (path.name, page.text("#message"))
        assert "The grid is as it was" in page.text("#message")
        assert page.prediction() == "7" and inked_cells(page) == before


def test_photos_chosen_or_dropped_are_read_and_what_is_no_photo_is_refused(page, tmp_path):
    """One page for the three, in an order where each finds what it needs:
    the shipped weights for the drop, then a drawn 7 to keep, then photos."""
    a_photo_dropped_on_the_grid_is_read_and_not_taken_for_weights(page, tmp_path)
    files_that_are_no_photo_of_a_digit_are_refused_and_the_grid_is_kept(page, tmp_path)
    a_photo_of_a_digit_is_read_as_if_drawn_and_can_be_taught(page, tmp_path)
