package org.layerbraid.mgrit.solver;

/** An MGRIT solve stopped because its residual became non-finite or kept growing. */
public final class SolveDivergedException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    private final int iteration;

    /** @param iteration the V-cycle count at which the divergence was detected */
    public SolveDivergedException(int iteration, String message) {
        super(message);
        this.iteration = iteration;
    }

    /** The V-cycle count at which the divergence was detected. */
    public int iteration() {
        return iteration;
    }
}
