"""Fetching from the page's own origin, with errors a user can read."""
import js


async def fetch_ok(url, started=None):
    """The response to `url`; `started` is a js.fetch(url) already under way."""
    response = await (started or js.fetch(url))
    if not response.ok:
        raise OSError("%s: HTTP %d" % (url, response.status))
    return response
