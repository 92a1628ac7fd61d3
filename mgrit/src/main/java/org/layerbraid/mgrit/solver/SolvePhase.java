package org.layerbraid.mgrit.solver;

/** The parts of an MGRIT solve that {@link SolveStatistics} times separately. */
public enum SolvePhase {
    /** F- and CF-relaxation on the finest level. */
    RELAXATION,
    /** Restriction from the finest level, with the residual norm when measured. */
    RESTRICTION,
    /** Everything on the coarser levels: their relaxations, restrictions, corrections and the coarsest solve. */
    COARSE_SOLVE,
    /** Injection of the coarse solution at the finest level's C-points. */
    CORRECTION,
    /** The closing F-relaxation that runs every step once from the final states (and the gradient, adjoint). */
    FINAL_PASS
}
