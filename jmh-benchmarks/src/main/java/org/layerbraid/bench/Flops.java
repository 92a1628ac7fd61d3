package org.layerbraid.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Floating-point operations per benchmark operation, counting a fused multiply-add as two. Only the matrix
 * products are counted (bias, activation and the residual add are a few operations per element, not per
 * element × width), so the GFLOP/s reported are comparable with the FMA peak.
 */
final class Flops {
    private Flops() {
    }

    /** One {@link FmaPeak} operation. */
    static double fmaPeak(String precision) {
        int lanes = "f32".equals(precision) ? FloatVector.SPECIES_PREFERRED.length()
                : DoubleVector.SPECIES_PREFERRED.length();
        return 2.0 * FmaPeak.STEPS * FmaPeak.CHAINS * lanes;
    }

    /** Residual step: z = K·u, K width × width, u width × batch. */
    static double residualStep(int width, int batch) {
        return 2.0 * width * width * batch;
    }

    /** Adjoint step: Kᵀ·g and g·uᵀ. */
    static double adjointStep(int width, int batch) {
        return 4.0 * width * width * batch;
    }

    /**
     * A convolutional kernel of {@link ConvStepBench}: 2·C²·k²·size² per example for each same-padding
     * convolution it runs (taps in the zero padding included, as PyTorch counts them): one for the step, the
     * adjoint, the kernel gradient and the bare convolution, two for the adjoint with the gradients.
     */
    static double conv(String method, int channels, int size, int kernel, int batch) {
        double one = 2.0 * channels * channels * kernel * kernel * size * size * batch;
        return "adjointWithGradients".equals(method) ? 2 * one : one;
    }

    /** Square GEMM of size n. */
    static double gemm(int n) {
        return 2.0 * n * n * n;
    }
}
