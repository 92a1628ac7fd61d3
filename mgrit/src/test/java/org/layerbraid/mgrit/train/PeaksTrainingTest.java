package org.layerbraid.mgrit.train;

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
import org.layerbraid.vecmath.Precision;
import org.layerbraid.vecmath.TensorArena;

/** A short serial L-BFGS run on Peaks must learn: five balanced classes, so chance is 20%. */
class PeaksTrainingTest {
    @Test
    void shortSerialRunLearnsPeaks() {
        Kernels kernels = Kernels.defaults();
        Split split = Peaks.generate(1000, 200, 1);
        NetworkConfig config = new NetworkConfig(2, 5, 8, 6, 1.0, Activation.SMOOTH_RELU, NetworkConfig.Opening.DENSE,
                true, 1e-7, 1e-5, 1e-7, Precision.F64);
        try (TensorArena data = new TensorArena("data"); ResNet model = new ResNet(config)) {
            Initialization.reference().apply(model.parameters(), 1);
            Batch train = new Batch(split.train().toMatrix(data, config.precision()), split.train().labels());
            Batch validation = new Batch(split.validation().toMatrix(data, config.precision()),
                    split.validation().labels());
            List<HistoryRow> rows = new ArrayList<>();
            try (SerialEvaluator trainEval = new SerialEvaluator(kernels, config, train);
                    SerialEvaluator valEval = new SerialEvaluator(kernels, config, validation)) {
                NetworkObjective objective = new NetworkObjective(model.layout(), trainEval,
                        new Regularization(kernels, config, data));
                Lbfgs lbfgs = new Lbfgs(kernels, 10, config.precision(), model.layout().size(), data);
                try (FullBatchTrainer trainer = new FullBatchTrainer(kernels, objective, model.flat(), lbfgs,
                        LineSearch.reference(kernels, 20), 1e-5, train.size())) {
                    trainer.run(150, x -> {
                        valEval.loss(model.layout().views(x));
                        return 100.0 * valEval.correct() / validation.size();
                    }, (row, t) -> rows.add(row));
                }
            }
            HistoryRow last = rows.getLast();
            assertTrue(last.objective() < 0.7 * rows.getFirst().objective(),
                    "objective " + rows.getFirst().objective() + " → " + last.objective());
            assertTrue(last.validationAccuracy() >= 60, "validation accuracy " + last.validationAccuracy() + "%");
            assertTrue(last.trainAccuracy() >= 60, "training accuracy " + last.trainAccuracy() + "%");
        }
    }
}
