package org.layerbraid.vecmath;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Owner of off-heap tensor memory. Everything allocated here lives until {@link #close()}; a model or a
 * solve owns one arena and closes it when done. The memory is shared: any thread may read and write it
 * (worker threads use it, they never own it). Closing costs a handshake with every thread, so allocate
 * once per model or solve, not per step.
 */
public final class TensorArena implements AutoCloseable {
    /** Every matrix starts on a 64-byte boundary (a cache line), and so does each of its rows when padded. */
    public static final int ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();
    private final String name;
    private long bytesAllocated;

    /** @param name what owns this memory, used in error messages (e.g. "model", "forward solve"). */
    public TensorArena(String name) {
        this.name = name;
    }

    /**
     * A zero-filled {@code rows × cols} matrix whose rows are padded to a multiple of 64 bytes, so every
     * row starts aligned. This is the layout for network states (channels × batch, batch contiguous).
     */
    public Matrix matrix(Precision precision, int rows, int cols) {
        checkShape(rows, cols);
        int perLine = ALIGNMENT / precision.bytes();
        int ld = (int) Math.min(Integer.MAX_VALUE, ((long) cols + perLine - 1) / perLine * perLine);
        return allocate(precision, rows, cols, ld);
    }

    /** A zero-filled {@code rows × cols} matrix stored without padding (leading dimension = cols). */
    public Matrix packed(Precision precision, int rows, int cols) {
        checkShape(rows, cols);
        return allocate(precision, rows, cols, cols);
    }

    /** A zero-filled vector of n elements, as a {@code 1 × n} matrix. */
    public Matrix vector(Precision precision, int n) {
        return packed(precision, 1, n);
    }

    /** A copy of {@code source} in this arena, with this arena's padded layout. */
    public Matrix copyOf(Matrix source) {
        Matrix m = matrix(source.precision(), source.rows(), source.cols());
        m.copyFrom(source);
        return m;
    }

    /** Bytes allocated so far. */
    public long bytesAllocated() {
        return bytesAllocated;
    }

    /** Whether the memory is still usable. */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /** What owns this memory, as given at construction. */
    public String name() {
        return name;
    }

    /** Frees all memory of this arena; later use of its matrices fails with {@link IllegalStateException}. */
    @Override
    public void close() {
        if (isOpen()) {
            arena.close();
        }
    }

    private synchronized Matrix allocate(Precision precision, int rows, int cols, int ld) {
        if (!isOpen()) {
            throw new IllegalStateException("tensor arena '" + name + "' is closed: cannot allocate "
                    + precision.label() + "[" + rows + "×" + cols + "]");
        }
        long bytes = ((long) (rows - 1) * ld + cols) * precision.bytes();
        MemorySegment segment = arena.allocate(bytes, ALIGNMENT);
        bytesAllocated += bytes;
        return new Matrix(segment, precision, rows, cols, ld, this);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape must be at least 1×1, got " + rows + "×" + cols);
        }
    }
}
