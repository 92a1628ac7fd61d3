package org.layerbraid.tools.model;

/**
 * Measured unit costs for one width (and batch size near the one asked about), in seconds.
 *
 * @param step       one forward layer step per example, z stored (t_step)
 * @param adjoint    one adjoint layer step per example on the stored z (t_adj)
 * @param gradient   the extra cost of accumulating the parameter gradient in an adjoint step, per example (t_grad)
 * @param vector     one pass of a vector operation over a state, per example (t_vec)
 * @param contention how much slower the steps are when every core of the machine streams at once (≥ 1 in
 *                   practice): the share of the memory bandwidth threads of one process lose to each other
 * @param region1    one parallel region of a one-worker pool (a plain call)
 * @param region     one parallel region of a pool with more workers (s, the synchronisation cost)
 * @param source     where the numbers come from, for the printed report
 */
public record UnitCosts(double step, double adjoint, double gradient, double vector, double contention,
        double region1, double region, String source) {
    public UnitCosts {
        for (double v : new double[] {step, adjoint, gradient, vector, contention, region1, region}) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("unit costs must be finite and ≥ 0 (" + source + ")");
            }
        }
    }

    /** The cost of one region on {@code workers} workers. */
    double region(int workers) {
        return workers == 1 ? region1 : region;
    }
}
