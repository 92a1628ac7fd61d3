package org.layerbraid.mgrit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.layerbraid.mgrit.train.HistoryRow;

/**
 * history.csv and history.jsonl, one row per iteration, flushed as written so a crash loses nothing that
 * was logged. Values are written in full precision (shortest round-trip form); a missing value (NaN) is
 * {@code NaN} in the CSV and {@code null} in the JSON lines.
 */
public final class HistoryLog implements AutoCloseable {
    public static final String CSV = "history.csv";
    public static final String JSONL = "history.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter csv;
    private final BufferedWriter jsonl;
    private final List<HistoryRow> rows = new ArrayList<>();

    /** Starts the logs in dir afresh, writing the {@code earlier} rows first (those before a resumed checkpoint). */
    HistoryLog(Path dir, List<HistoryRow> earlier) throws IOException {
        csv = Files.newBufferedWriter(dir.resolve(CSV), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        jsonl = Files.newBufferedWriter(dir.resolve(JSONL), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        csv.write(String.join(",", HistoryRow.COLUMNS));
        csv.newLine();
        for (HistoryRow row : earlier) {
            append(row);
        }
    }

    void append(HistoryRow row) {
        try {
            csv.write(csvLine(row));
            csv.newLine();
            csv.flush();
            jsonl.write(JSON.writeValueAsString(json(row)));
            jsonl.newLine();
            jsonl.flush();
            rows.add(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history log: " + e.getMessage(), e);
        }
    }

    List<HistoryRow> rows() {
        return rows;
    }

    static String csvLine(HistoryRow r) {
        return String.join(",", Integer.toString(r.iteration()), num(r.stateResidual()), num(r.adjointResidual()),
                num(r.objective()), num(r.loss()), num(r.gradientNorm()), num(r.step()),
                Integer.toString(r.lineSearchIterations()), num(r.trainAccuracy()), num(r.validationAccuracy()),
                num(r.seconds()));
    }

    private static String num(double v) {
        return Double.toString(v);
    }

    static ObjectNode json(HistoryRow r) {
        ObjectNode o = JSON.createObjectNode();
        String[] c = HistoryRow.COLUMNS;
        o.put(c[0], r.iteration());
        put(o, c[1], r.stateResidual());
        put(o, c[2], r.adjointResidual());
        put(o, c[3], r.objective());
        put(o, c[4], r.loss());
        put(o, c[5], r.gradientNorm());
        put(o, c[6], r.step());
        o.put(c[7], r.lineSearchIterations());
        put(o, c[8], r.trainAccuracy());
        put(o, c[9], r.validationAccuracy());
        put(o, c[10], r.seconds());
        return o;
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /** Reads the rows of a history.csv written by this class. */
    public static List<HistoryRow> read(Path csvFile) throws IOException {
        List<String> lines = Files.readAllLines(csvFile, StandardCharsets.UTF_8);
        List<HistoryRow> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            if (f.length != HistoryRow.COLUMNS.length) {
                throw new IllegalArgumentException(csvFile + " line " + (i + 1) + ": expected "
                        + HistoryRow.COLUMNS.length + " columns, found " + f.length);
            }
            out.add(new HistoryRow(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                    Integer.parseInt(f[7]), d(f[8]), d(f[9]), d(f[10])));
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @Override
    public void close() throws IOException {
        try (csv; jsonl) {
            csv.flush();
            jsonl.flush();
        }
    }
}
