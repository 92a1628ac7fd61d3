package org.layerbraid.mgrit.nn;

import org.layerbraid.mgrit.io.SafeTensors;

/**
 * The mean loss of the network on one batch and its gradient: what a training objective evaluates. Layer-serial
 * ({@link SerialEvaluator}) and layer-parallel ({@link LayerParallelEvaluator}) implementations differ in how they
 * propagate through the residual layers, and in whether the result is exact.
 */
public interface Evaluator extends AutoCloseable {
    /** The mean loss at p (forward only). */
    double loss(Parameters p);

    /** The mean loss at p; {@code gradient} is overwritten with its gradient (data term only). */
    double lossAndGradient(Parameters p, Parameters gradient);

    /**
     * The mean loss and its gradient at p, right after {@code loss(p)} with the same parameter values (a line search's
     * accepted point): an exact evaluator finishes that forward pass with the backward pass alone, bitwise the same as
     * {@link #lossAndGradient}; the default evaluates again.
     */
    default double lossAndGradientAfterLoss(Parameters p, Parameters gradient) {
        return lossAndGradient(p, gradient);
    }

    /** Correctly classified examples at the last evaluation. */
    int correct();

    /** The norm of the forward (state) MGRIT residual at the last evaluation: 0 when propagation is exact. */
    default double stateResidual() {
        return 0;
    }

    /** The norm of the adjoint MGRIT residual at the last gradient evaluation: 0 when propagation is exact. */
    default double adjointResidual() {
        return 0;
    }

    /**
     * Adds to a checkpoint whatever state of its own the next evaluation depends on (warm-restarted MGRIT states);
     * nothing for exact serial evaluation.
     */
    default void save(SafeTensors.Writer checkpoint) {
    }

    /** Takes back what {@link #save} wrote (checkpoints without it leave the evaluator as it is). */
    default void restore(SafeTensors checkpoint) {
    }

    @Override
    void close();
}
