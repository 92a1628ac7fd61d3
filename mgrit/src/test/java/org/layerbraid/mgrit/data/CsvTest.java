package org.layerbraid.mgrit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CSV tables: header detection, labels, splitting, standardisation, and every error with its line and column. */
class CsvTest {
    private static final CsvOptions RAW = CsvOptions.defaults().withStandardize(false);

    @TempDir
    Path dir;

    private Path csv(String content) throws IOException {
        return Files.writeString(dir.resolve("t.csv"), content);
    }

    /** n rows "i, 10·i, label(i)": feature 0 identifies the row. */
    private static String rows(int n, boolean header, String... labels) {
        StringBuilder sb = new StringBuilder(header ? "id,ten,label\n" : "");
        for (int i = 0; i < n; i++) {
            sb.append(i).append(',').append(10 * i).append(',').append(labels[i % labels.length]).append('\n');
        }
        return sb.toString();
    }

    /** Row id (feature 0, untransformed) → class name, over both parts. */
    private static Map<Integer, String> labelsById(Split split) {
        Map<Integer, String> out = new HashMap<>();
        for (DataSet part : List.of(split.train(), split.validation())) {
            for (int i = 0; i < part.size(); i++) {
                int id = (int) part.examples()[i * part.features()];
                assertTrue(out.put(id, part.classNames().get(part.labels()[i])) == null, "row " + id + " twice");
            }
        }
        return out;
    }

    private void fails(String content, CsvOptions options, String fragment) throws IOException {
        Path file = csv(content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(file, options));
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment
                + "'");
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @Test
    void headerIsDetected() throws IOException {
        Split withHeader = Csv.read(csv(rows(10, true, "0", "1")), RAW);
        assertEquals(10, withHeader.train().size() + withHeader.validation().size());
        Split without = Csv.read(csv(rows(10, false, "0", "1")), RAW);
        assertEquals(10, without.train().size() + without.validation().size());
        assertEquals(2, without.train().features());
        // A non-numeric label cell alone does not make a header: the label column may hold strings.
        Split stringLabels = Csv.read(csv(rows(10, false, "cat", "dog")), RAW);
        assertEquals(10, stringLabels.train().size() + stringLabels.validation().size());
    }

    @Test
    void headerCanBeForced() throws IOException {
        Split dropped = Csv.read(csv(rows(10, false, "0", "1")), RAW.withHeader(CsvOptions.Header.PRESENT));
        assertEquals(9, dropped.train().size() + dropped.validation().size());
        assertFalse(labelsById(dropped).containsKey(0), "row 0 was taken as the header");
        fails(rows(10, true, "0", "1"), RAW.withHeader(CsvOptions.Header.ABSENT), "line 1, column 1: non-numeric "
                + "feature cell 'id'");
    }

    @Test
    void stringLabelsInOrderOfFirstAppearance() throws IOException {
        Split split = Csv.read(csv(rows(12, true, "zebra", "ant", "zebra", "moth")), RAW);
        assertEquals(List.of("zebra", "ant", "moth"), split.train().classNames());
        assertEquals(split.train().classNames(), split.validation().classNames());
        Map<Integer, String> byId = labelsById(split);
        String[] pattern = {"zebra", "ant", "zebra", "moth"};
        for (int i = 0; i < 12; i++) {
            assertEquals(pattern[i % 4], byId.get(i), "row " + i);
        }
    }

    @Test
    void integerLabelsInNumericOrder() throws IOException {
        Split split = Csv.read(csv(rows(12, false, "3", "10", "-1")), RAW);
        assertEquals(List.of("-1", "3", "10"), split.train().classNames());
        Map<Integer, String> byId = labelsById(split);
        for (int i = 0; i < 12; i++) {
            assertEquals(List.of("3", "10", "-1").get(i % 3), byId.get(i));
        }
        Split zeroBased = Csv.read(csv(rows(12, false, "2", "0", "1")), RAW);
        for (DataSet part : List.of(zeroBased.train(), zeroBased.validation())) {
            for (int i = 0; i < part.size(); i++) {
                int id = (int) part.examples()[i * 2];
                assertEquals(List.of(2, 0, 1).get(id % 3), part.labels()[i], "0..k−1 labels keep their values");
            }
        }
    }

    @Test
    void labelColumnByNameOrIndex() throws IOException {
        String table = "a,kind,b\n1,x,10\n2,y,20\n3,x,30\n4,y,40\n5,x,50\n";
        for (CsvOptions options : List.of(RAW.withLabelColumn("kind"), RAW.withLabelColumn(1))) {
            Split split = Csv.read(csv(table), options);
            assertEquals(List.of("x", "y"), split.train().classNames());
            for (DataSet part : List.of(split.train(), split.validation())) {
                for (int i = 0; i < part.size(); i++) {
                    double a = part.examples()[2 * i];
                    assertEquals(10 * a, part.examples()[2 * i + 1], "features are the other columns, in order");
                    assertEquals(a % 2 == 1 ? 0 : 1, part.labels()[i]);
                }
            }
        }
        fails(table, RAW.withLabelColumn("colour"),
                "line 1: no label column named 'colour' in the header [a, kind, b]");
        fails(table, RAW.withLabelColumn(3), "line 1: label column index 3 (0-based) is out of range: the rows have "
                + "3 cells");
        fails(rows(5, false, "0", "1"), RAW.withLabelColumn("label").withHeader(CsvOptions.Header.ABSENT),
                "line 1: no label column named 'label' (the header row is turned off)");
    }

    @ParameterizedTest
    @ValueSource(chars = {';', '\t'})
    void otherDelimitersCommentsBlankLinesAndQuotes(char delimiter) throws IOException {
        String d = String.valueOf(delimiter);
        String table = String.join("\n", "# measured 2024", "x" + d + "y" + d + "class", "", "1.5" + d + "-2e-1" + d
                + "\"big; \"\"red\"\"\"", "   ", "  # a comment", "2" + d + "\"3\"" + d + "small", "3" + d + "4" + d
                + "small", "");
        Split split = Csv.read(csv(table), RAW.withDelimiter(delimiter).withValidationFraction(0.34));
        assertEquals(List.of("big; \"red\"", "small"), split.train().classNames().stream().sorted().toList());
        List<Double> firsts = new ArrayList<>();
        for (DataSet part : List.of(split.train(), split.validation())) {
            for (int i = 0; i < part.size(); i++) {
                firsts.add(part.examples()[2 * i]);
                if (part.examples()[2 * i] == 1.5) {
                    assertEquals(-0.2, part.examples()[2 * i + 1]);
                }
            }
        }
        assertEquals(List.of(1.5, 2.0, 3.0), firsts.stream().sorted().toList());
    }

    @Test
    void splitSizesAndDeterminism() throws IOException {
        Path file = csv(rows(10, false, "a", "b"));
        Split split = Csv.read(file, RAW);
        assertEquals(8, split.train().size());
        assertEquals(2, split.validation().size());
        Split quarter = Csv.read(file, RAW.withValidationFraction(0.25));
        assertEquals(3, quarter.validation().size(), "2.5 rounds to 3");
        assertEquals(10, labelsById(split).size(), "every row lands in exactly one part");
        Split again = Csv.read(file, RAW);
        assertArrayEquals(split.train().examples(), again.train().examples());
        assertArrayEquals(split.validation().labels(), again.validation().labels());
        Path big = csv(rows(200, false, "a", "b"));
        assertFalse(Arrays.equals(Csv.read(big, RAW.withSeed(1)).train().examples(),
                Csv.read(big, RAW.withSeed(2)).train().examples()), "another seed, another shuffle");
        double[] firstIds = Csv.read(big, RAW).train().examples();
        boolean inFileOrder = true;
        for (int i = 1; i < 160; i++) {
            inFileOrder &= firstIds[2 * i] > firstIds[2 * (i - 1)];
        }
        assertFalse(inFileOrder, "rows are shuffled");
    }

    @Test
    void standardizationUsesTheTrainingPartOnly() throws IOException {
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            table.append(i * i % 17).append(',').append(7).append(',').append(3.5 * i - 40).append(',')
                    .append(i % 3).append('\n');
        }
        Path file = csv(table.toString());
        Split raw = Csv.read(file, RAW.withSeed(9));
        Split std = Csv.read(file, CsvOptions.defaults().withSeed(9));
        int d = 3;
        int n = std.train().size();
        for (int f = 0; f < d; f++) {
            double sum = 0;
            double squares = 0;
            double rawSum = 0;
            for (int i = 0; i < n; i++) {
                sum += std.train().examples()[i * d + f];
                rawSum += raw.train().examples()[i * d + f];
            }
            for (int i = 0; i < n; i++) {
                double v = std.train().examples()[i * d + f];
                squares += (v - sum / n) * (v - sum / n);
            }
            assertEquals(0, sum / n, 1e-12, "train mean of feature " + f);
            assertEquals(f == 1 ? 0 : 1, Math.sqrt(squares / n), 1e-12, "train std of feature " + f
                    + " (the constant feature maps to 0)");
            double mean = rawSum / n;
            double rawSquares = 0;
            for (int i = 0; i < n; i++) {
                double dev = raw.train().examples()[i * d + f] - mean;
                rawSquares += dev * dev;
            }
            double sd = f == 1 ? 1 : Math.sqrt(rawSquares / n);
            assertEquals(mean, std.standardization().means()[f], 1e-12);
            assertEquals(sd, std.standardization().stds()[f], 1e-12);
            for (int i = 0; i < std.validation().size(); i++) {
                assertEquals((raw.validation().examples()[i * d + f] - mean) / sd,
                        std.validation().examples()[i * d + f], 1e-12, "validation uses the training statistics");
            }
        }
        assertTrue(raw.standardization().isIdentity());
    }

    @Test
    void raggedRowNamesItsLine() throws IOException {
        fails("# comment\nx,y,label\n1,2,a\n\n3,b\n4,5,b\n", RAW, "line 5: expected 3 cells, found 2");
    }

    @Test
    void badFeatureCellsNameLineAndColumn() throws IOException {
        fails("x,y,label\n1,2,a\n3,4x,b\n", RAW, "line 3, column 2: non-numeric feature cell '4x' ('y')");
        fails("1,2,a\n3,1d,b\n", RAW, "line 2, column 2: non-numeric feature cell '1d'");
        fails("1,2,a\n3,4,b\n,5,a\n", RAW, "line 3, column 1: empty feature cell");
        fails("1,2,a\n3,4,b\n5,NaN,a\n", RAW, "line 3, column 2: feature cell 'NaN' is not a finite number");
        fails("1,2,a\n3,4,b\n5,6,a\n-inf,6,a\n", RAW, "line 4, column 1: feature cell '-inf' is not a finite number");
        fails("1,2,a\n3,4,\n", RAW, "line 2, column 3: empty label cell");
        fails("1,2,a\n3,\"4,b\n", RAW, "line 2, column 2: unterminated quote");
    }

    @Test
    void emptyInputs() throws IOException {
        fails("", RAW, "empty file");
        fails("# only\n\n   \n# comments\n", RAW, "empty file");
        fails("x,y,label\n", RAW, "has a header but no data rows");
        fails("1\n2\n", RAW, "line 1: a row needs at least 2 cells (features and a label), found 1");
    }

    @Test
    void oneClassIsNotEnough() throws IOException {
        fails("x,y,label\n1,2,a\n3,4,a\n5,6,a\n", RAW, "column 3 ('label'): every label is 'a': needs at least 2 "
                + "classes");
    }

    @Test
    void validationFractionMustLeaveTwoParts() throws IOException {
        String table = rows(3, false, "a", "b");
        for (double f : new double[] {0, 1, 1.5, -0.2, Double.NaN}) {
            fails(table, RAW.withValidationFraction(f), "validation fraction " + f + " is outside (0, 1)");
        }
        fails(table, RAW.withValidationFraction(0.1), "validation fraction 0.1 of 3 examples leaves the validation "
                + "part empty");
        fails(table, RAW.withValidationFraction(0.9), "validation fraction 0.9 of 3 examples leaves the training "
                + "part empty");
    }

    @Test
    void optionsRejectOddDelimitersAndIndices() {
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.defaults().withDelimiter('|'));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.defaults().withLabelColumn(-2));
    }

    @Test
    void aHeaderNamesTheFeatures() throws IOException {
        Split named = Csv.read(csv(rows(10, true, "a", "b")), RAW);
        assertEquals(List.of("id", "ten"), named.train().featureNames());
        assertEquals(List.of(), Csv.read(csv(rows(10, false, "a", "b")), RAW).train().featureNames());
        assertEquals(List.of(), Csv.read(csv("x,x,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n"), RAW).train().featureNames(),
                "names that repeat are not stored");
        fails("x,x,label\n1,2,a\n3,4,b\n", RAW.withFeatureNames(List.of("x", "y")), "line 1, column 2: the header "
                + "names 'x' twice (columns 1 and 2)");
    }

    @Test
    void givenNamesMatchColumnsByHeaderAndLabelsByClass() throws IOException {
        CsvOptions model = RAW.withClassNames(List.of("b", "a")).withFeatureNames(List.of("ten", "id"));
        Split split = Csv.read(csv(rows(10, true, "a", "b")), model);
        assertEquals(List.of("ten", "id"), split.train().featureNames());
        assertEquals(List.of("b", "a"), split.train().classNames());
        for (DataSet part : List.of(split.train(), split.validation())) {
            for (int i = 0; i < part.size(); i++) {
                int id = (int) part.examples()[i * 2 + 1];
                assertEquals(10.0 * id, part.examples()[i * 2], "columns swapped into the model's order");
                assertEquals(id % 2 == 0 ? "a" : "b", part.classNames().get(part.labels()[i]));
            }
        }
        fails(rows(10, true, "a", "b"), RAW.withFeatureNames(List.of("id", "eleven")),
                "line 1: the feature columns do not match the model's [id, eleven]: missing [eleven]; not in the model "
                        + "[ten]");
        fails(rows(10, true, "a", "b", "c"), model, "line 4, column 3: label 'c' is not one of the model's classes "
                + "[b, a]");
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithTheirOffset() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "x,y,label\n1,2,a\n3,4,caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(file, RAW));
        assertEquals(file + ": not UTF-8 text: byte 0xE9 at offset 23 (line 3) is not valid UTF-8, the encoding "
                + "expected; a binary file, or text in another encoding such as Latin-1 (convert it with iconv -f "
                + "latin1 -t utf-8)", e.getMessage());
        fails("x,y,label\n1,2\u0000,a\n", RAW, "line 2: holds a NUL character: a binary file, not CSV text");
    }

    @Test
    void aFirstLineOfDataOrMetadataIsReportedAsSuch() throws IOException {
        fails("569,30,malignant,benign\n1,2,3,4,5,0\n", RAW, "line 1: '569,30,malignant,benign' looks like data or "
                + "metadata, not a header of column names: it has numbers among its 4 cells, and line 2 has 6");
    }
}
