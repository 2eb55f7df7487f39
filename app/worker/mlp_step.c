/* The MLP of worker/mlp.py (784 -> h (ReLU) -> 10 softmax) in C: its
 * training step, SGD with momentum on the mean cross-entropy, and its logits;
 * the same maths as MLP.numpy_step and MLP.logits in numpy.
 *
 * Why C: each sample has ink on about a fifth of its pixels, and only those
 * rows of W1 enter its first layer, forward and backward. numpy cannot skip
 * per sample without a cost per call that outweighs the saving; here the
 * skipping is a branch. Plain C, so the same file builds natively for the
 * tests under CPython and, with clang's WebAssembly SIMD, for the worker
 * (Makefile), where it runs on numpy's own arrays in Pyodide's memory.
 */
#include <stdint.h>

float expf(float);
float logf(float);

/* A digit's size and its classes are declared once, in app/shared/digit.py;
 * the Makefile passes them as -DPIXELS=... -DCLASSES=... */
#if !defined(PIXELS) || !defined(CLASSES)
#error "build with -DPIXELS and -DCLASSES from app/shared/digit.py (see the Makefile)"
#endif
enum { INPUTS = PIXELS, OUTPUTS = CLASSES, MAX_HIDDEN = 1024 };   /* MAX_HIDDEN as mlp.py */

/* One sample's forward pass: the inked rows of W1, ReLU, then the output
 * layer. Fills ink (the inked pixels), hi (hidden units) and z (logits);
 * returns how many pixels are inked. */
static int forward(int h, const float *restrict x, const float *restrict W1,
                   const float *restrict b1, const float *restrict W2, const float *restrict b2,
                   int32_t *restrict ink, float *restrict hi, float *restrict z)
{
    int count = 0;
    for (int p = 0; p < INPUTS; p++)
        if (x[p] != 0) ink[count++] = p;
    for (int j = 0; j < h; j++) hi[j] = b1[j];
    for (int q = 0; q < count; q++) {
        const float v = x[ink[q]], *w = W1 + ink[q] * h;
        for (int j = 0; j < h; j++) hi[j] += v * w[j];
    }
    for (int j = 0; j < h; j++) hi[j] = hi[j] > 0 ? hi[j] : 0;
    for (int k = 0; k < OUTPUTS; k++) z[k] = b2[k];
    for (int j = 0; j < h; j++)
        if (hi[j] != 0)
            for (int k = 0; k < OUTPUTS; k++) z[k] += hi[j] * W2[j * OUTPUTS + k];
    return count;
}

/* The logits of n samples into out (n x 10): what evaluation and prediction
 * need, at the training step's speed. Returns -1 for h outside 1..MAX_HIDDEN. */
int mlp_logits(int n, int h, const float *restrict X, const float *restrict W1,
               const float *restrict b1, const float *restrict W2, const float *restrict b2,
               float *restrict out)
{
    if (h < 1 || h > MAX_HIDDEN) return -1;
    float hi[MAX_HIDDEN];
    int32_t ink[INPUTS];
    for (int i = 0; i < n; i++)
        forward(h, X + i * INPUTS, W1, b1, W2, b2, ink, hi, out + i * OUTPUTS);
    return 0;
}

/* One step on a batch of n samples; out[0], out[1]: its mean loss and
 * accuracy. Returns 0, or -1 for a label outside 0..9 or h outside
 * 1..MAX_HIDDEN (then nothing has changed). */
int mlp_train_step(int n, int h, const float *restrict X, const int32_t *restrict y,
                   float *restrict W1, float *restrict b1, float *restrict W2, float *restrict b2,
                   float *restrict V1, float *restrict vb1, float *restrict V2, float *restrict vb2,
                   float lrate, float momentum, float *restrict out)
{
    if (h < 1 || h > MAX_HIDDEN) return -1;
    for (int i = 0; i < n; i++)
        if (y[i] < 0 || y[i] >= OUTPUTS) return -1;

    /* Velocities decay first, so each sample's gradient is subtracted as soon
     * as it is known. V1 (784 x h) decays in the pass that adds it to W1, so
     * its gradients go in divided by momentum (or onto zeros, without). */
    for (int j = 0; j < h; j++) vb1[j] *= momentum;
    for (int k = 0; k < h * OUTPUTS; k++) V2[k] *= momentum;
    for (int k = 0; k < OUTPUTS; k++) vb2[k] *= momentum;
    if (momentum == 0)
        for (int k = 0; k < INPUTS * h; k++) V1[k] = 0;
    const float v1_lrate = momentum != 0 ? lrate / momentum : lrate;
    const float lrate_n = lrate / n;     /* the loss is a mean over the batch */
    float loss = 0, hits = 0;

    for (int i = 0; i < n; i++) {
        const float *x = X + i * INPUTS;
        float hi[MAX_HIDDEN], di[MAX_HIDDEN], z[OUTPUTS];   /* hidden units, their gradient, logits */
        int32_t ink[INPUTS];
        const int count = forward(h, x, W1, b1, W2, b2, ink, hi, z);

        /* softmax and cross-entropy; z becomes dLoss/dz for this sample, times n */
        int best = 0;
        for (int k = 1; k < OUTPUTS; k++)
            if (z[k] > z[best]) best = k;
        const float top = z[best];
        float sum = 0;
        for (int k = 0; k < OUTPUTS; k++) sum += z[k] = expf(z[k] - top);
        loss -= logf(z[y[i]] / sum + 1e-12f);
        hits += best == y[i];
        for (int k = 0; k < OUTPUTS; k++) z[k] = z[k] / sum - (k == y[i]);

        /* backward: output layer, then the inked rows of W1 */
        for (int k = 0; k < OUTPUTS; k++) vb2[k] -= lrate_n * z[k];
        for (int j = 0; j < h; j++) {
            float g = 0;
            if (hi[j] != 0)     /* ReLU passes gradient only where it let the input through */
                for (int k = 0; k < OUTPUTS; k++) {
                    g += z[k] * W2[j * OUTPUTS + k];
                    V2[j * OUTPUTS + k] -= lrate_n * hi[j] * z[k];
                }
            di[j] = g;
            vb1[j] -= lrate_n * g;
        }
        for (int q = 0; q < count; q++) {
            const float v = v1_lrate / n * x[ink[q]];
            float *u = V1 + ink[q] * h;
            for (int j = 0; j < h; j++) u[j] -= v * di[j];
        }
    }

    const float decay = momentum != 0 ? momentum : 1;
    for (int k = 0; k < INPUTS * h; k++) W1[k] += V1[k] *= decay;
    for (int j = 0; j < h; j++) b1[j] += vb1[j];
    for (int k = 0; k < h * OUTPUTS; k++) W2[k] += V2[k];
    for (int k = 0; k < OUTPUTS; k++) b2[k] += vb2[k];
    out[0] = loss / n;
    out[1] = hits / n;
    return 0;
}
