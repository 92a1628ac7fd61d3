package org.layerbraid.vecmath;

import static org.layerbraid.vecmath.TestData.assertBitwise;
import static org.layerbraid.vecmath.TestData.assertClose;
import static org.layerbraid.vecmath.TestData.random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every vectorised convolution kernel against the scalar reference, float32 and float64, on shapes and
 * batches that hit every tail: image sizes from 1 × 1 up, channel counts 1 to 9 (in ≠ out too), k = 1, 3, 5,
 * batches from 1 to 67 and column ranges that start and end anywhere. The vectorised results must also not
 * depend on how the batch is split at multiples of {@link Kernels#columnAlignment}.
 */
class ConvVectorMatchesScalarTest {
    private static final ConvShape[] SHAPES = {
        ConvShape.residual(1, 1, 1, 1), ConvShape.residual(1, 3, 3, 3), ConvShape.residual(2, 5, 7, 3),
        ConvShape.residual(3, 7, 5, 5), ConvShape.residual(8, 6, 9, 3), ConvShape.residual(9, 4, 11, 3),
        ConvShape.residual(5, 5, 5, 1), new ConvShape(1, 4, 6, 5, 3), new ConvShape(6, 3, 5, 8, 5)};
    private static final int[] BATCHES = {1, 3, 8, 13, 31, 64, 67};

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

    /** A column range inside the batch that starts and ends off the vector boundaries when it can. */
    private static int[] range(int batch, int variant) {
        return switch (variant % 3) {
            case 0 -> new int[] {0, batch};
            case 1 -> new int[] {batch / 3, batch};
            default -> new int[] {Math.min(1, batch - 1), Math.max(batch - 2, Math.min(1, batch - 1) + 1)};
        };
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void convolve(Precision p) {
        int variant = 0;
        for (ConvShape s : SHAPES) {
            for (int batch : BATCHES) {
                int[] r = range(batch, variant++);
                long seed = 31L * s.outRows() + batch;
                Matrix k = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), seed, 0.5);
                Matrix b = variant % 2 == 0 ? random(arena.matrix(p, s.outChannels(), 1), seed + 1, 1) : null;
                Matrix x = random(arena.matrix(p, s.inRows(), batch), seed + 2, 1);
                Matrix yS = arena.matrix(p, s.outRows(), batch), yV = arena.matrix(p, s.outRows(), batch);
                scalar.convolve(s, k, b, x, yS, r[0], r[1]);
                vector.convolve(s, k, b, x, yV, r[0], r[1]);
                assertClose(yS, yV, s.kernelColumns(), "convolve " + s + " " + p + " columns " + r[0] + ".." + r[1]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void residualStep(Precision p) {
        int variant = 0;
        for (ConvShape s : SHAPES) {
            if (!s.isResidual()) {
                continue;
            }
            for (int batch : BATCHES) {
                for (Activation act : Activation.values()) {
                    int[] r = range(batch, variant++);
                    long seed = 17L * s.outRows() + batch;
                    Matrix k = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), seed, 0.5);
                    Matrix b = random(arena.matrix(p, s.outChannels(), 1), seed + 1, 1);
                    Matrix u = random(arena.matrix(p, s.inRows(), batch), seed + 2, 1);
                    Matrix nextS = arena.matrix(p, s.outRows(), batch), zS = arena.matrix(p, s.outRows(), batch);
                    Matrix nextV = arena.matrix(p, s.outRows(), batch), zV = arena.matrix(p, s.outRows(), batch);
                    boolean storeZ = variant % 4 != 0;
                    scalar.convResidualStep(s, k, b, 0.25, act, u, nextS, zS, r[0], r[1]);
                    vector.convResidualStep(s, k, b, 0.25, act, u, nextV, storeZ ? zV : null, r[0], r[1]);
                    String what = "convResidualStep " + s + " " + act + " " + p + " columns " + r[0] + ".." + r[1];
                    assertClose(nextS, nextV, s.kernelColumns(), what + " next");
                    if (storeZ) {
                        assertClose(zS, zV, s.kernelColumns(), what + " z");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void adjointStep(Precision p) {
        int variant = 0;
        for (ConvShape s : SHAPES) {
            if (!s.isResidual()) {
                continue;
            }
            for (int batch : BATCHES) {
                for (Activation act : Activation.values()) {
                    int[] r = range(batch, variant++);
                    long seed = 13L * s.outRows() + batch;
                    Matrix k = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), seed, 0.5);
                    Matrix z = random(arena.matrix(p, s.outRows(), batch), seed + 1, 1);
                    Matrix u = random(arena.matrix(p, s.inRows(), batch), seed + 2, 1);
                    Matrix lambda = random(arena.matrix(p, s.outRows(), batch), seed + 3, 1);
                    Matrix dkS = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), seed + 4, 1);
                    Matrix dbS = random(arena.matrix(p, s.outChannels(), 1), seed + 5, 1);
                    Matrix dkV = arena.copyOf(dkS), dbV = arena.copyOf(dbS);
                    Matrix prevS = arena.matrix(p, s.inRows(), batch), gS = arena.matrix(p, s.outRows(), batch);
                    Matrix prevV = arena.matrix(p, s.inRows(), batch), gV = arena.matrix(p, s.outRows(), batch);
                    boolean gradients = variant % 3 != 0;
                    scalar.convAdjointStep(s, k, z, u, 0.5, act, lambda, prevS, gS, dkS, dbS, r[0], r[1]);
                    vector.convAdjointStep(s, k, z, gradients ? u : null, 0.5, act, lambda, prevV, gV,
                            gradients ? dkV : null, gradients ? dbV : null, r[0], r[1]);
                    String what = "convAdjointStep " + s + " " + act + " " + p + " columns " + r[0] + ".." + r[1];
                    assertClose(gS, gV, 1, what + " g");
                    assertClose(prevS, prevV, s.kernelColumns(), what + " λPrev");
                    if (gradients) {
                        int depth = (r[1] - r[0]) * s.pixels();
                        assertClose(dkS, dkV, depth, what + " dk");
                        assertClose(dbS, dbV, depth, what + " db");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void weightAndBiasGradients(Precision p) {
        int variant = 0;
        for (ConvShape s : SHAPES) {
            for (int batch : BATCHES) {
                int[] r = range(batch, variant++);
                long seed = 7L * s.outRows() + batch;
                Matrix g = random(arena.matrix(p, s.outRows(), batch), seed, 1);
                Matrix u = random(arena.matrix(p, s.inRows(), batch), seed + 1, 1);
                Matrix dkS = random(arena.matrix(p, s.outChannels(), s.kernelColumns()), seed + 2, 1);
                Matrix dbS = random(arena.matrix(p, s.outChannels(), 1), seed + 3, 1);
                Matrix dkV = arena.copyOf(dkS), dbV = arena.copyOf(dbS);
                scalar.convWeightGradient(s, g, u, dkS, r[0], r[1]);
                vector.convWeightGradient(s, g, u, dkV, r[0], r[1]);
                scalar.convBiasGradient(s, g, dbS, r[0], r[1]);
                vector.convBiasGradient(s, g, dbV, r[0], r[1]);
                int depth = (r[1] - r[0]) * s.pixels();
                String what = s + " " + p + " columns " + r[0] + ".." + r[1];
                assertClose(dkS, dkV, depth, "convWeightGradient " + what);
                assertClose(dbS, dbV, depth, "convBiasGradient " + what);
            }
        }
    }

    /** Per-column results are bitwise the same whether the batch is done in one call or in aligned slices. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void resultsDoNotDependOnTheBatchSplit(Precision p) {
        ConvShape s = ConvShape.residual(3, 6, 5, 3);
        int batch = 3 * Kernels.columnAlignment(p) + 5;
        int cut = Kernels.columnAlignment(p);
        Matrix k = random(arena.matrix(p, 3, 27), 1, 0.5);
        Matrix b = random(arena.matrix(p, 3, 1), 2, 1);
        Matrix u = random(arena.matrix(p, s.inRows(), batch), 3, 1);
        Matrix lambda = random(arena.matrix(p, s.outRows(), batch), 4, 1);
        Matrix[] whole = outputs(p, s, batch), split = outputs(p, s, batch);
        vector.convResidualStep(s, k, b, 0.5, Activation.TANH, u, whole[0], whole[1], 0, batch);
        vector.convAdjointStep(s, k, whole[1], u, 0.5, Activation.TANH, lambda, whole[2], whole[3], null, null, 0, batch);
        for (int[] r : new int[][] {{0, cut}, {cut, 3 * cut}, {3 * cut, batch}}) {
            vector.convResidualStep(s, k, b, 0.5, Activation.TANH, u, split[0], split[1], r[0], r[1]);
            vector.convAdjointStep(s, k, split[1], u, 0.5, Activation.TANH, lambda, split[2], split[3], null, null,
                    r[0], r[1]);
        }
        String[] names = {"next", "z", "λPrev", "g"};
        for (int i = 0; i < names.length; i++) {
            assertBitwise(whole[i], split[i], names[i] + " " + p);
        }
    }

    private Matrix[] outputs(Precision p, ConvShape s, int batch) {
        Matrix[] m = new Matrix[4];
        for (int i = 0; i < m.length; i++) {
            m[i] = arena.matrix(p, s.outRows(), batch);
        }
        return m;
    }
}
