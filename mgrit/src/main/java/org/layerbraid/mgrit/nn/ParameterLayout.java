package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Matrix;

/**
 * Where each parameter block sits in the flat parameter vector, layer-major: the opening layer's W₀ and b₀
 * (learned openings only), then per residual layer n its K_n (width × width, row-major) followed by b_n, then
 * the classifier's W and μ. A convolutional layer's K_n is width × (width · k²), a row per output channel;
 * the classifier reads the whole state. One residual layer is one contiguous block, so the smoothness term and the
 * MGRIT engine can address a layer as a whole; the optimiser sees one vector and copies nothing.
 */
public final class ParameterLayout {
    private final NetworkConfig config;
    private final long openingWeights;
    private final long openingBias;
    private final long firstLayer;
    private final long layerSize;
    private final long classifierWeights;
    private final long classifierBias;
    private final long size;

    public ParameterLayout(NetworkConfig config) {
        this.config = config;
        long at = 0;
        openingWeights = at;
        if (config.opening().learned()) {
            at += (long) config.openingOutputs() * config.openingInputs();
            openingBias = at;
            at += config.biasSize();
        } else {
            openingBias = at;
        }
        firstLayer = at;
        layerSize = (long) config.width() * config.layerInputs() + config.biasSize();
        at += layerSize * config.layers();
        classifierWeights = at;
        at += (long) config.classes() * config.stateSize();
        classifierBias = at;
        at += config.classes();
        size = at;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the network has " + size + " parameters, more than "
                    + Integer.MAX_VALUE + " are not supported");
        }
    }

    public NetworkConfig config() {
        return config;
    }

    /** Total number of parameters. */
    public int size() {
        return (int) size;
    }

    /** Offset of residual layer n's block (K_n then b_n). */
    public long layerOffset(int n) {
        return firstLayer + layerSize * n;
    }

    /** Elements in one residual layer's block. */
    public int layerSize() {
        return (int) layerSize;
    }

    /** Views of the blocks of a flat vector laid out like this (parameters or a gradient). */
    public Parameters views(Matrix flat) {
        if (flat.rows() != 1 || flat.cols() != size) {
            throw new IllegalArgumentException("a parameter vector of this network is 1×" + size + ", got "
                    + flat.shape());
        }
        NetworkConfig c = config;
        int w = c.width();
        int k = c.layerInputs();
        boolean learned = c.opening().learned();
        Matrix[] weights = new Matrix[c.layers()];
        Matrix[] b = new Matrix[c.layers()];
        Matrix[] blocks = new Matrix[c.layers()];
        for (int n = 0; n < c.layers(); n++) {
            blocks[n] = flat.block(layerOffset(n), 1, layerSize());
            weights[n] = flat.block(layerOffset(n), w, k);
            b[n] = flat.block(layerOffset(n) + (long) w * k, c.biasSize(), 1);
        }
        return new Parameters(flat,
                learned ? flat.block(openingWeights, c.openingOutputs(), c.openingInputs()) : null,
                learned ? flat.block(openingBias, c.biasSize(), 1) : null,
                weights, b, blocks,
                flat.block(classifierWeights, c.classes(), c.stateSize()),
                flat.block(classifierBias, c.classes(), 1));
    }
}
