package org.layerbraid.tools.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.XYChart;
import org.layerbraid.mgrit.data.DataSet;
import org.layerbraid.mgrit.train.HistoryRow;
import org.layerbraid.tools.report.CurveCharts.Abscissa;
import org.layerbraid.tools.report.CurveCharts.Curve;

/**
 * PNG charts for reports: training curves of one run, the same curves for several runs side by side (the comparison
 * of training methods), and decision maps of 2-D classifiers. Charts are drawn by XChart in headless mode and are
 * deterministic (no dates, fixed locale); every file is written atomically.
 *
 * <p>An instance only fixes the image sizes: {@link #standard()} draws curves at 800 × 500 pixels and decision maps at
 * 700 × 600, where the plot area beside the legend is about square, so that a square input domain stays square.
 */
public final class Charts {
    /** Points along each side of a decision map's grid by default: fine enough for smooth boundaries. */
    public static final int DEFAULT_GRID = 200;
    /** Margin around the data for a decision map's default bounds, as a fraction of the data's extent. */
    public static final double DEFAULT_MARGIN = 0.05;

    private static final int MIN_SIDE = 200;
    private static final int MAX_SIDE = 10_000;
    private static final String OBJECTIVE = "objective (loss + regularisation)";

    private final int curveWidth;
    private final int curveHeight;
    private final int mapWidth;
    private final int mapHeight;

    private Charts(int curveWidth, int curveHeight, int mapWidth, int mapHeight) {
        checkSize(curveWidth, curveHeight);
        checkSize(mapWidth, mapHeight);
        this.curveWidth = curveWidth;
        this.curveHeight = curveHeight;
        this.mapWidth = mapWidth;
        this.mapHeight = mapHeight;
    }

    /** Curves of 800 × 500 pixels, decision maps of 700 × 600. */
    public static Charts standard() {
        return new Charts(800, 500, 700, 600);
    }

    /** The same charts with training curves of {@code width × height} pixels (each side in [200, 10 000]). */
    public Charts withCurveSize(int width, int height) {
        return new Charts(width, height, mapWidth, mapHeight);
    }

    /** The same charts with decision maps of {@code width × height} pixels (each side in [200, 10 000]). */
    public Charts withMapSize(int width, int height) {
        return new Charts(curveWidth, curveHeight, width, height);
    }

    private static void checkSize(int width, int height) {
        if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("chart size must be between " + MIN_SIDE + " and " + MAX_SIDE
                    + " pixels a side, got " + width + " × " + height);
        }
    }

    /**
     * Writes the training curves of one run into {@code folder} (created if missing): {@code loss.png} (objective
     * and loss, on a log scale when all are positive and span a factor of 10 or more), {@code accuracy.png}
     * (training and validation accuracy; validation only when measured, NaN meaning not measured), and
     * {@code loss_time.png}, {@code accuracy_time.png} with wall time instead of iterations along the x axis.
     * Non-finite values are left out of the lines.
     *
     * @return the files written, in that order
     */
    public List<Path> trainingCurves(Path folder, List<HistoryRow> history) throws IOException {
        Objects.requireNonNull(folder, "folder");
        requireRows(history, "cannot chart training curves into " + folder + ": the history is empty");
        List<Path> written = new ArrayList<>();
        for (Abscissa x : Abscissa.values()) {
            written.add(PngFiles.write(lossChart(history, x), folder.resolve("loss" + x.suffix + ".png")));
        }
        for (Abscissa x : Abscissa.values()) {
            written.add(PngFiles.write(accuracyChart(history, x), folder.resolve("accuracy" + x.suffix + ".png")));
        }
        return written;
    }

    /**
     * Writes charts comparing runs into {@code folder} (created if missing), one line per run labelled by its map
     * key, in the map's iteration order: {@code loss.png}, {@code training_accuracy.png} and, when any run measured
     * it, {@code validation_accuracy.png}, each also as {@code *_time.png} against wall time.
     *
     * @return the files written
     */
    public List<Path> trainingCurves(Path folder, Map<String, List<HistoryRow>> runs) throws IOException {
        Objects.requireNonNull(folder, "folder");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("cannot chart runs into " + folder + ": no runs given");
        }
        runs.forEach((label, history) -> requireRows(history, "cannot chart runs into " + folder + ": run '" + label
                + "' has an empty history"));
        boolean validated = runs.values().stream().flatMap(List::stream)
                .anyMatch(row -> Double.isFinite(row.validationAccuracy()));
        List<Path> written = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            if (metric == Metric.VALIDATION_ACCURACY && !validated) {
                continue;
            }
            for (Abscissa x : Abscissa.values()) {
                Path png = folder.resolve(metric.file + x.suffix + ".png");
                written.add(PngFiles.write(comparisonChart(runs, metric, x), png));
            }
        }
        return written;
    }

    /**
     * Writes a decision map of {@code classifier} over {@code data}'s bounding box plus a
     * {@linkplain #DEFAULT_MARGIN 5 % margin}, on a {@value #DEFAULT_GRID}² grid.
     *
     * @see #decisionMap(Path, GridClassifier, DataSet, PlotBounds, int)
     */
    public void decisionMap(Path png, GridClassifier classifier, DataSet data) throws IOException {
        decisionMap(png, classifier, data, PlotBounds.around(data, DEFAULT_MARGIN), DEFAULT_GRID);
    }

    /**
     * Writes {@code png}: the class {@code classifier} predicts at the centres of a {@code grid × grid} grid over
     * {@code bounds}, in light tints of one colour per class, with (a sample of at most 2000 of) {@code data}'s
     * points on top in full colour by their true label, and a legend of the class names. The classifier is called
     * once, with all grid points.
     *
     * @param data a data set with 2 features; its class names label the legend
     * @param grid grid points per side, in [2, 2000]
     */
    public void decisionMap(Path png, GridClassifier classifier, DataSet data, PlotBounds bounds, int grid)
            throws IOException {
        PngFiles.write(decisionChart(classifier, data, bounds, grid), png);
    }

    XYChart lossChart(List<HistoryRow> history, Abscissa x) {
        List<Curve> curves = List.of(Curve.of(OBJECTIVE, history, x, HistoryRow::objective),
                Curve.of("loss", history, x, HistoryRow::loss));
        return CurveCharts.losses(curveWidth, curveHeight, "Objective and loss" + titleSuffix(x), "loss", x, curves);
    }

    XYChart accuracyChart(List<HistoryRow> history, Abscissa x) {
        Curve validation = Curve.of("validation", history, x, HistoryRow::validationAccuracy);
        String title = (validation.isEmpty() ? "Training accuracy" : "Training and validation accuracy")
                + titleSuffix(x);
        return CurveCharts.accuracies(curveWidth, curveHeight, title, "accuracy (%)", x, List.of(
                Curve.of("training", history, x, HistoryRow::trainAccuracy), validation));
    }

    XYChart comparisonChart(Map<String, List<HistoryRow>> runs, Metric metric, Abscissa x) {
        List<Curve> curves = new ArrayList<>();
        runs.forEach((label, history) -> curves.add(Curve.of(label, history, x, metric.value)));
        String title = metric.title + titleSuffix(x);
        return metric == Metric.LOSS
                ? CurveCharts.losses(curveWidth, curveHeight, title, metric.yTitle, x, curves)
                : CurveCharts.accuracies(curveWidth, curveHeight, title, metric.yTitle, x, curves);
    }

    XYChart decisionChart(GridClassifier classifier, DataSet data, PlotBounds bounds, int grid) {
        return DecisionMaps.chart(mapWidth, mapHeight, classifier, data, bounds, grid);
    }

    private static String titleSuffix(Abscissa x) {
        return x == Abscissa.WALL_TIME ? " over wall time" : "";
    }

    private static void requireRows(List<HistoryRow> history, String message) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The quantities compared across runs. */
    enum Metric {
        LOSS("loss", "Loss", "loss", HistoryRow::loss),
        TRAINING_ACCURACY("training_accuracy", "Training accuracy", "training accuracy (%)",
                HistoryRow::trainAccuracy),
        VALIDATION_ACCURACY("validation_accuracy", "Validation accuracy", "validation accuracy (%)",
                HistoryRow::validationAccuracy);

        final String file;
        final String title;
        final String yTitle;
        final ToDoubleFunction<HistoryRow> value;

        Metric(String file, String title, String yTitle, ToDoubleFunction<HistoryRow> value) {
            this.file = file;
            this.title = title;
            this.yTitle = yTitle;
            this.value = value;
        }
    }
}
