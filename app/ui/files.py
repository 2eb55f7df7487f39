"""Files in and out of the page: weights files, the visitor's digits, photos.

Into the worker they travel as base64 text (a signal is JSON): the browser's
FileReader makes it natively, so 400 KB never crosses a per-byte Python loop
on the main thread. Out of the page they leave as the worker's binary (a
Blob) or a data: URL, never decoded here.
"""
import asyncio

import js
from pyscript.ffi import create_proxy


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


def dropped_file(event):
    """The first file dropped (taken at once: the browser empties the event's
    file list once its handler returns), or None; the browser does not open it."""
    event.preventDefault()
    files = event.dataTransfer.files
    return files.item(0) if files.length else None


def blob_of(data):
    """A Blob of a Uint8Array (as the worker and the store hand them over)."""
    return js.Blob.new(js.Array.of(data))


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
