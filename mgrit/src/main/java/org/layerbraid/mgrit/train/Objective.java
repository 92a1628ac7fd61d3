package org.layerbraid.mgrit.train;

import org.layerbraid.vecmath.Matrix;

/** A differentiable function of a flat parameter vector: what the optimisers minimise. */
public interface Objective {
    /** f(x). */
    double value(Matrix x);

    /** f(x); {@code gradient} is overwritten with ∇f(x). */
    double valueAndGradient(Matrix x, Matrix gradient);

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
