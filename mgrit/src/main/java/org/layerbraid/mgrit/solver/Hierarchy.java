package org.layerbraid.mgrit.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * The MGRIT time grids: level 0 has the points 0..N of the fine chain, level l + 1 keeps every c_l-th point of
 * level l (its C-points), so it has {@code N_{l+1} = ⌊N_l / c_l⌋} steps of size {@code h_l = h·c_0·…·c_{l−1}}.
 * <p>
 * N_l need not be a multiple of c_l: the points after the last C-point of level l form a shorter last
 * C-interval that holds only F-points. F-relaxation from that last C-point makes them exact, so the coarse
 * grid, which ends at the last C-point, never needs them. Levels are added while fewer than the maximum
 * exist and the next level would still have at least {@code minCoarse} steps; when N is too small for that,
 * the hierarchy simply has fewer levels (one level is serial propagation).
 */
public final class Hierarchy {
    private final int[] steps;
    private final int[] cfactors;
    private final int[] strides;
    private final double h;

    /**
     * @param steps     N, the number of fine steps (≥ 1)
     * @param h         the fine step size (positive, finite)
     * @param maxLevels the most levels to build (≥ 1)
     * @param minCoarse the fewest steps a coarse level may have (≥ 1)
     * @param cfactor0  the coarsening factor from level 0 to level 1 (≥ 2)
     * @param cfactor   the coarsening factor between all coarser levels (≥ 2)
     * @throws IllegalArgumentException on any argument out of range
     */
    public Hierarchy(int steps, double h, int maxLevels, int minCoarse, int cfactor0, int cfactor) {
        this(steps, h, maxLevels, minCoarse, new int[] {cfactor0, cfactor});
    }

    /**
     * A hierarchy with a coarsening factor per level: {@code cfactors[l]} from level l to l + 1, the last entry
     * for all deeper levels.
     *
     * @throws IllegalArgumentException on any argument out of range
     */
    public Hierarchy(int steps, double h, int maxLevels, int minCoarse, int[] cfactors) {
        check(steps >= 1, "the number of steps must be at least 1, got " + steps);
        check(h > 0 && Double.isFinite(h), "the step size must be positive and finite, got " + h);
        check(maxLevels >= 1, "max levels must be at least 1, got " + maxLevels);
        check(minCoarse >= 1, "min coarse must be at least 1 step, got " + minCoarse);
        check(cfactors.length >= 1, "at least one coarsening factor must be given");
        for (int c : cfactors) {
            check(c >= 2, "coarsening factors must be at least 2, got " + c);
        }
        List<Integer> n = new ArrayList<>(List.of(steps));
        List<Integer> c = new ArrayList<>();
        while (n.size() < maxLevels) {
            int factor = cfactors[Math.min(n.size() - 1, cfactors.length - 1)];
            int coarse = n.getLast() / factor;
            if (coarse < minCoarse) {
                break;
            }
            c.add(factor);
            n.add(coarse);
        }
        this.h = h;
        this.steps = n.stream().mapToInt(Integer::intValue).toArray();
        this.cfactors = c.stream().mapToInt(Integer::intValue).toArray();
        this.strides = new int[this.steps.length];
        strides[0] = 1;
        for (int l = 1; l < strides.length; l++) {
            strides[l] = strides[l - 1] * this.cfactors[l - 1];
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The number of levels L (1 = no coarsening). */
    public int levels() {
        return steps.length;
    }

    /** N_l: level l has the points 0..N_l. */
    public int steps(int level) {
        return steps[level];
    }

    /** c_l, the factor from level l to level l + 1; defined for every level but the coarsest. */
    public int cfactor(int level) {
        if (level >= cfactors.length) {
            throw new IllegalArgumentException("level " + level + " is the coarsest of " + levels()
                    + " levels: it has no coarsening factor");
        }
        return cfactors[level];
    }

    /** How many fine steps one step of level l spans: c_0·…·c_{l−1} (1 on level 0). */
    public int stride(int level) {
        return strides[level];
    }

    /** h_l, the step size on level l. */
    public double stepSize(int level) {
        return h * strides[level];
    }

    /** The fine (level 0) index of point i of level l. */
    public int fineIndex(int level, int i) {
        if (i < 0 || i > steps[level]) {
            throw new IllegalArgumentException("point " + i + " is outside level " + level + " (0.." + steps[level]
                    + ")");
        }
        return i * strides[level];
    }

    /**
     * Refuses to distribute a solve over more ranks than the coarsest level has steps: each rank owns at least one
     * (see the ranks' blocks in {@link ForwardSolver}).
     *
     * @throws IllegalArgumentException when there are more
     */
    public void checkRanks(int ranks) {
        int m = steps[steps.length - 1];
        if (ranks > m) {
            throw new IllegalArgumentException(ranks + " ranks are more than the " + m + " step" + (m == 1 ? "" : "s")
                    + " of the coarsest level (of " + steps[0] + " layers, " + steps.length + " level"
                    + (steps.length == 1 ? "" : "s") + "): every rank needs at least one; use fewer ranks, more "
                    + "layers or fewer levels");
        }
    }

    /** Points per level, N_l + 1, finest first. */
    public int[] pointsPerLevel() {
        int[] p = new int[steps.length];
        for (int l = 0; l < p.length; l++) {
            p[l] = steps[l] + 1;
        }
        return p;
    }
}
