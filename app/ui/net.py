"""Fetching from the page's own origin, with errors a user can read.

MicroPython here cannot catch a rejected JavaScript promise (the awaiting
task dies), so each promise gets a JavaScript catch that resolves to None,
and a None becomes an OSError that the page can show."""
import js
from pyscript.ffi import create_proxy

_failed = create_proxy(lambda _error: None)


def request(url):
    """js.fetch(url) that never rejects: the Response, or None if the network failed."""
    return js.fetch(url).catch(_failed)


async def fetch_ok(url, started=None):
    """The response to `url`; `started` is a request(url) already under way."""
    response = await (started or request(url))
    if response is None:
        raise OSError("%s: the request failed (offline, or the server is unreachable)" % url)
    if not response.ok:
        raise OSError("%s: HTTP %d" % (url, response.status))
    return response


async def fetch_body(url, kind, started=None):
    """The body of `url` as `kind` ("text", "arrayBuffer" or "blob"); OSError
    if the request failed or the download broke off."""
    response = await fetch_ok(url, started)
    content = await getattr(response, kind)().catch(_failed)
    if content is None:
        raise OSError("%s: the download broke off" % url)
    return content
