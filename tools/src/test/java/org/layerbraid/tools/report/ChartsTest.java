package org.layerbraid.tools.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.tools.report.CurveCharts.Abscissa;

class ChartsTest {
    @TempDir
    Path dir;

    private final Charts charts = Charts.standard();

    /** A plausible run: loss falling by decades, accuracy rising, validation every {@code every} iterations. */
    static List<HistoryRow> history(int n, int every, double speed) {
        List<HistoryRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double loss = 1.6 * Math.exp(-speed * i / 12.0) + 0.004;
            double train = 100 - 80 * Math.exp(-speed * i / 10.0);
            double validation = i % every == 0 ? train - 3 * (1 - Math.exp(-i / 30.0)) : Double.NaN;
            rows.add(new HistoryRow(i, 0, 0, loss + 0.01, loss, 1 / (1.0 + i), 1, 0, train, validation,
                    0.35 * i / speed));
        }
        return rows;
    }

    static BufferedImage png(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not an image ImageIO can read");
        return image;
    }

    /** The names of the series a chart draws. */
    static List<String> drawn(XYChart chart) {
        return chart.getSeriesMap().values().stream().filter(XYSeries::isEnabled).map(XYSeries::getName).toList();
    }

    @Test
    void trainingCurvesAreFourPngsOfTheChartSize() throws IOException {
        List<Path> written = charts.trainingCurves(dir.resolve("charts"), history(60, 5, 1));
        assertEquals(List.of("loss.png", "loss_time.png", "accuracy.png", "accuracy_time.png"),
                written.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : written) {
            BufferedImage image = png(file);
            assertEquals(800, image.getWidth(), file.toString());
            assertEquals(500, image.getHeight(), file.toString());
        }
        try (Stream<Path> files = Files.list(dir.resolve("charts"))) {
            assertEquals(4, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void sizeIsConfigurable() throws IOException {
        List<Path> written = charts.withCurveSize(640, 360).trainingCurves(dir, history(5, 1, 1));
        assertEquals(640, png(written.get(0)).getWidth());
        assertEquals(360, png(written.get(0)).getHeight());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> charts.withMapSize(800, 10));
        assertEquals("chart size must be between 200 and 10000 pixels a side, got 800 × 10", e.getMessage());
    }

    @Test
    void lossChartHasObjectiveAndLossOnALogAxisWhenPositiveOverADecade() {
        XYChart chart = charts.lossChart(history(40, 1, 1), Abscissa.ITERATION);
        assertEquals(List.of("objective (loss + regularisation)", "loss"), drawn(chart));
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertEquals("iteration", chart.getXAxisTitle());

        assertFalse(charts.lossChart(history(20, 1, 1), Abscissa.ITERATION).getStyler().isYAxisLogarithmic(),
                "less than a decade: a log axis would have no labels");
        List<HistoryRow> zeroLoss = new ArrayList<>(history(40, 1, 1));
        HistoryRow last = zeroLoss.getLast();
        zeroLoss.set(zeroLoss.size() - 1, new HistoryRow(last.iteration(), 0, 0, 0, 0, 0, 1, 0, 100, 100, 9));
        XYChart linear = charts.lossChart(zeroLoss, Abscissa.WALL_TIME);
        assertFalse(linear.getStyler().isYAxisLogarithmic());
        assertEquals("wall time (s)", linear.getXAxisTitle());
    }

    @Test
    void allNanValidationLeavesOnlyTheTrainingCurve() throws IOException {
        List<HistoryRow> rows = history(40, Integer.MAX_VALUE, 1).stream()
                .map(r -> new HistoryRow(r.iteration(), 0, 0, r.objective(), r.loss(), 0, 1, 0, r.trainAccuracy(),
                        Double.NaN, r.seconds()))
                .toList();
        XYChart chart = charts.accuracyChart(rows, Abscissa.ITERATION);
        assertEquals(List.of("training"), drawn(chart));
        assertEquals("Training accuracy", chart.getTitle());
        for (Path file : charts.trainingCurves(dir, rows)) {
            assertEquals(800, png(file).getWidth());
        }
    }

    @Test
    void sparseValidationKeepsOnlyMeasuredPoints() {
        XYChart chart = charts.accuracyChart(history(40, 10, 1), Abscissa.ITERATION);
        XYSeries validation = chart.getSeriesMap().get("validation");
        assertArrayEquals(new double[] {0, 10, 20, 30}, validation.getXData());
        assertEquals(40, chart.getSeriesMap().get("training").getXData().length);
    }

    @Test
    void nonFiniteValuesAreSkippedAndASingleRowStillDraws() throws IOException {
        List<HistoryRow> rows = new ArrayList<>(history(10, 1, 1));
        rows.set(4, new HistoryRow(4, 0, 0, Double.POSITIVE_INFINITY, Double.NaN, 0, 1, 0, Double.NaN, Double.NaN,
                1.4));
        assertEquals(9, charts.lossChart(rows, Abscissa.ITERATION).getSeriesMap().get("loss").getXData().length);
        for (Path file : charts.trainingCurves(dir.resolve("nan"), rows)) {
            assertEquals(500, png(file).getHeight());
        }
        for (Path file : charts.trainingCurves(dir.resolve("one"), history(1, 1, 1))) {
            assertEquals(500, png(file).getHeight());
        }
    }

    @Test
    void comparisonHasOneSeriesPerRunInMapOrder() throws IOException {
        Map<String, List<HistoryRow>> runs = new LinkedHashMap<>();
        runs.put("serial", history(80, 4, 1));
        runs.put("layer-parallel, 2 levels", history(60, 4, 1.6));
        runs.put("layer-parallel, 3 levels", history(50, 4, 2.2));
        XYChart chart = charts.comparisonChart(runs, Charts.Metric.VALIDATION_ACCURACY, Abscissa.WALL_TIME);
        assertEquals(List.copyOf(runs.keySet()), drawn(chart));
        assertEquals(List.copyOf(runs.keySet()), drawn(charts.comparisonChart(runs, Charts.Metric.LOSS,
                Abscissa.ITERATION)));
        assertEquals("validation accuracy (%)", chart.getYAxisTitle());

        List<Path> written = charts.trainingCurves(dir, runs);
        assertEquals(List.of("loss.png", "loss_time.png", "training_accuracy.png", "training_accuracy_time.png",
                "validation_accuracy.png", "validation_accuracy_time.png"),
                written.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : written) {
            assertEquals(800, png(file).getWidth());
        }
    }

    @Test
    void comparisonWithoutValidationSkipsTheValidationCharts() throws IOException {
        List<HistoryRow> noValidation = history(20, Integer.MAX_VALUE, 1).subList(1, 20);
        List<Path> written = charts.trainingCurves(dir, Map.of("a", noValidation));
        assertEquals(4, written.size());
        assertTrue(written.stream().noneMatch(p -> p.toString().contains("validation")), written.toString());
    }

    @Test
    void emptyHistoriesAreRejectedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> charts.trainingCurves(dir, List.of()));
        assertTrue(e.getMessage().contains("history is empty") && e.getMessage().contains(dir.toString()),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        e = assertThrows(IllegalArgumentException.class,
                () -> charts.trainingCurves(dir, Map.of("ok", history(3, 1, 1), "bad", List.of())));
        assertTrue(e.getMessage().contains("run 'bad' has an empty history"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> charts.trainingCurves(dir, Map.of()));
    }

    @Test
    void anUnwritableFolderIsAnIOExceptionNamingTheFile() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("plain.txt"), "x");
        IOException e = assertThrows(IOException.class,
                () -> charts.trainingCurves(notAFolder.resolve("charts"), history(5, 1, 1)));
        String loss = notAFolder.resolve("charts").resolve("loss.png").toString();
        assertTrue(e.getMessage().startsWith("cannot write " + loss + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        e = assertThrows(IOException.class, () -> charts.trainingCurves(notAFolder, history(5, 1, 1)));
        assertTrue(e.getMessage().contains("plain.txt exists and is not a folder"), e.getMessage());
    }

    @Test
    void sameInputGivesTheSameBytesAndReplacesTheOldFile() throws IOException {
        Path first = charts.trainingCurves(dir.resolve("a"), history(30, 3, 1)).get(2);
        Path second = charts.trainingCurves(dir.resolve("b"), history(30, 3, 1)).get(2);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        charts.trainingCurves(dir.resolve("a"), history(30, 3, 2));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(second)));
    }
}
