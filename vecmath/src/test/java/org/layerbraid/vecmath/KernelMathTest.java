package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerbraid.vecmath.TestData.random;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels against the mathematics, not against each other: hand-computed values, the library's
 * transcendental functions, and finite differences (the adjoint step is the derivative of the residual
 * step). Run on both implementations, so an error shared by both is caught too.
 */
class KernelMathTest {
    private TensorArena arena;

    static Stream<Kernels> implementations() {
        return Stream.of(Kernels.scalar(), Kernels.panama());
    }

    @BeforeEach
    void open() {
        arena = new TensorArena("test");
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void residualStepByHand(Kernels kernels) {
        // width 2, batch 1: z = K u + b = [1·1 + 2·(−1) + 0.5, 3·1 + 4·(−1) − 1] = [−0.5, −2]
        Matrix k = arena.matrix(Precision.F64, 2, 2);
        k.copyFrom(new double[] {1, 2, 3, 4});
        Matrix b = arena.matrix(Precision.F64, 2, 1);
        b.copyFrom(new double[] {0.5, -1});
        Matrix u = arena.matrix(Precision.F64, 2, 1);
        u.copyFrom(new double[] {1, -1});
        Matrix next = arena.matrix(Precision.F64, 2, 1), z = arena.matrix(Precision.F64, 2, 1);
        kernels.residualStep(k, b, 0.1, Activation.TANH, u, next, z);
        assertEquals(-0.5, z.get(0, 0), 1e-15);
        assertEquals(-2, z.get(1, 0), 1e-15);
        assertEquals(1 + 0.1 * Math.tanh(-0.5), next.get(0, 0), 1e-15);
        assertEquals(-1 + 0.1 * Math.tanh(-2), next.get(1, 0), 1e-15);
        kernels.residualStep(k, b, 0.1, Activation.RELU, u, next, z);
        assertEquals(1, next.get(0, 0), 0);
        kernels.residualStep(k, b, 0.1, Activation.SMOOTH_RELU, u, next, null);
        assertEquals(1, next.get(0, 0), 0);
        b.set(0, 0, 1.05); // z0 = 0.05 lies in the quadratic patch: 0.05²/0.4 + 0.025 + 0.025 = 0.05625
        kernels.residualStep(k, b, 1, Activation.SMOOTH_RELU, u, next, null);
        assertEquals(1.05625, next.get(0, 0), 1e-15);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void activationsMatchMathFunctions(Kernels kernels) {
        int n = 4001;
        for (Precision p : Precision.values()) {
            Matrix x = arena.matrix(p, 1, n);
            for (int i = 0; i < n; i++) {
                x.set(0, i, (i - n / 2) * 0.01); // −20 … 20
            }
            Matrix y = arena.matrix(p, 1, n), d = arena.matrix(p, 1, n);
            double tol = 4 * TestData.eps(p);
            kernels.activate(Activation.TANH, x, y);
            kernels.activationDerivative(Activation.TANH, x, d);
            for (int i = 0; i < n; i++) {
                double xi = x.get(0, i);
                double t = Math.tanh(xi);
                assertEquals(t, y.get(0, i), tol, "tanh(" + xi + ") " + p);
                assertEquals(1 - t * t, d.get(0, i), 2 * tol, "tanh'(" + xi + ") " + p);
            }
            kernels.activate(Activation.SMOOTH_RELU, x, y);
            kernels.activationDerivative(Activation.SMOOTH_RELU, x, d);
            double eta = Activation.SMOOTH_RELU_ETA;
            for (int i = 0; i < n; i++) {
                double xi = x.get(0, i);
                double expected = xi >= eta ? xi : xi <= -eta ? 0 : xi * xi / (4 * eta) + xi / 2 + eta / 4;
                double slope = xi >= eta ? 1 : xi <= -eta ? 0 : xi / (2 * eta) + 0.5;
                assertEquals(expected, y.get(0, i), tol * (1 + Math.abs(expected)), "smoothrelu(" + xi + ")");
                assertEquals(slope, d.get(0, i), tol, "smoothrelu'(" + xi + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void activationsOfNonFiniteValues(Kernels kernels) {
        for (Precision p : Precision.values()) {
            Matrix x = arena.matrix(p, 1, 3);
            x.copyFrom(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
            Matrix y = arena.matrix(p, 1, 3);
            kernels.activate(Activation.TANH, x, y);
            assertTrue(Double.isNaN(y.get(0, 0)), "tanh(NaN) must be NaN, a diverging run must show it");
            assertEquals(1, y.get(0, 1), 0);
            assertEquals(-1, y.get(0, 2), 0);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void softmaxCrossEntropyKnownValues(Kernels kernels) {
        for (Precision p : Precision.values()) {
            // Equal logits: loss log(C) per example, gradient (1/C − onehot)·scale.
            Matrix logits = arena.matrix(p, 4, 3);
            kernels.fill(logits, 2.5);
            logits.set(0, 2, 1000); // max-shift: exp(1000) would overflow without it
            int[] labels = {1, 3, 0};
            Matrix grad = arena.matrix(p, 4, 3);
            double loss = kernels.softmaxCrossEntropy(logits, labels, 0, 0.5, grad);
            double tol = 16 * TestData.eps(p);
            TestData.assertClose(2 * Math.log(4), loss, tol, "loss " + p);
            assertEquals(0.5 * (0.25 - 1), grad.get(1, 0), tol);
            assertEquals(0.5 * 0.25, grad.get(0, 0), tol);
            assertEquals(0, grad.get(0, 2), tol); // p = 1 at the label
            assertEquals(0, grad.get(1, 2), tol);
        }
    }

    /** The adjoint step is the vector-Jacobian product of the residual step: check it by central differences. */
    @ParameterizedTest
    @MethodSource("implementations")
    void adjointStepIsTheDerivativeOfTheResidualStep(Kernels kernels) {
        int w = 5, batch = 7;
        double h = 0.3;
        for (Activation act : new Activation[] {Activation.TANH, Activation.SMOOTH_RELU}) {
            for (boolean scalarBias : new boolean[] {false, true}) {
                Precision p = Precision.F64;
                Matrix k = random(arena.matrix(p, w, w), 1, 0.8);
                Matrix b = random(arena.matrix(p, scalarBias ? 1 : w, 1), 2, 0.5);
                Matrix u = random(arena.matrix(p, w, batch), 3, 1);
                Matrix lambda = random(arena.matrix(p, w, batch), 4, 1);
                Matrix z = arena.matrix(p, w, batch), next = arena.matrix(p, w, batch);
                kernels.residualStep(k, b, h, act, u, next, z);
                Matrix prev = arena.matrix(p, w, batch), g = arena.matrix(p, w, batch);
                Matrix dk = arena.matrix(p, w, w), db = arena.matrix(p, b.rows(), 1);
                kernels.adjointStep(k, z, u, h, act, lambda, prev, g, dk, db);
                // J(θ) = Σ λ ⊙ next(θ); its derivative in each input must match the adjoint's outputs.
                String what = act + (scalarBias ? " scalar bias" : " channel bias");
                checkDerivative(kernels, k, b, u, lambda, h, act, u, prev, what + " dJ/du");
                checkDerivative(kernels, k, b, u, lambda, h, act, k, dk, what + " dJ/dK");
                checkDerivative(kernels, k, b, u, lambda, h, act, b, db, what + " dJ/db");
            }
        }
    }

    private void checkDerivative(Kernels kernels, Matrix k, Matrix b, Matrix u, Matrix lambda, double h,
            Activation act, Matrix param, Matrix gradient, String what) {
        double step = 1e-6;
        for (int r = 0; r < param.rows(); r++) {
            for (int c = 0; c < param.cols(); c++) {
                double saved = param.get(r, c);
                param.set(r, c, saved + step);
                double plus = objective(kernels, k, b, u, lambda, h, act);
                param.set(r, c, saved - step);
                double minus = objective(kernels, k, b, u, lambda, h, act);
                param.set(r, c, saved);
                double fd = (plus - minus) / (2 * step);
                assertEquals(fd, gradient.get(r, c), 1e-7 * (1 + Math.abs(fd)), what + " at (" + r + ", " + c + ")");
            }
        }
    }

    private double objective(Kernels kernels, Matrix k, Matrix b, Matrix u, Matrix lambda, double h, Activation act) {
        Matrix next = arena.matrix(Precision.F64, u.rows(), u.cols());
        kernels.residualStep(k, b, h, act, u, next, null);
        return kernels.dot(lambda, next);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmByHand(Kernels kernels) {
        Matrix a = arena.matrix(Precision.F32, 2, 3);
        a.copyFrom(new double[] {1, 2, 3, 4, 5, 6});
        Matrix b = arena.matrix(Precision.F32, 3, 2);
        b.copyFrom(new double[] {7, 8, 9, 10, 11, 12});
        Matrix c = arena.matrix(Precision.F32, 2, 2);
        kernels.fill(c, Float.NaN); // β = 0 must not read C
        kernels.gemm(false, false, 1, a, b, 0, c);
        assertEquals(58, c.get(0, 0));
        assertEquals(64, c.get(0, 1));
        assertEquals(139, c.get(1, 0));
        assertEquals(154, c.get(1, 1));
        Matrix ct = arena.matrix(Precision.F32, 3, 3); // aᵀ·a
        kernels.gemm(true, false, 2, a, a, 0, ct);
        assertEquals(2 * (1 * 3 + 4 * 6), ct.get(2, 0));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void vectorOperationsByHand(Kernels kernels) {
        Matrix x = arena.vector(Precision.F64, 3);
        x.copyFrom(new double[] {3, -4, 0});
        Matrix y = arena.vector(Precision.F64, 3);
        y.copyFrom(new double[] {1, 1, 1});
        assertEquals(5, kernels.norm2(x));
        assertEquals(4, kernels.normMax(x));
        assertEquals(-1, kernels.dot(x, y));
        kernels.axpby(2, x, 3, y);
        assertEquals(9, y.get(0, 0));
        assertEquals(-5, y.get(0, 1));
        x.set(0, 2, Double.NaN);
        assertTrue(Double.isNaN(kernels.normMax(x)), "a NaN must show in the max-norm");
    }

    @Test
    void expRangeReductionConstantsSplitLn2() {
        assertEquals(Math.log(2), FloatingPoint.LN2_HI_F64 + FloatingPoint.LN2_LO_F64, 0);
        assertEquals(Math.log(2), (double) FloatingPoint.LN2_HI_F32 + FloatingPoint.LN2_LO_F32, 1e-13);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void reluAndItsDerivativeAtAndAroundZero(Kernels kernels) {
        for (Precision p : Precision.values()) {
            double tiny = p == Precision.F64 ? Double.MIN_VALUE : Float.MIN_VALUE;
            double eta = Activation.SMOOTH_RELU_ETA;
            Matrix x = arena.matrix(p, 1, 7);
            x.copyFrom(new double[] {-1, -tiny, 0, tiny, 1, -eta, eta});
            Matrix y = arena.matrix(p, 1, 7);
            kernels.activate(Activation.RELU, x, y);
            assertArrayEquals(new double[] {0, 0, 0, tiny, 1, 0, x.get(0, 6)}, y.toArray(), 0, "relu " + p);
            kernels.activationDerivative(Activation.RELU, x, y);
            assertArrayEquals(new double[] {0, 0, 0, 1, 1, 0, 1}, y.toArray(), 0, "relu' " + p + ": 0 at exactly 0");
            kernels.activationDerivative(Activation.SMOOTH_RELU, x, y);
            assertEquals(0, y.get(0, 5), "smoothrelu'(−η) " + p);
            assertEquals(1, y.get(0, 6), "smoothrelu'(η) " + p);
            assertEquals(0.5, y.get(0, 2), "smoothrelu'(0) " + p);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void argmaxIsTheFirstLargestRowOfEachColumn(Kernels kernels) {
        // Written out with get() and a plain loop, independently of both kernel implementations.
        for (Precision p : Precision.values()) {
            for (int classes : new int[] {1, 2, 5, 10}) {
                for (int batch : new int[] {1, 3, 8, 17}) {
                    Matrix logits = arena.matrix(p, classes, batch);
                    java.util.SplittableRandom random = new java.util.SplittableRandom(classes * 100L + batch);
                    for (int r = 0; r < classes; r++) {
                        for (int c = 0; c < batch; c++) {
                            // Few distinct values, so ties are common: the first of equal maxima wins.
                            logits.set(r, c, random.nextInt(4) - 2);
                        }
                    }
                    int[] expected = new int[batch + 2];
                    expected[0] = -7;
                    expected[batch + 1] = -7;
                    for (int c = 0; c < batch; c++) {
                        int best = 0;
                        for (int r = 1; r < classes; r++) {
                            if (logits.get(r, c) > logits.get(best, c)) {
                                best = r;
                            }
                        }
                        expected[c + 1] = best;
                    }
                    int[] out = new int[batch + 2];
                    out[0] = -7;
                    out[batch + 1] = -7;
                    kernels.argmax(logits, out, 1);
                    assertArrayEquals(expected, out, p + " classes=" + classes + " batch=" + batch);
                    int[] part = new int[batch];
                    java.util.Arrays.fill(part, -7);
                    kernels.argmax(logits, part, 0, batch / 2, batch);
                    for (int c = 0; c < batch; c++) {
                        assertEquals(c < batch / 2 ? -7 : expected[c + 1], part[c], "column range, column " + c);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void copyWritesEveryElementAndNothingElse(Kernels kernels) {
        for (Precision p : Precision.values()) {
            for (int n : new int[] {1, 3, 8, 13, 33}) {
                Matrix x = arena.matrix(p, 2, n);
                Matrix y = arena.matrix(p, 2, n);
                double[] values = new double[2 * n];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i + 0.5;
                }
                x.copyFrom(values);
                kernels.copy(x, y);
                assertArrayEquals(values, y.toArray(), 0, p + " n=" + n);
                Matrix z = arena.matrix(p, 2, n);
                kernels.copy(x, z, n / 2, n);
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < n; c++) {
                        assertEquals(c < n / 2 ? 0 : values[r * n + c], z.get(r, c), "columns, (" + r + ", " + c + ")");
                    }
                }
            }
        }
    }
}
