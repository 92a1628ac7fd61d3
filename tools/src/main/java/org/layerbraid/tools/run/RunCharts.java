package org.layerbraid.tools.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.tools.report.Charts;
import org.layerbraid.tools.report.GridClassifier;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/** The charts of a training run: curves always, the decision map for 2-D inputs. */
final class RunCharts {
    /** Grid points classified per forward pass: bounds the memory of deep networks' stored states. */
    private static final int CHUNK = 2048;

    private RunCharts() {
    }

    static void write(Path out, List<HistoryRow> rows, ResNet model, Split split) throws IOException {
        Charts charts = Charts.standard();
        if (!rows.isEmpty()) {
            charts.trainingCurves(out, rows);
        }
        if (model.config().features() == 2) {
            charts.decisionMap(out.resolve("decision_map.png"), classifier(model), split.train());
        }
    }

    /** Classifies grid points with the network, CHUNK points at a time. */
    private static GridClassifier classifier(ResNet model) {
        return points -> {
            int n = points.length / 2;
            int[] classes = new int[n];
            int size = Math.min(CHUNK, n);
            try (TensorArena arena = new TensorArena("decision map")) {
                Matrix inputs = arena.matrix(model.config().precision(), 2, size);
                try (SerialEvaluator evaluator = new SerialEvaluator(Kernels.defaults(), model.config(),
                        new Batch(inputs, new int[size]), Runtime.getRuntime().availableProcessors())) {
                    for (int from = 0; from < n; from += size) {
                        int count = Math.min(size, n - from);
                        for (int i = 0; i < size; i++) {
                            int p = from + Math.min(i, count - 1);
                            inputs.set(0, i, points[2 * p]);
                            inputs.set(1, i, points[2 * p + 1]);
                        }
                        evaluator.loss(model.parameters());
                        System.arraycopy(evaluator.predictions(), 0, classes, from, count);
                    }
                }
            }
            return classes;
        };
    }
}
