package org.layerbraid.mgrit.nn;

import java.util.function.Supplier;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.solver.Propagator;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * The residual layers as a {@link Propagator}: {@code Φ_n(u) = u + h·σ(K_n u + b_n)} and its adjoint,
 * on the fused kernels of the network's {@link LayerStep} (dense or convolutional). The adjoint needs state × batch
 * scratch (for g and recomputed pre-activations):
 * either one shared pair, when concurrent calls always work on disjoint column ranges (batch slices), or
 * a pair per calling thread ({@link #withThreadScratch}), when threads run different layers on the same
 * columns (MGRIT relaxation).
 */
public final class ResNetPropagator implements Propagator {
    private final LayerStep layer;
    /** {g, z} scratch for the calling thread. */
    private final Supplier<Matrix[]> scratch;
    private Parameters params;
    private Parameters gradient;

    /**
     * @param g        state × batch scratch for the scaled gradient h·σ'(z)⊙λ
     * @param zScratch state × batch scratch for pre-activations recomputed when none were stored
     */
    public ResNetPropagator(Kernels kernels, NetworkConfig config, Matrix g, Matrix zScratch) {
        this(kernels, config, () -> new Matrix[] {g, zScratch});
    }

    private ResNetPropagator(Kernels kernels, NetworkConfig config, Supplier<Matrix[]> scratch) {
        this.layer = LayerStep.of(kernels, config);
        this.scratch = scratch;
    }

    /**
     * A propagator whose adjoint scratch is allocated from {@code arena} once per calling thread, so that
     * threads may run any steps on the same columns at the same time.
     */
    public static ResNetPropagator withThreadScratch(Kernels kernels, NetworkConfig config, int batch,
            TensorArena arena) {
        int w = config.stateSize();
        ThreadLocal<Matrix[]> perThread = ThreadLocal.withInitial(() -> new Matrix[] {
            arena.matrix(config.precision(), w, batch), arena.matrix(config.precision(), w, batch)});
        return new ResNetPropagator(kernels, config, perThread::get);
    }

    /**
     * A propagator for the workers of {@code pool}: one scratch pair per worker, allocated from {@code arena} up
     * front and chosen by {@link WorkerPool#workerIndex()}, so no thread-local memory outlives the run and calls from
     * other threads cannot grow it. Calls may come from the pool's threads and the one thread that runs its regions.
     */
    public static ResNetPropagator withWorkerScratch(Kernels kernels, NetworkConfig config, int batch,
            TensorArena arena, WorkerPool pool) {
        int w = config.stateSize();
        Matrix[][] perWorker = new Matrix[pool.workers()][];
        for (int t = 0; t < perWorker.length; t++) {
            perWorker[t] = new Matrix[] {arena.matrix(config.precision(), w, batch),
                arena.matrix(config.precision(), w, batch)};
        }
        return new ResNetPropagator(kernels, config, () -> perWorker[pool.workerIndex()]);
    }

    /** The parameters the steps use. */
    public void use(Parameters parameters) {
        this.params = parameters;
    }

    /** Where accumulated gradients go (may be null when no gradient is asked for). */
    public void accumulateInto(Parameters gradientViews) {
        this.gradient = gradientViews;
    }

    @Override
    public void step(int n, double h, Matrix u, Matrix next, Matrix z, int c0, int c1) {
        layer.forward(params.weights(n), params.bias(n), h, u, next, z, c0, c1);
    }

    @Override
    public void adjointStep(int n, double h, Matrix u, Matrix z, Matrix lambda, Matrix lambdaPrev,
            boolean accumulateGradient, int c0, int c1) {
        Matrix[] mine = scratch.get();
        Matrix pre = z;
        if (pre == null) {
            layer.forward(params.weights(n), params.bias(n), h, u, null, mine[1], c0, c1);
            pre = mine[1];
        }
        boolean grad = accumulateGradient && gradient != null;
        layer.adjoint(params.weights(n), pre, u, h, lambda, lambdaPrev, mine[0], grad ? gradient.weights(n) : null,
                grad ? gradient.bias(n) : null, c0, c1);
    }
}
