package org.layerbraid.vecmath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Layout, alignment and views of off-heap matrices. */
class TensorTest {
    @Test
    void rowsArePaddedAndAligned() {
        try (TensorArena arena = new TensorArena("test")) {
            for (Precision p : Precision.values()) {
                for (int cols : new int[] {1, 7, 8, 16, 17, 1001}) {
                    Matrix m = arena.matrix(p, 3, cols);
                    assertEquals(0, m.segment().address() % TensorArena.ALIGNMENT);
                    assertEquals(0, ((long) m.ld() * p.bytes()) % TensorArena.ALIGNMENT, "every row starts aligned");
                    assertTrue(m.ld() >= cols);
                    assertEquals(0.0, m.get(2, cols - 1), "zero-filled");
                }
                Matrix packed = arena.packed(p, 3, 7);
                assertEquals(7, packed.ld());
                assertTrue(packed.isContiguous());
            }
            assertEquals(ByteOrder.nativeOrder(), ByteOrder.LITTLE_ENDIAN, "the kernels use native order");
        }
    }

    @Test
    void viewsShareMemoryWithoutCopying() {
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = arena.matrix(Precision.F64, 4, 10);
            Matrix cols = m.columns(3, 7);
            Matrix rows = m.rowRange(1, 3);
            cols.set(2, 1, 5.5);
            assertEquals(5.5, m.get(2, 4));
            assertEquals(5.5, rows.get(1, 4));
            assertEquals(m.ld(), cols.ld());
            assertEquals("f64[4×4]", cols.shape());
            Matrix flat = arena.vector(Precision.F32, 12);
            Matrix layer = flat.block(4, 2, 3);
            layer.set(1, 2, 3);
            assertEquals(3, flat.get(0, 4 + 5));
            assertTrue(layer.overlaps(flat));
            assertFalse(flat.block(0, 1, 4).overlaps(layer));
        }
    }

    @Test
    void copiesRoundTrip() {
        try (TensorArena arena = new TensorArena("test")) {
            Matrix m = arena.matrix(Precision.F32, 2, 3);
            double[] values = {1, 2, 3, 4, 5, 0.1};
            m.copyFrom(values);
            double[] back = m.toArray();
            assertEquals((float) 0.1, back[5]);
            Matrix copy = arena.copyOf(m);
            assertArrayEquals(back, copy.toArray());
        }
    }

    @Test
    void otherThreadsMayUseTheMemory() throws Exception {
        try (TensorArena arena = new TensorArena("test"); ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Matrix m = arena.matrix(Precision.F64, 2, 100);
            Future<?> f = pool.submit(() -> Kernels.defaults().fill(m, 2));
            f.get();
            assertEquals(20, Kernels.defaults().normMax(m) * 10);
            MemorySegment s = m.segment();
            assertTrue(s.isNative());
        }
    }
}
