package org.layerbraid.mgrit.api;

import java.util.Objects;
import org.layerbraid.mgrit.exec.IdlePolicy;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.vecmath.Kernels;

/**
 * The runtime: what is process-wide, made once and shared by every solver and training a program runs through it —
 * the kernel choice ({@link Kernels#defaults()}: vectorised when C2 and the vector module make it pay, otherwise
 * scalar with one log line saying why) and one pool of worker threads with its idle strategy.
 * <p>
 * {@code AutoCloseable}: closing ends the workers. A runtime runs one solve or training step at a time (the pool's
 * regions do not nest): use one runtime per concurrent job.
 *
 * <pre>{@code
 * try (LayerBraid lb = LayerBraid.builder().threads(2).build()) {
 *     ... lb.mgrit(propagator) ... lb.training() ...
 * }
 * }</pre>
 */
public final class LayerBraid implements AutoCloseable {
    private final Kernels kernels;
    private final WorkerPool pool;

    private LayerBraid(Kernels kernels, WorkerPool pool) {
        this.kernels = kernels;
        this.pool = pool;
    }

    /** A builder: one thread, the default kernels, the pool's default idle strategy. */
    public static Builder builder() {
        return new Builder();
    }

    /** The kernels every computation of this runtime uses. */
    public Kernels kernels() {
        return kernels;
    }

    /** Worker threads, the calling thread included. */
    public int threads() {
        return pool.workers();
    }

    /** The worker pool, for code that builds solvers or evaluators itself (they borrow it, never close it). */
    public WorkerPool pool() {
        return pool;
    }

    /** Starts building an MGRIT solve of the chain {@code u_{n+1} = Φ_n(u_n)} that {@code propagator} steps. */
    public MgritSolve.Builder mgrit(Propagator propagator) {
        return new MgritSolve.Builder(this, propagator);
    }

    /** {@link #mgrit(Propagator)} for a step written on whole states (see {@link Step}). */
    public MgritSolve.Builder mgrit(Step step) {
        return new MgritSolve.Builder(this, step.asPropagator());
    }

    /** Starts describing a training run on this runtime's threads (see {@link Training}). */
    public Training training() {
        return new Training(this);
    }

    /** Ends the worker threads. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "LayerBraid[" + pool.workers() + " thread" + (pool.workers() == 1 ? "" : "s") + ", " + kernels.name()
                + " kernels (" + (kernels == Kernels.defaults() ? Kernels.defaultsReason() : "chosen by the caller")
                + "), " + pool.idlePolicy() + " idle]";
    }

    /** Settings of a runtime. */
    public static final class Builder {
        private int threads = 1;
        private IdlePolicy idle;
        private Kernels kernels = Kernels.defaults();

        private Builder() {
        }

        /** Worker threads, the calling thread included (1 to {@value WorkerPool#MAX_WORKERS}). */
        public Builder threads(int count) {
            if (count < 1 || count > WorkerPool.MAX_WORKERS) {
                throw new IllegalArgumentException("threads must be between 1 and " + WorkerPool.MAX_WORKERS
                        + ", got " + count);
            }
            threads = count;
            return this;
        }

        /** How idle workers wait for the next parallel region: spinning is fastest, backing off frees the core. */
        public Builder idle(IdlePolicy policy) {
            idle = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The kernels, e.g. {@link Kernels#scalar()} to compare against the reference implementation. */
        public Builder kernels(Kernels chosen) {
            kernels = Objects.requireNonNull(chosen, "kernels");
            return this;
        }

        /** Starts the worker threads. */
        public LayerBraid build() {
            return new LayerBraid(kernels, idle == null ? new WorkerPool(threads) : new WorkerPool(threads, idle));
        }
    }
}
