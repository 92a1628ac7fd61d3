package org.layerbraid.mgrit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Regularization;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/**
 * L-BFGS that finishes the line search's forward pass with the backward pass alone trains bitwise as it did when it
 * evaluated the accepted point again, line-search reductions included.
 */
class BackwardAfterLineSearchTest {
    private final Kernels kernels = Kernels.defaults();

    /** The same objective without the shortcut: {@code valueAndGradientAfterValue} keeps its default. */
    private record EvaluatingAgain(NetworkObjective inner) implements Objective {
        @Override
        public double value(Matrix x) {
            return inner.value(x);
        }

        @Override
        public double valueAndGradient(Matrix x, Matrix gradient) {
            return inner.valueAndGradient(x, gradient);
        }

        @Override
        public double lastLoss() {
            return inner.lastLoss();
        }

        @Override
        public int lastCorrect() {
            return inner.lastCorrect();
        }
    }

    @Test
    void theHistoryIsBitwiseTheSame() {
        List<HistoryRow> shortcut = train(false);
        List<HistoryRow> again = train(true);
        assertEquals(again, shortcut);
        assertTrue(shortcut.stream().anyMatch(r -> r.lineSearchIterations() > 0), "no line-search reduction was made");
    }

    private List<HistoryRow> train(boolean evaluateAgain) {
        Split split = Peaks.generate(600, 1, 3);
        NetworkConfig config = new NetworkConfig(2, 5, 8, 6, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                true, 1e-7, 1e-5, 1e-7, Precision.F64);
        List<HistoryRow> rows = new ArrayList<>();
        try (TensorArena data = new TensorArena("data"); ResNet model = new ResNet(config);
                SerialEvaluator evaluator = new SerialEvaluator(kernels, config,
                        new Batch(split.train().toMatrix(data, config.precision()), split.train().labels()), 2)) {
            Initialization.reference().apply(model.parameters(), 1);
            NetworkObjective objective = new NetworkObjective(model.layout(), evaluator,
                    new Regularization(kernels, config, data));
            Lbfgs lbfgs = new Lbfgs(kernels, 10, config.precision(), model.layout().size(), data);
            try (FullBatchTrainer trainer = new FullBatchTrainer(kernels,
                    evaluateAgain ? new EvaluatingAgain(objective) : objective, model.flat(), lbfgs,
                    new LineSearch(kernels, 8, 0.5, 1e-4, 20), 1e-9, 600)) {
                // Every field but the wall time.
                trainer.run(25, x -> Double.NaN, (r, t) -> rows.add(new HistoryRow(r.iteration(), r.stateResidual(),
                        r.adjointResidual(), r.objective(), r.loss(), r.gradientNorm(), r.step(), r.lineSearchIterations(),
                        r.trainAccuracy(), r.validationAccuracy(), 0)));
            }
        }
        return rows;
    }
}
