package org.layerbraid.mgrit.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.layerbraid.mgrit.io.Utf8;

/**
 * Reader of a classification table in CSV (UTF-8): numeric feature columns and one label column, integer or string.
 * Blank lines and lines starting with {@code #} are skipped; cells may be double-quoted. Errors name the file, the
 * 1-based line and the 1-based column (or, for bytes that are not UTF-8, the byte offset). A header's names become
 * the feature names; given a model's names ({@link CsvOptions#withFeatureNames}, {@link CsvOptions#withClassNames}),
 * columns are matched by header name and labels by class name. The rows are split into training and validation
 * parts by a seeded shuffle, and the features standardised with the training part's statistics.
 */
public final class Csv {
    private Csv() {
    }

    /**
     * Reads, labels, splits and standardises {@code file}. Without given class names, integer labels become class ids
     * in increasing order (0..k−1 map to themselves), string labels in order of first appearance; both keep their
     * text as class names. Each part keeps the shuffled row order.
     */
    public static Split read(Path file, CsvOptions options) throws IOException {
        double fraction = options.validationFraction();
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(file + ": validation fraction " + fraction + " is outside (0, 1)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        Table table = Table.parse(file, options);
        Labels labels = options.classNames().isEmpty() ? Labels.of(table, file) : Labels.named(table, file,
                options.classNames());
        int n = table.labels.size();
        int nValidation = (int) Math.round(fraction * n);
        if (nValidation < 1 || nValidation > n - 1) {
            throw new IllegalArgumentException(file + ": validation fraction " + fraction + " of " + n
                    + " examples leaves the " + (nValidation < 1 ? "validation" : "training") + " part empty");
        }
        int[] order = shuffled(n, options.seed());
        int[] validationRows = Arrays.copyOfRange(order, 0, nValidation);
        int[] trainRows = Arrays.copyOfRange(order, nValidation, n);
        int d = table.features;
        double[] trainX = gather(table.values, d, trainRows);
        double[] validationX = gather(table.values, d, validationRows);
        Standardization standardization = options.standardize()
                ? Standardization.fit(trainX, d)
                : Standardization.identity(d);
        String name = file.getFileName().toString();
        DataSet train = new DataSet(name + " train", d, standardization.apply(trainX),
                gather(labels.ids, trainRows), labels.names, table.featureNames);
        DataSet validation = new DataSet(name + " validation", d, standardization.apply(validationX),
                gather(labels.ids, validationRows), labels.names, table.featureNames);
        return new Split(train, validation, standardization);
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static double[] gather(double[] values, int d, int[] rows) {
        double[] out = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(values, rows[i] * d, out, i * d, d);
        }
        return out;
    }

    private static int[] gather(int[] ids, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = ids[rows[i]];
        }
        return out;
    }

    /** A one-line error naming the file, line and (when given, ≥ 1) column. */
    static IllegalArgumentException error(Path file, int line, int column, String message) {
        return new IllegalArgumentException(file + " line " + line + (column > 0 ? ", column " + column : "") + ": "
                + message);
    }

    /** The parsed rows: features in the wanted order (example-major), the raw label cells and their lines. */
    private static final class Table {
        final int features;
        final List<String> labels = new ArrayList<>();
        final List<Integer> labelLines = new ArrayList<>();
        final int labelColumn;
        final String labelColumnName;
        /** Where each column's value goes among an example's features (−1: the label column). */
        final int[] slot;
        /** The feature names in the wanted order, or empty without a header. */
        final List<String> featureNames;
        /** A detected header that holds numbers among its names, so may be data or metadata; or null. */
        final String suspectHeader;
        final int headerLine;
        double[] values = new double[1024];

        private Table(int labelColumn, String labelColumnName, int[] slot, List<String> featureNames,
                String suspectHeader, int headerLine) {
            this.features = slot.length - 1;
            this.labelColumn = labelColumn;
            this.labelColumnName = labelColumnName;
            this.slot = slot;
            this.featureNames = featureNames;
            this.suspectHeader = suspectHeader;
            this.headerLine = headerLine;
        }

        static Table parse(Path file, CsvOptions options) throws IOException {
            Table table = null;
            String[] names = null;
            int lineNo = 0;
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lineNo++;
                    if (lineNo == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    String stripped = line.strip();
                    if (stripped.isEmpty() || stripped.startsWith("#")) {
                        continue;
                    }
                    if (line.indexOf('\0') >= 0) {
                        throw error(file, lineNo, 0, "holds a NUL character: a binary file, not CSV text");
                    }
                    List<String> cells = cells(line, options.delimiter(), file, lineNo);
                    if (table == null) {
                        int label = labelColumn(cells, options, file, lineNo);
                        boolean header = isHeader(cells, label, options);
                        names = header ? cells.toArray(String[]::new) : null;
                        table = of(cells, label, header, options, file, lineNo, line);
                        if (header) {
                            continue;
                        }
                    }
                    table.add(cells, file, lineNo, names);
                }
            } catch (CharacterCodingException e) {
                throw Utf8.error(file);
            }
            if (table == null) {
                throw new IllegalArgumentException(file + ": empty file (no rows besides blank lines and comments)");
            }
            if (table.labels.isEmpty()) {
                throw new IllegalArgumentException(file + ": has a header but no data rows");
            }
            return table;
        }

        private static int labelColumn(List<String> first, CsvOptions options, Path file, int lineNo) {
            if (first.size() < 2) {
                throw error(file, lineNo, 0, "a row needs at least 2 cells (features and a label), found "
                        + first.size());
            }
            if (options.labelName() != null) {
                int at = first.indexOf(options.labelName());
                if (options.header() == CsvOptions.Header.ABSENT || at < 0) {
                    throw error(file, lineNo, 0, "no label column named '" + options.labelName() + "'"
                            + (options.header() == CsvOptions.Header.ABSENT
                                    ? " (the header row is turned off)"
                                    : " in the header " + first));
                }
                return at;
            }
            if (options.labelIndex() >= first.size()) {
                throw error(file, lineNo, 0, "label column index " + options.labelIndex() + " (0-based) is out of "
                        + "range: the rows have " + first.size() + " cells");
            }
            return options.labelIndex() < 0 ? first.size() - 1 : options.labelIndex();
        }

        /** The table's layout from its first row (a header or data), matching the wanted feature names if given. */
        private static Table of(List<String> first, int label, boolean header, CsvOptions options, Path file,
                int lineNo, String line) {
            int k = first.size();
            List<String> wanted = options.featureNames();
            List<String> names = new ArrayList<>();
            boolean numeric = false;
            for (int c = 0; c < k; c++) {
                if (c != label) {
                    names.add(first.get(c));
                    numeric |= number(first.get(c)).isPresent();
                }
            }
            int[] slot = new int[k];
            // Names that repeat cannot be matched: they are refused when a model's names must be, else not stored.
            boolean distinct = true;
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < k && header; c++) {
                Integer before = seen.put(first.get(c), c);
                if (before != null && !wanted.isEmpty()) {
                    throw error(file, lineNo, c + 1, "the header names '" + first.get(c) + "' twice (columns "
                            + (before + 1) + " and " + (c + 1) + "), so the columns cannot be matched by name");
                }
                distinct &= before == null;
            }
            if (header && !wanted.isEmpty()) {
                List<String> missing = wanted.stream().filter(n -> !names.contains(n)).toList();
                List<String> extra = names.stream().filter(n -> !wanted.contains(n)).toList();
                if (!missing.isEmpty() || !extra.isEmpty()) {
                    throw error(file, lineNo, 0, "the feature columns do not match the model's " + wanted
                            + (missing.isEmpty() ? "" : ": missing " + missing)
                            + (extra.isEmpty() ? "" : (missing.isEmpty() ? ": " : "; ") + "not in the model " + extra));
                }
            }
            for (int c = 0, f = 0; c < k; c++) {
                slot[c] = c == label ? -1 : header && !wanted.isEmpty() ? wanted.indexOf(first.get(c)) : f++;
            }
            String labelName = "column " + (label + 1) + (header ? " ('" + first.get(label) + "')" : "");
            List<String> featureNames = !header || !distinct ? List.of() : wanted.isEmpty() ? names : wanted;
            boolean detected = header && options.header() == CsvOptions.Header.AUTO && options.labelName() == null;
            return new Table(label, labelName, slot, featureNames, detected && numeric ? line.strip() : null, lineNo);
        }

        private static boolean isHeader(List<String> first, int labelColumn, CsvOptions options) {
            return switch (options.header()) {
                case PRESENT -> true;
                case ABSENT -> false;
                case AUTO -> {
                    if (options.labelName() != null) {
                        yield true;
                    }
                    for (int c = 0; c < first.size(); c++) {
                        if (c != labelColumn && number(first.get(c)).isEmpty()) {
                            yield true;
                        }
                    }
                    yield false;
                }
            };
        }

        private void add(List<String> cells, Path file, int lineNo, String[] names) {
            int k = features + 1;
            if (cells.size() != k) {
                if (suspectHeader != null && labels.isEmpty()) {
                    throw error(file, headerLine, 0, "'" + suspectHeader + "' looks like data or metadata, not a "
                            + "header of column names: it has numbers among its " + k + " cells, and line " + lineNo
                            + " has " + cells.size());
                }
                throw error(file, lineNo, 0, "expected " + k + " cells, found " + cells.size());
            }
            int n = labels.size();
            if ((long) (n + 1) * features > Integer.MAX_VALUE - 8) {
                throw error(file, lineNo, 0, "too many values for one array");
            }
            if (values.length < (n + 1) * features) {
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, 2L * values.length + features));
            }
            for (int c = 0; c < k; c++) {
                String cell = cells.get(c);
                if (c == labelColumn) {
                    if (cell.isEmpty()) {
                        throw error(file, lineNo, c + 1, "empty label cell");
                    }
                    continue;
                }
                String what = names == null ? "" : " ('" + names[c] + "')";
                if (cell.isEmpty()) {
                    throw error(file, lineNo, c + 1, "empty feature cell" + what);
                }
                OptionalDouble parsed = number(cell);
                if (parsed.isEmpty()) {
                    throw error(file, lineNo, c + 1, "non-numeric feature cell '" + cell + "'" + what);
                }
                double v = parsed.getAsDouble();
                if (!Double.isFinite(v)) {
                    throw error(file, lineNo, c + 1, "feature cell '" + cell + "'" + what + " is not a finite number");
                }
                values[n * features + slot[c]] = v;
            }
            labels.add(cells.get(labelColumn));
            labelLines.add(lineNo);
        }
    }

    /** Class ids and names from the raw label cells. */
    private record Labels(int[] ids, List<String> names) {
        static Labels of(Table table, Path file) {
            List<String> raw = table.labels;
            int[] ids = new int[raw.size()];
            List<String> names = new ArrayList<>();
            if (raw.stream().allMatch(Csv::isInteger)) {
                TreeSet<Long> distinct = new TreeSet<>();
                raw.forEach(s -> distinct.add(Long.parseLong(s)));
                Map<Long, Integer> id = new HashMap<>();
                for (long value : distinct) {
                    id.put(value, names.size());
                    names.add(Long.toString(value));
                }
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = id.get(Long.parseLong(raw.get(i)));
                }
            } else {
                Map<String, Integer> id = new LinkedHashMap<>();
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = id.computeIfAbsent(raw.get(i), s -> id.size());
                }
                names.addAll(id.keySet());
            }
            if (names.size() < 2) {
                throw new IllegalArgumentException(file + ", " + table.labelColumnName + ": every label is '"
                        + names.getFirst() + "': needs at least 2 classes");
            }
            return new Labels(ids, List.copyOf(names));
        }

        /** Labels mapped by name to given classes; a label outside them is refused, naming file, line and label. */
        static Labels named(Table table, Path file, List<String> classes) {
            Map<String, Integer> id = new HashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                id.put(classes.get(i), i);
            }
            int[] ids = new int[table.labels.size()];
            for (int i = 0; i < ids.length; i++) {
                Integer known = id.get(table.labels.get(i));
                if (known == null) {
                    throw error(file, table.labelLines.get(i), table.labelColumn + 1, "label '" + table.labels.get(i)
                            + "' is not one of the model's classes " + classes);
                }
                ids[i] = known;
            }
            return new Labels(ids, classes);
        }
    }

    /**
     * The cells of one line, stripped of surrounding spaces. A cell may be double-quoted (to hold the delimiter);
     * {@code ""} inside quotes is one quote.
     */
    static List<String> cells(String line, char delimiter, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int len = line.length();
        while (true) {
            while (i < len && line.charAt(i) == ' ') {
                i++;
            }
            if (i < len && line.charAt(i) == '"') {
                StringBuilder cell = new StringBuilder();
                i++;
                while (true) {
                    if (i >= len) {
                        throw error(file, lineNo, out.size() + 1, "unterminated quote");
                    }
                    char ch = line.charAt(i++);
                    if (ch != '"') {
                        cell.append(ch);
                    } else if (i < len && line.charAt(i) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                while (i < len && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < len && line.charAt(i) != delimiter) {
                    throw error(file, lineNo, out.size() + 1, "text after the closing quote");
                }
                out.add(cell.toString());
            } else {
                int end = line.indexOf(delimiter, i);
                end = end < 0 ? len : end;
                out.add(line.substring(i, end).strip());
                i = end;
            }
            if (i >= len) {
                return out;
            }
            i++;
        }
    }

    /**
     * The value of a decimal number cell such as {@code -1.5e3}, including spelled-out {@code NaN} and {@code inf}
     * (so they can be reported as non-finite rather than non-numeric); empty for anything else. Java's own parser
     * is not used alone because it also takes {@code 1d}, {@code 0x1p3} and other forms no CSV writer makes.
     */
    static OptionalDouble number(String cell) {
        String lower = cell.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return OptionalDouble.of(lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        boolean digit = false;
        for (int i = 0; i < cell.length(); i++) {
            char ch = cell.charAt(i);
            digit |= ch >= '0' && ch <= '9';
            if (!(ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) {
                return OptionalDouble.empty();
            }
        }
        try {
            return digit ? OptionalDouble.of(Double.parseDouble(cell)) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private static boolean isInteger(String cell) {
        int start = cell.startsWith("-") || cell.startsWith("+") ? 1 : 0;
        if (cell.length() == start || cell.length() - start > 18) {
            return false;
        }
        for (int i = start; i < cell.length(); i++) {
            if (cell.charAt(i) < '0' || cell.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
