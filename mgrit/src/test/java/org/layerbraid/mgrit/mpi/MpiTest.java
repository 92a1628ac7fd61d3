package org.layerbraid.mgrit.mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.io.SafeTensors;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.training.HistoryLog;
import org.layerbraid.mgrit.training.LayerParallelSettings;
import org.layerbraid.mgrit.training.TrainSettings;
import org.layerbraid.mgrit.training.TrainingListener;
import org.layerbraid.mgrit.training.TrainingRun;

/**
 * One-shot training in real MPI jobs (Open MPI's mpirun starting JVMs that call libmpi through the binding) against
 * the same training in this process: the model and the history have the same bits on 1, 2, 3 and 4 ranks (and 2
 * threads per rank), and a checkpoint written by 2 ranks resumes on 3 to the model of an uninterrupted run.
 * Needs Open MPI (apt-get install openmpi-bin libopenmpi-dev, as CI does); skipped without mpirun.
 */
class MpiTest {
    private static final int LAYERS = 64;

    @BeforeAll
    static void needsMpirun() throws Exception {
        boolean found = false;
        try {
            found = new ProcessBuilder("mpirun", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            found = false;
        }
        Assumptions.assumeTrue(found, "mpirun not found: install openmpi-bin libopenmpi-dev to run the MPI tests");
    }

    /** The run every job trains: one-shot Peaks, 32 layers, 600 examples. */
    static TrainSettings settings(int iterations, int threads) {
        return TrainSettings.builder().trainSize(400).validationSize(100).layers(LAYERS).iterations(iterations)
                .checkpointEvery(0).threads(threads).layerParallel(LayerParallelSettings.oneShot(2, 2)).build();
    }

    private static Path inProcess(Path dir, String name, int iterations) throws IOException {
        Path out = dir.resolve(name);
        TrainingRun.execute(settings(iterations, 1), out, null, TrainingListener.NONE);
        return out;
    }

    /** Runs {@link MpiTrainingMain} on {@code ranks} ranks; returns its folder. */
    private static Path job(Path dir, String name, int ranks, int threads, int iterations, Path resume)
            throws Exception {
        Path out = dir.resolve(name);
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "-np",
                Integer.toString(ranks), java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MpiTrainingMain.class.getName(), out.toString(),
                Integer.toString(iterations), Integer.toString(threads)));
        if (resume != null) {
            command.add(resume.toString());
        }
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + ": the job did not end in 5 minutes");
        assertEquals(0, p.exitValue(), name + " failed: " + Files.readString(log));
        return out;
    }

    private static void assertSameRun(Path expected, Path actual, String what) throws IOException {
        SafeTensors a = SafeTensors.read(expected.resolve(TrainingRun.MODEL));
        SafeTensors b = SafeTensors.read(actual.resolve(TrainingRun.MODEL));
        assertEquals(a.names(), b.names(), what);
        for (String name : a.names()) {
            assertArrayEquals(a.doubles(name), b.doubles(name), what + ": " + name);
        }
        var ra = HistoryLog.read(expected.resolve(HistoryLog.CSV));
        var rb = HistoryLog.read(actual.resolve(HistoryLog.CSV));
        assertEquals(ra.size(), rb.size(), what + ": history rows");
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(untimed(ra.get(i)), untimed(rb.get(i)), what + ": history row " + i);
        }
    }

    private static HistoryRow untimed(HistoryRow r) {
        return new HistoryRow(r.iteration(), r.stateResidual(), r.adjointResidual(), r.objective(), r.loss(),
                r.gradientNorm(), r.step(), r.lineSearchIterations(), r.trainAccuracy(), r.validationAccuracy(), 0);
    }

    @Test
    void oneShotTrainingHasTheSameBitsOnEveryRankCount(@TempDir Path dir) throws Exception {
        Path one = inProcess(dir, "process", 4);
        for (int ranks = 1; ranks <= 4; ranks++) {
            assertSameRun(one, job(dir, "ranks" + ranks, ranks, 1, 4, null), ranks + " ranks");
        }
        assertSameRun(one, job(dir, "ranks2x2", 2, 2, 4, null), "2 ranks × 2 threads");
    }

    @Test
    void aCheckpointOfTwoRanksResumesOnThree(@TempDir Path dir) throws Exception {
        Path whole = inProcess(dir, "whole", 6);
        Path first = job(dir, "first", 2, 1, 3, null);
        Path resumed = job(dir, "resumed", 3, 1, 6, first.resolve(TrainingRun.CHECKPOINT));
        assertSameRun(whole, resumed, "3 + 3 iterations on 2 then 3 ranks");
    }
}
