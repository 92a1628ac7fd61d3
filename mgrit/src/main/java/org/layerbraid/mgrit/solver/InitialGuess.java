package org.layerbraid.mgrit.solver;

/** Where an MGRIT solve starts: the states u_1..u_N before the first iteration. */
public enum InitialGuess {
    /** All states zero: the cheapest start, far from the solution. */
    ZERO,
    /**
     * Serial propagation from u_0: already the exact solution (one serial sweep's cost); for checks and for
     * comparing iteration counts, not for speed.
     */
    SEQUENTIAL,
    /**
     * The states the previous solve of the same solver left (warm restart between optimisation steps); the
     * first solve of a solver starts from zero.
     */
    WARM
}
