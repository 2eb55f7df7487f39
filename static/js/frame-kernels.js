// The page's loops that MicroPython would run as bytecode while the visitor
// draws and the model trains, in typed arrays: the MLP's forward pass for the
// live prediction (the maths of app/shared/inference.py, the reference and
// the fallback), the convnet's (app/worker/convnet.py's, from the weights
// file a checkpoint carries: 270,000 multiply-adds, too many for MicroPython
// on every stroke), painting the grid's cells (app/ui/grid.py's paint, the
// fallback) and a chart line's path (app/ui/charts.py's, the fallback). On a
// CPU 4x slower than a laptop's, MicroPython took 48 ms of a drawing frame
// for the first, 9 ms for the third, and 19 ms of a status render for a
// 400-point line. Numbers come as text (shared/base64_codec.py's
// encode_floats, base64 of float64), as MicroPython moves strings across at
// once but arrays one element at a time; a live status's first layer and a
// checkpoint's weights file come from the worker as Uint8Arrays and are
// handed over as they are.
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

  // -- the drawing as an MNIST digit: app/shared/preprocess.py, the reference --
  // The same float operations in the same order as MicroPython runs them
  // (its sum() adds left to right), so the digit is the same to the bit.
  const BOX = 20, CENTRE = 14, TIE = 1e-9;
  const tapsCache = new Map();

  /** preprocess.py's _taps: [main, extra] to area-resample n pixels to m. */
  const taps = (n, m) => {
    const key = n * 64 + m;
    if (tapsCache.has(key)) return tapsCache.get(key);
    const main = [], extra = [];
    for (let j = 0; j < m; j++) {
      const lo = j * n, hi = lo + n, pairs = [];
      for (let i = Math.floor(lo / m); i * m < hi; i++) {
        pairs.push([i, (Math.min(hi, (i + 1) * m) - Math.max(lo, i * m)) / n]);
      }
      let done = 0;
      for (const pair of pairs.slice(0, -1)) done += pair[1];
      pairs[pairs.length - 1][1] = 1 - done;
      main.push(pairs.length === 1 ? [pairs[0][0], 1, pairs[0][0], 0]
        : [pairs[0][0], pairs[0][1], pairs[1][0], pairs[1][1]]);
      for (const [c, wc] of pairs.slice(2)) extra.push([j, c, wc]);
    }
    tapsCache.set(key, [main, extra]);
    return [main, extra];
  };

  /** One line (or, given rows, one column of rows) of the separable resize. */
  const resample = (line, [main, extra]) => {
    const out = main.map(([a, wa, b, wb]) => line[a] * wa + line[b] * wb);
    for (const [j, c, wc] of extra) if (line[c]) out[j] += line[c] * wc;
    return out;
  };

  /** Python's round(): halves to even. */
  const roundHalfEven = x => {
    const floor = Math.floor(x), part = x - floor;
    return part > 0.5 || (part === 0.5 && floor % 2) ? floor + 1 : floor;
  };

  /** The whole-pixel offset that puts a centre of mass nearest CENTRE, the box inside. */
  const shift = (com, extent) => Math.min(Math.max(Math.ceil(CENTRE - com - 0.5 - TIE), 0), SIDE - extent);

  const sum = values => {
    let total = 0;
    for (const v of values) total += v;
    return total;
  };

  /** The grid's pixels as an MNIST digit (784 values), or null when nothing is inked. */
  const mnistDigit = pixels => {
    let r0 = SIDE, r1 = -1, c0 = SIDE, c1 = -1;
    for (let i = 0; i < pixels.length; i++) {
      if (pixels[i] > 0) {
        const r = Math.floor(i / SIDE), c = i % SIDE;
        r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
      }
    }
    if (r1 < 0) return null;
    const h = r1 - r0 + 1, w = c1 - c0 + 1;
    const oh = h >= w ? BOX : Math.max(1, roundHalfEven(h * BOX / w));
    const ow = h >= w ? Math.max(1, roundHalfEven(w * BOX / h)) : BOX;
    let rows = [];
    for (let r = r0; r <= r1; r++) {
      const line = Array.from(pixels.subarray(r * SIDE + c0, r * SIDE + c1 + 1));
      rows.push(w === ow ? line : resample(line, taps(w, ow)));
    }
    if (h !== oh) {
      const [main, extra] = taps(h, oh);
      const out = main.map(([a, wa, b, wb]) => a === b ? rows[a] : rows[a].map((v, k) => v * wa + rows[b][k] * wb));
      for (const [j, c, wc] of extra) out[j] = out[j].map((v, k) => v + rows[c][k] * wc);
      rows = out;
    }
    const rowMass = rows.map(sum), total = sum(rowMass);
    let comRow = (oh - 1) / 2, comColumn = (ow - 1) / 2;
    if (total > 0) {
      let byRow = 0, byColumn = 0;
      for (let r = 0; r < oh; r++) byRow += r * rowMass[r];
      for (let c = 0; c < ow; c++) byColumn += c * sum(rows.map(row => row[c]));
      comRow = byRow / total;
      comColumn = byColumn / total;
    }
    const digit = new Float64Array(SIDE * SIDE), dr = shift(comRow, oh), dc = shift(comColumn, ow);
    rows.forEach((row, r) => digit.set(row, (dr + r) * SIDE + dc));
    return digit;
  };

  // -- the drawing read from its strokes: app/shared/strokes.py, the reference,
  // drawing with app/shared/grid_state.py's ink pen, to the same bit --
  const INK_CORE = 0.9, INK_EDGE = 1.9, STAMP_STEP = 0.35, LAST = SIDE - 1;
  const CORE2 = INK_CORE * INK_CORE, EDGE2 = INK_EDGE * INK_EDGE, SLOPE = 1 / (INK_EDGE - INK_CORE);
  const PEN_REACH = (INK_CORE + INK_EDGE) / 2, SPAN = BOX - 2 * PEN_REACH, SHORTEST = 3, HALF = SIDE / 2;

  /** grid_state.py's _stamp, in ink: each cell keeps the most ink it was given. */
  const stamp = (pixels, x, y) => {
    if (!(0.5 - INK_EDGE < x && x < SIDE - 0.5 + INK_EDGE && 0.5 - INK_EDGE < y && y < SIDE - 0.5 + INK_EDGE)) return;
    const c0 = Math.max(Math.ceil(x - INK_EDGE - 0.5), 0), c1 = Math.min(Math.floor(x + INK_EDGE - 0.5), LAST);
    const r0 = Math.max(Math.ceil(y - INK_EDGE - 0.5), 0), r1 = Math.min(Math.floor(y + INK_EDGE - 0.5), LAST);
    for (let r = r0; r <= r1; r++) {
      const ry = r + 0.5 - y, ry2 = ry * ry, base = r * SIDE;
      for (let c = c0; c <= c1; c++) {
        const rx = c + 0.5 - x, d2 = rx * rx + ry2;
        if (d2 >= EDGE2) continue;
        const cover = d2 <= CORE2 ? 1 : (INK_EDGE - Math.sqrt(d2)) * SLOPE;
        if (cover > pixels[base + c]) pixels[base + c] = cover;
      }
    }
  };

  /** grid_state.py's _clip: [t0, t1] narrowed to where the segment is inside (lo, hi). */
  const clip = (start, delta, lo, hi, t0, t1) => {
    if (delta === 0) return lo < start && start < hi ? [t0, t1] : [1, 0];
    let ta = (lo - start) / delta, tb = (hi - start) / delta;
    if (ta > tb) [ta, tb] = [tb, ta];
    return [Math.max(t0, ta), Math.min(t1, tb)];
  };

  /** grid_state.py's extend_stroke, in ink: stamps along the segment. */
  const segment = (pixels, x0, y0, x, y) => {
    const dx = x - x0, dy = y - y0;
    if (dx === 0 && dy === 0) return;
    const lo = 0.5 - INK_EDGE, hi = SIDE - 0.5 + INK_EDGE;
    let [t0, t1] = clip(x0, dx, lo, hi, 0, 1);
    [t0, t1] = clip(y0, dy, lo, hi, t0, t1);
    if (t0 >= t1) return;
    const length = Math.sqrt(dx * dx + dy * dy) * (t1 - t0);
    const n = Math.max(Math.ceil(length / STAMP_STEP), 1);
    const sx = x0 + dx * t0, sy = y0 + dy * t0, stepx = dx * (t1 - t0) / n, stepy = dy * (t1 - t0) / n;
    for (let i = t0 === 0 ? 1 : 0; i <= n; i++) stamp(pixels, sx + stepx * i, sy + stepy * i);
  };

  /** strokes.py's packed strokes, unpacked: one array of x, y, x, y, ... each. */
  const strokesOf = packed => {
    const strokes = [];
    for (let i = 0; i < packed.length; i += 1 + 2 * packed[i]) strokes.push(packed.subarray(i + 1, i + 1 + 2 * packed[i]));
    return strokes;
  };

  /** strokes.py's placing: [scale, x0, y0], or null (read the pixels as drawn). */
  const placing = strokes => {
    if (!strokes.length) return null;
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    for (const stroke of strokes) {
      for (let i = 0; i < stroke.length; i += 2) {
        left = Math.min(left, stroke[i]); right = Math.max(right, stroke[i]);
        top = Math.min(top, stroke[i + 1]); bottom = Math.max(bottom, stroke[i + 1]);
      }
    }
    if (Math.min(left, top) < -PEN_REACH || Math.max(right, bottom) > SIDE + PEN_REACH) return null;
    if (strokes.some(stroke => stroke.length < 4)) return null;
    const span = Math.max(right - left, bottom - top);
    if (span < SHORTEST) return null;
    const scale = SPAN / span;
    return [scale, HALF - (left + right) / 2 * scale, HALF - (top + bottom) / 2 * scale];
  };

  /** strokes.py's reading_grid: the pen lines drawn again at MNIST's size. */
  const readingGrid = (strokes, [scale, x0, y0]) => {
    const pixels = new Float64Array(SIDE * SIDE);
    for (const stroke of strokes) {
      let x = x0 + stroke[0] * scale, y = y0 + stroke[1] * scale;
      stamp(pixels, x, y);
      for (let i = 2; i < stroke.length; i += 2) {
        const nextX = x0 + stroke[i] * scale, nextY = y0 + stroke[i + 1] * scale;
        segment(pixels, x, y, nextX, nextY);
        x = nextX;
        y = nextY;
      }
    }
    return pixels;
  };

  /** strokes.py's reading: what the models read of a drawing (null: nothing
   *  inked) and the ink of its lines drawn again (0: the pixels are read). */
  const reading = (gridText, strokesText) => {
    const strokes = strokesText ? strokesOf(floatsOf(strokesText)) : [], place = placing(strokes);
    if (!place) return [mnistDigit(floatsOf(gridText)), 0];
    const grid = readingGrid(strokes, place);
    return [mnistDigit(grid), sum(grid)];
  };

  /** A kernel's read(gridText, strokesText): the grid's pixels (base64 of
   *  float64) and its strokes (strokes.py's packed, the same, or "") made an
   *  MNIST digit, then its probabilities, comma-separated, and ";" and the
   *  ink of its lines drawn again; "" when nothing is inked. */
  const reader = probabilitiesOf => (gridText, strokesText) => {
    const [digit, ink] = reading(gridText, strokesText);
    return digit ? probabilitiesOf(digit) + ";" + ink : "";
  };

  /** reading on text, both ways (the digit's text, ";", the ink; "" for no
   *  digit): compared with the reference by tests/unit/test_frame_kernels.py. */
  globalThis.pageReading = (gridText, strokesText) => {
    const [digit, ink] = reading(gridText, strokesText);
    return digit ? textOf(digit) + ";" + ink : "";
  };
  const textOf = floats => {
    const bytes = new Uint8Array(floats.buffer);
    if (bytes.toBase64) return bytes.toBase64();
    let chars = "";
    for (const byte of bytes) chars += String.fromCharCode(byte);
    return btoa(chars);
  };

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
    /** The grid's probabilities, in the reference's order of sums (reader). */
    read: reader(digit => {
      const classes = b2.length;
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
      return softmaxText(logits);
    }),
  };

  /** The weights file's arrays (app/worker/weights_file.py: an .npz, its
   *  members stored, as the model worker writes every checkpoint): {name:
   *  {shape, values}}, float32 arrays as Float32Array and "meta" as its JSON,
   *  parsed. Throws an Error that says what is wrong. */
  const npz = file => {
    const at = new DataView(file.buffer, file.byteOffset, file.byteLength);
    let end = file.length - 22;             // the zip's end record, then its directory
    while (end >= 0 && at.getUint32(end, true) !== 0x06054b50) end--;
    if (end < 0) throw new Error("not a weights file (.npz)");
    const arrays = {}, text = new TextDecoder();
    for (let n = at.getUint16(end + 10, true), entry = at.getUint32(end + 16, true); n > 0; n--) {
      if (at.getUint32(entry, true) !== 0x02014b50) throw new Error("a damaged weights file");
      if (at.getUint16(entry + 10, true) !== 0) throw new Error("a compressed weights file");
      const nameLength = at.getUint16(entry + 28, true), size = at.getUint32(entry + 20, true);
      const name = text.decode(file.subarray(entry + 46, entry + 46 + nameLength)).replace(/\.npy$/, "");
      const local = at.getUint32(entry + 42, true);
      const start = local + 30 + at.getUint16(local + 26, true) + at.getUint16(local + 28, true);
      arrays[name] = npy(file.subarray(start, start + size), name);
      entry += 46 + nameLength + at.getUint16(entry + 30, true) + at.getUint16(entry + 32, true);
    }
    return arrays;
  };

  /** One .npy member: float32 (little-endian, C order) or a 0-d unicode string (JSON). */
  const npy = (bytes, name) => {
    const at = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const wide = bytes[6] > 1, headerLength = wide ? at.getUint32(8, true) : at.getUint16(8, true);
    const dataStart = (wide ? 12 : 10) + headerLength;
    const header = new TextDecoder().decode(bytes.subarray(wide ? 12 : 10, dataStart));
    const descr = /'descr':\s*'([^']+)'/.exec(header), shape = /'shape':\s*\(([^)]*)\)/.exec(header);
    if (bytes[1] !== 0x4e || !descr || !shape || /'fortran_order':\s*True/.test(header)) {
      throw new Error(`${name} is not a C-order .npy array`);
    }
    const dims = shape[1].split(",").filter(d => d.trim()).map(Number);
    const data = new Uint8Array(bytes.subarray(dataStart));      // a copy, aligned for its view
    if (descr[1] === "<f4") {
      const values = new Float32Array(data.buffer, 0, data.length >> 2);
      if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name} is cut short`);
      return {shape: dims, values};
    }
    if (/^<U\d+$/.test(descr[1]) && dims.length === 0) {
      return JSON.parse(String.fromCodePoint(...new Uint32Array(data.buffer, 0, data.length >> 2))
        .replace(/\0+$/, ""));
    }
    throw new Error(`${name} holds ${descr[1]}, not float32`);
  };

  let layers = null;       // the convnet's: [{kind, k, stride, inputs, units, side, weight, bias}]
  globalThis.convnetKernel = {
    /** file: the convnet's weights file as a Uint8Array (a checkpoint's);
     *  its layers as meta describes them (app/worker/convnet.py). Throws
     *  an Error saying why the file will not do; the old weights stay. */
    use(file) {
      let arrays;
      try {
        arrays = npz(file);
      } catch (error) {          // an offset that points outside the file
        throw error instanceof RangeError ? new Error("a damaged weights file") : error;
      }
      const described = arrays.meta && arrays.meta.layers;
      if (!Array.isArray(described)) throw new Error("the weights file has no layers in its meta");
      let side = SIDE, channels = 1;
      const built = described.map(layer => {
        const weight = arrays[layer.name + ".weight"], bias = arrays[layer.name + ".bias"];
        const k = layer.type === "conv" ? layer.kernel : 1;
        const inputs = layer.type === "conv" ? channels : side * side * channels;
        const shape = layer.type === "conv" ? [k, k, channels, layer.units] : [inputs, layer.units];
        if (!weight || !bias || String(weight.shape) !== String(shape) ||
            String(bias.shape) !== String([layer.units])) {
          throw new Error(`${layer.name} does not have the shape its meta says`);
        }
        const stride = layer.type === "conv" ? layer.stride : 1, sideIn = side;
        side = layer.type === "conv" ? Math.floor((side - k) / stride) + 1 : 1;
        channels = layer.units;
        return {kind: layer.type, k, stride, inputs, units: layer.units, side: sideIn,
                weight: weight.values, bias: bias.values};
      });
      if (built.length < 2 || built[built.length - 1].kind !== "dense" ||
          built.slice(0, -1).some(layer => layer.kind !== "conv") || channels !== 10) {
        throw new Error("the weights file is not a convnet of this page");
      }
      layers = built;
    },
    /** The grid's probabilities (reader): convolutions with ReLU, then the
     *  softmax layer, feature maps kept rows x columns x channels (as the dense
     *  layer's weights read them). */
    read: reader(digit => {
      let maps = digit;
      for (const layer of layers.slice(0, -1)) maps = convolve(layer, maps);
      const output = layers[layers.length - 1], logits = Float64Array.from(output.bias);
      for (let i = 0; i < output.inputs; i++) {
        const x = maps[i];
        if (x) for (let u = 0, row = i * output.units; u < output.units; u++) logits[u] += x * output.weight[row + u];
      }
      return softmaxText(logits);
    }),
  };

  /** A k x k convolution with a stride and no padding, then ReLU. */
  const convolve = ({k, stride, inputs: channels, units, side, weight, bias}, maps) => {
    const out = Math.floor((side - k) / stride) + 1, result = new Float64Array(out * out * units);
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        const sums = result.subarray((y * out + x) * units, (y * out + x + 1) * units);
        sums.set(bias);
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const pixel = ((y * stride + i) * side + x * stride + j) * channels;
            for (let c = 0; c < channels; c++) {
              const v = maps[pixel + c];
              if (v) for (let u = 0, row = ((i * k + j) * channels + c) * units; u < units; u++) sums[u] += v * weight[row + u];
            }
          }
        }
        for (let u = 0; u < units; u++) if (sums[u] < 0) sums[u] = 0;
      }
    }
    return result;
  };

  /** Probabilities of logits, comma-separated. */
  const softmaxText = logits => {
    const top = Math.max(...logits), exps = Array.from(logits, z => Math.exp(z - top));
    const total = exps.reduce((sum, e) => sum + e);
    return exps.map(e => e / total).join(",");
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
