package org.layerbraid.mgrit.training;

import java.nio.file.Path;
import java.util.List;
import org.layerbraid.mgrit.data.Split;
import org.layerbraid.mgrit.nn.NetworkConfig;
import org.layerbraid.mgrit.nn.ResNet;
import org.layerbraid.mgrit.train.HistoryRow;

/**
 * Watches a training run, on the training thread: what is trained, one history row per iteration (with a way to
 * stop), notes between rows (adaptive decisions, nested-iteration stages), and the end. Every method has a default
 * that does nothing, so a listener implements only what it needs.
 */
public interface TrainingListener {
    /** What a run trains, told before its first iteration. */
    record Start(TrainSettings settings, NetworkConfig network, int parameters, int trainingExamples,
            int validationExamples, String kernels) {
    }

    /** Before the first iteration (once per stage of nested iteration). */
    default void started(Start start) {
    }

    /**
     * After every iteration, once the row is in the history files; return false to stop after this iteration (the
     * run then ends as if its iterations were done: final checkpoint, model, summary).
     */
    default boolean iteration(HistoryRow row) {
        return true;
    }

    /** A line between the rows: an adaptive-control decision, a nested-iteration stage. */
    default void note(String line) {
    }

    /**
     * After the run folder's checkpoint, model and summary are written, while the trained network and the data are
     * still open (for charts).
     */
    default void finished(Path out, List<HistoryRow> rows, ResNet model, Split split) {
    }

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() { };
}
