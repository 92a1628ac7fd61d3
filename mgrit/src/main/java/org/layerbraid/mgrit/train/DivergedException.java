package org.layerbraid.mgrit.train;

/** Training stopped because the objective or its gradient is no longer finite. */
public final class DivergedException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }
}
