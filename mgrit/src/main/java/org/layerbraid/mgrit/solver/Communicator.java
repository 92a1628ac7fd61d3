package org.layerbraid.mgrit.solver;

import java.lang.foreign.MemorySegment;

/**
 * The processes ("ranks") a solve is distributed over, and the few ways they exchange data: point-to-point
 * messages between neighbours and broadcasts. Every rank owns a contiguous block of C-intervals on every level
 * ({@link RankBlocks}); only the states at block edges, the per-interval residual norms and a few whole results
 * travel. Nothing here adds numbers: sums are formed by the solver in a fixed order from gathered values, so
 * results have the same bits for any number of ranks.
 * <p>
 * Only one thread of a rank calls a communicator (the one that runs the solver's phases). Messages between two
 * ranks arrive in the order they were posted; {@link #send} and {@link #receive} only post, and
 * {@link #complete} waits for everything posted, so neighbours can exchange in both directions without deadlock.
 */
public interface Communicator {
    /** This process's rank, 0 ≤ rank < size. */
    int rank();

    /** The number of ranks. */
    int size();

    /** Posts sending {@code data} to rank {@code to}; the memory must stay unchanged until {@link #complete}. */
    void send(MemorySegment data, int to);

    /** Posts receiving {@code data.byteSize()} bytes from rank {@code from} into {@code data}. */
    void receive(MemorySegment data, int from);

    /**
     * Waits until every posted send and receive is done.
     *
     * @throws IllegalStateException (one sentence) when a peer does not answer in time: it died or hangs
     */
    void complete();

    /** Copies {@code data} of rank {@code root} into {@code data} of every other rank (all ranks call it). */
    void broadcast(MemorySegment data, int root);

    /** One process alone: nothing is ever sent. */
    static Communicator single() {
        return Single.INSTANCE;
    }

    /**
     * The same ranks numbered backwards (rank r becomes size − 1 − r): how the adjoint solve, which runs through
     * the layers in reverse, gives each rank the layers it already holds from the forward solve.
     */
    default Communicator reversed() {
        if (size() == 1) {
            return this;
        }
        Communicator ranks = this;
        return new Communicator() {
            @Override
            public int rank() {
                return ranks.size() - 1 - ranks.rank();
            }

            @Override
            public int size() {
                return ranks.size();
            }

            @Override
            public void send(MemorySegment data, int to) {
                ranks.send(data, ranks.size() - 1 - to);
            }

            @Override
            public void receive(MemorySegment data, int from) {
                ranks.receive(data, ranks.size() - 1 - from);
            }

            @Override
            public void complete() {
                ranks.complete();
            }

            @Override
            public void broadcast(MemorySegment data, int root) {
                ranks.broadcast(data, ranks.size() - 1 - root);
            }

            @Override
            public Communicator reversed() {
                return ranks;
            }
        };
    }

    /** The communicator of a process that is all the ranks there are. */
    final class Single implements Communicator {
        private static final Single INSTANCE = new Single();

        private Single() {
        }

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void send(MemorySegment data, int to) {
            throw new IllegalArgumentException("rank " + to + " does not exist: this is the only rank");
        }

        @Override
        public void receive(MemorySegment data, int from) {
            throw new IllegalArgumentException("rank " + from + " does not exist: this is the only rank");
        }

        @Override
        public void complete() {
        }

        @Override
        public void broadcast(MemorySegment data, int root) {
            if (root != 0) {
                throw new IllegalArgumentException("rank " + root + " does not exist: this is the only rank");
            }
        }
    }
}
