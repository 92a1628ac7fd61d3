package org.layerbraid.vecmath;

import java.lang.foreign.MemorySegment;

/**
 * The float64 kernel set, implemented once as a plain scalar reference ({@link ScalarKernelsF64}) and once
 * hand-vectorised ({@link PanamaKernelsF64}). The float32 set ({@code KernelsF32}) is generated from this
 * source at build time. Contracts are documented on {@link Kernels}, which validates every argument before
 * calling in here; implementations assume valid, non-overlapping operands. Column ranges are
 * {@code [c0, c1)} of the batch dimension.
 */
interface KernelsF64 {
    void residualStep(Matrix k, Matrix bias, double h, Activation act, Matrix u, Matrix next, Matrix z, int c0, int c1);

    void activate(Activation act, Matrix x, Matrix y, int c0, int c1);

    void activationDerivative(Activation act, Matrix x, Matrix y, int c0, int c1);

    void activationBackward(Activation act, double h, Matrix z, Matrix lambda, Matrix g, int c0, int c1);

    void adjointStep(Matrix k, Matrix z, Matrix u, double h, Activation act, Matrix lambda, Matrix lambdaPrev,
            Matrix g, Matrix dk, Matrix db, int c0, int c1);

    void weightGradient(Matrix g, Matrix u, Matrix dk, int c0, int c1);

    void rowSums(Matrix x, Matrix sums, int c0, int c1);

    void addBias(Matrix bias, Matrix x, int c0, int c1);

    void gemm(boolean transA, boolean transB, double alpha, Matrix a, Matrix b, double beta, Matrix c);

    double softmaxCrossEntropy(Matrix logits, int[] labels, int labelOffset, double gradScale, Matrix grad, int c0, int c1);

    void argmax(Matrix x, int[] out, int outOffset, int c0, int c1);

    // One-dimensional operations on n consecutive elements starting at element index i of a segment.

    void copy(MemorySegment x, long xi, MemorySegment y, long yi, int n);

    void axpby(double a, MemorySegment x, long xi, double b, MemorySegment y, long yi, int n);

    void scale(double a, MemorySegment x, long xi, int n);

    void fill(double v, MemorySegment x, long xi, int n);

    double dot(MemorySegment x, long xi, MemorySegment y, long yi, int n);

    double sumSquares(MemorySegment x, long xi, int n);

    double maxAbs(MemorySegment x, long xi, int n);
}
