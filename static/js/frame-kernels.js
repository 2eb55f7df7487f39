// The page's loops that MicroPython would run as bytecode while the visitor
// draws and the model trains, in typed arrays: the MLP's forward pass for the
// live prediction (the maths of app/shared/inference.py, the reference and
// the fallback), painting the grid's cells (app/ui/grid.py's paint, the
// fallback) and a chart line's path (app/ui/charts.py's, the fallback). On a
// CPU 4x slower than a laptop's, MicroPython took 48 ms of a drawing frame
// for the first, 9 ms for the second, and 19 ms of a status render for a
// 400-point line. Numbers come as text (shared/base64_codec.py's
// encode_floats, base64 of float64), as MicroPython moves strings across at
// once but arrays one element at a time; a live status's first layer came
// from the worker as a Uint8Array and is handed over as it is.
"use strict";
(() => {
  const SIDE = 28;
  const bytesOf = text => {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const chars = atob(text), bytes = new Uint8Array(chars.length);
    for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
    return bytes;
  };
  const floatsOf = text => new Float64Array(bytesOf(text).buffer);
  // A pixel's grey level 0..255, as Python's int(v * 255 + 0.5) for v in [0, 1].
  const level = v => Math.floor(v * 255 + 0.5);

  let w1 = null, b1 = null, w2 = null, b2 = null, hidden = 0, unscale = 0;
  globalThis.mlpKernel = {
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
    /** digitText: a preprocessed digit as text (as_text); the probabilities,
     *  comma-separated, in the reference's order of sums. */
    probabilities(digitText) {
      const digit = floatsOf(digitText), classes = b2.length;
      const acc = new Float64Array(hidden);      // integer sums, exact below 2**53
      for (let p = 0; p < digit.length; p++) {
        const weight = level(digit[p]);
        if (weight) {
          for (let j = 0, row = p * hidden; j < hidden; j++) acc[j] += weight * w1[row + j];
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

  /** A chart line's SVG path through points (xs[i], ys[i]), given as text:
   *  "M x y L x y ...", each coordinate left + (x - x0) * sx and
   *  bottom - (y - y0) * sy, to a tenth of a pixel. */
  globalThis.linePath = (xsText, ysText, x0, sx, y0, sy, left, bottom) => {
    const xs = floatsOf(xsText), ys = floatsOf(ysText), steps = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      steps[i] = (left + (xs[i] - x0) * sx).toFixed(1) + " " + (bottom - (ys[i] - y0) * sy).toFixed(1);
    }
    return "M" + steps.join(" L");
  };

  /** A painter of one grid canvas (SIDE x SIDE logical pixels): paint(pixelsText)
   *  fills the cells whose grey level changed since the last paint, ink dark
   *  on white paper; returns how many. */
  globalThis.gridPainter = ctx => {
    const shown = new Int16Array(SIDE * SIDE).fill(-1);     // level drawn per cell, -1 = unknown
    return {
      paint(pixelsText) {
        const pixels = floatsOf(pixelsText);
        let painted = 0;
        for (let i = 0; i < pixels.length; i++) {
          const grey = level(pixels[i]);
          if (grey !== shown[i]) {
            shown[i] = grey;
            const paper = 255 - grey;
            ctx.fillStyle = `rgb(${paper},${paper},${paper})`;
            ctx.fillRect(i % SIDE, Math.floor(i / SIDE), 1, 1);
            painted++;
          }
        }
        return painted;
      },
    };
  };
})();
