"""Model worker entry point (Pyodide + numpy, a PyScript named worker).

The page calls the two exported functions: `boot(page_url)` once, then
`signal(text)` for each of the seven signals. Statuses go back as JSON text
through postMessage, which needs no SharedArrayBuffer (with the MLP's first
layer beside it as a Uint8Array, for the page's kernel to take as it is);
checkpoints go back as objects whose weights file is a Uint8Array, so the
page stores it as binary.
"""
import asyncio
import time

import js
import pyodide_js
from polyscript import xworker
from pyodide.ffi import to_js
from pyodide.http import pyfetch

from shared import blocks, classes, protocol, shipped
from worker import mlp_step, weights_file
from worker.cache import BlockCache, decode_samples
from worker.trainer import Trainer

# A host silent this long after a request is not answering it (the cache tries
# again); a body under way takes as long as it takes, as on a slow link.
ANSWER_TIMEOUT_S = 30
trainer = None


async def fetch_bytes(url):
    """The body at url; OSError saying which URL and why not."""
    try:
        response = await asyncio.wait_for(pyfetch(url), ANSWER_TIMEOUT_S)
        if not response.ok:
            raise OSError("HTTP %d" % response.status)
        return await response.bytes()
    except asyncio.TimeoutError:     # before OSError: it is one
        raise OSError("%s: no answer within %d s" % (url, ANSWER_TIMEOUT_S))
    except OSError as error:         # pyfetch's for a failed request or a broken-off body
        raise OSError("%s: %s" % (url, error))


async def load_test_set(base, entries):
    """Held-out blocks, all checked: a corrupt test block stops boot with its reason."""
    datas = await asyncio.gather(*(fetch_bytes(base + e["file"]) for e in entries))
    for data, entry in zip(datas, entries):
        blocks.check(data, entry)
    return decode_samples(b"".join(datas))


async def boot(page_url):
    """Load manifest, held-out set and pretrained weights; start the loop."""
    global trainer
    base = page_url.split("#")[0].split("?")[0].rsplit("/", 1)[0] + "/"
    try:
        manifest = blocks.read_manifest(await fetch_bytes(base + shipped.MANIFEST))
        names = classes.from_manifest(manifest)
        test_set, pretrained, _ = await asyncio.gather(
            load_test_set(base + shipped.DATA, manifest["test"]), fetch_bytes(base + shipped.PRETRAINED["mlp"]),
            load_c_step(base + shipped.C_STEP))
        model, meta = weights_file.decode(pretrained)
    except (OSError, ValueError, KeyError) as error:
        return protocol.reply("could not start the model: %s" % error)

    async def fetch_block(entry):
        return await fetch_bytes(base + shipped.DATA + entry["file"])

    cache = BlockCache(manifest["train"], fetch_block)
    trainer = Trainer(model, cache, test_set, post_status, post_checkpoint,
                      classes=names, meta=meta, memory=memory)
    asyncio.ensure_future(trainer.run())
    trainer.send_status()
    return protocol.reply()


async def load_c_step(url):
    """Let the MLP train with its step in C; without it (the reason goes to
    the console) numpy trains it, several times slower, and the status says so."""
    try:
        library = "/tmp/mlp_step.so"   # Pyodide's dlopen reads its file system
        with open(library, "wb") as f:
            f.write(await fetch_bytes(url))
        mlp_step.install(library)
    except Exception as error:    # any failure here leaves numpy's step, which works
        js.console.warn("The MLP trains in numpy: its C step did not load: %s: %s"
                        % (type(error).__name__, error))


MEMORY_EVERY_S = 1.0
memory_read = [-MEMORY_EVERY_S, None]    # when, and what


def memory():
    """Bytes of Pyodide's wasm memory, read at most once a second (statuses go
    out up to twenty times a second). The worker's JS heap has no API in a
    worker (Chromium's performance.memory is the page's only): make soak asks
    the browser."""
    now = time.monotonic()
    if now - memory_read[0] >= MEMORY_EVERY_S:
        memory_read[:] = now, pyodide_js._module.HEAPU8.length
    return memory_read[1]


def post_status(text, w1):
    """A status's text, or with the MLP's first layer: {kind, text, w1: Uint8Array}."""
    if w1 is None:
        xworker.postMessage(text)
    else:
        post({"kind": "status", "text": text, "w1": w1})


def post_checkpoint(checkpoint):
    post(dict(checkpoint, kind="checkpoint"))


def post(message):
    xworker.postMessage(to_js(message, dict_converter=js.Object.fromEntries))


def signal(text):
    if trainer is None:
        return protocol.reply("the model is still loading")
    try:
        return trainer.signal(text)
    except Exception as error:   # never a rejected call: the page could not catch it
        return protocol.reply("the model worker failed: %s: %s" % (type(error).__name__, error))


__export__ = ["boot", "signal"]
