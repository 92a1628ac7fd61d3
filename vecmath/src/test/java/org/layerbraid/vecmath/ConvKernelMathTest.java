package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerbraid.vecmath.TestData.random;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolution kernels against the mathematics: values by hand, the adjoint identity
 * ⟨conv(K, u), v⟩ = ⟨u, convᵀ(K, v)⟩, and central finite differences for the adjoint step and the kernel
 * and bias gradients. Run on both implementations, so an error shared by both is caught too.
 */
class ConvKernelMathTest {
    /** Odd shapes: one pixel, channel counts that differ, non-square images, k = 1, 3, 5. */
    private static final ConvShape[] SHAPES = {
        new ConvShape(1, 1, 1, 1, 1), new ConvShape(1, 3, 5, 7, 3), new ConvShape(2, 2, 3, 3, 3),
        new ConvShape(3, 3, 7, 5, 5), new ConvShape(4, 2, 6, 9, 3), new ConvShape(3, 5, 4, 4, 1)};

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
    void convolveByHand(Kernels kernels) {
        // One 3 × 3 image holding 1..9 in row order, a kernel of ones plus 10 at the centre tap, bias 0.5.
        ConvShape s = ConvShape.residual(1, 3, 3, 3);
        Matrix x = arena.matrix(Precision.F64, 9, 2);
        for (int q = 0; q < 9; q++) {
            x.set(q, 0, q + 1);
            x.set(q, 1, -(q + 1));
        }
        Matrix k = arena.matrix(Precision.F64, 1, 9);
        kernels.fill(k, 1);
        k.set(0, 4, 11);
        Matrix b = arena.matrix(Precision.F64, 1, 1);
        b.set(0, 0, 0.5);
        Matrix y = arena.matrix(Precision.F64, 9, 2);
        kernels.convolve(s, k, b, x, y, 0, 2);
        // Corner (0, 0): taps 1, 2, 4, 5 inside the image, centre weight 11: 11·1 + 2 + 4 + 5 + 0.5.
        assertEquals(22.5, y.get(0, 0), 1e-12);
        // Centre (1, 1): all nine taps: 45 + 10·5 + 0.5.
        assertEquals(95.5, y.get(4, 0), 1e-12);
        // Edge (0, 1): taps 1, 2, 3, 4, 5, 6 with 2 at the centre: 21 + 10·2 + 0.5.
        assertEquals(41.5, y.get(1, 0), 1e-12);
        // The second column is the negated image: the same sums, negated, plus the bias.
        assertEquals(-22 + 0.5, y.get(0, 1), 1e-12);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void kernelColumnsAreInputChannelThenRowThenColumn(Kernels kernels) {
        // Two input channels, one output; a single non-zero weight at input channel 1, dy = 0, dx = 2 (the
        // tap one row up and one column right): y[r, c] = 3·x1[r − 1, c + 1].
        ConvShape s = new ConvShape(2, 1, 4, 5, 3);
        Matrix x = random(arena.matrix(Precision.F64, s.inRows(), 3), 7, 1);
        Matrix k = arena.matrix(Precision.F64, 1, 18);
        k.set(0, (1 * 3 + 0) * 3 + 2, 3);
        Matrix y = arena.matrix(Precision.F64, s.outRows(), 3);
        kernels.convolve(s, k, null, x, y, 0, 3);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 5; c++) {
                double expected = r >= 1 && c + 1 < 5 ? 3 * x.get(20 + (r - 1) * 5 + c + 1, 2) : 0;
                assertEquals(expected, y.get(r * 5 + c, 2), 1e-15, "pixel (" + r + ", " + c + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void residualStepIsTheInputPlusTheActivatedConvolution(Kernels kernels) {
        for (Precision p : Precision.values()) {
            ConvShape s = ConvShape.residual(3, 5, 6, 3);
            Matrix k = random(arena.matrix(p, 3, 27), 1, 0.3);
            Matrix b = random(arena.matrix(p, 3, 1), 2, 0.3);
            Matrix u = random(arena.matrix(p, s.inRows(), 5), 3, 1);
            Matrix z = arena.matrix(p, s.outRows(), 5), next = arena.matrix(p, s.outRows(), 5);
            Matrix y = arena.matrix(p, s.outRows(), 5);
            kernels.convolve(s, k, b, u, y, 0, 5);
            kernels.convResidualStep(s, k, b, 0.25, Activation.TANH, u, next, z, 0, 5);
            TestData.assertClose(y, z, 27, "z " + p);
            for (int r = 0; r < s.outRows(); r++) {
                for (int c = 0; c < 5; c++) {
                    double expected = u.get(r, c) + 0.25 * Math.tanh(y.get(r, c));
                    TestData.assertClose(expected, next.get(r, c), 300 * TestData.eps(p), "next " + p);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void transposeIsTheAdjointOfTheConvolution(Kernels kernels) {
        for (Precision p : Precision.values()) {
            for (ConvShape s : SHAPES) {
                for (int batch : new int[] {1, 5, 19}) {
                    Matrix k = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), batch, 1);
                    Matrix u = random(arena.matrix(p, s.inRows(), batch), batch + 1, 1);
                    Matrix v = random(arena.matrix(p, s.outRows(), batch), batch + 2, 1);
                    Matrix ku = arena.matrix(p, s.outRows(), batch), ktv = arena.matrix(p, s.inRows(), batch);
                    kernels.convolve(s, k, null, u, ku, 0, batch);
                    kernels.convTranspose(s, k, v, null, ktv, 0, batch);
                    double left = kernels.dot(ku, v), right = kernels.dot(u, ktv);
                    double terms = (double) s.flopsPerExample() * batch;
                    TestData.assertClose(left, right, 4 * TestData.eps(p) * Math.sqrt(terms), s + " " + p);
                }
            }
        }
    }

    /** J(u) = ⟨λ, next(u)⟩ has gradient λPrev, and J as a function of the kernel and bias has gradients dk, db. */
    @ParameterizedTest
    @MethodSource("implementations")
    void adjointStepIsTheDerivativeOfTheResidualStep(Kernels kernels) {
        Precision p = Precision.F64;
        for (ConvShape s : new ConvShape[] {ConvShape.residual(2, 4, 5, 3), ConvShape.residual(1, 5, 5, 5),
            ConvShape.residual(3, 3, 2, 1)}) {
            for (Activation act : Activation.values()) {
                int batch = 3;
                double h = 0.7;
                Matrix k = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), 11, 0.5);
                Matrix b = random(arena.matrix(p, s.outChannels(), 1), 12, 0.5);
                Matrix u = random(arena.matrix(p, s.inRows(), batch), 13, 1);
                Matrix lambda = random(arena.matrix(p, s.outRows(), batch), 14, 1);
                Matrix z = arena.matrix(p, s.outRows(), batch), g = arena.matrix(p, s.outRows(), batch);
                Matrix lambdaPrev = arena.matrix(p, s.inRows(), batch);
                Matrix dk = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), 15, 1);
                Matrix db = random(arena.matrix(p, s.outChannels(), 1), 16, 1);
                Matrix dk0 = arena.copyOf(dk), db0 = arena.copyOf(db);
                kernels.convResidualStep(s, k, b, h, act, u, null, z, 0, batch);
                kernels.convAdjointStep(s, k, z, u, h, act, lambda, lambdaPrev, g, dk, db, 0, batch);
                Matrix next = arena.matrix(p, s.outRows(), batch);
                String what = s + " " + act;
                // The ReLU kink makes finite differences wrong near z = 0; the step is small enough that no
                // random z lands that close here.
                double eps = 1e-6;
                for (int r = 0; r < s.inRows(); r += 3) {
                    for (int c = 0; c < batch; c++) {
                        double fd = centralDifference(kernels, s, k, b, h, act, u, lambda, next, u, r, c, eps);
                        TestData.assertClose(fd, lambdaPrev.get(r, c), 1e-6, what + " λPrev(" + r + ", " + c + ")");
                    }
                }
                for (int co = 0; co < s.outChannels(); co++) {
                    for (int col = 0; col < s.kernelColumns(); col++) {
                        double fd = centralDifference(kernels, s, k, b, h, act, u, lambda, next, k, co, col, eps);
                        TestData.assertClose(fd, dk.get(co, col) - dk0.get(co, col), 1e-6,
                                what + " dk(" + co + ", " + col + ")");
                    }
                    double fd = centralDifference(kernels, s, k, b, h, act, u, lambda, next, b, co, 0, eps);
                    TestData.assertClose(fd, db.get(co, 0) - db0.get(co, 0), 1e-6, what + " db(" + co + ")");
                }
            }
        }
    }

    /** (J(m[r, c] + ε) − J(m[r, c] − ε)) / 2ε for J = ⟨λ, next⟩, m one of the operands; m is restored. */
    private static double centralDifference(Kernels kernels, ConvShape s, Matrix k, Matrix b, double h,
            Activation act, Matrix u, Matrix lambda, Matrix next, Matrix m, int r, int c, double eps) {
        double old = m.get(r, c);
        m.set(r, c, old + eps);
        kernels.convResidualStep(s, k, b, h, act, u, next, null, 0, u.cols());
        double plus = kernels.dot(lambda, next);
        m.set(r, c, old - eps);
        kernels.convResidualStep(s, k, b, h, act, u, next, null, 0, u.cols());
        double minus = kernels.dot(lambda, next);
        m.set(r, c, old);
        return (plus - minus) / (2 * eps);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void weightGradientOfAnOpeningLayerIsTheDerivativeOfTheConvolution(Kernels kernels) {
        // 1 → 3 channels: J(K, b) = ⟨v, conv(K, x) + b⟩ is linear, so the differences are exact up to rounding.
        ConvShape s = new ConvShape(1, 3, 6, 5, 3);
        Precision p = Precision.F64;
        Matrix k = random(arena.matrix(p, 3, 9), 21, 1);
        Matrix b = random(arena.matrix(p, 3, 1), 22, 1);
        Matrix x = random(arena.matrix(p, s.inRows(), 4), 23, 1);
        Matrix v = random(arena.matrix(p, s.outRows(), 4), 24, 1);
        Matrix y = arena.matrix(p, s.outRows(), 4);
        Matrix dk = arena.matrix(p, 3, 9), db = arena.matrix(p, 3, 1);
        kernels.convWeightGradient(s, v, x, dk, 0, 4);
        kernels.convBiasGradient(s, v, db, 0, 4);
        for (int co = 0; co < 3; co++) {
            for (int col = 0; col < 9; col++) {
                double old = k.get(co, col);
                k.set(co, col, old + 0.5);
                kernels.convolve(s, k, b, x, y, 0, 4);
                double plus = kernels.dot(v, y);
                k.set(co, col, old - 0.5);
                kernels.convolve(s, k, b, x, y, 0, 4);
                double minus = kernels.dot(v, y);
                k.set(co, col, old);
                TestData.assertClose(plus - minus, dk.get(co, col), 1e-12, "dk(" + co + ", " + col + ")");
            }
            double sum = 0;
            for (int q = 0; q < s.pixels(); q++) {
                for (int c = 0; c < 4; c++) {
                    sum += v.get(co * s.pixels() + q, c);
                }
            }
            TestData.assertClose(sum, db.get(co, 0), 1e-13, "db(" + co + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void columnRangesLeaveOtherColumnsAlone(Kernels kernels) {
        ConvShape s = ConvShape.residual(2, 3, 4, 3);
        for (Precision p : Precision.values()) {
            Matrix k = random(arena.matrix(p, 2, 18), 31, 1);
            Matrix u = random(arena.matrix(p, s.inRows(), 40), 32, 1);
            Matrix next = arena.matrix(p, s.outRows(), 40), z = arena.matrix(p, s.outRows(), 40);
            kernels.fill(next, 7);
            kernels.fill(z, 7);
            kernels.convResidualStep(s, k, null, 1, Activation.TANH, u, next, z, 3, 37);
            for (int r = 0; r < s.outRows(); r++) {
                for (int c = 0; c < 40; c++) {
                    boolean inside = c >= 3 && c < 37;
                    assertEquals(inside, next.get(r, c) != 7, "next(" + r + ", " + c + ") " + p);
                    assertEquals(inside, z.get(r, c) != 7, "z(" + r + ", " + c + ") " + p);
                }
            }
        }
    }

    @Test
    void shapesRefuseEvenOversizedAndEmptyKernels() {
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 5, 5, 2));
        assertEquals("kernel size 2 is even: a same-padding convolution needs an odd kernel size", even.getMessage());
        IllegalArgumentException large = assertThrows(IllegalArgumentException.class, () -> ConvShape.residual(1, 9, 4, 5));
        assertEquals("kernel size 5 is larger than the 9 × 4 image", large.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvShape.residual(0, 4, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 4, 4, -1));
        ConvShape s = new ConvShape(2, 8, 28, 27, 3);
        assertEquals(2 * 28 * 27, s.inRows());
        assertEquals(8 * 28 * 27, s.outRows());
        assertEquals(18, s.kernelColumns());
        assertEquals(1, s.padding());
        assertEquals(2L * 8 * 18 * 28 * 27, s.flopsPerExample());
    }

    @Test
    void operandsOfTheWrongShapeAreRefusedBeforeAnythingIsWritten() {
        Kernels kernels = Kernels.scalar();
        ConvShape s = ConvShape.residual(2, 4, 4, 3);
        Matrix k = arena.matrix(Precision.F64, 2, 18);
        Matrix u = arena.matrix(Precision.F64, 32, 3), next = arena.matrix(Precision.F64, 32, 3);
        kernels.fill(next, 5);
        IllegalArgumentException wrongInput = assertThrows(IllegalArgumentException.class,
                () -> kernels.convResidualStep(s, k, null, 1, Activation.TANH, arena.matrix(Precision.F64, 31, 3),
                        next, null, 0, 3));
        assertTrue(wrongInput.getMessage().startsWith("convResidualStep: the input must have 32 rows"),
                wrongInput.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernels.convResidualStep(s,
                arena.matrix(Precision.F64, 2, 9), null, 1, Activation.TANH, u, next, null, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernels.convResidualStep(new ConvShape(2, 3, 4, 4, 3),
                arena.matrix(Precision.F64, 3, 18), null, 1, Activation.TANH, u, arena.matrix(Precision.F64, 48, 3),
                null, 0, 3));
        assertThrows(IllegalArgumentException.class,
                () -> kernels.convResidualStep(s, k, null, 1, Activation.TANH, u, next, null, 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> kernels.convResidualStep(s, k, null, 1, Activation.TANH, u, u, null, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernels.convWeightGradient(s, u, u,
                arena.matrix(Precision.F64, 18, 2), 0, 3));
        assertThrows(IllegalArgumentException.class, () -> kernels.convBiasGradient(s, u,
                arena.matrix(Precision.F64, 1, 1), 0, 3));
        assertEquals(5, next.get(0, 0));
    }
}
