package org.layerbraid.tools.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of a bench report, from data the report has prepared. */
final class BenchCharts {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    /** One line: measured points are drawn with markers, model predictions as dashed lines without. */
    record Line(String name, double[] x, double[] y, boolean model, int colour) {
    }

    static {
        // As in ChartStyle: the bar chart may be the first chart drawn, before AWT reads this setting.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private BenchCharts() {
    }

    /** An XY chart of lines; log axes are used only when asked and every value is positive. */
    static XYChart lines(String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Line> lines) {
        XYChart chart = ChartStyle.newChart(WIDTH, HEIGHT, title, xTitle, yTitle);
        var s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarkerSize(8);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        boolean positiveX = lines.stream().allMatch(l -> Arrays.stream(l.x()).allMatch(v -> v > 0));
        boolean positiveY = lines.stream().allMatch(l -> Arrays.stream(l.y()).allMatch(v -> v > 0));
        s.setXAxisLogarithmic(logX && positiveX);
        s.setYAxisLogarithmic(logY && positiveY);
        for (Line line : lines) {
            if (line.x().length == 0) {
                continue;
            }
            XYSeries series = chart.addSeries(line.name(), line.x(), line.y());
            Color colour = ChartStyle.color(line.colour());
            series.setLineColor(colour);
            series.setMarkerColor(colour);
            if (line.model()) {
                series.setMarker(SeriesMarkers.NONE);
                series.setLineStyle(new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {7f, 5f}, 0f));
            } else {
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            }
        }
        return chart;
    }

    /** Bars of % of the FMA peak per kernel point, one series per precision. */
    static CategoryChart percentOfPeak(List<String> points, List<String> precisions, double[][] percent) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH + 300).height(HEIGHT)
                .title("Kernels: % of the FMA peak (same precision)").xAxisTitle("kernel and size")
                .yAxisTitle("% of peak").build();
        var s = chart.getStyler();
        s.setLocale(Locale.ROOT);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setXAxisLabelRotation(60);
        s.setYAxisMin(0.0);
        s.setYAxisMax(100.0);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setAvailableSpaceFill(0.8);
        for (int p = 0; p < precisions.size(); p++) {
            List<Double> values = new ArrayList<>();
            for (double v : percent[p]) {
                values.add(Double.isFinite(v) ? v : 0.0);
            }
            chart.addSeries(precisions.get(p), points, values).setFillColor(ChartStyle.color(p));
        }
        return chart;
    }
}
