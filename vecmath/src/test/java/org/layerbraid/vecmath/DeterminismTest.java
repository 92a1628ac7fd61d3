package org.layerbraid.vecmath;

import static org.layerbraid.vecmath.TestData.assertBitwise;
import static org.layerbraid.vecmath.TestData.random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bitwise reproducibility: the same call twice gives the same bits (also across JIT warm-up, since the
 * loop runs long enough to be compiled), and splitting the batch at multiples of
 * {@link Kernels#columnAlignment} gives the same bits as one call over the whole batch.
 */
class DeterminismTest {
    private final Kernels kernels = Kernels.panama();
    private TensorArena arena;

    @BeforeEach
    void open() {
        arena = new TensorArena("test");
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void repeatedAndSplitCallsAgreeBitwise(Precision p) {
        int w = 13, batch = 1001;
        int align = Kernels.columnAlignment(p);
        Matrix k = random(arena.matrix(p, w, w), 1, 0.3);
        Matrix b = random(arena.matrix(p, w, 1), 2, 0.3);
        Matrix u = random(arena.matrix(p, w, batch), 3, 1);
        Matrix lambda = random(arena.matrix(p, w, batch), 4, 1);
        for (Activation act : Activation.values()) {
            Matrix next0 = arena.matrix(p, w, batch), z0 = arena.matrix(p, w, batch);
            Matrix prev0 = arena.matrix(p, w, batch), g0 = arena.matrix(p, w, batch);
            kernels.residualStep(k, b, 0.1, act, u, next0, z0);
            kernels.adjointStep(k, z0, u, 0.1, act, lambda, prev0, g0, null, null);
            Matrix next = arena.matrix(p, w, batch), z = arena.matrix(p, w, batch);
            Matrix prev = arena.matrix(p, w, batch), g = arena.matrix(p, w, batch);
            for (int repeat = 0; repeat < 300; repeat++) {
                kernels.residualStep(k, b, 0.1, act, u, next, z);
                kernels.adjointStep(k, z, u, 0.1, act, lambda, prev, g, null, null);
            }
            assertBitwise(next0, next, act + " residual step, repeated");
            assertBitwise(prev0, prev, act + " adjoint step, repeated");
            int[] cuts = {0, align, 5 * align, 7 * align, batch};
            for (int s = 0; s + 1 < cuts.length; s++) {
                kernels.residualStep(k, b, 0.1, act, u, next, z, cuts[s], cuts[s + 1]);
                kernels.adjointStep(k, z, u, 0.1, act, lambda, prev, g, null, null, cuts[s], cuts[s + 1]);
            }
            assertBitwise(next0, next, act + " residual step, split batch");
            assertBitwise(z0, z, act + " pre-activations, split batch");
            assertBitwise(prev0, prev, act + " adjoint step, split batch");
        }
        Matrix logits = random(arena.matrix(p, 5, batch), 5, 3);
        int[] labels = TestData.labels(batch, 5, 6);
        double loss0 = kernels.softmaxCrossEntropy(logits, labels, 0, 1, null);
        for (int repeat = 0; repeat < 300; repeat++) {
            double loss = kernels.softmaxCrossEntropy(logits, labels, 0, 1, null);
            if (Double.doubleToRawLongBits(loss) != Double.doubleToRawLongBits(loss0)) {
                throw new AssertionError("loss changed on repeat " + repeat + ": " + loss + " vs " + loss0);
            }
        }
    }
}
