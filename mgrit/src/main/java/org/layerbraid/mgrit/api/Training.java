package org.layerbraid.mgrit.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.training.LayerParallelSettings;
import org.layerbraid.mgrit.training.ResumeTarget;
import org.layerbraid.mgrit.training.TrainSettings;
import org.layerbraid.mgrit.training.TrainingListener;
import org.layerbraid.mgrit.training.TrainingRun;

/**
 * A training run from code, on a runtime's threads: the same run as {@code layerbraid train} (serial, converged
 * MGRIT or one-shot, adaptive control, nested iteration, checkpoints and resume), into a run folder with the same
 * files, watched row by row. Made by {@link LayerBraid#training()}; every setting starts at the reference Peaks run.
 *
 * <pre>{@code
 * Training.Result r = lb.training().layers(64).method(LayerParallelSettings.oneShot(2, 2)).iterations(50)
 *         .onIteration(row -> { System.out.println(row); return true; }).run(Path.of("runs/mine"));
 * Model model = r.model();
 * }</pre>
 */
public final class Training {
    private final LayerBraid runtime;
    private final TrainSettings.Builder settings = TrainSettings.builder();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Path resume;
    private int resumeIterations;

    Training(LayerBraid runtime) {
        this.runtime = runtime;
    }

    /** The Peaks example with {@code train} training and {@code validation} validation points. */
    public Training peaks(int train, int validation) {
        settings.example("peaks").trainSize(train).validationSize(validation);
        return this;
    }

    /**
     * A CSV file: numeric features, a label column (the last; integer or string labels). Unless the initialisation
     * is set, it is normal × 1/√width, as on the command line (the reference's near-zero weights are the paper's
     * choice for Peaks; on other data a small network often stays at the majority class from them).
     */
    public Training csv(Path file) {
        settings.example("csv").data(file);
        return this;
    }

    /** N, the residual layers. */
    public Training layers(int n) {
        settings.layers(n);
        return this;
    }

    /** Channels of the residual layers. */
    public Training width(int channels) {
        settings.width(channels);
        return this;
    }

    /**
     * How the layers are propagated: {@link LayerParallelSettings#serial()} (exact, the default),
     * {@link LayerParallelSettings#converged(double)} or {@link LayerParallelSettings#oneShot(int, int)}, optionally
     * {@code .adaptive(policy)}.
     */
    public Training method(LayerParallelSettings method) {
        settings.layerParallel(Objects.requireNonNull(method, "method"));
        return this;
    }

    /** Optimisation iterations (epochs for sgd and adam). */
    public Training iterations(int count) {
        settings.iterations(count);
        return this;
    }

    /** The seed of the data, the initial weights and shuffling. */
    public Training seed(long seed) {
        settings.seed(seed);
        return this;
    }

    /** Any other setting (optimiser, regularisation, precision, nested iteration, checkpoint interval, …). */
    public Training settings(Consumer<TrainSettings.Builder> change) {
        change.accept(settings);
        return this;
    }

    /**
     * Continues the run of a checkpoint up to {@code iterations} in all, with the settings stored in it (the
     * settings given here are then ignored); bitwise the same as a run that was never interrupted. A folder that
     * holds a different run is refused, as {@code layerbraid train --resume} without {@code --force} does.
     */
    public Training resume(Path checkpoint, int iterations) {
        resume = Objects.requireNonNull(checkpoint, "checkpoint");
        resumeIterations = iterations;
        return this;
    }

    /** Told after every iteration with its history row; return false to stop the run there. */
    public Training onIteration(Predicate<HistoryRow> keepGoing) {
        Objects.requireNonNull(keepGoing, "keepGoing");
        listeners.add(new TrainingListener() {
            @Override
            public boolean iteration(HistoryRow row) {
                return keepGoing.test(row);
            }
        });
        return this;
    }

    /** A full listener: start, rows, notes (adaptive decisions, nested stages), end. */
    public Training listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Trains into {@code folder} (history.csv / .jsonl, checkpoints, model.safetensors, summary.json) on the
     * runtime's threads; bitwise the same run as the command line's with the same settings.
     *
     * @throws IllegalArgumentException for settings out of range (naming the setting) or a run that diverges
     * @throws IOException              when the data or the folder cannot be read or written
     */
    public Result run(Path folder) throws IOException {
        TrainSettings s;
        if (resume == null) {
            s = settings.build().withDataInitialisation().toBuilder().threads(runtime.threads()).build();
        } else {
            TrainSettings saved = TrainingRun.settingsOf(resume);
            ResumeTarget.check(resume, saved, folder, false); // never over another run, as on the command line
            s = saved.toBuilder().iterations(resumeIterations).threads(runtime.threads()).build();
        }
        List<HistoryRow> rows = new ArrayList<>();
        TrainingListener all = new TrainingListener() {
            @Override
            public void started(Start start) {
                listeners.forEach(l -> l.started(start));
            }

            @Override
            public boolean iteration(HistoryRow row) {
                rows.add(row);
                boolean go = true;
                for (TrainingListener l : listeners) {
                    go &= l.iteration(row);
                }
                return go;
            }

            @Override
            public void note(String line) {
                listeners.forEach(l -> l.note(line));
            }

            @Override
            public void finished(Path out, List<HistoryRow> history, ResNet model, Split split) {
                listeners.forEach(l -> l.finished(out, history, model, split));
            }
        };
        TrainingRun.execute(s, folder, resume, all, runtime.pool());
        return new Result(folder, List.copyOf(rows), Model.load(folder.resolve(TrainingRun.MODEL)));
    }

    /**
     * What a run left: its folder, the rows of this invocation (history.csv holds all, resumed ones included) and
     * the trained model, ready to predict.
     */
    public record Result(Path folder, List<HistoryRow> rows, Model model) {
    }
}
