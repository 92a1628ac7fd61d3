package org.layerbraid.mgrit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.nio.file.Path;
import org.layerbraid.mgrit.data.FashionMnist;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;

/**
 * Everything a training run depends on, validated, and serialisable to JSON (summary.json, checkpoint
 * metadata). Two runs with equal settings produce bitwise equal results.
 *
 * @param example          peaks, fashion-mnist or csv
 * @param width            neurons of the dense layers, or channels of the convolutional ones
 * @param denseOpening     a learned opening layer (dense, or a k × k convolution for convolutional layers) rather
 *                         than a parameter-free one (zero-padding, or the image replicated into every channel)
 * @param layer            the residual layers: dense or conv (k × k convolutions over image data)
 * @param kernel           the convolutions' kernel size k (odd); unused by dense layers
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
        String layer, int kernel, double gammaTik, double gammaDdt, double gammaClass, Precision precision,
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
        if (layer == null) {
            layer = "dense"; // settings saved before convolutional layers existed
        }
        switch (layer) {
            case "dense" -> { }
            case "conv" -> checkConvolution(example, kernel, scalarBias);
            default -> throw new IllegalArgumentException("unknown --layer '" + layer + "': use dense or conv");
        }
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

    private static void checkConvolution(String example, int kernel, boolean scalarBias) {
        if (!example.equals("fashion-mnist")) {
            throw new IllegalArgumentException("--layer conv needs image data (--example fashion-mnist); the "
                    + example + " example has no images");
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("--kernel must be odd and at least 1 (same padding centres the "
                    + "kernel on each pixel), got " + kernel);
        }
        if (kernel > FashionMnist.IMAGE_HEIGHT || kernel > FashionMnist.IMAGE_WIDTH) {
            throw new IllegalArgumentException("--kernel " + kernel + " is larger than the " + FashionMnist.IMAGE_HEIGHT
                    + " × " + FashionMnist.IMAGE_WIDTH + " images");
        }
        if (scalarBias) {
            throw new IllegalArgumentException("--layer conv takes one bias per channel (--bias channel), not one "
                    + "scalar bias per layer");
        }
    }

    /** Whether the residual layers are convolutional. */
    public boolean convolutional() {
        return layer.equals("conv");
    }

    /** The same settings reading another data source (for predictions on new data). */
    public TrainSettings withData(String newExample, java.nio.file.Path newData, String newLabelColumn) {
        return toBuilder().example(newExample).data(newData).labelColumn(newLabelColumn).build();
    }

    /**
     * The settings of nested iteration's stage with {@code stageLayers} layers: the same run, shallower, for the
     * stage's iterations, started from {@code start} (null: at random), with no nesting of its own.
     */
    TrainSettings nestedStage(int stageLayers, int stageIterations, Path start) {
        return toBuilder().layers(stageLayers).iterations(stageIterations).nestedLevels(0).initFrom(start).build();
    }

    /** The same settings starting from the weights of {@code start}. */
    TrainSettings startingFrom(Path start) {
        return toBuilder().initFrom(start).build();
    }

    /**
     * These settings with the initialisation that suits their data when it is still the reference default: the
     * reference's uniform [0, 1) × 10⁻³ is the paper's choice for Peaks (and kept for Fashion-MNIST), but from such
     * near-zero weights a small network on other (CSV) data often stays at the majority class, so CSV runs start
     * from normal × 1/√width instead, and convolutional networks from normal scaled by 1/√(terms summed): 1/√k² for
     * the opening, 1/√(channels · k²) for the residual layers, 1/√(state size) for the classifier.
     */
    public TrainSettings withDataInitialisation() {
        TrainSettings reference = builder().build();
        boolean untouched = init == reference.init && initOpening == reference.initOpening
                && initLayers == reference.initLayers && initClassifier == reference.initClassifier;
        if (!untouched) {
            return this;
        }
        if (convolutional()) {
            // A convolution sums channels · k² terms; the classifier reads channels × pixels values.
            double k2 = (double) kernel * kernel;
            double state = (double) width * FashionMnist.IMAGE_HEIGHT * FashionMnist.IMAGE_WIDTH;
            return toBuilder().init(Initialization.Kind.NORMAL).initOpening(1 / Math.sqrt(k2))
                    .initLayers(1 / Math.sqrt(width * k2)).initClassifier(1 / Math.sqrt(state)).build();
        }
        if (!example.equals("csv")) {
            return this;
        }
        double scale = 1 / Math.sqrt(width);
        return toBuilder().init(Initialization.Kind.NORMAL).initOpening(scale).initLayers(scale).initClassifier(scale)
                .build();
    }

    /**
     * Whether both describe the same run: equal but for what a resume may change (iterations, checkpoint interval,
     * threads), which do not change its results.
     */
    public boolean sameRunAs(TrainSettings other) {
        return resumable().toJson().equals(other.resumable().toJson());
    }

    private TrainSettings resumable() {
        return toBuilder().iterations(0).checkpointEvery(0).threads(layerParallel.batchThreads()).build();
    }

    /** Whether the optimiser works on minibatches. */
    boolean minibatch() {
        return optimizer.equals("sgd") || optimizer.equals("adam");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }

    public static TrainSettings fromJson(String json) {
        try {
            return JSON.readValue(json, TrainSettings.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("the saved training settings cannot be read: " + e.getMessage());
        }
    }

    /** Settings with the reference Peaks defaults (BRIEF §2), to change one by one. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.example = example;
        b.data = data;
        b.labelColumn = labelColumn;
        b.validationFraction = validationFraction;
        b.trainSize = trainSize;
        b.validationSize = validationSize;
        b.fashionMnistDir = fashionMnistDir;
        b.limit = limit;
        b.layers = layers;
        b.width = width;
        b.finalTime = finalTime;
        b.activation = activation;
        b.denseOpening = denseOpening;
        b.scalarBias = scalarBias;
        b.layer = layer;
        b.kernel = kernel;
        b.gammaTik = gammaTik;
        b.gammaDdt = gammaDdt;
        b.gammaClass = gammaClass;
        b.precision = precision;
        b.init = init;
        b.initOpening = initOpening;
        b.initLayers = initLayers;
        b.initClassifier = initClassifier;
        b.optimizer = optimizer;
        b.iterations = iterations;
        b.batch = batch;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.lbfgsMemory = lbfgsMemory;
        b.lsMaxIterations = lsMaxIterations;
        b.lsFactor = lsFactor;
        b.initialStep = initialStep;
        b.gtol = gtol;
        b.seed = seed;
        b.checkpointEvery = checkpointEvery;
        b.threads = threads;
        b.layerParallel = layerParallel;
        b.nestedLevels = nestedLevels;
        b.nestedIterations = nestedIterations;
        b.initFrom = initFrom;
        return b;
    }

    /** Mutable settings; {@link #build} validates them. Defaults: the reference Peaks run. */
    public static final class Builder {
        private String example = "peaks";
        private Path data = null;
        private String labelColumn = null;
        private double validationFraction = 0.2;
        private int trainSize = 5000;
        private int validationSize = 200;
        private Path fashionMnistDir = FashionMnist.DEFAULT_DIR;
        private int limit = 0;
        private int layers = 30;
        private int width = 8;
        private double finalTime = 1.0;
        private Activation activation = Activation.SMOOTH_RELU;
        private boolean denseOpening = true;
        private boolean scalarBias = true;
        private String layer = "dense";
        private int kernel = 3;
        private double gammaTik = 1e-7;
        private double gammaDdt = 1e-5;
        private double gammaClass = 1e-7;
        private Precision precision = Precision.F64;
        private Initialization.Kind init = Initialization.Kind.REFERENCE_UNIFORM;
        private double initOpening = 1e-3;
        private double initLayers = 1e-3;
        private double initClassifier = 1e-3;
        private String optimizer = "lbfgs";
        private int iterations = 130;
        private int batch = 0;
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private int lbfgsMemory = 10;
        private int lsMaxIterations = 20;
        private double lsFactor = 0.5;
        private double initialStep = 1.0;
        private double gtol = 1e-4;
        private long seed = 1;
        private int checkpointEvery = 10;
        private int threads = 1;
        private LayerParallelSettings layerParallel = LayerParallelSettings.serial();
        private int nestedLevels = 0;
        private int nestedIterations = 20;
        private Path initFrom = null;

        private Builder() {
        }

        /** Peaks, fashion-mnist or csv (default "peaks"). */
        public Builder example(String value) {
            example = value;
            return this;
        }

        /** The CSV file (csv) (default null). */
        public Builder data(Path value) {
            data = value;
            return this;
        }

        /** The CSV's label column, a name or a 0-based index; null: the last (default null). */
        public Builder labelColumn(String value) {
            labelColumn = value;
            return this;
        }

        /** The share of a CSV held out for validation (default 0.2). */
        public Builder validationFraction(double value) {
            validationFraction = value;
            return this;
        }

        /** Peaks training points (default 5000). */
        public Builder trainSize(int value) {
            trainSize = value;
            return this;
        }

        /** Peaks validation points (default 200). */
        public Builder validationSize(int value) {
            validationSize = value;
            return this;
        }

        /** Where the Fashion-MNIST IDX files are (default DEFAULT_DIR). */
        public Builder fashionMnistDir(Path value) {
            fashionMnistDir = value;
            return this;
        }

        /** Fashion-MNIST images used, 0 for all (default 0). */
        public Builder limit(int value) {
            limit = value;
            return this;
        }

        /** N, residual layers (default 30). */
        public Builder layers(int value) {
            layers = value;
            return this;
        }

        /** Channels of every residual layer (default 8). */
        public Builder width(int value) {
            width = value;
            return this;
        }

        /** T; the step size is T / N (default 1.0). */
        public Builder finalTime(double value) {
            finalTime = value;
            return this;
        }

        /** Σ (default SMOOTH_RELU). */
        public Builder activation(Activation value) {
            activation = value;
            return this;
        }

        /** A learned opening layer (false: zero-padding, or replication for conv layers) (default true). */
        public Builder denseOpening(boolean value) {
            denseOpening = value;
            return this;
        }

        /** The residual layers: dense or conv (default dense). */
        public Builder layer(String value) {
            layer = value;
            return this;
        }

        /** The convolutions' kernel size (default 3). */
        public Builder kernel(int value) {
            kernel = value;
            return this;
        }

        /** One bias per layer (false: one per channel) (default true). */
        public Builder scalarBias(boolean value) {
            scalarBias = value;
            return this;
        }

        /** Tikhonov weight (default 1e-7). */
        public Builder gammaTik(double value) {
            gammaTik = value;
            return this;
        }

        /** Smoothness weight across layers (default 1e-5). */
        public Builder gammaDdt(double value) {
            gammaDdt = value;
            return this;
        }

        /** Classifier Tikhonov weight (default 1e-7). */
        public Builder gammaClass(double value) {
            gammaClass = value;
            return this;
        }

        /** Float64 or float32 (default F64). */
        public Builder precision(Precision value) {
            precision = value;
            return this;
        }

        /** The initial weights' distribution (default REFERENCE_UNIFORM). */
        public Builder init(Initialization.Kind value) {
            init = value;
            return this;
        }

        /** Scale of the opening layer's initial weights (default 1e-3). */
        public Builder initOpening(double value) {
            initOpening = value;
            return this;
        }

        /** Scale of the residual layers' initial weights (default 1e-3). */
        public Builder initLayers(double value) {
            initLayers = value;
            return this;
        }

        /** Scale of the classifier's initial weights (default 1e-3). */
        public Builder initClassifier(double value) {
            initClassifier = value;
            return this;
        }

        /** Lbfgs, gd, sgd or adam (default "lbfgs"). */
        public Builder optimizer(String value) {
            optimizer = value;
            return this;
        }

        /** Optimisation iterations (epochs for sgd and adam) (default 130). */
        public Builder iterations(int value) {
            iterations = value;
            return this;
        }

        /** 0 for full batch; the minibatch size for sgd and adam (default 0). */
        public Builder batch(int value) {
            batch = value;
            return this;
        }

        /** Sgd and adam (default 1e-3). */
        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Sgd (default 0.9). */
        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        /** L-BFGS pairs kept (default 10). */
        public Builder lbfgsMemory(int value) {
            lbfgsMemory = value;
            return this;
        }

        /** Line-search halvings at most (default 20). */
        public Builder lsMaxIterations(int value) {
            lsMaxIterations = value;
            return this;
        }

        /** Line-search step factor (default 0.5). */
        public Builder lsFactor(double value) {
            lsFactor = value;
            return this;
        }

        /** Line search's first step (default 1.0). */
        public Builder initialStep(double value) {
            initialStep = value;
            return this;
        }

        /** Stop when ‖∇‖ falls below (default 1e-4). */
        public Builder gtol(double value) {
            gtol = value;
            return this;
        }

        /** Data, initial weights, shuffling (default 1). */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Iterations between checkpoints, 0 for only the last (default 10). */
        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        /** Threads sharing each batch (default 1). */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /** Serial, parallel or one-shot MGRIT (default serial()). */
        public Builder layerParallel(LayerParallelSettings value) {
            layerParallel = value;
            return this;
        }

        /** Nested iteration: stages of N/2^k layers first (default 0). */
        public Builder nestedLevels(int value) {
            nestedLevels = value;
            return this;
        }

        /** Iterations of each shallower stage (default 20). */
        public Builder nestedIterations(int value) {
            nestedIterations = value;
            return this;
        }

        /** A model whose weights start the training; null: random (default null). */
        public Builder initFrom(Path value) {
            initFrom = value;
            return this;
        }

        /**
         * The settings, validated.
         *
         * @throws IllegalArgumentException naming the first setting that is out of range
         */
        public TrainSettings build() {
            return new TrainSettings(example, data, labelColumn, validationFraction, trainSize, validationSize, fashionMnistDir, limit, layers, width, finalTime, activation, denseOpening, scalarBias, layer, kernel, gammaTik, gammaDdt, gammaClass, precision, init, initOpening, initLayers, initClassifier, optimizer, iterations, batch, learningRate, momentum, lbfgsMemory, lsMaxIterations, lsFactor, initialStep, gtol, seed, checkpointEvery, threads, layerParallel, nestedLevels, nestedIterations, initFrom);
        }
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }
}
