"""Digits from paper: a photo or scan chosen with #image-file, or dropped on
the grid, is decoded by the browser, scaled down on a canvas, made into the
grid's digit (shared/paper.py) and shown there, predicted and teachable like
a drawing. What is not an image, too large, or blank is refused with a
message, and the grid keeps what it had.

The browser does the decoding (createImageBitmap), whose rejection
MicroPython could not catch: a JavaScript catch turns it into None."""
import js
from pyscript.ffi import create_proxy

from shared import paper

MAX_FILE_BYTES = 25 * 1024 * 1024
MIN_SIDE = 8
_failed = create_proxy(lambda _error: None)


class PictureReader:
    def __init__(self, document, show, messages):
        """show(pixels, name): put the digit's pixels (shared/digit.py) on the grid."""
        self.show = show
        self.messages = messages
        self.canvas = document.createElement("canvas")

    async def read(self, file):
        """Put the digit in a picture file on the grid; False (and said why) if not."""
        name = file.name
        if not str(file.type).startswith("image/"):
            return self.refuse("%s is not an image (a PNG or JPEG photo of one digit)" % name)
        if file.size > MAX_FILE_BYTES:
            return self.refuse("%s is %.0f MB; pictures up to %d MB are read"
                               % (name, file.size / 1e6, MAX_FILE_BYTES // 2 ** 20))
        bitmap = await js.createImageBitmap(file).catch(_failed)
        if bitmap is None:
            return self.refuse("%s could not be read as an image" % name)
        width, height = bitmap.width, bitmap.height
        if min(width, height) < MIN_SIDE:
            bitmap.close()
            return self.refuse("%s is %d x %d pixels: too small to hold a digit" % (name, width, height))
        scale = min(1.0, paper.MAX_SIDE / max(width, height))
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        self.canvas.width, self.canvas.height = w, h
        ctx = self.canvas.getContext("2d", js.JSON.parse('{"willReadFrequently": true}'))
        ctx.imageSmoothingEnabled = True
        ctx.imageSmoothingQuality = "high"
        ctx.fillStyle = "#fff"          # transparent parts read as paper
        ctx.fillRect(0, 0, w, h)
        ctx.drawImage(bitmap, 0, 0, w, h)
        bitmap.close()
        rgba = bytes(ctx.getImageData(0, 0, w, h).data)
        try:
            pixels = paper.from_picture(rgba, w, h)
        except ValueError as error:
            return self.refuse("%s: %s" % (name, error))
        self.show(pixels, name)
        return True

    def refuse(self, text):
        self.messages.error(text + ". The grid is as it was.")
        return False
