package org.layerbraid.vecmath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar reference kernels: the definitions the tests trust, written for clarity, not speed (one
 * element at a time, {@link Math} functions, sums in index order). The vectorised kernels call it for work
 * too small to vectorise.
 */
final class ScalarKernelsF64 implements KernelsF64 {
    static final ScalarKernelsF64 INSTANCE = new ScalarKernelsF64();

    private static final ValueLayout.OfDouble E = ValueLayout.JAVA_DOUBLE;
    private static final double ETA = (double) Activation.SMOOTH_RELU_ETA;

    private ScalarKernelsF64() {
    }

    static double get(Matrix m, int r, int c) {
        return m.segment().getAtIndex(E, (long) r * m.ld() + c);
    }

    static void set(Matrix m, int r, int c, double v) {
        m.segment().setAtIndex(E, (long) r * m.ld() + c, v);
    }

    /** Bias of row i: per-channel (rows × 1), one scalar (1 × 1), or none (null). */
    static double bias(Matrix bias, int i) {
        if (bias == null) {
            return 0;
        }
        return bias.rows() == 1 ? get(bias, 0, 0) : get(bias, i, 0);
    }

    static double activate(Activation act, double x) {
        return switch (act) {
            case TANH -> (double) Math.tanh(x);
            case RELU -> x > 0 ? x : 0;
            case SMOOTH_RELU -> x >= ETA ? x : x <= -ETA ? 0 : x * x / (4 * ETA) + x / 2 + ETA / 4;
        };
    }

    static double derivative(Activation act, double x) {
        return switch (act) {
            case TANH -> {
                double t = (double) Math.tanh(x);
                yield 1 - t * t;
            }
            case RELU -> x > 0 ? 1 : x <= 0 ? 0 : x; // NaN stays NaN, as in the vectorised kernels
            case SMOOTH_RELU -> x >= ETA ? 1 : x <= -ETA ? 0 : x / (2 * ETA) + (double) 0.5;
        };
    }

    @Override
    public void residualStep(Matrix k, Matrix bias, double h, Activation act, Matrix u, Matrix next, Matrix z,
            int c0, int c1) {
        int w = u.rows();
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < w; i++) {
                double zi = bias(bias, i);
                for (int j = 0; j < w; j++) {
                    zi += get(k, i, j) * get(u, j, c);
                }
                if (z != null) {
                    set(z, i, c, zi);
                }
                if (next != null) {
                    set(next, i, c, get(u, i, c) + h * activate(act, zi));
                }
            }
        }
    }

    @Override
    public void activate(Activation act, Matrix x, Matrix y, int c0, int c1) {
        for (int i = 0; i < x.rows(); i++) {
            for (int c = c0; c < c1; c++) {
                set(y, i, c, activate(act, get(x, i, c)));
            }
        }
    }

    @Override
    public void activationDerivative(Activation act, Matrix x, Matrix y, int c0, int c1) {
        for (int i = 0; i < x.rows(); i++) {
            for (int c = c0; c < c1; c++) {
                set(y, i, c, derivative(act, get(x, i, c)));
            }
        }
    }

    @Override
    public void activationBackward(Activation act, double h, Matrix z, Matrix lambda, Matrix g, int c0, int c1) {
        for (int i = 0; i < z.rows(); i++) {
            for (int c = c0; c < c1; c++) {
                set(g, i, c, h * derivative(act, get(z, i, c)) * get(lambda, i, c));
            }
        }
    }

    @Override
    public void adjointStep(Matrix k, Matrix z, Matrix u, double h, Activation act, Matrix lambda, Matrix lambdaPrev,
            Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        int w = lambda.rows();
        activationBackward(act, h, z, lambda, g, c0, c1);
        for (int c = c0; c < c1; c++) {
            for (int i = 0; i < w; i++) {
                double s = get(lambda, i, c);
                for (int j = 0; j < w; j++) {
                    s += get(k, j, i) * get(g, j, c);
                }
                set(lambdaPrev, i, c, s);
            }
        }
        if (dk != null) {
            weightGradient(g, u, dk, c0, c1);
        }
        if (db != null) {
            rowSums(g, db, c0, c1);
        }
    }

    @Override
    public void weightGradient(Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < u.rows(); j++) {
                double s = 0;
                for (int c = c0; c < c1; c++) {
                    s += get(g, i, c) * get(u, j, c);
                }
                set(dk, i, j, get(dk, i, j) + s);
            }
        }
    }

    @Override
    public void rowSums(Matrix x, Matrix sums, int c0, int c1) {
        for (int i = 0; i < x.rows(); i++) {
            double s = 0;
            for (int c = c0; c < c1; c++) {
                s += get(x, i, c);
            }
            int row = sums.rows() == 1 ? 0 : i;
            set(sums, row, 0, get(sums, row, 0) + s);
        }
    }

    @Override
    public void addBias(Matrix bias, Matrix x, int c0, int c1) {
        for (int i = 0; i < x.rows(); i++) {
            double b = bias(bias, i);
            for (int c = c0; c < c1; c++) {
                set(x, i, c, get(x, i, c) + b);
            }
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c) {
        int depth = transA ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double s = 0;
                for (int p = 0; p < depth; p++) {
                    double av = transA ? get(a, p, i) : get(a, i, p);
                    double bv = transB ? get(b, j, p) : get(b, p, j);
                    s += av * bv;
                }
                double old = beta == 0 ? 0 : beta * get(c, i, j);
                set(c, i, j, alpha * s + old);
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(Matrix logits, int[] labels, int labelOffset, double gradScale, Matrix grad,
            int c0, int c1) {
        int classes = logits.rows();
        double loss = 0;
        for (int c = c0; c < c1; c++) {
            double max = get(logits, 0, c);
            for (int i = 1; i < classes; i++) {
                max = Math.max(max, get(logits, i, c));
            }
            double sum = 0;
            for (int i = 0; i < classes; i++) {
                sum += (double) Math.exp(get(logits, i, c) - max);
            }
            int label = labels[labelOffset + c];
            loss += max + (double) Math.log(sum) - get(logits, label, c);
            if (grad != null) {
                for (int i = 0; i < classes; i++) {
                    double p = (double) Math.exp(get(logits, i, c) - max) / sum;
                    set(grad, i, c, gradScale * (p - (i == label ? 1 : 0)));
                }
            }
        }
        return loss;
    }

    @Override
    public void argmax(Matrix x, int[] out, int outOffset, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            int best = 0;
            double bestValue = get(x, 0, c);
            for (int i = 1; i < x.rows(); i++) {
                double v = get(x, i, c);
                if (v > bestValue) {
                    best = i;
                    bestValue = v;
                }
            }
            out[outOffset + c] = best;
        }
    }

    @Override
    public void copy(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        for (int i = 0; i < n; i++) {
            y.setAtIndex(E, yi + i, x.getAtIndex(E, xi + i));
        }
    }

    @Override
    public void axpby(double a, MemorySegment x, long xi, double b, MemorySegment y, long yi, int n) {
        for (int i = 0; i < n; i++) {
            y.setAtIndex(E, yi + i, a * x.getAtIndex(E, xi + i) + b * y.getAtIndex(E, yi + i));
        }
    }

    @Override
    public void scale(double a, MemorySegment x, long xi, int n) {
        for (int i = 0; i < n; i++) {
            x.setAtIndex(E, xi + i, a * x.getAtIndex(E, xi + i));
        }
    }

    @Override
    public void fill(double v, MemorySegment x, long xi, int n) {
        for (int i = 0; i < n; i++) {
            x.setAtIndex(E, xi + i, v);
        }
    }

    @Override
    public double dot(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x.getAtIndex(E, xi + i) * y.getAtIndex(E, yi + i);
        }
        return s;
    }

    @Override
    public double sumSquares(MemorySegment x, long xi, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(E, xi + i);
            s += v * v;
        }
        return s;
    }

    @Override
    public double maxAbs(MemorySegment x, long xi, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs(x.getAtIndex(E, xi + i)));
        }
        return m;
    }
}
