package org.layerbraid.mgrit.solver;

import java.util.Arrays;

/**
 * Settings of an MGRIT solve, validated when built. Per-level settings are arrays indexed by level whose last
 * entry also holds for every deeper level, so {@code cfactor(4)} means c = 4 everywhere and {@code cfSweeps(0, 1)}
 * means F-relaxation on level 0 and FCF on all coarser levels (the reference setting).
 */
public final class MgritOptions {
    /** The multigrid cycle an iteration runs. */
    public enum Cycle {
        /** Relax, restrict, solve the coarse level with one V-cycle, correct. */
        V,
        /** Per level a coarse F-cycle, then a second correction from a V-cycle: more coarse work, fewer iterations. */
        F
    }

    private final int maxLevels;
    private final int minCoarse;
    private final int[] cfactors;
    private final int[] cfSweeps;
    private final double[] cWeights;
    private final Cycle cycle;
    private final boolean skipFirstDown;
    private final int maxIterations;
    private final double tolerance;
    private final double relativeTolerance;
    private final boolean fixedIterations;
    private final boolean measureFixed;
    private final InitialGuess initialGuess;
    private final int batchTile;
    private final Storage storage;

    private MgritOptions(Builder b) {
        require(b.maxLevels >= 1, "max levels must be at least 1, got " + b.maxLevels);
        require(b.minCoarse >= 1, "min coarse must be at least 1, got " + b.minCoarse);
        require(b.cfactors.length >= 1, "at least one coarsening factor must be given");
        for (int c : b.cfactors) {
            require(c >= 2, "coarsening factors must be at least 2, got " + c);
        }
        require(b.cfSweeps.length >= 1, "at least one relaxation setting must be given");
        for (int s : b.cfSweeps) {
            require(s >= 0, "CF sweeps must be ≥ 0 (0 = F, 1 = FCF), got " + s);
        }
        require(b.cWeights.length >= 1, "at least one C-relaxation weight must be given");
        for (double w : b.cWeights) {
            require(w > 0 && w < 2, "C-relaxation weights must lie in (0, 2), got " + w);
        }
        require(b.cycle != null, "a cycle (V or F) must be given");
        require(b.maxIterations >= 1 || (b.maxIterations == 0 && b.fixedIterations),
                "max iterations must be at least 1 (0 only in fixed-iteration mode), got " + b.maxIterations);
        require(b.tolerance > 0 && Double.isFinite(b.tolerance),
                "the absolute tolerance must be positive and finite, got " + b.tolerance);
        require(b.relativeTolerance >= 0 && b.relativeTolerance < 1,
                "the relative tolerance must be in [0, 1) (0 = off), got " + b.relativeTolerance);
        require(b.initialGuess != null, "an initial guess must be given");
        require(b.batchTile >= 0, "the batch tile must be ≥ 0 columns (0 = automatic), got " + b.batchTile);
        require(b.storage != null, "a storage (ALL or C_POINTS) must be given");
        // The skipped first relaxation would have the restriction read F-points a C-point store does not hold.
        require(!(b.skipFirstDown && b.storage == Storage.C_POINTS),
                "skip-first-down reads stored F-points: it cannot be combined with C-point storage");
        this.maxLevels = b.maxLevels;
        this.minCoarse = b.minCoarse;
        this.cfactors = b.cfactors.clone();
        this.cfSweeps = b.cfSweeps.clone();
        this.cWeights = b.cWeights.clone();
        this.cycle = b.cycle;
        this.skipFirstDown = b.skipFirstDown;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.relativeTolerance = b.relativeTolerance;
        this.fixedIterations = b.fixedIterations;
        this.measureFixed = b.measureFixed;
        this.initialGuess = b.initialGuess;
        this.batchTile = b.batchTile;
        this.storage = b.storage;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Defaults: 3 levels, min coarse 2, c = 4, FCF everywhere with unit C weight, V-cycles, no skip, at most 30
     * iterations to an absolute tolerance of 1e-10, zero initial guess, automatic batch tile.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxLevels = maxLevels;
        b.minCoarse = minCoarse;
        b.cfactors = cfactors.clone();
        b.cfSweeps = cfSweeps.clone();
        b.cWeights = cWeights.clone();
        b.cycle = cycle;
        b.skipFirstDown = skipFirstDown;
        b.maxIterations = maxIterations;
        b.tolerance = tolerance;
        b.relativeTolerance = relativeTolerance;
        b.fixedIterations = fixedIterations;
        b.measureFixed = measureFixed;
        b.initialGuess = initialGuess;
        b.batchTile = batchTile;
        b.storage = storage;
        return b;
    }

    private static int at(int[] perLevel, int level) {
        return perLevel[Math.min(level, perLevel.length - 1)];
    }

    /** The most grid levels (1 = serial propagation). */
    public int maxLevels() {
        return maxLevels;
    }

    /** The fewest steps a coarse level may have. */
    public int minCoarse() {
        return minCoarse;
    }

    /** The coarsening factor from level l to level l + 1. */
    public int cfactor(int level) {
        return at(cfactors, level);
    }

    /** CF pairs after the first F-relaxation on level l (0 = F, 1 = FCF, n = F(CF)ⁿ). */
    public int cfSweeps(int level) {
        return at(cfSweeps, level);
    }

    /** The C-relaxation weight ω on level l: {@code u_C ← ω·(Φ(u_{C−1}) + g) + (1 − ω)·u_C}. */
    public double cWeight(int level) {
        return cWeights[Math.min(level, cWeights.length - 1)];
    }

    /** V- or F-cycles. */
    public Cycle cycle() {
        return cycle;
    }

    /** Whether the first iteration skips relaxation on the way down (useful from a zero or poor start). */
    public boolean skipFirstDown() {
        return skipFirstDown;
    }

    /** The most iterations; in fixed-iteration mode exactly this many. */
    public int maxIterations() {
        return maxIterations;
    }

    /** Stop when the residual norm is at most this. */
    public double tolerance() {
        return tolerance;
    }

    /** Stop also when the residual norm is at most this times the first one (0 = off). */
    public double relativeTolerance() {
        return relativeTolerance;
    }

    /** Run {@link #maxIterations} iterations and compute no residual norm (the one-shot method). */
    public boolean fixedIterations() {
        return fixedIterations;
    }

    /** Whether fixed-iteration mode still measures the residual norm of each iteration (for the log; no stopping). */
    public boolean measuresFixedIterations() {
        return fixedIterations && measureFixed;
    }

    /** Where the states start. */
    public InitialGuess initialGuess() {
        return initialGuess;
    }

    /** Columns per batch tile inside a relaxation, 0 = chosen from the state size. */
    public int batchTile() {
        return batchTile;
    }

    /** Which fine states a solve keeps. */
    public Storage storage() {
        return storage;
    }

    /** The grid hierarchy these options give for N steps of size h. */
    public Hierarchy hierarchy(int steps, double h) {
        int[] c = new int[Math.max(maxLevels - 1, 1)];
        for (int l = 0; l < c.length; l++) {
            c[l] = cfactor(l);
        }
        return new Hierarchy(steps, h, maxLevels, minCoarse, c);
    }

    @Override
    public String toString() {
        return "MgritOptions[levels ≤ " + maxLevels + ", min coarse " + minCoarse + ", cfactor "
                + Arrays.toString(cfactors) + ", CF sweeps " + Arrays.toString(cfSweeps) + ", C weight "
                + Arrays.toString(cWeights) + ", " + cycle + "-cycle" + (skipFirstDown ? ", skip first down" : "")
                + (fixedIterations ? ", fixed " + maxIterations + " iterations" + (measureFixed ? " (measured)" : "")
                        : ", ≤ " + maxIterations + " iterations to " + tolerance
                        + (relativeTolerance > 0 ? " or " + relativeTolerance + " relative" : ""))
                + ", initial guess " + initialGuess + ", batch tile " + (batchTile == 0 ? "auto" : batchTile)
                + (storage == Storage.ALL ? "" : ", " + storage + " storage") + "]";
    }

    /** A builder for {@link MgritOptions}, starting from the defaults of {@link #builder()}. */
    public static final class Builder {
        private int maxLevels = 3;
        private int minCoarse = 2;
        private int[] cfactors = {4};
        private int[] cfSweeps = {1};
        private double[] cWeights = {1.0};
        private Cycle cycle = Cycle.V;
        private boolean skipFirstDown;
        private int maxIterations = 30;
        private double tolerance = 1e-10;
        private double relativeTolerance;
        private boolean fixedIterations;
        private boolean measureFixed;
        private InitialGuess initialGuess = InitialGuess.ZERO;
        private int batchTile;
        private Storage storage = Storage.ALL;

        private Builder() {
        }

        /** The most levels and the fewest steps of a coarse level. */
        public Builder levels(int max, int minCoarseSteps) {
            this.maxLevels = max;
            this.minCoarse = minCoarseSteps;
            return this;
        }

        /** Coarsening factors from level 0, 1, …; the last one holds for all deeper levels. */
        public Builder cfactor(int... perLevel) {
            this.cfactors = perLevel.clone();
            return this;
        }

        /** CF pairs after the first F-relaxation per level (0 = F, 1 = FCF); the last holds deeper down. */
        public Builder cfSweeps(int... perLevel) {
            this.cfSweeps = perLevel.clone();
            return this;
        }

        /** C-relaxation weights per level, in (0, 2); the last holds deeper down. */
        public Builder cWeight(double... perLevel) {
            this.cWeights = perLevel.clone();
            return this;
        }

        /** V- or F-cycles. */
        public Builder cycle(Cycle c) {
            this.cycle = c;
            return this;
        }

        /** Whether the first iteration skips the relaxations on the way down. */
        public Builder skipFirstDown(boolean skip) {
            this.skipFirstDown = skip;
            return this;
        }

        /** Iterate until the residual norm is at most {@code absolute}, or for at most {@code max} iterations. */
        public Builder tolerance(double absolute, int max) {
            this.tolerance = absolute;
            this.maxIterations = max;
            this.fixedIterations = false;
            return this;
        }

        /** Also stop when the residual norm has fallen to {@code relative} times the first one (0 = off). */
        public Builder relativeTolerance(double relative) {
            this.relativeTolerance = relative;
            return this;
        }

        /** Run exactly {@code count} iterations without computing residual norms. */
        public Builder fixedIterations(int count) {
            return fixedIterations(count, false);
        }

        /**
         * Run exactly {@code count} iterations; with {@code measure} set, each still computes its residual norm (one
         * dot product per C-point, for logs and adaptive control) without ever stopping early.
         */
        public Builder fixedIterations(int count, boolean measure) {
            this.maxIterations = count;
            this.fixedIterations = true;
            this.measureFixed = measure;
            return this;
        }

        /** Where the states start. */
        public Builder initialGuess(InitialGuess guess) {
            this.initialGuess = guess;
            return this;
        }

        /** Columns per batch tile inside a relaxation (0 = automatic). */
        public Builder batchTile(int columns) {
            this.batchTile = columns;
            return this;
        }

        /** Which fine states a solve keeps: all (the default) or the C-points only, recomputing the rest. */
        public Builder storage(Storage kept) {
            this.storage = kept;
            return this;
        }

        /** The options; throws IllegalArgumentException naming the first bad setting. */
        public MgritOptions build() {
            return new MgritOptions(this);
        }
    }
}
