package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Matrix;

/**
 * Examples as the network consumes them: inputs features × batch (the batch contiguous) and labels
 * 0 … classes−1.
 */
public record Batch(Matrix inputs, int[] labels) {
    public Batch {
        if (inputs.cols() != labels.length) {
            throw new IllegalArgumentException("batch of " + inputs.cols() + " inputs has " + labels.length + " labels");
        }
    }

    public int size() {
        return labels.length;
    }
}
