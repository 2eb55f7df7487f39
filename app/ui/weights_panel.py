"""The Weights controls: the model (#architecture: the MLP or the convnet,
each with its shipped weights), load pretrained, random, import (the file
input, or a file dropped anywhere on the page; a file of the other model
switches to it), export as our .npz or as ONNX, undo the last replacement, and forget the saved
model. Each replacement can be undone in one step, and is autosaved."""
import js
from pyscript.ffi import create_proxy

from shared import base64_codec, protocol, shipped
from ui import files
from ui.fetching import fetch_body

EXPORT_NAME = "mnist-%s-weights.npz"


def check_file(file):
    """Refuse what no weights file can be, before reading a byte of it."""
    if file.size == 0:
        raise files.BadFile("%s is empty" % file.name)
    if file.size > protocol.MAX_WEIGHTS_BYTES:
        raise files.BadFile("%s is %.1f MB; weights files are at most %d MB"
                            % (file.name, file.size / 1e6, protocol.MAX_WEIGHTS_BYTES // 2 ** 20))


class WeightsPanel:
    def __init__(self, document, model, autosaving, link, messages):
        self.model = model
        self.autosaving = autosaving
        self.link = link
        self.messages = messages
        self.architecture = document.querySelector("#architecture")
        self.undo_button = document.querySelector("#undo-weights")
        self.controls = [self.architecture, self.undo_button]
        for selector, event, action in (("#pretrained", "click", self.load_pretrained),
                                        ("#randomize", "click", self.randomize),
                                        ("#export", "click", self.export),
                                        ("#export-onnx", "click", self.export_onnx),
                                        ("#import", "change", self.import_chosen),
                                        ("#forget", "click", self.forget)):
            self.controls.append(document.querySelector(selector))
            messages.on(self.controls[-1], event, action)
        messages.on(self.architecture, "change", self.switch_architecture)
        messages.on(self.undo_button, "click", self.undo)
        self.proxies = [create_proxy(lambda event: event.preventDefault()), create_proxy(self.dropped)]
        document.addEventListener("dragover", self.proxies[0])
        document.addEventListener("drop", self.proxies[1])

    def enable(self, enabled):
        for control in self.controls:
            control.disabled = not enabled

    def seen(self, status, _views):
        if not self.architecture.matches(":focus"):     # never change it under the visitor's hand
            self.architecture.value = status["architecture"]

    async def replace(self, value, origin, done):
        was = self.model.description()[1]
        if await self.model.replace(value, origin):
            self.autosaving.changed()
            self.undo_button.hidden = self.model.previous is None
            self.undo_button.textContent = "Undo: back to %s%s" % (was[0].lower(), was[1:])
            self.messages.say(done)

    async def load_pretrained(self, _event):
        await self.load_shipped(self.model.architecture(), "Loaded the shipped weights.")

    async def switch_architecture(self, event):
        await self.switch_to(event.target.value)

    async def switch_to(self, architecture):
        if architecture not in shipped.PRETRAINED:
            self.messages.error("There is no model called %r." % architecture)
            return
        await self.load_shipped(architecture, "Switched to the %s, with its shipped weights."
                                % ("convnet" if architecture == "cnn" else "MLP"))

    async def load_shipped(self, architecture, done):
        text = await files.read_base64(await fetch_body(shipped.PRETRAINED[architecture], "blob"))
        await self.replace(text, {"kind": "shipped", "architecture": architecture}, done)

    async def randomize(self, _event):
        seed = int(js.Date.now()) % 1000000
        await self.replace(seed, {"kind": "random", "seed": seed},
                           "Random weights (seed %d): press Start to watch them learn." % seed)

    async def import_chosen(self, event):
        file = files.chosen_file(event)
        if file is not None:
            await self.import_file(file)

    def dropped(self, event):
        """A file dropped anywhere on the page (but the grid) is imported."""
        file = files.dropped_file(event)
        if file is not None and self.link.ready:
            self.messages.run(self.import_file(file))

    async def import_file(self, file):
        """Nothing changes unless the worker accepts every byte of the file."""
        check_file(file)
        text = await files.read_base64(file)
        await self.replace(text, {"kind": "imported", "file": file.name}, "Imported %s." % file.name)

    async def export(self, _event):
        checkpoint = await self.model.fresh_checkpoint()
        if checkpoint is not None:
            name = EXPORT_NAME % checkpoint.architecture
            files.download(checkpoint.weights, name)
            self.messages.say("Exported %s: numpy.load reads it (see the README)." % name)

    async def export_onnx(self, _event):
        """The model in use as an ONNX file, made here from its weights file."""
        from shared import onnx_export      # compiled when first used, not while the page boots
        checkpoint = await self.model.fresh_checkpoint()
        if checkpoint is None:
            return
        try:
            version = onnx_export.page_version(await fetch_body(shipped.OFFLINE_SET, "text"))
        except OSError:             # the version is a label: the model exports without it
            version = "unknown"
        data = base64_codec.decode(await files.read_base64(files.blob_of(checkpoint.weights)))
        name, model = onnx_export.from_weights_file(data, version)
        files.save_url("data:application/octet-stream;base64," + base64_codec.encode(model), name)
        self.messages.say("Exported %s: onnxruntime runs it (see the README)." % name)

    async def undo(self, _event):
        if await self.model.undo():
            self.autosaving.changed()
            self.undo_button.hidden = True
            self.messages.say("Put back the weights from before.")

    async def forget(self, _event):
        await self.autosaving.forget()
        self.messages.say("Forgot the saved model. The weights in use stay until you leave the page.")
