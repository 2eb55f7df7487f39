// The MLP's forward pass for the page's live predictions, in typed arrays.
// app/shared/inference.py holds the same maths in Python, the reference and
// the fallback: MicroPython runs it as bytecode, and on a CPU 4x slower than
// a laptop's one prediction took 48 ms of a drawing frame. app/ui/predictions.py
// passes text, as MicroPython moves strings across at once but arrays one
// element at a time; but a live status's first layer came from the worker as
// a Uint8Array and is handed over as it is.
"use strict";
globalThis.mlpKernel = (() => {
  let w1 = null, b1 = null, w2 = null, b2 = null, hidden = 0, unscale = 0;
  const bytesOf = text => {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const chars = atob(text), bytes = new Uint8Array(chars.length);
    for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
    return bytes;
  };
  return {
    /** firstLayer: the first layer, int16 little-endian, pixel-major rows of
     *  `hidden`, as a Uint8Array or base64; restJson: JSON of {hidden, scale,
     *  b1, w2, b2} (shared/inference.py). */
    use(firstLayer, restJson) {
      const rest = JSON.parse(restJson);
      let bytes = typeof firstLayer === "string" ? bytesOf(firstLayer) : firstLayer;
      if (bytes.byteOffset % 2) bytes = bytes.slice();      // an Int16Array view needs even
      w1 = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
      hidden = rest.hidden;
      unscale = 1 / (255 * rest.scale);
      b1 = Float64Array.from(rest.b1);
      w2 = Float64Array.from(rest.w2.flat());
      b2 = Float64Array.from(rest.b2);
    },
    /** levelsText: base64 of the pixel levels (0..255) of a preprocessed digit;
     *  the probabilities, comma-separated, in the reference's order of sums. */
    probabilities(levelsText) {
      const levels = bytesOf(levelsText), classes = b2.length;
      const acc = new Float64Array(hidden);      // integer sums, exact below 2**53
      for (let p = 0; p < levels.length; p++) {
        const level = levels[p];
        if (level) {
          for (let j = 0, row = p * hidden; j < hidden; j++) acc[j] += level * w1[row + j];
        }
      }
      const logits = Float64Array.from(b2);
      for (let j = 0; j < hidden; j++) {
        const h = acc[j] * unscale + b1[j];
        if (h > 0) for (let k = 0; k < classes; k++) logits[k] += h * w2[j * classes + k];
      }
      const top = Math.max(...logits), exps = Array.from(logits, z => Math.exp(z - top));
      const total = exps.reduce((sum, e) => sum + e);
      return exps.map(e => e / total).join(",");
    },
  };
})();
