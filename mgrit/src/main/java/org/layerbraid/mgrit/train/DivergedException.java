package org.layerbraid.mgrit.train;

/** Training stopped because the objective or its gradient is no longer finite. */
public final class DivergedException extends RuntimeException {
    public DivergedException(String message) {
        super(message);
    }
}
