package org.layerbraid.mgrit.exec;

/**
 * Fixed, contiguous, deterministic shares of an index range [0, n) among P workers: worker t gets
 * [t·n/P, (t+1)·n/P). Pure functions of their arguments, so a worker always touches the same indices
 * (the same layers' states and weights stay in its cache) and reductions can be combined in worker order.
 */
public final class Partition {
    private Partition() {
    }

    /** First index of worker {@code worker}'s share of [0, n). */
    public static int from(int worker, int workers, int n) {
        check(worker, workers, n, 1);
        return bound(worker, workers, n);
    }

    /** One past the last index of worker {@code worker}'s share of [0, n). */
    public static int to(int worker, int workers, int n) {
        check(worker, workers, n, 1);
        return bound(worker + 1, workers, n);
    }

    /**
     * First index of worker {@code worker}'s share of [0, n) when shares must start at multiples of
     * {@code alignment} (e.g. batch slices at multiples of the kernels' column alignment): the range is cut
     * into ⌈n / alignment⌉ aligned blocks and the blocks are shared as by {@link #from}; only the last
     * share may end off the grid, at n.
     */
    public static int alignedFrom(int worker, int workers, int n, int alignment) {
        check(worker, workers, n, alignment);
        return alignedBound(worker, workers, n, alignment);
    }

    /** One past the last index of worker {@code worker}'s aligned share; see {@link #alignedFrom}. */
    public static int alignedTo(int worker, int workers, int n, int alignment) {
        check(worker, workers, n, alignment);
        return alignedBound(worker + 1, workers, n, alignment);
    }

    private static int bound(int worker, int workers, int n) {
        // In long: worker · n overflows int once n exceeds 2^31 / P.
        return (int) ((long) worker * n / workers);
    }

    private static int alignedBound(int worker, int workers, int n, int alignment) {
        int blocks = (int) (((long) n + alignment - 1) / alignment);
        return (int) Math.min((long) bound(worker, workers, blocks) * alignment, n);
    }

    private static void check(int worker, int workers, int n, int alignment) {
        if (workers < 1 || worker < 0 || worker >= workers || n < 0 || alignment < 1) {
            throw new IllegalArgumentException("bad partition: worker " + worker + " of " + workers + ", n = " + n
                    + ", alignment " + alignment);
        }
    }
}
