package org.layerbraid.tools.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.nio.file.Path;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/**
 * Everything a training run depends on, validated, and serialisable to JSON (summary.json, checkpoint
 * metadata). Two runs with equal settings produce bitwise equal results.
 *
 * @param example          peaks, fashion-mnist or csv
 * @param batch            0 for full batch (L-BFGS, gradient descent); the minibatch size for sgd and adam
 * @param iterations       optimisation iterations (epochs for sgd and adam)
 * @param threads          threads sharing each batch: data-parallel for serial propagation, layer-parallel (MGRIT
 *                         workers) otherwise; results do not depend on it
 * @param layerParallel    how the residual layers are propagated (serial, parallel or oneshot MGRIT)
 * @param nestedLevels     nested iteration: first train N/2^k, …, N/2 layers, each from the one before
 * @param nestedIterations iterations of each of those shallower stages
 * @param initFrom         a model file (any depth, same width and data) whose weights, interpolated over the
 *                         layers, start the training; null to initialise at random
 */
public record TrainSettings(String example, Path data, String labelColumn, double validationFraction,
        int trainSize, int validationSize, Path fashionMnistDir, int limit,
        int layers, int width, double finalTime, Activation activation, boolean denseOpening, boolean scalarBias,
        double gammaTik, double gammaDdt, double gammaClass, Precision precision,
        Initialization.Kind init, double initOpening, double initLayers, double initClassifier,
        String optimizer, int iterations, int batch, double learningRate, double momentum, int lbfgsMemory,
        int lsMaxIterations, double lsFactor, double initialStep, double gtol, long seed, int checkpointEvery,
        int threads, LayerParallelSettings layerParallel, int nestedLevels, int nestedIterations, Path initFrom) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public TrainSettings {
        switch (example) {
            case "peaks", "fashion-mnist", "csv" -> { }
            default -> throw new IllegalArgumentException("unknown example '" + example + "': use peaks or fashion-mnist, "
                    + "or --data FILE.csv");
        }
        switch (optimizer) {
            case "lbfgs", "gd", "sgd", "adam" -> { }
            default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer
                    + "': use lbfgs, gd, sgd or adam");
        }
        atLeast("--layers", layers, 1);
        atLeast("--width", width, 1);
        atLeast("--iterations", iterations, 0);
        atLeast("--lbfgs-memory", lbfgsMemory, 1);
        atLeast("--ls-max-iterations", lsMaxIterations, 0);
        atLeast("--checkpoint-every", checkpointEvery, 0);
        atLeast("--batch", batch, 0);
        atLeast("--limit", limit, 0);
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be between 1 and 256, got " + threads);
        }
        if (example.equals("peaks")) {
            atLeast("--train-size", trainSize, 5);
            atLeast("--validation-size", validationSize, 1);
        }
        if (!(finalTime > 0) || Double.isInfinite(finalTime)) {
            throw new IllegalArgumentException("--final-time must be positive and finite, got " + finalTime);
        }
        for (double g : new double[] {gammaTik, gammaDdt, gammaClass}) {
            if (!(g >= 0) || Double.isInfinite(g)) {
                throw new IllegalArgumentException("regularisation weights (--gamma-*) must be ≥ 0 and finite, got " + g);
            }
        }
        if (!(gtol >= 0)) {
            throw new IllegalArgumentException("--gtol must be ≥ 0, got " + gtol);
        }
        if (!(lsFactor > 0 && lsFactor < 1)) {
            throw new IllegalArgumentException("--ls-factor must be in (0, 1), got " + lsFactor);
        }
        if (!(initialStep > 0) || !(learningRate > 0)) {
            throw new IllegalArgumentException("--initial-step and --learning-rate must be positive");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--validation-fraction must be in (0, 1), got " + validationFraction);
        }
        if (example.equals("csv") && data == null) {
            throw new IllegalArgumentException("the csv example needs --data FILE.csv");
        }
        if (layerParallel == null) {
            layerParallel = LayerParallelSettings.serial();
        }
        atLeast("--nested-levels", nestedLevels, 0);
        atLeast("--nested-iterations", nestedIterations, 1);
        if (nestedLevels > 0 && (nestedLevels > 20 || layers % (1 << nestedLevels) != 0)) {
            throw new IllegalArgumentException("--nested-levels " + nestedLevels + " halves the depth " + nestedLevels
                    + " times: --layers " + layers + " must be divisible by " + (1L << Math.min(nestedLevels, 40)));
        }
        for (int k = nestedLevels; k >= 0; k--) {
            layerParallel.checkDepth(layers >> k);
        }
        layerParallel.checkThreads(threads);
        if (layerParallel.oneShot() && (optimizer.equals("sgd") || optimizer.equals("adam"))) {
            throw new IllegalArgumentException("--method oneshot needs full-batch training (lbfgs or gd): its warm "
                    + "restarts assume the same examples every step; use --method parallel with " + optimizer);
        }
    }

    /** The same settings reading another data source (for predictions on new data). */
    public TrainSettings withData(String newExample, java.nio.file.Path newData, String newLabelColumn) {
        return new TrainSettings(newExample, newData, newLabelColumn, validationFraction, trainSize, validationSize,
                fashionMnistDir, limit, layers, width, finalTime, activation, denseOpening, scalarBias, gammaTik,
                gammaDdt, gammaClass, precision, init, initOpening, initLayers, initClassifier, optimizer, iterations,
                batch, learningRate, momentum, lbfgsMemory, lsMaxIterations, lsFactor, initialStep, gtol, seed,
                checkpointEvery, threads, layerParallel, nestedLevels, nestedIterations, initFrom);
    }

    /**
     * The settings of nested iteration's stage with {@code stageLayers} layers: the same run, shallower, for the
     * stage's iterations, started from {@code start} (null: at random), with no nesting of its own.
     */
    TrainSettings nestedStage(int stageLayers, int stageIterations, Path start) {
        return new TrainSettings(example, data, labelColumn, validationFraction, trainSize, validationSize,
                fashionMnistDir, limit, stageLayers, width, finalTime, activation, denseOpening, scalarBias, gammaTik,
                gammaDdt, gammaClass, precision, init, initOpening, initLayers, initClassifier, optimizer,
                stageIterations, batch, learningRate, momentum, lbfgsMemory, lsMaxIterations, lsFactor, initialStep,
                gtol, seed, checkpointEvery, threads, layerParallel, 0, nestedIterations, start);
    }

    /** The same settings starting from the weights of {@code start}. */
    TrainSettings startingFrom(Path start) {
        return new TrainSettings(example, data, labelColumn, validationFraction, trainSize, validationSize,
                fashionMnistDir, limit, layers, width, finalTime, activation, denseOpening, scalarBias, gammaTik,
                gammaDdt, gammaClass, precision, init, initOpening, initLayers, initClassifier, optimizer, iterations,
                batch, learningRate, momentum, lbfgsMemory, lsMaxIterations, lsFactor, initialStep, gtol, seed,
                checkpointEvery, threads, layerParallel, nestedLevels, nestedIterations, start);
    }

    /** Whether the optimiser works on minibatches. */
    boolean minibatch() {
        return optimizer.equals("sgd") || optimizer.equals("adam");
    }

    /**
     * Whether both describe the same run: equal but for what a resume may change (iterations, checkpoint interval,
     * threads), which do not change its results.
     */
    public boolean sameRunAs(TrainSettings other) {
        return resumable().toJson().equals(other.resumable().toJson());
    }

    private TrainSettings resumable() {
        return new TrainSettings(example, data, labelColumn, validationFraction, trainSize, validationSize,
                fashionMnistDir, limit, layers, width, finalTime, activation, denseOpening, scalarBias, gammaTik,
                gammaDdt, gammaClass, precision, init, initOpening, initLayers, initClassifier, optimizer, 0, batch,
                learningRate, momentum, lbfgsMemory, lsMaxIterations, lsFactor, initialStep, gtol, seed, 0,
                layerParallel.batchThreads(),
                layerParallel, nestedLevels, nestedIterations, initFrom);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }

    static TrainSettings fromJson(String json) {
        try {
            return JSON.readValue(json, TrainSettings.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("the saved training settings cannot be read: " + e.getMessage());
        }
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }
}
