package org.layerbraid.vecmath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A dense row-major matrix of float32 or float64 in off-heap memory owned by a {@link TensorArena}.
 * Element (r, c) sits at index {@code r·ld + c}; {@code ld ≥ cols} is the leading dimension. Network
 * states are channels × batch, so a row holds one channel for all examples and SIMD lanes run across
 * examples. Views ({@link #columns}, {@link #rowRange}, {@link #block}) share memory and copy nothing.
 * <p>
 * The element accessors {@link #get} and {@link #set} are checked and slow: for tests, I/O and set-up;
 * the {@link Kernels} do the arithmetic.
 */
public final class Matrix {
    private final MemorySegment segment;
    private final Precision precision;
    private final int rows;
    private final int cols;
    private final int ld;
    private final TensorArena owner;

    Matrix(MemorySegment segment, Precision precision, int rows, int cols, int ld, TensorArena owner) {
        this.segment = segment;
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
        this.owner = owner;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Leading dimension: elements from the start of one row to the start of the next. */
    public int ld() {
        return ld;
    }

    public Precision precision() {
        return precision;
    }

    /** Number of elements, rows × cols. */
    public long size() {
        return (long) rows * cols;
    }

    /** The memory, starting at element (0, 0); for kernels and bulk I/O. */
    public MemorySegment segment() {
        return segment;
    }

    /** Whether the elements are stored without gaps (one row, or no row padding). */
    public boolean isContiguous() {
        return rows == 1 || ld == cols;
    }

    /** Shape for messages, e.g. {@code f64[8×256]}. */
    public String shape() {
        return precision.label() + "[" + rows + "×" + cols + "]";
    }

    @Override
    public String toString() {
        return shape();
    }

    /** Throws {@link IllegalStateException} if the owning arena has been closed. */
    public void checkAlive() {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("matrix " + shape() + " belongs to tensor arena '" + owner.name()
                    + "', which is closed");
        }
    }

    /** A view of columns {@code [from, to)} (e.g. a slice of the batch). */
    public Matrix columns(int from, int to) {
        if (from < 0 || to > cols || from >= to) {
            throw new IllegalArgumentException("column range [" + from + ", " + to + ") is outside " + shape()
                    + " or empty");
        }
        return view((long) from, rows, to - from, ld);
    }

    /** A view of rows {@code [from, to)}. */
    public Matrix rowRange(int from, int to) {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("row range [" + from + ", " + to + ") is outside " + shape()
                    + " or empty");
        }
        return view((long) from * ld, to - from, cols, ld);
    }

    /**
     * A packed {@code rows × cols} view starting {@code offset} elements into this contiguous matrix, e.g. one
     * layer's weights inside a model's flat parameter vector.
     */
    public Matrix block(long offset, int blockRows, int blockCols) {
        if (!isContiguous()) {
            throw new IllegalArgumentException("block view needs a contiguous matrix, " + shape()
                    + " has row padding (ld " + ld + ")");
        }
        if (blockRows < 1 || blockCols < 1 || offset < 0 || offset + (long) blockRows * blockCols > size()) {
            throw new IllegalArgumentException("block " + blockRows + "×" + blockCols + " at offset " + offset
                    + " does not fit in " + shape());
        }
        return view(offset, blockRows, blockCols, blockCols);
    }

    private Matrix view(long elementOffset, int viewRows, int viewCols, int viewLd) {
        checkAlive();
        long bytes = ((long) (viewRows - 1) * viewLd + viewCols) * precision.bytes();
        MemorySegment s = segment.asSlice(elementOffset * precision.bytes(), bytes);
        return new Matrix(s, precision, viewRows, viewCols, viewLd, owner);
    }

    /** Whether this matrix and {@code other} share any byte of memory. */
    public boolean overlaps(Matrix other) {
        long a0 = segment.address();
        long a1 = a0 + segment.byteSize();
        long b0 = other.segment.address();
        long b1 = b0 + other.segment.byteSize();
        return a0 < b1 && b0 < a1;
    }

    /** Element (r, c), widened to double. */
    public double get(int r, int c) {
        long i = index(r, c);
        return precision == Precision.F64
                ? segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i)
                : segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    /** Sets element (r, c); a float32 matrix rounds the value to float. */
    public void set(int r, int c, double value) {
        long i = index(r, c);
        if (precision == Precision.F64) {
            segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
        } else {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) value);
        }
    }

    /** Copies a row-major array of rows × cols values in (rounded to float for f32). */
    public void copyFrom(double[] rowMajor) {
        if (rowMajor.length != size()) {
            throw new IllegalArgumentException("array of " + rowMajor.length + " values does not fill " + shape());
        }
        checkAlive();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                set(r, c, rowMajor[r * cols + c]);
            }
        }
    }

    /** Copies another matrix of the same shape and precision in. */
    public void copyFrom(Matrix source) {
        if (source.rows != rows || source.cols != cols || source.precision != precision) {
            throw new IllegalArgumentException("cannot copy " + source.shape() + " into " + shape());
        }
        checkAlive();
        source.checkAlive();
        long rowBytes = (long) cols * precision.bytes();
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(source.segment, (long) r * source.ld * precision.bytes(), segment,
                    (long) r * ld * precision.bytes(), rowBytes);
        }
    }

    /** The elements as a row-major double array (widened for f32). */
    public double[] toArray() {
        checkAlive();
        double[] out = new double[Math.toIntExact(size())];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = get(r, c);
            }
        }
        return out;
    }

    private long index(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("element (" + r + ", " + c + ") is outside " + shape());
        }
        checkAlive();
        return (long) r * ld + c;
    }
}
