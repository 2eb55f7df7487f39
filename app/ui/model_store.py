"""The visitor's model, kept in IndexedDB as binary (the weights file stays a
Uint8Array from the worker to the disk: no base64, no Python bytes).

One record under one key: the worker's checkpoint object (weights, inference
text) with the page's autosave metadata (shared/autosave.py) added as JSON.
Operations run one at a time, so one pair of handlers serves them all.
Any failure (storage blocked in private browsing or in another site's iframe,
quota full, a timeout) raises StorageError with the browser's reason.

MicroPython cannot catch an exception thrown by JavaScript (it escapes the
task), so nothing here may throw: IndexedDB reports real failures as error
and abort events, and the one thing that throws, touching `indexedDB` from
an opaque origin (a sandboxed iframe), is checked for first.
"""
import asyncio

import js
from pyscript.ffi import create_proxy

DB_NAME, STORE, KEY = "digits-in-your-browser", "models", "autosave"
TIMEOUT_S = 10


class StorageError(Exception):
    pass


def reason(error):
    if error is None:
        return "no reason given"
    name = getattr(error, "name", None)
    message = getattr(error, "message", None)
    return "%s: %s" % (name, message) if name else str(error)


class ModelStore:
    def __init__(self):
        self.db = None
        self.lock = asyncio.Lock()
        self.finished = asyncio.Event()
        self.failure = None
        self.result = None
        self.ok_proxy = create_proxy(self.ok)
        self.fail_proxy = create_proxy(self.fail)
        self.upgrade_proxy = create_proxy(self.upgrade)
        self.closed_proxy = create_proxy(self.closed)

    def ok(self, event):
        self.result = getattr(event.target, "result", None)
        self.finished.set()

    def fail(self, event):
        target = event.target
        self.failure = reason(getattr(target, "error", None))
        self.finished.set()

    def upgrade(self, event):
        event.target.result.createObjectStore(STORE)

    async def settle(self, target, done_event):
        """Wait for a request ("onsuccess") or a transaction ("oncomplete")."""
        self.finished.clear()
        self.failure = self.result = None
        setattr(target, done_event, self.ok_proxy)
        target.onerror = self.fail_proxy
        if done_event == "oncomplete":
            target.onabort = self.fail_proxy
        try:
            await asyncio.wait_for(self.finished.wait(), TIMEOUT_S)
        except asyncio.TimeoutError:
            raise StorageError("the browser's storage did not answer within %d s" % TIMEOUT_S)
        if self.failure:
            raise StorageError(self.failure)
        return self.result

    async def open(self):
        if self.db is None:
            if js.window.origin == "null" or not js.Reflect.has(js.window, "indexedDB"):
                raise StorageError("this page has no storage of its own here (a sandboxed frame?)")
            request = js.indexedDB.open(DB_NAME, 1)
            request.onupgradeneeded = self.upgrade_proxy
            self.db = await self.settle(request, "onsuccess")
            self.db.onclose = self.closed_proxy      # the browser may close it (storage cleared)
            self.db.onversionchange = self.closed_proxy
        return self.db

    def closed(self, _event):
        if self.db is not None:
            self.db.close()
            self.db = None           # opened again on the next operation

    async def run(self, mode, action, wanted=lambda: True):
        """action(object store) starts one request; returns its result once
        the transaction is complete (written to disk, for writes). wanted()
        is asked once this operation's turn comes."""
        async with self.lock:
            if not wanted():
                return None
            transaction = (await self.open()).transaction(STORE, mode)
            request = action(transaction.objectStore(STORE))
            if mode == "readonly":
                return await self.settle(request, "onsuccess")
            await self.settle(transaction, "oncomplete")
            return None

    async def load(self):
        """The kept record (a JS object), or None."""
        found = await self.run("readonly", lambda store: store.getAll(KEY))
        return found[0] if found.length else None     # getAll: no JS undefined to test for

    async def save(self, make_record, wanted=lambda: True):
        """make_record() is called when this save's turn comes, so a save that
        waited behind another never writes an older state over a newer one."""
        await self.run("readwrite", lambda store: store.put(make_record(), KEY), wanted)

    def save_now(self, record):
        """For pagehide: start the write synchronously, while the page still
        runs; nobody waits for it. Silent if the database is not open."""
        if self.db is not None:
            transaction = self.db.transaction(STORE, "readwrite")
            transaction.objectStore(STORE).put(record, KEY)
            transaction.commit()     # to disk now, not when this task ends

    async def forget(self):
        await self.run("readwrite", lambda store: store.delete(KEY))
