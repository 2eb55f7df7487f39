"""Weights files in and out of the page.

Into the worker they travel as base64 text (set weights is a JSON signal):
the browser's FileReader makes it natively, so 400 KB never crosses a
per-byte Python loop on the main thread. Out of the page they leave as the
worker's binary (a Blob), never decoded here. The worker validates every byte.
"""
import asyncio

import js
from pyscript.ffi import create_proxy

MAX_FILE_BYTES = 16 * 1024 * 1024      # worker/weights_file.py's cap, checked before reading


class BadFile(ValueError):
    pass


async def read_base64(blob):
    """A Blob (a chosen File, a fetched body, stored bytes) as base64 text."""
    reader = js.FileReader.new()
    done = asyncio.Event()
    reader.onloadend = create_proxy(lambda _event: done.set())
    reader.readAsDataURL(blob)
    await done.wait()
    if reader.error:
        raise OSError("could not read the file: %s" % reader.error.message)
    url = reader.result
    if "," not in url or url.endswith(","):
        raise BadFile("the file is empty")
    return url[url.index(",") + 1:]


def chosen_file(event):
    """The file a file input's change event chose, or None; the input is
    emptied, so choosing the same file again fires change again."""
    field = event.target
    if not field.files.length:
        return None
    file = field.files.item(0)
    field.value = ""
    return file


def blob_of(data):
    """A Blob of a Uint8Array (as the worker and the store hand them over)."""
    return js.Blob.new(js.Array.of(data))


def check_file(file):
    """Refuse what no weights file can be, before reading a byte of it."""
    if file.size == 0:
        raise BadFile("%s is empty" % file.name)
    if file.size > MAX_FILE_BYTES:
        raise BadFile("%s is %.1f MB; weights files are at most %d MB"
                      % (file.name, file.size / 1e6, MAX_FILE_BYTES // 2 ** 20))


def download(data, file_name):
    """Save a Uint8Array as a file, as the browser saves downloads."""
    url = js.URL.createObjectURL(blob_of(data))
    save_url(url, file_name)
    js.setTimeout(create_proxy(lambda: js.URL.revokeObjectURL(url)), 10000)


def save_url(url, file_name):
    """Save what a blob: or data: URL holds as a file."""
    link = js.document.createElement("a")
    link.href = url
    link.download = file_name
    link.click()
