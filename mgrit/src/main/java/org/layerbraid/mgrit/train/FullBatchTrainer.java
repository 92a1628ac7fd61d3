package org.layerbraid.mgrit.train;

import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * Deterministic full-batch optimisation, as the reference code: at each iteration the objective and its
 * gradient at x, a search direction (L-BFGS, or steepest descent), a backtracking line search, the step.
 * Stops when ‖∇f‖ < gtol or after the maximum number of iterations; a non-finite objective stops it with
 * {@link DivergedException}. Each iteration is reported to a {@link Listener} (log, progress, checkpoints).
 */
public final class FullBatchTrainer implements AutoCloseable {
    /** What the trainer reports after each iteration. */
    public interface Listener {
        void iteration(HistoryRow row, FullBatchTrainer trainer);
    }

    /** Validation accuracy (%) at x, or NaN when there is no validation set. */
    public interface Validation {
        double accuracy(Matrix x);
    }

    private final Kernels kernels;
    private final Objective objective;
    private final Matrix x;
    private final Lbfgs lbfgs;
    private final LineSearch lineSearch;
    private final double gtol;
    private final int trainingExamples;
    private final TensorArena arena;
    private final Matrix gradient;
    private final Matrix newGradient;
    private final Matrix direction;
    private final Matrix trial;
    private int iteration;
    private double secondsBefore;
    /** The objective at the current x (its gradient is in {@link #gradient}), or null before the first evaluation. */
    private Evaluation current;
    /** Whether {@link #current} and the gradient came from a checkpoint, so run() need not evaluate at x. */
    private boolean resumed;

    /**
     * What an evaluation at x gave, as the log needs it: the objective, the data loss, the correct predictions and
     * the MGRIT residual norms.
     */
    public record Evaluation(double objective, double loss, int correct, double stateResidual,
            double adjointResidual) {
    }

    /**
     * @param x                the parameters, updated in place
     * @param lbfgs            L-BFGS memory, or null for plain gradient descent
     * @param trainingExamples batch size of the objective, for the accuracy
     */
    public FullBatchTrainer(Kernels kernels, Objective objective, Matrix x, Lbfgs lbfgs, LineSearch lineSearch,
            double gtol, int trainingExamples) {
        if (!(gtol >= 0)) {
            throw new IllegalArgumentException("gtol must be ≥ 0, got " + gtol);
        }
        this.kernels = kernels;
        this.objective = objective;
        this.x = x;
        this.lbfgs = lbfgs;
        this.lineSearch = lineSearch;
        this.gtol = gtol;
        this.trainingExamples = trainingExamples;
        this.arena = new TensorArena("optimiser");
        this.gradient = arena.vector(x.precision(), x.cols());
        this.newGradient = arena.vector(x.precision(), x.cols());
        this.direction = arena.vector(x.precision(), x.cols());
        this.trial = arena.vector(x.precision(), x.cols());
    }

    /** Runs until convergence or until {@code lastIteration} iterations have been made in all. */
    public void run(int lastIteration, Validation validation, Listener listener) {
        long start = System.nanoTime();
        if (!resumed) {
            evaluate(gradient, false);
        }
        resumed = false;
        double f = current.objective();
        while (iteration < lastIteration) {
            double loss = current.loss();
            double[] residuals = {current.stateResidual(), current.adjointResidual()};
            double trainAccuracy = 100.0 * current.correct() / trainingExamples;
            double gnorm = kernels.norm2(gradient);
            if (!Double.isFinite(f) || !Double.isFinite(gnorm)) {
                throw new DivergedException("the objective became " + f + " (gradient norm " + gnorm
                        + ") at iteration " + iteration);
            }
            double validationAccuracy = validation.accuracy(x);
            if (gnorm < gtol) {
                report(listener, residuals, f, loss, gnorm, 0, 0, trainAccuracy, validationAccuracy, start);
                return;
            }
            if (lbfgs != null) {
                lbfgs.direction(gradient, direction);
            } else {
                kernels.copy(gradient, direction);
                kernels.scale(-1, direction);
            }
            double slope = kernels.dot(gradient, direction);
            if (!(slope < 0) && lbfgs != null) {
                // Not a descent direction (rounding in the memory): restart from steepest descent.
                lbfgs.reset();
                kernels.copy(gradient, direction);
                kernels.scale(-1, direction);
                slope = -gnorm * gnorm;
            }
            LineSearch.Result step = lineSearch.search(objective, x, f, slope, direction, trial);
            double fAtX = f;
            // direction becomes the step s = x₊ − x; trial, no longer needed, holds y = ∇f₊ − ∇f.
            kernels.scale(step.step(), direction);
            kernels.copy(trial, x);
            // The line search's last value was at this point: its forward pass is kept, only the backward is left.
            f = evaluate(newGradient, true);
            if (lbfgs != null) {
                kernels.copy(newGradient, trial);
                kernels.axpby(-1, gradient, 1, trial);
                lbfgs.update(direction, trial);
            }
            kernels.copy(newGradient, gradient);
            // Reported once the step is taken and the memory updated: a checkpoint written by the listener then
            // holds exactly the state the next iteration starts from, so resuming from it repeats nothing.
            report(listener, residuals, fAtX, loss, gnorm, step.step(), step.iterations(), trainAccuracy,
                    validationAccuracy, start);
        }
    }

    private void report(Listener listener, double[] residuals, double f, double loss, double gnorm, double step,
            int lsIterations, double trainAccuracy, double validationAccuracy, long start) {
        double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
        HistoryRow row = new HistoryRow(iteration, residuals[0], residuals[1], f, loss, gnorm, step, lsIterations,
                trainAccuracy, validationAccuracy, seconds);
        iteration++;
        listener.iteration(row, this);
    }

    /**
     * Evaluates the objective and its gradient at x into {@code g}; remembers what the log needs. {@code afterValue}:
     * the objective's last value was at x, so it may finish that evaluation instead of starting again.
     */
    private double evaluate(Matrix g, boolean afterValue) {
        double f = afterValue ? objective.valueAndGradientAfterValue(x, g) : objective.valueAndGradient(x, g);
        current = new Evaluation(f, objective.lastLoss(), objective.lastCorrect(), objective.lastStateResidual(),
                objective.lastAdjointResidual());
        return f;
    }

    /** The evaluation at the current x (after a step: at the point the next iteration starts from). */
    public Evaluation currentEvaluation() {
        return current;
    }

    /** The gradient at the current x; owned by the trainer. */
    public Matrix currentGradient() {
        return gradient;
    }

    /** Iterations made so far (including before a resume). */
    public int iteration() {
        return iteration;
    }

    /** The L-BFGS memory, or null for gradient descent. */
    public Lbfgs lbfgs() {
        return lbfgs;
    }

    /** Continues a run: iterations already made and the wall time they took. */
    public void resumeAt(int iterationsDone, double secondsDone) {
        this.iteration = iterationsDone;
        this.secondsBefore = secondsDone;
    }

    /**
     * Continues a run from a checkpoint that also kept the evaluation at x and its gradient: the first iteration
     * uses them instead of evaluating again, so an objective with state of its own (warm-restarted MGRIT) continues
     * exactly as it would have.
     */
    public void resumeAt(int iterationsDone, double secondsDone, Evaluation atX, Matrix gradientAtX) {
        resumeAt(iterationsDone, secondsDone);
        kernels.copy(gradientAtX, gradient);
        current = atX;
        resumed = true;
    }

    @Override
    public void close() {
        arena.close();
    }
}
