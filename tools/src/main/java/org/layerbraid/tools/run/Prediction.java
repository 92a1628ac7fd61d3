package org.layerbraid.tools.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.layerbraid.mgrit.data.DataSet;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.data.Standardization;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.mgrit.training.DataSources;
import org.layerbraid.mgrit.training.TrainSettings;
import org.layerbraid.mgrit.training.TrainingRun;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.TensorArena;

/**
 * Predictions of a saved model on a data set: by default the validation part of the data it was trained
 * on (regenerated from the settings in the model file), or another source. Prints the accuracy and, when
 * asked, writes one line per example (index, label, prediction).
 */
public final class Prediction {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Prediction() {
    }

    /** Which examples to predict. */
    public enum Part { train, validation, all }

    /**
     * @param source another data source ({@code example}, {@code data}, {@code labelColumn} taken from it), or
     *               null for the model's own
     * @return the accuracy in percent
     */
    public static double run(Path modelFile, String example, Path data, String labelColumn, Part part, Path out,
            PrintStream console) throws IOException {
        SafeTensors file = SafeTensors.read(modelFile);
        String json = file.metadata().get(TrainingRun.SETTINGS_KEY);
        if (json == null) {
            throw new IllegalArgumentException(modelFile + " has no training settings in its metadata: it was not "
                    + "written by layerbraid train");
        }
        TrainSettings settings = TrainSettings.fromJson(json);
        if (example != null || data != null) {
            settings = settings.withData(data != null ? "csv" : example, data, labelColumn);
        }
        Standardization standardization = ModelFile.standardization(file, ModelFile.config(file, modelFile).features());
        List<String> classNames = ModelFile.classNames(file);
        List<String> featureNames = ModelFile.featureNames(file);
        if (settings.example().equals("csv") && classNames.isEmpty()) {
            // Every model file written since names are stored has class names.
            console.println("note: " + modelFile + " stores no class or feature names (written by an older version): "
                    + "labels and columns are matched by position");
        }
        Split split = DataSources.load(settings, standardization, classNames, featureNames);
        try (ResNet model = new ResNet(ModelFile.config(file, modelFile)); TensorArena arena = new TensorArena("data")) {
            ModelFile.load(file, model);
            if (split.train().features() != model.config().features()) {
                throw new IllegalArgumentException("the data has " + split.train().features() + " features, the model "
                        + "takes " + model.config().features());
            }
            StringBuilder lines = new StringBuilder("part,index,label,prediction\n");
            long correct = 0;
            long total = 0;
            for (Part p : part == Part.all ? new Part[] {Part.train, Part.validation} : new Part[] {part}) {
                DataSet d = p == Part.train ? split.train() : split.validation();
                if (d.size() == 0) {
                    continue;
                }
                Batch batch = new Batch(d.toMatrix(arena, model.config().precision()), d.labels());
                try (SerialEvaluator evaluator = new SerialEvaluator(Kernels.defaults(), model.config(), batch,
                        Runtime.getRuntime().availableProcessors())) {
                    evaluator.loss(model.parameters());
                    int[] predicted = evaluator.predictions();
                    for (int i = 0; i < d.size(); i++) {
                        lines.append(p).append(',').append(i).append(',').append(d.labels()[i]).append(',')
                                .append(predicted[i]).append('\n');
                    }
                    correct += evaluator.correct();
                    total += d.size();
                }
            }
            if (total == 0) {
                throw new IllegalArgumentException("the " + part + " part of " + settings.example() + " is empty");
            }
            double accuracy = 100.0 * correct / total;
            console.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d) on the %s part of %s%n", accuracy, correct, total,
                    part, settings.example().equals("csv") ? settings.data() : settings.example());
            if (out != null) {
                AtomicFiles.writeString(out, lines.toString());
                console.println("Wrote " + out);
            }
            return accuracy;
        }
    }
}
