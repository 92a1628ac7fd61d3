package org.layerbraid.mgrit.train;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;

/**
 * Backtracking Armijo line search, as the reference code: try {@code x + α d} with α = initial step, halve
 * (by {@code factor}) until {@code f(x + α d) ≤ f(x) + c₁ α ∇f·d} or {@code maxIterations} reductions
 * were made; the last step tried is taken either way (the log shows the count). Only values are computed:
 * forward propagation, no adjoint.
 */
public final class LineSearch {
    private final Kernels kernels;
    private final double initialStep;
    private final double factor;
    private final double c1;
    private final int maxIterations;

    /** Outcome: the step taken, the reductions made, the objective there, whether Armijo held. */
    public record Result(double step, int iterations, double value, boolean sufficientDecrease) {
    }

    public LineSearch(Kernels kernels, double initialStep, double factor, double c1, int maxIterations) {
        if (!(initialStep > 0) || !(factor > 0 && factor < 1) || !(c1 > 0 && c1 < 1) || maxIterations < 0) {
            throw new IllegalArgumentException("line search needs initial step > 0, factor and c1 in (0, 1), "
                    + "max iterations ≥ 0; got " + initialStep + ", " + factor + ", " + c1 + ", " + maxIterations);
        }
        this.kernels = kernels;
        this.initialStep = initialStep;
        this.factor = factor;
        this.c1 = c1;
        this.maxIterations = maxIterations;
    }

    /** The reference settings: step 1, factor 0.5, c₁ = 10⁻⁴, at most {@code maxIterations} halvings. */
    public static LineSearch reference(Kernels kernels, int maxIterations) {
        return new LineSearch(kernels, 1, 0.5, 1e-4, maxIterations);
    }

    /**
     * Searches along d from x (value fx, slope {@code slope = ∇f(x)·d < 0}); leaves the accepted point in
     * {@code trial}.
     */
    public Result search(Objective f, Matrix x, double fx, double slope, Matrix d, Matrix trial) {
        double step = initialStep;
        for (int i = 0; ; i++) {
            kernels.copy(x, trial);
            kernels.axpby(step, d, 1, trial);
            double value = f.value(trial);
            boolean armijo = value <= fx + c1 * step * slope;
            if (armijo || i == maxIterations) {
                return new Result(step, i, value, armijo);
            }
            step *= factor;
        }
    }
}
