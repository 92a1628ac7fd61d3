package org.layerbraid.mgrit.solver;

/**
 * Settings of an MGRIT solve.
 *
 * @param maxLevels      the most grid levels (1 = serial propagation)
 * @param minCoarse      the fewest steps a coarse level may have
 * @param cfactor0       coarsening factor from level 0 to level 1
 * @param cfactor        coarsening factor between the coarser levels
 * @param cfSweeps0      relaxation on level 0: F followed by this many CF pairs (0 = F, 1 = FCF, n = F(CF)ⁿ)
 * @param cfSweeps       the same for the coarse levels above the coarsest (which is solved exactly)
 * @param maxIterations  the most V-cycles; in fixed-iteration mode exactly this many
 * @param tolerance      stop when the residual norm is at most this (absolute); ignored in fixed mode
 * @param fixedIterations run {@code maxIterations} V-cycles and compute no residual norm (the one-shot method)
 * @param initialGuess   where the states start
 */
public record MgritOptions(int maxLevels, int minCoarse, int cfactor0, int cfactor, int cfSweeps0, int cfSweeps,
        int maxIterations, double tolerance, boolean fixedIterations, InitialGuess initialGuess) {

    /** Validates every setting; throws IllegalArgumentException naming the first bad one. */
    public MgritOptions {
        require(maxLevels >= 1, "max levels must be at least 1, got " + maxLevels);
        require(minCoarse >= 1, "min coarse must be at least 1, got " + minCoarse);
        require(cfactor0 >= 2 && cfactor >= 2, "coarsening factors must be at least 2, got " + cfactor0 + " and "
                + cfactor);
        require(cfSweeps0 >= 0 && cfSweeps >= 0, "CF sweeps must be ≥ 0, got " + cfSweeps0 + " and " + cfSweeps);
        require(maxIterations >= 1 || (maxIterations == 0 && fixedIterations),
                "max iterations must be at least 1 (0 only in fixed-iteration mode), got " + maxIterations);
        require(tolerance >= 0 && Double.isFinite(tolerance), "tolerance must be ≥ 0 and finite, got " + tolerance);
        require(initialGuess != null, "an initial guess must be given");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults: 3 levels, min coarse 2, c = 4, FCF everywhere, 30 iterations to 1e-10, zero initial guess. */
    public static Builder builder() {
        return new Builder();
    }

    /** CF pairs after the first F-relaxation on the given level. */
    public int cfSweeps(int level) {
        return level == 0 ? cfSweeps0 : cfSweeps;
    }

    /** The grid hierarchy these options give for N steps of size h. */
    public Hierarchy hierarchy(int steps, double h) {
        return new Hierarchy(steps, h, maxLevels, minCoarse, cfactor0, cfactor);
    }

    /** A builder for {@link MgritOptions}, starting from the defaults of {@link #builder()}. */
    public static final class Builder {
        private int maxLevels = 3;
        private int minCoarse = 2;
        private int cfactor0 = 4;
        private int cfactor = 4;
        private int cfSweeps0 = 1;
        private int cfSweeps = 1;
        private int maxIterations = 30;
        private double tolerance = 1e-10;
        private boolean fixedIterations;
        private InitialGuess initialGuess = InitialGuess.ZERO;

        private Builder() {
        }

        /** The most levels and the fewest steps of a coarse level. */
        public Builder levels(int max, int minCoarseSteps) {
            this.maxLevels = max;
            this.minCoarse = minCoarseSteps;
            return this;
        }

        /** The same coarsening factor on every level. */
        public Builder cfactor(int c) {
            return cfactor(c, c);
        }

        /** Coarsening factors from level 0 and between the coarser levels. */
        public Builder cfactor(int level0, int coarser) {
            this.cfactor0 = level0;
            this.cfactor = coarser;
            return this;
        }

        /** CF pairs after the first F-relaxation, on level 0 and on the coarse levels (0 = F, 1 = FCF). */
        public Builder cfSweeps(int level0, int coarser) {
            this.cfSweeps0 = level0;
            this.cfSweeps = coarser;
            return this;
        }

        /** Iterate until the residual norm is at most {@code absolute}, or for at most {@code max} V-cycles. */
        public Builder tolerance(double absolute, int max) {
            this.tolerance = absolute;
            this.maxIterations = max;
            this.fixedIterations = false;
            return this;
        }

        /** Run exactly {@code count} V-cycles without computing residual norms. */
        public Builder fixedIterations(int count) {
            this.maxIterations = count;
            this.fixedIterations = true;
            return this;
        }

        /** Where the states start. */
        public Builder initialGuess(InitialGuess guess) {
            this.initialGuess = guess;
            return this;
        }

        /** The options; throws IllegalArgumentException for bad settings. */
        public MgritOptions build() {
            return new MgritOptions(maxLevels, minCoarse, cfactor0, cfactor, cfSweeps0, cfSweeps, maxIterations,
                    tolerance, fixedIterations, initialGuess);
        }
    }
}
