package org.layerbraid.mgrit.nn;

import java.util.Locale;
import java.util.function.Consumer;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.solver.SolveDivergedException;
import org.layerbraid.mgrit.solver.SolveStatistics;
import org.layerbraid.vecmath.Kernels;

/**
 * The one-shot method under adaptive control. Every gradient evaluation looks at the MGRIT convergence factor of
 * its forward and adjoint solves (the last iteration's residual over the one before); every {@code checkEvery}
 * evaluations it also computes the exact serial gradient and the angle between the two. When a factor exceeds
 * {@code maxFactor} (once the residual is above rounding level, {@value #RESIDUAL_FLOOR}) or the angle exceeds
 * {@code maxAngleDegrees}, the iteration counts go up by one (up to {@code maxIterations}); when they are already
 * at the cap, or a solve diverges, that step takes the serial gradient instead. Each decision is reported, one
 * line, to the listener. Loss-only evaluations (the line
 * search) stay one-shot.
 */
public final class AdaptiveEvaluator implements Evaluator {
    /** The bounds and the cadence of the control. */
    public record Policy(int checkEvery, double maxFactor, double maxAngleDegrees, int maxIterations) {
        /** Validates; throws IllegalArgumentException naming the setting. */
        public Policy {
            if (checkEvery < 1) {
                throw new IllegalArgumentException("the angle check interval must be at least 1, got " + checkEvery);
            }
            if (!(maxFactor > 0) || Double.isInfinite(maxFactor)) {
                throw new IllegalArgumentException("the convergence factor bound must be positive, got " + maxFactor);
            }
            if (!(maxAngleDegrees > 0 && maxAngleDegrees < 90)) {
                throw new IllegalArgumentException("the angle bound must be in (0, 90) degrees, got "
                        + maxAngleDegrees);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("the iteration cap must be at least 1, got " + maxIterations);
            }
        }
    }

    /** Residual norms at or below this are converged for any practical purpose: their ratios are not watched. */
    static final double RESIDUAL_FLOOR = 1e-10;
    private static final String EVALUATIONS = "adaptive.evaluations";

    private final Kernels kernels;
    private final LayerParallelEvaluator oneShot;
    private final SerialEvaluator serial;
    private final Policy policy;
    private final Consumer<String> decisions;
    private final Parameters exact;
    private int evaluations;
    private boolean lastWasSerial;

    /**
     * @param oneShot   the one-shot evaluator (owned: closed with this one)
     * @param serial    an exact evaluator of the same batch (owned)
     * @param scratch   a parameter-shaped vector for the serial gradient
     * @param decisions receives one line per decision
     */
    public AdaptiveEvaluator(Kernels kernels, LayerParallelEvaluator oneShot, SerialEvaluator serial,
            Parameters scratch, Policy policy, Consumer<String> decisions) {
        this.kernels = kernels;
        this.oneShot = oneShot;
        this.serial = serial;
        this.exact = scratch;
        this.policy = policy;
        this.decisions = decisions;
    }

    @Override
    public double loss(Parameters p) {
        try {
            lastWasSerial = false;
            return oneShot.loss(p);
        } catch (SolveDivergedException e) {
            decide("forward MGRIT diverged in a line-search evaluation (" + e.getMessage() + "): evaluated serially");
            lastWasSerial = true;
            return serial.loss(p);
        }
    }

    @Override
    public double lossAndGradient(Parameters p, Parameters gradient) {
        int step = evaluations++;
        double loss;
        try {
            loss = oneShot.lossAndGradient(p, gradient);
        } catch (SolveDivergedException e) {
            raise(step, "MGRIT diverged (" + e.getMessage() + ")");
            decide(String.format(Locale.ROOT, "step %d: serial gradient", step));
            lastWasSerial = true;
            return serial.lossAndGradient(p, gradient);
        }
        lastWasSerial = false;
        double factor = Math.max(lastFactor(oneShot.forwardStatistics()), lastFactor(oneShot.adjointStatistics()));
        String trouble = null;
        if (factor > policy.maxFactor()) {
            trouble = String.format(Locale.ROOT, "convergence factor %.3g > %.3g", factor, policy.maxFactor());
        }
        if (step % policy.checkEvery() == 0) {
            serial.lossAndGradient(p, exact);
            double angle = angleDegrees(gradient, exact);
            if (trouble == null && angle > policy.maxAngleDegrees()) {
                trouble = String.format(Locale.ROOT, "gradient %.1f° from the serial one (bound %.1f°)", angle,
                        policy.maxAngleDegrees());
            }
        }
        if (trouble == null || raise(step, trouble)) {
            return loss;
        }
        decide(String.format(Locale.ROOT, "step %d: %s at the iteration cap: serial gradient", step, trouble));
        lastWasSerial = true;
        return serial.lossAndGradient(p, gradient);
    }

    /** Raises both iteration counts by one; false (and nothing changes) when they are at the cap. */
    private boolean raise(int step, String why) {
        int f = oneShot.forwardIterations();
        int a = oneShot.adjointIterations();
        if (f >= policy.maxIterations() && a >= policy.maxIterations()) {
            return false;
        }
        int nf = Math.min(f + 1, policy.maxIterations());
        int na = Math.min(a + 1, policy.maxIterations());
        oneShot.iterations(nf, na);
        decide(String.format(Locale.ROOT, "step %d: %s: iterations %d/%d → %d/%d (forward/adjoint)", step, why, f, a,
                nf, na));
        return true;
    }

    private void decide(String line) {
        decisions.accept(line);
    }

    /**
     * The last iteration's convergence factor; 0 when fewer than two norms were measured or the residual is at
     * rounding level, where the ratio of two round-off norms says nothing about convergence.
     */
    private static double lastFactor(SolveStatistics s) {
        double[] r = s == null ? new double[0] : s.residualNorms();
        if (r.length < 2 || r[r.length - 1] <= RESIDUAL_FLOOR || r[r.length - 2] == 0) {
            return 0;
        }
        return r[r.length - 1] / r[r.length - 2];
    }

    private double angleDegrees(Parameters a, Parameters b) {
        double dot = kernels.dot(a.flat(), b.flat());
        double na = kernels.norm2(a.flat());
        double nb = kernels.norm2(b.flat());
        if (na == 0 || nb == 0) {
            return na == nb ? 0 : 90;
        }
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, dot / (na * nb)))));
    }

    @Override
    public int correct() {
        return lastWasSerial ? serial.correct() : oneShot.correct();
    }

    @Override
    public double stateResidual() {
        return lastWasSerial ? 0 : oneShot.stateResidual();
    }

    @Override
    public double adjointResidual() {
        return lastWasSerial ? 0 : oneShot.adjointResidual();
    }

    @Override
    public void save(SafeTensors.Writer checkpoint) {
        oneShot.save(checkpoint);
        checkpoint.add(EVALUATIONS, new long[] {evaluations});
    }

    @Override
    public void restore(SafeTensors checkpoint) {
        oneShot.restore(checkpoint);
        if (checkpoint.names().contains(EVALUATIONS)) {
            evaluations = (int) checkpoint.longs(EVALUATIONS)[0];
        }
    }

    /** The iteration counts now in force, forward and adjoint. */
    public int[] iterations() {
        return new int[] {oneShot.forwardIterations(), oneShot.adjointIterations()};
    }

    @Override
    public void close() {
        oneShot.close();
        serial.close();
    }
}
