package org.layerbraid.tools.report;

import java.awt.BasicStroke;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.layerbraid.mgrit.train.HistoryRow;

/** Line charts of training histories: loss-like quantities and accuracies against iterations or wall time. */
final class CurveCharts {
    /** Curves with at most this many points get a marker on each point, so that sparse evaluations show. */
    private static final int MARKED_POINTS = 25;
    /** Name of the hidden series that steers XChart's tick placement; no run label contains a NUL character. */
    static final String TICK_ANCHOR = "\0tick anchor";

    private CurveCharts() {
    }

    /** What runs along the x axis; {@code suffix} tells the two variants of a chart apart in file names. */
    enum Abscissa {
        ITERATION("iteration", "", HistoryRow::iteration),
        WALL_TIME("wall time (s)", "_time", HistoryRow::seconds);

        final String title;
        final String suffix;
        final ToDoubleFunction<HistoryRow> value;

        Abscissa(String title, String suffix, ToDoubleFunction<HistoryRow> value) {
            this.title = title;
            this.suffix = suffix;
            this.value = value;
        }
    }

    /** One line of a chart: the rows where both coordinates are finite (NaN marks "not measured"). */
    record Curve(String name, double[] x, double[] y) {
        static Curve of(String name, List<HistoryRow> rows, Abscissa abscissa, ToDoubleFunction<HistoryRow> value) {
            double[] x = new double[rows.size()];
            double[] y = new double[rows.size()];
            int n = 0;
            for (HistoryRow row : rows) {
                double u = abscissa.value.applyAsDouble(row);
                double v = value.applyAsDouble(row);
                if (Double.isFinite(u) && Double.isFinite(v)) {
                    x[n] = u;
                    y[n] = v;
                    n++;
                }
            }
            return new Curve(name, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
        }

        boolean isEmpty() {
            return x.length == 0;
        }
    }

    /**
     * A loss-like chart: a logarithmic y axis when every value is positive and they span at least a factor of 10
     * (losses fall by decades; XChart labels only powers of 10, so a narrower log axis would go unlabelled), linear
     * otherwise. Empty curves are left out.
     */
    static XYChart losses(int width, int height, String title, String yTitle, Abscissa abscissa, List<Curve> curves) {
        XYChart chart = lines(width, height, title, yTitle, abscissa, curves);
        double min = curves.stream().flatMapToDouble(c -> Arrays.stream(c.y())).min().orElse(0);
        double max = curves.stream().flatMapToDouble(c -> Arrays.stream(c.y())).max().orElse(0);
        chart.getStyler().setYAxisLogarithmic(min > 0 && max >= 10 * min);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    /** An accuracy chart on the full 0–100 % scale, so that charts of different runs compare at a glance. */
    static XYChart accuracies(int width, int height, String title, String yTitle, Abscissa abscissa,
            List<Curve> curves) {
        XYChart chart = lines(width, height, title, yTitle, abscissa, curves);
        XYStyler s = chart.getStyler();
        s.setYAxisMin(0.0);
        s.setYAxisMax(100.0);
        s.setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    private static XYChart lines(int width, int height, String title, String yTitle, Abscissa abscissa,
            List<Curve> curves) {
        XYChart chart = ChartStyle.newChart(width, height, title, abscissa.title, yTitle);
        XYStyler s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarkerSize(6);
        s.setXAxisTickMarkSpacingHint(90);
        s.setYAxisTickMarkSpacingHint(55);
        if (abscissa == Abscissa.ITERATION) {
            double first = curves.stream().flatMapToDouble(c -> Arrays.stream(c.x())).min().orElse(0);
            double last = curves.stream().flatMapToDouble(c -> Arrays.stream(c.x())).max().orElse(0);
            // Iterations are whole numbers: span at least 10 so that the ticks fall on them.
            s.setXAxisDecimalPattern("#,##0");
            if (last - first < 10) {
                s.setXAxisMin(first);
                s.setXAxisMax(first + 10);
            }
            // XChart puts the ticks of equally spaced x values (as iterations are) on every k-th value, e.g. 0, 12,
            // 24, … A first series with two unevenly spaced values makes it choose round numbers instead; disabled,
            // the series counts for neither the axis ranges nor the legend and is not drawn.
            XYSeries anchor = chart.addSeries(TICK_ANCHOR, new double[] {first + 0.25, first + 0.75},
                    new double[] {1, 1});
            anchor.setEnabled(false);
            anchor.setShowInLegend(false);
        }
        int index = 0;
        for (Curve curve : curves) {
            if (!curve.isEmpty()) {
                XYSeries series = chart.addSeries(curve.name(), curve.x(), curve.y());
                series.setLineColor(ChartStyle.color(index));
                series.setMarkerColor(ChartStyle.color(index));
                series.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                series.setMarker(curve.x().length <= MARKED_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            }
            index++;
        }
        return chart;
    }
}
