"""Bad input everywhere, in the page: the worker's signal, each setting
field, each file input and the address's query get random and hostile values.
Nothing crashes (no page error, the worker stays up), a rejected input changes
nothing and the page says why. One page takes the entry points in turn (the
address's queries, each a page of its own); every case is seeded.

(Not test_hostile_input.py like its unit twin: pytest cannot collect two test
modules of one name in one run.)"""
import base64
import io
import json
import random
import struct
import zlib

import numpy as np
from PIL import Image
from selenium.webdriver.common.keys import Keys

from shared import digits_file, protocol
from tests.harness.browser import DIGITS, Page, draw, drawn_probabilities, page_errors
from tests.harness.hostile import (HOSTILE_DIGITS, HOSTILE_WEIGHTS, SEED, hostile_text, inflating_member,
                                   mutated, npy_with_header)
from tests.harness.samples import X_TEST, numpy_digits, pretrained_bytes
from tests.harness.worker import Harness
from worker import weights_file

# The worker's exported functions, where PyScript puts them for the page: the
# same handle docs/architecture.md gives tests for killing the worker.
CALL_WORKER = """
const done = arguments[arguments.length - 1];
const worker = document.querySelector('script[type=py][worker][name^=model]').xworker.sync;
const signals = JSON.parse(arguments[0]);   // JSON text carries lone surrogates, WebDriver not
(async () => {
  const replies = [];
  for (const argument of signals) replies.push(await worker.signal(argument));
  return replies;
})().then(done, error => done('the call failed: ' + error));
"""
KEPT = ("batch_size", "lrate", "cache_size", "augment", "architecture", "iteration",
        "samples_seen", "test_acc", "my_digits", "training")


def call_worker(page, arguments):
    """The worker's signal() called with each argument in turn: its replies."""
    return page.driver.execute_async_script(CALL_WORKER, json.dumps(arguments))


def kept(page):
    """What no rejected input may change, as the page shows it."""
    return {field: page.status(field) for field in KEPT}


def refused(page, reason=""):
    """The page said why (in #message, as an error), in words that say `reason`."""
    return page.wait_for(lambda: page.text("#message") and reason.lower() in page.text("#message").lower()
                         and "error" in page.find("#message").get_attribute("class"))


def unsaid(page):
    page.driver.execute_script("const m = document.querySelector('#message');"
                               "m.textContent = ''; m.className = 'message'")


def refused_by_the_worker_under_cpython(texts):
    """Of the seeded texts, those the worker refuses (all else would change things)."""
    h = Harness()
    return [t for t in texts if not json.loads(h.trainer.signal(t))["ok"]]


def the_workers_signal_refuses_hostile_text_and_nothing_changes(page, tmp_path):
    rng = random.Random(SEED)
    texts = refused_by_the_worker_under_cpython([hostile_text(rng) for _ in range(200)])
    pretrained = pretrained_bytes()
    texts += [json.dumps({"type": "set_weights", "value": base64.b64encode(
        mutated(pretrained, rng)).decode()}) for _ in range(4)]
    texts += ["[" * 100000,              # regression: Pyodide's parser overflowed the wasm stack
              "x" * 2000000, "\ud800", 5, None, [1, 2], {"type": "start"}, {"type": "set_weights"}]
    probabilities = drawn_probabilities(page, "7")
    before = kept(page)
    replies = call_worker(page, texts)
    assert isinstance(replies, list) and len(replies) == len(texts), replies
    for text, reply in zip(texts, replies):
        reply = json.loads(reply)
        assert reply["ok"] is False and reply["error"].strip(), (str(text)[:200], reply)
        assert len(reply["error"]) <= protocol.REASON_CHARS
    # One accepted signal after them all: once its status shows, every one before it was applied.
    assert call_worker(page, [protocol.signal("set_cache_size", 5)]) == ['{"ok": true}']
    assert page.wait_for(lambda: page.status("cache_size") == "5")
    assert kept(page) == dict(before, cache_size="5")
    assert page.probabilities() == probabilities
    assert page.worker() == "ready"


# Refused by every setting: not numbers, not finite, NaN, empty, odd spellings. (Typed
# into a number field, a space, "+" or "," is dropped and may leave a valid number.)
NOT_A_SETTING = ["", "NaN", "nan", "1e309", "-1e309", "Infinity", "-1", "0", "-0", "1e-400",
                 "--5", "1e", "e", ".", "-", "9" * 400, "abc"]
OUT_OF_RANGE = {"#batch-size": ["4097", "1.5", "64.5", "1e4", "2e9", "1.5.5"],
                "#learning-rate": ["11", "10.000001", "1e-7", "9e-7", "1e3"],
                "#cache-size": ["65", "2.5", "1e2", "100", "1.5.5"]}
SETTINGS = {"#batch-size": ("batch_size", "batch size"), "#learning-rate": ("lrate", "learning rate"),
            "#cache-size": ("cache_size", "cache size")}
# A setting changed after the bad ones, on another field: once it shows, so would they have.
SENTINELS = {"#batch-size": ("#cache-size", "cache_size", "5"),
             "#learning-rate": ("#cache-size", "cache_size", "6"),
             "#cache-size": ("#batch-size", "batch_size", "50")}


def junk_without_digits(rng):
    """Typed text that no number can be: no digit in it (and nothing a number field drops)."""
    return "".join(rng.choice("eE-.x!#\u20ac\u00e9") for _ in range(rng.randint(1, 6)))


def each_setting_field_refuses_hostile_text_says_why_and_nothing_changes(page, tmp_path):
    rng = random.Random(SEED)
    for selector, (field, name) in SETTINGS.items():
        shown = page.status(field)
        for text in NOT_A_SETTING + OUT_OF_RANGE[selector] + [junk_without_digits(rng) for _ in range(3)]:
            unsaid(page)
            page.driver.execute_script(     # from a valid value, so that typing changes it
                "const f = document.querySelector(arguments[0]); f.blur(); f.value = arguments[1];"
                "f.removeAttribute('aria-invalid')", selector, shown)
            page.set_input(selector, text or Keys.DELETE)
            assert refused(page, name), (selector, text, page.text("#message"))
            assert page.find(selector).get_attribute("aria-invalid") == "true", (selector, text)
        other, other_field, value = SENTINELS[selector]
        page.set_input(other, value)
        assert page.wait_for(lambda: page.status(other_field) == value)
        assert page.status(field) == shown, selector
        assert page.find(other).get_attribute("aria-invalid") == "false"
        assert page.wait_for(lambda: page.text("#message") == "")   # a valid setting clears the reason


def file_of(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def rejected_mutations(real, decode, error, rng, n):
    """n seeded mutations of a real file that the decoder refuses under CPython."""
    found = []
    while len(found) < n:
        data = mutated(real, rng)
        try:
            decode(data)
        except error:
            found.append(data)
    return found


def png(width, height, rows=b""):
    """A PNG of that size (its header says so), with `rows` as its whole image data."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def picture(width, height, grey):
    out = io.BytesIO()
    Image.new("L", (width, height), grey).save(out, "PNG")
    return out.getvalue()


def hostile_weights_files_are_refused_with_a_reason_and_change_nothing(page, tmp_path):
    rng = random.Random(SEED)
    files = [("%s.npz" % name.replace(" ", "-").replace(":", ""), make(), reason)
             for name, (make, reason) in sorted(HOSTILE_WEIGHTS.items())]
    pretrained = pretrained_bytes()
    files += [("damaged-%d.npz" % i, data, "") for i, data in enumerate(
        rejected_mutations(pretrained, weights_file.decode, weights_file.BadWeights, rng, 6))]
    files += [("random.npz", bytes(rng.randrange(256) for _ in range(5000)), "not a weights file"),
              ("photo.npz", picture(40, 40, 255), "not a weights file"),
              ("forged.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, "
                                             "'shape': (4000000000, 795), }\n", bytes(64)), "needs"),
              ("notes.npy", b"\x93NUMPY but then words", "not a readable"),
              ("my-digits.npz", numpy_digits(np.savez_compressed), "no meta")]
    probabilities = drawn_probabilities(page, "7")
    before, source = kept(page), page.text("#weights-source")
    for name, data, reason in files:
        unsaid(page)
        page.find("#import").send_keys(file_of(tmp_path, name, data))
        assert refused(page, reason), (name, page.text("#message"))
        assert page.text("#weights-source") == source and not page.find("#undo-weights").is_displayed()
    assert kept(page) == before
    assert page.probabilities() == probabilities
    assert page.worker() == "ready"


def gallery(page):
    return page.driver.execute_script(
        "return [...document.querySelectorAll('#my-digits > [data-digit]')].map(e => e.dataset.digit)")


def hostile_files_of_digits_are_refused_with_a_reason_and_change_nothing(page, tmp_path):
    """A zip bomb among them: MicroPython inflates it on the main thread."""
    rng = random.Random(SEED)
    # Real digits, deflated: their back-references reach further than random pixels' do.
    mine = io.BytesIO()
    np.savez_compressed(mine, x=np.uint8(X_TEST[:4] * 255).reshape(4, 28, 28), y=np.arange(4))
    page.find("#import-my-digits").send_keys(file_of(tmp_path, "mine.npz", mine.getvalue()))
    assert page.wait_for(lambda: len(gallery(page)) == 4)
    assert page.wait_for(lambda: page.number("my_digits") == 4 and page.status("lesson") == "False",
                         timeout=30)
    mine, before = gallery(page), kept(page)
    real = numpy_digits(np.savez_compressed)
    files = [("%s.npz" % name.replace(" ", "-"), data, reason)
             for name, (data, reason) in sorted(HOSTILE_DIGITS.items())]
    files += [("damaged-%d.npz" % i, data, "") for i, data in enumerate(
        rejected_mutations(real, digits_file.decode, digits_file.BadDigitsFile, rng, 6))]
    files += [("bomb.npz", inflating_member(32 * 2 ** 20), "damaged"),
              ("empty.npz", b"", "empty"),
              ("cut.npz", real[:len(real) // 2], "not an .npz"),
              ("random.npz", bytes(rng.randrange(256) for _ in range(3000)), "not an .npz"),
              ("photo.npz", picture(40, 40, 0), "not an .npz"),
              ("huge.npz", bytes(digits_file.MAX_BYTES + 1), "at most 4 MB")]
    for name, data, reason in files:
        unsaid(page)
        page.find("#import-my-digits").send_keys(file_of(tmp_path, name, data))
        assert refused(page, reason) and name in page.text("#message"), (name, page.text("#message"))
        assert gallery(page) == mine, name
    assert kept(page) == before


def grid_ink(page):
    return page.driver.execute_script(
        "return Array.from(document.querySelector('#grid').getContext('2d')"
        ".getImageData(0, 0, 28, 28).data.filter((v, i) => i % 4 == 0)).join(',')")


SVG_WITH_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" '
                   b'onload="window.hostile = 1"><script>window.hostile = 2</script>'
                   b'<text x="10" y="50" font-size="60">7</text></svg>')


def hostile_pictures_are_refused_with_a_reason_and_the_grid_kept(page, tmp_path):
    rng = random.Random(SEED)
    page.click("#clear")
    draw(page, DIGITS["7"])
    assert page.wait_for(lambda: page.find("#prediction").get_attribute("data-digit") == "7")
    grid = grid_ink(page)
    real = picture(60, 60, 255)
    files = [("empty.png", b"", "could not be read"),
             ("cut.png", real[:40], "could not be read"),
             ("wide.png", png(100000, 100000, b"\x00" * 1000), "could not be read"),
             ("huge.bmp", b"BM" + struct.pack("<IHHIIiiHHIIiiII", 54, 0, 0, 54, 40, 60000, 60000, 1, 24,
                                              0, 0, 0, 0, 0, 0), "could not be read"),
             ("random.jpg", bytes(rng.randrange(256) for _ in range(4000)), "could not be read"),
             ("weights.png", pretrained_bytes()[:20000], "could not be read"),
             ("script.svg", SVG_WITH_SCRIPT, "The grid is as it was"),
             ("thin.png", picture(8, 3000, 255), "no digit found"),
             ("line.png", picture(3000, 1, 0), "too small")]
    for name, data, reason in files:
        unsaid(page)
        page.find("#image-file").send_keys(file_of(tmp_path, name, data))
        assert refused(page, reason) and name in page.text("#message"), (name, page.text("#message"))
        assert "The grid is as it was" in page.text("#message")
        assert grid_ink(page) == grid, name
    assert page.find("#prediction").get_attribute("data-digit") == "7"
    assert page.driver.execute_script("return window.hostile") is None


# The settings first: their sentinels must differ from what the page shows (the
# fresh page's batch 64 and cache 8); the signal's sentinel (cache 5) then too.
ENTRY_POINTS = [each_setting_field_refuses_hostile_text_says_why_and_nothing_changes,
                the_workers_signal_refuses_hostile_text_and_nothing_changes,
                hostile_weights_files_are_refused_with_a_reason_and_change_nothing,
                hostile_files_of_digits_are_refused_with_a_reason_and_change_nothing,
                hostile_pictures_are_refused_with_a_reason_and_the_grid_kept]


def test_every_entry_point_of_one_page_refuses_hostile_input_and_nothing_changes(page, tmp_path):
    """One page takes them all, one entry point after the other: each checks
    that what it refused changed nothing since it began, so none needs a
    page of its own (and a page that survived them all is the better test)."""
    for entry_point in ENTRY_POINTS:
        entry_point(page, tmp_path)
        assert page_errors(page.driver) == [], entry_point.__name__
        assert page.worker() == "ready", entry_point.__name__


def hostile_queries(rng):
    """Queries and fragments a link could carry: markup, junk, unicode, length."""
    words = ["embed", "<script>window.hostile=1</script>", '"><img src=x onerror="window.hostile=1">',
             "\u202e", "\U0001f600", "%00", "%ff", "../../", "=", "&", "?", "#", "'", "\\"]
    random_query = "&".join("%s=%s" % (rng.choice(words), rng.choice(words)) for _ in range(12))
    # Three pages, each carrying several: markup in embed's value and beside it,
    # embed given thrice and a fragment with markup; then a long query with
    # unicode and a path in it (no embed); then the random one.
    return ['?embed=<script>window.hostile=1</script>&x="><img src=x onerror="window.hostile=1">'
            "&embed&embed=1&embed=&y=%00%ff%fe#<img src=x onerror=window.hostile=1>",
            "?q=" + "x" * 16000 + "&\u202e=\U0001f600&../../static/data/manifest.json#?embed=1/../..",
            "?" + random_query]


def test_hostile_queries_still_boot_to_ready_and_inject_nothing(driver, server):
    for query in hostile_queries(random.Random(SEED)):
        page = Page(driver, server + "/" + query).open(expect=("ready", "idle"))
        assert page.driver.execute_script(
            "return [window.hostile, document.querySelectorAll('img[src=x], script:not([src])').length]"
        ) == [None, 0], query[:100]
        embedded = page.driver.execute_script("return 'embed' in document.documentElement.dataset")
        assert embedded == page.driver.execute_script(
            "return new URLSearchParams(location.search).has('embed')"), query[:100]
        # Embedded, the trainer waits for the visitor (test_embed.py); else it is up.
        assert page.worker() == ("idle" if embedded else "ready"), query[:100]
        assert page.state() == page.worker() and page_errors(driver) == [], query[:100]
