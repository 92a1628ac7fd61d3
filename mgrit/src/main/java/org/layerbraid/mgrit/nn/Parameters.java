package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Matrix;

/**
 * Views of one flat parameter (or gradient) vector, block by block; see {@link ParameterLayout}. Made once
 * per vector, so hot loops take views without allocating.
 */
public final class Parameters {
    private final Matrix flat;
    private final Matrix openingWeights;
    private final Matrix openingBias;
    private final Matrix[] weights;
    private final Matrix[] biases;
    private final Matrix[] layerBlocks;
    private final Matrix classifierWeights;
    private final Matrix classifierBias;

    Parameters(Matrix flat, Matrix openingWeights, Matrix openingBias, Matrix[] weights, Matrix[] biases,
            Matrix[] layerBlocks, Matrix classifierWeights, Matrix classifierBias) {
        this.flat = flat;
        this.openingWeights = openingWeights;
        this.openingBias = openingBias;
        this.weights = weights;
        this.biases = biases;
        this.layerBlocks = layerBlocks;
        this.classifierWeights = classifierWeights;
        this.classifierBias = classifierBias;
    }

    /** The whole vector (1 × size). */
    public Matrix flat() {
        return flat;
    }

    /** W₀ (width × features), or null for a zero-padding opening. */
    public Matrix openingWeights() {
        return openingWeights;
    }

    /** b₀ (width × 1 or 1 × 1), or null for a zero-padding opening. */
    public Matrix openingBias() {
        return openingBias;
    }

    /** K_n (width × width). */
    public Matrix weights(int n) {
        return weights[n];
    }

    /** b_n (width × 1 or 1 × 1). */
    public Matrix bias(int n) {
        return biases[n];
    }

    /** Residual layer n's whole block, K_n then b_n, as one 1 × (width² + bias) vector. */
    public Matrix layer(int n) {
        return layerBlocks[n];
    }

    /** Number of residual layers. */
    public int layers() {
        return weights.length;
    }

    /** W (classes × width). */
    public Matrix classifierWeights() {
        return classifierWeights;
    }

    /** μ (classes × 1). */
    public Matrix classifierBias() {
        return classifierBias;
    }
}
