package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerbraid.vecmath.TestData.BATCHES;
import static org.layerbraid.vecmath.TestData.WIDTHS;
import static org.layerbraid.vecmath.TestData.assertClose;
import static org.layerbraid.vecmath.TestData.random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every vectorised kernel against the scalar reference, float32 and float64, on sizes that hit every
 * vector tail and tile tail (batch 1 … 1001, width 1 … 64).
 */
class VectorMatchesScalarTest {
    private final Kernels scalar = Kernels.scalar();
    private final Kernels vector = Kernels.panama();
    private TensorArena arena;

    @BeforeEach
    void open() {
        arena = new TensorArena("test");
    }

    @AfterEach
    void close() {
        arena.close();
    }

    /** Bias variants in turn: per channel, one scalar, none. */
    private Matrix bias(Precision p, int w, int variant, long seed) {
        return switch (variant % 3) {
            case 0 -> random(arena.matrix(p, w, 1), seed, 1);
            case 1 -> random(arena.matrix(p, 1, 1), seed, 1);
            default -> null;
        };
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void residualStep(Precision p) {
        int variant = 0;
        for (int w : WIDTHS) {
            for (int batch : BATCHES) {
                for (Activation act : Activation.values()) {
                    long seed = 31L * w + batch;
                    Matrix k = random(arena.matrix(p, w, w), seed, 1.0 / Math.sqrt(w));
                    Matrix b = bias(p, w, variant++, seed + 1);
                    Matrix u = random(arena.matrix(p, w, batch), seed + 2, 1);
                    Matrix nextS = arena.matrix(p, w, batch), zS = arena.matrix(p, w, batch);
                    Matrix nextV = arena.matrix(p, w, batch), zV = arena.matrix(p, w, batch);
                    scalar.residualStep(k, b, 0.25, act, u, nextS, zS);
                    vector.residualStep(k, b, 0.25, act, u, nextV, zV);
                    String what = "residualStep " + act + " " + p + " w=" + w + " batch=" + batch;
                    assertClose(zS, zV, w, what + " z");
                    assertClose(nextS, nextV, w, what + " next");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void adjointStep(Precision p) {
        int variant = 0;
        for (int w : WIDTHS) {
            for (int batch : BATCHES) {
                for (Activation act : Activation.values()) {
                    long seed = 17L * w + batch;
                    Matrix k = random(arena.matrix(p, w, w), seed, 1.0 / Math.sqrt(w));
                    Matrix z = random(arena.matrix(p, w, batch), seed + 1, 1);
                    Matrix u = random(arena.matrix(p, w, batch), seed + 2, 1);
                    Matrix lambda = random(arena.matrix(p, w, batch), seed + 3, 1);
                    Matrix dkS = random(arena.matrix(p, w, w), seed + 4, 1);
                    Matrix dkV = arena.copyOf(dkS);
                    Matrix dbS = variant++ % 2 == 0 ? random(arena.matrix(p, w, 1), seed + 5, 1)
                            : random(arena.matrix(p, 1, 1), seed + 5, 1);
                    Matrix dbV = arena.copyOf(dbS);
                    Matrix prevS = arena.matrix(p, w, batch), gS = arena.matrix(p, w, batch);
                    Matrix prevV = arena.matrix(p, w, batch), gV = arena.matrix(p, w, batch);
                    scalar.adjointStep(k, z, u, 0.5, act, lambda, prevS, gS, dkS, dbS);
                    vector.adjointStep(k, z, u, 0.5, act, lambda, prevV, gV, dkV, dbV);
                    String what = "adjointStep " + act + " " + p + " w=" + w + " batch=" + batch;
                    assertClose(gS, gV, 1, what + " g");
                    assertClose(prevS, prevV, w, what + " lambdaPrev");
                    assertClose(dkS, dkV, batch, what + " dk");
                    assertClose(dbS, dbV, batch * w, what + " db");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void activations(Precision p) {
        for (int batch : BATCHES) {
            for (Activation act : Activation.values()) {
                // Values across every branch: the quadratic patch of smooth ReLU, tanh's saturation, large |x|.
                Matrix x = random(arena.matrix(p, 3, batch), batch, 4);
                x.set(0, 0, 0.05);
                x.set(1, 0, -30);
                x.set(2, 0, 25);
                for (boolean derivative : new boolean[] {false, true}) {
                    Matrix yS = arena.matrix(p, 3, batch), yV = arena.matrix(p, 3, batch);
                    if (derivative) {
                        scalar.activationDerivative(act, x, yS);
                        vector.activationDerivative(act, x, yV);
                    } else {
                        scalar.activate(act, x, yS);
                        vector.activate(act, x, yV);
                    }
                    assertClose(yS, yV, 2, act + (derivative ? "'" : "") + " " + p + " batch=" + batch);
                }
                Matrix lambda = random(arena.matrix(p, 3, batch), batch + 1, 1);
                Matrix gS = arena.matrix(p, 3, batch), gV = arena.matrix(p, 3, batch);
                scalar.activationBackward(act, 0.3, x, lambda, gS);
                vector.activationBackward(act, 0.3, x, lambda, gV);
                assertClose(gS, gV, 2, "activationBackward " + act + " " + p + " batch=" + batch);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void weightGradientOnRectangularShapes(Precision p) {
        int[][] shapes = {{1, 1}, {3, 784}, {10, 8}, {5, 13}, {8, 2}};
        for (int[] mn : shapes) {
            for (int batch : BATCHES) {
                Matrix g = random(arena.matrix(p, mn[0], batch), batch, 1);
                Matrix u = random(arena.matrix(p, mn[1], batch), batch + 1, 1);
                Matrix dS = random(arena.matrix(p, mn[0], mn[1]), 7, 1);
                Matrix dV = arena.copyOf(dS);
                scalar.weightGradient(g, u, dS);
                vector.weightGradient(g, u, dV);
                assertClose(dS, dV, batch, "weightGradient " + p + " " + mn[0] + "×" + mn[1] + " batch=" + batch);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void rowSumsAndBias(Precision p) {
        for (int rows : new int[] {1, 5, 8}) {
            for (int batch : BATCHES) {
                Matrix x = random(arena.matrix(p, rows, batch), batch, 1);
                for (int sumRows : new int[] {rows, 1}) {
                    Matrix sS = random(arena.matrix(p, sumRows, 1), 3, 1);
                    Matrix sV = arena.copyOf(sS);
                    scalar.rowSums(x, sS);
                    vector.rowSums(x, sV);
                    assertClose(sS, sV, batch * rows, "rowSums " + p + " rows=" + rows + " batch=" + batch);
                    Matrix xS = arena.copyOf(x), xV = arena.copyOf(x);
                    scalar.addBias(sS, xS);
                    vector.addBias(sS, xV);
                    assertClose(xS, xV, 1, "addBias " + p + " rows=" + rows + " batch=" + batch);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void gemmAllTranspositions(Precision p) {
        // m, depth, n: tails of MR (4) and TILE, depth past KC (256), m past MC (64), n past NC (1024).
        int[][] sizes = {{1, 1, 1}, {5, 3, 7}, {13, 8, 31}, {64, 64, 64}, {70, 300, 129}, {3, 2, 1100}, {8, 784, 257}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Matrix a = random(ta ? arena.matrix(p, s[1], s[0]) : arena.matrix(p, s[0], s[1]), 1, 1);
                    Matrix b = random(tb ? arena.matrix(p, s[2], s[1]) : arena.matrix(p, s[1], s[2]), 2, 1);
                    for (double beta : new double[] {0, 0.5}) {
                        Matrix cS = random(arena.matrix(p, s[0], s[2]), 3, 1);
                        Matrix cV = arena.copyOf(cS);
                        scalar.gemm(ta, tb, 1.5, a, b, beta, cS);
                        vector.gemm(ta, tb, 1.5, a, b, beta, cV);
                        assertClose(cS, cV, s[1], "gemm " + p + " " + s[0] + "×" + s[1] + "×" + s[2] + " ta=" + ta
                                + " tb=" + tb + " beta=" + beta);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void softmaxCrossEntropyAndArgmax(Precision p) {
        for (int classes : new int[] {1, 2, 5, 10}) {
            for (int batch : BATCHES) {
                Matrix logits = random(arena.matrix(p, classes, batch), batch, 8);
                int[] labels = TestData.labels(batch + 2, classes, batch);
                Matrix gS = arena.matrix(p, classes, batch), gV = arena.matrix(p, classes, batch);
                double lossS = scalar.softmaxCrossEntropy(logits, labels, 2, 1.0 / batch, gS);
                double lossV = vector.softmaxCrossEntropy(logits, labels, 2, 1.0 / batch, gV);
                String what = "softmaxCrossEntropy " + p + " classes=" + classes + " batch=" + batch;
                assertClose(lossS, lossV, 16 * TestData.eps(p) * (batch + classes), what + " loss");
                assertClose(gS, gV, classes, what + " grad");
                int[] aS = new int[batch + 1], aV = new int[batch + 1];
                scalar.argmax(logits, aS, 1);
                vector.argmax(logits, aV, 1);
                assertArrayEquals(aS, aV, "argmax " + what);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void vectorOperations(Precision p) {
        for (int n : BATCHES) {
            for (int rows : new int[] {1, 3}) {
                Matrix x = random(arena.matrix(p, rows, n), n, 1);
                Matrix y0 = random(arena.matrix(p, rows, n), n + 1, 1);
                String what = p + " " + rows + "×" + n;
                Matrix yS = arena.copyOf(y0), yV = arena.copyOf(y0);
                scalar.axpby(0.7, x, -1.3, yS);
                vector.axpby(0.7, x, -1.3, yV);
                assertClose(yS, yV, 1, "axpby " + what);
                scalar.scale(-2.5, yS);
                vector.scale(-2.5, yV);
                assertClose(yS, yV, 1, "scale " + what);
                scalar.copy(x, yS);
                vector.copy(x, yV);
                TestData.assertBitwise(x, yV, "copy " + what);
                scalar.fill(yS, 0.125);
                vector.fill(yV, 0.125);
                TestData.assertBitwise(yS, yV, "fill " + what);
                double tol = 8 * TestData.eps(p) * (n * rows + 1);
                assertClose(scalar.dot(x, y0), vector.dot(x, y0), tol, "dot " + what);
                assertClose(scalar.norm2(x), vector.norm2(x), tol, "norm2 " + what);
                assertClose(scalar.normMax(x), vector.normMax(x), 0, "normMax " + what);
            }
        }
    }

    /** Column-range operations touch only their range and agree with the whole-matrix ones there, tails included. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void columnRangeOperations(Precision p) {
        for (int n : BATCHES) {
            int c0 = n / 3;
            int c1 = n - n / 5;
            Matrix x = random(arena.matrix(p, 3, n), n, 1);
            Matrix y0 = random(arena.matrix(p, 3, n), n + 1, 1);
            String what = p + " 3×" + n + " [" + c0 + ", " + c1 + ")";
            Matrix yS = arena.copyOf(y0), yV = arena.copyOf(y0), whole = arena.copyOf(y0);
            scalar.axpby(0.7, x, -1.3, yS, c0, c1);
            vector.axpby(0.7, x, -1.3, yV, c0, c1);
            vector.axpby(0.7, x, -1.3, whole);
            assertClose(yS, yV, 1, "axpby " + what);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < n; c++) {
                    double expected = c >= c0 && c < c1 ? whole.get(r, c) : y0.get(r, c);
                    assertEquals(expected, yV.get(r, c), "axpby " + what + " at " + r + "," + c);
                }
            }
            Matrix copied = arena.copyOf(y0);
            vector.copy(x, copied, c0, c1);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < n; c++) {
                    assertEquals((c >= c0 && c < c1 ? x : y0).get(r, c), copied.get(r, c), "copy " + what);
                }
            }
            double expected = 0;
            for (int r = 0; r < 3; r++) {
                for (int c = c0; c < c1; c++) {
                    expected += x.get(r, c) * y0.get(r, c);
                }
            }
            double tol = 8 * TestData.eps(p) * (n * 3 + 1);
            assertClose(expected, scalar.dot(x, y0, c0, c1), tol, "scalar dot " + what);
            assertClose(expected, vector.dot(x, y0, c0, c1), tol, "vector dot " + what);
        }
    }
}
