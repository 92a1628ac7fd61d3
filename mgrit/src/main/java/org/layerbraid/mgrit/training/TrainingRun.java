package org.layerbraid.mgrit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.layerbraid.mgrit.data.DataSet;
import org.layerbraid.mgrit.data.FashionMnist;
import org.layerbraid.mgrit.data.Peaks;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.nn.Batch;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.mgrit.nn.LayerInterpolation;
import org.layerbraid.mgrit.nn.ModelFile;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.Regularization;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.nn.AdaptiveEvaluator;
import org.layerbraid.mgrit.nn.Evaluator;
import org.layerbraid.mgrit.nn.LayerParallelEvaluator;
import org.layerbraid.mgrit.nn.SerialEvaluator;
import org.layerbraid.mgrit.solver.Communicator;
import org.layerbraid.mgrit.solver.SolveDivergedException;
import org.layerbraid.mgrit.train.DivergedException;
import org.layerbraid.mgrit.train.FullBatchTrainer;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.train.Lbfgs;
import org.layerbraid.mgrit.train.LineSearch;
import org.layerbraid.mgrit.train.MinibatchTrainer;
import org.layerbraid.mgrit.train.NetworkObjective;
import org.layerbraid.mgrit.train.RunFolder;
import org.layerbraid.vecmath.Kernels;
import org.layerbraid.vecmath.Matrix;
import org.layerbraid.vecmath.TensorArena;

/**
 * One training run from settings to an output folder: loads the data, builds and initialises (or restores)
 * the network, trains serially, and writes history.csv / history.jsonl as it goes, checkpoint.safetensors
 * every K iterations and at the end, then model.safetensors, summary.json and the charts. Every output
 * file but the logs is written atomically; a diverging run keeps its last good checkpoint.
 */
public final class TrainingRun {
    public static final String CHECKPOINT = "checkpoint.safetensors";
    /** Checkpoint tensors of full-batch runs: the evaluation at x and its gradient. */
    private static final String EVALUATION = "trainer.evaluation";
    private static final String GRADIENT = "trainer.gradient";
    public static final String MODEL = "model.safetensors";
    public static final String SUMMARY = "summary.json";
    public static final String SETTINGS_KEY = "layerbraid.training";
    private static final String PROGRESS_KEY = "layerbraid.progress";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TrainSettings settings;
    /** Where adaptive control writes its decisions, one line each. */
    public static final String ADAPTIVE_LOG = "adaptive.log";

    private final Path out;
    private final TrainingListener listener;
    private final Kernels kernels = Kernels.defaults();
    /** The run's one worker pool: every evaluator (training, validation, adaptive control) borrows it. */
    private final WorkerPool pool;
    /** The processes training together; rank 0 writes the run folder. */
    private final Communicator ranks;

    private TrainingRun(TrainSettings settings, RunFolder folder, TrainingListener listener, WorkerPool pool,
            Communicator ranks) {
        this.settings = settings;
        this.out = folder.path();
        this.listener = listener;
        this.pool = pool;
        this.ranks = ranks;
    }

    /** Thrown through the trainer when the listener asks to stop; the run then ends normally. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** The settings stored in a checkpoint, to continue its run. */
    public static TrainSettings settingsOf(Path checkpoint) throws IOException {
        SafeTensors file = readCheckpoint(checkpoint);
        String json = file.metadata().get(SETTINGS_KEY);
        if (json == null || !file.metadata().containsKey(PROGRESS_KEY)) {
            throw new IllegalArgumentException(checkpoint + " is not a LayerBraid checkpoint (a model file cannot be "
                    + "resumed: use the checkpoint.safetensors of its run)");
        }
        return TrainSettings.fromJson(json);
    }

    /**
     * Trains into the run folder {@code out}; returns the last history row. {@code resume} is a checkpoint to
     * continue from, or null.
     */
    public static HistoryRow execute(TrainSettings settings, Path out, Path resume, TrainingListener listener)
            throws IOException {
        try (WorkerPool pool = new WorkerPool(settings.threads())) {
            return execute(settings, out, resume, listener, pool);
        }
    }

    /**
     * {@link #execute(TrainSettings, Path, Path, TrainingListener)} on a borrowed pool of {@code settings.threads()}
     * workers (a runtime's), which it leaves running.
     */
    public static HistoryRow execute(TrainSettings settings, Path out, Path resume, TrainingListener listener,
            WorkerPool pool) throws IOException {
        return execute(settings, out, resume, listener, pool, Communicator.single());
    }

    /**
     * {@link #execute(TrainSettings, Path, Path, TrainingListener, WorkerPool)} as one of {@code ranks.size()}
     * processes training together, the layers distributed over them (layer-parallel methods only); every rank calls
     * it with the same settings (checked first). Rank 0 writes the run folder and reports to the listener; the other
     * ranks write into a temporary folder of their own that is deleted at the end, and report nothing.
     *
     * @throws IllegalArgumentException when the ranks disagree on the settings, the method is not layer-parallel, or
     *                                  there are more ranks than the coarsest MGRIT level has steps
     */
    public static HistoryRow execute(TrainSettings settings, Path out, Path resume, TrainingListener listener,
            WorkerPool pool, Communicator ranks) throws IOException {
        if (ranks.size() == 1) {
            return executeHere(settings, out, resume, listener, pool, ranks);
        }
        checkRanks(settings, ranks);
        if (ranks.rank() == 0) {
            return executeHere(settings, out, resume, listener, pool, ranks);
        }
        Path scratch = Files.createTempDirectory("layerbraid-rank" + ranks.rank() + "-");
        try {
            return executeHere(settings, scratch.resolve("run"), resume, TrainingListener.NONE, pool, ranks);
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * Whether {@code ranks} can train these settings together: the same settings on every rank, a layer-parallel
     * method, no more ranks than coarsest MGRIT steps. Every rank calls it and gets the same answer.
     *
     * @throws IllegalArgumentException (the same on every rank) when they cannot
     */
    public static void checkRanks(TrainSettings settings, Communicator ranks) {
        if (ranks.size() > 1) {
            RankAgreement.check(settings, ranks);
        }
    }

    /** Deletes a rank's scratch folder; what cannot be deleted stays in the temporary directory. */
    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }

    private static HistoryRow executeHere(TrainSettings settings, Path out, Path resume, TrainingListener listener,
            WorkerPool pool, Communicator ranks) throws IOException {
        if (pool.workers() != settings.threads()) {
            throw new IllegalArgumentException("the settings ask for " + settings.threads() + " threads, the pool has "
                    + pool.workers() + " workers");
        }
        TrainSettings run = settings;
        try (RunFolder folder = new RunFolder(out).claim()) {
            if (resume == null && settings.nestedLevels() > 0) {
                // Nested iteration: each shallower stage is a run of its own (and folder), started from the one
                // before; the whole run's folder is held meanwhile.
                Path start = settings.initFrom();
                for (int k = settings.nestedLevels(); k >= 1; k--) {
                    int layers = settings.layers() >> k;
                    Path stage = out.resolve("nested-" + layers);
                    listener.note("Nested iteration, stage " + (settings.nestedLevels() - k + 1) + " of "
                            + (settings.nestedLevels() + 1) + ": " + layers + " layers, into " + stage);
                    try (RunFolder stageFolder = new RunFolder(stage).claim()) {
                        new TrainingRun(settings.nestedStage(layers, settings.nestedIterations(), start), stageFolder,
                                listener, pool, ranks).run(null);
                    }
                    start = stage.resolve(MODEL);
                }
                listener.note("Nested iteration, last stage: " + settings.layers() + " layers");
                run = settings.startingFrom(start);
            }
            return new TrainingRun(run, folder, listener, pool, ranks).run(resume);
        }
    }

    /**
     * Everything that can refuse the run (data, memory, checkpoint, starting weights, optimiser state) is checked
     * before anything is written into the (claimed) folder; a refused run's folder is left as it was, or not left at
     * all if the claim created it.
     */
    private HistoryRow run(Path resume) throws IOException {
        if (settings.example().equals("peaks")) {
            RunMemory.check(settings, config(2, Peaks.CLASSES), settings.trainSize(), settings.validationSize(),
                    resume != null);
        }
        Split split = DataSources.load(settings);
        DataSet train = split.train();
        DataSet validation = split.validation();
        NetworkConfig config = config(train.features(), train.classes());
        RunMemory.check(settings, config, train.size(), validation.size(), resume != null);
        SafeTensors checkpoint = resume == null ? null : readCheckpoint(resume);
        Progress progress = checkpoint == null ? new Progress(0, 0)
                : Progress.parse(checkpoint.metadata().get(PROGRESS_KEY), resume);
        List<HistoryRow> earlier = checkpoint == null ? List.of() : earlierRows(resume, progress.iterations());
        try (TensorArena data = new TensorArena("data"); ResNet model = new ResNet(config)) {
            if (checkpoint == null && settings.initFrom() != null) {
                try (ResNet start = ModelFile.read(settings.initFrom())) {
                    NetworkConfig from = start.config();
                    if (from.width() != config.width() || !java.util.Objects.equals(from.convolution(),
                            config.convolution())) {
                        throw new IllegalArgumentException("the model has " + from.layerDescription() + ", this run "
                                + config.layerDescription());
                    }
                    LayerInterpolation.interpolate(kernels, start.parameters(), model.parameters());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--init-from " + settings.initFrom() + ": " + e.getMessage());
                }
            } else if (checkpoint == null) {
                new Initialization(settings.init(), settings.initOpening(), settings.initLayers(),
                        settings.initClassifier()).apply(model.parameters(), settings.seed());
            } else {
                ModelFile.load(checkpoint, model);
            }
            listener.started(new TrainingListener.Start(settings, config, model.layout().size(), train.size(),
                    validation.size(), kernels.name()));
            Batch validationBatch = validation.size() == 0 ? null
                    : new Batch(validation.toMatrix(data, config.precision()), validation.labels());
            try (HistoryLog history = new HistoryLog(out, earlier);
                    SerialEvaluator validator = validationBatch == null ? null
                            : new SerialEvaluator(kernels, config, validationBatch, pool)) {
                FullBatchTrainer.Validation accuracy = x -> {
                    if (validator == null) {
                        return Double.NaN;
                    }
                    validator.loss(model.layout().views(x));
                    return 100.0 * validator.correct() / validationBatch.size();
                };
                HistoryRow last = settings.minibatch()
                        ? minibatch(model, train, data, checkpoint, progress, accuracy, history)
                        : fullBatch(model, train, data, checkpoint, progress, accuracy, history);
                finish(model, split, history.rows(), "completed");
                return last;
            }
        }
    }

    private HistoryRow fullBatch(ResNet model, DataSet train, TensorArena data, SafeTensors checkpoint,
            Progress progress, FullBatchTrainer.Validation accuracy, HistoryLog history) throws IOException {
        NetworkConfig config = model.config();
        Batch batch = new Batch(train.toMatrix(data, config.precision()), train.labels());
        Lbfgs lbfgs = settings.optimizer().equals("lbfgs")
                ? new Lbfgs(kernels, settings.lbfgsMemory(), config.precision(), model.layout().size(), data) : null;
        if (checkpoint != null && lbfgs != null) {
            lbfgs.restore(checkpoint);
        }
        LineSearch lineSearch = new LineSearch(kernels, settings.initialStep(), settings.lsFactor(), 1e-4,
                settings.lsMaxIterations());
        try (Evaluator evaluator = evaluator(config, batch, model, data);
                FullBatchTrainer trainer = new FullBatchTrainer(kernels,
                        new NetworkObjective(model.layout(), evaluator, new Regularization(kernels, config, data)),
                        model.flat(), lbfgs, lineSearch, settings.gtol(), batch.size())) {
            if (checkpoint != null && checkpoint.names().contains(GRADIENT)) {
                evaluator.restore(checkpoint);
                double[] e = checkpoint.doubles(EVALUATION);
                Matrix g = data.vector(config.precision(), model.layout().size());
                checkpoint.copyInto(GRADIENT, g);
                trainer.resumeAt(progress.iterations(), progress.seconds(),
                        new FullBatchTrainer.Evaluation(e[0], e[1], (int) e[2], e[3], e[4]), g);
            } else {
                trainer.resumeAt(progress.iterations(), progress.seconds());
            }
            // Besides the L-BFGS memory, a checkpoint keeps the evaluation at x and the evaluator's own state, so
            // a resumed run continues without evaluating again (which would move warm-restarted MGRIT states on).
            OptimizerState state = w -> {
                if (lbfgs != null) {
                    lbfgs.save(w);
                }
                FullBatchTrainer.Evaluation e = trainer.currentEvaluation();
                w.add(EVALUATION, new double[] {e.objective(), e.loss(), e.correct(), e.stateResidual(),
                    e.adjointResidual()});
                w.add(GRADIENT, trainer.currentGradient(), trainer.currentGradient().cols());
                evaluator.save(w);
            };
            history.begin(); // the run's first write: nothing can refuse it any more
            untilDoneOrStopped(() -> trainer.run(settings.iterations(), accuracy, (row, t) -> {
                logged(row, history);
                if (due(t.iteration())) {
                    checkpoint(model, t.iteration(), row.seconds(), state);
                }
            }));
            HistoryRow last = history.rows().isEmpty() ? null : history.rows().getLast();
            double seconds = last == null ? progress.seconds() : last.seconds();
            if (!unchanged(checkpoint, progress, trainer.iteration())) {
                checkpoint(model, trainer.iteration(), seconds, state);
            }
            return last;
        }
    }

    private HistoryRow minibatch(ResNet model, DataSet train, TensorArena data, SafeTensors checkpoint,
            Progress progress, FullBatchTrainer.Validation accuracy, HistoryLog history) throws IOException {
        NetworkConfig config = model.config();
        int size = Math.min(settings.batch() == 0 ? 64 : settings.batch(), train.size());
        Matrix inputs = data.matrix(config.precision(), config.features(), size);
        Batch batch = new Batch(inputs, new int[size]);
        MinibatchTrainer.BatchLoader loader = (indices, from, count) -> {
            double[] x = train.examples();
            int d = train.features();
            for (int b = 0; b < count; b++) {
                int example = indices[from + b];
                batch.labels()[b] = train.labels()[example];
                for (int f = 0; f < d; f++) {
                    inputs.set(f, b, x[example * d + f]);
                }
            }
        };
        MinibatchTrainer.Method method = settings.optimizer().equals("sgd") ? MinibatchTrainer.Method.SGD
                : MinibatchTrainer.Method.ADAM;
        var hyper = new MinibatchTrainer.Settings(method, settings.learningRate(), settings.momentum(), 0.9, 0.999,
                1e-8, size, settings.seed());
        try (Evaluator evaluator = evaluator(config, batch, model, data);
                MinibatchTrainer trainer = new MinibatchTrainer(kernels,
                        new NetworkObjective(model.layout(), evaluator, new Regularization(kernels, config, data)),
                        loader, model.flat(), hyper, train.size())) {
            if (checkpoint != null) {
                trainer.restore(checkpoint, progress.seconds());
                evaluator.restore(checkpoint);
            }
            history.begin(); // the run's first write: nothing can refuse it any more
            untilDoneOrStopped(() -> trainer.run(settings.iterations(), accuracy, (row, t) -> {
                logged(row, history);
                if (due(t.epoch())) {
                    checkpoint(model, t.epoch(), row.seconds(), w -> {
                        t.save(w);
                        evaluator.save(w);
                    });
                }
            }));
            HistoryRow last = history.rows().isEmpty() ? null : history.rows().getLast();
            if (!unchanged(checkpoint, progress, trainer.epoch())) {
                checkpoint(model, trainer.epoch(), last == null ? progress.seconds() : last.seconds(), w -> {
                    trainer.save(w);
                    evaluator.save(w);
                });
            }
            return last;
        }
    }

    /**
     * Runs a trainer; a listener's stop ends it as if its iterations were done, a divergence ends the run with one
     * line naming the last good checkpoint.
     */
    private void untilDoneOrStopped(Runnable training) {
        try {
            training.run();
        } catch (Stop e) {
            // the listener asked to stop: the caller writes the final checkpoint as after the last iteration
        } catch (DivergedException e) {
            throw diverged(e);
        } catch (SolveDivergedException e) {
            throw diverged(new DivergedException(e.getMessage()));
        }
    }

    /**
     * Whether the run resumed from this folder's own checkpoint and did no iteration since: that checkpoint holds the
     * state exactly, and is not replaced.
     */
    private boolean unchanged(SafeTensors checkpoint, Progress progress, int iterationsDone) {
        return checkpoint != null && iterationsDone == progress.iterations()
                && checkpoint.file().toAbsolutePath().normalize().equals(out.resolve(CHECKPOINT));
    }

    private boolean due(int iterationsDone) {
        return settings.checkpointEvery() > 0 && iterationsDone % settings.checkpointEvery() == 0;
    }

    /**
     * Serial (exact, data-parallel over the batch) or MGRIT propagation through the layers, as the settings say;
     * one-shot under adaptive control reports its decisions to the console and to {@value #ADAPTIVE_LOG}.
     */
    private Evaluator evaluator(NetworkConfig config, Batch batch, ResNet model, TensorArena arena) {
        LayerParallelSettings lp = settings.layerParallel();
        if (!lp.layerParallel()) {
            return new SerialEvaluator(kernels, config, batch, pool);
        }
        LayerParallelEvaluator mgrit = new LayerParallelEvaluator(kernels, config, batch, lp.forwardOptions(),
                lp.adjointOptions(), pool, lp.batchThreads(), ranks);
        if (lp.adaptive() == null) {
            return mgrit;
        }
        Path log = out.resolve(ADAPTIVE_LOG);
        return new AdaptiveEvaluator(kernels, mgrit, new SerialEvaluator(kernels, config, batch, pool),
                model.newVector(arena), lp.adaptive(), line -> {
                    listener.note("adaptive: " + line);
                    try {
                        Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + log + ": " + e.getMessage(), e);
                    }
                });
    }

    private void logged(HistoryRow row, HistoryLog history) {
        history.append(row);
        if (!listener.iteration(row)) {
            throw new Stop();
        }
    }

    private RuntimeException diverged(DivergedException e) {
        return new DivergedException(e.getMessage() + "; the last good checkpoint is "
                + (Files.exists(out.resolve(CHECKPOINT)) ? out.resolve(CHECKPOINT) : "none (none was written yet)")
                + " and the log is in " + out.resolve(HistoryLog.CSV));
    }

    /** State beyond the parameters that a checkpoint carries. */
    private interface OptimizerState {
        void save(SafeTensors.Writer w);
    }

    private NetworkConfig config(int features, int classes) {
        boolean conv = settings.convolutional();
        NetworkConfig.Opening opening = conv
                ? settings.denseOpening() ? NetworkConfig.Opening.CONV : NetworkConfig.Opening.REPLICATE
                : settings.denseOpening() ? NetworkConfig.Opening.DENSE : NetworkConfig.Opening.ZERO_PAD;
        NetworkConfig.Convolution convolution = conv ? new NetworkConfig.Convolution(settings.kernel(),
                FashionMnist.IMAGE_HEIGHT, FashionMnist.IMAGE_WIDTH) : null;
        return new NetworkConfig(features, classes, settings.width(), settings.layers(), settings.finalTime(),
                settings.activation(), opening, settings.scalarBias(), settings.gammaTik(), settings.gammaDdt(),
                settings.gammaClass(), settings.precision(), convolution);
    }

    private void checkpoint(ResNet model, int iterations, double seconds, OptimizerState optimizer) {
        SafeTensors.Writer w = ModelFile.tensors(model);
        w.metadata(SETTINGS_KEY, settings.toJson());
        w.metadata(PROGRESS_KEY, iterations + " " + Double.toString(seconds));
        if (optimizer != null) {
            optimizer.save(w);
        }
        try {
            w.write(out.resolve(CHECKPOINT));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the checkpoint " + out.resolve(CHECKPOINT) + ": "
                    + e.getMessage(), e);
        }
    }

    private void finish(ResNet model, Split split, List<HistoryRow> rows, String status) throws IOException {
        Map<String, String> metadata = new java.util.LinkedHashMap<>(ModelFile.dataMetadata(split.standardization(),
                split.train().classNames(), split.train().featureNames()));
        metadata.put(SETTINGS_KEY, settings.toJson());
        ModelFile.write(model, out.resolve(MODEL), metadata);
        AtomicFiles.writeString(out.resolve(SUMMARY), summary(model, rows, status));
        listener.finished(out, rows, model, split);
    }

    private String summary(ResNet model, List<HistoryRow> rows, String status) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status);
        root.set("settings", JSON.readTree(settings.toJson()));
        root.set("network", JSON.valueToTree(model.config()));
        root.put("parameters", model.layout().size());
        if (!rows.isEmpty()) {
            HistoryRow last = rows.getLast();
            ObjectNode fin = root.putObject("final");
            fin.setAll(HistoryLog.json(last));
            double best = rows.stream().mapToDouble(HistoryRow::validationAccuracy).filter(Double::isFinite).max()
                    .orElse(Double.NaN);
            if (Double.isFinite(best)) {
                fin.put("best_validation_accuracy", best);
            }
            ObjectNode time = root.putObject("timing");
            time.put("seconds", last.seconds());
            time.put("iterations", rows.size());
            time.put("seconds_per_iteration", last.seconds() / rows.size());
        }
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", Machine.cpuModel());
        machine.put("java", Runtime.version().toString());
        machine.put("kernels", kernels.name());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return JSON.writeValueAsString(root) + "\n";
    }

    private static SafeTensors readCheckpoint(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint " + file + " does not exist");
        }
        return SafeTensors.read(file);
    }

    /** The rows logged before the checkpoint, from the history next to it; says so when some are missing. */
    private List<HistoryRow> earlierRows(Path checkpoint, int iterations) throws IOException {
        Path csv = checkpoint.toAbsolutePath().getParent().resolve(HistoryLog.CSV);
        List<HistoryRow> rows = Files.exists(csv)
                ? HistoryLog.read(csv).stream().filter(r -> r.iteration() < iterations).toList() : List.of();
        if (rows.size() < iterations && !settings.minibatch()) {
            listener.note("warning: " + csv + " holds " + rows.size() + " of the " + iterations + " rows before the "
                    + "checkpoint; the history continues without the missing ones");
        }
        return rows;
    }

    /** Iterations done and seconds spent, as stored in a checkpoint's metadata. */
    private record Progress(int iterations, double seconds) {
        static Progress parse(String text, Path file) {
            Progress p;
            try {
                String[] parts = text.split(" ");
                p = new Progress(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": the checkpoint's progress record is missing or corrupt");
            }
            if (p.iterations() < 0 || !(p.seconds() >= 0) || Double.isInfinite(p.seconds())) {
                throw new IllegalArgumentException(file + ": the checkpoint's progress record '" + text + "' is "
                        + "corrupt (iterations and seconds must be finite and not negative)");
            }
            return p;
        }
    }
}
