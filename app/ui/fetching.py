"""Fetching from the page's own origin, with errors a user can read. Paths
are relative to the page, as shared/shipped.py names them.

MicroPython here cannot catch a rejected JavaScript promise (the awaiting
task dies), so each promise gets a JavaScript catch that resolves to None,
and a None becomes an OSError that the page can show."""
import js
from pyscript.ffi import create_proxy

_failed = create_proxy(lambda _error: None)


def request(path):
    """js.fetch of `path` that never rejects: the Response, or None if the network failed."""
    return js.fetch("./" + path).catch(_failed)


async def fetch_ok(path, started=None):
    """The response to `path`; `started` is a request(path) already under way."""
    response = await (started or request(path))
    if response is None:
        raise OSError("./%s: the request failed (offline, or the server is unreachable)" % path)
    if not response.ok:
        raise OSError("./%s: HTTP %d" % (path, response.status))
    return response


async def fetch_body(path, kind, started=None):
    """The body of `path` as `kind` ("text", "arrayBuffer" or "blob"); OSError
    if the request failed or the download broke off."""
    response = await fetch_ok(path, started)
    content = await getattr(response, kind)().catch(_failed)
    if content is None:
        raise OSError("./%s: the download broke off" % path)
    return content
