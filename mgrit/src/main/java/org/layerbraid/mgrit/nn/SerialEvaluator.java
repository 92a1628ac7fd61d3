package org.layerbraid.mgrit.nn;

import org.layerbraid.mgrit.exec.Partition;
import org.layerbraid.mgrit.exec.Region;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * Exact layer-serial evaluation of the mean loss and its gradient on one batch: forward propagation through
 * the opening layer and N residual steps storing every state and pre-activation, the classifier, then the
 * adjoint backwards through the same steps (backpropagation).
 * <p>
 * The batch is cut into fixed slices of {@link #SLICE} columns. Each slice goes through all layers on its
 * own and adds its gradient to a partial of its own; the partials are then summed in slice order. With
 * {@code threads > 1} the slices are shared out between threads (data parallelism over the batch), and
 * because the cut and the order of the sums never depend on the number of threads, neither do the results:
 * they are bitwise the same for any thread count. Owns its workspace (states for all N + 1 layers): make
 * one per batch and reuse it; close it to free the memory and the threads.
 */
public final class SerialEvaluator implements Evaluator {
    /**
     * Columns per slice: a multiple of every column alignment. 512 balances 2–4 threads on 5000 examples;
     * narrower slices cost more per-call overhead (256 was 25% slower on one thread at N = 1024).
     */
    static final int SLICE = 512;

    private final Kernels kernels;
    private final NetworkConfig config;
    private final TensorArena arena;
    private final Matrix[] states;
    private final Matrix[] preActivations;
    private final int[] predictions;
    private final Slice[] slices;
    private final Matrix[] lambdaMatrices;
    private final int batch;
    private final WorkerPool pool;
    /** Whether {@link #close} ends the pool: false when it was borrowed. */
    private final boolean ownsPool;
    /** The region body, made once; reads the arguments of the current evaluation from the fields below. */
    private final Region body = this::runShare;
    private Parameters current;
    private boolean runForward;
    private boolean runBackward;
    /** Whether the last evaluation was {@link #loss}, whose forward pass a gradient may continue. */
    private boolean forwardKept;

    /** One slice of the batch and everything it writes. */
    private final class Slice {
        final int c0;
        final int c1;
        final OpeningLayer opening;
        final ClassifierLayer classifier;
        final ResNetPropagator propagator;
        final Matrix[] lambda;
        final Parameters partial;
        double loss;
        int correct;

        Slice(int c0, int c1, Batch b, Matrix[] lambdaFull, Matrix g, Matrix zScratch, ParameterLayout layout) {
            this.c0 = c0;
            this.c1 = c1;
            this.opening = new OpeningLayer(kernels, config, b.inputs().columns(c0, c1), states[0].columns(c0, c1),
                    arena);
            this.classifier = new ClassifierLayer(kernels, config, b.labels(), c0,
                    states[config.layers()].columns(c0, c1), predictions, arena);
            this.propagator = new ResNetPropagator(kernels, config, g, zScratch);
            this.lambda = new Matrix[] {lambdaFull[0].columns(c0, c1), lambdaFull[1].columns(c0, c1)};
            this.partial = layout.views(arena.vector(config.precision(), layout.size()));
            propagator.accumulateInto(partial);
        }

        /** The forward pass, keeping what the backward pass reads (pre-activations, ∂loss/∂logits). */
        void forward(Parameters p) {
            propagator.use(p);
            opening.forward(p);
            double h = config.h();
            for (int n = 0; n < config.layers(); n++) {
                propagator.step(n, h, states[n], states[n + 1], preActivations[n], c0, c1);
            }
            loss = classifier.forward(p, true, 1.0 / batch);
            correct = classifier.correct();
        }

        /** The backward pass through what the last {@link #forward} kept, into this slice's partial gradient. */
        void backward(Parameters p) {
            propagator.use(p);
            double h = config.h();
            kernels.fill(partial.flat(), 0);
            classifier.backward(p, partial, lambda[0]);
            int current = 0;
            for (int n = config.layers() - 1; n >= 0; n--) {
                propagator.adjointStep(n, h, states[n], preActivations[n], lambdaFull(current), lambdaFull(1 - current),
                        true, c0, c1);
                current = 1 - current;
            }
            opening.backward(partial, lambda[current]);
        }
    }

    private Matrix lambdaFull(int i) {
        return lambdaMatrices[i];
    }

    /** A single-threaded evaluator. */
    public SerialEvaluator(Kernels kernels, NetworkConfig config, Batch batch) {
        this(kernels, config, batch, 1);
    }

    /** An evaluator sharing the batch's slices between {@code threads} threads (1 … 256). */
    public SerialEvaluator(Kernels kernels, NetworkConfig config, Batch batch, int threads) {
        this(kernels, config, batch, threads, null);
    }

    /**
     * An evaluator sharing the batch's slices between the workers of a borrowed pool (a runtime's or a training
     * run's), which it does not close; the results are the same bits on any number of workers.
     */
    public SerialEvaluator(Kernels kernels, NetworkConfig config, Batch batch, WorkerPool pool) {
        this(kernels, config, batch, pool.workers(), pool);
    }

    private SerialEvaluator(Kernels kernels, NetworkConfig config, Batch batch, int threads, WorkerPool borrowed) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be between 1 and 256, got " + threads);
        }
        this.kernels = kernels;
        this.config = config;
        this.batch = batch.size();
        this.arena = new TensorArena("serial evaluation");
        try {
            int w = config.stateSize();
            var p = config.precision();
            this.states = new Matrix[config.layers() + 1];
            this.preActivations = new Matrix[config.layers()];
            for (int i = 0; i <= config.layers(); i++) {
                states[i] = arena.matrix(p, w, this.batch);
                if (i < config.layers()) {
                    preActivations[i] = arena.matrix(p, w, this.batch);
                }
            }
            this.predictions = new int[this.batch];
            this.lambdaMatrices = new Matrix[] {arena.matrix(p, w, this.batch), arena.matrix(p, w, this.batch)};
            Matrix g = arena.matrix(p, w, this.batch);
            Matrix zScratch = arena.matrix(p, w, this.batch);
            ParameterLayout layout = new ParameterLayout(config);
            int count = (this.batch + SLICE - 1) / SLICE;
            this.slices = new Slice[count];
            for (int s = 0; s < count; s++) {
                slices[s] = new Slice(s * SLICE, Math.min((s + 1) * SLICE, this.batch), batch, lambdaMatrices, g,
                        zScratch, layout);
            }
            this.pool = borrowed != null ? borrowed : new WorkerPool(Math.min(threads, count));
            this.ownsPool = borrowed == null;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public double loss(Parameters p) {
        evaluate(p, true, false);
        forwardKept = true;
        return totalLoss();
    }

    @Override
    public double lossAndGradient(Parameters p, Parameters gradient) {
        evaluate(p, true, true);
        return sumGradient(gradient);
    }

    /** After {@code loss(p)}, only the backward pass is left to run: the forward pass kept what it needs. */
    @Override
    public double lossAndGradientAfterLoss(Parameters p, Parameters gradient) {
        if (!forwardKept) {
            throw new IllegalStateException("no loss evaluation to continue: call loss(p) first");
        }
        evaluate(p, false, true);
        return sumGradient(gradient);
    }

    /** The slices' partial gradients, summed in slice order. */
    private double sumGradient(Parameters gradient) {
        kernels.copy(slices[0].partial.flat(), gradient.flat());
        for (int s = 1; s < slices.length; s++) {
            kernels.axpby(1, slices[s].partial.flat(), 1, gradient.flat());
        }
        return totalLoss();
    }

    private double totalLoss() {
        double sum = 0;
        for (Slice s : slices) {
            sum += s.loss;
        }
        return sum / batch;
    }

    @Override
    public int correct() {
        int n = 0;
        for (Slice s : slices) {
            n += s.correct;
        }
        return n;
    }

    /** Predicted class per example at the last evaluation (shared array: copy to keep). */
    public int[] predictions() {
        return predictions;
    }

    /** The state after layer n (0 = after the opening layer) at the last evaluation. */
    public Matrix state(int n) {
        return states[n];
    }

    /** Runs the passes asked for on every slice: a fixed contiguous run of slices per worker, the caller worker 0. */
    private void evaluate(Parameters p, boolean forward, boolean backward) {
        current = p;
        runForward = forward;
        runBackward = backward;
        forwardKept = false;
        pool.run(body);
    }

    private void runShare(int worker, int workers) {
        for (int s = Partition.from(worker, workers, slices.length); s < Partition.to(worker, workers, slices.length);
                s++) {
            if (runForward) {
                slices[s].forward(current);
            }
            if (runBackward) {
                slices[s].backward(current);
            }
        }
    }

    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
        arena.close();
    }
}
