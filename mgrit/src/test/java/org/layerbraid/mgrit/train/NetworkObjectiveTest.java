package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.nn.Evaluator;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ParameterLayout;
import org.layerbraid.mgrit.nn.Parameters;
import org.layerbraid.mgrit.nn.Regularization;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** The objective is the evaluator's loss plus the regularisation, in value and gradient, and reports what the log needs. */
class NetworkObjectiveTest {
    private final Kernels kernels = Kernels.defaults();
    private final NetworkConfig config = new NetworkConfig(2, 3, 4, 3, 1.0, Activation.TANH,
            NetworkConfig.Opening.DENSE, false, 0.1, 0.2, 0.3, Precision.F64);

    /** Loss 2 (3 with the gradient, which is all ones), 7 correct, residuals 0.5 and 0.25. */
    private static final class Scripted implements Evaluator {
        @Override
        public double loss(Parameters p) {
            return 2;
        }

        @Override
        public double lossAndGradient(Parameters p, Parameters gradient) {
            Matrix g = gradient.flat();
            for (int i = 0; i < g.cols(); i++) {
                g.set(0, i, 1);
            }
            return 3;
        }

        /** Loss 4 when continuing a loss evaluation, so that a test sees which was called. */
        @Override
        public double lossAndGradientAfterLoss(Parameters p, Parameters gradient) {
            lossAndGradient(p, gradient);
            return 4;
        }

        @Override
        public int correct() {
            return 7;
        }

        @Override
        public double stateResidual() {
            return 0.5;
        }

        @Override
        public double adjointResidual() {
            return 0.25;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void valueAndGradientAddTheRegularisationToTheLoss() {
        ParameterLayout layout = new ParameterLayout(config);
        try (TensorArena arena = new TensorArena("test")) {
            Regularization regularization = new Regularization(kernels, config, arena);
            Matrix x = arena.vector(Precision.F64, layout.size());
            for (int i = 0; i < x.cols(); i++) {
                x.set(0, i, Math.sin(i + 1));
            }
            Parameters p = layout.views(x);
            double penalty = regularization.value(p);
            assertTrue(penalty > 0);
            Matrix expectedGradient = arena.vector(Precision.F64, layout.size());
            regularization.addGradient(p, layout.views(expectedGradient));

            NetworkObjective objective = new NetworkObjective(layout, new Scripted(), regularization);
            assertEquals(Double.NaN, objective.lastLoss(), "nothing evaluated yet");
            assertEquals(2 + penalty, objective.value(x));
            assertEquals(2, objective.lastLoss());
            Matrix gradient = arena.vector(Precision.F64, layout.size());
            assertEquals(3 + penalty, objective.valueAndGradient(x, gradient));
            assertEquals(3, objective.lastLoss());
            for (int i = 0; i < x.cols(); i++) {
                assertEquals(1 + expectedGradient.get(0, i), gradient.get(0, i), 1e-15, "parameter " + i);
            }
            assertEquals(7, objective.lastCorrect());
            assertEquals(0.5, objective.lastStateResidual());
            assertEquals(0.25, objective.lastAdjointResidual());
        }
    }

    @Test
    void afterAValueTheGradientContinuesTheEvaluatorsLossEvaluation() {
        ParameterLayout layout = new ParameterLayout(config);
        try (TensorArena arena = new TensorArena("test")) {
            Regularization regularization = new Regularization(kernels, config, arena);
            Matrix x = arena.vector(Precision.F64, layout.size());
            double penalty = regularization.value(layout.views(x));
            NetworkObjective objective = new NetworkObjective(layout, new Scripted(), regularization);
            Matrix gradient = arena.vector(Precision.F64, layout.size());
            assertEquals(2 + penalty, objective.value(x));
            assertEquals(4 + penalty, objective.valueAndGradientAfterValue(x, gradient));
            assertEquals(4, objective.lastLoss());
            assertEquals(3 + penalty, objective.valueAndGradient(x, gradient));
        }
    }

    @Test
    void anObjectiveWithoutALogSaysSo() {
        Objective plain = new Objective() {
            @Override
            public double value(Matrix x) {
                return 0;
            }

            @Override
            public double valueAndGradient(Matrix x, Matrix gradient) {
                return 0;
            }
        };
        assertEquals(Double.NaN, plain.lastLoss());
        assertEquals(0, plain.lastCorrect());
        assertEquals(0, plain.lastStateResidual());
        assertEquals(0, plain.lastAdjointResidual());
    }
}
