package org.layerbraid.tools.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.mgrit.training.HistoryLog;
import org.layerbraid.tools.report.Charts;

/**
 * Charts that put finished runs side by side (accuracy and loss against iterations and wall time), each line named by
 * its method and thread count from its summary: how the paper compares serial, converged and one-shot training.
 */
public final class RunComparison {
    private RunComparison() {
    }

    /**
     * Writes the comparison charts of {@code runs} (run folders, this run first) into {@code folder}.
     *
     * @throws IllegalArgumentException when a folder holds no finished run
     */
    public static List<Path> write(Path folder, List<Path> runs) throws IOException {
        Map<String, List<HistoryRow>> curves = new LinkedHashMap<>();
        for (Path run : runs) {
            Path csv = run.resolve(HistoryLog.CSV);
            Path summary = run.resolve("summary.json");
            if (!Files.isRegularFile(csv) || !Files.isRegularFile(summary)) {
                throw new IllegalArgumentException(run + " holds no finished run (history.csv and summary.json)");
            }
            String name = label(new ObjectMapper().readTree(summary.toFile()), run);
            while (curves.containsKey(name)) {
                name = name + "′";
            }
            curves.put(name, HistoryLog.read(csv));
        }
        return Charts.standard().trainingCurves(folder, curves);
    }

    private static String label(JsonNode summary, Path run) {
        JsonNode settings = summary.path("settings");
        String method = settings.path("layerParallel").path("method").asText("serial");
        int threads = settings.path("threads").asInt(1);
        return method + ", " + threads + " thread" + (threads == 1 ? "" : "s") + " (" + run.getFileName() + ")";
    }
}
