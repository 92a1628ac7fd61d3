package org.layerbraid.mgrit.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.layerbraid.mgrit.io.AtomicFiles;
import org.layerbraid.mgrit.train.HistoryRow;

/**
 * history.csv and history.jsonl, one row per iteration, flushed as written so a crash loses nothing that
 * was logged. Values are written in full precision (shortest round-trip form); a missing value (NaN) is
 * {@code NaN} in the CSV and {@code null} in the JSON lines. A resumed run's logs are rebuilt in new files
 * (the rows before its checkpoint first) and renamed over the old ones, never truncated in place: a run
 * killed while it rebuilds them leaves the old logs whole.
 */
public final class HistoryLog implements AutoCloseable {
    public static final String CSV = "history.csv";
    public static final String JSONL = "history.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<HistoryRow> earlier;
    private Log csv;
    private Log jsonl;
    private final List<HistoryRow> rows = new ArrayList<>();

    /** Logs for dir that will start with the {@code earlier} rows (those before a resumed checkpoint). */
    HistoryLog(Path dir, List<HistoryRow> earlier) {
        this.dir = dir;
        this.earlier = earlier;
    }

    /** Writes the new logs with the earlier rows and puts them in place; nothing is written before this. */
    void begin() throws IOException {
        csv = Log.rebuild(dir.resolve(CSV), String.join(",", HistoryRow.COLUMNS) + "\n"
                + earlier.stream().map(r -> csvLine(r) + "\n").collect(Collectors.joining()));
        StringBuilder lines = new StringBuilder();
        for (HistoryRow r : earlier) {
            lines.append(JSON.writeValueAsString(json(r))).append('\n');
        }
        jsonl = Log.rebuild(dir.resolve(JSONL), lines.toString());
        rows.addAll(earlier);
    }

    void append(HistoryRow row) {
        csv.append(csvLine(row) + "\n");
        try {
            jsonl.append(JSON.writeValueAsString(json(row)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + jsonl.file + ": " + e.getMessage(), e);
        }
        rows.add(row);
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

    /**
     * Reads the rows of a history.csv written by this class. A last line without its line end is a row cut short
     * by a crash and is left out.
     */
    public static List<HistoryRow> read(Path csvFile) throws IOException {
        String text = Files.readString(csvFile, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        int complete = text.isEmpty() || text.endsWith("\n") ? lines.size() : lines.size() - 1;
        List<HistoryRow> out = new ArrayList<>();
        for (int i = 1; i < complete; i++) {
            String[] f = lines.get(i).split(",");
            if (f.length != HistoryRow.COLUMNS.length) {
                throw new IllegalArgumentException(csvFile + " line " + (i + 1) + ": expected "
                        + HistoryRow.COLUMNS.length + " columns, found " + f.length);
            }
            try {
                out.add(new HistoryRow(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                        Integer.parseInt(f[7]), d(f[8]), d(f[9]), d(f[10])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(csvFile + " line " + (i + 1) + ": not a history row (" + e.getMessage()
                        + ")");
            }
        }
        return out;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @Override
    public void close() throws IOException {
        try {
            if (csv != null) {
                csv.close();
            }
        } finally {
            if (jsonl != null) {
                jsonl.close();
            }
        }
    }

    /** One log file, open for appending; every append reaches the operating system before it returns. */
    private static final class Log implements AutoCloseable {
        final Path file;
        private final FileChannel channel;

        private Log(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /**
         * Writes {@code start} to a new temporary file next to {@code target} (named as {@link AtomicFiles} names
         * its own, so an interrupted rebuild is a leftover the next claim of the folder removes), syncs it and
         * renames it over the target; the file stays open for appending.
         */
        static Log rebuild(Path target, String start) throws IOException {
            Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-"
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Log log = new Log(target, channel);
            try {
                log.append(start);
                channel.force(true);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return log;
            } catch (IOException e) {
                log.close();
                Files.deleteIfExists(temp);
                throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                log.close();
                Files.deleteIfExists(temp);
                throw e;
            }
        }

        void append(String text) {
            try {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
