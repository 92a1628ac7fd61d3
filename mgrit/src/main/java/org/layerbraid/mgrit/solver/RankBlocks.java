package org.layerbraid.mgrit.solver;

import org.layerbraid.mgrit.exec.Partition;

/**
 * Which layers each rank owns, the same cut on every level (as XBraid distributes its time grid): the coarsest
 * level's M steps are shared out by {@link Partition}, and rank r's block on every finer level is what lies over
 * its coarsest steps, so block edges fall on points that exist on all levels. On a level with C-intervals a rank
 * owns whole intervals; the last rank also takes what lies beyond the coarsest grid (the tail F-points). A rank
 * steps from the points of its block: on level l from {@link #firstPoint} up to, not including,
 * {@link #endPoint} (the next rank's first point, which it writes but does not own).
 */
final class RankBlocks {
    private final Hierarchy hierarchy;
    private final int rank;
    private final int ranks;
    /** First coarsest-level point of every rank, and M at index ranks. */
    private final int[] coarsest;

    /** @throws IllegalArgumentException when there are more ranks than coarsest steps to share */
    RankBlocks(Hierarchy hierarchy, int rank, int ranks) {
        hierarchy.checkRanks(ranks);
        int m = hierarchy.steps(hierarchy.levels() - 1);
        this.hierarchy = hierarchy;
        this.rank = rank;
        this.ranks = ranks;
        this.coarsest = new int[ranks + 1];
        for (int r = 0; r <= ranks; r++) {
            coarsest[r] = r == ranks ? m : Partition.from(r, ranks, m);
        }
    }

    int rank() {
        return rank;
    }

    int ranks() {
        return ranks;
    }

    /** Level-l points per coarsest step. */
    private int spread(int level) {
        return hierarchy.stride(hierarchy.levels() - 1) / hierarchy.stride(level);
    }

    /** The first point of rank r's block on level l. */
    int firstPoint(int level, int r) {
        return coarsest[r] * spread(level);
    }

    /** One past rank r's last step on level l: the next rank's first point, or N_l for the last rank. */
    int endPoint(int level, int r) {
        return r == ranks - 1 ? hierarchy.steps(level) : firstPoint(level, r + 1);
    }

    /** This rank's first point on level l. */
    int firstPoint(int level) {
        return firstPoint(level, rank);
    }

    /** This rank's end point on level l (see {@link #endPoint(int, int)}). */
    int endPoint(int level) {
        return endPoint(level, rank);
    }

    /** Rank r's first C-interval on level l (a level with C-intervals, not the coarsest). */
    int firstInterval(int level, int r) {
        return firstPoint(level, r) / hierarchy.cfactor(level);
    }

    /** One past rank r's last C-interval on level l: the last rank owns them all to the end. */
    int endInterval(int level, int r) {
        int c = hierarchy.cfactor(level);
        return r == ranks - 1 ? hierarchy.steps(level) / c + 1 : firstPoint(level, r + 1) / c;
    }

    int firstInterval(int level) {
        return firstInterval(level, rank);
    }

    int endInterval(int level) {
        return endInterval(level, rank);
    }

    /** The rank that owns fine point n (0 ≤ n ≤ N): the one stepping from it, or the last rank for N. */
    int owner(int n) {
        int r = ranks - 1;
        while (r > 0 && firstPoint(0, r) > n) {
            r--;
        }
        return r;
    }

    boolean first() {
        return rank == 0;
    }

    boolean last() {
        return rank == ranks - 1;
    }
}
