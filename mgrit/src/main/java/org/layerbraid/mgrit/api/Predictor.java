package org.layerbraid.mgrit.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.vecmath.Activation;

/**
 * Predicts with a {@link Model} from raw (unstandardised) features: the class, the logits or the class
 * probabilities, written into the caller's arrays.
 * <p>
 * <b>Threads.</b> A predictor is <em>not</em> thread-safe: it owns a small workspace that every call reuses. Make one
 * per thread ({@link Model#predictor()} is cheap) and share the {@link Model}, which is immutable.
 * <p>
 * <b>Garbage.</b> After construction no call allocates, boxes or takes a lock: one example costs the network's
 * multiply-adds on a few heap arrays that stay in L1 (a convolutional network's states are channels × pixels values,
 * a few tens of kilobytes). The path never touches the training machinery (no states kept
 * for an adjoint, no worker pool). Arithmetic is float64 whatever the model's precision (a float32 model's weights are
 * widened exactly), with the same summation order as the scalar reference kernels.
 * <p>
 * <b>Refusals.</b> A wrong feature count, a non-finite feature or a too-small output array throws
 * {@link IllegalArgumentException} with one sentence naming it; nothing is written then.
 */
public final class Predictor implements AutoCloseable {
    private final Model model;
    private final Model.Weights wt;
    private final int features;
    private final int width;
    /** Values of a state: width, or channels × pixels. */
    private final int state;
    private final int layers;
    private final int classes;
    private final double h;
    private final Activation activation;
    private final NetworkConfig.Opening opening;
    /** Convolutional layers: image height and width, kernel size and the input image's channels; 0 for dense. */
    private final int height;
    private final int imageWidth;
    private final int kernel;
    private final int inputChannels;
    private final double[] y;
    /** Convolutional layers: the pre-activations of one layer. */
    private final double[] pre;
    private double[] u;
    private double[] next;
    private final double[] logits;
    /** One example's probabilities, on their way into caller memory. */
    private final double[] probabilities;
    private boolean closed;

    Predictor(Model model) {
        NetworkConfig c = model.config();
        this.model = model;
        this.wt = model.weights();
        this.features = c.features();
        this.width = c.width();
        this.state = c.stateSize();
        this.layers = c.layers();
        this.classes = c.classes();
        this.h = c.h();
        this.activation = c.activation();
        this.opening = c.opening();
        NetworkConfig.Convolution conv = c.convolution();
        this.height = conv == null ? 0 : conv.height();
        this.imageWidth = conv == null ? 0 : conv.imageWidth();
        this.kernel = conv == null ? 0 : conv.kernel();
        this.inputChannels = conv == null ? 0 : c.inputChannels();
        this.y = new double[features];
        this.u = new double[state];
        this.next = new double[state];
        this.pre = conv == null ? null : new double[state];
        this.logits = new double[classes];
        this.probabilities = new double[classes];
    }

    /** The model this predictor serves. */
    public Model model() {
        return model;
    }

    /** The most probable class of one example. */
    public int predict(double[] x) {
        load(x);
        return forward();
    }

    /** {@link #predict(double[])} for float features. */
    public int predict(float[] x) {
        load(x);
        return forward();
    }

    /** Writes the class probabilities (softmax) of one example into {@code out[0..classes)}; returns the argmax. */
    public int probabilities(double[] x, double[] out) {
        checkOutput(out, 0, 1);
        load(x);
        return forwardWithProbabilities(out);
    }

    /** {@link #probabilities(double[], double[])} for float features. */
    public int probabilities(float[] x, double[] out) {
        checkOutput(out, 0, 1);
        load(x);
        return forwardWithProbabilities(out);
    }

    /** Writes the logits (the classifier's outputs before softmax) into {@code out[0..classes)}; returns the argmax. */
    public int logits(double[] x, double[] out) {
        checkOutput(out, 0, 1);
        load(x);
        int k = forward();
        System.arraycopy(logits, 0, out, 0, classes);
        return k;
    }

    /**
     * Classes of {@code count} examples stored row after row in {@code rows} ({@code count × features} values,
     * example-major), into {@code out[0..count)}.
     */
    public void predict(double[] rows, int count, int[] out) {
        checkRows(rows.length, count);
        checkClassesOut(out.length, count);
        for (int e = 0; e < count; e++) {
            loadRow(rows, e); // every row is checked before any output is written
        }
        for (int e = 0; e < count; e++) {
            loadRow(rows, e);
            out[e] = forward();
        }
    }

    /**
     * Probabilities of {@code count} examples stored row after row in {@code rows}, written row after row into
     * {@code out} ({@code count × classes}).
     */
    public void probabilities(double[] rows, int count, double[] out) {
        checkRows(rows.length, count);
        checkOutput(out, 0, count);
        for (int e = 0; e < count; e++) {
            loadRow(rows, e); // every row is checked before any output is written
        }
        for (int e = 0; e < count; e++) {
            loadRow(rows, e);
            forward();
            softmax(out, e * classes);
        }
    }

    /**
     * Classes of {@code count} examples in caller memory: {@code rows} holds {@code count × features} native-order
     * doubles, example-major (read in place, not copied), the classes go into {@code out[0..count)}.
     */
    public void predict(MemorySegment rows, int count, int[] out) {
        checkRows(rows.byteSize() / Double.BYTES, count);
        checkClassesOut(out.length, count);
        for (int e = 0; e < count; e++) {
            loadRow(rows, e); // every row is checked before any output is written
        }
        for (int e = 0; e < count; e++) {
            loadRow(rows, e);
            out[e] = forward();
        }
    }

    /**
     * Probabilities of {@code count} examples in caller memory ({@code count × features} native-order doubles,
     * example-major) into {@code out} ({@code count × classes} native-order doubles).
     */
    public void probabilities(MemorySegment rows, int count, MemorySegment out) {
        checkRows(rows.byteSize() / Double.BYTES, count);
        if (out.byteSize() / Double.BYTES < (long) count * classes) {
            throw new IllegalArgumentException("the output segment holds " + out.byteSize() / Double.BYTES
                    + " doubles, " + count + " examples × " + classes + " classes need " + (long) count * classes);
        }
        for (int e = 0; e < count; e++) {
            loadRow(rows, e); // every row is checked before any output is written
        }
        for (int e = 0; e < count; e++) {
            loadRow(rows, e);
            forward();
            softmax(probabilities, 0);
            MemorySegment.copy(probabilities, 0, out, ValueLayout.JAVA_DOUBLE, (long) e * classes * Double.BYTES,
                    classes);
        }
    }

    private int forwardWithProbabilities(double[] out) {
        int k = forward();
        softmax(out, 0);
        return k;
    }

    /** Marks this predictor closed: later calls fail. It holds no native memory; closing is for clear ownership. */
    @Override
    public void close() {
        closed = true;
    }

    // ---------------------------------------------------------------- inputs: standardised into y

    private void load(double[] x) {
        checkFeatures(x.length);
        for (int f = 0; f < features; f++) {
            y[f] = standardized(f, x[f]);
        }
    }

    private void load(float[] x) {
        checkFeatures(x.length);
        for (int f = 0; f < features; f++) {
            y[f] = standardized(f, x[f]);
        }
    }

    private void loadRow(double[] rows, int e) {
        for (int f = 0; f < features; f++) {
            y[f] = standardized(e, f, rows[e * features + f]);
        }
    }

    private void loadRow(MemorySegment rows, int e) {
        for (int f = 0; f < features; f++) {
            y[f] = standardized(e, f, rows.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) e * features + f));
        }
    }

    private double standardized(int f, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("feature " + f + " is " + v + ": features must be finite");
        }
        return (v - wt.means()[f]) / wt.stds()[f];
    }

    private double standardized(int example, int f, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("example " + example + ", feature " + f + " is " + v
                    + ": features must be finite");
        }
        return (v - wt.means()[f]) / wt.stds()[f];
    }

    // ---------------------------------------------------------------- the network, on y

    /** Runs the network on {@link #y}; leaves the logits in {@link #logits} and returns their argmax. */
    private int forward() {
        if (closed) {
            throw new IllegalStateException("this predictor is closed");
        }
        opening();
        double[] k = wt.layers();
        double[] b = wt.layerBias();
        int kSize = width * (kernel == 0 ? width : width * kernel * kernel);
        for (int n = 0; n < layers; n++) {
            if (kernel == 0) {
                residualLayer(k, n * kSize, b, n * width);
            } else {
                convolution(k, n * kSize, b, n * width, u, width);
                for (int i = 0; i < state; i++) {
                    next[i] = u[i] + h * activate(pre[i]);
                }
            }
            double[] t = u;
            u = next;
            next = t;
        }
        double[] w = wt.classifier();
        int best = 0;
        for (int c = 0; c < classes; c++) {
            double s = 0;
            for (int j = 0; j < state; j++) {
                s += w[c * state + j] * u[j];
            }
            logits[c] = s + wt.classifierBias()[c];
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * next = u + h σ(b + K u) for one layer (K column-major from {@code kOffset}). Rows go four at a time with their
     * sums in registers (four independent add chains instead of one round trip through memory per term); each row
     * sums b, then K's columns in order, as the scalar kernels do.
     */
    private void residualLayer(double[] k, int kOffset, double[] b, int bOffset) {
        int i = 0;
        for (; i + 4 <= width; i += 4) {
            double s0 = b[bOffset + i];
            double s1 = b[bOffset + i + 1];
            double s2 = b[bOffset + i + 2];
            double s3 = b[bOffset + i + 3];
            for (int j = 0, c = kOffset + i; j < width; j++, c += width) {
                double uj = u[j];
                s0 += k[c] * uj;
                s1 += k[c + 1] * uj;
                s2 += k[c + 2] * uj;
                s3 += k[c + 3] * uj;
            }
            next[i] = u[i] + h * activate(s0);
            next[i + 1] = u[i + 1] + h * activate(s1);
            next[i + 2] = u[i + 2] + h * activate(s2);
            next[i + 3] = u[i + 3] + h * activate(s3);
        }
        for (; i < width; i++) {
            double s = b[bOffset + i];
            for (int j = 0, c = kOffset + i; j < width; j++, c += width) {
                s += k[c] * u[j];
            }
            next[i] = u[i] + h * activate(s);
        }
    }

    private void opening() {
        switch (opening) {
            case ZERO_PAD -> {
                for (int i = 0; i < state; i++) {
                    u[i] = i < features ? y[i] : 0;
                }
            }
            case REPLICATE -> {
                for (int c = 0; c < width; c++) {
                    System.arraycopy(y, 0, u, c * features, features);
                }
            }
            case CONV -> {
                convolution(wt.opening(), 0, wt.openingBias(), 0, y, inputChannels);
                for (int i = 0; i < state; i++) {
                    u[i] = activate(pre[i]);
                }
            }
            case DENSE -> {
                double[] w = wt.opening();
                for (int i = 0; i < width; i++) {
                    double s = 0;
                    for (int f = 0; f < features; f++) {
                        s += w[i * features + f] * y[f];
                    }
                    u[i] = activate(s + wt.openingBias()[i]);
                }
            }
        }
    }

    /**
     * {@link #pre} = b + K ⊛ in, a same-padding convolution from {@code channels} channels of {@code in} to
     * {@link #width} channels; K row-major from {@code kOffset}, a row of channels × k² per output channel.
     */
    private void convolution(double[] k, int kOffset, double[] b, int bOffset, double[] in, int channels) {
        int r = kernel / 2;
        int pixels = height * imageWidth;
        for (int co = 0; co < width; co++) {
            for (int py = 0; py < height; py++) {
                for (int px = 0; px < imageWidth; px++) {
                    double s = b[bOffset + co];
                    for (int ci = 0; ci < channels; ci++) {
                        int row = kOffset + (co * channels + ci) * kernel * kernel;
                        for (int dy = 0; dy < kernel; dy++) {
                            int sy = py + dy - r;
                            if (sy < 0 || sy >= height) {
                                continue;
                            }
                            for (int dx = 0; dx < kernel; dx++) {
                                int sx = px + dx - r;
                                if (sx >= 0 && sx < imageWidth) {
                                    s += k[row + dy * kernel + dx] * in[ci * pixels + sy * imageWidth + sx];
                                }
                            }
                        }
                    }
                    pre[co * pixels + py * imageWidth + px] = s;
                }
            }
        }
    }

    /**
     * σ without branches: with random-looking pre-activations a branch per element mispredicts half the time, which
     * costs more than the whole layer's arithmetic. The smooth ReLU is written as (c + η)²/(4η) + max(x − η, 0) with
     * c = x clamped to [−η, η], equal to the kernels' piecewise form up to rounding.
     */
    private double activate(double x) {
        return switch (activation) {
            case TANH -> Math.tanh(x);
            case RELU -> Math.max(x, 0);
            case SMOOTH_RELU -> {
                double c = Math.min(Math.max(x, -ETA), ETA) + ETA;
                yield c * c * QUARTER_OVER_ETA + Math.max(x - ETA, 0);
            }
        };
    }

    private static final double ETA = Activation.SMOOTH_RELU_ETA;
    private static final double QUARTER_OVER_ETA = 1 / (4 * ETA);

    private double max() {
        double m = logits[0];
        for (int k = 1; k < classes; k++) {
            m = Math.max(m, logits[k]);
        }
        return m;
    }

    private void softmax(double[] out, int offset) {
        double max = max();
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            double e = Math.exp(logits[k] - max);
            out[offset + k] = e;
            sum += e;
        }
        for (int k = 0; k < classes; k++) {
            out[offset + k] /= sum;
        }
    }

    // ---------------------------------------------------------------- argument checks (before any output is written)

    private void checkFeatures(int length) {
        if (length != features) {
            throw new IllegalArgumentException("the model takes " + features + " features, got " + length);
        }
    }

    private void checkRows(long values, int count) {
        if (count < 0 || values < (long) count * features) {
            throw new IllegalArgumentException(count + " examples × " + features + " features need "
                    + (long) count * features + " values, the input holds " + values);
        }
    }

    private void checkClassesOut(int length, int count) {
        if (length < count) {
            throw new IllegalArgumentException("the output array holds " + length + " classes for " + count
                    + " examples");
        }
    }

    private void checkOutput(double[] out, int offset, int count) {
        if (out.length < offset + (long) count * classes) {
            throw new IllegalArgumentException("the output array holds " + out.length + " values, "
                    + (count == 1 ? "" : count + " examples × ") + classes + " classes need " + (long) count * classes);
        }
    }
}
