package org.layerbraid.mgrit.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one MGRIT solve did.
 *
 * @param iterations     iterations (cycles) run (0 when the initial guess already met the tolerance; 1 for a single
 *                       level, whose one serial sweep is the solve)
 * @param residualNorms  the residual norm before each convergence test: entry k after k cycles and one more
 *                       relaxation; empty in fixed-iteration mode (unless it measures) and for a single level
 * @param converged      whether the tolerance was met (always true for one level: serial propagation is exact;
 *                       false in fixed-iteration mode, which does not measure)
 * @param pointsPerLevel N_l + 1 per level, finest first
 * @param phaseNanos     wall time per {@link SolvePhase}, in nanoseconds, indexed by ordinal
 */
public record SolveStatistics(int iterations, double[] residualNorms, boolean converged, int[] pointsPerLevel,
        long[] phaseNanos) {
    /** Copies the arrays, so the record is a value. */
    public SolveStatistics {
        residualNorms = residualNorms.clone();
        pointsPerLevel = pointsPerLevel.clone();
        phaseNanos = phaseNanos.clone();
        if (phaseNanos.length != SolvePhase.values().length) {
            throw new IllegalArgumentException("one time per solve phase expected, got " + phaseNanos.length);
        }
    }

    /** The residual norms (a copy). */
    @Override
    public double[] residualNorms() {
        return residualNorms.clone();
    }

    /** Points per level (a copy). */
    @Override
    public int[] pointsPerLevel() {
        return pointsPerLevel.clone();
    }

    /** Nanoseconds per phase (a copy). */
    @Override
    public long[] phaseNanos() {
        return phaseNanos.clone();
    }

    /** Seconds spent in one phase. */
    public double seconds(SolvePhase phase) {
        return phaseNanos[phase.ordinal()] * 1e-9;
    }

    /** The number of levels. */
    public int levels() {
        return pointsPerLevel.length;
    }

    /** The last residual norm measured, NaN if none was. */
    public double finalResidual() {
        return residualNorms.length == 0 ? Double.NaN : residualNorms[residualNorms.length - 1];
    }

    /**
     * The convergence factor of each iteration, ‖r_k‖ / ‖r_{k−1}‖ for k = 1..: one entry fewer than the norms
     * (NaN where the previous norm was zero).
     */
    public double[] convergenceFactors() {
        double[] f = new double[Math.max(0, residualNorms.length - 1)];
        for (int k = 0; k < f.length; k++) {
            f[k] = residualNorms[k] == 0 ? Double.NaN : residualNorms[k + 1] / residualNorms[k];
        }
        return f;
    }

    /** Equal results: the phase times are measurements of how long it took, not part of what was computed. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SolveStatistics s && iterations == s.iterations && converged == s.converged
                && Arrays.equals(residualNorms, s.residualNorms) && Arrays.equals(pointsPerLevel, s.pointsPerLevel);
    }

    @Override
    public int hashCode() {
        return Objects.hash(iterations, converged, Arrays.hashCode(residualNorms), Arrays.hashCode(pointsPerLevel));
    }

    @Override
    public String toString() {
        return "SolveStatistics[iterations=" + iterations + ", residualNorms=" + Arrays.toString(residualNorms)
                + ", converged=" + converged + ", pointsPerLevel=" + Arrays.toString(pointsPerLevel)
                + ", phaseNanos=" + Arrays.toString(phaseNanos) + "]";
    }
}
