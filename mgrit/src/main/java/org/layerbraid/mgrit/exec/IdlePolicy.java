package org.layerbraid.mgrit.exec;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * How the threads of a {@link WorkerPool} wait: workers for the next region, the caller for the end of the
 * current one. After every region a worker first spins, so regions that follow each other closely (the
 * phases of one solve) find it awake; what it does when no region comes is the policy. Spinning is the
 * fastest hand-over (≈ 0.5 µs) but only while every thread has a core: on a shared or oversubscribed
 * machine spinning threads steal the cores the working ones need.
 */
public enum IdlePolicy {
    /** Spin without pause between regions: the lowest latency, one busy core per worker at all times. */
    SPIN,
    /**
     * Spin briefly, then yield the core for a while (about a millisecond when nothing else wants it), then
     * sleep in growing periods up to 0.5 ms, polling: cheap between solves, at most 0.5 ms late after a
     * long pause. The default.
     */
    BACKOFF,
    /**
     * Spin and yield briefly, then block until the next region wakes the worker: no CPU at all between
     * solves, but each wake-up costs the caller an unpark and the worker 10–100 µs.
     */
    PARK;

    /** Spin and yield counts of the short window before PARK blocks. */
    static final int PARK_SPINS = 100;
    static final int PARK_YIELDS = 20;

    /** How a worker waits for the next region (PARK: only for its window, then {@link WorkerPool} blocks). */
    IdleStrategy workerStrategy() {
        return switch (this) {
            case SPIN -> BusySpinIdleStrategy.INSTANCE;
            case BACKOFF -> new BackoffIdleStrategy(200, 2_000, 1_000, 500_000);
            case PARK -> new BackoffIdleStrategy(PARK_SPINS, PARK_YIELDS, 1_000, 1_000);
        };
    }

    /** How the caller waits for the other workers to finish a region: it is about to end, so never sleep long. */
    IdleStrategy callerStrategy() {
        return this == SPIN ? BusySpinIdleStrategy.INSTANCE : new BackoffIdleStrategy(200, 100, 1_000, 50_000);
    }
}
