package org.layerbraid.tools.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * The look shared by every chart: a white, quiet frame, readable fonts, and one qualitative palette. Every chart is
 * created by {@link #newChart}, so this class's initialiser runs before any AWT class: it switches AWT to headless
 * mode (the command line runs without a display) before {@code java.awt.Color} below reads that setting.
 */
final class ChartStyle {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    // Well-separated hues that stay distinct for colour-blind readers (after Okabe and Ito for the first six), then
    // muted extras; classes beyond these get golden-angle hues (see color).
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xD55E00), new Color(0xCC79A7),
        new Color(0x56B4E9), new Color(0xB59B00), new Color(0x6E6E6E), new Color(0x8C564B), new Color(0x5E3C99),
    };
    private static final Color TEXT = new Color(0x222222);
    private static final Color FRAME = new Color(0x9A9A9A);
    private static final Color GRID = new Color(0xE4E4E4);
    private static final String FONT = Font.SANS_SERIF;

    private ChartStyle() {
    }

    /** An empty XY chart with the shared style: title, axis titles, legend inside the top-right corner. */
    static XYChart newChart(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        XYStyler s = chart.getStyler();
        // Fixed locale: the same digits and separators on every machine.
        s.setLocale(Locale.ROOT);
        s.setAntiAlias(true);
        s.setChartBackgroundColor(Color.WHITE);
        s.setChartFontColor(TEXT);
        s.setChartPadding(12);
        s.setChartTitleFont(new Font(FONT, Font.BOLD, 17));
        s.setChartTitleBoxVisible(false);
        s.setChartTitlePadding(10);
        s.setAxisTitleFont(new Font(FONT, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(FONT, Font.PLAIN, 12));
        s.setAxisTickLabelsColor(TEXT);
        s.setAxisTickMarksColor(FRAME);
        s.setAxisTitlePadding(8);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(FRAME);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setPlotMargin(0);
        s.setLegendFont(new Font(FONT, Font.PLAIN, 13));
        s.setLegendBorderColor(GRID);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 225));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendSeriesLineLength(28);
        return chart;
    }

    /** The colour of class or series {@code i}: the palette, then hues spaced by the golden angle. */
    static Color color(int i) {
        if (i < PALETTE.length) {
            return PALETTE[i];
        }
        float hue = (float) (((i - PALETTE.length) * 0.381966 + 0.07) % 1.0);
        return Color.getHSBColor(hue, 0.6f, 0.75f);
    }

    /** A light tint of {@code c} (mixed with white) for filled regions, so that full-colour markers stand out. */
    static Color tint(Color c) {
        double keep = 0.38;
        return new Color(mix(c.getRed(), keep), mix(c.getGreen(), keep), mix(c.getBlue(), keep));
    }

    private static int mix(int channel, double keep) {
        return (int) Math.round(channel * keep + 255 * (1 - keep));
    }
}
