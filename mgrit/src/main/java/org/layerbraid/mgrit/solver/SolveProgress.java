package org.layerbraid.mgrit.solver;

/**
 * A running solve seen from another thread (a progress display or a watchdog): the solver writes these fields as
 * it goes, with plain volatile stores, so watching allocates nothing and costs the solver next to nothing.
 */
public final class SolveProgress {
    private volatile int iteration;
    private volatile double residual = Double.NaN;
    private volatile boolean running;
    /** Told on the solving thread after each iteration; null for none. */
    private IterationListener listener;

    SolveProgress() {
    }

    void started() {
        iteration = 0;
        residual = Double.NaN;
        running = true;
    }

    void iterated(int completed, double norm) {
        residual = norm;
        iteration = completed;
        if (listener != null) {
            listener.iterated(completed, norm);
        }
    }

    void listener(IterationListener l) {
        listener = l;
    }

    void ended() {
        running = false;
    }

    /** Iterations completed by the current (or last) solve. */
    public int iteration() {
        return iteration;
    }

    /** The last residual norm measured, NaN when none was (fixed-iteration mode, or none yet). */
    public double residual() {
        return residual;
    }

    /** Whether a solve is under way. */
    public boolean running() {
        return running;
    }
}
