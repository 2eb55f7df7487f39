// The peer systems `make bench` measures the page against, trained here on the
// main thread as their own demos do, on the page's data blocks.
// window.runAnchor(name, seconds) -> Promise of {samples_per_s, heldout_acc, layers, error}:
// layers is [outputs, fan-in] of each layer with weights, read from the built
// network (tools/bench/work.py counts its multiply-adds from them).
"use strict";

const DATA = "../../../static/data/";
const SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10;
const WARMUP_SHARE = 0.2;     // of the wall time: first calls compile kernels and grow heaps
const YIELD_EVERY_MS = 100;   // the demos hand the event loop back between steps

// As PLATFORM.md's table of peers: plain SGD (no momentum), lr 0.1, batch 64.
const MLP = { lrate: 0.1, batch: 64 };
// tfjs-examples/mnist trains createConvModel with rmsprop in batches of 320;
// here it gets our convnet's SGD at lr 0.05 in batches of 64, as the page's.
const TFJS_CNN = { lrate: 0.05, batch: 64 };
// ConvNetJS's MNIST demo trainer, as the demo sets it.
const CONVNETJS_CNN = { method: "adadelta", batch_size: 20, l2_decay: 0.001 };
// Held-out samples each anchor is scored on: all 1,500 for the MLPs, the first
// 500 for the convnets, whose forward passes on the main thread are slow.
const HELDOUT = { mlp: 1500, cnn: 500 };

async function loadSplit(split) {
  const manifest = await (await fetch(DATA + "manifest.json")).json();
  const blocks = await Promise.all(manifest[split].map(
    async entry => new Uint8Array(await (await fetch(DATA + entry.file)).arrayBuffer())));
  const records = blocks.reduce((n, b) => n + b.length, 0) / (1 + PIXELS);
  const labels = new Int32Array(records), pixels = new Float32Array(records * PIXELS);
  let i = 0;
  for (const block of blocks)
    for (let at = 0; at < block.length; at += 1 + PIXELS, i++) {
      labels[i] = block[at];
      for (let p = 0; p < PIXELS; p++) pixels[i * PIXELS + p] = block[at + 1 + p] / 255;
    }
  return { labels, pixels, count: records };
}

function firstOf(data, count) {
  count = Math.min(count, data.count);
  return { labels: data.labels.subarray(0, count), pixels: data.pixels.subarray(0, count * PIXELS), count };
}

// Sample indices in shuffled epochs, as the page's trainer draws them.
function* shuffledIndices(count) {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (;;) {
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    yield* order;
  }
}

const handBackEventLoop = () => new Promise(resolve => {
  // A MessageChannel round trip, not setTimeout: nested timeouts are clamped to 4 ms.
  const channel = new MessageChannel();
  channel.port1.onmessage = resolve;
  channel.port2.postMessage(null);
});

// Runs step() (which trains one batch and returns its sample count) for `seconds`
// of wall time; samples/s counts only the batches ending after the warm-up.
async function trainFor(seconds, step) {
  const start = performance.now(), end = start + seconds * 1000;
  const warmupEnd = start + WARMUP_SHARE * seconds * 1000;
  let measuredFrom = null, measuredTo = null, samples = 0, lastYield = start;
  while (performance.now() < end || samples === 0) {
    const n = await step();
    const now = performance.now();
    if (measuredFrom === null) {
      if (now >= warmupEnd) measuredFrom = now;
    } else {
      samples += n;
      measuredTo = now;
    }
    if (now - lastYield > YIELD_EVERY_MS) {
      await handBackEventLoop();
      lastYield = performance.now();
    }
  }
  return samples / ((measuredTo - measuredFrom) / 1000);
}

// ---- TensorFlow.js ----

function tfjsMlp() {
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [PIXELS], units: 128, activation: "relu" }),
    tf.layers.dense({ units: CLASSES, activation: "softmax" }),
  ] });
  model.compile({ optimizer: tf.train.sgd(MLP.lrate), loss: "categoricalCrossentropy" });
  return { model, batch: MLP.batch, shape: [PIXELS] };
}

// tfjs-examples/mnist createConvModel.
function tfjsCnn() {
  const conv = (filters, extra) => tf.layers.conv2d(
    { kernelSize: 3, filters, activation: "relu", ...extra });
  const pool = () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });
  const model = tf.sequential({ layers: [
    conv(16, { inputShape: [SIDE, SIDE, 1] }), pool(),
    conv(32), pool(),
    conv(32),
    tf.layers.flatten(),
    tf.layers.dense({ units: 64, activation: "relu" }),
    tf.layers.dense({ units: CLASSES, activation: "softmax" }),
  ] });
  model.compile({ optimizer: tf.train.sgd(TFJS_CNN.lrate), loss: "categoricalCrossentropy" });
  return { model, batch: TFJS_CNN.batch, shape: [SIDE, SIDE, 1] };
}

const product = dims => dims.reduce((a, b) => a * b, 1);

// A layer's outputs per sample (outputShape less the batch) and fan-in (the
// kernel's shape less its last axis, the units or filters).
const tfjsLayers = model => model.layers.filter(layer => layer.weights.length).map(
  layer => [product(layer.outputShape.slice(1)), product(layer.weights[0].shape.slice(0, -1))]);

async function runTfjs(backend, build, heldoutCount, seconds, train, test, result) {
  if (backend === "wasm")
    tf.wasm.setWasmPaths(new URL("./node_modules/@tensorflow/tfjs-backend-wasm/dist/", location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error("TensorFlow.js backend " + backend + " did not start");
  const { model, batch, shape } = build();
  result.layers = tfjsLayers(model);
  const indices = shuffledIndices(train.count);
  const xs = new Float32Array(batch * PIXELS), ys = new Int32Array(batch);
  result.samples_per_s = await trainFor(seconds, async () => {
    for (let b = 0; b < batch; b++) {
      const i = indices.next().value;
      xs.set(train.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), b * PIXELS);
      ys[b] = train.labels[i];
    }
    const x = tf.tensor(xs, [batch, ...shape]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ys, "int32"), CLASSES));
    try {
      await model.trainOnBatch(x, y);    // waits for the loss: the batch is done
    } finally {
      tf.dispose([x, y]);
    }
    return batch;
  });
  const held = firstOf(test, heldoutCount);
  const predicted = tf.tidy(() => model.predict(
    tf.tensor(held.pixels, [held.count, ...shape]), { batchSize: 100 }).argMax(-1).dataSync());
  result.heldout_acc = accuracy(predicted, held.labels);
}

// ---- ConvNetJS ----

function convnetjsMlp() {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: "input", out_sx: 1, out_sy: 1, out_depth: PIXELS },
    { type: "fc", num_neurons: 128, activation: "relu" },
    { type: "softmax", num_classes: CLASSES },
  ]);
  const trainer = new convnetjs.SGDTrainer(net, {
    method: "sgd", learning_rate: MLP.lrate, batch_size: MLP.batch, momentum: 0, l2_decay: 0 });
  return { net, trainer, batch: MLP.batch, shape: [1, 1, PIXELS] };
}

// ConvNetJS's MNIST demo net, on 28x28 inputs (the demo crops to 24x24).
function convnetjsCnn() {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: "input", out_sx: SIDE, out_sy: SIDE, out_depth: 1 },
    { type: "conv", sx: 5, filters: 8, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 2, stride: 2 },
    { type: "conv", sx: 5, filters: 16, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 3, stride: 3 },
    { type: "softmax", num_classes: CLASSES },
  ]);
  const trainer = new convnetjs.SGDTrainer(net, CONVNETJS_CNN);
  return { net, trainer, batch: CONVNETJS_CNN.batch_size, shape: [SIDE, SIDE, 1] };
}

// Layers with weights have filters (a fully connected layer's are 1x1xinputs):
// outputs are the layer's output volume, the fan-in a filter's size.
const convnetjsLayers = net => net.layers.filter(layer => layer.filters).map(
  layer => [layer.out_sx * layer.out_sy * layer.out_depth, layer.filters[0].w.length]);

async function runConvnetjs(build, heldoutCount, seconds, train, test, result) {
  const { net, trainer, batch, shape } = build();
  result.layers = convnetjsLayers(net);
  const vol = (data, i) => {
    const v = new convnetjs.Vol(...shape, 0.0);
    v.w.set(data.pixels.subarray(i * PIXELS, (i + 1) * PIXELS));
    return v;
  };
  const indices = shuffledIndices(train.count);
  result.samples_per_s = await trainFor(seconds, () => {
    for (let b = 0; b < batch; b++) {     // the trainer updates every batch_size samples
      const i = indices.next().value;
      trainer.train(vol(train, i), train.labels[i]);
    }
    return batch;
  });
  const held = firstOf(test, heldoutCount);
  const predicted = Int32Array.from({ length: held.count }, (_, i) => {
    net.forward(vol(held, i));
    return net.getPrediction();
  });
  result.heldout_acc = accuracy(predicted, held.labels);
}

function accuracy(predicted, labels) {
  let right = 0;
  for (let i = 0; i < labels.length; i++) right += predicted[i] === labels[i];
  return right / labels.length;
}

// Each fills in the result as it goes: (seconds, train, test, result).
const ANCHORS = {
  tfjs_wasm_mlp: (...run) => runTfjs("wasm", tfjsMlp, HELDOUT.mlp, ...run),
  tfjs_cpu_mlp: (...run) => runTfjs("cpu", tfjsMlp, HELDOUT.mlp, ...run),
  convnetjs_mlp: (...run) => runConvnetjs(convnetjsMlp, HELDOUT.mlp, ...run),
  tfjs_wasm_cnn: (...run) => runTfjs("wasm", tfjsCnn, HELDOUT.cnn, ...run),
  tfjs_cpu_cnn: (...run) => runTfjs("cpu", tfjsCnn, HELDOUT.cnn, ...run),
  convnetjs_cnn: (...run) => runConvnetjs(convnetjsCnn, HELDOUT.cnn, ...run),
};

// A failure (TF.js's wasm backend has no gradient kernels for convolutions)
// is a result to report, not a crash; what was known before it (the layers)
// is kept, the figures it cut short are not.
window.runAnchor = async (name, seconds) => {
  const result = { samples_per_s: null, heldout_acc: null, layers: null, error: null };
  try {
    const [train, test] = await Promise.all([loadSplit("train"), loadSplit("test")]);
    await ANCHORS[name](seconds, train, test, result);
  } catch (e) {
    Object.assign(result, { samples_per_s: null, heldout_acc: null, error: String(e && e.message || e) });
  }
  return result;
};
