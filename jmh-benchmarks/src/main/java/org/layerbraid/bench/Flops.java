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

    /** Square GEMM of size n. */
    static double gemm(int n) {
        return 2.0 * n * n * n;
    }
}
