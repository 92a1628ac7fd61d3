package org.layerbraid.mgrit.solver;

/**
 * All an MGRIT cycle needs from whatever connects the layer blocks of its workers: the hand-off of states at block
 * boundaries after a phase, and global sums. Every worker owns a contiguous block of C-intervals; the only states
 * one block reads from another are the C-points at its edges (and the restricted coarse points next to them), and
 * the only global reduction is the residual norm. In one process the blocks share memory, so the cycle code calls
 * these at the same places a message-passing transport would need them, and a multi-process transport can
 * replace the shared-memory one without touching the cycle.
 */
interface BlockTransport {
    /**
     * Called by the coordinating thread after each parallel phase on a level: makes the states the phase wrote at
     * block boundaries visible to the neighbouring blocks that read them in the next phase.
     */
    void handOffBoundaries(int level);

    /** The sum of per-interval values over all blocks, added in interval order so every block gets the same bits. */
    double sumInOrder(double[] perInterval);

    /** The transport of workers in one process: the pool's region barrier already publishes all writes. */
    static BlockTransport sharedMemory() {
        return SharedMemoryTransport.INSTANCE;
    }

    /** Blocks in one address space. */
    final class SharedMemoryTransport implements BlockTransport {
        private static final SharedMemoryTransport INSTANCE = new SharedMemoryTransport();

        private SharedMemoryTransport() {
        }

        @Override
        public void handOffBoundaries(int level) {
            // Nothing to send: the worker pool's end-of-region barrier orders every write before the next read.
        }

        @Override
        public double sumInOrder(double[] perInterval) {
            double sum = 0;
            for (double v : perInterval) {
                sum += v;
            }
            return sum;
        }
    }
}
