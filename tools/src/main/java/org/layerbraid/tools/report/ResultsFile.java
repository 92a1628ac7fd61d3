package org.layerbraid.tools.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerbraid.bench.Row;
import org.layerbraid.mgrit.io.AtomicFiles;

/**
 * {@code results.json} of a bench run: the run's mode, date and machine, then every point with its benchmark,
 * parameters, score, error, unit, bytes allocated per operation and, for kernels, GFLOP/s and % of peak.
 * Values that do not apply (NaN) are written as null, so that the file is plain JSON.
 */
public final class ResultsFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsFile() {
    }

    /** Writes {@code results} to {@code file} atomically. */
    public static void write(Path file, BenchResults results) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", results.mode());
        root.put("date", results.date());
        root.put("machine", results.machine());
        root.put("java", results.java());
        ArrayNode points = root.putArray("points");
        for (Row r : results.rows()) {
            ObjectNode p = points.addObject();
            p.put("benchmark", r.benchmark());
            ObjectNode params = p.putObject("params");
            r.params().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> params.put(e.getKey(), e.getValue()));
            number(p, "score", r.score());
            number(p, "error", r.error());
            p.put("unit", r.unit());
            number(p, "allocBytesPerOp", r.allocBytesPerOp());
            number(p, "gflops", r.gflops());
            number(p, "gflopsError", r.gflopsError());
            number(p, "percentOfPeak", r.percentOfPeak());
        }
        AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    /**
     * Reads a file {@link #write} wrote.
     *
     * @throws IOException with one line naming the file and what is wrong
     */
    public static BenchResults read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file", e);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode points = root == null ? null : root.get("points");
        if (points == null || !points.isArray()) {
            throw new IOException(file + " is not a bench results.json: it has no \"points\" array");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode p : points) {
            if (!p.hasNonNull("benchmark") || !p.hasNonNull("score") || !p.hasNonNull("unit")) {
                throw new IOException(file + ": point " + rows.size() + " lacks benchmark, score or unit");
            }
            Map<String, String> params = new LinkedHashMap<>();
            p.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            rows.add(new Row(p.get("benchmark").asText(), params, number(p, "score"), number(p, "error"),
                    p.get("unit").asText(), number(p, "allocBytesPerOp"), number(p, "gflops"),
                    number(p, "gflopsError"), number(p, "percentOfPeak")));
        }
        return new BenchResults(root.path("mode").asText("?"), root.path("date").asText("?"),
                root.path("machine").asText("?"), root.path("java").asText("?"), rows);
    }

    private static double number(JsonNode point, String name) {
        JsonNode v = point.get(name);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
