package org.layerbraid.mgrit.exec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * A fixed pool of P workers for parallel regions: {@link #run} calls a {@link Region} body once for every
 * worker index in [0, P) and returns when all have finished. The calling thread is worker 0 and takes part;
 * P − 1 daemon threads named {@code layerbraid-worker-N} are started once, here, and live until
 * {@link #close}. Worker t is always the same thread, so with {@link Partition} it always gets the same
 * indices.
 * <p>
 * Handing out a region takes no lock and allocates nothing: the caller stores the body, publishes it with a
 * volatile store of a sequence number the workers wait on, and waits for every worker to store that number
 * in its own completion slot. How the threads wait is the {@link IdlePolicy}.
 * <p>
 * Exceptions thrown by the body in any worker surface in the caller once the region has ended: the one from
 * the lowest worker index, with the others added as suppressed. The pool stays usable. Regions do not nest:
 * a body that calls {@code run} (on any worker) fails with {@link IllegalStateException}, as does a second
 * thread calling {@code run} while a region is running; one thread at a time owns the pool.
 */
public final class WorkerPool implements AutoCloseable {
    /** The most workers a pool may have: far above any core count this code targets. */
    public static final int MAX_WORKERS = 256;

    /** Longs per slot: 128 bytes, two cache lines, because x86 prefetches cache lines in pairs. */
    static final int STRIDE = 16;
    /** The slot the caller publishes region numbers in; slot 0 only pads it from the array header. */
    static final int SEQUENCE = STRIDE;
    /** Marks a worker blocked in PARK; in the worker's own slot, next to its completion number. */
    static final int PARKED = 1;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** The body that tells workers to end. */
    private static final Region STOP = (worker, workers) -> { };

    private final int workers;
    private final IdlePolicy policy;
    /**
     * The published region number and each worker's completion number, each alone in its own padded slot:
     * a worker's completion store then never invalidates the cache line the other workers are polling.
     */
    private final long[] slots;
    /** A worker's failure in the current region; written before its completion store, read after. */
    private final Throwable[] failures;
    private final Thread[] threads;
    private final IdleStrategy callerIdle;
    /** Taken by the thread running a region (and forever by close): refuses nested and concurrent use. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The current body; published to workers by the volatile store of its region number. */
    private Region body;
    /** The last region number published; written by the owning caller only. */
    private long sequence;
    private volatile boolean closed;

    /** A pool of {@code workers} workers (the caller and {@code workers} − 1 threads) with BACKOFF waits. */
    public WorkerPool(int workers) {
        this(workers, IdlePolicy.BACKOFF);
    }

    /** A pool of {@code workers} workers (1 … {@link #MAX_WORKERS}) waiting as {@code policy} says. */
    public WorkerPool(int workers, IdlePolicy policy) {
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be between 1 and " + MAX_WORKERS + ", got " + workers);
        }
        this.workers = workers;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.slots = new long[(workers + 2) * STRIDE];
        this.failures = new Throwable[workers];
        this.threads = new Thread[workers];
        this.callerIdle = policy.callerStrategy();
        for (int t = 1; t < workers; t++) {
            Worker w = new Worker(t, policy.workerStrategy());
            threads[t] = Thread.ofPlatform().name("layerbraid-worker-" + t).daemon().unstarted(w);
        }
        for (int t = 1; t < workers; t++) {
            threads[t].start();
        }
    }

    /** The number of workers P, the caller included. */
    public int workers() {
        return workers;
    }

    /** How the threads wait. */
    public IdlePolicy idlePolicy() {
        return policy;
    }

    /**
     * The worker index of the calling thread: t ≥ 1 on the pool's own threads, 0 on any other (the thread that runs
     * regions is worker 0). Lets per-worker scratch be indexed without a {@code ThreadLocal}; allocation-free.
     */
    public int workerIndex() {
        Thread me = Thread.currentThread();
        for (int t = 1; t < workers; t++) {
            if (threads[t] == me) {
                return t;
            }
        }
        return 0;
    }

    /**
     * Runs {@code body} for every worker index in [0, P), index 0 on the calling thread, and returns when all
     * have finished. Rethrows the failure of the lowest failing worker index, the others suppressed in it.
     *
     * @throws IllegalStateException if the pool is closed, or a region is already running (nested use)
     */
    public void run(Region body) {
        Objects.requireNonNull(body, "body");
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException(closed ? "the worker pool is closed"
                    : "parallel regions cannot nest or overlap: this pool is already running one");
        }
        try {
            if (workers == 1) {
                body.run(0, 1);
                return;
            }
            long region = publish(body);
            try {
                body.run(0, workers);
            } catch (Throwable e) {
                failures[0] = e;
            }
            awaitWorkers(region);
            this.body = null;
            rethrowFailures();
        } finally {
            busy.set(false);
        }
    }

    /** Stores the body, publishes the next region number and wakes the workers blocked in PARK. */
    private long publish(Region next) {
        body = next;
        long region = ++sequence;
        // Volatile (not just release): with the worker's volatile PARKED store and sequence re-read, either
        // the worker sees this region or this thread sees it parked and unparks it.
        SLOT.setVolatile(slots, SEQUENCE, region);
        if (policy == IdlePolicy.PARK) {
            for (int t = 1; t < workers; t++) {
                if ((long) SLOT.getVolatile(slots, slot(t) + PARKED) != 0) {
                    LockSupport.unpark(threads[t]);
                }
            }
        }
        return region;
    }

    private void awaitWorkers(long region) {
        for (int t = 1; t < workers; t++) {
            int done = slot(t);
            if ((long) SLOT.getAcquire(slots, done) != region) {
                callerIdle.reset();
                while ((long) SLOT.getAcquire(slots, done) != region) {
                    callerIdle.idle();
                }
            }
        }
    }

    private void rethrowFailures() {
        Throwable first = null;
        for (int t = 0; t < workers; t++) {
            Throwable e = failures[t];
            if (e != null) {
                failures[t] = null;
                if (first == null) {
                    first = e;
                } else if (e != first) {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            // A checked exception thrown sneakily by a body.
            throw new IllegalStateException("a parallel region failed: " + first, first);
        }
    }

    /**
     * Ends and joins all worker threads. Idempotent; afterwards {@link #run} throws IllegalStateException.
     *
     * @throws IllegalStateException if called from inside a region
     */
    @Override
    public void close() {
        if (!busy.compareAndSet(false, true)) {
            if (closed) {
                return;
            }
            throw new IllegalStateException("cannot close the worker pool while a region is running");
        }
        closed = true;
        if (workers == 1) {
            return;
        }
        publish(STOP);
        boolean interrupted = false;
        for (int t = 1; t < workers; t++) {
            LockSupport.unpark(threads[t]);
            while (threads[t].isAlive()) {
                try {
                    threads[t].join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The index of worker t's slot (t ≥ 1): its completion number, then its PARKED flag. */
    static int slot(int worker) {
        return SEQUENCE + worker * STRIDE;
    }

    /** One worker thread's loop: wait for a region, run its share, report completion. */
    private final class Worker implements Runnable {
        private final int index;
        private final int done;
        private final IdleStrategy idle;

        Worker(int index, IdleStrategy idle) {
            this.index = index;
            this.done = slot(index);
            this.idle = idle;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitRegion(seen);
                Region r = body;
                if (r == STOP) {
                    return;
                }
                try {
                    r.run(index, workers);
                } catch (Throwable e) {
                    failures[index] = e;
                }
                SLOT.setRelease(slots, done, seen);
            }
        }

        /** Waits for a region number other than {@code seen} and returns it. */
        private long awaitRegion(long seen) {
            idle.reset();
            int calls = 0;
            while (true) {
                long region = (long) SLOT.getVolatile(slots, SEQUENCE);
                if (region != seen) {
                    return region;
                }
                if (policy == IdlePolicy.PARK && ++calls > IdlePolicy.PARK_SPINS + IdlePolicy.PARK_YIELDS) {
                    block(seen);
                } else {
                    idle.idle();
                }
            }
        }

        /** PARK: sleeps until the caller publishes a region after {@code seen}. */
        private void block(long seen) {
            SLOT.setVolatile(slots, done + PARKED, 1L);
            while ((long) SLOT.getVolatile(slots, SEQUENCE) == seen) {
                LockSupport.park(this);
                // Workers are ended by close, not by interrupts: clear one so park does not return at once.
                Thread.interrupted();
            }
            SLOT.setRelease(slots, done + PARKED, 0L);
        }
    }
}
