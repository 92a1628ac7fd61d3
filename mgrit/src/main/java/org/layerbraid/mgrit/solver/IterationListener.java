package org.layerbraid.mgrit.solver;

/**
 * Told after every MGRIT iteration, on the solving thread, before the next one starts: for logging or a live plot.
 * Keep it short (it delays the solve) and allocation-free if the solve must stay so.
 */
@FunctionalInterface
public interface IterationListener {
    /**
     * @param iteration iterations completed so far in this solve
     * @param residual  the residual norm measured in this iteration, NaN when none is (fixed iterations without
     *                  measuring)
     */
    void iterated(int iteration, double residual);
}
