package org.layerbraid.vecmath;

/** The float64 convolutions, vectorised over the batch columns (for now the scalar reference). */
final class PanamaConvKernelsF64 implements ConvKernelsF64 {
    static final PanamaConvKernelsF64 INSTANCE = new PanamaConvKernelsF64();
    private static final ScalarConvKernelsF64 SCALAR = ScalarConvKernelsF64.INSTANCE;

    private PanamaConvKernelsF64() {
    }

    @Override
    public void convolve(ConvShape s, Matrix kernel, Matrix bias, Matrix x, Matrix y, int c0, int c1) {
        SCALAR.convolve(s, kernel, bias, x, y, c0, c1);
    }

    @Override
    public void residualStep(ConvShape s, Matrix kernel, Matrix bias, double h, Activation act, Matrix u,
            Matrix next, Matrix z, int c0, int c1) {
        SCALAR.residualStep(s, kernel, bias, h, act, u, next, z, c0, c1);
    }

    @Override
    public void transpose(ConvShape s, Matrix kernel, Matrix y, Matrix add, Matrix x, int c0, int c1) {
        SCALAR.transpose(s, kernel, y, add, x, c0, c1);
    }

    @Override
    public void adjointStep(ConvShape s, Matrix kernel, Matrix z, Matrix u, double h, Activation act, Matrix lambda,
            Matrix lambdaPrev, Matrix g, Matrix dk, Matrix db, int c0, int c1) {
        SCALAR.adjointStep(s, kernel, z, u, h, act, lambda, lambdaPrev, g, dk, db, c0, c1);
    }

    @Override
    public void weightGradient(ConvShape s, Matrix g, Matrix u, Matrix dk, int c0, int c1) {
        SCALAR.weightGradient(s, g, u, dk, c0, c1);
    }

    @Override
    public void biasGradient(ConvShape s, Matrix g, Matrix db, int c0, int c1) {
        SCALAR.biasGradient(s, g, db, c0, c1);
    }
}
