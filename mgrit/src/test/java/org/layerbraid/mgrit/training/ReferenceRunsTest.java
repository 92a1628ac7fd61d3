package org.layerbraid.mgrit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.nn.AdaptiveEvaluator;
import org.layerbraid.mgrit.train.HistoryRow;

/**
 * The library's training gives bitwise the histories the command line gave before training moved into the library.
 * The digests are SHA-256 of history.csv without its seconds column (first 16 hex digits), recorded with
 * {@code layerbraid train} at commit 75c15b1 (before the move) for the same settings; any change of any bit of any
 * iteration's objective, loss, gradient norm, step, residuals or accuracies changes them.
 */
class ReferenceRunsTest {
    @TempDir
    Path dir;

    private String digest(TrainSettings settings, String name) throws IOException {
        Path out = dir.resolve(name);
        TrainingRun.execute(settings, out, null, TrainingListener.NONE);
        List<String> lines = Files.readAllLines(out.resolve(HistoryLog.CSV));
        int seconds = List.of(lines.get(0).split(",")).indexOf("seconds");
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            cells.remove(seconds);
            rows.add(String.join(",", cells));
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.join("\n", rows)
                    .getBytes(StandardCharsets.UTF_8));
            return rows.size() + " " + HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void serial() throws IOException {
        assertEquals("20 c7afb1b177e62a82", digest(TrainSettings.builder().iterations(20).build(), "serial"));
    }

    @Test
    void oneShotOnTwoWorkers() throws IOException {
        assertEquals("10 dfd3bad30f5c729a", digest(TrainSettings.builder().layers(32).iterations(10).threads(2)
                .layerParallel(LayerParallelSettings.oneShot(2, 2)).build(), "oneshot"));
    }

    @Test
    void adaptiveOneShot() throws IOException {
        assertEquals("12 676a3c74cd86a5b1", digest(TrainSettings.builder().layers(32).iterations(12)
                .layerParallel(LayerParallelSettings.oneShot(2, 2)
                        .adaptive(new AdaptiveEvaluator.Policy(2, 0.05, 1, 4))).build(), "adaptive"));
    }

    @Test
    void nestedIteration() throws IOException {
        assertEquals("8 f199a263f54f957a", digest(TrainSettings.builder().layers(32).iterations(8).nestedLevels(1)
                .nestedIterations(5).build(), "nested"));
    }

    @Test
    void aListenerSeesEveryRowAndCanStopTheRun() throws IOException {
        AtomicInteger seen = new AtomicInteger();
        HistoryRow last = TrainingRun.execute(TrainSettings.builder().iterations(50).build(), dir.resolve("stop"),
                null, new TrainingListener() {
                    @Override
                    public boolean iteration(HistoryRow row) {
                        return seen.incrementAndGet() < 4;
                    }
                });
        assertEquals(4, seen.get());
        assertEquals(3, last.iteration());
        assertEquals(5, Files.readAllLines(dir.resolve("stop").resolve(HistoryLog.CSV)).size());
        assertEquals(true, Files.exists(dir.resolve("stop").resolve(TrainingRun.MODEL)));
    }
}
