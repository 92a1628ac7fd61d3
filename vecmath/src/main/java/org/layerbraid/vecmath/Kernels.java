package org.layerbraid.vecmath;

import java.util.Locale;

/**
 * The numerical kernels of LayerBraid, for float32 and float64 matrices in off-heap memory.
 * <p>
 * Two implementations exist: a plain scalar reference and a hand-vectorised one
 * ({@code jdk.incubator.vector}). {@link #defaults()} picks the vectorised one once per JVM when it will pay off
 * (the incubator module is readable, C2 compiles, vectors are at least 128 bits: see {@link #defaultsReason()}),
 * and otherwise the scalar one with one log line saying why; the system property {@value #PROPERTY} ({@code panama} or {@code scalar}) forces
 * either. Every method validates its arguments (shapes, precisions, ranges, overlaps, a closed arena) and
 * throws {@link IllegalArgumentException} or {@link IllegalStateException} naming them before any memory is
 * touched; then it dispatches on the precision. All operands of one call share a precision.
 * <p>
 * Network states are {@code width × batch} (batch contiguous). Methods taking {@code c0, c1} work on the
 * batch columns {@code [c0, c1)} only; results for a column do not depend on the range it was computed in
 * when ranges start at multiples of {@link #columnAlignment}. Nothing here allocates after warm-up.
 */
public final class Kernels {
    /** System property choosing the implementation: {@code panama} or {@code scalar}. */
    public static final String PROPERTY = "layerbraid.kernels";

    private static final Kernels SCALAR = new Kernels("scalar", ScalarKernelsF64.INSTANCE, ScalarKernelsF32.INSTANCE,
            ScalarConvKernelsF64.INSTANCE, ScalarConvKernelsF32.INSTANCE);

    static {
        SegmentKinds.load();
    }

    private final String name;
    private final KernelsF64 f64;
    private final KernelsF32 f32;
    private final ConvKernelsF64 conv64;
    private final ConvKernelsF32 conv32;

    private Kernels(String name, KernelsF64 f64, KernelsF32 f32, ConvKernelsF64 conv64, ConvKernelsF32 conv32) {
        this.name = name;
        this.f64 = f64;
        this.f32 = f32;
        this.conv64 = conv64;
        this.conv32 = conv32;
    }

    /** Holder: the vectorised classes are loaded only when asked for, so a JVM without the module works. */
    private static final class Panama {
        static final Kernels INSTANCE = new Kernels("panama", PanamaKernelsF64.INSTANCE, PanamaKernelsF32.INSTANCE,
                PanamaConvKernelsF64.INSTANCE, PanamaConvKernelsF32.INSTANCE);
    }

    private static final class Default {
        static final KernelChoice CHOICE = choose();

        private static KernelChoice choose() {
            KernelChoice c = KernelChoice.choose(SCALAR);
            if (c.kernels() == SCALAR && !c.reason().startsWith("forced")) {
                System.getLogger("org.layerbraid.vecmath").log(System.Logger.Level.INFO,
                        "LayerBraid uses the scalar kernels: " + c.reason());
            }
            return c;
        }
    }

    /** The implementation chosen for this JVM (see the class comment). */
    public static Kernels defaults() {
        return Default.CHOICE.kernels();
    }

    /** Why {@link #defaults()} chose what it chose, in a few words (e.g. "512-bit vectors, C2"). */
    public static String defaultsReason() {
        return Default.CHOICE.reason();
    }

    /** The scalar reference implementation. */
    public static Kernels scalar() {
        return SCALAR;
    }

    /** The vectorised implementation; needs {@code --add-modules jdk.incubator.vector}. */
    public static Kernels panama() {
        if (!panamaAvailable()) {
            throw new IllegalStateException("the vectorised kernels need the JVM option --add-modules jdk.incubator.vector");
        }
        return Panama.INSTANCE;
    }

    /** Whether the incubator vector module is present in this JVM. */
    public static boolean panamaAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Bits of the preferred vector species; only when {@link #panamaAvailable()}. */
    static int panamaVectorBits() {
        return PanamaKernelsF64.vectorBits();
    }

    /** {@code panama} or {@code scalar}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Batch slices that start at a multiple of this many columns compute every column with the same
     * instruction sequence, so results do not depend on how the batch is split (a multiple of the widest
     * column tile any implementation uses: 128 bytes).
     */
    public static int columnAlignment(Precision precision) {
        return 128 / precision.bytes();
    }

    // ================================================================ residual layer

    /** {@link #residualStep(Matrix, Matrix, double, Activation, Matrix, Matrix, Matrix, int, int)} on all columns. */
    public void residualStep(Matrix k, Matrix bias, double h, Activation act, Matrix u, Matrix next, Matrix z) {
        residualStep(k, bias, h, act, u, next, z, 0, u.cols());
    }

    /**
     * The fused residual step {@code next = u + h·σ(k·u + bias)}, also storing {@code z = k·u + bias} when
     * {@code z} is not null (the adjoint needs it). {@code k} is width × width; {@code bias} is width × 1 (per
     * channel), 1 × 1 (one scalar for the layer) or null; {@code u}, {@code next} and {@code z} are width ×
     * batch; {@code next} may be null to compute only {@code z}. Outputs must not overlap inputs.
     */
    public void residualStep(Matrix k, Matrix bias, double h, Activation act, Matrix u, Matrix next, Matrix z,
            int c0, int c1) {
        String op = "residualStep";
        alive(op, "u", u);
        int w = u.rows();
        shape(op, "k", k, u, w, w);
        bias(op, bias, u, w);
        finite(op, "h", h);
        notNull(op, "activation", act);
        if (next == null && z == null) {
            throw new IllegalArgumentException(op + ": next and z are both null, nothing to compute");
        }
        if (next != null) {
            shape(op, "next", next, u, w, u.cols());
            disjoint(op, "next", next, "u", u);
            disjoint(op, "next", next, "k", k);
            disjoint(op, "next", next, "bias", bias);
        }
        if (z != null) {
            shape(op, "z", z, u, w, u.cols());
            disjoint(op, "z", z, "u", u);
            disjoint(op, "z", z, "k", k);
            disjoint(op, "z", z, "bias", bias);
            disjoint(op, "z", z, "next", next);
        }
        range(op, u, c0, c1);
        if (u.precision() == Precision.F64) {
            f64.residualStep(k, bias, h, act, u, next, z, c0, c1);
        } else {
            f32.residualStep(k, bias, (float) h, act, u, next, z, c0, c1);
        }
    }

    /** {@code y = σ(x)} elementwise; y may be x. */
    public void activate(Activation act, Matrix x, Matrix y) {
        elementwise("activate", act, x, y);
        if (x.precision() == Precision.F64) {
            f64.activate(act, x, y, 0, x.cols());
        } else {
            f32.activate(act, x, y, 0, x.cols());
        }
    }

    /** {@code y = σ'(x)} elementwise; y may be x. */
    public void activationDerivative(Activation act, Matrix x, Matrix y) {
        elementwise("activationDerivative", act, x, y);
        if (x.precision() == Precision.F64) {
            f64.activationDerivative(act, x, y, 0, x.cols());
        } else {
            f32.activationDerivative(act, x, y, 0, x.cols());
        }
    }

    private static void elementwise(String op, Activation act, Matrix x, Matrix y) {
        notNull(op, "activation", act);
        alive(op, "x", x);
        shape(op, "y", y, x, x.rows(), x.cols());
        if (y != x) {
            disjoint(op, "y", y, "x", x);
        }
    }

    /** {@link #activationBackward(Activation, double, Matrix, Matrix, Matrix, int, int)} on all columns. */
    public void activationBackward(Activation act, double h, Matrix z, Matrix lambda, Matrix g) {
        activationBackward(act, h, z, lambda, g, 0, z.cols());
    }

    /** {@code g = h·σ'(z) ⊙ λ} elementwise (the back-propagation through an activation, scaled by h). */
    public void activationBackward(Activation act, double h, Matrix z, Matrix lambda, Matrix g, int c0, int c1) {
        String op = "activationBackward";
        notNull(op, "activation", act);
        finite(op, "h", h);
        alive(op, "z", z);
        shape(op, "lambda", lambda, z, z.rows(), z.cols());
        shape(op, "g", g, z, z.rows(), z.cols());
        disjoint(op, "g", g, "z", z);
        disjoint(op, "g", g, "lambda", lambda);
        range(op, z, c0, c1);
        if (z.precision() == Precision.F64) {
            f64.activationBackward(act, h, z, lambda, g, c0, c1);
        } else {
            f32.activationBackward(act, (float) h, z, lambda, g, c0, c1);
        }
    }

    /** The adjoint step on all columns; see the range version. */
    public void adjointStep(Matrix k, Matrix z, Matrix u, double h, Activation act, Matrix lambda, Matrix lambdaPrev,
            Matrix g, Matrix dk, Matrix db) {
        adjointStep(k, z, u, h, act, lambda, lambdaPrev, g, dk, db, 0, lambda.cols());
    }

    /**
     * The adjoint of one residual step: {@code g = h·σ'(z) ⊙ λ}, {@code λPrev = λ + kᵀ·g}, and the weight
     * gradients {@code dk += g·uᵀ}, {@code db += Σ_batch g} (summed to one value for a 1 × 1 {@code db}).
     * {@code z} and {@code u} are the stored pre-activation and input state of the layer; {@code g} is a
     * width × batch output (the scaled gradient, reused by callers); {@code dk}/{@code db} may be null to skip
     * the reductions (then {@code u} may be null too). Sums over the batch run in a fixed order.
     */
    public void adjointStep(Matrix k, Matrix z, Matrix u, double h, Activation act, Matrix lambda, Matrix lambdaPrev,
            Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        String op = "adjointStep";
        alive(op, "lambda", lambda);
        int w = lambda.rows();
        int batch = lambda.cols();
        shape(op, "k", k, lambda, w, w);
        shape(op, "z", z, lambda, w, batch);
        shape(op, "lambdaPrev", lambdaPrev, lambda, w, batch);
        shape(op, "g", g, lambda, w, batch);
        finite(op, "h", h);
        notNull(op, "activation", act);
        if (dk != null || db != null) {
            shape(op, "u", u, lambda, w, batch);
        }
        if (dk != null) {
            shape(op, "dk", dk, lambda, w, w);
        }
        bias(op + " (db)", db, lambda, w);
        disjoint(op, "lambdaPrev", lambdaPrev, "lambda", lambda);
        disjoint(op, "lambdaPrev", lambdaPrev, "z", z);
        disjoint(op, "lambdaPrev", lambdaPrev, "k", k);
        disjoint(op, "lambdaPrev", lambdaPrev, "u", u);
        disjoint(op, "g", g, "lambda", lambda);
        disjoint(op, "g", g, "lambdaPrev", lambdaPrev);
        disjoint(op, "g", g, "z", z);
        disjoint(op, "g", g, "k", k);
        disjoint(op, "g", g, "u", u);
        disjoint(op, "dk", dk, "g", g);
        disjoint(op, "dk", dk, "lambdaPrev", lambdaPrev);
        disjoint(op, "dk", dk, "k", k);
        disjoint(op, "dk", dk, "u", u);
        disjoint(op, "db", db, "g", g);
        disjoint(op, "db", db, "dk", dk);
        disjoint(op, "db", db, "lambdaPrev", lambdaPrev);
        range(op, lambda, c0, c1);
        if (lambda.precision() == Precision.F64) {
            f64.adjointStep(k, z, u, h, act, lambda, lambdaPrev, g, dk, db, c0, c1);
        } else {
            f32.adjointStep(k, z, u, (float) h, act, lambda, lambdaPrev, g, dk, db, c0, c1);
        }
    }

    /** {@link #weightGradient(Matrix, Matrix, Matrix, int, int)} on all columns. */
    public void weightGradient(Matrix g, Matrix u, Matrix dk) {
        weightGradient(g, u, dk, 0, g.cols());
    }

    /** {@code dk += g·uᵀ} summed over the batch columns {@code [c0, c1)}: g is m × batch, u is n × batch, dk m × n. */
    public void weightGradient(Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        String op = "weightGradient";
        alive(op, "g", g);
        alive(op, "u", u);
        shape(op, "u", u, g, u.rows(), g.cols());
        shape(op, "dk", dk, g, g.rows(), u.rows());
        disjoint(op, "dk", dk, "g", g);
        disjoint(op, "dk", dk, "u", u);
        range(op, g, c0, c1);
        if (g.precision() == Precision.F64) {
            f64.weightGradient(g, u, dk, c0, c1);
        } else {
            f32.weightGradient(g, u, dk, c0, c1);
        }
    }

    /** {@link #rowSums(Matrix, Matrix, int, int)} on all columns. */
    public void rowSums(Matrix x, Matrix sums) {
        rowSums(x, sums, 0, x.cols());
    }

    /** {@code sums[i] += Σ_c x[i][c]} (rows × 1), or the sum of everything (1 × 1). */
    public void rowSums(Matrix x, Matrix sums, int c0, int c1) {
        String op = "rowSums";
        alive(op, "x", x);
        notNull(op, "sums", sums);
        bias(op + " (sums)", sums, x, x.rows());
        disjoint(op, "sums", sums, "x", x);
        range(op, x, c0, c1);
        if (x.precision() == Precision.F64) {
            f64.rowSums(x, sums, c0, c1);
        } else {
            f32.rowSums(x, sums, c0, c1);
        }
    }

    /** {@link #addBias(Matrix, Matrix, int, int)} on all columns. */
    public void addBias(Matrix bias, Matrix x) {
        addBias(bias, x, 0, x.cols());
    }

    /** {@code x[i][c] += bias[i]} (bias rows × 1) or {@code += bias} (1 × 1). */
    public void addBias(Matrix bias, Matrix x, int c0, int c1) {
        String op = "addBias";
        alive(op, "x", x);
        notNull(op, "bias", bias);
        bias(op, bias, x, x.rows());
        disjoint(op, "x", x, "bias", bias);
        range(op, x, c0, c1);
        if (x.precision() == Precision.F64) {
            f64.addBias(bias, x, c0, c1);
        } else {
            f32.addBias(bias, x, c0, c1);
        }
    }

    // ================================================================ dense layers

    /**
     * General matrix product {@code c = α·op(a)·op(b) + β·c}, op = transpose when asked. With β = 0 the old
     * contents of c are not read (NaN there does not leak). c must not overlap a or b.
     */
    public void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        String op = "gemm";
        alive(op, "a", a);
        alive(op, "b", b);
        alive(op, "c", c);
        precision(op, "b", b, a);
        precision(op, "c", c, a);
        finite(op, "alpha", alpha);
        finite(op, "beta", beta);
        int m = transA ? a.cols() : a.rows();
        int depth = transA ? a.rows() : a.cols();
        int depthB = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (depth != depthB || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException(op + ": shapes do not chain: op(a) is " + m + "×" + depth + " (a "
                    + a.shape() + (transA ? "ᵀ" : "") + "), op(b) is " + depthB + "×" + n + " (b " + b.shape()
                    + (transB ? "ᵀ" : "") + "), c is " + c.shape());
        }
        disjoint(op, "c", c, "a", a);
        disjoint(op, "c", c, "b", b);
        if (a.precision() == Precision.F64) {
            f64.gemm(transA, transB, alpha, a, b, beta, c);
        } else {
            f32.gemm(transA, transB, (float) alpha, a, b, (float) beta, c);
        }
    }

    // ================================================================ convolutional layers
    //
    // Layout (see ConvShape): rows = channels·height·width, one column per example, so SIMD lanes run across
    // examples exactly as in the dense kernels. A vector never straddles two pixels, so image sizes need no
    // vector tails, and the zero padding of a same convolution is just the taps that fall outside the image.

    /**
     * {@code y = conv(kernel, x) + bias}, the same-padding k × k convolution of {@link ConvShape} (stride 1)
     * on the columns {@code [c0, c1)}: x is inRows × batch, y outRows × batch, kernel outChannels ×
     * (inChannels·k·k), bias outChannels × 1 or null. Any channel counts (e.g. a 1 → C opening layer).
     */
    public void convolve(ConvShape s, Matrix kernel, Matrix bias, Matrix x, Matrix y, int c0, int c1) {
        String op = "convolve";
        convOperands(op, s, kernel, bias, x);
        shape(op, "y", y, x, s.outRows(), x.cols());
        disjoint(op, "y", y, "x", x);
        disjoint(op, "y", y, "kernel", kernel);
        disjoint(op, "y", y, "bias", bias);
        range(op, x, c0, c1);
        if (x.precision() == Precision.F64) {
            conv64.convolve(s, kernel, bias, x, y, c0, c1);
        } else {
            conv32.convolve(s, kernel, bias, x, y, c0, c1);
        }
    }

    /**
     * The convolutional residual step {@code next = u + h·σ(z)}, {@code z = conv(kernel, u) + bias}, on the
     * columns {@code [c0, c1)}, with the contract of {@link #residualStep(Matrix, Matrix, double, Activation,
     * Matrix, Matrix, Matrix, int, int)}: z is stored when not null, next may be null to compute only z,
     * outputs must not overlap inputs. The shape must have as many output as input channels; u, next and z
     * are (channels·height·width) × batch.
     */
    public void convResidualStep(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u,
            Matrix next, Matrix z, int c0, int c1) {
        String op = "convResidualStep";
        residualShape(op, s);
        convOperands(op, s, kernel, bias, u);
        finite(op, "h", h);
        notNull(op, "activation", act);
        if (next == null && z == null) {
            throw new IllegalArgumentException(op + ": next and z are both null, nothing to compute");
        }
        if (next != null) {
            shape(op, "next", next, u, s.outRows(), u.cols());
            disjoint(op, "next", next, "u", u);
            disjoint(op, "next", next, "kernel", kernel);
            disjoint(op, "next", next, "bias", bias);
        }
        if (z != null) {
            shape(op, "z", z, u, s.outRows(), u.cols());
            disjoint(op, "z", z, "u", u);
            disjoint(op, "z", z, "kernel", kernel);
            disjoint(op, "z", z, "bias", bias);
            disjoint(op, "z", z, "next", next);
        }
        range(op, u, c0, c1);
        if (u.precision() == Precision.F64) {
            conv64.residualStep(s, kernel, bias, h, act, u, next, z, c0, c1);
        } else {
            conv32.residualStep(s, kernel, bias, (float) h, act, u, next, z, c0, c1);
        }
    }

    /**
     * The adjoint of one convolutional residual step, with the contract of {@link #adjointStep(Matrix, Matrix,
     * Matrix, double, Activation, Matrix, Matrix, Matrix, Matrix, Matrix, int, int)}: {@code g = h·σ'(z) ⊙ λ},
     * {@code λPrev = λ + convᵀ(kernel, g)} (the transposed same-padding convolution, the exact adjoint of
     * {@link #convolve} in its input), and the gradients {@code dk += }{@link #convWeightGradient},
     * {@code db += }{@link #convBiasGradient} of g, each skipped when null (u may then be null too). z and u
     * are the stored pre-activation and input state of the layer; g is a (channels·height·width) × batch
     * output. The shape must have as many output as input channels.
     */
    public void convAdjointStep(ConvShape s, Matrix kernel, Matrix z, Matrix u, double h, Activation act,
            Matrix lambda, Matrix lambdaPrev, Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        String op = "convAdjointStep";
        residualShape(op, s);
        convOperands(op, s, kernel, null, lambda);
        int batch = lambda.cols();
        shape(op, "z", z, lambda, s.outRows(), batch);
        shape(op, "lambdaPrev", lambdaPrev, lambda, s.inRows(), batch);
        shape(op, "g", g, lambda, s.outRows(), batch);
        finite(op, "h", h);
        notNull(op, "activation", act);
        if (dk != null || db != null) {
            shape(op, "u", u, lambda, s.inRows(), batch);
        }
        if (dk != null) {
            shape(op, "dk", dk, lambda, s.outChannels(), s.kernelColumns());
        }
        if (db != null) {
            shape(op, "db", db, lambda, s.outChannels(), 1);
        }
        disjoint(op, "lambdaPrev", lambdaPrev, "lambda", lambda);
        disjoint(op, "lambdaPrev", lambdaPrev, "z", z);
        disjoint(op, "lambdaPrev", lambdaPrev, "kernel", kernel);
        disjoint(op, "lambdaPrev", lambdaPrev, "u", u);
        disjoint(op, "g", g, "lambda", lambda);
        disjoint(op, "g", g, "lambdaPrev", lambdaPrev);
        disjoint(op, "g", g, "z", z);
        disjoint(op, "g", g, "kernel", kernel);
        disjoint(op, "g", g, "u", u);
        disjoint(op, "dk", dk, "g", g);
        disjoint(op, "dk", dk, "lambdaPrev", lambdaPrev);
        disjoint(op, "dk", dk, "kernel", kernel);
        disjoint(op, "dk", dk, "u", u);
        disjoint(op, "db", db, "g", g);
        disjoint(op, "db", db, "dk", dk);
        disjoint(op, "db", db, "lambdaPrev", lambdaPrev);
        range(op, lambda, c0, c1);
        if (lambda.precision() == Precision.F64) {
            conv64.adjointStep(s, kernel, z, u, h, act, lambda, lambdaPrev, g, dk, db, c0, c1);
        } else {
            conv32.adjointStep(s, kernel, z, u, (float) h, act, lambda, lambdaPrev, g, dk, db, c0, c1);
        }
    }

    /**
     * The kernel gradient of {@link #convolve}: {@code dk[co][(ci·k + dy)·k + dx] += Σ g[co, y, x] ·
     * u[ci, y + dy − p, x + dx − p]} over the columns {@code [c0, c1)} and every pixel whose tap lies inside
     * the image (p = (k − 1)/2). g is outRows × batch, u inRows × batch, dk outChannels × (inChannels·k·k).
     */
    public void convWeightGradient(ConvShape s, Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        String op = "convWeightGradient";
        notNull(op, "shape", s);
        alive(op, "g", g);
        shape(op, "g", g, g, s.outRows(), g.cols());
        shape(op, "u", u, g, s.inRows(), g.cols());
        shape(op, "dk", dk, g, s.outChannels(), s.kernelColumns());
        disjoint(op, "dk", dk, "g", g);
        disjoint(op, "dk", dk, "u", u);
        range(op, g, c0, c1);
        if (g.precision() == Precision.F64) {
            conv64.weightGradient(s, g, u, dk, c0, c1);
        } else {
            conv32.weightGradient(s, g, u, dk, c0, c1);
        }
    }

    /** The bias gradient of {@link #convolve}: {@code db[co] += Σ g[co, y, x]} over the columns and pixels. */
    public void convBiasGradient(ConvShape s, Matrix g, Matrix db, int c0, int c1) {
        String op = "convBiasGradient";
        notNull(op, "shape", s);
        alive(op, "g", g);
        shape(op, "g", g, g, s.outRows(), g.cols());
        shape(op, "db", db, g, s.outChannels(), 1);
        disjoint(op, "db", db, "g", g);
        range(op, g, c0, c1);
        if (g.precision() == Precision.F64) {
            conv64.biasGradient(s, g, db, c0, c1);
        } else {
            conv32.biasGradient(s, g, db, c0, c1);
        }
    }

    /** x = add + convᵀ(kernel, y); package-private: the adjoint step is the public way in. For tests. */
    void convTranspose(ConvShape s, Matrix kernel, Matrix y, Matrix add, Matrix x, int c0, int c1) {
        if (x.precision() == Precision.F64) {
            conv64.transpose(s, kernel, y, add, x, c0, c1);
        } else {
            conv32.transpose(s, kernel, y, add, x, c0, c1);
        }
    }

    // ================================================================ loss

    /** The loss on all columns; see the range version. */
    public double softmaxCrossEntropy(Matrix logits, int[] labels, int labelOffset, double gradScale, Matrix grad) {
        return softmaxCrossEntropy(logits, labels, labelOffset, gradScale, grad, 0, logits.cols());
    }

    /**
     * Softmax cross-entropy over the class dimension (rows) with the max-shift, summed over the columns
     * {@code [c0, c1)}; column c has label {@code labels[labelOffset + c]}. When {@code grad} is not null it
     * receives {@code gradScale·(softmax − onehot)} (use 1/batch for the mean loss).
     */
    public double softmaxCrossEntropy(Matrix logits, int[] labels, int labelOffset, double gradScale, Matrix grad,
            int c0, int c1) {
        String op = "softmaxCrossEntropy";
        alive(op, "logits", logits);
        finite(op, "gradScale", gradScale);
        range(op, logits, c0, c1);
        labels(op, labels, labelOffset, c0, c1, logits.rows());
        if (grad != null) {
            shape(op, "grad", grad, logits, logits.rows(), logits.cols());
            disjoint(op, "grad", grad, "logits", logits);
        }
        if (logits.precision() == Precision.F64) {
            return f64.softmaxCrossEntropy(logits, labels, labelOffset, gradScale, grad, c0, c1);
        }
        return f32.softmaxCrossEntropy(logits, labels, labelOffset, (float) gradScale, grad, c0, c1);
    }

    /** {@link #argmax(Matrix, int[], int, int, int)} on all columns. */
    public void argmax(Matrix x, int[] out, int outOffset) {
        argmax(x, out, outOffset, 0, x.cols());
    }

    /** {@code out[outOffset + c]} = the row of the largest value in column c (the first one on ties). */
    public void argmax(Matrix x, int[] out, int outOffset, int c0, int c1) {
        String op = "argmax";
        alive(op, "x", x);
        range(op, x, c0, c1);
        if (out == null || outOffset < 0 || (long) outOffset + c1 > out.length) {
            throw new IllegalArgumentException(op + ": output array of " + (out == null ? "null" : out.length)
                    + " entries cannot take columns up to " + c1 + " at offset " + outOffset);
        }
        if (x.precision() == Precision.F64) {
            f64.argmax(x, out, outOffset, c0, c1);
        } else {
            f32.argmax(x, out, outOffset, c0, c1);
        }
    }

    // ================================================================ vector operations (any shape)

    /** {@code y = x}. */
    public void copy(Matrix x, Matrix y) {
        copy(x, y, 0, x.cols());
    }

    /** {@code y = x} on the columns {@code [c0, c1)}. */
    public void copy(Matrix x, Matrix y, int c0, int c1) {
        sameShape("copy", x, y);
        disjoint("copy", "y", y, "x", x);
        range("copy", x, c0, c1);
        for (int r = 0; r < x.rows(); r++) {
            if (x.precision() == Precision.F64) {
                f64.copy(x.segment(), (long) r * x.ld() + c0, y.segment(), (long) r * y.ld() + c0, c1 - c0);
            } else {
                f32.copy(x.segment(), (long) r * x.ld() + c0, y.segment(), (long) r * y.ld() + c0, c1 - c0);
            }
        }
    }

    /** {@code y = a·x + b·y}. */
    public void axpby(double a, Matrix x, double b, Matrix y) {
        axpby(a, x, b, y, 0, x.cols());
    }

    /** {@code y = a·x + b·y} on the columns {@code [c0, c1)}; each element is computed alone, so any split agrees. */
    public void axpby(double a, Matrix x, double b, Matrix y, int c0, int c1) {
        sameShape("axpby", x, y);
        finite("axpby", "a", a);
        finite("axpby", "b", b);
        if (x != y) {
            disjoint("axpby", "y", y, "x", x);
        }
        range("axpby", x, c0, c1);
        int n = c1 - c0;
        for (int r = 0; r < x.rows(); r++) {
            long xi = (long) r * x.ld() + c0;
            long yi = (long) r * y.ld() + c0;
            if (x.precision() == Precision.F64) {
                f64.axpby(a, x.segment(), xi, b, y.segment(), yi, n);
            } else {
                f32.axpby((float) a, x.segment(), xi, (float) b, y.segment(), yi, n);
            }
        }
    }

    /** {@code x = a·x}. */
    public void scale(double a, Matrix x) {
        alive("scale", "x", x);
        finite("scale", "a", a);
        for (int r = 0; r < x.rows(); r++) {
            if (x.precision() == Precision.F64) {
                f64.scale(a, x.segment(), (long) r * x.ld(), x.cols());
            } else {
                f32.scale((float) a, x.segment(), (long) r * x.ld(), x.cols());
            }
        }
    }

    /** Sets every element to v. */
    public void fill(Matrix x, double v) {
        alive("fill", "x", x);
        for (int r = 0; r < x.rows(); r++) {
            if (x.precision() == Precision.F64) {
                f64.fill(v, x.segment(), (long) r * x.ld(), x.cols());
            } else {
                f32.fill((float) v, x.segment(), (long) r * x.ld(), x.cols());
            }
        }
    }

    /** Σ x·y over all elements; rows are summed in order. */
    public double dot(Matrix x, Matrix y) {
        return dot(x, y, 0, x.cols());
    }

    /** Σ x·y over the columns {@code [c0, c1)}; rows are summed in order. */
    public double dot(Matrix x, Matrix y, int c0, int c1) {
        sameShape("dot", x, y);
        range("dot", x, c0, c1);
        double s = 0;
        int n = c1 - c0;
        for (int r = 0; r < x.rows(); r++) {
            long xi = (long) r * x.ld() + c0;
            long yi = (long) r * y.ld() + c0;
            s += x.precision() == Precision.F64
                    ? f64.dot(x.segment(), xi, y.segment(), yi, n)
                    : f32.dot(x.segment(), xi, y.segment(), yi, n);
        }
        return s;
    }

    /** Euclidean norm over all elements. */
    public double norm2(Matrix x) {
        alive("norm2", "x", x);
        double s = 0;
        for (int r = 0; r < x.rows(); r++) {
            s += x.precision() == Precision.F64
                    ? f64.sumSquares(x.segment(), (long) r * x.ld(), x.cols())
                    : f32.sumSquares(x.segment(), (long) r * x.ld(), x.cols());
        }
        return Math.sqrt(s);
    }

    /** Largest absolute value (NaN if any element is NaN). */
    public double normMax(Matrix x) {
        alive("normMax", "x", x);
        double m = 0;
        for (int r = 0; r < x.rows(); r++) {
            m = Math.max(m, x.precision() == Precision.F64
                    ? f64.maxAbs(x.segment(), (long) r * x.ld(), x.cols())
                    : f32.maxAbs(x.segment(), (long) r * x.ld(), x.cols()));
        }
        return m;
    }

    // ================================================================ validation

    private static void residualShape(String op, ConvShape s) {
        notNull(op, "shape", s);
        if (!s.isResidual()) {
            throw new IllegalArgumentException(op + ": a residual step needs as many output as input channels, got "
                    + s);
        }
    }

    /** The shape, the kernel (and bias, when given) and the input x of a convolution. */
    private static void convOperands(String op, ConvShape s, Matrix kernel, Matrix bias, Matrix x) {
        notNull(op, "shape", s);
        alive(op, "x", x);
        if (x.rows() != s.inRows()) {
            throw new IllegalArgumentException(op + ": the input must have " + s.inRows() + " rows (" + s
                    + "), got " + x.shape());
        }
        shape(op, "kernel", kernel, x, s.outChannels(), s.kernelColumns());
        if (bias != null) {
            shape(op, "bias", bias, x, s.outChannels(), 1);
        }
    }

    private static void notNull(String op, String name, Object o) {
        if (o == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }

    private static void alive(String op, String name, Matrix m) {
        notNull(op, name, m);
        if (!m.segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": " + name + " " + m.shape() + " belongs to a closed tensor arena");
        }
    }

    private static void precision(String op, String name, Matrix m, Matrix ref) {
        if (m.precision() != ref.precision()) {
            throw new IllegalArgumentException(op + ": " + name + " is " + m.shape() + " but the operands are "
                    + ref.precision().label());
        }
    }

    /** m must be alive, of ref's precision and of shape rows × cols. */
    private static void shape(String op, String name, Matrix m, Matrix ref, int rows, int cols) {
        alive(op, name, m);
        precision(op, name, m, ref);
        if (m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + rows + "×" + cols + ", got "
                    + m.shape());
        }
    }

    /** A bias (or its gradient): null, rows × 1 per channel, or 1 × 1 for the whole layer. */
    private static void bias(String op, Matrix bias, Matrix ref, int rows) {
        if (bias == null) {
            return;
        }
        alive(op, "bias", bias);
        precision(op, "bias", bias, ref);
        if (bias.cols() != 1 || (bias.rows() != rows && bias.rows() != 1)) {
            throw new IllegalArgumentException(op + ": bias must be " + rows + "×1 (per channel) or 1×1 (scalar), got "
                    + bias.shape());
        }
    }

    private static void sameShape(String op, Matrix x, Matrix y) {
        alive(op, "x", x);
        shape(op, "y", y, x, x.rows(), x.cols());
    }

    private static void disjoint(String op, String outName, Matrix out, String inName, Matrix in) {
        if (out != null && in != null && out.overlaps(in)) {
            throw new IllegalArgumentException(op + ": " + outName + " " + out.shape() + " overlaps " + inName + " "
                    + in.shape() + " in memory");
        }
    }

    private static void finite(String op, String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite, got " + v);
        }
    }

    private static void range(String op, Matrix m, int c0, int c1) {
        if (c0 < 0 || c1 > m.cols() || c0 > c1) {
            throw new IllegalArgumentException(op + ": column range [" + c0 + ", " + c1 + ") is outside the "
                    + m.cols() + " columns of " + m.shape());
        }
    }

    private static void labels(String op, int[] labels, int offset, int c0, int c1, int classes) {
        if (labels == null || offset < 0 || (long) offset + c1 > labels.length) {
            throw new IllegalArgumentException(op + ": labels array of " + (labels == null ? "null" : labels.length)
                    + " entries does not cover columns up to " + c1 + " at offset " + offset);
        }
        for (int c = c0; c < c1; c++) {
            int label = labels[offset + c];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(op + ": label " + label + " of column " + c + " is not in [0, "
                        + classes + ")");
            }
        }
    }
}
