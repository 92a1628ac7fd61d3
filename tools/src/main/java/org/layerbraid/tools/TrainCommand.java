package org.layerbraid.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerbraid.mgrit.data.FashionMnist;
import org.layerbraid.mgrit.nn.AdaptiveEvaluator;
import org.layerbraid.mgrit.nn.Initialization;
import org.layerbraid.tools.run.ConfigFile;
import org.layerbraid.mgrit.training.LayerParallelSettings;
import org.layerbraid.mgrit.training.ResumeTarget;
import org.layerbraid.tools.run.RunComparison;
import org.layerbraid.mgrit.training.TrainSettings;
import org.layerbraid.mgrit.exec.WorkerPool;
import org.layerbraid.mgrit.mpi.Mpi;
import org.layerbraid.mgrit.train.DivergedException;
import org.layerbraid.mgrit.training.TrainingListener;
import org.layerbraid.mgrit.training.TrainingRun;
import org.layerbraid.tools.run.TrainingConsole;
import org.layerbraid.vecmath.Activation;
import org.layerbraid.vecmath.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code layerbraid train}: trains a residual network. Defaults are the reference Peaks setting (BRIEF §2).
 * A reference-style {@code .cfg} file may supply values; options given on the command line win.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a residual network (layer-serial, exact gradients) and writes history.csv, "
            + "history.jsonl, summary.json, model.safetensors, checkpoint.safetensors and PNG charts to --out.",
            "Defaults: the reference Peaks setting (30 residual layers, width 8, T = 1, smooth ReLU, L-BFGS, "
                + "130 iterations, 5000/200 points)."})
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--example", description = "Data set: peaks or fashion-mnist (default peaks; csv with --data).")
    String example;
    @Option(names = "--data", paramLabel = "FILE.csv", description = "Train on a CSV file (numeric features, a label column).")
    Path data;
    @Option(names = "--label-column", paramLabel = "NAME|INDEX", description = "CSV label column (default: the last).")
    String labelColumn;
    @Option(names = "--validation-fraction", defaultValue = "0.2", description = "CSV: share held out for validation (default ${DEFAULT-VALUE}).")
    double validationFraction;
    @Option(names = "--train-size", defaultValue = "5000", description = "Peaks: training points (default ${DEFAULT-VALUE}).")
    int trainSize;
    @Option(names = "--validation-size", defaultValue = "200", description = "Peaks: validation points (default ${DEFAULT-VALUE}).")
    int validationSize;
    @Option(names = "--fashion-mnist-dir", paramLabel = "DIR", description = "Fashion-MNIST files (default: the Debian package's folder).")
    Path fashionMnistDir = FashionMnist.DEFAULT_DIR;
    @Option(names = "--limit", defaultValue = "0", description = "Fashion-MNIST: use only the first N examples of each part (0 = all).")
    int limit;

    @Option(names = "--layers", defaultValue = "30", description = "Residual layers N (default ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--width", defaultValue = "8", description = "Channels: neurons of a dense layer, feature maps of a conv layer (default ${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--layer", defaultValue = "dense", description = "Residual layers: dense or conv (k × k convolutions over the image, for --example fashion-mnist) (default ${DEFAULT-VALUE}).")
    String layer;
    @Option(names = "--kernel", defaultValue = "3", description = "--layer conv: kernel size k, odd (default ${DEFAULT-VALUE}).")
    int kernel;
    @Option(names = "--final-time", defaultValue = "1.0", description = "T; each layer steps h = T/N (default ${DEFAULT-VALUE}).")
    double finalTime;
    @Option(names = "--activation", defaultValue = "smoothrelu", description = "tanh, relu or smoothrelu (default ${DEFAULT-VALUE}).")
    String activation;
    @Option(names = "--opening", defaultValue = "dense", description = "Opening layer: dense or zero (zero-padding); for --layer conv replicate (the image in every channel, the default) or conv (a learned k × k convolution) (default ${DEFAULT-VALUE}).")
    String opening;
    @Option(names = "--bias", defaultValue = "scalar", description = "Bias per layer: scalar (the reference) or channel (default ${DEFAULT-VALUE}; channel for --layer conv, which takes no other).")
    String bias;
    @Option(names = "--gamma-tik", defaultValue = "1e-7", description = "Tikhonov weight (default ${DEFAULT-VALUE}).")
    double gammaTik;
    @Option(names = "--gamma-ddt", defaultValue = "1e-5", description = "Smoothness-across-layers weight (default ${DEFAULT-VALUE}).")
    double gammaDdt;
    @Option(names = "--gamma-class", defaultValue = "1e-7", description = "Classifier Tikhonov weight (default ${DEFAULT-VALUE}).")
    double gammaClass;
    @Option(names = "--precision", defaultValue = "fp64", description = "fp64 or fp32 (default ${DEFAULT-VALUE}).")
    String precision;
    @Option(names = "--init", defaultValue = "reference", description = "reference (uniform [0,1) × scale) or normal "
            + "(default ${DEFAULT-VALUE}; for --data CSV files normal × 1/√width unless --init or --init-scale is "
            + "given: from the reference's near-zero weights a small network often stays at the majority class).")
    String init;
    @Option(names = "--init-scale", defaultValue = "1e-3", description = "Scale of the initial parameters (default ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--optimizer", defaultValue = "lbfgs", description = "lbfgs, gd, sgd or adam (default ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--iterations", defaultValue = "130", description = "Iterations (epochs for sgd/adam) (default ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--batch", defaultValue = "0", description = "Minibatch size for sgd/adam (0: 64); lbfgs and gd use the whole set.")
    int batch;
    @Option(names = "--learning-rate", defaultValue = "1e-3", description = "sgd/adam step (default ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--momentum", defaultValue = "0.9", description = "sgd momentum (default ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--lbfgs-memory", defaultValue = "10", description = "L-BFGS pairs kept (default ${DEFAULT-VALUE}).")
    int lbfgsMemory;
    @Option(names = "--ls-max-iterations", defaultValue = "20", description = "Line-search halvings at most (default ${DEFAULT-VALUE}).")
    int lsMaxIterations;
    @Option(names = "--ls-factor", defaultValue = "0.5", description = "Line-search reduction factor (default ${DEFAULT-VALUE}).")
    double lsFactor;
    @Option(names = "--initial-step", defaultValue = "1.0", description = "Line-search first step (default ${DEFAULT-VALUE}).")
    double initialStep;
    @Option(names = "--gtol", defaultValue = "1e-4", description = "Stop when ‖grad‖ < gtol (default ${DEFAULT-VALUE}).")
    double gtol;
    @Option(names = "--threads", defaultValue = "1", description = "Threads sharing each batch (data-parallel, same results for any count) (default ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--method", defaultValue = "serial", description = "serial (exact), parallel (MGRIT to a tolerance each step) or oneshot (a few warm-restarted MGRIT iterations per step) (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--levels", defaultValue = "10", description = "MGRIT: most levels (braid_maxlevels) (default ${DEFAULT-VALUE}).")
    int maxLevels;

    @Option(names = "--min-coarse", defaultValue = "2", description = "MGRIT: fewest steps of a coarse level (braid_mincoarse) (default ${DEFAULT-VALUE}).")
    int minCoarse;

    @Option(names = "--cfactor0", defaultValue = "4", description = "MGRIT: coarsening of the layers (braid_cfactor0) (default ${DEFAULT-VALUE}).")
    int cfactor0;

    @Option(names = "--cfactor", defaultValue = "4", description = "MGRIT: coarsening of coarser levels (braid_cfactor) (default ${DEFAULT-VALUE}).")
    int cfactor;

    @Option(names = "--relax0", defaultValue = "F", description = "MGRIT: relaxation on the layers, F, FCF or F(CF)^n (braid_nrelax0) (default ${DEFAULT-VALUE}).")
    String relax0;

    @Option(names = "--relax", defaultValue = "FCF", description = "MGRIT: relaxation on coarser levels (braid_nrelax) (default ${DEFAULT-VALUE}).")
    String relax;

    @Option(names = "--fwd-iterations", defaultValue = "0", description = "Forward MGRIT iterations per step: exactly this many for oneshot (default 2), at most this many for parallel (default 50) (braid_maxiter).")
    int fwdIterations;

    @Option(names = "--adj-iterations", defaultValue = "0", description = "Adjoint MGRIT iterations per gradient, as --fwd-iterations (braid_maxiter).")
    int adjIterations;

    @Option(names = "--tolerance", defaultValue = "1e-10", description = "parallel: forward residual tolerance (braid_abstol) (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--adjoint-tolerance", defaultValue = "1e-10", description = "parallel: adjoint residual tolerance (braid_adjtol) (default ${DEFAULT-VALUE}).")
    double adjointTolerance;

    @Option(names = "--fcycle", description = "MGRIT: F-cycles instead of V-cycles (braid_fmg).")
    boolean fcycle;

    @Option(names = "--skip-first-down", description = "MGRIT: skip the relaxation of the first down-cycle (braid_setskip).")
    boolean skipFirstDown;

    @Option(names = "--adaptive", description = "oneshot: adaptive control: raise the MGRIT iterations, or take a serial step, when the convergence factor or the gradient's angle to the serial one (checked periodically) is too large; decisions go to the console and adaptive.log.")
    boolean adaptive;

    @Option(names = "--adaptive-check-every", defaultValue = "5", description = "--adaptive: compare with the serial gradient every K steps (default ${DEFAULT-VALUE}).")
    int adaptiveCheckEvery;

    @Option(names = "--adaptive-max-factor", defaultValue = "0.5", description = "--adaptive: largest MGRIT convergence factor accepted (default ${DEFAULT-VALUE}).")
    double adaptiveMaxFactor;

    @Option(names = "--adaptive-max-angle", defaultValue = "10", description = "--adaptive: largest angle to the serial gradient, degrees (default ${DEFAULT-VALUE}).")
    double adaptiveMaxAngle;

    @Option(names = "--adaptive-max-iterations", defaultValue = "8", description = "--adaptive: most MGRIT iterations per step before serial steps (default ${DEFAULT-VALUE}).")
    int adaptiveMaxIterations;

    @Option(names = "--layer-threads", description = "parallel/oneshot: MGRIT workers sharing the layers (with --batch-threads; default: all of --threads).")
    Integer layerThreads;

    @Option(names = "--batch-threads", description = "parallel/oneshot: MGRIT workers sharing each interval's batch tiles; --threads becomes layer × batch threads (default 1).")
    Integer batchThreads;

    @Option(names = "--storage", defaultValue = "all", description = "parallel/oneshot: which MGRIT fine states are kept: all, or c-points (every --cfactor0-th layer's; the others recomputed from them when the adjoint reads them: the same results, a c-th of the fine states, some more time) (default ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = "--nested-levels", defaultValue = "0", description = "Nested iteration: first train N/2^k, …, N/2 layers (each --nested-iterations iterations, in OUT/nested-<layers>), each starting from the one before with its weights interpolated over the layers (default ${DEFAULT-VALUE}: off).")
    int nestedLevels;

    @Option(names = "--nested-iterations", defaultValue = "20", description = "Iterations of each shallower nested stage (default ${DEFAULT-VALUE}).")
    int nestedIterations;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from a trained model's weights (any depth, same width and data), interpolated over the layers.")
    Path initFrom;

    @Option(names = "--compare-with", paramLabel = "DIR", split = ",", description = "Finished run folders to chart against this run (validation accuracy and loss vs iterations and wall time) into OUT/comparison.")
    List<Path> compareWith = List.of();

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data generation, initialisation and shuffling (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default runs/train, or the checkpoint's folder with --resume).")
    Path out;
    @Option(names = "--checkpoint-every", defaultValue = "10", description = "Write a checkpoint every K iterations, 0 = only at the end (default ${DEFAULT-VALUE}).")
    int checkpointEvery;
    @Option(names = "--config", paramLabel = "FILE", description = "Reference-style key = value configuration (.cfg); command-line options win.")
    Path config;
    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue the run saved in this checkpoint; only --iterations, --checkpoint-every, --threads and --out may change.")
    Path resume;
    @Option(names = "--force", description = "--resume: write into an --out that holds a different run (it is overwritten).")
    boolean force;

    /** The reference code's other configuration keys: accepted and named as ignored. */
    private static final java.util.Set<String> REFERENCE_KEYS = java.util.Set.of("datafolder", "ftrain_ex",
            "ftrain_labels", "fval_ex", "fval_labels", "weightsopenfile", "weightsclassificationfile",
            "batch_type", "stepsize_type", "validationlevel");

    /** Options that describe the run itself and so cannot change on --resume. */
    private static final List<String> RUN_OPTIONS = List.of("--example", "--data", "--label-column",
            "--validation-fraction", "--train-size", "--validation-size", "--fashion-mnist-dir", "--limit", "--layers",
            "--width", "--layer", "--kernel", "--final-time", "--activation", "--opening", "--bias", "--gamma-tik",
            "--gamma-ddt", "--gamma-class", "--precision", "--init", "--init-scale", "--optimizer", "--batch", "--learning-rate",
            "--momentum", "--lbfgs-memory", "--ls-max-iterations", "--ls-factor", "--initial-step", "--gtol", "--seed",
            "--config", "--method", "--levels", "--min-coarse", "--cfactor0", "--cfactor", "--relax0", "--relax",
            "--fwd-iterations", "--adj-iterations", "--tolerance", "--adjoint-tolerance", "--fcycle",
            "--skip-first-down", "--adaptive", "--adaptive-check-every", "--adaptive-max-factor", "--adaptive-max-angle",
            "--adaptive-max-iterations", "--nested-levels", "--nested-iterations", "--init-from", "--batch-threads",
            "--layer-threads", "--storage");

    @Override
    public Integer call() throws Exception {
        TrainSettings settings;
        Path folder;
        if (resume != null) {
            List<String> conflicting = RUN_OPTIONS.stream().filter(this::given).toList();
            if (!conflicting.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--resume takes the run's settings from the "
                        + "checkpoint; these cannot change: " + String.join(", ", conflicting));
            }
            TrainSettings saved = TrainingRun.settingsOf(resume);
            settings = saved.toBuilder().iterations(given("--iterations") ? iterations : saved.iterations())
                    .checkpointEvery(given("--checkpoint-every") ? checkpointEvery : saved.checkpointEvery())
                    .threads(given("--threads") ? threads : saved.threads()).build();
            folder = out != null ? out : resume.toAbsolutePath().getParent();
            ResumeTarget.check(resume, saved, folder, force);
        } else {
            if (config != null) {
                applyConfig(ConfigFile.read(config));
            }
            settings = settings();
            folder = out != null ? out : Path.of("runs", "train");
        }
        if (initFrom != null && !Files.isRegularFile(initFrom)) {
            throw new IllegalArgumentException("--init-from " + initFrom + ": no such model file");
        }
        for (Path other : compareWith) {
            if (!Files.isRegularFile(other.resolve("summary.json"))) {
                throw new IllegalArgumentException("--compare-with " + other + ": no finished run there (summary.json)");
            }
        }
        if (Mpi.launched()) {
            return acrossRanks(settings, folder);
        }
        try (TrainingConsole console = new TrainingConsole(System.out, folder)) {
            TrainingRun.execute(settings, folder, resume, console);
        }
        if (!compareWith.isEmpty()) {
            List<Path> runs = new ArrayList<>(List.of(folder));
            runs.addAll(compareWith);
            RunComparison.write(folder.resolve("comparison"), runs);
            System.out.println("Wrote the comparison charts to " + folder.resolve("comparison"));
        }
        return 0;
    }

    /**
     * The run as one of the processes an MPI launcher started: rank 0 reports and writes the folder. A refusal or a
     * divergence is the same on every rank, so rank 0 alone says it and all end normally; anything else (a rank that
     * died or hangs, a write that failed) is said by the rank it happened on, which then ends the whole job.
     */
    private int acrossRanks(TrainSettings settings, Path folder) throws IOException {
        try (Mpi mpi = Mpi.init(); WorkerPool pool = new WorkerPool(settings.threads())) {
            boolean lead = mpi.rank() == 0;
            try {
                TrainingRun.checkRanks(settings, mpi);
            } catch (IllegalArgumentException e) {
                if (lead) {
                    throw e;
                }
                return 1;
            }
            if (lead) {
                System.out.println("MPI: " + mpi.size() + " ranks × " + settings.threads() + " thread"
                        + (settings.threads() == 1 ? "" : "s") + " each; the layers are shared between the ranks, "
                        + "rank 0 writes " + folder);
            }
            try (TrainingConsole console = lead ? new TrainingConsole(System.out, folder) : null) {
                TrainingRun.execute(settings, folder, resume, console != null ? console : TrainingListener.NONE, pool,
                        mpi);
            } catch (IllegalArgumentException | DivergedException e) {
                if (lead) {
                    throw e;
                }
                return 1;
            } catch (RuntimeException | IOException e) {
                System.err.println("layerbraid train: rank " + mpi.rank() + " of " + mpi.size() + ": "
                        + Main.describe(e));
                System.err.flush();
                mpi.abort(1);
                throw e;
            }
            return 0;
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** --threads, or layer × batch threads when those are given (which must then agree with --threads). */
    private int totalThreads() {
        if (layerThreads == null && batchThreads == null) {
            return threads;
        }
        int l = layerThreads == null ? 1 : layerThreads;
        int b = batchThreads == null ? 1 : batchThreads;
        if (l < 1 || b < 1) {
            throw new IllegalArgumentException("--layer-threads and --batch-threads must be at least 1, got " + l
                    + " and " + b);
        }
        if (given("--threads") && threads != l * b) {
            throw new IllegalArgumentException("--threads " + threads + " disagrees with --layer-threads " + l
                    + " × --batch-threads " + b);
        }
        return l * b;
    }

    private TrainSettings settings() {
        String ex = example != null ? example.toLowerCase(Locale.ROOT) : data != null ? "csv" : "peaks";
        if (data != null && example != null) {
            throw new IllegalArgumentException("give either --example or --data, not both");
        }
        Initialization.Kind kind = switch (init.toLowerCase(Locale.ROOT)) {
            case "reference", "uniform" -> Initialization.Kind.REFERENCE_UNIFORM;
            case "normal" -> Initialization.Kind.NORMAL;
            default -> throw new IllegalArgumentException("unknown --init '" + init + "': use reference or normal");
        };
        String layerKind = layer.toLowerCase(Locale.ROOT);
        boolean conv = layerKind.equals("conv");
        boolean dense = conv ? switch (given("--opening") ? opening.toLowerCase(Locale.ROOT) : "replicate") {
            case "conv" -> true;
            case "replicate" -> false;
            default -> throw new IllegalArgumentException("--opening '" + opening + "' does not open convolutional "
                    + "layers: use replicate or conv");
        } : switch (opening.toLowerCase(Locale.ROOT)) {
            case "dense" -> true;
            case "zero", "zero-pad", "zeropad" -> false;
            case "replicate", "conv" -> throw new IllegalArgumentException("--opening " + opening
                    + " needs convolutional layers (--layer conv)");
            default -> throw new IllegalArgumentException("unknown --opening '" + opening + "': use dense or zero");
        };
        // Convolutional layers have one bias per channel (the reference's one scalar per layer is not offered).
        boolean scalarBias = switch (conv && !given("--bias") ? "channel" : bias.toLowerCase(Locale.ROOT)) {
            case "scalar" -> true;
            case "channel" -> false;
            default -> throw new IllegalArgumentException("unknown --bias '" + bias + "': use scalar or channel");
        };
        TrainSettings s = TrainSettings.builder().example(ex).data(data).labelColumn(labelColumn)
                .validationFraction(validationFraction).trainSize(trainSize).validationSize(validationSize)
                .fashionMnistDir(fashionMnistDir).limit(limit).layers(layers).width(width).finalTime(finalTime)
                .activation(Activation.parse(activation)).denseOpening(dense).scalarBias(scalarBias).layer(layerKind)
                .kernel(kernel).gammaTik(gammaTik)
                .gammaDdt(gammaDdt).gammaClass(gammaClass).precision(Precision.parse(precision)).init(kind)
                .initOpening(openingScale()).initLayers(initScale).initClassifier(classifierScale())
                .optimizer(optimizer.toLowerCase(Locale.ROOT)).iterations(iterations).batch(batch)
                .learningRate(learningRate).momentum(momentum).lbfgsMemory(lbfgsMemory)
                .lsMaxIterations(lsMaxIterations).lsFactor(lsFactor).initialStep(initialStep).gtol(gtol).seed(seed)
                .checkpointEvery(checkpointEvery).threads(totalThreads()).layerParallel(layerParallel())
                .nestedLevels(nestedLevels).nestedIterations(nestedIterations).initFrom(initFrom).build();
        boolean initialisationGiven = config != null || given("--init") || given("--init-scale");
        return initialisationGiven ? s : s.withDataInitialisation();
    }

    private LayerParallelSettings layerParallel() {
        // 0 = the method's default: two iterations per step for oneshot, a cap of 50 for the converged method.
        int fallback = method.equalsIgnoreCase("oneshot") ? 2 : 50;
        int forward = fwdIterations == 0 ? fallback : fwdIterations;
        int adjoint = adjIterations == 0 ? fallback : adjIterations;
        return new LayerParallelSettings(method, maxLevels, minCoarse, cfactor0, cfactor, sweeps("--relax0", relax0),
                sweeps("--relax", relax), forward, adjoint, tolerance, adjointTolerance, fcycle, skipFirstDown,
                adaptive ? new AdaptiveEvaluator.Policy(adaptiveCheckEvery, adaptiveMaxFactor, adaptiveMaxAngle,
                        adaptiveMaxIterations) : null, batchThreads == null ? 1 : batchThreads,
                LayerParallelSettings.parseStorage(storage));
    }

    /** F → 0, FCF → 1, FCFCF → 2 …; a number is taken as the count of CF pairs (the reference's nrelax). */
    private static int sweeps(String option, String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.matches("\\d+")) {
            return Integer.parseInt(v);
        }
        if (v.matches("F(CF)*")) {
            return (v.length() - 1) / 2;
        }
        throw new IllegalArgumentException(option + " must be F, FCF, FCFCF, … or a number of CF sweeps, got '"
                + value + "'");
    }

    // Per-group initial scales come from a configuration file only; the command line sets one scale for all.
    private Double openingScaleFromConfig;
    private Double classifierScaleFromConfig;

    private double openingScale() {
        return openingScaleFromConfig != null && !given("--init-scale") ? openingScaleFromConfig : initScale;
    }

    private double classifierScale() {
        return classifierScaleFromConfig != null && !given("--init-scale") ? classifierScaleFromConfig : initScale;
    }

    /** Takes the keys of a reference .cfg that apply, where the command line did not set the option. */
    private void applyConfig(ConfigFile cfg) {
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, ConfigFile.Entry> e : cfg.entries().entrySet()) {
            String key = e.getKey();
            String value = e.getValue().value();
            switch (key) {
                case "nlayers" -> {
                    // The reference counts the opening and classification layers too.
                    int n = cfg.integer(key);
                    if (n < 3) {
                        throw cfg.error(key, "needs at least 3 (opening, one residual, classification layer)");
                    }
                    set("--layers", () -> layers = n - 2);
                }
                case "nchannels" -> set("--width", () -> width = cfg.integer(key));
                case "network_type" -> set("--layer", () -> layer = switch (value.toLowerCase(Locale.ROOT)) {
                    case "dense" -> "dense";
                    case "convolutional" -> "conv";
                    default -> throw cfg.error(key, "use dense or convolutional");
                });
                case "type_openlayer" -> {
                    if (value.equalsIgnoreCase("replicate")) {
                        set("--opening", () -> opening = "replicate");
                    } else {
                        ignored.add(key);
                    }
                }
                case "T" -> set("--final-time", () -> finalTime = cfg.number(key));
                case "activation" -> set("--activation", () -> activation = value);
                case "gamma_tik" -> set("--gamma-tik", () -> gammaTik = cfg.number(key));
                case "gamma_ddt" -> set("--gamma-ddt", () -> gammaDdt = cfg.number(key));
                case "gamma_class" -> set("--gamma-class", () -> gammaClass = cfg.number(key));
                case "optim_maxiter" -> set("--iterations", () -> iterations = cfg.integer(key));
                case "ls_maxiter" -> set("--ls-max-iterations", () -> lsMaxIterations = cfg.integer(key));
                case "ls_factor" -> set("--ls-factor", () -> lsFactor = cfg.number(key));
                case "lbfgs_stages" -> set("--lbfgs-memory", () -> lbfgsMemory = cfg.integer(key));
                case "gtol" -> set("--gtol", () -> gtol = cfg.number(key));
                case "stepsize" -> set("--initial-step", () -> initialStep = cfg.number(key));
                case "ntraining" -> set("--train-size", () -> trainSize = cfg.integer(key));
                case "nvalidation" -> set("--validation-size", () -> validationSize = cfg.integer(key));
                case "weights_init" -> set("--init-scale", () -> initScale = cfg.number(key));
                case "weights_open_init" -> {
                    double s = cfg.number(key);
                    // The reference uses zero-padding when the opening layer's scale is 0.
                    if (s == 0) {
                        set("--opening", () -> opening = "zero");
                    }
                    openingScaleFromConfig = s;
                }
                case "weights_class_init" -> classifierScaleFromConfig = cfg.number(key);
                case "hessian_approx" -> set("--optimizer", () -> optimizer = switch (value.toLowerCase(Locale.ROOT)) {
                    case "l-bfgs", "lbfgs" -> "lbfgs";
                    case "identity" -> "gd";
                    default -> throw cfg.error(key, "use L-BFGS or Identity (full BFGS is not offered)");
                });
                case "nbatch" -> {
                    // The reference's deterministic batch is the whole training set; nothing to set.
                    if (cfg.entries().containsKey("ntraining") && cfg.integer(key) != cfg.integer("ntraining")) {
                        throw cfg.error(key, "only nbatch = ntraining (full batch) is supported from a .cfg");
                    }
                }
                case "nfeatures", "nclasses" -> ignored.add(key + " (taken from the data)");
                case "braid_maxlevels" -> set("--levels", () -> maxLevels = cfg.integer(key));
                case "braid_mincoarse" -> set("--min-coarse", () -> minCoarse = cfg.integer(key));
                case "braid_cfactor0" -> set("--cfactor0", () -> cfactor0 = cfg.integer(key));
                case "braid_cfactor" -> set("--cfactor", () -> cfactor = cfg.integer(key));
                case "braid_nrelax0" -> set("--relax0", () -> relax0 = value);
                case "braid_nrelax" -> set("--relax", () -> relax = value);
                case "braid_maxiter" -> {
                    // The reference's one-shot runs use braid_maxiter as the iteration count per step.
                    set("--fwd-iterations", () -> fwdIterations = cfg.integer(key));
                    set("--adj-iterations", () -> adjIterations = cfg.integer(key));
                }
                case "braid_abstol" -> set("--tolerance", () -> tolerance = cfg.number(key));
                case "braid_adjtol" -> set("--adjoint-tolerance", () -> adjointTolerance = cfg.number(key));
                case "braid_fmg" -> set("--fcycle", () -> fcycle = cfg.integer(key) != 0);
                case "braid_setskip" -> set("--skip-first-down", () -> skipFirstDown = cfg.integer(key) != 0);
                default -> {
                    if (!REFERENCE_KEYS.contains(key) && !key.startsWith("braid_")) {
                        throw cfg.error(key, "unknown key (neither a LayerBraid setting nor one of the reference "
                                + "code's)");
                    }
                    ignored.add(key);
                }
            }
        }
        if (layer.equalsIgnoreCase("conv") && cfg.entries().containsKey("nchannels") && !given("--width")) {
            // The reference's convolutional width counts every value of the state: channels × image pixels.
            int pixels = FashionMnist.IMAGE_HEIGHT * FashionMnist.IMAGE_WIDTH;
            if (width % pixels != 0) {
                throw cfg.error("nchannels", "a convolutional network's nchannels is channels × image pixels, and "
                        + width + " is not a multiple of the " + FashionMnist.IMAGE_HEIGHT + " × "
                        + FashionMnist.IMAGE_WIDTH + " image's " + pixels + " pixels");
            }
            width /= pixels;
        }
        if (!ignored.isEmpty()) {
            spec.commandLine().getErr().println("layerbraid train: " + cfg.file() + ": ignored keys: "
                    + String.join(", ", ignored));
        }
    }

    private void set(String option, Runnable assign) {
        if (!given(option)) {
            assign.run();
        }
    }
}
