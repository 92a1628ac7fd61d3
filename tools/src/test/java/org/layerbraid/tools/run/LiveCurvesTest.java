package org.layerbraid.tools.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerbraid.mgrit.train.HistoryRow;

/** The curves are drawn while the rows come in from iteration 0, and not at all for a resumed run's rows. */
class LiveCurvesTest {
    @TempDir
    Path folder;

    private static HistoryRow row(int iteration) {
        return new HistoryRow(iteration, 0, 0, 2.0 / (iteration + 1), 1.5 / (iteration + 1), 0.1, 1, 0, 20 + iteration,
                20 + iteration, 0.01 * iteration);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRunFromTheStartHasItsCurvesDrawnAsItGoes() throws IOException {
        try (LiveCurves live = new LiveCurves(folder)) {
            for (int i = 0; i < 5; i++) {
                live.add(row(i));
            }
        }
        assertEquals(List.of("accuracy.png", "accuracy_time.png", "loss.png", "loss_time.png"), files());
        assertTrue(Files.size(folder.resolve("loss.png")) > 1000);
    }

    @Test
    void aResumedRunLeavesTheCurvesToTheEnd() throws IOException {
        try (LiveCurves live = new LiveCurves(folder)) {
            for (int i = 7; i < 12; i++) {
                live.add(row(i));
            }
        }
        assertFalse(Files.exists(folder.resolve("loss.png")));
        assertEquals(List.of(), files());
    }
}
