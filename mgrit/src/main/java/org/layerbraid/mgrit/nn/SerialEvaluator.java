package org.layerbraid.mgrit.nn;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * Exact layer-serial evaluation of the mean loss and its gradient on one batch: forward propagation
 * through the opening layer and N residual steps storing every state and pre-activation, the classifier,
 * then the adjoint backwards through the same steps (backpropagation). Owns its workspace (states for all
 * N + 1 layers): make one per batch and reuse it.
 */
public final class SerialEvaluator implements AutoCloseable {
    private final Kernels kernels;
    private final NetworkConfig config;
    private final TensorArena arena;
    private final OpeningLayer opening;
    private final ClassifierLayer classifier;
    private final ResNetPropagator propagator;
    private final Matrix[] states;
    private final Matrix[] preActivations;
    private final Matrix lambda;
    private final Matrix lambdaPrev;

    public SerialEvaluator(Kernels kernels, NetworkConfig config, Batch batch) {
        this.kernels = kernels;
        this.config = config;
        this.arena = new TensorArena("serial evaluation");
        try {
            int w = config.width();
            int n = batch.size();
            var p = config.precision();
            this.opening = new OpeningLayer(kernels, config, batch.inputs(), arena);
            this.classifier = new ClassifierLayer(kernels, config, batch.labels(), arena);
            this.propagator = new ResNetPropagator(kernels, config, arena.matrix(p, w, n), arena.matrix(p, w, n));
            this.states = new Matrix[config.layers() + 1];
            this.preActivations = new Matrix[config.layers()];
            for (int i = 0; i <= config.layers(); i++) {
                states[i] = arena.matrix(p, w, n);
                if (i < config.layers()) {
                    preActivations[i] = arena.matrix(p, w, n);
                }
            }
            this.lambda = arena.matrix(p, w, n);
            this.lambdaPrev = arena.matrix(p, w, n);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The mean loss at p (forward only). */
    public double loss(Parameters p) {
        return forward(p, false);
    }

    /** The mean loss at p; {@code gradient} is overwritten with its gradient (data term only). */
    public double lossAndGradient(Parameters p, Parameters gradient) {
        double loss = forward(p, true);
        kernels.fill(gradient.flat(), 0);
        propagator.accumulateInto(gradient);
        int last = config.layers();
        classifier.backward(p, gradient, states[last], lambda);
        Matrix current = lambda;
        Matrix previous = lambdaPrev;
        double h = config.h();
        for (int n = last - 1; n >= 0; n--) {
            propagator.adjointStep(n, h, states[n], preActivations[n], current, previous, true, 0, current.cols());
            Matrix t = current;
            current = previous;
            previous = t;
        }
        opening.backward(gradient, current);
        return loss;
    }

    /** Correctly classified examples at the last evaluation. */
    public int correct() {
        return classifier.correct();
    }

    /** Predicted class per example at the last evaluation (shared array: copy to keep). */
    public int[] predictions() {
        return classifier.predictions();
    }

    /** The state after layer n (0 = after the opening layer) at the last evaluation. */
    public Matrix state(int n) {
        return states[n];
    }

    private double forward(Parameters p, boolean gradient) {
        propagator.use(p);
        opening.forward(p, states[0]);
        double h = config.h();
        int cols = states[0].cols();
        for (int n = 0; n < config.layers(); n++) {
            // Pre-activations are kept only for the adjoint; value-only passes (line search) skip them.
            propagator.step(n, h, states[n], states[n + 1], gradient ? preActivations[n] : null, 0, cols);
        }
        return classifier.forward(p, states[config.layers()], gradient);
    }

    @Override
    public void close() {
        arena.close();
    }
}
