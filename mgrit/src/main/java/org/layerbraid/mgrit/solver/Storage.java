package org.layerbraid.mgrit.solver;

/**
 * Which states of the fine level a solve keeps in memory (XBraid's {@code storage} option: all points, or the
 * C-points only).
 */
public enum Storage {
    /** Every fine state, and for a forward solve every step's side product (the adjoint reads them). */
    ALL,
    /**
     * Only every c_0-th fine state (the C-points, also with one level) and the last one: an F-point state, or a
     * side product, is recomputed from its interval's C-point with the same propagator calls when it is read, so
     * results keep their bits at about a c-th of the state memory, for the price of the recomputation.
     */
    C_POINTS
}
