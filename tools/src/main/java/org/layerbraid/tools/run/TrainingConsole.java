package org.layerbraid.tools.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.training.TrainSettings;
import org.layerbraid.mgrit.training.TrainingListener;
import org.layerbraid.mgrit.training.TrainingRun;

/**
 * The training run on the console: a header, one line per iteration (with a progress bar when a person watches a
 * terminal), notes between the rows, the charts and a closing line. The command line's listener of a
 * {@link TrainingRun}.
 */
public final class TrainingConsole implements TrainingListener, AutoCloseable {
    private final PrintStream out;
    /** A progress bar below the rows, redrawn in place: only when a person watches a terminal. */
    private final boolean terminal;
    private boolean barShown;
    /** Whether rows show the MGRIT residuals (layer-parallel runs). */
    private boolean residuals;

    /** The curves redrawn during the run, or null. */
    private LiveCurves live;
    private final Path folder;

    /** A console that draws the charts at the end only. */
    public TrainingConsole(PrintStream out) {
        this(out, null);
    }

    /** A console that also keeps the training curves in {@code folder} up to date while the run goes on. */
    public TrainingConsole(PrintStream out, Path folder) {
        this.out = out;
        this.folder = folder;
        java.io.Console c = System.console();
        this.terminal = out == System.out && c != null && c.isTerminal();
    }

    private int total;

    @Override
    public void started(Start start) {
        TrainSettings s = start.settings();
        NetworkConfig c = start.network();
        total = s.iterations();
        out.printf(Locale.ROOT, "Training %s: %d residual layers, %s, %s, %s, %d parameters; %d training and "
                + "%d validation examples; %s, %s kernels%n", s.example(), c.layers(), c.layerDescription(),
                c.activation().label(), c.precision().label(), start.parameters(), start.trainingExamples(),
                start.validationExamples(), s.optimizer(), start.kernels());
        if (s.layerParallel().layerParallel()) {
            out.println("Layer-parallel: " + s.layerParallel().describe(s.threads())
                    + " (results are the same on any number of workers).");
        } else if (s.threads() > 1) {
            out.println("Data-parallel over the batch on " + s.threads() + " threads (results are the same as on one).");
        }
        residuals = s.layerParallel().layerParallel();
        if (folder != null && live == null) {
            live = new LiveCurves(folder);
        }
        out.println(" iter     objective          loss        ‖grad‖      step  ls   train%    val%     time"
                + (residuals ? "        ‖r‖    ‖r_adj‖" : ""));
    }

    /** A line between the rows (clears the progress bar first). */
    @Override
    public void note(String line) {
        if (barShown) {
            out.print("\r\033[2K");
            barShown = false;
        }
        out.println(line);
    }

    @Override
    public boolean iteration(HistoryRow r) {
        if (live != null) {
            live.add(r);
        }
        if (barShown) {
            out.print("\r\033[2K");
        }
        out.printf(Locale.ROOT, "%5d  %12.6e  %12.6e  %10.4e  %8.2e  %2d  %6.2f  %6.2f  %7.2fs", r.iteration(),
                r.objective(), r.loss(), r.gradientNorm(), r.step(), r.lineSearchIterations(), r.trainAccuracy(),
                r.validationAccuracy(), r.seconds());
        out.println(residuals
                ? String.format(Locale.ROOT, "  %9.2e  %9.2e", r.stateResidual(), r.adjointResidual()) : "");
        if (terminal && total > 0) {
            int done = Math.min(r.iteration() + 1, total);
            int filled = 40 * done / total;
            double left = r.seconds() / done * (total - done);
            out.printf(Locale.ROOT, "[%s%s] %d/%d, about %.0f s left", "#".repeat(filled), ".".repeat(40 - filled),
                    done, total, left);
            out.flush();
            barShown = true;
        }
        return true;
    }

    /**
     * Waits for a background drawing of the curves still in progress (a run that failed never calls
     * {@link #finished}), so that the process does not end in the middle of writing a PNG.
     */
    @Override
    public void close() {
        if (live != null) {
            live.close();
            live = null;
        }
    }

    /** Draws the charts into the run folder (a chart that fails is a warning: the model is written), then the end. */
    @Override
    public void finished(Path folder, List<HistoryRow> rows, ResNet model, Split split) {
        close();
        try {
            RunCharts.write(folder, rows, model, split);
        } catch (IOException | RuntimeException e) {
            note("warning: the charts in " + folder + " could not all be written: " + e.getMessage());
        }
        if (barShown) {
            this.out.print("\r\033[2K");
        }
        this.out.println("Wrote " + folder + ": history.csv, history.jsonl, summary.json, model.safetensors, "
                + "checkpoint.safetensors and the charts");
    }
}
