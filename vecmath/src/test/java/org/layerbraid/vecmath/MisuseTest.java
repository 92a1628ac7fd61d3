package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails with a message naming the shapes or the state, before any memory is written. */
class MisuseTest {
    private final Kernels kernels = Kernels.defaults();
    private TensorArena arena;

    @BeforeEach
    void open() {
        arena = new TensorArena("test");
    }

    @AfterEach
    void close() {
        arena.close();
    }

    private static void fails(Class<? extends Throwable> type, String fragment, Executable call) {
        Throwable t = assertThrows(type, call);
        assertTrue(t.getMessage().contains(fragment), "message '" + t.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void mismatchedShapesAreNamed() {
        Matrix k = arena.matrix(Precision.F64, 8, 7);
        Matrix u = arena.matrix(Precision.F64, 8, 16);
        Matrix next = arena.matrix(Precision.F64, 8, 16);
        next.set(0, 0, 42);
        fails(IllegalArgumentException.class, "k must be 8×8, got f64[8×7]",
                () -> kernels.residualStep(k, null, 0.1, Activation.TANH, u, next, null));
        assertEquals(42, next.get(0, 0), "nothing may be written before the check");
        Matrix a = arena.matrix(Precision.F64, 3, 4);
        Matrix b = arena.matrix(Precision.F64, 5, 2);
        Matrix c = arena.matrix(Precision.F64, 3, 2);
        fails(IllegalArgumentException.class, "op(a) is 3×4", () -> kernels.gemm(false, false, 1, a, b, 0, c));
        fails(IllegalArgumentException.class, "bias must be 8×1 (per channel) or 1×1",
                () -> kernels.addBias(arena.matrix(Precision.F64, 2, 1), u));
        fails(IllegalArgumentException.class, "must be 8×16",
                () -> kernels.axpby(1, u, 1, arena.matrix(Precision.F64, 8, 15)));
    }

    @Test
    void mixedPrecisionIsRejected() {
        Matrix u = arena.matrix(Precision.F32, 4, 5);
        fails(IllegalArgumentException.class, "y is f64[4×5] but the operands are f32",
                () -> kernels.copy(u, arena.matrix(Precision.F64, 4, 5)));
    }

    @Test
    void rangesViewsAndLabelsAreChecked() {
        Matrix u = arena.matrix(Precision.F64, 4, 10);
        Matrix k = arena.matrix(Precision.F64, 4, 4);
        Matrix next = arena.matrix(Precision.F64, 4, 10);
        fails(IllegalArgumentException.class, "column range [3, 11)",
                () -> kernels.residualStep(k, null, 0.1, Activation.RELU, u, next, null, 3, 11));
        fails(IllegalArgumentException.class, "column range [5, 12) is outside", () -> u.columns(5, 12));
        fails(IllegalArgumentException.class, "row range [0, 5)", () -> u.rowRange(0, 5));
        fails(IllegalArgumentException.class, "block 3×3 at offset 5", () -> arena.vector(Precision.F64, 10).block(5, 3, 3));
        fails(IllegalArgumentException.class, "row padding", () -> u.block(0, 2, 2));
        fails(IllegalArgumentException.class, "label 4 of column 1 is not in [0, 4)",
                () -> kernels.softmaxCrossEntropy(u, new int[] {0, 4, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 1, null));
        fails(IllegalArgumentException.class, "labels array of 3 entries",
                () -> kernels.softmaxCrossEntropy(u, new int[3], 0, 1, null));
        fails(IllegalArgumentException.class, "output array of 9 entries", () -> kernels.argmax(u, new int[9], 0));
    }

    @Test
    void overlappingOutputsAreRejected() {
        Matrix u = arena.matrix(Precision.F64, 4, 10);
        Matrix k = arena.matrix(Precision.F64, 4, 4);
        fails(IllegalArgumentException.class, "next f64[4×10] overlaps u",
                () -> kernels.residualStep(k, null, 0.1, Activation.RELU, u, u, null));
        Matrix big = arena.matrix(Precision.F64, 4, 40);
        fails(IllegalArgumentException.class, "overlaps",
                () -> kernels.copy(big.columns(0, 10), big.columns(5, 15)));
    }

    @Test
    void nonFiniteScalarsAndBadSizesAreRejected() {
        Matrix u = arena.matrix(Precision.F64, 4, 10);
        Matrix k = arena.matrix(Precision.F64, 4, 4);
        Matrix next = arena.matrix(Precision.F64, 4, 10);
        fails(IllegalArgumentException.class, "h must be finite, got NaN",
                () -> kernels.residualStep(k, null, Double.NaN, Activation.RELU, u, next, null));
        fails(IllegalArgumentException.class, "alpha must be finite",
                () -> kernels.gemm(false, false, Double.POSITIVE_INFINITY, k, u, 0, next));
        fails(IllegalArgumentException.class, "at least 1×1, got 0×5", () -> arena.matrix(Precision.F64, 0, 5));
        fails(IllegalArgumentException.class, "at least 1×1, got 3×-2", () -> arena.packed(Precision.F32, 3, -2));
    }

    @Test
    void closedArenaIsReported() {
        TensorArena other = new TensorArena("forward solve");
        Matrix x = other.matrix(Precision.F64, 2, 3);
        Matrix view = x.columns(1, 3);
        other.close();
        fails(IllegalStateException.class, "closed", () -> kernels.fill(x, 1));
        fails(IllegalStateException.class, "closed", () -> kernels.norm2(view));
        fails(IllegalStateException.class, "tensor arena 'forward solve'", () -> x.get(0, 0));
        fails(IllegalStateException.class, "tensor arena 'forward solve' is closed", () -> other.matrix(Precision.F64, 1, 1));
    }

    @Test
    void unknownImplementationPropertyAndNamesAreRejected() {
        fails(IllegalArgumentException.class, "unknown activation 'sigmoid'", () -> Activation.parse("sigmoid"));
        fails(IllegalArgumentException.class, "unknown precision 'f16'", () -> Precision.parse("f16"));
        assertEquals(Activation.SMOOTH_RELU, Activation.parse("SmoothReLu"));
        assertEquals(Precision.F32, Precision.parse("fp32"));
    }
}
