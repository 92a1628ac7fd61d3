package org.layerbraid.tools.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.layerbraid.mgrit.data.DataSet;

class DecisionMapTest {
    private static final PlotBounds SQUARE = new PlotBounds(-3, 3, -3, 3);
    private static final GridClassifier RIGHT_HALF = points -> {
        int[] classes = new int[points.length / 2];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = points[2 * i] > 0 ? 1 : 0;
        }
        return classes;
    };

    @TempDir
    Path dir;

    private final Charts charts = Charts.standard();

    /** Two points per class in the top corners, away from the middle row the tests sample. */
    private static DataSet corners() {
        return new DataSet("corners", 2, new double[] {-2.5, 2.5, -2, 2.6, 2.5, 2.5, 2, 2.6}, new int[] {0, 0, 1, 1},
                List.of("left", "right"));
    }

    @Test
    void writesAPngOfTheChartSize() throws IOException {
        Path png = dir.resolve("map.png");
        charts.decisionMap(png, RIGHT_HALF, corners(), SQUARE, 50);
        BufferedImage image = ChartsTest.png(png);
        assertEquals(700, image.getWidth());
        assertEquals(600, image.getHeight());
    }

    @Test
    void colourChangesAcrossTheBoundaryAndNowhereElse() {
        XYChart chart = charts.decisionChart(RIGHT_HALF, corners(), SQUARE, 200);
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        int row = (int) Math.round(chart.getScreenYFromChart(-0.5));
        int left = rgb(image, chart, -0.1, row);
        int right = rgb(image, chart, 0.1, row);
        assertNotEquals(left, right);
        assertEquals(ChartStyle.tint(ChartStyle.color(0)).getRGB(), left);
        assertEquals(ChartStyle.tint(ChartStyle.color(1)).getRGB(), right);
        for (double x = -2.9; x < -0.05; x += 0.1) {
            assertEquals(left, rgb(image, chart, x, row), "x = " + x);
            assertEquals(right, rgb(image, chart, -x, row), "x = " + -x);
        }
        for (double y = -2.9; y < 2; y += 0.1) {
            int r = (int) Math.round(chart.getScreenYFromChart(y));
            assertEquals(left, rgb(image, chart, -1.5, r), "y = " + y);
            assertEquals(right, rgb(image, chart, 1.5, r), "y = " + y);
        }
    }

    private static int rgb(BufferedImage image, XYChart chart, double x, int row) {
        return image.getRGB((int) Math.round(chart.getScreenXFromChart(x)), row);
    }

    @Test
    void pointsAreSampledAndEveryClassHasALegendEntry() {
        int n = 10_000;
        double[] xy = new double[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            xy[2 * i] = Math.sin(i);
            xy[2 * i + 1] = Math.cos(1.3 * i);
            labels[i] = i % 2;
        }
        DataSet data = new DataSet("ring", 2, xy, labels, List.of("0", "1", "2"));
        XYChart chart = charts.decisionChart(RIGHT_HALF, data, PlotBounds.around(data, 0.05), 20);
        List<XYSeries> legend = chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).toList();
        assertEquals(List.of("class 0", "class 1", "class 2"), legend.stream().map(XYSeries::getLabel).toList());
        int drawn = legend.get(0).getXData().length + legend.get(1).getXData().length;
        assertTrue(drawn <= DecisionMaps.MAX_POINTS && drawn >= DecisionMaps.MAX_POINTS * 9 / 10, "drawn " + drawn);
        assertTrue(legend.get(2).getXData()[0] > chart.getStyler().getXAxisMax(), "class 2's entry is off the plot");
        assertEquals(2, chart.getSeriesMap().size() - legend.size(), "two predicted regions");
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        double right = chart.getScreenXFromChart(chart.getStyler().getXAxisMax());
        assertTrue(right > image.getWidth() / 2.0 && right < image.getWidth(), "the off-plot point widens no axis");
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    @Test
    void theClassifierSeesEveryCellCentreOnce() {
        double[][] seen = new double[1][];
        charts.decisionChart(points -> {
            seen[0] = points.clone();
            return new int[points.length / 2];
        }, corners(), new PlotBounds(0, 4, -1, 1), 4);
        assertArrayEquals(new double[] {0.5, -0.75, 1.5, -0.75, 2.5, -0.75, 3.5, -0.75, 0.5, -0.25},
                java.util.Arrays.copyOf(seen[0], 10));
        assertEquals(32, seen[0].length);
    }

    @Test
    void badInputIsRejectedInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> charts.decisionChart(points -> new int[3], corners(), SQUARE, 10));
        assertEquals("classifier returned 3 classes for 100 grid points", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> charts.decisionChart(points -> new int[points.length / 2 - 1], corners(), SQUARE, 1));
        assertTrue(e.getMessage().startsWith("grid side must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> charts.decisionChart(points -> {
            int[] classes = new int[points.length / 2];
            classes[7] = 2;
            return classes;
        }, corners(), SQUARE, 10));
        assertTrue(e.getMessage().startsWith("classifier returned class 2 at (1.5, -2.7); data set 'corners' has 2"),
                e.getMessage());
        DataSet threeD = new DataSet("3d", 3, new double[3], new int[1], List.of("a"));
        e = assertThrows(IllegalArgumentException.class, () -> charts.decisionMap(dir.resolve("x.png"), RIGHT_HALF,
                threeD));
        assertEquals("data set '3d' has 3 features; a decision map needs 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PlotBounds(1, 1, 0, 1));
    }

    @Test
    void defaultBoundsAddAMarginAroundTheData() {
        PlotBounds b = PlotBounds.around(corners(), 0.1);
        assertEquals(-2.5 - 0.5, b.xMin(), 1e-12);
        assertEquals(2.5 + 0.5, b.xMax(), 1e-12);
        assertEquals(2.5 - 0.01, b.yMin(), 1e-12);
        assertEquals(2.6 + 0.01, b.yMax(), 1e-12);
        DataSet point = new DataSet("one", 2, new double[] {1, 2}, new int[1], List.of("a"));
        assertEquals(new PlotBounds(0, 2, 1, 3), PlotBounds.around(point, 0.1));
    }
}
