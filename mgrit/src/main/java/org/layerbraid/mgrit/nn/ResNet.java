package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * A residual network's parameters: one flat off-heap vector in the layout of {@link ParameterLayout},
 * owned by this object (close it to free the memory).
 */
public final class ResNet implements AutoCloseable {
    private final NetworkConfig config;
    private final ParameterLayout layout;
    private final TensorArena arena;
    private final Parameters parameters;

    /** A network with all parameters zero. */
    public ResNet(NetworkConfig config) {
        this.config = config;
        this.layout = new ParameterLayout(config);
        this.arena = new TensorArena("model");
        this.parameters = layout.views(arena.vector(config.precision(), layout.size()));
    }

    public NetworkConfig config() {
        return config;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** The flat parameter vector (1 × size). */
    public Matrix flat() {
        return parameters.flat();
    }

    /** A zero vector shaped like the parameters, for gradients and optimiser state, owned by {@code owner}. */
    public Parameters newVector(TensorArena owner) {
        return layout.views(owner.vector(config.precision(), layout.size()));
    }

    @Override
    public void close() {
        arena.close();
    }
}
