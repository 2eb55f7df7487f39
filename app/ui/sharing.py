"""Sharing digits by a link (shared/share_link.py). "Share my digits" puts
the newest of them that fit, and the settings if asked, into a link to this
page, shown with a Copy button. Opening such a link shows its digits in the
"Shared with you" strip: Accept adds them to mine and learns them at once
(after switching to the link's settings, if it has them); Dismiss changes
nothing. Either way the fragment leaves the address, so a reload does not
offer them again. A link's content only ever becomes pictures made here
and text: never markup."""
import js
from pyscript.ffi import create_proxy

from shared import settings, share_link
from ui.teach import digit_figure

MODEL_NAMES = {"mlp": "the MLP", "cnn": "the convnet"}


def settings_words(chosen):
    return "%s, batch size %d, learning rate %g, distortion %s" % (
        MODEL_NAMES[chosen["architecture"]], chosen["batch_size"], chosen["lrate"],
        "on" if chosen["augment"] else "off")


def page_address():
    """This page's address without its fragment."""
    return js.location.href.split("#")[0]


class ShareBox:
    """Under "Your digits": the link to them, and Copy."""

    def __init__(self, document, digits, settings_to_share, messages):
        """settings_to_share() -> {"architecture", "batch_size", "lrate", "augment", ...}, or None."""
        self.digits = digits
        self.settings_to_share = settings_to_share
        self.messages = messages
        self.with_settings = document.querySelector("#share-settings")
        self.box = document.querySelector("#share-box")
        self.field = document.querySelector("#share-link")
        self.note = document.querySelector("#share-note")
        messages.on(document.querySelector("#share-digits"), "click", self.share)
        messages.on(document.querySelector("#copy-share-link"), "click", self.copy)
        # writeText's promise resolves with undefined, which arrives as no argument at all.
        self.copied = [create_proxy(lambda *_: True), create_proxy(lambda *_: False)]

    async def share(self, _event):
        address = page_address()
        chosen = self.settings_to_share() if self.with_settings.checked else None
        if self.with_settings.checked and chosen is None:
            self.messages.error("Your settings are known once the model has loaded: share then, or without them.")
            return
        try:
            fragment, n = share_link.encode(self.digits.labels, self.digits.pixels, chosen,
                                             share_link.MAX_URL - len(address) - 1)
        except ValueError as error:
            self.messages.error("Nothing to share: %s." % error)
            return
        self.field.value = address + "#" + fragment
        total = len(self.digits)
        carried = ("all %d of your digits" % total if n == total else
                   "your %d newest digits of %d, as many as keep a link under 8 KB" % (n, total))
        self.note.textContent = "The link carries %s%s (%d characters). Whoever opens it is asked first." % (
            carried, " and your settings: " + settings_words(chosen) if chosen else "", len(self.field.value))
        self.box.hidden = False
        self.field.focus()
        self.field.select()

    async def copy(self, _event):
        clipboard = js.navigator.clipboard
        # A page served over plain http (not localhost) has no navigator.clipboard.
        done = bool(clipboard) and await clipboard.writeText(self.field.value).then(*self.copied)
        if not done:
            self.field.select()
            done = js.document.execCommand("copy")
        if done:
            self.messages.say("Copied the link.")
        else:
            self.messages.error("This browser did not let the page copy: the link is selected, "
                                "copy it with Ctrl+C (⌘C).")


class SharedStrip:
    """At the top of the page: digits a link shared, with Accept and Dismiss."""

    def __init__(self, document, teach, weights, link, messages):
        self.document = document
        self.teach = teach
        self.weights = weights
        self.link = link
        self.messages = messages
        self.shared = None             # what the link carries, once read
        self.ready = False             # the worker is up: Accept can teach
        self.strip = document.querySelector("#shared")
        self.summary = document.querySelector("#shared-summary")
        self.gallery = document.querySelector("#shared-digits")
        self.accept_button = document.querySelector("#shared-accept")
        messages.on(self.accept_button, "click", self.accept)
        messages.on(document.querySelector("#shared-dismiss"), "click", self.dismiss)
        self.proxy = create_proxy(lambda _event: self.read())
        js.window.addEventListener("hashchange", self.proxy)

    def read(self):
        """Show what the address's fragment shares, or why it cannot be read."""
        if not share_link.is_shared(js.location.hash):
            return
        self.gallery.replaceChildren()
        try:
            self.shared = shared = share_link.decode(js.location.hash)
        except share_link.BadLink as error:
            self.shared = None
            self.summary.textContent = "This link was meant to share digits, but %s. Nothing was changed." % error
            self.strip.dataset.state = "refused"
        else:
            names = self.teach.names
            for label, pixels in zip(shared.labels, shared.pixels):
                self.gallery.appendChild(digit_figure(self.document, label, names[label], pixels,
                                                      "a shared %s" % names[label]))
            self.summary.textContent = (
                "Someone shared %d digit%s with you%s. Accept adds them to your digits and teaches them at "
                "once%s; Dismiss leaves everything as it is." % (
                    len(shared.labels), "" if len(shared.labels) == 1 else "s",
                    ", and their settings: " + settings_words(shared.settings) if shared.settings else "",
                    " (your model can be put back with Undo)" if shared.settings else ""))
            self.strip.dataset.state = "offered"
        self.accept_button.hidden = self.shared is None
        self.enable(self.ready)
        self.strip.hidden = False

    def enable(self, enabled):
        self.ready = enabled
        self.accept_button.disabled = not enabled or self.shared is None

    async def accept(self, _event):
        shared = self.shared
        if shared is None or not self.ready:
            return
        self.accept_button.disabled = True
        if shared.settings:
            await self.apply(shared.settings)
        if await self.teach.add_digits(shared.labels, shared.pixels, "the link"):
            self.close("accepted")
        else:
            self.accept_button.disabled = False

    async def apply(self, chosen):
        """The link's settings: its model first (a switch brings that model's own defaults)."""
        if chosen["architecture"] != self.weights.model.architecture():
            await self.weights.switch_to(chosen["architecture"])
        for setting in settings.ALL:
            if setting.field in chosen:
                await self.link.send(setting.signal, chosen[setting.field])

    async def dismiss(self, _event):
        self.close("dismissed")
        self.messages.say("Dismissed the shared digits: nothing was changed.")

    def close(self, state):
        self.shared = None
        self.strip.hidden = True
        self.strip.dataset.state = state
        self.gallery.replaceChildren()
        js.history.replaceState(None, "", js.location.pathname + js.location.search)
