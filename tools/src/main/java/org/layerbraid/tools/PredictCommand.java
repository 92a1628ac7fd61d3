package org.layerbraid.tools;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.layerbraid.tools.run.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code layerbraid predict}: a saved model's predictions and accuracy. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts with a model written by 'layerbraid train' and prints the accuracy.",
            "By default on the validation part of the data it was trained on (regenerated from the model's settings)."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "model.safetensors from a training run.")
    Path model;
    @Option(names = "--example", description = "Predict on this example data set instead (peaks or fashion-mnist).")
    String example;
    @Option(names = "--data", paramLabel = "FILE.csv", description = "Predict on this CSV file instead (same columns as in training).")
    Path data;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column (default: the last).")
    String labelColumn;
    @Option(names = "--part", defaultValue = "validation", description = "train, validation or all (default ${DEFAULT-VALUE}).")
    Prediction.Part part;
    @Option(names = "--out", paramLabel = "FILE.csv", description = "Write part,index,label,prediction per example.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (example != null && data != null) {
            throw new IllegalArgumentException("give either --example or --data, not both");
        }
        Prediction.run(model, example, data, labelColumn, part, out, System.out);
        return 0;
    }
}
