package org.layerbraid.tools.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.util.Arrays;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.layerbraid.mgrit.data.DataSet;

/**
 * Decision maps of 2-D classifiers: the predicted class on a grid over the input plane, drawn as one tinted square
 * per grid cell, with a sample of the data on top in full colour by true label. Both layers are XChart scatter
 * series with custom markers, so XChart does the layout, clipping and legend.
 */
final class DecisionMaps {
    /** At most this many data points are drawn: enough to show the classes, few enough to stay legible and fast. */
    static final int MAX_POINTS = 2000;
    /** Largest grid side: the classifier gets side² points in one batch. */
    static final int MAX_GRID = 2000;

    private DecisionMaps() {
    }

    /** The decision map as an XChart chart, ready to save (package-private so that tests can inspect it). */
    static XYChart chart(int width, int height, GridClassifier classifier, DataSet data, PlotBounds bounds,
            int grid) {
        if (data.features() != 2) {
            throw new IllegalArgumentException("data set '" + data.name() + "' has " + data.features()
                    + " features; a decision map needs 2");
        }
        if (grid < 2 || grid > MAX_GRID) {
            throw new IllegalArgumentException("grid side must be in [2, " + MAX_GRID + "], got " + grid);
        }
        XYChart chart = ChartStyle.newChart(width, height, "Decision regions: " + data.name(), "feature 1",
                "feature 2");
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        // The grid fills the plot exactly: no padding around the data range, and the requested bounds as the axes.
        s.setPlotContentSize(1.0);
        s.setXAxisMin(bounds.xMin());
        s.setXAxisMax(bounds.xMax());
        s.setYAxisMin(bounds.yMin());
        s.setYAxisMax(bounds.yMax());
        s.setPlotGridLinesVisible(false);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setMarkerSize(6);
        addRegions(chart, classifier, data, bounds, grid);
        addPoints(chart, data);
        return chart;
    }

    private static void addRegions(XYChart chart, GridClassifier classifier, DataSet data, PlotBounds b, int grid) {
        int cells = grid * grid;
        double dx = (b.xMax() - b.xMin()) / grid;
        double dy = (b.yMax() - b.yMin()) / grid;
        // Cell centres, row by row from the bottom-left corner.
        double[] centres = new double[2 * cells];
        for (int k = 0; k < cells; k++) {
            centres[2 * k] = b.xMin() + (k % grid + 0.5) * dx;
            centres[2 * k + 1] = b.yMin() + (k / grid + 0.5) * dy;
        }
        // A copy: a classifier may standardise its input in place, and the centres are needed again below.
        int[] predicted = classifier.classify(centres.clone());
        if (predicted == null || predicted.length != cells) {
            throw new IllegalArgumentException("classifier returned " + (predicted == null ? "null" : predicted.length
                    + " classes") + " for " + cells + " grid points");
        }
        int[] count = new int[data.classes()];
        for (int k = 0; k < cells; k++) {
            int c = predicted[k];
            if (c < 0 || c >= count.length) {
                throw new IllegalArgumentException("classifier returned class " + c + " at (" + centres[2 * k] + ", "
                        + centres[2 * k + 1] + "); data set '" + data.name() + "' has " + count.length + " classes");
            }
            count[c]++;
        }
        Cell cell = new Cell(chart, dx, dy);
        for (int c = 0; c < count.length; c++) {
            if (count[c] == 0) {
                continue;
            }
            double[] x = new double[count[c]];
            double[] y = new double[count[c]];
            int n = 0;
            for (int k = 0; k < cells; k++) {
                if (predicted[k] == c) {
                    x[n] = centres[2 * k];
                    y[n] = centres[2 * k + 1];
                    n++;
                }
            }
            XYSeries series = chart.addSeries("region " + c, x, y);
            series.setMarker(cell);
            series.setMarkerColor(ChartStyle.tint(ChartStyle.color(c)));
            series.setShowInLegend(false);
        }
    }

    /**
     * Every {@code ⌈n / MAX_POINTS⌉}-th example, one series per class, each named in the legend. A class with no
     * sampled point still gets its legend entry, from a single point outside the bounds (clipped away).
     */
    private static void addPoints(XYChart chart, DataSet data) {
        int stride = Math.ceilDiv(data.size(), MAX_POINTS);
        double[] e = data.examples();
        int[] labels = data.labels();
        int classes = data.classes();
        double[][] xs = new double[classes][data.size() / stride + 1];
        double[][] ys = new double[classes][data.size() / stride + 1];
        int[] count = new int[classes];
        for (int i = 0; i < data.size(); i += stride) {
            int c = labels[i];
            xs[c][count[c]] = e[2 * i];
            ys[c][count[c]] = e[2 * i + 1];
            count[c]++;
        }
        double outsideX = chart.getStyler().getXAxisMax() + 1e3 * (chart.getStyler().getXAxisMax()
                - chart.getStyler().getXAxisMin());
        double outsideY = chart.getStyler().getYAxisMax();
        Dot dot = new Dot();
        for (int c = 0; c < classes; c++) {
            double[] x = count[c] == 0 ? new double[] {outsideX} : Arrays.copyOf(xs[c], count[c]);
            double[] y = count[c] == 0 ? new double[] {outsideY} : Arrays.copyOf(ys[c], count[c]);
            XYSeries series = chart.addSeries("points " + c, x, y);
            series.setLabel(label(data.classNames().get(c)));
            series.setMarker(dot);
            series.setMarkerColor(ChartStyle.color(c));
        }
    }

    /** Legend text for a class: bare numbers ("3") read better as "class 3". */
    private static String label(String className) {
        return className.chars().allMatch(Character::isDigit) ? "class " + className : className;
    }

    /**
     * A filled grid cell. XChart gives markers only a centre and a size in whole pixels; a cell's size in pixels
     * follows from the axes, which are laid out by the time markers are painted. Edges are rounded outwards with
     * antialiasing off, so neighbouring cells overlap by at most a pixel instead of leaving hairline seams.
     */
    private static final class Cell extends Marker {
        private final XYChart chart;
        private final double dx;
        private final double dy;

        Cell(XYChart chart, double dx, double dy) {
            this.chart = chart;
            this.dx = dx;
            this.dy = dy;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            double w = Math.abs(chart.getScreenXFromChart(dx) - chart.getScreenXFromChart(0)) / 2;
            double h = Math.abs(chart.getScreenYFromChart(dy) - chart.getScreenYFromChart(0)) / 2;
            int left = (int) Math.floor(x - w);
            int top = (int) Math.floor(y - h);
            Object antialias = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.fillRect(left, top, (int) Math.ceil(x + w) - left, (int) Math.ceil(y + h) - top);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, antialias);
        }
    }

    /** A data point: a disc in the class colour with a darker rim, visible on any region tint. */
    private static final class Dot extends Marker {
        private static final BasicStroke RIM = new BasicStroke(1f);

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            Ellipse2D.Double disc = new Ellipse2D.Double(x - markerSize / 2.0, y - markerSize / 2.0, markerSize,
                    markerSize);
            Color fill = g.getColor();
            g.fill(disc);
            g.setColor(fill.darker().darker());
            g.setStroke(RIM);
            g.draw(disc);
            g.setColor(fill);
        }
    }
}
