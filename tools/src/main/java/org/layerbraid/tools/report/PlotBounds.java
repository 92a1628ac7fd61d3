package org.layerbraid.tools.report;

import org.layerbraid.mgrit.data.DataSet;

/**
 * The rectangle of the input plane a decision map covers.
 *
 * @param xMin left edge
 * @param xMax right edge, greater than {@code xMin}
 * @param yMin bottom edge
 * @param yMax top edge, greater than {@code yMin}
 */
public record PlotBounds(double xMin, double xMax, double yMin, double yMax) {
    public PlotBounds {
        if (!(Double.isFinite(xMin) && Double.isFinite(xMax) && Double.isFinite(yMin) && Double.isFinite(yMax)
                && xMin < xMax && yMin < yMax)) {
            throw new IllegalArgumentException("plot bounds need finite xMin < xMax and yMin < yMax, got x ["
                    + xMin + ", " + xMax + "], y [" + yMin + ", " + yMax + "]");
        }
    }

    /**
     * The bounding box of a 2-feature data set widened by {@code margin} times its extent on every side (so that the
     * outermost points are not cut in half); a zero extent is widened by 1 instead.
     */
    public static PlotBounds around(DataSet data, double margin) {
        if (data.features() != 2) {
            throw new IllegalArgumentException("data set '" + data.name() + "' has " + data.features()
                    + " features; a decision map needs 2");
        }
        if (!(margin >= 0 && margin < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("margin must be finite and at least 0, got " + margin);
        }
        double[] e = data.examples();
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < e.length; k += 2) {
            xLo = Math.min(xLo, e[k]);
            xHi = Math.max(xHi, e[k]);
            yLo = Math.min(yLo, e[k + 1]);
            yHi = Math.max(yHi, e[k + 1]);
        }
        double dx = xHi > xLo ? margin * (xHi - xLo) : 1;
        double dy = yHi > yLo ? margin * (yHi - yLo) : 1;
        return new PlotBounds(xLo - dx, xHi + dx, yLo - dy, yHi + dy);
    }
}
