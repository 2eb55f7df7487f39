"""Weights files in and out of the page, as base64 text end to end.

The browser's FileReader turns a Blob into base64 natively, so 400 KB never
crosses a per-byte Python loop on the main thread.
"""
import asyncio
import binascii

import js
from pyscript.ffi import create_proxy

from shared import weights_file
from ui.net import fetch_ok

MIME = "application/octet-stream"
HEAD_CHARS = 512   # base64 of the first 384 bytes: a .npy header fits


async def read_base64(blob):
    """A Blob (a chosen File, a fetched body) as base64 text."""
    reader = js.FileReader.new()
    done = asyncio.Event()
    reader.onloadend = create_proxy(lambda _event: done.set())
    reader.readAsDataURL(blob)
    await done.wait()
    if reader.error:
        raise OSError("could not read the file: %s" % reader.error.message)
    url = reader.result
    if "," not in url or url.endswith(","):
        raise weights_file.BadWeights("the file is empty")
    return url[url.index(",") + 1:]


async def fetch_base64(url):
    return await read_base64(await (await fetch_ok(url)).blob())


def check(text):
    """Raise BadWeights unless text is base64 of a weights file this network can use.

    Only the header is decoded: MicroPython's binascii is pure Python, too slow
    for 400 KB; the worker checks every byte again anyway."""
    try:
        head = binascii.a2b_base64(text[:HEAD_CHARS].encode())
    except Exception:   # MicroPython's pure-Python binascii raises a bare Exception
        raise weights_file.BadWeights("not a weights file (bad base64)")
    hidden, offset = weights_file.parse_header(head)
    weights_file.check_size(hidden, offset, len(text) // 4 * 3 - text[-2:].count("="))


def download(text, file_name):
    link = js.document.createElement("a")
    link.href = "data:%s;base64,%s" % (MIME, text)
    link.download = file_name
    link.click()
