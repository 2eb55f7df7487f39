"""The DevTools protocol of the Chromium that chromedriver started, for the
figures only the browser has: each worker's JS heap (a worker has no
performance.memory) and the page's. One websocket, flat sessions."""
import json
import urllib.request

import websocket      # websocket-client, which Selenium installs


class Cdp:
    def __init__(self, driver, timeout_s=10):
        address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
        version = json.load(urllib.request.urlopen("http://%s/json/version" % address))
        # No Origin header: Chromium refuses websockets from origins it was not told of.
        self.ws = websocket.create_connection(version["webSocketDebuggerUrl"], timeout=timeout_s,
                                              suppress_origin=True)
        self.last_id = 0
        self.workers = {}            # session id -> worker URL, as attached

    def call(self, method, params=None, session=None):
        """The result of one command; events that arrive meanwhile are taken in."""
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"].get("message")))
                return reply["result"]
            self.event(reply)

    def event(self, message):
        params = message.get("params", {})
        if message.get("method") == "Target.attachedToTarget":
            self.workers[params["sessionId"]] = params["targetInfo"]["url"]
        elif message.get("method") == "Target.detachedFromTarget":
            self.workers.pop(params.get("sessionId"), None)

    def attach_page(self):
        """Attach to the page, and from then on to each worker it starts."""
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.page = self.call("Target.attachToTarget", {"targetId": page["targetId"],
                                                        "flatten": True})["sessionId"]
        self.call("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False,
                                           "flatten": True}, self.page)

    def heap_used(self, session):
        return self.call("Runtime.getHeapUsage", session=session)["usedSize"]

    def worker_heaps(self):
        """{worker URL: JS heap bytes in use} of the page's live workers."""
        self.call("Target.getTargets")        # takes in attach and detach events
        heaps = {}
        for session, url in list(self.workers.items()):
            try:
                heaps[url] = self.heap_used(session)
            except RuntimeError:              # ended since: it is no longer the page's
                self.workers.pop(session, None)
        return heaps

    def close(self):
        self.ws.close()
