package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the data readers: whatever a writer of the format makes, they read back exactly. */
class LoaderProperties {
    /** A table: rows of finite features and a label; how it is written (delimiter, header, quotes). */
    record Table(List<double[]> rows, List<String> labels, char delimiter, boolean header, boolean quoted) {
        int features() {
            return rows.getFirst().length;
        }

        String text(int[] columnOrder) {
            StringBuilder sb = new StringBuilder();
            String d = String.valueOf(delimiter);
            if (header) {
                List<String> names = new ArrayList<>();
                for (int c : columnOrder) {
                    names.add("f" + c);
                }
                sb.append(String.join(d, names)).append(d).append("label\n");
            }
            for (int i = 0; i < rows.size(); i++) {
                for (int c : columnOrder) {
                    String v = Double.toString(rows.get(i)[c]);
                    sb.append(quoted ? "\"" + v + "\"" : v).append(d);
                }
                sb.append(quoted ? "\" " + labels.get(i) + "\"\"x\"" : labels.get(i)).append('\n');
            }
            return sb.toString();
        }

        /** The rows as sorted text, to compare as multisets whatever the shuffle. */
        List<String> canonical() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                out.add(java.util.Arrays.toString(rows.get(i)) + (quoted ? " " + labels.get(i) + "\"x" : labels.get(i)));
            }
            out.sort(null);
            return out;
        }
    }

    @Provide
    Arbitrary<Table> tables() {
        Arbitrary<Double> value = Arbitraries.doubles().between(-1e12, 1e12).withSpecialValue(0.0)
                .withSpecialValue(-0.0).withSpecialValue(Double.MIN_VALUE).withSpecialValue(1e-300);
        Arbitrary<String> label = Arbitraries.of("a", "b", "cat", "12", "x y");
        return Arbitraries.integers().between(1, 4).flatMap(d -> Combinators.combine(
                value.array(double[].class).ofSize(d).list().ofMinSize(4).ofMaxSize(30),
                label.list().ofMinSize(30).ofMaxSize(30), Arbitraries.of(',', ';', '\t'), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((rows, labels, delimiter, header, quoted) -> {
                    List<String> ls = new ArrayList<>(labels.subList(0, rows.size()));
                    ls.set(0, "a");
                    ls.set(1, "b"); // at least two classes
                    return new Table(rows, ls, delimiter, header, quoted);
                }));
    }

    private static List<String> canonical(Split split) {
        List<String> out = new ArrayList<>();
        for (DataSet part : List.of(split.train(), split.validation())) {
            int d = part.features();
            for (int i = 0; i < part.size(); i++) {
                double[] x = java.util.Arrays.copyOfRange(part.examples(), i * d, (i + 1) * d);
                out.add(java.util.Arrays.toString(x) + part.classNames().get(part.labels()[i]));
            }
        }
        out.sort(null);
        return out;
    }

    private static Split read(String text, CsvOptions options) throws IOException {
        Path file = Files.createTempFile("layerbraid-property", ".csv");
        try {
            Files.writeString(file, text);
            return Csv.read(file, options);
        } finally {
            Files.delete(file);
        }
    }

    private static CsvOptions options(Table t) {
        return CsvOptions.defaults().withStandardize(false).withDelimiter(t.delimiter()).withValidationFraction(0.5)
                .withHeader(t.header() ? CsvOptions.Header.PRESENT : CsvOptions.Header.ABSENT);
    }

    @Property(tries = 200, seed = "20261129")
    void csvReadsBackEveryRowExactly(@ForAll("tables") Table t) throws IOException {
        int[] order = java.util.stream.IntStream.range(0, t.features()).toArray();
        Split split = read(t.text(order), options(t));
        assertEquals(t.canonical(), canonical(split));
        List<String> names = t.header() ? java.util.Arrays.stream(order).mapToObj(c -> "f" + c).toList() : List.of();
        assertEquals(names, split.train().featureNames());
    }

    @Property(tries = 100, seed = "20261129")
    void csvColumnsAreMatchedByNameInAnyOrder(@ForAll("tables") Table t, @ForAll long shuffleSeed) throws IOException {
        int d = t.features();
        List<Integer> shuffled = new ArrayList<>(java.util.stream.IntStream.range(0, d).boxed().toList());
        java.util.Collections.shuffle(shuffled, new java.util.Random(shuffleSeed));
        int[] order = shuffled.stream().mapToInt(Integer::intValue).toArray();
        Table headed = new Table(t.rows(), t.labels(), t.delimiter(), true, t.quoted());
        List<String> modelOrder = java.util.stream.IntStream.range(0, d).mapToObj(c -> "f" + c).toList();
        Split split = read(headed.text(order), options(headed).withFeatureNames(modelOrder));
        assertEquals(headed.canonical(), canonical(split), "columns in the model's order whatever the file's");
    }

    @Property(tries = 200, seed = "20261129")
    void idxReadsBackEveryPixelAndLabel(@ForAll @IntRange(min = 1, max = 40) int count,
            @ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 6) int cols,
            @ForAll long seed, @ForAll boolean gzip) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        byte[] pixels = new byte[count * rows * cols];
        random.nextBytes(pixels);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(i == 0 ? 1 : 10);
        }
        Path images = Files.createTempFile("layerbraid-property", ".idx");
        Path labelFile = Files.createTempFile("layerbraid-property", ".idx");
        try {
            Files.write(images, maybeGzip(idx(0x0803, new int[] {count, rows, cols}, pixels), gzip));
            Files.write(labelFile, maybeGzip(idx(0x0801, new int[] {count}, labels), gzip));
            DataSet data = Idx.read(images, labelFile);
            assertEquals(rows * cols, data.features());
            for (int k = 0; k < pixels.length; k++) {
                assertEquals(Byte.toUnsignedInt(pixels[k]) / 255.0, data.examples()[k]);
            }
            int[] expected = new int[count];
            for (int i = 0; i < count; i++) {
                expected[i] = labels[i];
            }
            assertArrayEquals(expected, data.labels());
        } finally {
            Files.delete(images);
            Files.delete(labelFile);
        }
    }

    static byte[] idx(int magic, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length).putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(body).array();
    }

    private static byte[] maybeGzip(byte[] bytes, boolean gzip) throws IOException {
        if (!gzip) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    @Property(tries = 50, seed = "20261129")
    void standardisedFeaturesHaveZeroMeanOnTheTrainingPart(@ForAll("tables") Table t) throws IOException {
        int[] order = java.util.stream.IntStream.range(0, t.features()).toArray();
        Split split = read(t.text(order), options(t).withStandardize(true));
        DataSet train = split.train();
        for (int f = 0; f < train.features(); f++) {
            double sum = 0;
            double scale = 0;
            for (int i = 0; i < train.size(); i++) {
                sum += train.examples()[i * train.features() + f];
                scale = Math.max(scale, Math.abs(train.examples()[i * train.features() + f]));
            }
            assertEquals(0, sum / train.size(), 1e-9 * Math.max(1, scale), String.format(Locale.ROOT, "feature %d", f));
        }
    }
}
