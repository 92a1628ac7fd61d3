package org.layerbraid.mgrit.train;

import org.layerbraid.vecmath.Matrix;

/** A differentiable function of a flat parameter vector: what the optimisers minimise. */
public interface Objective {
    /** f(x). */
    double value(Matrix x);

    /** f(x); {@code gradient} is overwritten with ∇f(x). */
    double valueAndGradient(Matrix x, Matrix gradient);

    /**
     * f(x) and ∇f(x) right after {@code value} was called with the same values of x (a line search's accepted point);
     * an objective that kept that evaluation may skip part of the work, with the same result as
     * {@link #valueAndGradient}. The default evaluates again.
     */
    default double valueAndGradientAfterValue(Matrix x, Matrix gradient) {
        return valueAndGradient(x, gradient);
    }

    /** For the log: the data term of the last evaluation (NaN when the objective has none). */
    default double lastLoss() {
        return Double.NaN;
    }

    /** For the log: examples classified correctly at the last evaluation (0 when not a classifier). */
    default int lastCorrect() {
        return 0;
    }

    /** For the log: the forward MGRIT residual norm of the last evaluation (0 for exact propagation). */
    default double lastStateResidual() {
        return 0;
    }

    /** For the log: the adjoint MGRIT residual norm of the last gradient evaluation (0 for exact propagation). */
    default double lastAdjointResidual() {
        return 0;
    }
}
