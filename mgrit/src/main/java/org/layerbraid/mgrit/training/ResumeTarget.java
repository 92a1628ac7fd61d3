package org.layerbraid.mgrit.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.layerbraid.mgrit.train.RunFolder;

/**
 * Where a resumed run may write: its own folder, an empty one, or one holding the same run (same settings but for
 * those a resume may change); never over a different run unless forced.
 */
public final class ResumeTarget {
    /** The files whose presence says a folder holds a run. */
    private static final List<String> RUN_FILES = List.of(TrainingRun.CHECKPOINT, TrainingRun.MODEL,
            TrainingRun.SUMMARY, HistoryLog.CSV);

    private ResumeTarget() {
    }

    /**
     * @throws IllegalArgumentException naming the folder and what it holds, when {@code out} holds a different run
     *                                  and {@code force} is off
     */
    public static void check(Path checkpoint, TrainSettings resumed, Path out, boolean force) throws IOException {
        Path own = checkpoint.toAbsolutePath().normalize().getParent();
        Path target = out.toAbsolutePath().normalize();
        List<String> there = RunFolder.existing(target, RUN_FILES);
        if (force || target.equals(own) || there.isEmpty() || sameRun(target.resolve(TrainingRun.CHECKPOINT), resumed)) {
            return;
        }
        throw new IllegalArgumentException("--out " + out + " already holds another run (" + String.join(", ", there)
                + "); resuming " + checkpoint + " there would overwrite it: choose another --out, or add --force");
    }

    private static boolean sameRun(Path theirs, TrainSettings resumed) throws IOException {
        if (!Files.isRegularFile(theirs)) {
            return false;
        }
        try {
            return TrainingRun.settingsOf(theirs).sameRunAs(resumed);
        } catch (IllegalArgumentException e) {
            return false; // not a checkpoint this version can read: not the same run as far as can be told
        }
    }
}
