package org.layerbraid.vecmath;

/**
 * The float64 convolution kernels, implemented once as a plain scalar reference ({@link ScalarConvKernelsF64})
 * and once hand-vectorised ({@link PanamaConvKernelsF64}); the float32 set is generated from this source as
 * for {@link KernelsF64}. Contracts are documented on {@link Kernels}, which validates every argument first;
 * the layout is described on {@link ConvShape}. Column ranges are {@code [c0, c1)} of the batch dimension.
 */
interface ConvKernelsF64 {
    /** {@code y = conv(kernel, x) + bias}: x is inRows × batch, y outRows × batch, bias outChannels × 1 or null. */
    void convolve(ConvShape s, Matrix kernel, Matrix bias, Matrix x, Matrix y, int c0, int c1);

    /** {@code z = conv(kernel, u) + bias}, {@code next = u + h·σ(z)}; next or z may be null. */
    void residualStep(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u, Matrix next,
            Matrix z, int c0, int c1);

    /** {@code x = add + convᵀ(kernel, y)} (add may be null): y is outRows × batch, x and add inRows × batch. */
    void transpose(ConvShape s, Matrix kernel, Matrix y, Matrix add, Matrix x, int c0, int c1);

    /** {@code g = h·σ'(z) ⊙ λ}, {@code λPrev = λ + convᵀ(kernel, g)}, then dk and db as the two methods below. */
    void adjointStep(ConvShape s, Matrix kernel, Matrix z, Matrix u, double h, Activation act, Matrix lambda,
            Matrix lambdaPrev, Matrix g, Matrix dk, Matrix db, int c0, int c1);

    /** {@code dk[co][(ci·k + dy)·k + dx] += Σ_{columns, y, x} g[co, y, x] · u[ci, y + dy − p, x + dx − p]}. */
    void weightGradient(ConvShape s, Matrix g, Matrix u, Matrix dk, int c0, int c1);

    /** {@code db[co] += Σ_{columns, y, x} g[co, y, x]}. */
    void biasGradient(ConvShape s, Matrix g, Matrix db, int c0, int c1);
}
