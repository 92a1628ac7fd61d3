package org.layerbraid.mgrit.exec;

/**
 * The body of a parallel region: {@link WorkerPool#run} calls it once for every worker index in
 * [0, workers), each on its own thread. Build it once and reuse it, so a region allocates nothing.
 */
@FunctionalInterface
public interface Region {
    /** Does worker {@code worker}'s share of the work; {@code workers} is the pool size P. */
    void run(int worker, int workers);
}
