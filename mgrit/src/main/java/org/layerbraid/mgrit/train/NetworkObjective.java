package org.layerbraid.mgrit.train;

import java.util.IdentityHashMap;
import java.util.Map;
import org.layerbraid.mgrit.nn.ParameterLayout;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.Regularization;
import org.layerbraid.mgrit.nn.Evaluator;
import org.layerbraid.vecmath.Matrix;

/**
 * The training objective on one batch: the mean loss from an evaluator plus the regularisation. Remembers
 * the loss and the number of correct predictions of the last evaluation for the log.
 */
public final class NetworkObjective implements Objective {
    private final ParameterLayout layout;
    private final Evaluator evaluator;
    private final Regularization regularization;
    /** Views per vector: the optimiser uses a handful of vectors, so this stays tiny. */
    private final Map<Matrix, Parameters> views = new IdentityHashMap<>();
    private double lastLoss = Double.NaN;

    public NetworkObjective(ParameterLayout layout, Evaluator evaluator, Regularization regularization) {
        this.layout = layout;
        this.evaluator = evaluator;
        this.regularization = regularization;
    }

    @Override
    public double value(Matrix x) {
        Parameters p = views(x);
        lastLoss = evaluator.loss(p);
        return lastLoss + regularization.value(p);
    }

    @Override
    public double valueAndGradient(Matrix x, Matrix gradient) {
        return withGradient(x, gradient, false);
    }

    @Override
    public double valueAndGradientAfterValue(Matrix x, Matrix gradient) {
        return withGradient(x, gradient, true);
    }

    /** The evaluator's loss and gradient (continuing its last loss if asked), plus the regularisation. */
    private double withGradient(Matrix x, Matrix gradient, boolean afterValue) {
        Parameters p = views(x);
        Parameters g = views(gradient);
        lastLoss = afterValue ? evaluator.lossAndGradientAfterLoss(p, g) : evaluator.lossAndGradient(p, g);
        regularization.addGradient(p, g);
        return lastLoss + regularization.value(p);
    }

    /** The mean loss (without regularisation) at the last evaluation. */
    @Override
    public double lastLoss() {
        return lastLoss;
    }

    /** Correct predictions at the last evaluation. */
    @Override
    public int lastCorrect() {
        return evaluator.correct();
    }

    @Override
    public double lastStateResidual() {
        return evaluator.stateResidual();
    }

    @Override
    public double lastAdjointResidual() {
        return evaluator.adjointResidual();
    }

    private Parameters views(Matrix flat) {
        return views.computeIfAbsent(flat, layout::views);
    }
}
