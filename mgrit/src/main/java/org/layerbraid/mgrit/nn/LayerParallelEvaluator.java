package org.layerbraid.mgrit.nn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.AdjointSolver;
import org.layerbraid.mgrit.solver.Communicator;
import org.layerbraid.mgrit.solver.ForwardSolver;
import org.layerbraid.mgrit.solver.MgritOptions;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * The loss and gradient with the residual layers solved by MGRIT instead of serial propagation: the opening layer,
 * a forward MGRIT solve over the N layers (keeping the pre-activations), the classifier and its adjoint λ_N, an
 * adjoint MGRIT solve that adds the residual layers' gradient, then the opening layer's gradient from λ_0.
 * <p>
 * What the result is depends on the options: solved to a tolerance it is the serial loss and gradient within that
 * tolerance (the converged layer-parallel method); with a fixed few iterations from the previous evaluation's
 * states (WARM initial guess) it is the one-shot method's inexact gradient. The opening and classifier run on the
 * calling thread (a few dense products); the MGRIT solves share the layers between {@code threads} workers, with
 * results that do not depend on the number of workers. Owns its solvers and memory; close it.
 * <p>
 * Across ranks (one evaluator per rank, every rank calling the same methods with the same parameters), the MGRIT
 * solves are distributed by layer blocks; the last state is broadcast from its owner so that every rank computes
 * the classifier, the loss and λ_N alike, each layer's gradient is broadcast from the rank that computed it, and λ_0
 * from its owner for the opening layer's gradient. Loss and gradient have the same bits on every rank and for any
 * number of ranks.
 */
public final class LayerParallelEvaluator implements Evaluator {
    private final Kernels kernels;
    private final TensorArena arena;
    private final ResNetPropagator propagator;
    private final ForwardSolver forward;
    private final AdjointSolver adjoint;
    private final OpeningLayer opening;
    private final ClassifierLayer classifier;
    private final Matrix u0;
    private final Matrix lambdaN;
    private static final String ITERATIONS = "mgrit.iterations";
    private static final String STATE = "mgrit.state.";
    private static final String ADJOINT = "mgrit.adjoint.";

    private final int batch;
    private final int layers;
    private final Communicator ranks;
    private SolveStatistics lastForward;
    private SolveStatistics lastAdjoint;
    /** Whether the forward states (and the adjoints) hold a solve's result, computed here or restored. */
    private boolean warmStates;
    private boolean warmAdjoints;

    /**
     * @param threads workers of each MGRIT solve (1 … 256), all sharing the layers
     * @throws IllegalArgumentException for bad options or sizes
     */
    public LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, int threads) {
        this(kernels, config, batch, forwardOptions, adjointOptions, threads, 1);
    }

    /**
     * An evaluator whose MGRIT solves have {@code layerThreads × batchThreads} workers: the C-intervals are shared
     * between layer blocks and each interval's batch tiles between batch blocks; every split gives the same bits.
     *
     * @throws IllegalArgumentException for bad options, sizes or thread counts
     */
    public LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, int layerThreads, int batchThreads) {
        this(kernels, config, batch, forwardOptions, adjointOptions, layerThreads, batchThreads, null);
    }

    /**
     * An evaluator whose MGRIT solves run on a borrowed pool (not closed with it): its workers form
     * {@code pool.workers() / batchThreads} layer blocks × {@code batchThreads} batch blocks.
     *
     * @throws IllegalArgumentException for bad options, sizes, or a batch split that does not divide the pool
     */
    public LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, WorkerPool pool, int batchThreads) {
        this(kernels, config, batch, forwardOptions, adjointOptions, 0, batchThreads, pool, Communicator.single());
    }

    /**
     * One of {@code ranks.size()} evaluators, one per rank, that solve together (see the class comment), each on
     * its rank's borrowed pool.
     *
     * @throws IllegalArgumentException for bad options, sizes, a batch split that does not divide the pool, or more
     *                                  ranks than the coarsest MGRIT level has steps
     */
    public LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, WorkerPool pool, int batchThreads, Communicator ranks) {
        this(kernels, config, batch, forwardOptions, adjointOptions, 0, batchThreads, pool, ranks);
    }

    private LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, int layerThreads, int batchThreads, WorkerPool pool) {
        this(kernels, config, batch, forwardOptions, adjointOptions, layerThreads, batchThreads, pool,
                Communicator.single());
    }

    private LayerParallelEvaluator(Kernels kernels, NetworkConfig config, Batch batch, MgritOptions forwardOptions,
            MgritOptions adjointOptions, int layerThreads, int batchThreads, WorkerPool pool, Communicator ranks) {
        this.kernels = kernels;
        this.batch = batch.size();
        this.layers = config.layers();
        this.ranks = ranks;
        this.arena = new TensorArena("layer-parallel evaluation");
        ForwardSolver f = null;
        try {
            int w = config.stateSize();
            this.u0 = arena.matrix(config.precision(), w, this.batch);
            this.lambdaN = arena.matrix(config.precision(), w, this.batch);
            this.propagator = pool == null ? ResNetPropagator.withThreadScratch(kernels, config, this.batch, arena)
                    : ResNetPropagator.withWorkerScratch(kernels, config, this.batch, arena, pool);
            f = pool == null
                    ? new ForwardSolver(propagator, kernels, config.layers(), config.h(), config.precision(), w,
                            this.batch, forwardOptions, layerThreads, batchThreads)
                    : new ForwardSolver(propagator, kernels, config.layers(), config.h(), config.precision(), w,
                            this.batch, forwardOptions, pool, batchThreads, ranks);
            this.adjoint = pool == null
                    ? new AdjointSolver(propagator, kernels, config.layers(), config.h(), config.precision(), w,
                            this.batch, adjointOptions, layerThreads, batchThreads)
                    : new AdjointSolver(propagator, kernels, config.layers(), config.h(), config.precision(), w,
                            this.batch, adjointOptions, pool, batchThreads, ranks);
            this.forward = f;
            this.opening = new OpeningLayer(kernels, config, batch.inputs(), u0, arena);
            this.classifier = new ClassifierLayer(kernels, config, batch.labels(), 0, forward.state(config.layers()),
                    new int[this.batch], arena);
        } catch (RuntimeException | Error e) {
            if (f != null) {
                f.close();
            }
            arena.close();
            throw e;
        }
    }

    @Override
    public double loss(Parameters p) {
        propagator.use(p);
        opening.forward(p);
        lastForward = forward.solve(u0);
        warmStates = true;
        shareLastState();
        return classifier.forward(p, false, 1.0 / batch) / batch;
    }

    /** Hands u_N from the rank that owns it to all, for the classifier. */
    private void shareLastState() {
        if (ranks.size() > 1) {
            ranks.broadcast(forward.state(layers).segment(), forward.owner(layers));
        }
    }

    /**
     * Gives every rank the whole residual-layer gradient: each contiguous run of layers from the rank that added it.
     */
    private void shareGradient(Parameters gradient) {
        MemorySegment flat = gradient.flat().segment();
        for (int first = 0; first < layers; ) {
            int owner = adjoint.gradientOwner(first);
            int end = first + 1;
            while (end < layers && adjoint.gradientOwner(end) == owner) {
                end++;
            }
            MemorySegment from = gradient.layer(first).segment();
            MemorySegment to = gradient.layer(end - 1).segment();
            long offset = from.address() - flat.address();
            ranks.broadcast(flat.asSlice(offset, to.address() + to.byteSize() - from.address()), owner);
            first = end;
        }
    }

    @Override
    public double lossAndGradient(Parameters p, Parameters gradient) {
        propagator.use(p);
        propagator.accumulateInto(gradient);
        opening.forward(p);
        lastForward = forward.solve(u0);
        shareLastState();
        double loss = classifier.forward(p, true, 1.0 / batch) / batch;
        kernels.fill(gradient.flat(), 0);
        classifier.backward(p, gradient, lambdaN);
        lastAdjoint = adjoint.solve(forward, lambdaN);
        warmStates = true;
        warmAdjoints = true;
        if (ranks.size() > 1) {
            shareGradient(gradient);
            ranks.broadcast(adjoint.adjoint(0).segment(), adjoint.adjointOwner(0));
        }
        opening.backward(gradient, adjoint.adjoint(0));
        return loss;
    }

    @Override
    public int correct() {
        return classifier.correct();
    }

    /** The last forward residual norm measured (NaN when the options measure none). */
    @Override
    public double stateResidual() {
        return lastForward == null ? Double.NaN : lastForward.finalResidual();
    }

    @Override
    public double adjointResidual() {
        return lastAdjoint == null ? Double.NaN : lastAdjoint.finalResidual();
    }

    /** Sets the iteration counts of the following forward and adjoint solves (exact counts for one-shot). */
    public void iterations(int forwardIterations, int adjointIterations) {
        forward.maxIterations(forwardIterations);
        adjoint.maxIterations(adjointIterations);
    }

    /** The forward solves' iteration count. */
    public int forwardIterations() {
        return forward.maxIterations();
    }

    /** The adjoint solves' iteration count. */
    public int adjointIterations() {
        return adjoint.maxIterations();
    }

    /**
     * Saves the MGRIT states the next solves start from (forward states u_0..u_N, adjoints λ_0..λ_N; with C-point
     * storage the kept ones, which is all a warm start reads) and the iteration counts, whether solved here or
     * restored from a checkpoint: a checkpoint written right after a resume holds as much as the one it resumed from.
     */
    @Override
    public void save(SafeTensors.Writer checkpoint) {
        if (!warmStates) {
            return;
        }
        for (int n = 0; n <= layers && ranks.size() > 1; n++) {
            // Every rank gathers all states, so whichever writes the checkpoint has them.
            ranks.broadcast(forward.state(n).segment(), forward.owner(n));
            if (warmAdjoints) {
                ranks.broadcast(adjoint.adjoint(n).segment(), adjoint.adjointOwner(n));
            }
        }
        checkpoint.add(ITERATIONS, new long[] {forward.maxIterations(), adjoint.maxIterations(),
            warmAdjoints ? 1 : 0});
        for (int n = 0; n <= layers; n++) {
            if (forward.stores(n)) {
                checkpoint.add(STATE + n, forward.state(n));
            }
            if (warmAdjoints && adjoint.stores(n)) {
                checkpoint.add(ADJOINT + n, adjoint.adjoint(n));
            }
        }
    }

    @Override
    public void restore(SafeTensors checkpoint) {
        if (!checkpoint.names().contains(ITERATIONS)) {
            return;
        }
        long[] counts = checkpoint.longs(ITERATIONS);
        if (counts.length != 3 || counts[0] < 1 || counts[1] < 1 || counts[0] > Integer.MAX_VALUE
                || counts[1] > Integer.MAX_VALUE || (counts[2] != 0 && counts[2] != 1)) {
            throw new IllegalArgumentException(checkpoint.file() + ": the checkpoint's MGRIT record "
                    + Arrays.toString(counts) + " is corrupt");
        }
        iterations((int) counts[0], (int) counts[1]);
        for (int n = 0; n <= layers; n++) {
            if (forward.stores(n)) {
                checkpoint.copyInto(STATE + n, forward.state(n));
            }
        }
        forward.resumeWarm();
        warmStates = true;
        if (counts[2] == 1) {
            for (int n = 0; n <= layers; n++) {
                if (adjoint.stores(n)) {
                    checkpoint.copyInto(ADJOINT + n, adjoint.adjoint(n));
                }
            }
            adjoint.resumeWarm();
            warmAdjoints = true;
        }
    }

    /** What the last forward solve did. */
    public SolveStatistics forwardStatistics() {
        return lastForward;
    }

    /** What the last adjoint solve did. */
    public SolveStatistics adjointStatistics() {
        return lastAdjoint;
    }

    /** Bytes of off-heap memory the two MGRIT solvers hold (states, side products, work matrices). */
    public long solverBytes() {
        return forward.bytesAllocated() + adjoint.bytesAllocated();
    }

    @Override
    public void close() {
        adjoint.close();
        forward.close();
        arena.close();
    }
}
